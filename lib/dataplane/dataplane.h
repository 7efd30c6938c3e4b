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
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "metrics.h"
#include "net.h"
#include "turn.h"

#define DP_BURST 32
#define DP_TX_BUFFER (2 * DP_BURST)
#define DP_MAX_PORTS 8
#define DP_MAX_LISTEN_PORTS 4
/* Largest STUN response built before it is copied into the request's mbuf. */
#define DP_SCRATCH 1536

#define DP_MAX_WORKERS 64
#define DP_RING_SIZE 4096

/* Shared by every worker, read-only while they run. */
struct dp_settings {
	uint16_t listen_ports[DP_MAX_LISTEN_PORTS]; /* host order */
	unsigned int listen_port_count;
	struct turn_server turn;
	const struct net_port *ports; /* indexed by port_index */
	unsigned int port_count;
	uint64_t tsc_per_ms;          /* the one clock workers and control share */
	uint32_t idle_sleep_us;       /* [eal] idle_sleep_us; 0: poll without pause */
	/*
	 * The exception path (TURN over TCP/TLS): a wire port's TCP for the
	 * stream listening ports goes to the kernel through a tap port, and the
	 * tap's frames go out on the wire port. Port index + 1; 0: none.
	 */
	uint8_t kernel_tap_of[DP_MAX_PORTS]; /* wire port -> its tap */
	uint8_t wire_of_tap[DP_MAX_PORTS];   /* tap port -> its wire port */
};

/*
 * Carried in each mbuf's private area so a request handed to the control
 * lcore can be answered and sent back through the worker that received it.
 */
struct dp_meta {
	struct net_udp_info info;
	uint16_t port_index;
	uint16_t worker;
};

static inline struct dp_meta *
dp_meta(struct rte_mbuf *m)
{
	return (struct dp_meta *)rte_mbuf_to_priv(m);
}

/* Size of the mbuf private area the pool must be created with. */
#define DP_MBUF_PRIV_SIZE RTE_ALIGN(sizeof(struct dp_meta), RTE_MBUF_PRIV_ALIGN)

static inline uint64_t
dp_now_ms(const struct dp_settings *s)
{
	return rte_get_tsc_cycles() / s->tsc_per_ms;
}

struct dp_port_queue {
	const struct net_port *port;
	uint16_t queue;
	uint16_t tx_count;
	struct rte_mbuf *tx[DP_TX_BUFFER];
};

/* A relayed datagram waiting for its next hop's MAC address (per lcore). */
#define DP_HOLD 64
struct dp_held {
	struct rte_mbuf *m;
	uint64_t since_tsc;
	struct turn_relay rel; /* port, addresses and ports to send with */
	int32_t sum;           /* the payload's one's complement sum, -1 unknown */
};

/* Everything one worker lcore touches; written by that lcore only (metrics are read by telemetry). */
struct dp_lcore {
	unsigned int lcore_id;
	unsigned int worker;           /* index: RX/TX queue, table reader id */
	unsigned int port_count;
	struct dp_port_queue ports[DP_MAX_PORTS];
	struct rte_mempool *pool;
	const struct dp_settings *settings;
	const volatile bool *quit; /* set by the control lcore */
	struct rte_ring *to_control;   /* shared, multi-producer */
	struct rte_ring *from_control; /* this worker's replies */
	uint64_t tid_state;            /* Data indication transaction ids */
	struct net_neigh_cache neigh_cache; /* emptied at each burst (lib/net) */
	unsigned int held_count;
	struct dp_held held[DP_HOLD];
	struct metrics_lcore mx;
	/* TSC at the start of the last loop pass, 0 before the first: /healthz
	 * reads it from the management thread (relaxed store, once a pass). */
	uint64_t heartbeat_tsc;
	uint32_t idle_passes;          /* passes in a row that found nothing to do */
	uint8_t scratch[DP_SCRATCH];
} __rte_cache_aligned;

/*
 * The control lcore's half: it owns the table writes. Requests come from the
 * workers over one ring and go back over each worker's own ring.
 */
struct dp_control {
	struct turn_control turn;
	const struct dp_settings *settings;
	struct rte_ring *requests;
	struct rte_ring *replies[DP_MAX_WORKERS];
	unsigned int worker_count;
	uint64_t next_sweep_ms;
	struct metrics_lcore mx;
	uint8_t scratch[DP_SCRATCH];
};

/*
 * [eal] idle_sleep_us: a worker that shares its CPU (with the main lcore, another
 * worker or other programs) gives it back while nothing arrives. Only after
 * DP_IDLE_PASSES empty passes in a row, so a worker under load, whose passes
 * find packets, never sleeps; the first burst after a quiet spell waits at most
 * one sleep in the port's RX ring. Called once a pass with what the pass
 * handled; true if it slept.
 */
#define DP_IDLE_PASSES 256

static inline bool
dp_idle(struct dp_lcore *lc, unsigned int handled)
{
	if (handled > 0) {
		lc->idle_passes = 0;
		return false;
	}
	if (lc->settings->idle_sleep_us == 0)
		return false;
	if (lc->idle_passes < DP_IDLE_PASSES) {
		lc->idle_passes++;
		return false;
	}
	rte_delay_us_sleep(lc->settings->idle_sleep_us);
	return true;
}

/* Answer up to one burst of requests; returns how many were taken. */
unsigned int dp_control_poll(struct dp_control *c, uint64_t now_s);

/* Relay one datagram as turn decided (exposed for tests). */
void dp_relay(struct dp_lcore *lc, struct rte_mbuf *m, const struct net_udp_info *info,
	      const struct turn_relay *rel, uint64_t now_tsc);

/* Queue the control lcore's answers for this worker on their ports' TX buffers. */
unsigned int dp_drain_control_replies(struct dp_lcore *lc);

/* Retry the held datagrams: send those whose next hop resolved, drop those held a second. */
void dp_relay_retry_held(struct dp_lcore *lc, uint64_t now_tsc);
/* Free every held datagram (at stop). */
void dp_relay_drop_held(struct dp_lcore *lc);

/* The worker's entry point for rte_eal_remote_launch; arg is its struct dp_lcore. */
int dp_lcore_main(void *arg);

/* Handle one burst received on pq (exposed for tests and benchmarks). */
void dp_handle_burst(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf **pkts,
		     uint16_t n, uint64_t now_tsc);

/*
 * The exception path (dp_kernel.c): steer a TCP segment net_input called
 * NET_VERDICT_KERNEL to the wire port's tap; send what the kernel wrote on a
 * tap (received on tap queue pq) out of its wire port.
 */
void dp_kernel_steer(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf *m);
void dp_kernel_from_tap(struct dp_lcore *lc, struct dp_port_queue *tap, struct rte_mbuf **pkts,
			uint16_t n, uint64_t now_tsc);

/* Queue m for transmission on pq, sending a full buffer at once. */
void dp_tx_enqueue(struct dp_lcore *lc, struct dp_port_queue *pq, struct rte_mbuf *m);

/* Send what pq has buffered; frames the port refuses are freed and counted. */
void dp_tx_flush(struct dp_lcore *lc, struct dp_port_queue *pq);

#endif
