/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Log lines for events a remote party can trigger, on the control lcore,
 * through a per-reason rate limiter (lib/log/log_limit.h) so a flood of them
 * cannot fill a disk: DTURN_EVENT_BURST lines per reason per
 * DTURN_EVENT_INTERVAL_S, then one "suppressed N lines" line per window.
 * The data path counts (lib/metrics) instead of logging; this is the
 * operator-facing detail on top, e.g. which source was put in the penalty box.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include <rte_cycles.h>

#include "dturn_app.h"

#define DTURN_EVENT_BURST 10
#define DTURN_EVENT_INTERVAL_S 60

static const char *const event_names[DTURN_EVENT_MAX] = {
	[DTURN_EVENT_SOURCE_BLOCKED] = "source_blocked",
};

static void
format_source(char *out, size_t len, const struct stun_addr *a)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (a->family == STUN_FAMILY_IPV6) {
		inet_ntop(AF_INET6, a->addr, ip, sizeof(ip));
		snprintf(out, len, "[%s]:%u", ip, a->port);
	} else {
		inet_ntop(AF_INET, a->addr, ip, sizeof(ip));
		snprintf(out, len, "%s:%u", ip, a->port);
	}
}

static void
on_blocked(void *arg, const struct stun_addr *src)
{
	struct dturn_app *app = arg;
	char who[INET6_ADDRSTRLEN + 8];

	format_source(who, sizeof(who), src);
	LOG_LIMITED(&app->events, DTURN_EVENT_SOURCE_BLOCKED, rte_get_tsc_cycles(), NOTICE, DTURN,
		    "source %s put in the penalty box for %u s: too many failed "
		    "authentications\n", who, app->conf.turn.auth_block_time);
}

static void
report_suppressed(const char *reason, uint64_t n, void *arg)
{
	(void)arg;
	RTE_LOG(NOTICE, DTURN, "suppressed %" PRIu64 " lines of %s\n", n, reason);
}

void
dturn_events_init(struct dturn_app *app)
{
	log_limit_init(&app->events, event_names, DTURN_EVENT_MAX, DTURN_EVENT_BURST,
		       DTURN_EVENT_INTERVAL_S * rte_get_tsc_hz());
	if (app->control != NULL) {
		app->control->turn.on_blocked = on_blocked;
		app->control->turn.on_blocked_arg = app;
	}
}

void
dturn_events_flush(struct dturn_app *app)
{
	log_limit_flush(&app->events, rte_get_tsc_cycles(), report_suppressed, NULL);
}
