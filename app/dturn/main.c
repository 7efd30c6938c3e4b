/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dturn: parse the command line, load the config, bring up EAL and the ports,
 * launch the workers, then do control work on the main lcore until a signal.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pdump.h>

#include "dturn_app.h"
#include "dturn_notify.h"
#include "dturn_stream.h"
#include "metrics_telemetry.h"
#include "mgmt_telemetry.h"
#include "stun.h"

/* A signal handler can only reach a static; main() copies it into app.quit. */
static volatile sig_atomic_t stop_signal;
/* SIGHUP: the control loop reloads the config file (dturn_reload.c). */
static volatile sig_atomic_t reload_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static void
on_hup(int sig)
{
	(void)sig;
	reload_signal = 1;
}

/* On the control lcore, the only table writer; errors are logged by dturn_reload. */
static void
reload_if_asked(struct dturn_app *app)
{
	char err[256];

	if (reload_signal == 0)
		return;
	reload_signal = 0;
	RTE_LOG(NOTICE, DTURN, "SIGHUP: reloading the configuration\n");
	if (dturn_reload(app, err, sizeof(err)) == 0)
		dturn_mgmt_reloaded(app); /* as /dturn/reload does: revoked users back, alternate,
					   * the stream thread's TLS certificate */
}

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: dturn --config FILE       run the relay from FILE\n"
		"       dturn --check-config FILE validate FILE and exit (touches no port)\n"
		"       dturn --version | --help\n"
		"The config file is documented in docs/configuration.md and config/dturn.conf.\n");
}

/* Loads and validates; prints one line per error. Returns 0 when the file is good. */
static int
load_config(const char *path, struct conf *c)
{
	struct conf_errors errs;
	char line[640];

	if (conf_load(path, c, &errs) == 0)
		return 0;
	for (unsigned int i = 0; i < errs.count && i < sizeof(errs.err) / sizeof(errs.err[0]); i++) {
		conf_error_format(&errs.err[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (errs.count > sizeof(errs.err) / sizeof(errs.err[0]))
		fprintf(stderr, "%s: %u more errors not shown\n", path,
			errs.count - (unsigned int)(sizeof(errs.err) / sizeof(errs.err[0])));
	return -1;
}

static const char *
reason_name(int r)
{
	return stun_result_name((enum stun_result)r);
}

static void
settings_from_conf(struct dp_settings *s, const struct conf *c)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < c->stun.listen_port_count && i < DP_MAX_LISTEN_PORTS; i++)
		s->listen_ports[s->listen_port_count++] = c->stun.listen_ports[i];
	turn_server_init(&s->turn, c->stun.software);
	s->tsc_per_ms = rte_get_tsc_hz() / 1000;
	s->idle_sleep_us = c->eal.idle_sleep_us;
}

static int
alloc_workers(struct dturn_app *app)
{
	app->worker_count = rte_lcore_count() - 1;
	if (app->worker_count == 0 || app->worker_count > DTURN_MAX_WORKERS) {
		RTE_LOG(ERR, DTURN, "[eal] lcores gives %u workers; need 1 to %d besides the main lcore\n",
			app->worker_count, DTURN_MAX_WORKERS);
		return -1;
	}
	for (unsigned int i = 0; i < app->worker_count; i++) {
		app->workers[i] = rte_zmalloc("dturn_lcore", sizeof(struct dp_lcore), RTE_CACHE_LINE_SIZE);
		if (app->workers[i] == NULL) {
			RTE_LOG(ERR, DTURN, "cannot allocate worker %u context\n", i);
			return -1;
		}
	}
	return 0;
}

/*
 * The workers' blocks, then the control lcore's (telemetry index = worker,
 * then control), then the stream thread's when [stream] is on.
 */
static unsigned int
metric_blocks(const struct dturn_app *app, const struct metrics_lcore **blocks)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < app->worker_count; i++)
		blocks[n++] = app->workers[i] != NULL ? &app->workers[i]->mx : NULL;
	blocks[n++] = app->control != NULL ? &app->control->mx : NULL;
	if (app->stream != NULL)
		blocks[n++] = &app->stream->mx;
	return n;
}

static void
print_counters(const struct dturn_app *app)
{
	const struct metrics_lcore *blocks[DTURN_MAX_WORKERS + 2];
	unsigned int n = metric_blocks(app, blocks);

	printf("dturn: counters at exit:\n");
	metrics_print_totals(stdout, blocks, n, reason_name, STUN_RESULT_MAX);
	fflush(stdout);
}

/*
 * The main lcore's work while the workers poll: answer the requests that
 * change the table, expire what is old, and sleep a little when idle.
 */
static void
control_loop(struct dturn_app *app)
{
	while (stop_signal == 0) {
		unsigned int n = 0;

		if (app->control->requests != NULL)
			n = dp_control_poll(app->control, (uint64_t)time(NULL));
		n += dturn_mgmt_poll(app);
		n += dturn_stream_poll(app);
		reload_if_asked(app);
		dturn_events_flush(app);
		dturn_watchdog_poll(app, rte_get_tsc_cycles());
		if (n == 0)
			rte_delay_us_sleep(200);
	}
	RTE_LOG(NOTICE, DTURN, "signal %d: stopping\n", (int)stop_signal);
	dturn_notify_stopping((int)stop_signal);
}

static int
run(struct dturn_app *app, const char *argv0)
{
	const struct metrics_lcore *blocks[DTURN_MAX_WORKERS + 2];
	int rc = 1;

	if (dturn_eal_init(app, argv0) != 0)
		return 1;
	settings_from_conf(&app->settings, &app->conf);
	if (alloc_workers(app) != 0 || dturn_ports_start(app) != 0 ||
	    dturn_stream_start(app) != 0 || dturn_turn_setup(app) != 0)
		goto out;
	app->settings.ports = app->ports;
	app->settings.port_count = app->port_count;

	unsigned int nblocks = metric_blocks(app, blocks);

	if (metrics_telemetry_register(blocks, nblocks, reason_name, STUN_RESULT_MAX) != 0)
		RTE_LOG(WARNING, DTURN, "telemetry command /dturn/stats not registered\n");
	if (mgmt_telemetry_register(dturn_http_collect, app) != 0)
		RTE_LOG(WARNING, DTURN, "telemetry commands /dturn/table, /dturn/lcores not registered\n");
	app->start_tsc = rte_rdtsc();
	if (dturn_http_start(app) != 0)
		goto out;
	dturn_mgmt_start(app);
	dturn_events_init(app);
	if (dturn_workers_launch(app) != 0) {
		dturn_workers_wait(app);
		goto out;
	}
	RTE_LOG(NOTICE, DTURN, "serving: %u ports, %u workers, STUN on UDP %u\n", app->port_count,
		app->worker_count, app->settings.listen_ports[0]);
	dturn_notify_ready(app);
	if (dturn_watchdog_init(app) != 0)
		RTE_LOG(WARNING, DTURN, "watchdog: not started; systemd will restart dturn when WatchdogSec= runs out\n");
	control_loop(app);
	dturn_mgmt_stop(app);
	dturn_workers_wait(app);
	rc = 0;
out:
	dturn_stream_stop(app); /* before the ports: it writes to the link's rings */
	dturn_http_stop(app); /* before the ports and table it reads go */
	dturn_watchdog_free(app);
	dturn_ports_stop(app);
	print_counters(app);
	dturn_turn_teardown(app);
	for (unsigned int i = 0; i < app->worker_count; i++)
		rte_free(app->workers[i]);
	rte_pdump_uninit(); /* dturn_eal_init's rte_pdump_init */
	rte_eal_cleanup();
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", required_argument, NULL, 'k' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dturn_app *app = calloc(1, sizeof(*app));
	const char *check = NULL;
	int opt;

	if (app == NULL)
		return 1;
	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			app->config_path = optarg;
			break;
		case 'k':
			check = optarg;
			break;
		case 'V':
			printf("dturn %s\n", DTURN_VERSION);
			free(app);
			return 0;
		case 'h':
			usage(stdout);
			free(app);
			return 0;
		default:
			usage(stderr);
			free(app);
			return 2;
		}
	}
	if (optind < argc || (check == NULL) == (app->config_path == NULL)) {
		if (optind < argc)
			fprintf(stderr, "dturn: unexpected argument '%s'\n", argv[optind]);
		else
			fprintf(stderr, "dturn: give exactly one of --config or --check-config\n");
		usage(stderr);
		free(app);
		return 2;
	}
	if (check != NULL) {
		int bad = load_config(check, &app->conf);

		if (!bad)
			printf("%s: OK\n", check);
		free(app);
		return bad ? 1 : 0;
	}
	if (load_config(app->config_path, &app->conf) != 0) {
		free(app);
		return 1;
	}

	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct sigaction hup = { .sa_handler = on_hup };

	sigemptyset(&hup.sa_mask);
	sigaction(SIGHUP, &hup, NULL);

	int rc = run(app, argv[0]);

	free(app);
	return rc;
}
