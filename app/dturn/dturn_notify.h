/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_NOTIFY_H
#define DTURN_NOTIFY_H

/*
 * Readiness for a service manager (systemd Type=notify, sd_notify(3)): one
 * datagram to $NOTIFY_SOCKET per state change. Without NOTIFY_SOCKET (not
 * started by systemd) every call does nothing. A failed send is logged and
 * never stops the relay: readiness is advice to the manager, not a
 * condition for serving.
 */

#include <stdint.h>

struct dturn_app;

/* The workers poll and the relay answers: READY=1 and a STATUS= line. */
void dturn_notify_ready(const struct dturn_app *app);

/* A signal arrived and dturn is shutting down: STOPPING=1. */
void dturn_notify_stopping(int sig);

/* A free-form STATUS= line (shown by systemctl status), e.g. around a reload. */
void dturn_notify_status(const char *status);

/*
 * The unit's WatchdogSec= as systemd passes it (WATCHDOG_USEC, for this pid):
 * the longest gap allowed between two WATCHDOG=1, in microseconds; 0 when no
 * watchdog is asked for (or dturn was built without libsystemd).
 */
uint64_t dturn_notify_watchdog_usec(void);
/* WATCHDOG=1; 0, or a negative errno when it could not be sent (not logged here). */
int dturn_notify_watchdog(void);

#endif
