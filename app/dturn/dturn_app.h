/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_APP_H
#define DTURN_APP_H

/* The daemon's state: built by main() at start-up, read by the control loop. */

#include <stdbool.h>

#include <rte_log.h>
#include <rte_mempool.h>

#include "conf.h"
#include "dataplane.h"
#include "log_limit.h"
#include "net.h"

#define RTE_LOGTYPE_DTURN RTE_LOGTYPE_USER1
#define DTURN_MAX_WORKERS DP_MAX_WORKERS

struct MHD_Daemon;
struct dturn_stream;

struct mgmt_view;

/* dturn_watchdog.c's state: the control lcore's own. */
struct dturn_watchdog {
	uint64_t period_tsc;         /* 0: no watchdog asked for */
	uint64_t next_tsc;
	bool stalled;                /* unhealthy at the last check: not fed */
	bool send_failed;            /* the last WATCHDOG=1 could not be sent */
	struct mgmt_view *view;      /* the health snapshot, allocated once */
};

struct dturn_app {
	const char *config_path;
	struct conf conf;
	bool no_huge;                /* what memory mode start-up settled on */
	struct rte_mempool *pool;
	unsigned int port_count;
	struct net_port ports[CONF_MAX_PORTS];
	struct dp_settings settings;
	unsigned int worker_count;
	struct dp_lcore *workers[DTURN_MAX_WORKERS];
	struct dp_control *control;  /* the main lcore's half of the data plane */
	struct auth *auth;           /* NULL: Binding only */
	struct table *table;
	struct turn_penalty_box *box; /* sources refused for failing authentication */
	volatile bool quit;
	struct log_limit events;     /* the control lcore's rate limits (dturn_events.c) */
	struct dturn_watchdog watchdog; /* systemd's WatchdogSec= (dturn_watchdog.c) */
	uint64_t start_tsc;          /* workers launched: the origin of the busy ratio */
	struct MHD_Daemon *http;     /* [mgmt] http_listen, NULL when off */
	struct dturn_stream *stream; /* [stream]: TURN over TCP/TLS, NULL when off */
};

/* dturn_eal.c: EAL arguments from [eal], choosing hugepages or --no-huge. */
int dturn_eal_init(struct dturn_app *app, const char *argv0);

/* dturn_ports.c: configure, start and stop the ports of [port NAME] sections. */
int dturn_ports_start(struct dturn_app *app);
void dturn_ports_stop(struct dturn_app *app);

/* dturn_turn.c: credentials, table, policy and control rings from [turn]. */
int dturn_turn_setup(struct dturn_app *app);
void dturn_turn_teardown(struct dturn_app *app);
/* The start-up builders a reload reuses: fill (and build) from c, log why not. */
int dturn_policy_from_conf(struct turn_policy *p, const struct conf *c);
int dturn_auth_from_conf(struct auth *a, const struct conf *c);
uint32_t dturn_bandwidth_burst(const struct conf *c);

/* dturn_reload.c: re-read config_path and apply its run-time parts (users, REST
 * secret, peer policy, quotas) without dropping an allocation. Runs on the
 * control lcore only (the single table writer): SIGHUP and /dturn/reload.
 * Returns 0, or <0 with err holding the first error ("file:line: ...") and the
 * old configuration still in force. */
int dturn_reload(struct dturn_app *app, char *err, size_t errlen);
/* Free what reloads published (the reloaded peer policy); at teardown, workers stopped. */
void dturn_reload_free(struct dturn_app *app);

/*
 * dturn_mgmt.c: the management commands on the telemetry socket (dturnctl,
 * docs/dturnctl.md). start registers them (before the workers run);
 * the control loop calls poll on every pass to serve a pending command on the
 * control lcore (returns 1 when it served one); stop refuses further commands.
 */
int dturn_mgmt_start(struct dturn_app *app);
unsigned int dturn_mgmt_poll(struct dturn_app *app);
void dturn_mgmt_stop(struct dturn_app *app);
/* After a successful dturn_reload (SIGHUP or /dturn/reload): revoked users are
 * allowed again, [turn] alternate_server takes its new value and the stream
 * thread reloads the [stream] TLS certificate and key. */
void dturn_mgmt_reloaded(struct dturn_app *app);

/*
 * dturn_http.c: the [mgmt] http_listen endpoint (/metrics, /healthz, /readyz,
 * docs/metrics.md) on libmicrohttpd's own thread. start returns 0 also when
 * it is off, -1 when it cannot listen; stop is safe when it never started.
 * collect fills a lib/mgmt snapshot (also for /dturn/table and /dturn/lcores).
 */
struct mgmt_view;
int dturn_http_start(struct dturn_app *app);
void dturn_http_stop(struct dturn_app *app);
void dturn_http_collect(void *app, struct mgmt_view *v);

/* dturn_watchdog.c: WATCHDOG=1 while healthy (control lcore). */
int dturn_watchdog_init(struct dturn_app *app);
void dturn_watchdog_poll(struct dturn_app *app, uint64_t now_tsc);
void dturn_watchdog_free(struct dturn_app *app);

/* dturn_events.c: rate-limited log lines for remotely triggered events (control lcore). */
enum dturn_event {
	DTURN_EVENT_SOURCE_BLOCKED,  /* a source put in the penalty box */
	DTURN_EVENT_ALLOCATED,       /* the TURN_EVENT_*s of lib/turn, one reason each */
	DTURN_EVENT_DELETED,
	DTURN_EVENT_EXPIRED,
	DTURN_EVENT_ADMIN_DELETED,
	DTURN_EVENT_AUTH_FAILED,
	DTURN_EVENT_MAX
};
void dturn_events_init(struct dturn_app *app);
void dturn_events_flush(struct dturn_app *app); /* now and then: tells suppressed counts */

/* dturn_workers.c: per-lcore contexts, launch and wait. */
int dturn_workers_launch(struct dturn_app *app);
void dturn_workers_wait(struct dturn_app *app);

#endif
