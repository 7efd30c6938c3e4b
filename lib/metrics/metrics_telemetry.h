/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_METRICS_TELEMETRY_H
#define DTURN_METRICS_TELEMETRY_H

#include <stdio.h>

#include "metrics.h"

/* Names of the stun_result values, so per-reason decode drops print by name. */
typedef const char *(*metrics_reason_name_fn)(int reason);

/*
 * Register /dturn/stats with rte_telemetry: with no parameter it returns the
 * sum over every lcore, with an lcore index (0..n-1) that lcore's counters.
 * Call once, before the workers start; the blocks must outlive EAL.
 * Returns 0 or a negative errno.
 */
int metrics_telemetry_register(const struct metrics_lcore *const *lcores, unsigned int n,
			       metrics_reason_name_fn reason_name, unsigned int reason_count);

/* Print every non-zero counter summed over the lcores, one "name value" a line. */
void metrics_print_totals(FILE *out, const struct metrics_lcore *const *lcores, unsigned int n,
			  metrics_reason_name_fn reason_name, unsigned int reason_count);

#endif
