/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path for TURN over TCP and TLS: dturn does not speak TCP.
 * Segments to the stream listening ports are handed, frame and all, to a tap
 * port whose kernel interface carries the wire port's address, so the
 * kernel terminates the connections (the stream thread reads them with
 * ordinary sockets); what the kernel answers on the tap leaves on the wire
 * port. Worker i uses queue i of the tap like of any port, so this path
 * takes no lock either. UDP never comes here.
 */
#include "dataplane.h"

void
dp_kernel_steer(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf *m)
{
	unsigned int tap = lc->settings->kernel_tap_of[pq - lc->ports];

	if (tap == 0 || tap > lc->port_count) {
		/* Listening ports without a tap cannot happen by construction; count it anyway. */
		metrics_inc(&lc->mx, METRICS_DROP_TCP_PORT);
		rte_pktmbuf_free(m);
		return;
	}
	dp_tx_enqueue(lc, &lc->ports[tap - 1], m);
}

void
dp_kernel_from_tap(struct dp_lcore *lc, struct dp_port_queue *tap, struct rte_mbuf **pkts,
		   uint16_t n, uint64_t now_tsc)
{
	unsigned int wire = lc->settings->wire_of_tap[tap - lc->ports];
	struct dp_port_queue *out = wire != 0 && wire <= lc->port_count ? &lc->ports[wire - 1] : NULL;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *probe = NULL;

		if (out == NULL ||
		    net_kernel_output(out->port, pkts[i], lc->pool, &probe, &lc->mx, now_tsc) != 0) {
			if (out == NULL)
				metrics_inc(&lc->mx, METRICS_DROP_KERNEL_OTHER);
			rte_pktmbuf_free(pkts[i]);
		} else {
			dp_tx_enqueue(lc, out, pkts[i]);
		}
		if (probe != NULL)
			dp_tx_enqueue(lc, out, probe);
	}
}
