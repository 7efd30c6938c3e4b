/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The /healthz and /readyz verdicts. Liveness is about this process (restart
 * it if a worker stopped polling); readiness is about sending it new clients
 * (a port down or a full table would fail them while the process is fine).
 */
#include <inttypes.h>
#include <stdio.h>

#include "mgmt.h"

int
mgmt_health(const struct mgmt_view *v, char *why, size_t len)
{
	uint64_t max_age = v->tsc_hz / 1000 * MGMT_HEARTBEAT_MAX_MS;
	unsigned int workers = 0;

	if (v->stopping) {
		snprintf(why, len, "stopping");
		return -1;
	}
	for (unsigned int i = 0; i < v->lcore_count; i++) {
		const struct mgmt_lcore_view *l = &v->lcores[i];

		if (!l->worker)
			continue;
		workers++;
		if (l->heartbeat_tsc == 0) {
			snprintf(why, len, "worker %u (lcore %u) has not polled yet", l->worker_index,
				 l->lcore_id);
			return -1;
		}
		/* A pass after the snapshot's clock was read is fresh, not negative. */
		if (v->now_tsc > l->heartbeat_tsc && v->now_tsc - l->heartbeat_tsc > max_age) {
			snprintf(why, len, "worker %u (lcore %u) has not polled for %" PRIu64 " ms",
				 l->worker_index, l->lcore_id,
				 (v->now_tsc - l->heartbeat_tsc) / (v->tsc_hz / 1000 ? v->tsc_hz / 1000 : 1));
			return -1;
		}
	}
	if (workers == 0) {
		snprintf(why, len, "no worker lcore");
		return -1;
	}
	snprintf(why, len, "ok");
	return 0;
}

int
mgmt_ready(const struct mgmt_view *v, char *why, size_t len)
{
	if (mgmt_health(v, why, len) != 0)
		return -1;
	if (v->draining) {
		snprintf(why, len, "draining: new allocations refused");
		return -1;
	}
	for (unsigned int i = 0; i < v->port_count; i++) {
		if (!v->ports[i].link_up) {
			snprintf(why, len, "port %s: link down", v->ports[i].name);
			return -1;
		}
	}
	if (v->has_table && v->table_count >= v->table_capacity) {
		snprintf(why, len, "allocation table full (%" PRIu32 " of %" PRIu32 ")",
			 v->table_count, v->table_capacity);
		return -1;
	}
	snprintf(why, len, "ok");
	return 0;
}
