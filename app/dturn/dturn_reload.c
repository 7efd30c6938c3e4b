/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hot reload (docs/reload.md): SIGHUP or /dturn/reload re-reads the config
 * file on the control lcore and applies its run-time parts — users, REST
 * secrets, the peer policy, quotas and the failed-authentication limits —
 * without touching a live allocation. A file with errors is refused whole, as
 * is one whose new parts cannot be built (no memory for the policy tables):
 * everything is built first and applied only when all of it was, so the old
 * configuration stays in force on any error.
 *
 * What the workers read is swapped safely: the peer policy is published as a
 * new pointer and the old one freed only after every worker passed a
 * quiescent state of the table's QSBR variable; the scalar quotas are single
 * aligned stores. The credentials (struct auth) are only read on this lcore
 * (workers just test srv->auth for NULL), so they are rewritten in place,
 * keeping the nonce key so outstanding nonces stay valid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dturn_app.h"
#include "dturn_reload_diff.h"

/* The parts built from the new file before anything is applied. */
struct reload_build {
	struct auth *auth;             /* NULL: credentials unchanged */
	struct turn_policy *policy;    /* NULL: policy unchanged */
	struct turn_failures *failures; /* NULL: limits unchanged */
};

static void
build_free(struct reload_build *b)
{
	if (b->auth != NULL) {
		memset(b->auth, 0, sizeof(*b->auth)); /* keys and secrets */
		rte_free(b->auth);
	}
	if (b->policy != NULL) {
		turn_policy_free(b->policy);
		rte_free(b->policy);
	}
	turn_failures_free(b->failures);
	memset(b, 0, sizeof(*b));
}

static void
log_refused(const char *text, void *arg)
{
	(void)arg;
	RTE_LOG(ERR, DTURN, "reload refused: %s\n", text);
}

static int
build(struct dturn_app *app, const struct conf *next, const struct reload_diff *d,
      struct reload_build *b, char *err, size_t errlen)
{
	bool creds = d->users_added != 0 || d->users_removed != 0 || d->users_changed != 0 ||
		     d->secrets_changed || next->turn.nonce_lifetime != app->conf.turn.nonce_lifetime;

	if (app->auth != NULL && creds) {
		b->auth = rte_zmalloc("dturn_auth_reload", sizeof(*b->auth), RTE_CACHE_LINE_SIZE);
		if (b->auth == NULL || dturn_auth_from_conf(b->auth, next) != 0) {
			snprintf(err, errlen, "cannot set up the new credentials");
			return -1;
		}
		/* Nonces handed out before the reload stay valid. */
		auth_set_nonce_key(b->auth, app->auth->nonce_key);
	}
	if (app->auth != NULL && d->policy_changed) {
		b->policy = rte_zmalloc("dturn_policy_reload", sizeof(*b->policy),
					RTE_CACHE_LINE_SIZE);
		if (b->policy == NULL || dturn_policy_from_conf(b->policy, next) != 0) {
			snprintf(err, errlen, "cannot build the new peer policy (see the log; "
				 "it needs about 130 MB of [eal] memory_mb while both exist)");
			return -1;
		}
	}
	if (d->limits_changed && app->control->turn.failures != NULL) {
		struct turn_limits_params lp = {
			.failures_per_s = next->turn.auth_failure_rate,
			.failure_burst = next->turn.auth_failure_burst,
			.block_s = next->turn.auth_block_time,
		};

		b->failures = turn_failures_create(&lp, 65536, (int)rte_socket_id());
		if (b->failures == NULL) {
			snprintf(err, errlen, "cannot set up the new failed-authentication limiter");
			return -1;
		}
	}
	return 0;
}

/* Publish the new policy, wait until no worker can hold the old one, free it. */
static void
swap_policy(struct dturn_app *app, struct turn_policy *p)
{
	struct turn_server *srv = &app->settings.turn;
	struct turn_policy *old = (struct turn_policy *)(uintptr_t)srv->reloaded_policy;

	__atomic_store_n(&srv->reloaded_policy, p, __ATOMIC_RELEASE);
	table_readers_synchronize(app->table);
	if (old != NULL) {
		turn_policy_free(old);
		rte_free(old);
	} else {
		turn_policy_free(&srv->policy); /* the start-up one: never read again */
	}
}

/* Nothing here can fail: build() made everything that needed memory. */
static void
apply(struct dturn_app *app, const struct conf *next, struct reload_build *b)
{
	struct turn_server *srv = &app->settings.turn;

	if (b->auth != NULL) {
		memcpy(app->auth, b->auth, sizeof(*app->auth));
		memset(b->auth, 0, sizeof(*b->auth));
		rte_free(b->auth);
		b->auth = NULL;
	}
	if (app->auth != NULL) {
		/* Workers read the bandwidth pair per packet: a torn pair for one packet is harmless. */
		__atomic_store_n(&srv->bandwidth_rate, next->turn.bandwidth_limit, __ATOMIC_RELAXED);
		__atomic_store_n(&srv->bandwidth_burst, dturn_bandwidth_burst(next),
				 __ATOMIC_RELAXED);
		srv->allocations_per_user = next->turn.allocations_per_user;
		srv->lifetime_max_s = next->turn.lifetime_max;
	}
	if (b->failures != NULL) {
		/* Per-source counts start over; sources already in the box stay there. */
		turn_failures_free(app->control->turn.failures);
		app->control->turn.failures = b->failures;
		b->failures = NULL;
	}
	if (b->policy != NULL) {
		swap_policy(app, b->policy);
		b->policy = NULL;
	}
}

static void
log_summary(const struct conf *next, const struct reload_diff *d)
{
	if (!reload_diff_any(d)) {
		RTE_LOG(NOTICE, DTURN, "reload: nothing that reloads changed%s\n",
			d->restart_count != 0 ? " (see the restart warnings)" : "");
		return;
	}
	RTE_LOG(NOTICE, DTURN, "reload: applied: users +%u -%u changed %u (now %u), REST secrets "
		"%s (now %u), peer policy %s (%u allow-peer, %u deny-peer), quotas %s, "
		"auth failure limits %s; %u keys wait for a restart\n", d->users_added,
		d->users_removed, d->users_changed, next->user_count,
		d->secrets_changed ? "changed" : "unchanged", next->rest_secret_count,
		d->policy_changed ? "rebuilt" : "unchanged", next->turn.allow_peer_count,
		next->turn.deny_peer_count, d->quotas_changed ? "changed" : "unchanged",
		d->limits_changed ? "changed" : "unchanged", d->restart_count);
}

int
dturn_reload(struct dturn_app *app, char *err, size_t errlen)
{
	struct conf *next = calloc(1, sizeof(*next));
	struct metrics_lcore *mx = &app->control->mx;
	struct reload_build b = { 0 };
	struct reload_diff d;
	bool turn_on = app->auth != NULL;
	int rc = -1;

	if (errlen > 0)
		err[0] = '\0';
	RTE_LOG(NOTICE, DTURN, "reload: reading %s\n", app->config_path);
	if (next == NULL) {
		snprintf(err, errlen, "out of memory");
		RTE_LOG(ERR, DTURN, "reload refused: %s\n", err);
		goto out;
	}
	if (reload_load(app->config_path, next, log_refused, NULL, err, errlen) != 0)
		goto out;
	reload_diff(&app->conf, next, turn_on, &d);
	for (unsigned int i = 0; i < d.restart_count && i < RELOAD_MAX_RESTART; i++)
		RTE_LOG(WARNING, DTURN, "reload: %s changed: needs a restart, the running value "
			"stays\n", d.restart[i]);
	if (d.restart_count > RELOAD_MAX_RESTART)
		RTE_LOG(WARNING, DTURN, "reload: %u more keys need a restart\n",
			d.restart_count - RELOAD_MAX_RESTART);
	reload_keep_restart_only(next, &app->conf, turn_on);
	if (build(app, next, &d, &b, err, errlen) != 0) {
		RTE_LOG(ERR, DTURN, "reload refused: %s; the old configuration stays\n", err);
		goto out;
	}
	apply(app, next, &b);
	app->conf = *next;
	log_summary(next, &d);
	rc = 0;
out:
	build_free(&b);
	if (next != NULL) {
		memset(next, 0, sizeof(*next)); /* passwords */
		free(next);
	}
	metrics_inc(mx, rc == 0 ? METRICS_CONFIG_RELOADED : METRICS_CONFIG_RELOAD_REFUSED);
	return rc;
}

void
dturn_reload_free(struct dturn_app *app)
{
	struct turn_server *srv = &app->settings.turn;
	struct turn_policy *p = (struct turn_policy *)(uintptr_t)srv->reloaded_policy;

	if (p == NULL)
		return;
	srv->reloaded_policy = NULL;
	turn_policy_free(p);
	rte_free(p);
}
