/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control lcore answers the requests that change the table, so the
 * table has one writer (design.md: rte_hash's multi-writer mode needs EAL
 * lcore ids and locks). Each answer goes back through the worker that
 * received the request, which owns the TX queues.
 */
#include <string.h>
#include <sys/socket.h>

#include "dataplane.h"
#include "dp_addr.h"

#define SWEEP_INTERVAL_MS 100
#define SWEEP_BUDGET 4096

static void
answer(struct dp_control *c, struct rte_mbuf *m, const struct turn_clock *clk)
{
	const struct dp_meta *meta = dp_meta(m);
	const struct net_udp_info *info = &meta->info;
	const struct dp_settings *s = c->settings;
	struct turn_endpoints ep;

	dp_endpoints(&ep, info, meta->port_index);

	size_t n = turn_handle_request(&c->turn,
				       rte_pktmbuf_mtod_offset(m, const uint8_t *, info->payload_offset),
				       info->payload_len, &ep, clk, c->scratch, sizeof(c->scratch),
				       &c->mx);

	if (n == 0 || meta->port_index >= s->port_count || meta->worker >= c->worker_count) {
		rte_pktmbuf_free(m);
		return;
	}
	if ((size_t)info->payload_offset + n > (size_t)(m->buf_len - m->data_off)) {
		metrics_inc(&c->mx, METRICS_DROP_NET_TOO_BIG);
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, info->payload_offset), c->scratch, n);
	if (net_udp_reply(&s->ports[meta->port_index], m, info, (uint16_t)n, &c->mx) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	if (rte_ring_sp_enqueue(c->replies[meta->worker], m) != 0) {
		metrics_inc(&c->mx, METRICS_TX_DROPPED);
		rte_pktmbuf_free(m);
	}
}

unsigned int
dp_control_poll(struct dp_control *c, uint64_t now_s)
{
	struct rte_mbuf *reqs[DP_BURST];
	struct turn_clock clk = { .now_ms = dp_now_ms(c->settings), .now_s = now_s };
	unsigned int n = rte_ring_sc_dequeue_burst(c->requests, (void **)reqs, DP_BURST, NULL);

	for (unsigned int i = 0; i < n; i++)
		answer(c, reqs[i], &clk);
	/* Expiry in short slices, so a big table never stalls the requests. */
	if (clk.now_ms >= c->next_sweep_ms) {
		unsigned int expired = turn_control_sweep(&c->turn, &clk, SWEEP_BUDGET);

		metrics_add(&c->mx, METRICS_TURN_EXPIRED, expired);
		c->next_sweep_ms = clk.now_ms + SWEEP_INTERVAL_MS;
	}
	return n;
}
