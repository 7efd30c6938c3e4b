/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_DATAPLANE_H
#define DTURN_DATAPLANE_H

/*
 * The per-lcore poll loop: rx burst on each port, classify, handle, tx burst.
 * A worker owns one RX and one TX queue of every port. Nothing on this path
 * allocates, locks or makes a system call; every packet ends in a counter.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "metrics.h"
#include "net.h"
#include "turn.h"

#define DP_BURST 32
#define DP_TX_BUFFER (2 * DP_BURST)
#define DP_MAX_PORTS 8
#define DP_MAX_LISTEN_PORTS 4
/* Largest STUN response built before it is copied into the request's mbuf. */
#define DP_SCRATCH 1536

/* Shared by every worker, read-only while they run. */
struct dp_settings {
	uint16_t listen_ports[DP_MAX_LISTEN_PORTS]; /* host order */
	unsigned int listen_port_count;
	struct turn_server turn;
};

struct dp_port_queue {
	const struct net_port *port;
	uint16_t queue;
	uint16_t tx_count;
	struct rte_mbuf *tx[DP_TX_BUFFER];
};

/* Everything one worker lcore touches; written by that lcore only (metrics are read by telemetry). */
struct dp_lcore {
	unsigned int lcore_id;
	unsigned int port_count;
	struct dp_port_queue ports[DP_MAX_PORTS];
	struct rte_mempool *pool;
	const struct dp_settings *settings;
	const volatile bool *quit; /* set by the control lcore */
	struct metrics_lcore mx;
	uint8_t scratch[DP_SCRATCH];
} __rte_cache_aligned;

/* The worker's entry point for rte_eal_remote_launch; arg is its struct dp_lcore. */
int dp_lcore_main(void *arg);

/* Handle one burst received on pq (exposed for tests and benchmarks). */
void dp_handle_burst(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf **pkts,
		     uint16_t n, uint64_t now_tsc);

/* Queue m for transmission on pq, sending a full buffer at once. */
void dp_tx_enqueue(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf *m);

/* Send what pq has buffered; frames the port refuses are freed and counted. */
void dp_tx_flush(struct dp_lcore *lc, struct dp_port_queue *pq);

#endif
