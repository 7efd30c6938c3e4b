/* SPDX-License-Identifier: BSD-3-Clause */
/* The control lcore's entry: authenticate, then the method's handler. */
#include <string.h>

#include "turn_internal.h"

void
turn_client_key(struct table_5tuple *k, const struct turn_endpoints *ep)
{
	memset(k, 0, sizeof(*k));
	k->family = ep->client.family;
	k->proto = ep->proto != 0 ? ep->proto : TURN_PROTO_UDP;
	k->client_port = ep->client.port;
	k->server_port = ep->local.port;
	memcpy(k->client_addr, ep->client.addr, sizeof(k->client_addr));
	memcpy(k->server_addr, ep->local.addr, sizeof(k->server_addr));
}

/* The app's log line for an allocation's event, with its owner's name and client. */
void
turn_event_allocation(struct turn_control *ctl, enum turn_event ev, const struct table_alloc *a)
{
	const struct table_alloc_owner *o;
	const struct table_5tuple *k = &a->ids.client;
	struct stun_addr client;

	if (ctl->on_event == NULL)
		return;
	o = table_owner(ctl->srv->table, a);
	memset(&client, 0, sizeof(client));
	client.family = k->family;
	client.port = k->client_port;
	memcpy(client.addr, k->client_addr, sizeof(client.addr));
	ctl->on_event(ctl->on_event_arg, ev, a, &(struct turn_event_info){
		.client = &client, .user = o->username, .user_len = o->username_len });
}

/* A request that came with credentials and failed (code answered): logged, and it drains
 * its source's bucket. */
void
turn_count_failure(struct turn_req *r, uint16_t code)
{
	if (r->ctl->on_event != NULL) {
		struct stun_bytes user = { 0 };

		(void)stun_get_username(r->msg, &user);
		r->ctl->on_event(r->ctl->on_event_arg, TURN_EVENT_AUTH_FAILED, NULL,
				 &(struct turn_event_info){ .client = &r->ep->client,
							    .user = (const char *)user.data,
							    .user_len = user.len, .code = code });
	}
	if (turn_failure_record(r->ctl->failures, r->ctl->box, &r->ep->client, r->clk->now_ms)) {
		metrics_inc(r->mx, METRICS_TURN_SOURCE_BLOCKED);
		if (r->ctl->on_blocked != NULL)
			r->ctl->on_blocked(r->ctl->on_blocked_arg, &r->ep->client);
	}
}

bool
turn_authenticate(struct turn_req *r, size_t *reply_len)
{
	enum auth_result ar = auth_check_request(r->srv->auth, r->msg, &r->ep->client,
						 r->clk->now_s, &r->id);

	switch (ar) {
	case AUTH_OK:
		r->authenticated = true;
		return true;
	case AUTH_NO_INTEGRITY:
		*reply_len = turn_reply_challenge(r);
		return false;
	case AUTH_MISSING_ATTRS:
	case AUTH_BAD_ALGORITHMS:
		*reply_len = turn_reply_error(r, 400);
		return false;
	case AUTH_STALE_NONCE:
		*reply_len = turn_reply_error(r, 438);
		turn_count_failure(r, 438);
		return false;
	case AUTH_WRONG_REALM:
	case AUTH_BAD_NONCE:
	case AUTH_UNKNOWN_USER:
	case AUTH_EXPIRED_USER:
	case AUTH_BAD_INTEGRITY:
	default:
		*reply_len = turn_reply_error(r, 401);
		turn_count_failure(r, 401);
		return false;
	}
}

/* RFC 8656 §5: requests on an allocation must come with the credentials that made it. */
struct table_alloc *
turn_find_allocation(struct turn_req *r, size_t *reply_len)
{
	struct table_5tuple k;
	struct table_alloc *a;

	turn_client_key(&k, r->ep);
	a = table_lookup_client(r->srv->table, &k);
	if (a == NULL || !table_alloc_live(a, r->clk->now_ms)) {
		*reply_len = turn_reply_error(r, 437);
		return NULL;
	}
	const struct table_alloc_owner *o = table_owner(r->srv->table, a);

	if (o->username_len != r->id.username_len ||
	    memcmp(o->username, r->id.username, r->id.username_len) != 0) {
		*reply_len = turn_reply_error(r, 441);
		turn_count_failure(r, 441);
		return NULL;
	}
	return a;
}

uint32_t
turn_lifetime(const struct turn_server *srv, const struct stun_msg *msg, bool *zero)
{
	uint32_t requested;

	*zero = false;
	if (stun_get_lifetime(msg, &requested) != STUN_OK)
		return TURN_ALLOCATION_LIFETIME_DEFAULT;
	if (requested == 0) {
		*zero = true;
		return 0;
	}
	if (requested > srv->lifetime_max_s)
		requested = srv->lifetime_max_s;
	return requested > TURN_ALLOCATION_LIFETIME_DEFAULT ? requested
							    : TURN_ALLOCATION_LIFETIME_DEFAULT;
}

uint16_t
turn_check_peer(struct turn_req *r, const struct table_alloc *a, const struct stun_addr *peer)
{
	const struct table *t = r->srv->table;

	/* RFC 8656 §9.1: the peer must be of a relayed address's family (two in a dual allocation). */
	if (!(table_alloc_families(t, a) & TABLE_FAMILY_BIT(peer->family)) ||
	    (peer->family != STUN_FAMILY_IPV4 && peer->family != STUN_FAMILY_IPV6))
		return 443;

	/*
	 * Permissions cover every port of an IP (§9), so a relayed IP is enough
	 * for a hairpin: data to it is only ever delivered to an allocation
	 * inside dturn, never sent out (see turn_relay.c).
	 */
	bool relayed = table_is_relay_addr(t, peer->family, peer->addr);

	/* turn_policy.h: longest prefix, always-denied ranges first; 403 is counted by the reply. */
	if (!turn_peer_class_allowed(turn_policy_check(turn_server_policy(r->srv), peer->family,
						       peer->addr, relayed)))
		return 403;
	return 0;
}

size_t
turn_handle_request(struct turn_control *ctl, const uint8_t *dgram, size_t len,
		    const struct turn_endpoints *ep, const struct turn_clock *clk, uint8_t *out,
		    size_t cap, struct metrics_lcore *mx)
{
	struct stun_msg msg;
	enum stun_result res = stun_decode(dgram, len, &msg);

	/* The worker decoded it already; a failure here means the bytes changed. */
	if (res != STUN_OK) {
		metrics_inc(mx, METRICS_DROP_STUN_DECODE);
		if ((unsigned int)res < METRICS_STUN_REASONS)
			mx->stun_decode[res]++;
		return 0;
	}

	struct turn_req r = {
		.ctl = ctl, .srv = ctl->srv, .msg = &msg, .ep = ep, .clk = clk,
		.out = out, .cap = cap, .mx = mx,
	};
	size_t reply = 0;

	if (ctl->srv->auth == NULL || ctl->srv->table == NULL) {
		metrics_inc(mx, METRICS_DROP_CONTROL_NO_TURN);
		return 0;
	}
	/* RFC 8489 §6.3.1.1 comes before authentication. */
	if (msg.nunknown > 0)
		return turn_reply_error(&r, 420);
	/*
	 * Refresh, CreatePermission and ChannelBind only mean something on an
	 * allocation. Without one and without credentials the 401 would only
	 * reflect traffic at a forged source (five times the request), and a real
	 * client always allocates first: not answered, counted.
	 */
	if (msg.method != STUN_METHOD_ALLOCATE && msg.integrity < 0 && msg.integrity_sha256 < 0) {
		struct table_5tuple k;

		turn_client_key(&k, ep);
		if (table_lookup_client(ctl->srv->table, &k) == NULL) {
			metrics_inc(mx, METRICS_DROP_UNAUTH_NO_ALLOCATION);
			return 0;
		}
	}
	if (!turn_authenticate(&r, &reply))
		return reply;
	/* Revoked by dturnctl until a reload: answered as an unknown user is (unsigned 401). */
	if (ctl->revoked_count > 0 && turn_admin_revoked(ctl, r.id.username, r.id.username_len)) {
		metrics_inc(mx, METRICS_TURN_REVOKED_REFUSED);
		r.authenticated = false;
		return turn_reply_error(&r, 401);
	}

	switch (msg.method) {
	case STUN_METHOD_ALLOCATE:
		return turn_handle_allocate(&r);
	case STUN_METHOD_REFRESH:
		return turn_handle_refresh(&r);
	case STUN_METHOD_CREATE_PERMISSION:
		return turn_handle_create_permission(&r);
	case STUN_METHOD_CHANNEL_BIND:
		return turn_handle_channel_bind(&r);
	default:
		metrics_inc(mx, METRICS_DROP_STUN_METHOD);
		return 0;
	}
}
