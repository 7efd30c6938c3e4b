/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_MGMT_H
#define DTURN_MGMT_H

/*
 * The management endpoint's content (docs/metrics.md): the Prometheus text
 * exposition and the /healthz and /readyz verdicts, each a pure function of a
 * snapshot (struct mgmt_view) that the daemon fills from its lcores, ports and
 * table. Nothing here does I/O, allocates or needs EAL, so the unit tests can
 * check the output byte for byte.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

#define MGMT_MAX_LCORES 72  /* DP_MAX_WORKERS workers + the control lcore, with room */
#define MGMT_MAX_PORTS 8
/* A worker whose last loop pass is older than this is reported stuck by /healthz. */
#define MGMT_HEARTBEAT_MAX_MS 2000

struct mgmt_lcore_view {
	const struct metrics_lcore *mx; /* NULL: not there (skipped) */
	unsigned int lcore_id;          /* EAL lcore id: the lcore="..." label */
	bool worker;                    /* false: the control lcore (or the stream thread) */
	const char *role;               /* NULL: "worker" or "control"; else the role label,
					 * e.g. "stream" (TURN TCP/TLS thread, not an lcore) */
	unsigned int worker_index;      /* workers: index in /dturn/stats,N */
	uint64_t heartbeat_tsc;         /* workers: TSC of the last loop pass; 0 = never polled */
};

/* One port as rte_ethdev reports it (the PMD's own counters, all lcores). */
struct mgmt_port_view {
	const char *name;               /* [port NAME] */
	bool link_up;
	uint64_t ipackets, opackets;
	uint64_t ibytes, obytes;
	uint64_t imissed, ierrors, oerrors, rx_nombuf;
};

typedef const char *(*mgmt_reason_name_fn)(int reason);

struct mgmt_view {
	struct mgmt_lcore_view lcores[MGMT_MAX_LCORES];
	unsigned int lcore_count;
	struct mgmt_port_view ports[MGMT_MAX_PORTS];
	unsigned int port_count;
	bool has_table;                 /* false: no [turn], no allocation gauges */
	uint32_t table_count;           /* live allocations */
	uint32_t table_capacity;        /* [turn] max_allocations */
	uint32_t table_pending;         /* deleted, waiting for the readers */
	uint64_t tsc_hz;
	uint64_t start_tsc;             /* when the workers were launched: busy ratio's origin */
	uint64_t now_tsc;               /* when the snapshot was taken */
	mgmt_reason_name_fn reason_name; /* stun_result names for stun_decode[] */
	unsigned int reason_count;
	bool stopping;                  /* the daemon got its stop signal */
	bool draining;                  /* dturnctl drain: new allocations refused */
};

/*
 * Write the Prometheus text exposition (format 0.0.4) of v into buf, like
 * snprintf: at most len bytes including the NUL, always NUL-terminated when
 * len > 0. Returns the length the whole text needs (without the NUL); the
 * caller retries with a larger buffer when that is >= len.
 * Every counter of METRICS_COUNTERS appears once per lcore, zero or not.
 */
size_t mgmt_prometheus_format(const struct mgmt_view *v, char *buf, size_t len);

/*
 * The Prometheus family a counter belongs to: rx_packets is
 * dturn_packets_total{direction="rx"}, drop_eth_short is
 * dturn_drops_total{reason="eth_short"}, turn_error_508 is
 * dturn_turn_errors_total{code="508"}; a counter in no family is
 * dturn_<name>_total with no label of its own (docs/metrics.md lists them).
 */
struct mgmt_family {
	char name[80];    /* metric name with "_total" */
	char labels[96];  /* the family's labels as Prometheus text ('reason="eth_short"'), or "" */
	const char *help; /* the family's help, or the counter's own */
};
void mgmt_counter_family(enum metrics_counter c, struct mgmt_family *out);

/* Busy share of a worker since start: busy_cycles / (now - start), 0..1. */
double mgmt_busy_ratio(const struct mgmt_view *v, const struct mgmt_lcore_view *l);

/*
 * /healthz: 0 when the process serves and every worker passed its loop within
 * MGMT_HEARTBEAT_MAX_MS of now_tsc; else -1 with a one-line reason in why.
 */
int mgmt_health(const struct mgmt_view *v, char *why, size_t len);

/*
 * /readyz: healthy, not draining, every port's link up, and the table below
 * capacity (a new Allocate would get an entry, not 508); else -1 with a
 * one-line reason.
 */
int mgmt_ready(const struct mgmt_view *v, char *why, size_t len);

#endif
