/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker loop: short on purpose (rx burst, handle, tx burst, quit flag). */
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "dataplane.h"

unsigned int
dp_drain_control_replies(struct dp_lcore *lc)
{
	struct rte_mbuf *pkts[DP_BURST];

	if (lc->from_control == NULL)
		return 0;

	unsigned int n = rte_ring_sc_dequeue_burst(lc->from_control, (void **)pkts, DP_BURST, NULL);

	for (unsigned int i = 0; i < n; i++) {
		uint16_t pi = dp_meta(pkts[i])->port_index;

		if (pi < lc->port_count)
			dp_tx_enqueue(lc, &lc->ports[pi], pkts[i]);
		else
			rte_pktmbuf_free(pkts[i]);
	}
	return n;
}

int
dp_lcore_main(void *arg)
{
	struct dp_lcore *lc = arg;
	struct rte_mbuf *pkts[DP_BURST];

	struct table *table = lc->settings->turn.table;

	if (table != NULL)
		table_reader_register(table, lc->worker);
	while (!__atomic_load_n(lc->quit, __ATOMIC_RELAXED)) {
		uint64_t now = rte_rdtsc();

		__atomic_store_n(&lc->heartbeat_tsc, now, __ATOMIC_RELAXED);
		unsigned int handled = dp_drain_control_replies(lc);

		uint64_t io = 0;

		for (unsigned int p = 0; p < lc->port_count; p++) {
			struct dp_port_queue *pq = &lc->ports[p];
			uint64_t t0 = rte_rdtsc();
			uint16_t n = rte_eth_rx_burst(pq->port->port_id, pq->queue, pkts, DP_BURST);

			io += rte_rdtsc() - t0;
			if (n > 0 && lc->settings->wire_of_tap[p] != 0)
				dp_kernel_from_tap(lc, pq, pkts, n, now);
			else if (n > 0)
				dp_handle_burst(lc, pq, pkts, n, now);
			handled += n;
		}
		if (lc->held_count > 0)
			dp_relay_retry_held(lc, now);

		uint64_t t1 = rte_rdtsc();

		for (unsigned int p = 0; p < lc->port_count; p++)
			dp_tx_flush(lc, &lc->ports[p]);
		io += rte_rdtsc() - t1;
		/* Every pass, even an idle one: deleted entries wait for this. */
		if (table != NULL)
			table_reader_quiescent(table, lc->worker);
		/* Clocks per packet as VPP's "show runtime" has them: passes that did work only. */
		if (handled > 0) {
			metrics_add(&lc->mx, METRICS_BUSY_CYCLES, rte_rdtsc() - now);
			metrics_add(&lc->mx, METRICS_BUSY_IO_CYCLES, io);
			metrics_inc(&lc->mx, METRICS_BUSY_PASSES);
		}
		dp_idle(lc, handled);
	}
	for (unsigned int p = 0; p < lc->port_count; p++)
		dp_tx_flush(lc, &lc->ports[p]);
	dp_relay_drop_held(lc);
	if (table != NULL)
		table_reader_unregister(table, lc->worker);
	return 0;
}
