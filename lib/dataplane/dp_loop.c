/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker loop: short on purpose (rx burst, handle, tx burst, quit flag). */
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "dataplane.h"

int
dp_lcore_main(void *arg)
{
	struct dp_lcore *lc = arg;
	struct rte_mbuf *pkts[DP_BURST];

	while (!__atomic_load_n(lc->quit, __ATOMIC_RELAXED)) {
		uint64_t now = rte_rdtsc();

		for (unsigned int p = 0; p < lc->port_count; p++) {
			struct dp_port_queue *pq = &lc->ports[p];
			uint16_t n = rte_eth_rx_burst(pq->port->port_id, pq->queue, pkts, DP_BURST);

			if (n > 0)
				dp_handle_burst(lc, pq, pkts, n, now);
		}
		for (unsigned int p = 0; p < lc->port_count; p++)
			dp_tx_flush(lc, &lc->ports[p]);
	}
	for (unsigned int p = 0; p < lc->port_count; p++)
		dp_tx_flush(lc, &lc->ports[p]);
	return 0;
}
