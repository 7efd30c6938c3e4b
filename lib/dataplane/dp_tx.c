/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_ethdev.h>

#include "dataplane.h"

void
dp_tx_flush(struct dp_lcore *lc, struct dp_port_queue *pq)
{
	uint16_t n = pq->tx_count;

	if (n == 0)
		return;

	uint16_t sent = rte_eth_tx_burst(pq->port->port_id, pq->queue, pq->tx, n);

	metrics_add(&lc->mx, METRICS_TX_PACKETS, sent);
	if (sent < n) {
		/* The port's ring is full: drop the rest now rather than stall the burst. */
		metrics_add(&lc->mx, METRICS_TX_DROPPED, (uint64_t)(n - sent));
		rte_pktmbuf_free_bulk(&pq->tx[sent], n - sent);
	}
	pq->tx_count = 0;
}

void
dp_tx_enqueue(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf *m)
{
	pq->tx[pq->tx_count++] = m;
	if (pq->tx_count == DP_TX_BUFFER)
		dp_tx_flush(lc, pq);
}
