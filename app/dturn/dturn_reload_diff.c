/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reload diff (dturn_reload_diff.h): which parts of a new config apply at
 * run time and which keys keep their running value until a restart.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#include "dturn_reload_diff.h"

/*
 * A restart-only key and the bytes of struct conf it fills (a value and, for
 * lists, its count). conf_load starts from conf_defaults(), which zeroes the
 * struct, so unused list slots and padding compare equal.
 */
struct restart_key {
	const char *name;
	size_t off[2];
	size_t len[2];
};

#define F1(n, f) { n, { offsetof(struct conf, f), 0 }, { sizeof(((struct conf *)0)->f), 0 } }
#define F2(n, f, g) { n, { offsetof(struct conf, f), offsetof(struct conf, g) }, \
		      { sizeof(((struct conf *)0)->f), sizeof(((struct conf *)0)->g) } }

static const struct restart_key restart_keys[] = {
	F1("eal.lcores", eal.lcores),
	F1("eal.memory", eal.memory),
	F1("eal.memory_mb", eal.memory_mb),
	F1("eal.file_prefix", eal.file_prefix),
	F2("eal.vdev", eal.vdev, eal.vdev_count),
	F2("eal.pci", eal.pci, eal.pci_count),
	F1("eal.mbufs", eal.mbufs),
	F1("eal.idle_sleep_us", eal.idle_sleep_us),
	F1("log.level", log.level),
	F2("port sections", ports, port_count),
	F2("stun.listen_ports", stun.listen_ports, stun.listen_port_count),
	F1("stun.software", stun.software),
	F1("turn.realm", turn.realm),
	F2("turn.relay_ports", turn.relay_port_min, turn.relay_port_max),
	F2("turn.relay_ipv4", turn.relay_ipv4, turn.relay_ipv4_count),
	F2("turn.relay_ipv6", turn.relay_ipv6, turn.relay_ipv6_count),
	F1("turn.max_allocations", turn.max_allocations),
	F1("turn.channel_numbers", turn.channel_max),
	F1("mgmt.http_listen", mgmt),
	/* [stream]: only tls_certificate and tls_private_key are re-read (dturn_stream_reload). */
	F2("stream.tcp_listen_ports", stream.tcp_ports, stream.tcp_port_count),
	F2("stream.tls_listen_ports", stream.tls_ports, stream.tls_port_count),
	F1("stream.max_connections", stream.max_connections),
	F1("stream.connections_per_source", stream.connections_per_source),
	F1("stream.handshake_timeout", stream.handshake_timeout),
	F1("stream.idle_timeout", stream.idle_timeout),
	F1("stream.max_buffered_bytes", stream.max_buffered_bytes),
	F1("stream.tap_name", stream.tap_name),
};

static bool
key_differs(const struct restart_key *k, const struct conf *a, const struct conf *b)
{
	for (unsigned int i = 0; i < 2 && k->len[i] != 0; i++)
		if (memcmp((const char *)a + k->off[i], (const char *)b + k->off[i], k->len[i]) != 0)
			return true;
	return false;
}

static void
key_copy(const struct restart_key *k, struct conf *to, const struct conf *from)
{
	for (unsigned int i = 0; i < 2 && k->len[i] != 0; i++)
		memcpy((char *)to + k->off[i], (const char *)from + k->off[i], k->len[i]);
}

static void
note_restart(struct reload_diff *d, const char *name)
{
	if (d->restart_count < RELOAD_MAX_RESTART)
		snprintf(d->restart[d->restart_count], RELOAD_KEY_LEN, "%s", name);
	d->restart_count++;
}

static const struct conf_user *
find_user(const struct conf *c, const char *name)
{
	for (unsigned int i = 0; i < c->user_count; i++)
		if (strcmp(c->users[i].name, name) == 0)
			return &c->users[i];
	return NULL;
}

static bool
same_user(const struct conf_user *a, const struct conf_user *b)
{
	if (a->kind != b->kind)
		return false;
	return a->kind == CONF_USER_PASSWORD ? strcmp(a->password, b->password) == 0 :
	       memcmp(a->md5_key, b->md5_key, sizeof(a->md5_key)) == 0;
}

/* The limiter can be retuned, not switched on or off: the penalty box is made at start-up. */
static bool
limiter_switches(const struct conf *a, const struct conf *b)
{
	return (a->turn.auth_failure_rate == 0) != (b->turn.auth_failure_rate == 0);
}

static bool
limits_differ(const struct conf *a, const struct conf *b)
{
	return a->turn.auth_failure_rate != b->turn.auth_failure_rate ||
	       a->turn.auth_failure_burst != b->turn.auth_failure_burst ||
	       a->turn.auth_block_time != b->turn.auth_block_time;
}

static bool
credentials_differ(const struct conf *a, const struct conf *b)
{
	return a->user_count != b->user_count ||
	       memcmp(a->users, b->users, sizeof(a->users)) != 0 ||
	       a->rest_secret_count != b->rest_secret_count ||
	       memcmp(a->rest_secrets, b->rest_secrets, sizeof(a->rest_secrets)) != 0;
}

void
reload_diff(const struct conf *running, const struct conf *next, bool turn_on,
	    struct reload_diff *d)
{
	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < sizeof(restart_keys) / sizeof(restart_keys[0]); i++)
		if (key_differs(&restart_keys[i], running, next))
			note_restart(d, restart_keys[i].name);
	if (!turn_on) {
		/* No table, relayed addresses or peer policy exist to serve new users with. */
		if (credentials_differ(running, next))
			note_restart(d, "users/rest sections");
		return;
	}

	for (unsigned int i = 0; i < next->user_count; i++) {
		const struct conf_user *old = find_user(running, next->users[i].name);

		if (old == NULL)
			d->users_added++;
		else if (!same_user(old, &next->users[i]))
			d->users_changed++;
	}
	for (unsigned int i = 0; i < running->user_count; i++)
		if (find_user(next, running->users[i].name) == NULL)
			d->users_removed++;
	d->secrets_changed = running->rest_secret_count != next->rest_secret_count ||
			     memcmp(running->rest_secrets, next->rest_secrets,
				    sizeof(running->rest_secrets)) != 0;
	d->policy_changed =
		running->turn.allow_peer_count != next->turn.allow_peer_count ||
		running->turn.deny_peer_count != next->turn.deny_peer_count ||
		memcmp(running->turn.allow_peers, next->turn.allow_peers,
		       sizeof(running->turn.allow_peers)) != 0 ||
		memcmp(running->turn.deny_peers, next->turn.deny_peers,
		       sizeof(running->turn.deny_peers)) != 0;
	if (limiter_switches(running, next))
		note_restart(d, "turn.auth_failure_rate");
	else if (running->turn.auth_failure_rate != 0 && limits_differ(running, next))
		d->limits_changed = true;
	d->quotas_changed =
		running->turn.allocations_per_user != next->turn.allocations_per_user ||
		running->turn.lifetime_max != next->turn.lifetime_max ||
		running->turn.nonce_lifetime != next->turn.nonce_lifetime ||
		running->turn.bandwidth_limit != next->turn.bandwidth_limit ||
		running->turn.bandwidth_burst != next->turn.bandwidth_burst;
}

void
reload_keep_restart_only(struct conf *next, const struct conf *running, bool turn_on)
{
	for (size_t i = 0; i < sizeof(restart_keys) / sizeof(restart_keys[0]); i++)
		key_copy(&restart_keys[i], next, running);
	/* Derived from eal.lcores and eal.vdev: follow them. */
	next->eal.lcore_count = running->eal.lcore_count;
	next->eal.main_lcore = running->eal.main_lcore;
	memcpy(next->eal.vdev_name, running->eal.vdev_name, sizeof(next->eal.vdev_name));
	if (limiter_switches(running, next)) {
		next->turn.auth_failure_rate = running->turn.auth_failure_rate;
		next->turn.auth_failure_burst = running->turn.auth_failure_burst;
		next->turn.auth_block_time = running->turn.auth_block_time;
	}
	if (!turn_on) {
		memcpy(next->users, running->users, sizeof(next->users));
		next->user_count = running->user_count;
		memcpy(next->rest_secrets, running->rest_secrets, sizeof(next->rest_secrets));
		next->rest_secret_count = running->rest_secret_count;
	}
}

bool
reload_diff_any(const struct reload_diff *d)
{
	return d->users_added != 0 || d->users_removed != 0 || d->users_changed != 0 ||
	       d->secrets_changed || d->policy_changed || d->quotas_changed || d->limits_changed;
}

int
reload_load(const char *path, struct conf *next, reload_line_fn line, void *arg, char *err,
	    size_t errlen)
{
	struct conf_errors *errs = calloc(1, sizeof(*errs));
	char text[640];

	if (errlen > 0)
		err[0] = '\0';
	memset(next, 0, sizeof(*next));
	if (errs == NULL) {
		snprintf(err, errlen, "%s: out of memory reading the file", path);
		line(err, arg);
		return -1;
	}
	if (conf_load(path, next, errs) == 0) {
		free(errs);
		return 0;
	}
	for (unsigned int i = 0; i < errs->count && i < CONF_MAX_ERRORS; i++) {
		conf_error_format(&errs->err[i], text, sizeof(text));
		line(text, arg);
		if (i == 0)
			snprintf(err, errlen, "%s", text);
	}
	if (errs->count > CONF_MAX_ERRORS) {
		snprintf(text, sizeof(text), "%s: %u more errors not shown", path,
			 errs->count - CONF_MAX_ERRORS);
		line(text, arg);
	}
	if (errs->count == 0) { /* conf_load promises at least one; never leave err empty */
		snprintf(err, errlen, "%s: cannot be loaded", path);
		line(err, arg);
	}
	free(errs);
	return -1;
}
