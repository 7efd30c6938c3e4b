/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-reason fixed-window rate limits for log lines (log_limit.h).
 */
#include <string.h>

#include "log_limit.h"

int
log_limit_init(struct log_limit *l, const char *const *names, unsigned int reason_count,
	       uint32_t burst, uint64_t interval)
{
	memset(l, 0, sizeof(*l));
	if (reason_count == 0 || reason_count > LOG_LIMIT_MAX_REASONS || names == NULL)
		return -1;
	l->names = names;
	l->reason_count = reason_count;
	l->burst = burst != 0 ? burst : 1;
	l->interval = interval != 0 ? interval : 1;
	return 0;
}

const char *
log_limit_name(const struct log_limit *l, unsigned int reason)
{
	return reason < l->reason_count && l->names[reason] != NULL ? l->names[reason] : "?";
}

static bool
window_over(const struct log_limit *l, const struct log_limit_reason *r, uint64_t now)
{
	/* A clock that went backwards ends the window too, rather than never. */
	return now < r->window_start || now - r->window_start >= l->interval;
}

bool
log_limit_allow(struct log_limit *l, unsigned int reason, uint64_t now, uint64_t *suppressed)
{
	*suppressed = 0;
	if (reason >= l->reason_count)
		return false;

	struct log_limit_reason *r = &l->r[reason];

	if (!r->active || window_over(l, r, now)) {
		*suppressed = r->active ? r->suppressed : 0;
		r->active = true;
		r->window_start = now;
		r->lines = 0;
		r->suppressed = 0;
	}
	if (r->lines < l->burst) {
		r->lines++;
		return true;
	}
	r->suppressed++;
	return false;
}

unsigned int
log_limit_flush(struct log_limit *l, uint64_t now, log_limit_report_fn report, void *arg)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < l->reason_count; i++) {
		struct log_limit_reason *r = &l->r[i];

		if (!r->active || !window_over(l, r, now))
			continue;
		if (r->suppressed != 0) {
			report(log_limit_name(l, i), r->suppressed, arg);
			n++;
		}
		/* Closed: the next line opens a new window with nothing owed. */
		r->active = false;
		r->suppressed = 0;
		r->lines = 0;
	}
	return n;
}
