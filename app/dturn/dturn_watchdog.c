/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * systemd's watchdog (WatchdogSec= in dist/systemd/dturn.service): the control
 * loop sends WATCHDOG=1 every half interval, but only while /healthz would say
 * ok (lib/mgmt's mgmt_health on the same snapshot: every worker passed its
 * loop within MGMT_HEARTBEAT_MAX_MS). A worker stuck in a loop, or a control
 * lcore that no longer runs its loop, stops the feeding, and systemd kills
 * and restarts the relay (Restart=on-failure covers a watchdog timeout).
 */
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "dturn_app.h"
#include "dturn_notify.h"
#include "mgmt.h"

int
dturn_watchdog_init(struct dturn_app *app)
{
	struct dturn_watchdog *w = &app->watchdog;
	uint64_t usec = dturn_notify_watchdog_usec();

	memset(w, 0, sizeof(*w));
	if (usec == 0)
		return 0;
	w->view = calloc(1, sizeof(*w->view));
	if (w->view == NULL) {
		RTE_LOG(ERR, DTURN, "watchdog: cannot allocate its health snapshot\n");
		return -1;
	}
	/* Half the allowed gap, as sd_watchdog_enabled(3) advises. */
	w->period_tsc = usec * rte_get_tsc_hz() / 2000000;
	if (w->period_tsc == 0)
		w->period_tsc = 1;
	RTE_LOG(NOTICE, DTURN, "watchdog: WATCHDOG=1 every %" PRIu64 " ms while healthy\n",
		usec / 2000);
	return 0;
}

void
dturn_watchdog_poll(struct dturn_app *app, uint64_t now_tsc)
{
	struct dturn_watchdog *w = &app->watchdog;
	char why[160];
	int rc;

	if (w->period_tsc == 0 || now_tsc < w->next_tsc)
		return;
	w->next_tsc = now_tsc + w->period_tsc;
	dturn_http_collect(app, w->view);
	if (mgmt_health(w->view, why, sizeof(why)) != 0) {
		if (!w->stalled)
			RTE_LOG(WARNING, DTURN, "watchdog: not fed while unhealthy: %s\n", why);
		w->stalled = true;
		return;
	}
	if (w->stalled)
		RTE_LOG(NOTICE, DTURN, "watchdog: healthy again, fed\n");
	w->stalled = false;
	rc = dturn_notify_watchdog();
	if (rc < 0 && !w->send_failed)
		RTE_LOG(WARNING, DTURN, "watchdog: WATCHDOG=1 could not be sent: %s (said once)\n",
			strerror(-rc));
	w->send_failed = rc < 0;
}

void
dturn_watchdog_free(struct dturn_app *app)
{
	free(app->watchdog.view);
	app->watchdog.view = NULL;
	app->watchdog.period_tsc = 0;
}
