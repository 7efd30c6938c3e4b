/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Consistent reads of an allocation's mutable part, on any reader lcore.
 * Each function copies what it needs inside one seq section and retries when
 * the writer was inside; none of them writes shared memory.
 */

#include "table_private.h"

/* Inside a seq section: whether family/addr has an unexpired permission. */
static inline bool
permitted_in_section(const struct table_alloc *a, uint8_t family, const uint8_t *addr,
		     uint64_t now_ms)
{
	unsigned int n = RTE_MIN(a->nperms, (uint8_t)TABLE_MAX_PERMS);

	for (unsigned int i = 0; i < n; i++) {
		const struct table_perm *p = &a->slots[i].perm;

		if (p->family == family && now_ms < p->expires_ms &&
		    table_addr_eq(family, p->addr, addr))
			return true;
	}
	return false;
}

bool
table_alloc_live(const struct table_alloc *a, uint64_t now_ms)
{
	uint64_t expires;
	uint32_t s;

	do {
		s = table_seq_read_begin(a);
		expires = a->expires_ms;
	} while (table_seq_read_retry(a, s));
	return now_ms < expires;
}

uint64_t
table_alloc_expiry(const struct table_alloc *a)
{
	uint64_t expires;
	uint32_t s;

	do {
		s = table_seq_read_begin(a);
		expires = a->expires_ms;
	} while (table_seq_read_retry(a, s));
	return expires;
}

bool
table_permitted(const struct table_alloc *a, uint8_t family, const uint8_t *addr,
		uint64_t now_ms)
{
	bool found;
	uint32_t s;

	do {
		s = table_seq_read_begin(a);
		found = permitted_in_section(a, family, addr, now_ms);
	} while (table_seq_read_retry(a, s));
	return found;
}

bool
table_channel_peer(const struct table_alloc *a, uint16_t number, uint64_t now_ms,
		   struct stun_addr *peer)
{
	struct stun_addr copy;
	bool found;
	uint32_t s;

	do {
		unsigned int i, n;

		s = table_seq_read_begin(a);
		found = false;
		n = RTE_MIN(a->nchannels, (uint8_t)TABLE_MAX_CHANNELS);
		for (i = 0; i < n; i++) {
			const struct table_channel *c = &a->slots[i].channel;

			if (c->number == number && now_ms < c->expires_ms) {
				copy = c->peer;
				found = true;
				break;
			}
		}
	} while (table_seq_read_retry(a, s));
	if (found)
		*peer = copy;
	return found;
}

bool
table_channel_number(const struct table_alloc *a, const struct stun_addr *peer,
		     uint64_t now_ms, uint16_t *number)
{
	uint16_t copy = 0;
	bool found;
	uint32_t s;

	do {
		unsigned int i, n;

		s = table_seq_read_begin(a);
		found = false;
		n = RTE_MIN(a->nchannels, (uint8_t)TABLE_MAX_CHANNELS);
		for (i = 0; i < n; i++) {
			const struct table_channel *c = &a->slots[i].channel;

			if (c->number != 0 && now_ms < c->expires_ms &&
			    table_peer_eq(&c->peer, peer)) {
				copy = c->number;
				found = true;
				break;
			}
		}
	} while (table_seq_read_retry(a, s));
	if (found)
		*number = copy;
	return found;
}

enum table_route
table_route_channel(const struct table_alloc *a, uint16_t number, uint64_t now_ms,
		    struct stun_addr *peer)
{
	enum table_route r;
	struct stun_addr copy;
	uint32_t s;

	do {
		unsigned int i, n;

		s = table_seq_read_begin(a);
		if (now_ms >= a->expires_ms) {
			r = TABLE_ROUTE_EXPIRED;
			continue;
		}
		r = TABLE_ROUTE_NO_CHANNEL;
		n = RTE_MIN(a->nchannels, (uint8_t)TABLE_MAX_CHANNELS);
		for (i = 0; i < n; i++) {
			const struct table_channel *c = &a->slots[i].channel;

			if (c->number == number && now_ms < c->expires_ms) {
				copy = c->peer;
				r = permitted_in_section(a, copy.family, copy.addr, now_ms) ?
					    TABLE_ROUTE_OK : TABLE_ROUTE_NO_PERMISSION;
				break;
			}
		}
	} while (table_seq_read_retry(a, s));
	if (r == TABLE_ROUTE_OK)
		*peer = copy;
	return r;
}

enum table_route
table_route_peer(const struct table_alloc *a, const struct stun_addr *peer, uint64_t now_ms,
		 uint16_t *channel)
{
	enum table_route r;
	uint16_t number;
	uint32_t s;

	do {
		unsigned int i, n;

		s = table_seq_read_begin(a);
		number = 0;
		if (now_ms >= a->expires_ms) {
			r = TABLE_ROUTE_EXPIRED;
			continue;
		}
		if (!permitted_in_section(a, peer->family, peer->addr, now_ms)) {
			r = TABLE_ROUTE_NO_PERMISSION;
			continue;
		}
		r = TABLE_ROUTE_OK;
		n = RTE_MIN(a->nchannels, (uint8_t)TABLE_MAX_CHANNELS);
		for (i = 0; i < n; i++) {
			const struct table_channel *c = &a->slots[i].channel;

			if (c->number != 0 && now_ms < c->expires_ms &&
			    table_peer_eq(&c->peer, peer)) {
				number = c->number;
				break;
			}
		}
	} while (table_seq_read_retry(a, s));
	*channel = number;
	return r;
}

void
table_alloc_read_state(const struct table_alloc *a, struct table_alloc_state *out)
{
	uint32_t s;

	do {
		s = table_seq_read_begin(a);
		out->expires_ms = a->expires_ms;
		out->nperms = RTE_MIN(a->nperms, (uint8_t)TABLE_MAX_PERMS);
		out->nchannels = RTE_MIN(a->nchannels, (uint8_t)TABLE_MAX_CHANNELS);
		for (unsigned int i = 0; i < TABLE_MAX_PERMS; i++) {
			out->perms[i] = a->slots[i].perm;
			out->channels[i] = a->slots[i].channel;
		}
	} while (table_seq_read_retry(a, s));
}
