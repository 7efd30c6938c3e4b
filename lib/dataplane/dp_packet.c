/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-packet work: L2/L3 in lib/net, then by UDP destination: a listening
 * port (STUN or ChannelData by the first byte, RFC 7983) or a relayed
 * address (peer data).
 */
#include <string.h>
#include <sys/socket.h>

#include <rte_prefetch.h>

#include "dataplane.h"
#include "dp_addr.h"

static bool
is_listen_port(const struct dp_settings *s, uint16_t port)
{
	for (unsigned int i = 0; i < s->listen_port_count; i++)
		if (s->listen_ports[i] == port)
			return true;
	return false;
}

static uint16_t
port_index_of(const struct dp_lcore *lc, const struct dp_port_queue *pq)
{
	return (uint16_t)(pq - lc->ports);
}

/* The answer replaces the request in its own mbuf. */
static void
send_reply(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf *m,
	   const struct net_udp_info *info, size_t n)
{
	if ((size_t)info->payload_offset + n > (size_t)(m->buf_len - m->data_off)) {
		metrics_inc(&lc->mx, METRICS_DROP_NET_TOO_BIG);
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, info->payload_offset), lc->scratch, n);
	if (net_udp_reply(pq->port, m, info, (uint16_t)n, &lc->mx) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	dp_tx_enqueue(lc, pq, m);
}

/* A request that changes the table goes to the control lcore with what it needs to answer. */
static void
hand_to_control(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf *m,
		const struct net_udp_info *info)
{
	struct dp_meta *meta = dp_meta(m);

	meta->info = *info;
	meta->port_index = port_index_of(lc, pq);
	meta->worker = (uint16_t)lc->worker;
	if (lc->to_control == NULL || rte_ring_mp_enqueue(lc->to_control, m) != 0) {
		metrics_inc(&lc->mx, METRICS_DROP_CONTROL_FULL);
		rte_pktmbuf_free(m);
	}
}

/*
 * What a UDP datagram of the burst is, decided before any table lookup so
 * the lookups of the whole burst can be made at once.
 */
enum dp_kind {
	DP_KIND_CHANNEL, /* ChannelData on a listening port */
	DP_KIND_PEER,    /* to a relayed address and port */
	DP_KIND_LISTEN,  /* anything else on a listening port (STUN, junk) */
	DP_KIND_CLOSED,  /* a port we do not serve */
};

struct dp_rx {
	struct rte_mbuf *m;
	struct net_udp_info info;
	uint8_t kind;
	struct table_alloc *alloc; /* CHANNEL and PEER: from the bulk lookup */
};

/*
 * RFC 7983 §7 (stun_demux's ChannelData range, 64-79, tested here inline:
 * every datagram to a listening port asks), with RFC 5766's channels
 * 0x5000-0x7FFF (bytes 80-127) when enabled.
 */
static bool
is_channel_data(const struct dp_settings *s, const uint8_t *payload, uint16_t len)
{
	if (len == 0)
		return false;
	if (payload[0] >= 64 && payload[0] <= 79)
		return true;
	return payload[0] >= 80 && payload[0] <= 127 && s->turn.channel_max > STUN_CHANNEL_MAX;
}

static void
finish(struct dp_lcore *lc, struct dp_port_queue *pq, struct dp_rx *rx, enum turn_verdict v,
       const struct turn_relay *rel, size_t reply_len, uint64_t now_tsc)
{
	switch (v) {
	case TURN_VERDICT_REPLY:
		send_reply(lc, pq, rx->m, &rx->info, reply_len);
		break;
	case TURN_VERDICT_CONTROL:
		hand_to_control(lc, pq, rx->m, &rx->info);
		break;
	case TURN_VERDICT_RELAY:
		dp_relay(lc, rx->m, &rx->info, rel, now_tsc);
		break;
	case TURN_VERDICT_DROP:
	default:
		rte_pktmbuf_free(rx->m);
		break;
	}
}

/* now_ms: now_tsc in milliseconds, divided once per burst (a 64-bit division is slow). */
static void
handle_rx(struct dp_lcore *lc, struct dp_port_queue *pq, struct dp_rx *rx, uint64_t now_tsc,
	  uint64_t now_ms)
{
	const struct dp_settings *s = lc->settings;
	const struct net_udp_info *info = &rx->info;
	const uint8_t *payload = rte_pktmbuf_mtod_offset(rx->m, const uint8_t *, info->payload_offset);
	struct turn_clock clk = { .now_ms = now_ms };
	struct turn_endpoints ep;
	struct turn_relay rel;
	enum turn_verdict v = TURN_VERDICT_DROP;
	size_t n = 0;

	switch (rx->kind) {
	case DP_KIND_CHANNEL:
		metrics_inc(&lc->mx, METRICS_UDP_RECEIVED);
		v = turn_handle_channel_data_found(&s->turn, rx->alloc, payload, info->payload_len,
						   &clk, &rel, &lc->mx);
		break;
	case DP_KIND_PEER: {
		struct stun_addr peer;

		dp_stun_addr(&peer, info->family, info->src_addr, info->src_port);
		v = turn_handle_peer_data_found(&s->turn, rx->alloc, &peer, info->payload_len, &clk,
						&rel, &lc->mx);
		break;
	}
	case DP_KIND_LISTEN:
		metrics_inc(&lc->mx, METRICS_UDP_RECEIVED);
		dp_endpoints(&ep, info, port_index_of(lc, pq));
		if (stun_demux(payload, info->payload_len) == STUN_DEMUX_STUN) {
			v = turn_handle_stun(&s->turn, payload, info->payload_len, &ep, &clk,
					     lc->scratch, sizeof(lc->scratch), &n, &rel, &lc->mx);
		} else {
			metrics_inc(&lc->mx, METRICS_DROP_DEMUX_OTHER);
			v = TURN_VERDICT_DROP;
		}
		break;
	case DP_KIND_CLOSED:
	default:
		metrics_inc(&lc->mx, METRICS_DROP_UDP_PORT);
		break;
	}
	finish(lc, pq, rx, v, &rel, n, now_tsc);
}

static bool
is_relayed_destination(const struct dp_settings *s, const struct net_udp_info *info)
{
	const struct table *t = s->turn.table;

	return t != NULL && table_relay_port_in_range(t, info->dst_port) &&
	       table_is_relay_addr(t, info->family == AF_INET ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6,
				   info->dst_addr);
}

/*
 * The stream link's datagrams are messages of TURN TCP/TLS connections to a
 * [stream] port (3478, 5349, 443, ...): all for a listening port, whatever its
 * number; the test costs peer data one compare, UDP clients none.
 */
static uint8_t
classify(const struct dp_settings *s, struct rte_mbuf *m, const struct net_udp_info *info)
{
	if (is_listen_port(s, info->dst_port) || info->transport == TURN_PROTO_TCP) {
		const uint8_t *payload = rte_pktmbuf_mtod_offset(m, const uint8_t *,
								 info->payload_offset);

		return is_channel_data(s, payload, info->payload_len) ? DP_KIND_CHANNEL
								      : DP_KIND_LISTEN;
	}
	return is_relayed_destination(s, info) ? DP_KIND_PEER : DP_KIND_CLOSED;
}

/*
 * The client 5-tuple key of a datagram to a listening port, straight from
 * lib/net's fields: the same key turn_client_key makes from dp_endpoints,
 * without the two stun_addr copies in between. lib/net zero-fills the
 * addresses past an IPv4 address, so they are copied at a fixed size.
 */
static void
client_key_of(struct table_5tuple *k, const struct net_udp_info *info)
{
	memset(k, 0, sizeof(*k));
	k->family = info->family == AF_INET ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6;
	k->proto = info->transport != 0 ? info->transport : TURN_PROTO_UDP;
	k->client_port = info->src_port;
	k->server_port = info->dst_port;
	memcpy(k->client_addr, info->src_addr, sizeof(k->client_addr));
	memcpy(k->server_addr, info->dst_addr, sizeof(k->server_addr));
}

static void
relay_key_of(struct table_relay_key *k, const struct net_udp_info *info)
{
	memset(k, 0, sizeof(*k));
	k->family = info->family == AF_INET ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6;
	k->port = info->dst_port;
	memcpy(k->addr, info->dst_addr, sizeof(k->addr)); /* zero-filled past IPv4 */
}

/*
 * The lines of an allocation a relayed packet touches (struct table_alloc):
 * state and client; the relayed address with the port indexes, bw_state and
 * to_peer; for data to the client, to_client's line; the first permission
 * and channel.
 */
static inline void
prefetch_alloc(const struct table_alloc *a, bool from_client)
{
	if (a == NULL)
		return;
	rte_prefetch0(a);
	rte_prefetch0(&a->ids.relay);
	if (!from_client)
		rte_prefetch0(&a->to_client);
	rte_prefetch0(&a->slots[0]);
}

/*
 * The allocations of every relayed datagram of the burst in one bulk lookup
 * per index, prefetched before the first is used: at a million allocations
 * these are cache misses, and taken together they overlap. (Prefetching
 * each a few datagrams ahead of its use instead measured 10-15% slower at a
 * million allocations.)
 */
static void
lookup_allocations(struct dp_lcore *lc, struct dp_rx *rx, unsigned int n)
{
	struct table *t = lc->settings->turn.table;
	struct table_5tuple ckeys[DP_BURST];
	struct table_relay_key rkeys[DP_BURST];
	const struct table_5tuple *cptr[DP_BURST];
	const struct table_relay_key *rptr[DP_BURST];
	struct table_alloc *cfound[DP_BURST], *rfound[DP_BURST];
	uint8_t cidx[DP_BURST], ridx[DP_BURST];
	unsigned int nc = 0, nr = 0, hits = 0;

	if (t == NULL)
		return;
	for (unsigned int i = 0; i < n; i++) {
		if (rx[i].kind == DP_KIND_CHANNEL) {
			client_key_of(&ckeys[nc], &rx[i].info);
			cptr[nc] = &ckeys[nc];
			cidx[nc++] = (uint8_t)i;
		} else if (rx[i].kind == DP_KIND_PEER) {
			relay_key_of(&rkeys[nr], &rx[i].info);
			rptr[nr] = &rkeys[nr];
			ridx[nr++] = (uint8_t)i;
		}
	}
	if (nc > 0)
		hits += table_lookup_client_cached(t, lc->worker, cptr, nc, cfound);
	if (nr > 0)
		hits += table_lookup_relay_cached(t, lc->worker, rptr, nr, rfound);
	metrics_add(&lc->mx, METRICS_FLOW_CACHE_HITS, hits);
	metrics_add(&lc->mx, METRICS_FLOW_CACHE_MISSES, nc + nr - hits);
	for (unsigned int i = 0; i < nc; i++) {
		rx[cidx[i]].alloc = cfound[i];
		prefetch_alloc(cfound[i], true);
	}
	for (unsigned int i = 0; i < nr; i++) {
		rx[ridx[i]].alloc = rfound[i];
		prefetch_alloc(rfound[i], false);
	}
}

/*
 * A burst in three passes: L2/L3 for every frame (answers to ARP, NDP and
 * ping leave at once), then the table lookups of all relayed datagrams
 * together, then each datagram's STUN/TURN work.
 */
void
dp_handle_burst(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now_tsc)
{
	struct dp_rx rx[DP_BURST];
	unsigned int nrx = 0;

	metrics_add(&lc->mx, METRICS_RX_PACKETS, n);
	lc->neigh_cache.port = NULL; /* next hops are looked up afresh once per burst */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct dp_rx *r = &rx[nrx];

		/* Both lines of the next frame's headers and first payload bytes, summed next. */
		if (i + 1 < n) {
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
			rte_prefetch0(rte_pktmbuf_mtod_offset(pkts[i + 1], char *,
							      RTE_CACHE_LINE_SIZE));
		}

		switch (net_input(pq->port, m, &r->info, &lc->mx, now_tsc)) {
		case NET_VERDICT_TX:
			dp_tx_enqueue(lc, pq, m);
			break;
		case NET_VERDICT_UDP:
			r->m = m;
			r->alloc = NULL;
			r->kind = classify(lc->settings, m, &r->info);
			nrx++;
			break;
		case NET_VERDICT_KERNEL: /* TURN over TCP/TLS: the exception path */
			dp_kernel_steer(lc, pq, m);
			break;
		case NET_VERDICT_FREE:
		default:
			rte_pktmbuf_free(m);
			break;
		}
	}
	lookup_allocations(lc, rx, nrx);

	uint64_t now_ms = now_tsc / lc->settings->tsc_per_ms;

	for (unsigned int i = 0; i < nrx; i++)
		handle_rx(lc, pq, &rx[i], now_tsc, now_ms);
}
