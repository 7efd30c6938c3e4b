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

static void
handle_listen_port(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf *m,
		   const struct net_udp_info *info, uint64_t now_tsc)
{
	const struct dp_settings *s = lc->settings;
	const uint8_t *payload = rte_pktmbuf_mtod_offset(m, const uint8_t *, info->payload_offset);
	struct turn_clock clk = { .now_ms = now_tsc / s->tsc_per_ms };
	struct turn_endpoints ep;
	struct turn_relay rel;
	enum turn_verdict v;
	size_t n = 0;

	metrics_inc(&lc->mx, METRICS_UDP_RECEIVED);
	dp_endpoints(&ep, info, port_index_of(lc, pq));

	/* RFC 7983 §7 */
	switch (stun_demux(payload, info->payload_len)) {
	case STUN_DEMUX_STUN:
		v = turn_handle_stun(&s->turn, payload, info->payload_len, &ep, &clk, lc->scratch,
				     sizeof(lc->scratch), &n, &rel, &lc->mx);
		break;
	case STUN_DEMUX_CHANNEL:
		v = turn_handle_channel_data(&s->turn, payload, info->payload_len, &ep, &clk, &rel,
					     &lc->mx);
		break;
	default:
		/* RFC 5766 channels 0x5000-0x7FFF start with bytes 80-127. */
		if (info->payload_len > 0 && payload[0] >= 80 && payload[0] <= 127 &&
		    s->turn.channel_max > STUN_CHANNEL_MAX) {
			v = turn_handle_channel_data(&s->turn, payload, info->payload_len, &ep, &clk,
						     &rel, &lc->mx);
			break;
		}
		metrics_inc(&lc->mx, METRICS_DROP_DEMUX_OTHER);
		v = TURN_VERDICT_DROP;
		break;
	}

	switch (v) {
	case TURN_VERDICT_REPLY:
		send_reply(lc, pq, m, info, n);
		break;
	case TURN_VERDICT_CONTROL:
		hand_to_control(lc, pq, m, info);
		break;
	case TURN_VERDICT_RELAY:
		dp_relay(lc, m, info, &rel, now_tsc);
		break;
	case TURN_VERDICT_DROP:
	default:
		rte_pktmbuf_free(m);
		break;
	}
}

static bool
is_relayed_destination(const struct dp_settings *s, const struct net_udp_info *info)
{
	const struct table *t = s->turn.table;

	return t != NULL && table_relay_port_in_range(t, info->dst_port) &&
	       table_is_relay_addr(t, info->family == AF_INET ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6,
				   info->dst_addr);
}

static void
handle_peer(struct dp_lcore *lc, struct rte_mbuf *m, const struct net_udp_info *info,
	    uint64_t now_tsc)
{
	struct turn_clock clk = { .now_ms = now_tsc / lc->settings->tsc_per_ms };
	struct stun_addr peer, dst;
	struct turn_relay rel;

	dp_stun_addr(&peer, info->family, info->src_addr, info->src_port);
	dp_stun_addr(&dst, info->family, info->dst_addr, info->dst_port);
	if (turn_handle_peer_data(&lc->settings->turn, &peer, &dst, info->payload_len, &clk, &rel,
				  &lc->mx) == TURN_VERDICT_RELAY)
		dp_relay(lc, m, info, &rel, now_tsc);
	else
		rte_pktmbuf_free(m);
}

static void
handle_udp(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf *m,
	   const struct net_udp_info *info, uint64_t now_tsc)
{
	if (is_listen_port(lc->settings, info->dst_port)) {
		handle_listen_port(lc, pq, m, info, now_tsc);
		return;
	}
	if (is_relayed_destination(lc->settings, info)) {
		handle_peer(lc, m, info, now_tsc);
		return;
	}
	metrics_inc(&lc->mx, METRICS_DROP_UDP_PORT);
	rte_pktmbuf_free(m);
}

void
dp_handle_burst(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now_tsc)
{
	metrics_add(&lc->mx, METRICS_RX_PACKETS, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct net_udp_info info;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));

		switch (net_input(pq->port, m, &info, &lc->mx, now_tsc)) {
		case NET_VERDICT_TX:
			dp_tx_enqueue(lc, pq, m);
			break;
		case NET_VERDICT_UDP:
			handle_udp(lc, pq, m, &info, now_tsc);
			break;
		case NET_VERDICT_FREE:
		default:
			rte_pktmbuf_free(m);
			break;
		}
	}
}
