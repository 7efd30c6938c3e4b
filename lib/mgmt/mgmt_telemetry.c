/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_telemetry.h>

#include "mgmt_telemetry.h"

/*
 * rte_telemetry callbacks take no user argument in DPDK 22.11: the collector
 * is recorded here once, before the commands can be called, and only read.
 */
static struct {
	mgmt_collect_fn collect;
	void *arg;
} source;

static struct mgmt_view *
snapshot(void)
{
	struct mgmt_view *v = calloc(1, sizeof(*v));

	if (v != NULL)
		source.collect(source.arg, v);
	return v;
}

static int
table_cb(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mgmt_view *v = snapshot();

	if (v == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	if (v->has_table) {
		rte_tel_data_add_dict_u64(d, "allocations", v->table_count);
		rte_tel_data_add_dict_u64(d, "capacity", v->table_capacity);
		rte_tel_data_add_dict_u64(d, "pending", v->table_pending);
	}
	free(v);
	(void)cmd;
	(void)params;
	return 0;
}

static int
lcores_cb(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mgmt_view *v = snapshot();

	if (v == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < v->lcore_count; i++) {
		const struct mgmt_lcore_view *l = &v->lcores[i];
		struct rte_tel_data *w;
		char name[32];

		if (!l->worker || (w = rte_tel_data_alloc()) == NULL)
			continue;
		rte_tel_data_start_dict(w);
		rte_tel_data_add_dict_u64(w, "lcore", l->lcore_id);
		/* 22.11 has no double in a dict: the ratio in parts per million. */
		rte_tel_data_add_dict_u64(w, "busy_ppm", (uint64_t)(mgmt_busy_ratio(v, l) * 1e6));
		if (l->heartbeat_tsc != 0 && v->tsc_hz >= 1000)
			rte_tel_data_add_dict_u64(w, "last_poll_age_ms",
				v->now_tsc > l->heartbeat_tsc ?
				(v->now_tsc - l->heartbeat_tsc) / (v->tsc_hz / 1000) : 0);
		snprintf(name, sizeof(name), "worker%u", l->worker_index);
		rte_tel_data_add_dict_container(d, name, w, 0);
	}
	free(v);
	(void)cmd;
	(void)params;
	return 0;
}

int
mgmt_telemetry_register(mgmt_collect_fn collect, void *arg)
{
	int rc;

	source.collect = collect;
	source.arg = arg;
	rc = rte_telemetry_register_cmd("/dturn/table", table_cb,
		"Allocation table occupancy: allocations, capacity, pending");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/dturn/lcores", lcores_cb,
			"Per worker: lcore, busy_ppm (busy cycles per million since start), last_poll_age_ms");
	return rc;
}
