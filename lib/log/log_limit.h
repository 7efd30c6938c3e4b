/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_LOG_LIMIT_H
#define DTURN_LOG_LIMIT_H

/*
 * Rate limits for log lines a remote party can trigger (a source put in the
 * penalty box, ...), so a flood cannot fill a disk: per reason, at most burst
 * lines per interval; the lines over that are counted, and once the interval
 * has ended one line says how many of that reason were suppressed.
 *
 * Windows are fixed and start at a reason's first line. The clock is the
 * caller's (any unit, e.g. TSC cycles or ms), so tests inject it. No locks,
 * no shared state: each lcore owns its own struct log_limit. Nothing here
 * prints; the caller prints what log_limit_allow and log_limit_flush report
 * (LOG_LIMITED below does it with RTE_LOG).
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#define LOG_LIMIT_MAX_REASONS 16

struct log_limit_reason {
	uint64_t window_start;   /* the clock when this window's first line came */
	uint32_t lines;          /* lines allowed in this window */
	uint64_t suppressed;     /* lines refused in this window */
	bool active;             /* a window is open */
};

struct log_limit {
	uint64_t interval;       /* window length, in the caller's clock units */
	uint32_t burst;          /* lines per reason per window */
	unsigned int reason_count;
	const char *const *names; /* reason_count names, for the "suppressed" line */
	struct log_limit_reason r[LOG_LIMIT_MAX_REASONS];
};

/*
 * names: one per reason, kept by pointer (static strings). burst 0 is taken
 * as 1 and interval 0 as 1. Returns 0, or -1 when reason_count is 0 or over
 * LOG_LIMIT_MAX_REASONS (l is then unusable: every line is refused).
 */
int log_limit_init(struct log_limit *l, const char *const *names, unsigned int reason_count,
		   uint32_t burst, uint64_t interval);

/*
 * One line of reason at now: true when it may be printed. When the reason's
 * previous window ended with lines suppressed, *suppressed gets their count
 * (print the "suppressed" line first), else 0. An unknown reason is refused.
 */
bool log_limit_allow(struct log_limit *l, unsigned int reason, uint64_t now,
		     uint64_t *suppressed);

/*
 * Close the windows that ended by now: for each with lines suppressed, call
 * report(reason name, count, arg). Call it now and then (the control loop
 * does) so the count is told even when no further line of that reason comes.
 * Returns how many reports were made.
 */
typedef void (*log_limit_report_fn)(const char *reason, uint64_t suppressed, void *arg);
unsigned int log_limit_flush(struct log_limit *l, uint64_t now, log_limit_report_fn report,
			     void *arg);

/* The name of a reason, "?" when out of range. */
const char *log_limit_name(const struct log_limit *l, unsigned int reason);

/*
 * RTE_LOG through a limiter: LOG_LIMITED(l, reason, now, NOTICE, DTURN, "fmt\n", ...).
 * Needs <rte_log.h> and the logtype's RTE_LOGTYPE_ macro at the call site.
 */
#define LOG_LIMITED(l, reason, now, level, type, ...) \
	do { \
		uint64_t log_limited_n_; \
		if (log_limit_allow((l), (reason), (now), &log_limited_n_)) { \
			if (log_limited_n_ != 0) \
				RTE_LOG(level, type, "suppressed %" PRIu64 " lines of %s\n", \
					log_limited_n_, log_limit_name((l), (reason))); \
			RTE_LOG(level, type, __VA_ARGS__); \
		} \
	} while (0)

#endif
