/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_APP_H
#define DTURN_APP_H

/* The daemon's state: built by main() at start-up, read by the control loop. */

#include <stdbool.h>

#include <rte_log.h>
#include <rte_mempool.h>

#include "conf.h"
#include "dataplane.h"
#include "net.h"

#define RTE_LOGTYPE_DTURN RTE_LOGTYPE_USER1
#define DTURN_MAX_WORKERS DP_MAX_WORKERS

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
};

/* dturn_eal.c: EAL arguments from [eal], choosing hugepages or --no-huge. */
int dturn_eal_init(struct dturn_app *app, const char *argv0);

/* dturn_ports.c: configure, start and stop the ports of [port NAME] sections. */
int dturn_ports_start(struct dturn_app *app);
void dturn_ports_stop(struct dturn_app *app);

/* dturn_turn.c: credentials, table, policy and control rings from [turn]. */
int dturn_turn_setup(struct dturn_app *app);
void dturn_turn_teardown(struct dturn_app *app);

/* dturn_workers.c: per-lcore contexts, launch and wait. */
int dturn_workers_launch(struct dturn_app *app);
void dturn_workers_wait(struct dturn_app *app);

#endif
