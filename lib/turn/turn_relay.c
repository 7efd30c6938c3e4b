/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Relay decisions on the worker lcores (RFC 8656 §10, §11, §12): read-only
 * lookups in the shared table, never a lock. Hairpin: when the peer is a
 * relayed address of this relay, the data goes straight to that allocation's
 * client, with the permissions of both allocations checked.
 */
#include <string.h>

#include "turn_internal.h"

/*
 * The allocation's relayed address of the peer's family (a dual allocation
 * has two, RFC 8656 §7.2) and the net port that owns it; false when it has
 * none of that family.
 */
static bool
relay_addr_for(const struct table_alloc *a, uint8_t family, struct stun_addr *out,
	       uint16_t *port_index)
{
	const struct table_relay_key *k = table_alloc_relay_for(a, family, port_index);

	if (k == NULL)
		return false;
	table_relay_key_addr(k, out);
	return true;
}

static void
relay_key(struct table_relay_key *k, const struct stun_addr *a)
{
	memset(k, 0, sizeof(*k));
	k->family = a->family;
	k->port = a->port;
	memcpy(k->addr, a->addr, sizeof(k->addr));
}

/* The allocation's bandwidth bucket pays for rel->data_len bytes, or the data is dropped. */
static bool
within_bandwidth(const struct turn_server *srv, struct table_alloc *a, const struct turn_relay *rel,
		 const struct turn_clock *clk, struct metrics_lcore *mx)
{
	if (srv->bandwidth_rate == 0 ||
	    turn_bandwidth_take(&a->bw_state, srv->bandwidth_rate, srv->bandwidth_burst,
				rel->data_len, clk->now_ms))
		return true;
	metrics_inc(mx, METRICS_DROP_RELAY_BANDWIDTH);
	return false;
}

/*
 * Towards the client of allocation a, from peer (§11.3 Data indication,
 * §12.7 ChannelData): its permission and channel in one read of the table.
 */
static enum turn_verdict
to_client(const struct turn_server *srv, struct table_alloc *a, const struct stun_addr *peer,
	  const struct turn_clock *clk, struct turn_relay *rel, struct metrics_lcore *mx)
{
	const struct table_5tuple *c = &a->ids.client;
	uint16_t channel;

	switch (table_route_peer(a, peer, clk->now_ms, &channel)) {
	case TABLE_ROUTE_OK:
		break;
	case TABLE_ROUTE_EXPIRED:
		metrics_inc(mx, METRICS_DROP_PEER_NO_ALLOCATION);
		return TURN_VERDICT_DROP;
	default:
		metrics_inc(mx, METRICS_DROP_RELAY_NO_PERMISSION);
		return TURN_VERDICT_DROP;
	}
	if (!within_bandwidth(srv, a, rel, clk, mx))
		return TURN_VERDICT_DROP;
	rel->to_client = true;
	rel->port_index = a->ids.client_port_index;
	memset(&rel->src, 0, sizeof(rel->src));
	rel->src.family = c->family;
	rel->src.port = c->server_port;
	memcpy(rel->src.addr, c->server_addr, sizeof(rel->src.addr));
	memset(&rel->dst, 0, sizeof(rel->dst));
	rel->dst.family = c->family;
	rel->dst.port = c->client_port;
	memcpy(rel->dst.addr, c->client_addr, sizeof(rel->dst.addr));
	rel->peer = *peer;
	rel->channel = channel;
	table_traffic_add(&a->to_client, rel->data_len);
	metrics_inc(mx, rel->channel != 0 ? METRICS_RELAY_TO_CLIENT_CHANNEL
					  : METRICS_RELAY_TO_CLIENT_DATA);
	return TURN_VERDICT_RELAY;
}

/*
 * Data from the client of allocation a for peer, which has a permission:
 * out to the wire, or hairpinned. recheck: look the peer up in the policy
 * again (Send names its peer in every packet; a permission may predate a
 * stricter policy). A ChannelData peer was checked by ChannelBind, and
 * channels carry the bulk of the traffic, so they skip the lookup.
 */
static enum turn_verdict
from_client_permitted(const struct turn_server *srv, struct table_alloc *a,
		      const struct stun_addr *peer, bool recheck, const struct turn_clock *clk,
		      struct turn_relay *rel, struct metrics_lcore *mx)
{
	bool relayed = table_is_relay_addr(srv->table, peer->family, peer->addr);

	if (recheck && !turn_peer_class_allowed(turn_policy_check(turn_server_policy(srv), peer->family,
								   peer->addr, relayed))) {
		metrics_inc(mx, METRICS_DROP_RELAY_POLICY);
		return TURN_VERDICT_DROP;
	}
	if (!within_bandwidth(srv, a, rel, clk, mx))
		return TURN_VERDICT_DROP;
	if (relayed) {
		struct table_relay_key k;
		struct stun_addr from;
		struct table_alloc *target;

		relay_key(&k, peer);
		target = table_lookup_relay(srv->table, &k);
		if (target == NULL || !table_alloc_live(target, clk->now_ms)) {
			metrics_inc(mx, METRICS_DROP_PEER_NO_ALLOCATION);
			return TURN_VERDICT_DROP;
		}
		/* To the target, the data comes from the sender's relayed address. */
		uint16_t unused;

		if (!relay_addr_for(a, peer->family, &from, &unused)) {
			metrics_inc(mx, METRICS_DROP_RELAY_NO_PERMISSION);
			return TURN_VERDICT_DROP;
		}

		enum turn_verdict v = to_client(srv, target, &from, clk, rel, mx);

		if (v == TURN_VERDICT_RELAY) {
			table_traffic_add(&a->to_peer, rel->data_len);
			metrics_inc(mx, METRICS_RELAY_HAIRPIN);
		}
		return v;
	}
	/* A permission exists only for a family the allocation has, so this always finds one. */
	if (!relay_addr_for(a, peer->family, &rel->src, &rel->port_index)) {
		metrics_inc(mx, METRICS_DROP_RELAY_NO_PERMISSION);
		return TURN_VERDICT_DROP;
	}
	rel->to_client = false;
	rel->dst = *peer;
	rel->channel = 0;
	table_traffic_add(&a->to_peer, rel->data_len);
	metrics_inc(mx, METRICS_RELAY_TO_PEER);
	return TURN_VERDICT_RELAY;
}

/* The same, the permission not checked yet (a Send indication names any peer). */
static enum turn_verdict
from_client(const struct turn_server *srv, struct table_alloc *a, const struct stun_addr *peer,
	    bool recheck, const struct turn_clock *clk, struct turn_relay *rel,
	    struct metrics_lcore *mx)
{
	if (!table_permitted(a, peer->family, peer->addr, clk->now_ms)) {
		metrics_inc(mx, METRICS_DROP_RELAY_NO_PERMISSION);
		return TURN_VERDICT_DROP;
	}
	return from_client_permitted(srv, a, peer, recheck, clk, rel, mx);
}

static struct table_alloc *
client_allocation(const struct turn_server *srv, const struct turn_endpoints *ep,
		  const struct turn_clock *clk, struct metrics_lcore *mx)
{
	struct table_5tuple k;
	struct table_alloc *a;

	if (srv->table == NULL) {
		metrics_inc(mx, METRICS_DROP_RELAY_NO_ALLOCATION);
		return NULL;
	}
	turn_client_key(&k, ep);
	a = table_lookup_client(srv->table, &k);
	if (a == NULL || !table_alloc_live(a, clk->now_ms)) {
		metrics_inc(mx, METRICS_DROP_RELAY_NO_ALLOCATION);
		return NULL;
	}
	return a;
}

/* §10.2: a Send indication; silently dropped (and counted) whenever it cannot be relayed. */
enum turn_verdict
turn_handle_send(const struct turn_server *srv, const struct stun_msg *msg,
		 const struct turn_endpoints *ep, const struct turn_clock *clk,
		 struct turn_relay *rel, struct metrics_lcore *mx)
{
	struct stun_addr peer;
	struct stun_bytes data;
	struct table_alloc *a;

	if (stun_get_xor_peer_address(msg, 0, &peer) != STUN_OK ||
	    stun_get_data(msg, &data) != STUN_OK) {
		metrics_inc(mx, METRICS_DROP_RELAY_SEND_INVALID);
		return TURN_VERDICT_DROP;
	}
	a = client_allocation(srv, ep, clk, mx);
	if (a == NULL)
		return TURN_VERDICT_DROP;
	if (peer.family != a->ids.relay.family && peer.family != a->relay_alt.family) {
		metrics_inc(mx, METRICS_DROP_RELAY_SEND_INVALID);
		return TURN_VERDICT_DROP;
	}
	rel->data_offset = (uint32_t)(data.data - msg->buf);
	rel->data_len = data.len;
	return from_client(srv, a, &peer, true, clk, rel, mx);
}

enum turn_verdict
turn_handle_channel_data(const struct turn_server *srv, const uint8_t *dgram, size_t len,
			 const struct turn_endpoints *ep, const struct turn_clock *clk,
			 struct turn_relay *rel, struct metrics_lcore *mx)
{
	struct table_5tuple k;
	struct table_alloc *a = NULL;

	if (srv->table != NULL) {
		turn_client_key(&k, ep);
		a = table_lookup_client(srv->table, &k);
	}
	return turn_handle_channel_data_found(srv, a, dgram, len, clk, rel, mx);
}

enum turn_verdict
turn_handle_channel_data_found(const struct turn_server *srv, struct table_alloc *a,
			       const uint8_t *dgram, size_t len, const struct turn_clock *clk,
			       struct turn_relay *rel, struct metrics_lcore *mx)
{
	struct stun_channel_data cd;
	struct stun_addr peer;
	enum stun_result res = stun_channel_decode_max(dgram, len, srv->channel_max, &cd);

	if (res != STUN_OK) {
		metrics_inc(mx, METRICS_DROP_STUN_DECODE);
		if ((unsigned int)res < METRICS_STUN_REASONS)
			mx->stun_decode[res]++;
		return TURN_VERDICT_DROP;
	}
	if (a == NULL) {
		metrics_inc(mx, METRICS_DROP_RELAY_NO_ALLOCATION);
		return TURN_VERDICT_DROP;
	}
	/* Live, the channel's peer and its permission: one read of the table. */
	switch (table_route_channel(a, cd.channel, clk->now_ms, &peer)) {
	case TABLE_ROUTE_OK:
		break;
	case TABLE_ROUTE_EXPIRED:
		metrics_inc(mx, METRICS_DROP_RELAY_NO_ALLOCATION);
		return TURN_VERDICT_DROP;
	case TABLE_ROUTE_NO_CHANNEL:
		metrics_inc(mx, METRICS_DROP_RELAY_NO_CHANNEL);
		return TURN_VERDICT_DROP;
	default:
		metrics_inc(mx, METRICS_DROP_RELAY_NO_PERMISSION);
		return TURN_VERDICT_DROP;
	}
	rel->data_offset = STUN_CHANNEL_HEADER_LEN;
	rel->data_len = cd.len;
	return from_client_permitted(srv, a, &peer, false, clk, rel, mx);
}

enum turn_verdict
turn_handle_peer_data(const struct turn_server *srv, const struct stun_addr *peer,
		      const struct stun_addr *dst, uint32_t data_len, const struct turn_clock *clk,
		      struct turn_relay *rel, struct metrics_lcore *mx)
{
	struct table_relay_key k;
	struct table_alloc *a = NULL;

	if (srv->table != NULL) {
		relay_key(&k, dst);
		a = table_lookup_relay(srv->table, &k);
	}
	return turn_handle_peer_data_found(srv, a, peer, data_len, clk, rel, mx);
}

enum turn_verdict
turn_handle_peer_data_found(const struct turn_server *srv, struct table_alloc *a,
			    const struct stun_addr *peer, uint32_t data_len,
			    const struct turn_clock *clk, struct turn_relay *rel,
			    struct metrics_lcore *mx)
{
	if (a == NULL) {
		metrics_inc(mx, METRICS_DROP_PEER_NO_ALLOCATION);
		return TURN_VERDICT_DROP;
	}
	rel->data_offset = 0;
	rel->data_len = data_len;
	return to_client(srv, a, peer, clk, rel, mx); /* an expired one: counted there */
}

/* §11.4: header of a Data indication; the DATA value follows it directly. */
size_t
turn_data_indication_header(uint8_t *out, size_t cap, const struct stun_addr *peer,
			    uint32_t data_len, const uint8_t tid[STUN_TID_LEN])
{
	struct stun_builder b;
	size_t padded = ((size_t)data_len + 3) & ~(size_t)3;

	if (data_len > 0xFFFF - 48)
		return 0;
	stun_builder_init(&b, out, cap, STUN_METHOD_DATA, STUN_CLASS_INDICATION, tid);
	stun_add_xor_addr(&b, STUN_ATTR_XOR_PEER_ADDRESS, peer);

	size_t n = stun_builder_finish(&b);

	if (n == 0 || cap < n + STUN_ATTR_HEADER_LEN)
		return 0;
	/* The DATA attribute header by hand: its value is already in the packet. */
	out[n] = (uint8_t)(STUN_ATTR_DATA >> 8);
	out[n + 1] = (uint8_t)STUN_ATTR_DATA;
	out[n + 2] = (uint8_t)(data_len >> 8);
	out[n + 3] = (uint8_t)data_len;

	size_t mlen = n + STUN_ATTR_HEADER_LEN + padded - STUN_HEADER_LEN;

	out[2] = (uint8_t)(mlen >> 8);
	out[3] = (uint8_t)mlen;
	return n + STUN_ATTR_HEADER_LEN;
}
