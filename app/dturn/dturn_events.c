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
#include <string.h>

#include <rte_cycles.h>

#include "dturn_app.h"
#include "log_text.h"

/* Enough for every event of a quiet relay; a busy one logs a sample and the counts. */
#define DTURN_EVENT_BURST 100
#define DTURN_EVENT_INTERVAL_S 60
/* Usernames come from the wire: at most this much of one is printed. */
#define USER_PRINT_MAX 64

static const char *const event_names[DTURN_EVENT_MAX] = {
	[DTURN_EVENT_SOURCE_BLOCKED] = "source_blocked",
	[DTURN_EVENT_ALLOCATED] = "allocated",
	[DTURN_EVENT_DELETED] = "deleted",
	[DTURN_EVENT_EXPIRED] = "expired",
	[DTURN_EVENT_ADMIN_DELETED] = "admin_deleted",
	[DTURN_EVENT_AUTH_FAILED] = "auth_failed",
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
format_relayed(char *out, size_t len, const struct table_alloc *a)
{
	char r1[INET6_ADDRSTRLEN + 8], r2[INET6_ADDRSTRLEN + 8];
	struct stun_addr x;

	table_relay_key_addr(&a->ids.relay, &x);
	format_source(r1, sizeof(r1), &x);
	if (a->relay_alt.family == 0) {
		snprintf(out, len, "%s", r1);
		return;
	}
	table_relay_key_addr(&a->relay_alt, &x);
	format_source(r2, sizeof(r2), &x);
	snprintf(out, len, "%s and %s", r1, r2);
}

/* lib/turn's events, one line each, by reason through the limiter. */
static void
on_event(void *arg, enum turn_event ev, const struct table_alloc *a,
	 const struct turn_event_info *info)
{
	static const struct {
		enum dturn_event reason;
		uint32_t level;
		const char *what;
	} kinds[TURN_EVENT_MAX] = {
		[TURN_EVENT_ALLOCATED] = { DTURN_EVENT_ALLOCATED, RTE_LOG_INFO, "made" },
		[TURN_EVENT_DELETED] = { DTURN_EVENT_DELETED, RTE_LOG_INFO, "deleted by its client" },
		[TURN_EVENT_EXPIRED] = { DTURN_EVENT_EXPIRED, RTE_LOG_INFO, "expired" },
		[TURN_EVENT_ADMIN_DELETED] = { DTURN_EVENT_ADMIN_DELETED, RTE_LOG_NOTICE,
					       "deleted by a management command" },
		[TURN_EVENT_AUTH_FAILED] = { DTURN_EVENT_AUTH_FAILED, RTE_LOG_NOTICE,
					     "authentication failed" },
	};
	struct dturn_app *app = arg;
	char who[INET6_ADDRSTRLEN + 8], user[USER_PRINT_MAX * 4 + 8], relayed[2 * INET6_ADDRSTRLEN + 24];
	uint64_t suppressed;

	if ((unsigned int)ev >= TURN_EVENT_MAX ||
	    !rte_log_can_log(RTE_LOGTYPE_DTURN, kinds[ev].level) ||
	    !log_limit_allow(&app->events, kinds[ev].reason, rte_get_tsc_cycles(), &suppressed))
		return;
	if (suppressed != 0)
		rte_log(kinds[ev].level, RTE_LOGTYPE_DTURN, "DTURN: suppressed %" PRIu64
			" lines of %s\n", suppressed, event_names[kinds[ev].reason]);
	format_source(who, sizeof(who), info->client);
	log_text_safe(user, sizeof(user), info->user, info->user_len, USER_PRINT_MAX);
	if (a == NULL) {
		rte_log(kinds[ev].level, RTE_LOGTYPE_DTURN, "DTURN: %s: user %s from %s, answered %u\n",
			kinds[ev].what, user, who, info->code);
		return;
	}
	format_relayed(relayed, sizeof(relayed), a);
	rte_log(kinds[ev].level, RTE_LOGTYPE_DTURN, "DTURN: allocation %s %s: user %s, client %s\n",
		relayed, kinds[ev].what, user, who);
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
		app->control->turn.on_event = on_event;
		app->control->turn.on_event_arg = app;
	}
}

void
dturn_events_flush(struct dturn_app *app)
{
	log_limit_flush(&app->events, rte_get_tsc_cycles(), report_suppressed, NULL);
}
