/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_METRICS_H
#define DTURN_METRICS_H

#include <stdint.h>

#include "metrics_counters.h"

/* Room for every stun_result value; checked against STUN_RESULT_MAX where both are seen. */
#define METRICS_STUN_REASONS 48

/*
 * One per lcore, written only by its lcore, read by the control lcore for
 * telemetry. Plain 64-bit stores are atomic on the platforms DPDK supports,
 * so a reader sees a slightly stale but never torn value.
 */
struct metrics_lcore {
	uint64_t counter[METRICS_COUNTER_MAX];
	uint64_t stun_decode[METRICS_STUN_REASONS]; /* indexed by enum stun_result */
} __attribute__((aligned(64)));

static inline void
metrics_inc(struct metrics_lcore *m, enum metrics_counter c)
{
	m->counter[c]++;
}

static inline void
metrics_add(struct metrics_lcore *m, enum metrics_counter c, uint64_t n)
{
	m->counter[c] += n;
}

/* Name and help text of a counter, from the METRICS_COUNTERS list. */
const char *metrics_counter_name(enum metrics_counter c);
const char *metrics_counter_help(enum metrics_counter c);

/* Sum of one counter over n lcores' blocks. */
uint64_t metrics_sum(const struct metrics_lcore *const *lcores, unsigned int n,
		     enum metrics_counter c);

#endif
