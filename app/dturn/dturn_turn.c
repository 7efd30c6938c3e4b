/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TURN service from [turn], [users] and [rest]: credentials, the shared
 * table with its relayed-address pool, the peer policy, and the rings
 * between the workers and the control lcore.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "dturn_app.h"

/* The port owning a relayed address: the one whose prefix holds it (see dturn_ports.c). */
static int
port_with_address(const struct dturn_app *app, uint8_t family, const uint8_t *addr)
{
	return conf_port_of_address(&app->conf, family == STUN_FAMILY_IPV4 ? AF_INET : AF_INET6,
				    addr);
}

static int
add_relay_addr(struct dturn_app *app, struct table_params *tp, uint8_t family, const uint8_t *addr)
{
	int port = port_with_address(app, family, addr);

	if (port < 0 || tp->relay_addr_count == TABLE_MAX_RELAY_ADDRS) {
		RTE_LOG(ERR, DTURN, "relayed address is in no port's prefix, or too many\n");
		return -1;
	}

	struct table_relay_addr *r = &tp->relay_addrs[tp->relay_addr_count++];

	memset(r, 0, sizeof(*r));
	r->family = family;
	memcpy(r->addr, addr, family == STUN_FAMILY_IPV4 ? 4 : 16);
	r->port_index = (uint16_t)port;
	return 0;
}

static void
cidr_from_conf(struct turn_cidr *out, const struct conf_cidr *in)
{
	memset(out, 0, sizeof(*out));
	out->family = in->family == AF_INET ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6;
	out->prefix = in->prefix;
	memcpy(out->addr, in->family == AF_INET ? (const void *)&in->addr.ipv4 : in->addr.ipv6,
	       in->family == AF_INET ? 4 : 16);
}

static void
own_address(struct turn_policy *p, uint8_t family, const void *addr)
{
	size_t len = family == STUN_FAMILY_IPV4 ? 4 : 16;

	/* Relay addresses are usually the ports' own too: list each once. */
	for (unsigned int i = 0; i < p->own_count; i++)
		if (p->own[i].family == family && memcmp(p->own[i].addr, addr, len) == 0)
			return;
	if (p->own_count == TURN_POLICY_MAX_OWN)
		return;

	struct turn_cidr *c = &p->own[p->own_count++];

	memset(c, 0, sizeof(*c));
	c->family = family;
	c->prefix = family == STUN_FAMILY_IPV4 ? 32 : 128;
	memcpy(c->addr, addr, family == STUN_FAMILY_IPV4 ? 4 : 16);
}

/*
 * The peer policy (turn_policy.h): [turn] allow-peer / deny-peer, our own
 * addresses (always denied but for hairpins to relayed ones) and each port's
 * subnet broadcast (always denied), built into LPM tables here, on the control
 * lcore, before any worker runs (start-up) or before it is published (reload).
 * A policy that cannot be built stops start-up or refuses the reload.
 */
int
dturn_policy_from_conf(struct turn_policy *p, const struct conf *c)
{
	char err[256];

	memset(p, 0, sizeof(*p));
	for (unsigned int i = 0; i < c->turn.allow_peer_count && i < TURN_POLICY_MAX_RULES; i++)
		cidr_from_conf(&p->allowed[p->allowed_count++], &c->turn.allow_peers[i]);
	for (unsigned int i = 0; i < c->turn.deny_peer_count && i < TURN_POLICY_MAX_RULES; i++)
		cidr_from_conf(&p->denied[p->denied_count++], &c->turn.deny_peers[i]);
	for (unsigned int i = 0; i < c->port_count; i++) {
		const struct conf_port *port = &c->ports[i];

		if (port->has_ipv4)
			own_address(p, STUN_FAMILY_IPV4, &port->ipv4);
		if (port->has_ipv6)
			own_address(p, STUN_FAMILY_IPV6, port->ipv6);
		/* The directed broadcast of the port's subnet (a /31 or /32 has none). */
		if (port->has_ipv4 && port->ipv4_prefix <= 30 && p->never_count < TURN_POLICY_MAX_OWN) {
			uint32_t host_mask = UINT32_MAX << (32 - port->ipv4_prefix);
			uint32_t bcast = rte_cpu_to_be_32(rte_be_to_cpu_32(port->ipv4) | ~host_mask);
			struct turn_cidr *b = &p->never[p->never_count++];

			memset(b, 0, sizeof(*b));
			b->family = STUN_FAMILY_IPV4;
			b->prefix = 32;
			memcpy(b->addr, &bcast, 4);
		}
	}
	/* Relay addresses that are not a port's own are ours as well (the port answers for them). */
	for (unsigned int i = 0; i < c->turn.relay_ipv4_count; i++)
		own_address(p, STUN_FAMILY_IPV4, &c->turn.relay_ipv4[i]);
	for (unsigned int i = 0; i < c->turn.relay_ipv6_count; i++)
		own_address(p, STUN_FAMILY_IPV6, c->turn.relay_ipv6[i]);

	if (turn_policy_build(p, (int)rte_socket_id(), err, sizeof(err)) != 0) {
		RTE_LOG(ERR, DTURN, "peer policy: %s\n", err);
		return -1;
	}
	RTE_LOG(INFO, DTURN, "peer policy: %u allow-peer and %u deny-peer rules, %u own addresses\n",
		p->allowed_count, p->denied_count, p->own_count);
	if (p->shadowed > 0)
		RTE_LOG(WARNING, DTURN, "peer policy: %u allow-peer/deny-peer rules lie inside an "
			"always-denied range or an own address and change nothing\n", p->shadowed);
	return 0;
}

int
dturn_auth_from_conf(struct auth *a, const struct conf *c)
{
	if (auth_init(a, c->turn.realm, c->turn.nonce_lifetime) != 0)
		return -1;
	for (unsigned int i = 0; i < c->user_count; i++) {
		const struct conf_user *u = &c->users[i];
		struct auth_user_params p = {
			.name = u->name,
			.password = u->kind == CONF_USER_PASSWORD ? u->password : NULL,
			.md5_key = u->md5_key,
		};

		if (auth_add_user(a, &p) != 0)
			return -1;
	}
	for (unsigned int i = 0; i < c->rest_secret_count; i++)
		if (auth_add_rest_secret(a, c->rest_secrets[i]) != 0)
			return -1;
	return 0;
}

static int
table_from_conf(struct dturn_app *app)
{
	const struct conf_turn *ct = &app->conf.turn;
	struct table_params tp = {
		.name = "dturn",
		.capacity = ct->max_allocations,
		.max_readers = app->worker_count,
		.socket = (int)rte_socket_id(),
		.port_min = ct->relay_port_min,
		.port_max = ct->relay_port_max,
		.seed = rte_rand(),
	};

	for (unsigned int i = 0; i < ct->relay_ipv4_count; i++)
		if (add_relay_addr(app, &tp, STUN_FAMILY_IPV4, (const uint8_t *)&ct->relay_ipv4[i]) != 0)
			return -1;
	for (unsigned int i = 0; i < ct->relay_ipv6_count; i++)
		if (add_relay_addr(app, &tp, STUN_FAMILY_IPV6, ct->relay_ipv6[i]) != 0)
			return -1;
	app->table = table_create(&tp);
	if (app->table == NULL) {
		RTE_LOG(ERR, DTURN, "cannot create the allocation table for %u allocations "
			"(raise [eal] memory_mb or lower [turn] max_allocations)\n", ct->max_allocations);
		return -1;
	}
	return 0;
}

/* turn.bandwidth_burst, or one second's worth of bandwidth_limit, at least 64 KiB. */
uint32_t
dturn_bandwidth_burst(const struct conf *c)
{
	return c->turn.bandwidth_burst != 0 ? c->turn.bandwidth_burst :
	       c->turn.bandwidth_limit > 65536 ? c->turn.bandwidth_limit : 65536;
}

int
dturn_turn_setup(struct dturn_app *app)
{
	const struct conf *c = &app->conf;
	struct turn_server *srv = &app->settings.turn;
	int socket = (int)rte_socket_id();

	app->control = rte_zmalloc("dturn_control", sizeof(*app->control), RTE_CACHE_LINE_SIZE);
	if (app->control == NULL)
		return -1;
	app->control->settings = &app->settings;
	app->control->worker_count = app->worker_count;
	if (c->user_count == 0 && c->rest_secret_count == 0) {
		RTE_LOG(NOTICE, DTURN, "no [users] or [rest] secret: STUN Binding only, no relaying\n");
		return 0;
	}
	app->auth = rte_zmalloc("dturn_auth", sizeof(*app->auth), RTE_CACHE_LINE_SIZE);
	if (app->auth == NULL || dturn_auth_from_conf(app->auth, c) != 0) {
		RTE_LOG(ERR, DTURN, "cannot set up credentials\n");
		return -1;
	}
	if (table_from_conf(app) != 0)
		return -1;
	srv->auth = app->auth;
	srv->table = app->table;
	srv->lifetime_max_s = c->turn.lifetime_max;
	srv->allocations_per_user = c->turn.allocations_per_user;
	srv->channel_max = c->turn.channel_max;
	srv->bandwidth_rate = c->turn.bandwidth_limit;
	srv->bandwidth_burst = dturn_bandwidth_burst(c);
	if (dturn_policy_from_conf(&srv->policy, c) != 0)
		return -1;

	app->control->requests = rte_ring_create("dturn_requests", DP_RING_SIZE, socket, RING_F_SC_DEQ);
	if (app->control->requests == NULL)
		return -1;
	for (unsigned int i = 0; i < app->worker_count; i++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "dturn_replies_%u", i);
		app->control->replies[i] = rte_ring_create(name, DP_RING_SIZE, socket,
							   RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (app->control->replies[i] == NULL)
			return -1;
	}
	if (turn_control_init(&app->control->turn, srv, c->turn.max_allocations, socket) != 0)
		return -1;
	if (c->turn.auth_failure_rate > 0) {
		struct turn_limits_params lp = {
			.failures_per_s = c->turn.auth_failure_rate,
			.failure_burst = c->turn.auth_failure_burst,
			.block_s = c->turn.auth_block_time,
		};

		app->box = rte_zmalloc("dturn_penalty_box", sizeof(*app->box), RTE_CACHE_LINE_SIZE);
		app->control->turn.failures = turn_failures_create(&lp, 65536, socket);
		if (app->box == NULL || app->control->turn.failures == NULL) {
			RTE_LOG(ERR, DTURN, "cannot set up the failed-authentication limiter\n");
			return -1;
		}
		app->control->turn.box = app->box;
		srv->box = app->box;
	}
	RTE_LOG(INFO, DTURN, "TURN: realm %s, %u users, %u REST secrets, %u allocations, "
		"relayed ports %u-%u on %u addresses\n", c->turn.realm, c->user_count,
		c->rest_secret_count, c->turn.max_allocations, c->turn.relay_port_min,
		c->turn.relay_port_max, c->turn.relay_ipv4_count + c->turn.relay_ipv6_count);
	return 0;
}

void
dturn_turn_teardown(struct dturn_app *app)
{
	if (app->control != NULL) {
		if (app->control->turn.quota != NULL)
			turn_control_free(&app->control->turn);
		rte_ring_free(app->control->requests);
		for (unsigned int i = 0; i < app->worker_count; i++)
			rte_ring_free(app->control->replies[i]);
	}
	turn_policy_free(&app->settings.turn.policy);
	dturn_reload_free(app);
	table_free(app->table);
	app->table = NULL;
	rte_free(app->auth);
	rte_free(app->box);
	app->box = NULL;
	rte_free(app->control);
	app->auth = NULL;
	app->control = NULL;
}
