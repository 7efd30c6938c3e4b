/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sd_notify(3) messages for systemd's Type=notify (dist/systemd/dturn.service).
 * Built with libsystemd when meson finds it (option -Dsystemd); without it
 * these calls only warn that a manager waiting on NOTIFY_SOCKET will not hear
 * READY=1, and the unit needs Type=exec instead (docs/operations.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef DTURN_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "dturn_app.h"
#include "dturn_notify.h"

/* Sends one message; logs what went wrong, once per state change. */
static void
notify_send(const char *what, const char *msg)
{
	if (getenv("NOTIFY_SOCKET") == NULL)
		return;
#ifdef DTURN_HAVE_LIBSYSTEMD
	int rc = sd_notify(0, msg);

	if (rc < 0)
		RTE_LOG(WARNING, DTURN, "sd_notify %s to NOTIFY_SOCKET=%s failed: %s\n", what,
			getenv("NOTIFY_SOCKET"), strerror(-rc));
#else
	(void)msg;
	RTE_LOG(WARNING, DTURN, "NOTIFY_SOCKET is set but dturn was built without libsystemd: "
		"%s not sent (use Type=exec in the unit, or rebuild with libsystemd-dev)\n", what);
#endif
}

void
dturn_notify_ready(const struct dturn_app *app)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=serving: %u ports, %u workers, STUN on UDP %u",
		 app->port_count, app->worker_count, app->settings.listen_ports[0]);
	notify_send("READY=1", msg);
}

void
dturn_notify_stopping(int sig)
{
	char msg[80];

	snprintf(msg, sizeof(msg), "STOPPING=1\nSTATUS=signal %d: stopping", sig);
	notify_send("STOPPING=1", msg);
}

void
dturn_notify_status(const char *status)
{
	char msg[300];

	snprintf(msg, sizeof(msg), "STATUS=%s", status);
	notify_send("STATUS", msg);
}

uint64_t
dturn_notify_watchdog_usec(void)
{
#ifdef DTURN_HAVE_LIBSYSTEMD
	uint64_t usec = 0;

	if (getenv("NOTIFY_SOCKET") != NULL && sd_watchdog_enabled(0, &usec) > 0)
		return usec;
#endif
	return 0;
}

int
dturn_notify_watchdog(void)
{
#ifdef DTURN_HAVE_LIBSYSTEMD
	int rc = sd_notify(0, "WATCHDOG=1");

	return rc < 0 ? rc : 0;
#else
	return -ENOSYS;
#endif
}
