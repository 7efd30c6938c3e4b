/* SPDX-License-Identifier: BSD-3-Clause */
/* One dp_lcore per worker lcore; worker i polls queue i of every port. */
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "dturn_app.h"

int
dturn_workers_launch(struct dturn_app *app)
{
	unsigned int lcore_id, i = 0;

	RTE_LCORE_FOREACH_WORKER(lcore_id) {
		struct dp_lcore *lc = app->workers[i];

		lc->lcore_id = lcore_id;
		lc->worker = i;
		lc->to_control = app->control->requests;
		lc->from_control = app->control->replies[i];
		lc->tid_state = rte_rand() | 1;
		lc->port_count = app->port_count;
		for (unsigned int p = 0; p < app->port_count; p++) {
			lc->ports[p].port = &app->ports[p];
			lc->ports[p].queue = (uint16_t)i;
		}
		lc->pool = app->pool;
		lc->settings = &app->settings;
		lc->quit = &app->quit;
		if (rte_eal_remote_launch(dp_lcore_main, lc, lcore_id) != 0) {
			RTE_LOG(ERR, DTURN, "cannot launch worker on lcore %u\n", lcore_id);
			return -1;
		}
		RTE_LOG(INFO, DTURN, "worker %u polling on lcore %u\n", i, lcore_id);
		i++;
	}
	return 0;
}

void
dturn_workers_wait(struct dturn_app *app)
{
	__atomic_store_n(&app->quit, true, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
}
