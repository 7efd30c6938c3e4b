/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 8656 §7.2: receiving an Allocate request. */
#include <errno.h>
#include <string.h>

#include "turn_internal.h"

/* §7.2: a retransmission of the request that made this allocation gets the same answer. */
static size_t
replay_or_mismatch(struct turn_req *r, struct table_alloc *a)
{
	const struct table_alloc_owner *o = table_owner(r->srv->table, a);

	if (memcmp(o->alloc_tid, r->msg->tid, STUN_TID_LEN) == 0 &&
	    r->clk->now_ms < o->alloc_response_expires_ms && o->alloc_response_len <= r->cap &&
	    o->alloc_response_len > 0) {
		memcpy(r->out, o->alloc_response, o->alloc_response_len);
		metrics_inc(r->mx, METRICS_TURN_ALLOCATE_REPLAYED);
		return o->alloc_response_len;
	}
	return turn_reply_error(r, 437);
}

/* How the relayed port is chosen (§7.2). */
struct port_choice {
	unsigned int flags;                /* TABLE_CREATE_* */
	struct turn_reservation *token;    /* RESERVATION-TOKEN presented */
	bool dual;                         /* ADDITIONAL-ADDRESS-FAMILY: IPv4 and IPv6 */
};

/* Steps of §7.2 before anything is created; 0 when the request may have an allocation. */
static uint16_t
check_request(struct turn_req *r, uint8_t *family, struct port_choice *pc)
{
	const struct stun_msg *m = r->msg;
	uint8_t proto, fam;
	bool reserve_next = false;
	uint64_t token;

	if (stun_get_requested_transport(m, &proto) != STUN_OK)
		return 400;
	if (proto != TURN_PROTO_UDP)
		return 442;
	*family = STUN_FAMILY_IPV4; /* IPv4 unless the client asks otherwise */
	if (stun_find(m, STUN_ATTR_RESERVATION_TOKEN, 0) >= 0) {
		if (stun_find(m, STUN_ATTR_EVEN_PORT, 0) >= 0 ||
		    stun_find(m, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, 0) >= 0 ||
		    stun_find(m, STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, 0) >= 0 ||
		    stun_get_reservation_token(m, &token) != STUN_OK)
			return 400;
		pc->token = turn_reservation_find(r->ctl, token, r->clk->now_ms);
		if (pc->token == NULL)
			return 508;
		*family = pc->token->family;
		return 0;
	}
	if (stun_find(m, STUN_ATTR_EVEN_PORT, 0) >= 0) {
		if (stun_get_even_port(m, &reserve_next) != STUN_OK)
			return 400;
		pc->flags = TABLE_CREATE_EVEN_PORT | (reserve_next ? TABLE_CREATE_RESERVE_NEXT : 0);
	}
	/* ADDITIONAL-ADDRESS-FAMILY asks for an IPv6 address besides the IPv4 one. */
	if (stun_find(m, STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, 0) >= 0) {
		if (stun_find(m, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, 0) >= 0 ||
		    stun_get_additional_address_family(m, &fam) != STUN_OK ||
		    fam != STUN_FAMILY_IPV6)
			return 400;
		pc->dual = true;
	}
	if (stun_find(m, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, 0) >= 0) {
		if (stun_get_requested_address_family(m, &fam) != STUN_OK)
			return 400;
		if (fam != STUN_FAMILY_IPV4 && fam != STUN_FAMILY_IPV6)
			return 440;
		*family = fam;
	}
	return 0;
}

/* Keep what a retransmission needs and what later requests are checked against. */
static void
remember(struct turn_req *r, struct table_alloc *a, size_t n)
{
	struct table_alloc_owner *o = table_owner(r->srv->table, a);
	size_t ulen = r->id.username_len < sizeof(o->username) ? r->id.username_len
							       : sizeof(o->username);

	memcpy(o->username, r->id.username, ulen);
	o->username_len = (uint16_t)ulen;
	memcpy(o->key, r->id.key, r->id.key_len);
	o->key_len = r->id.key_len;
	o->sha256 = r->id.sha256;
	memcpy(o->alloc_tid, r->msg->tid, STUN_TID_LEN);
	o->alloc_response_len = n <= sizeof(o->alloc_response) ? (uint16_t)n : 0;
	memcpy(o->alloc_response, r->out, o->alloc_response_len);
	o->alloc_response_expires_ms = r->clk->now_ms + TURN_TRANSACTION_LIFETIME_MS;
}

/* RFC 8656 §18.14: family, 11 reserved bits, class and number, reason. */
static void
add_address_error(struct stun_builder *b, uint8_t family, uint16_t code)
{
	const char *reason = stun_error_reason(code);
	uint8_t v[64];
	size_t n = strlen(reason);

	if (n > sizeof(v) - 4)
		n = sizeof(v) - 4;
	v[0] = family;
	v[1] = 0;
	v[2] = (uint8_t)(code / 100);
	v[3] = (uint8_t)(code % 100);
	memcpy(v + 4, reason, n);
	stun_add_attr(b, STUN_ATTR_ADDRESS_ERROR_CODE, v, (uint16_t)(4 + n));
}

static void
add_relayed(struct stun_builder *b, const struct table_relay_key *k)
{
	struct stun_addr out;

	table_relay_key_addr(k, &out);
	stun_add_xor_addr(b, STUN_ATTR_XOR_RELAYED_ADDRESS, &out);
}

/* The table's reason a family could not be had, as the §7.2 / §18.14 code. */
static uint16_t
family_error(int err)
{
	return err == -EAFNOSUPPORT ? 440 : 508;
}

/* Make the allocation (§7.2); 0 or the error code. Dual: the refused half's reasons. */
static uint16_t
create(struct turn_req *r, const struct table_5tuple *key, uint8_t family,
       const struct port_choice *pc, uint64_t expires, struct table_alloc **a,
       uint64_t *token, int *v4_err, int *v6_err)
{
	const struct turn_server *srv = r->srv;
	uint32_t reserved = 0;
	int ret;

	*v4_err = *v6_err = 0;
	if (pc->token != NULL)
		ret = table_alloc_create_reserved(srv->table, key, family, pc->token->pair,
						  r->ep->port_index, expires, a);
	else if (pc->dual)
		ret = table_alloc_create_dual(srv->table, key, pc->flags, r->ep->port_index, expires,
					      a, &reserved, v4_err, v6_err);
	else
		ret = table_alloc_create_flags(srv->table, key, family, pc->flags, r->ep->port_index,
					       expires, a, &reserved);
	/* A dual allocation that got no IPv4 half reserved nothing. */
	if (ret == 0 && (pc->flags & TABLE_CREATE_RESERVE_NEXT) && *v4_err == 0) {
		uint8_t rfam = (*a)->ids.relay.family;

		if (turn_reservation_add(r->ctl, rfam, reserved, r->clk->now_ms, token) != 0) {
			table_reservation_cancel(srv->table, rfam, reserved);
			table_alloc_delete(srv->table, *a);
			ret = -ENOSPC;
		}
	}
	return ret == 0 ? 0 : ret == -EAFNOSUPPORT ? 440 : 508;
}

size_t
turn_handle_allocate(struct turn_req *r)
{
	const struct turn_server *srv = r->srv;
	struct table_5tuple key;
	struct table_alloc *a;
	uint8_t family = STUN_FAMILY_IPV4;
	uint16_t code;
	bool zero;

	turn_client_key(&key, r->ep);
	a = table_lookup_client(srv->table, &key);
	if (a != NULL && table_alloc_live(a, r->clk->now_ms))
		return replay_or_mismatch(r, a);
	/* Expired but not swept yet: it goes now, so the 5-tuple is free again. */
	if (a != NULL) {
		const struct table_alloc_owner *o = table_owner(srv->table, a);

		turn_quota_release(r->ctl->quota, o->username, o->username_len);
		table_alloc_delete(srv->table, a);
		metrics_inc(r->mx, METRICS_TURN_EXPIRED);
	}
	/* Draining (dturnctl drain): no new allocation; retransmissions above still replay. */
	if (r->ctl->draining)
		return turn_reply_drain(r);

	struct port_choice pc = { 0 };

	code = check_request(r, &family, &pc);
	if (code != 0)
		return turn_reply_error(r, code);

	uint32_t lifetime = turn_lifetime(srv, r->msg, &zero);

	if (zero)
		lifetime = TURN_ALLOCATION_LIFETIME_DEFAULT;
	if (turn_quota_take(r->ctl->quota, r->id.username, r->id.username_len,
			    srv->allocations_per_user) != 0)
		return turn_reply_error(r, 486);

	uint64_t expires = r->clk->now_ms + (uint64_t)lifetime * 1000;
	uint64_t token = 0;
	int v4_err, v6_err;

	code = create(r, &key, family, &pc, expires, &a, &token, &v4_err, &v6_err);
	if (code != 0) {
		turn_quota_release(r->ctl->quota, r->id.username, r->id.username_len);
		return turn_reply_error(r, code);
	}

	struct stun_builder b;

	turn_reply_begin_success(r, &b);
	/* IPv4 first: a dual allocation's primary is IPv4 whenever it has one. */
	add_relayed(&b, &a->ids.relay);
	if (a->relay_alt.family != 0)
		add_relayed(&b, &a->relay_alt);
	stun_add_u32(&b, STUN_ATTR_LIFETIME, lifetime);
	stun_add_xor_addr(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &r->ep->client);
	if (token != 0) {
		uint8_t t8[8];

		for (int i = 0; i < 8; i++)
			t8[i] = (uint8_t)(token >> (56 - 8 * i));
		stun_add_attr(&b, STUN_ATTR_RESERVATION_TOKEN, t8, sizeof(t8));
	}
	/* §7.2: the half of a dual allocation that could not be had is named in the success. */
	if (v4_err != 0)
		add_address_error(&b, STUN_FAMILY_IPV4, family_error(v4_err));
	if (v6_err != 0)
		add_address_error(&b, STUN_FAMILY_IPV6, family_error(v6_err));

	size_t n = turn_reply_finish(r, &b);

	if (n == 0) {
		table_alloc_delete(srv->table, a);
		turn_quota_release(r->ctl->quota, r->id.username, r->id.username_len);
		return 0;
	}
	/* The token is spent once its allocation exists; the port is now the allocation's. */
	if (pc.token != NULL)
		turn_reservation_remove(r->ctl, pc.token, false);
	remember(r, a, n);
	turn_event_allocation(r->ctl, TURN_EVENT_ALLOCATED, a);
	metrics_inc(r->mx, METRICS_TURN_ALLOCATED);
	if (a->relay_alt.family != 0)
		metrics_inc(r->mx, METRICS_TURN_DUAL_ALLOCATED);
	return n;
}
