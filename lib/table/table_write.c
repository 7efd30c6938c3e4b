/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The writer side of the shared table: the control lcore only.
 *
 * An allocation is published by adding its relay key and then its client key
 * to the lock-free indexes (rte_hash's release stores publish the filled-in
 * entry). Deleting marks it dead under seq, removes both keys and puts the
 * entry on a FIFO with an RCU token; the entry and its relayed port return to
 * the free lists only when rte_rcu_qsbr_check() says every reader has passed a
 * quiescent state since, so no reader ever sees an entry change identity.
 */

#include <errno.h>

#include <rte_hash.h>
#include <rte_rcu_qsbr.h>

#include "table_private.h"

static inline uint32_t
entry_index(const struct table *t, const struct table_alloc *a)
{
	return (uint32_t)(a - t->entries);
}

struct table_alloc_owner *
table_owner(struct table *t, const struct table_alloc *a)
{
	return &t->owners[entry_index(t, a)];
}

static uint64_t
add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

unsigned int
table_reclaim(struct table *t)
{
	unsigned int freed = 0;

	while (t->pending_count > 0) {
		const struct table_pending *p = &t->pending[t->pending_head];
		struct table_alloc *a;

		if (rte_rcu_qsbr_check(t->qsbr, p->token, false) != 1)
			break;
		table_tsan_acquire(t->qsbr);
		a = &t->entries[p->index];
		table_pool_put(t, a->ids.relay.family, t->pair[p->index]);
		if (t->pair_alt[p->index] != TABLE_NO_PAIR)
			table_pool_put(t, STUN_FAMILY_IPV6, t->pair_alt[p->index]);
		t->state[p->index] = TABLE_ENTRY_FREE;
		t->free_stack[t->nfree++] = p->index;
		t->pending_head = t->pending_head + 1 == t->capacity ? 0 : t->pending_head + 1;
		t->pending_count--;
		freed++;
	}
	return freed;
}

/* Unpublished entry (keys already removed): wait for readers before reuse. */
static void
defer_entry(struct table *t, uint32_t idx)
{
	uint32_t tail = t->pending_head + t->pending_count;

	if (tail >= t->capacity)
		tail -= t->capacity;
	t->state[idx] = TABLE_ENTRY_PENDING;
	/* The token is taken after the entry was unpublished and marked dead. */
	t->pending[tail].token = rte_rcu_qsbr_start(t->qsbr);
	t->pending[tail].index = idx;
	t->pending_count++;
}

/* Zero the permissions (channels) from..to-1 a compaction left behind. */
static void
clear_perms(struct table_alloc *a, unsigned int from, unsigned int to)
{
	for (; from < to; from++)
		memset(&a->slots[from].perm, 0, sizeof(a->slots[from].perm));
}

static void
clear_channels(struct table_alloc *a, unsigned int from, unsigned int to)
{
	for (; from < to; from++)
		memset(&a->slots[from].channel, 0, sizeof(a->slots[from].channel));
}

static void
mark_dead(struct table_alloc *a)
{
	table_seq_write_begin(a);
	a->expires_ms = 0;
	table_seq_write_end(a);
}

int
table_alloc_create(struct table *t, const struct table_5tuple *client, uint8_t family,
		   uint16_t client_port_index, uint64_t expires_ms, struct table_alloc **out)
{
	return table_alloc_create_flags(t, client, family, 0, client_port_index, expires_ms, out,
					NULL);
}

static int
create_with_pair(struct table *t, const struct table_5tuple *client, uint8_t family,
		 uint32_t pair, uint32_t pair_alt, uint16_t client_port_index,
		 uint64_t expires_ms, struct table_alloc **out);

/* Checks common to every way of creating; 0 when an entry is free. */
static int
can_create(struct table *t, const struct table_5tuple *client, uint8_t family)
{
	if (rte_hash_lookup(t->by_client, client) >= 0)
		return -EEXIST;
	if (!table_family_valid(family) || t->pool[table_pool_slot(family)].size == 0)
		return -EAFNOSUPPORT;
	if (t->nfree == 0 || t->pool[table_pool_slot(family)].free == 0)
		table_reclaim(t);
	if (t->nfree == 0)
		return -ENOSPC;
	return 0;
}

int
table_alloc_create_flags(struct table *t, const struct table_5tuple *client, uint8_t family,
			 unsigned int flags, uint16_t client_port_index, uint64_t expires_ms,
			 struct table_alloc **out, uint32_t *reserved)
{
	uint32_t pair, next = 0;
	int rc = can_create(t, client, family);

	if (rc != 0)
		return rc;
	if ((flags & TABLE_CREATE_RESERVE_NEXT) && reserved == NULL)
		return -EINVAL;
	rc = table_pool_take(t, family, flags, &pair, &next);
	if (rc != 0)
		return rc;
	rc = create_with_pair(t, client, family, pair, TABLE_NO_PAIR, client_port_index, expires_ms,
			      out);
	if (rc != 0) {
		if (flags & TABLE_CREATE_RESERVE_NEXT)
			table_pool_put(t, family, next);
		return rc;
	}
	if (flags & TABLE_CREATE_RESERVE_NEXT)
		*reserved = next;
	return 0;
}

int
table_alloc_create_reserved(struct table *t, const struct table_5tuple *client, uint8_t family,
			    uint32_t reserved, uint16_t client_port_index, uint64_t expires_ms,
			    struct table_alloc **out)
{
	int rc = can_create(t, client, family);

	if (rc != 0)
		return rc;
	if (table_pool_claim(t, family, reserved) != 0)
		return -ENOENT;
	rc = create_with_pair(t, client, family, reserved, TABLE_NO_PAIR, client_port_index,
			      expires_ms, out);
	/* On failure the pair stays reserved: the token's owner may still use it. */
	return rc;
}

/* A free pair of the family, or the reason there is none. */
static int
take_pair(struct table *t, uint8_t family, unsigned int flags, uint32_t *pair, uint32_t *next)
{
	if (t->pool[table_pool_slot(family)].size == 0)
		return -EAFNOSUPPORT;
	return table_pool_take(t, family, flags, pair, next);
}

int
table_alloc_create_dual(struct table *t, const struct table_5tuple *client, unsigned int flags,
			uint16_t client_port_index, uint64_t expires_ms, struct table_alloc **out,
			uint32_t *reserved, int *v4_err, int *v6_err)
{
	uint32_t p4 = TABLE_NO_PAIR, p6 = TABLE_NO_PAIR, next = 0;
	int rc;

	*v4_err = *v6_err = 0;
	if ((flags & TABLE_CREATE_RESERVE_NEXT) && reserved == NULL)
		return -EINVAL;
	if (rte_hash_lookup(t->by_client, client) >= 0)
		return -EEXIST;
	if (t->nfree == 0 || t->pool[0].free == 0 || t->pool[1].free == 0)
		table_reclaim(t);
	if (t->nfree == 0)
		return -ENOSPC;
	*v4_err = take_pair(t, STUN_FAMILY_IPV4, flags, &p4, &next);
	*v6_err = take_pair(t, STUN_FAMILY_IPV6, 0, &p6, NULL);
	if (*v4_err != 0 && *v6_err != 0)
		return *v4_err == -EAFNOSUPPORT && *v6_err == -EAFNOSUPPORT ? -EAFNOSUPPORT
		       : *v4_err == -EAFNOSUPPORT ? *v6_err : *v4_err;
	if (*v4_err == 0)
		rc = create_with_pair(t, client, STUN_FAMILY_IPV4, p4, p6, client_port_index,
				      expires_ms, out);
	else
		rc = create_with_pair(t, client, STUN_FAMILY_IPV6, p6, TABLE_NO_PAIR,
				      client_port_index, expires_ms, out);
	if (rc != 0) {
		if (*v4_err == 0 && (flags & TABLE_CREATE_RESERVE_NEXT))
			table_pool_put(t, STUN_FAMILY_IPV4, next);
		return rc;
	}
	if (*v4_err == 0 && (flags & TABLE_CREATE_RESERVE_NEXT))
		*reserved = next;
	return 0;
}

unsigned int
table_alloc_families(const struct table *t, const struct table_alloc *a)
{
	uint32_t idx = (uint32_t)(a - t->entries);

	return idx < t->capacity && t->state[idx] == TABLE_ENTRY_LIVE ? t->families[idx] : 0;
}

int
table_alloc_drop_family(struct table *t, struct table_alloc *a, uint8_t family)
{
	uint32_t idx = entry_index(t, a);
	unsigned int bit = TABLE_FAMILY_BIT(family), i, n;
	const struct table_relay_key *k;
	uint16_t port_index;

	if (!table_family_valid(family) || idx >= t->capacity ||
	    t->state[idx] != TABLE_ENTRY_LIVE || !(t->families[idx] & bit))
		return -ENOENT;
	if (t->families[idx] == bit)
		return -EINVAL;
	k = table_alloc_relay_for(a, family, &port_index);
	t->families[idx] &= (uint8_t)~bit;
	/*
	 * Nothing of that family may be relayed any more: its permissions and
	 * channels go, and readers' flow caches stop taking the entry for its
	 * relayed address (relay_families) before the index drops the key.
	 */
	table_seq_write_begin(a);
	a->relay_families = t->families[idx];
	for (i = n = 0; i < a->nperms; i++)
		if (a->slots[i].perm.family != family)
			a->slots[n++].perm = a->slots[i].perm;
	clear_perms(a, n, a->nperms);
	a->nperms = (uint8_t)n;
	for (i = n = 0; i < a->nchannels; i++)
		if (a->slots[i].channel.peer.family != family)
			a->slots[n++].channel = a->slots[i].channel;
	clear_channels(a, n, a->nchannels);
	a->nchannels = (uint8_t)n;
	table_seq_write_end(a);
	rte_hash_del_key(t->by_relay, k);
	return 0;
}

void
table_reservation_cancel(struct table *t, uint8_t family, uint32_t reserved)
{
	if (table_family_valid(family) && table_pool_claim(t, family, reserved) == 0)
		table_pool_put(t, family, reserved);
}

/*
 * The pair (and pair_alt, an IPv6 pair for a dual allocation, or
 * TABLE_NO_PAIR) is taken or reserved already; on failure it is given back.
 */
static int
create_with_pair(struct table *t, const struct table_5tuple *client, uint8_t family,
		 uint32_t pair, uint32_t pair_alt, uint16_t client_port_index,
		 uint64_t expires_ms, struct table_alloc **out)
{
	const struct table_relay_addr *ra;
	struct table_alloc *a;
	uint32_t idx;
	int rc;

	idx = t->free_stack[--t->nfree];
	a = &t->entries[idx];

	/*
	 * No reader holds this entry from a lookup (every one passed a quiescent
	 * state since it was freed), but a reader's flow cache may still point
	 * at it and check it (table_cache.c): it is refilled under seq, all but
	 * seq itself, which starts the struct.
	 */
	table_seq_write_begin(a);
	memset((uint8_t *)a + sizeof(a->seq), 0, sizeof(*a) - sizeof(a->seq));
	a->ids.client = *client;
	ra = &t->params.relay_addrs[pair >> 16];
	a->ids.relay.family = family;
	a->ids.relay.port = (uint16_t)pair;
	memcpy(a->ids.relay.addr, ra->addr, table_addr_len(family));
	a->ids.client_port_index = client_port_index;
	a->ids.relay_port_index = ra->port_index;
	t->families[idx] = (uint8_t)TABLE_FAMILY_BIT(family);
	if (pair_alt != TABLE_NO_PAIR) {
		const struct table_relay_addr *ra6 = &t->params.relay_addrs[pair_alt >> 16];

		a->relay_alt.family = STUN_FAMILY_IPV6;
		a->relay_alt.port = (uint16_t)pair_alt;
		memcpy(a->relay_alt.addr, ra6->addr, 16);
		a->ids.relay_alt_port_index = ra6->port_index;
		t->families[idx] |= (uint8_t)TABLE_FAMILY_BIT(STUN_FAMILY_IPV6);
	}
	a->relay_families = t->families[idx];
	a->expires_ms = expires_ms;
	table_seq_write_end(a);
	t->pair[idx] = pair;
	t->pair_alt[idx] = pair_alt;
	memset(&t->owners[idx], 0, sizeof(t->owners[idx]));

	table_tsan_release(a);
	rc = rte_hash_add_key_data(t->by_relay, &a->ids.relay, a);
	if (rc != 0)
		goto undo_entry;
	if (pair_alt != TABLE_NO_PAIR) {
		rc = rte_hash_add_key_data(t->by_relay, &a->relay_alt, a);
		if (rc != 0) {
			mark_dead(a);
			rte_hash_del_key(t->by_relay, &a->ids.relay);
			defer_entry(t, idx);
			return rc;
		}
	}
	rc = rte_hash_add_key_data(t->by_client, &a->ids.client, a);
	if (rc != 0) {
		/* A reader may have found it through the relay index already. */
		mark_dead(a);
		rte_hash_del_key(t->by_relay, &a->ids.relay);
		if (pair_alt != TABLE_NO_PAIR)
			rte_hash_del_key(t->by_relay, &a->relay_alt);
		defer_entry(t, idx);
		return rc;
	}
	t->state[idx] = TABLE_ENTRY_LIVE;
	t->count++;
	if (out != NULL)
		*out = a;
	return 0;
undo_entry:
	/*
	 * Never published: straight back to the free lists, dead, since a
	 * reader's flow cache may point at the entry and must not take it.
	 */
	mark_dead(a);
	table_pool_put(t, family, pair);
	if (pair_alt != TABLE_NO_PAIR)
		table_pool_put(t, STUN_FAMILY_IPV6, pair_alt);
	t->free_stack[t->nfree++] = idx;
	return rc;
}

void
table_alloc_delete(struct table *t, struct table_alloc *a)
{
	uint32_t idx = entry_index(t, a);

	if (idx >= t->capacity || t->state[idx] != TABLE_ENTRY_LIVE)
		return;
	mark_dead(a);
	rte_hash_del_key(t->by_client, &a->ids.client);
	if (t->families[idx] & TABLE_FAMILY_BIT(a->ids.relay.family))
		rte_hash_del_key(t->by_relay, &a->ids.relay);
	if (a->relay_alt.family != 0 &&
	    (t->families[idx] & TABLE_FAMILY_BIT(a->relay_alt.family)))
		rte_hash_del_key(t->by_relay, &a->relay_alt);
	t->families[idx] = 0;
	t->count--;
	defer_entry(t, idx);
}

struct table_alloc *
table_alloc_at(struct table *t, uint32_t index)
{
	if (index >= t->capacity || t->state[index] != TABLE_ENTRY_LIVE)
		return NULL;
	return &t->entries[index];
}

void
table_alloc_set_expiry(struct table_alloc *a, uint64_t expires_ms)
{
	table_seq_write_begin(a);
	a->expires_ms = expires_ms;
	table_seq_write_end(a);
}

int
table_perm_install(struct table_alloc *a, uint8_t family, const uint8_t *addr,
		   uint64_t expires_ms, uint64_t now_ms)
{
	int slot = -1;
	unsigned int i;

	if (!table_family_valid(family))
		return -EINVAL;
	for (i = 0; i < a->nperms; i++) {
		struct table_perm *p = &a->slots[i].perm;

		if (p->family == family && table_addr_eq(family, p->addr, addr)) {
			table_seq_write_begin(a);
			p->expires_ms = expires_ms;
			table_seq_write_end(a);
			return 0;
		}
		if (slot < 0 && p->expires_ms <= now_ms)
			slot = (int)i;
	}
	if (slot < 0) {
		if (a->nperms >= TABLE_MAX_PERMS)
			return -ENOSPC;
		slot = a->nperms;
	}
	table_seq_write_begin(a);
	memset(&a->slots[slot].perm, 0, sizeof(a->slots[slot].perm));
	a->slots[slot].perm.family = family;
	memcpy(a->slots[slot].perm.addr, addr, table_addr_len(family));
	a->slots[slot].perm.expires_ms = expires_ms;
	if (slot == a->nperms)
		a->nperms++;
	table_seq_write_end(a);
	return 0;
}

static bool
channel_reserved(const struct table_channel *c, uint64_t now_ms)
{
	return c->number != 0 && now_ms < add_sat(c->expires_ms, TABLE_CHANNEL_COOLDOWN_MS);
}

int
table_channel_bind(struct table_alloc *a, uint16_t number, const struct stun_addr *peer,
		   uint64_t expires_ms, uint64_t now_ms)
{
	int same = -1, slot = -1;
	unsigned int i;

	if (number < 0x4000 || number > 0x7fff || !table_family_valid(peer->family))
		return -EINVAL;
	for (i = 0; i < a->nchannels; i++) {
		const struct table_channel *c = &a->slots[i].channel;
		bool num_eq, peer_eq;

		if (!channel_reserved(c, now_ms)) {
			if (slot < 0)
				slot = (int)i;
			continue;
		}
		num_eq = c->number == number;
		peer_eq = table_peer_eq(&c->peer, peer);
		if (num_eq && peer_eq)
			same = (int)i;
		else if (num_eq)
			return -EBUSY;
		else if (peer_eq)
			return -EEXIST;
	}
	table_seq_write_begin(a);
	if (same >= 0) {
		a->slots[same].channel.expires_ms = expires_ms;
	} else if (slot >= 0 || a->nchannels < TABLE_MAX_CHANNELS) {
		struct table_channel *c;

		if (slot < 0)
			slot = a->nchannels++;
		c = &a->slots[slot].channel;
		memset(c, 0, sizeof(*c));
		c->number = number;
		c->peer.family = peer->family;
		c->peer.port = peer->port;
		memcpy(c->peer.addr, peer->addr, table_addr_len(peer->family));
		c->expires_ms = expires_ms;
	} else {
		table_seq_write_end(a);
		return -ENOSPC;
	}
	table_seq_write_end(a);
	return 0;
}

/* Drop expired permissions and channels past their cooldown, compacting both arrays. */
static void
prune(struct table_alloc *a, uint64_t now_ms)
{
	unsigned int i, n;
	bool stale = false;

	for (i = 0; i < a->nperms && !stale; i++)
		stale = a->slots[i].perm.expires_ms <= now_ms;
	for (i = 0; i < a->nchannels && !stale; i++)
		stale = !channel_reserved(&a->slots[i].channel, now_ms);
	if (!stale)
		return;

	table_seq_write_begin(a);
	for (i = n = 0; i < a->nperms; i++)
		if (a->slots[i].perm.expires_ms > now_ms)
			a->slots[n++].perm = a->slots[i].perm;
	clear_perms(a, n, a->nperms);
	a->nperms = (uint8_t)n;
	for (i = n = 0; i < a->nchannels; i++)
		if (channel_reserved(&a->slots[i].channel, now_ms))
			a->slots[n++].channel = a->slots[i].channel;
	clear_channels(a, n, a->nchannels);
	a->nchannels = (uint8_t)n;
	table_seq_write_end(a);
}

unsigned int
table_sweep(struct table *t, uint64_t now_ms, unsigned int budget,
	    table_expire_fn on_expire, void *arg)
{
	unsigned int deleted = 0, examined;

	table_reclaim(t);
	for (examined = 0; examined < budget && examined < t->capacity; examined++) {
		uint32_t idx = t->sweep_cursor;
		struct table_alloc *a = &t->entries[idx];

		t->sweep_cursor = idx + 1 == t->capacity ? 0 : idx + 1;
		if (t->state[idx] != TABLE_ENTRY_LIVE)
			continue;
		if (a->expires_ms <= now_ms) {
			if (on_expire != NULL)
				on_expire(arg, a);
			table_alloc_delete(t, a);
			deleted++;
		} else {
			prune(a, now_ms);
		}
	}
	return deleted;
}
