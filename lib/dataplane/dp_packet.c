/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-packet work: L2/L3 in lib/net, then the listening ports' STUN service. */
#include <string.h>
#include <sys/socket.h>

#include <rte_prefetch.h>

#include "dataplane.h"

static bool
is_listen_port(const struct dp_settings *s, uint16_t port)
{
	for (unsigned int i = 0; i < s->listen_port_count; i++)
		if (s->listen_ports[i] == port)
			return true;
	return false;
}

static void
to_stun_addr(struct stun_addr *out, uint8_t family, const uint8_t *addr, uint16_t port)
{
	memset(out, 0, sizeof(*out));
	out->family = family == AF_INET ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6;
	out->port = port;
	memcpy(out->addr, addr, family == AF_INET ? 4 : 16);
}

/* A STUN message on a listening port: the answer replaces the request in its own mbuf. */
static void
handle_stun(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf *m,
	    const struct net_udp_info *info, const uint8_t *payload)
{
	struct turn_endpoints ep;

	to_stun_addr(&ep.client, info->family, info->src_addr, info->src_port);
	to_stun_addr(&ep.local, info->family, info->dst_addr, info->dst_port);

	size_t n = turn_handle_stun(&lc->settings->turn, payload, info->payload_len, &ep,
				    lc->scratch, sizeof(lc->scratch), &lc->mx);

	if (n == 0) {
		rte_pktmbuf_free(m);
		return;
	}
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

static void
handle_udp(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf *m,
	   const struct net_udp_info *info)
{
	if (!is_listen_port(lc->settings, info->dst_port)) {
		metrics_inc(&lc->mx, METRICS_DROP_UDP_PORT);
		rte_pktmbuf_free(m);
		return;
	}
	metrics_inc(&lc->mx, METRICS_UDP_RECEIVED);

	const uint8_t *payload = rte_pktmbuf_mtod_offset(m, const uint8_t *, info->payload_offset);

	/* RFC 7983 §7 */
	switch (stun_demux(payload, info->payload_len)) {
	case STUN_DEMUX_STUN:
		handle_stun(lc, pq, m, info, payload);
		return;
	case STUN_DEMUX_CHANNEL:
		metrics_inc(&lc->mx, METRICS_DROP_CHANNEL_DATA);
		break;
	default:
		metrics_inc(&lc->mx, METRICS_DROP_DEMUX_OTHER);
		break;
	}
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
			handle_udp(lc, pq, m, &info);
			break;
		case NET_VERDICT_FREE:
		default:
			rte_pktmbuf_free(m);
			break;
		}
	}
}
