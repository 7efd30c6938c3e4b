/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_RELOAD_DIFF_H
#define DTURN_RELOAD_DIFF_H

/*
 * What a reload may change (docs/reload.md): the difference between the
 * running configuration and a newly loaded one, and which keys of it need a
 * restart. Pure functions on struct conf, no EAL, so unit tests drive them.
 *
 * Reloadable: [users], [rest] secret, turn.allow-peer / deny-peer,
 * turn.allocations_per_user, lifetime_max, nonce_lifetime, bandwidth_limit,
 * bandwidth_burst, and auth_failure_rate / burst / auth_block_time while the
 * limiter stays on (rate > 0 before and after). Everything else keeps its
 * running value with a warning naming the key: [eal], [log], [port NAME],
 * [stun], turn.realm, relay_ports, relay_ipv4/6, max_allocations,
 * channel_numbers, mgmt.http_listen, and the [users]/[rest] sections when the TURN service was
 * off at start-up (no table or relayed addresses were set up then).
 */

#include <stdbool.h>
#include <stddef.h>

#include "conf_types.h"

#define RELOAD_MAX_RESTART 32
#define RELOAD_KEY_LEN 32

struct reload_diff {
	unsigned int users_added;     /* in next only */
	unsigned int users_removed;   /* in running only */
	unsigned int users_changed;   /* in both, with another password or key */
	bool secrets_changed;         /* [rest] secret list differs (order included) */
	bool policy_changed;          /* allow-peer / deny-peer lists differ */
	bool quotas_changed;          /* a reloadable [turn] number differs */
	bool limits_changed;          /* auth_failure_* differ, limiter on before and after */
	unsigned int restart_count;   /* keys whose new value waits for a restart */
	char restart[RELOAD_MAX_RESTART][RELOAD_KEY_LEN]; /* "section.key" of each (the first ones) */
};

/*
 * Compare running (in force now) with next (just loaded and valid). turn_on:
 * the daemon runs its TURN service (it had users or a REST secret at start).
 */
void reload_diff(const struct conf *running, const struct conf *next, bool turn_on,
		 struct reload_diff *d);

/*
 * Put the running value of every restart-only key into next, so next becomes
 * exactly the configuration in force after the reload.
 */
void reload_keep_restart_only(struct conf *next, const struct conf *running, bool turn_on);

/*
 * conf_load(path) into next, zeroed first. On errors, line(text, arg) gets
 * every error once as "file:line: key: message" (and a count of those not
 * kept), err the first, and -1 is returned; next must not be used then.
 */
typedef void (*reload_line_fn)(const char *text, void *arg);
int reload_load(const char *path, struct conf *next, reload_line_fn line, void *arg, char *err,
		size_t errlen);

/* Whether anything reloadable changed. */
bool reload_diff_any(const struct reload_diff *d);

#endif
