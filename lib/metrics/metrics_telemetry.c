/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "metrics_telemetry.h"

#define MAX_LCORES 128

/*
 * rte_telemetry callbacks take no user argument in DPDK 22.11, so the blocks
 * they read are recorded here once, before any worker runs, and only read
 * afterwards: the one file-level variable of the project.
 */
static struct {
	const struct metrics_lcore *lcores[MAX_LCORES];
	unsigned int n;
	metrics_reason_name_fn reason_name;
	unsigned int reason_count;
} registry;

static void
sum_into(struct metrics_lcore *sum, const struct metrics_lcore *const *lcores, unsigned int n)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < n; i++) {
		if (lcores[i] == NULL)
			continue;
		for (int c = 0; c < METRICS_COUNTER_MAX; c++)
			sum->counter[c] += __atomic_load_n(&lcores[i]->counter[c], __ATOMIC_RELAXED);
		for (int r = 0; r < METRICS_STUN_REASONS; r++)
			sum->stun_decode[r] += __atomic_load_n(&lcores[i]->stun_decode[r], __ATOMIC_RELAXED);
	}
}

static int
stats_cb(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct metrics_lcore block;
	char name[96];

	if (params != NULL && *params != '\0') {
		char *end;
		unsigned long idx = strtoul(params, &end, 10);

		if (*end != '\0' || idx >= registry.n)
			return -EINVAL;
		sum_into(&block, &registry.lcores[idx], 1);
	} else {
		sum_into(&block, registry.lcores, registry.n);
	}
	rte_tel_data_start_dict(d);
	for (int c = 0; c < METRICS_COUNTER_MAX; c++)
		rte_tel_data_add_dict_u64(d, metrics_counter_name((enum metrics_counter)c), block.counter[c]);
	for (unsigned int r = 1; r < registry.reason_count && r < METRICS_STUN_REASONS; r++) {
		snprintf(name, sizeof(name), "stun_decode_%s", registry.reason_name((int)r));
		for (char *p = name; *p; p++)
			*p = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
		rte_tel_data_add_dict_u64(d, name, block.stun_decode[r]);
	}
	(void)cmd;
	return 0;
}

int
metrics_telemetry_register(const struct metrics_lcore *const *lcores, unsigned int n,
			   metrics_reason_name_fn reason_name, unsigned int reason_count)
{
	if (n > MAX_LCORES)
		return -E2BIG;
	for (unsigned int i = 0; i < n; i++)
		registry.lcores[i] = lcores[i];
	registry.n = n;
	registry.reason_name = reason_name;
	registry.reason_count = reason_count;
	return rte_telemetry_register_cmd("/dturn/stats", stats_cb,
		"Per-outcome packet counters summed over the workers; parameter: worker index");
}

void
metrics_print_totals(FILE *out, const struct metrics_lcore *const *lcores, unsigned int n,
		     metrics_reason_name_fn reason_name, unsigned int reason_count)
{
	struct metrics_lcore sum;

	sum_into(&sum, lcores, n);
	for (int c = 0; c < METRICS_COUNTER_MAX; c++)
		if (sum.counter[c] != 0)
			fprintf(out, "  %-28s %" PRIu64 "\n", metrics_counter_name((enum metrics_counter)c),
				sum.counter[c]);
	for (unsigned int r = 1; r < reason_count && r < METRICS_STUN_REASONS; r++)
		if (sum.stun_decode[r] != 0)
			fprintf(out, "  stun_decode_%-16s %" PRIu64 "\n", reason_name((int)r),
				sum.stun_decode[r]);
}
