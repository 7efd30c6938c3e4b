/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>

#include "metrics.h"

static const char *const counter_names[METRICS_COUNTER_MAX] = {
#define METRICS_NAME(id, name, help) [METRICS_##id] = name,
	METRICS_COUNTERS(METRICS_NAME)
#undef METRICS_NAME
};

static const char *const counter_helps[METRICS_COUNTER_MAX] = {
#define METRICS_HELP(id, name, help) [METRICS_##id] = help,
	METRICS_COUNTERS(METRICS_HELP)
#undef METRICS_HELP
};

const char *
metrics_counter_name(enum metrics_counter c)
{
	return (unsigned int)c < METRICS_COUNTER_MAX ? counter_names[c] : "unknown";
}

const char *
metrics_counter_help(enum metrics_counter c)
{
	return (unsigned int)c < METRICS_COUNTER_MAX ? counter_helps[c] : "";
}

uint64_t
metrics_sum(const struct metrics_lcore *const *lcores, unsigned int n, enum metrics_counter c)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < n; i++)
		if (lcores[i] != NULL)
			sum += lcores[i]->counter[c];
	return sum;
}
