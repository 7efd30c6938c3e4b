/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_MGMT_TELEMETRY_H
#define DTURN_MGMT_TELEMETRY_H

/*
 * The gauges of the management endpoint through rte_telemetry, so
 * dpdk-telemetry.py shows the same numbers as /metrics:
 *   /dturn/table   allocations, capacity, pending (absent without [turn])
 *   /dturn/lcores  per worker: lcore, busy_ratio, last_poll_age_ms
 * (the counters themselves are /dturn/stats, lib/metrics).
 */

#include "mgmt.h"

/* Fills a fresh snapshot; called on the telemetry thread for each request. */
typedef void (*mgmt_collect_fn)(void *arg, struct mgmt_view *v);

/* Register both commands; call once after EAL is up. Returns 0 or a negative errno. */
int mgmt_telemetry_register(mgmt_collect_fn collect, void *arg);

#endif
