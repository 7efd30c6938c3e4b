/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checks that involve more than one key: they run after every key was read,
 * because a file may give keys in any order. Each error points at the line
 * of the key that has to change.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "conf_internal.h"

/* Where a key of a section is, for error reports. */
struct conf_where {
	struct conf_ctx *ctx;
	int section;              /* scan index, or -1 when the section is absent */
	const char *name;         /* section name as written */
};

static struct conf_where
conf_where_kind(struct conf_ctx *ctx, enum conf_section_kind kind, unsigned int nth)
{
	struct conf_where w = { ctx, conf_scan_find_section(&ctx->scan, kind, nth), "" };

	if (w.section >= 0)
		w.name = ctx->scan.sections[w.section].name;
	return w;
}

static unsigned int
conf_line(const struct conf_where *w, const char *key)
{
	const struct conf_scan *scan = &w->ctx->scan;

	if (w->section < 0)
		return 0;
	if (key == NULL)
		return scan->sections[w->section].line;
	return conf_scan_key_line(scan, (unsigned int)w->section, key);
}

static void __attribute__((format(printf, 3, 4)))
conf_werr(const struct conf_where *w, const char *key, const char *fmt, ...)
{
	char name[CONF_KEY_MAX * 2 + 2];
	va_list ap;

	conf_key_name(name, sizeof(name), w->name, key);
	va_start(ap, fmt);
	conf_verr(w->ctx, conf_line(w, key), name, fmt, ap);
	va_end(ap);
}

static bool
conf_device_known(const struct conf_eal *e, const char *dev)
{
	for (unsigned int i = 0; i < e->vdev_count; i++)
		if (strcmp(e->vdev_name[i], dev) == 0)
			return true;
	for (unsigned int i = 0; i < e->pci_count; i++)
		if (strcmp(e->pci[i], dev) == 0)
			return true;
	return false;
}

static void
conf_validate_ipv4(const struct conf_where *w, const struct conf_port *p)
{
	char a[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];

	if (!p->has_ipv4_gateway)
		return;
	inet_ntop(AF_INET, &p->ipv4_gateway, gw, sizeof(gw));
	if (!p->has_ipv4) {
		if (conf_line(w, "ipv4") != 0)
			return;  /* ipv4 itself was wrong and reported */
		conf_werr(w, "ipv4_gateway", "needs ipv4 in the same section (got '%s' alone)", gw);
		return;
	}
	inet_ntop(AF_INET, &p->ipv4, a, sizeof(a));
	if (!conf_ipv4_in_prefix(p->ipv4_gateway, p->ipv4, p->ipv4_prefix))
		conf_werr(w, "ipv4_gateway", "not inside the port's prefix (got '%s', expected an address in %s/%u)",
			  gw, a, p->ipv4_prefix);
	else if (p->ipv4_gateway == p->ipv4)
		conf_werr(w, "ipv4_gateway", "is the port's own address (got '%s')", gw);
}

static void
conf_validate_ipv6(const struct conf_where *w, const struct conf_port *p)
{
	char a[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN];
	const uint8_t *g = p->ipv6_gateway;
	bool link_local = g[0] == 0xfe && (g[1] & 0xc0) == 0x80;

	if (p->has_ipv6 && p->mtu < 1280)
		conf_werr(w, "mtu", "too small for IPv6 (got '%u', expected at least 1280 with ipv6)",
			  p->mtu);
	if (!p->has_ipv6_gateway)
		return;
	inet_ntop(AF_INET6, g, gw, sizeof(gw));
	if (!p->has_ipv6) {
		if (conf_line(w, "ipv6") != 0)
			return;
		conf_werr(w, "ipv6_gateway", "needs ipv6 in the same section (got '%s' alone)", gw);
		return;
	}
	inet_ntop(AF_INET6, p->ipv6, a, sizeof(a));
	if (g[0] == 0xff)
		conf_werr(w, "ipv6_gateway", "multicast address (got '%s', expected a router address)", gw);
	else if (!link_local && !conf_ipv6_in_prefix(g, p->ipv6, p->ipv6_prefix))
		conf_werr(w, "ipv6_gateway",
			  "not on-link (got '%s', expected an address in %s/%u or fe80::/10)",
			  gw, a, p->ipv6_prefix);
	else if (memcmp(g, p->ipv6, 16) == 0)
		conf_werr(w, "ipv6_gateway", "is the port's own address (got '%s')", gw);
}

/* Two prefixes overlap when the shorter one contains the other's address. */
static bool
prefixes_overlap(const uint8_t *a, unsigned int alen, const uint8_t *b, unsigned int blen)
{
	unsigned int n = alen < blen ? alen : blen;

	if (memcmp(a, b, n / 8) != 0)
		return false;
	if (n % 8 == 0)
		return true;

	uint8_t mask = (uint8_t)(0xff << (8 - n % 8));

	return (a[n / 8] & mask) == (b[n / 8] & mask);
}

static void
conf_validate_ports(struct conf_ctx *ctx)
{
	const struct conf *c = ctx->conf;
	bool devices_failed = conf_scan_key_failed(&ctx->scan, CONF_SECTION_EAL, "vdev") ||
			      conf_scan_key_failed(&ctx->scan, CONF_SECTION_EAL, "pci");

	if (c->port_count == 0) {
		/* A [port ...] header with a bad name was reported already. */
		for (unsigned int i = 0; i < ctx->scan.section_count; i++)
			if (strncmp(ctx->scan.sections[i].name, "port", 4) == 0)
				return;
		conf_err(ctx, 0, "port", "no [port NAME] section (at least one port is needed)");
		return;
	}
	for (unsigned int i = 0; i < c->port_count; i++) {
		const struct conf_port *p = &c->ports[i];
		struct conf_where w = conf_where_kind(ctx, CONF_SECTION_PORT, i);

		/* A value that was rejected has been reported: do not report its absence. */
		if (p->device[0] == '\0') {
			if (conf_line(&w, "device") == 0)
				conf_werr(&w, NULL, "no device (expected device = a vdev name or pci address of [eal])");
		} else if (!devices_failed && !conf_device_known(&c->eal, p->device)) {
			conf_werr(&w, "device",
				  "not a device of [eal] (got '%s', expected the name of a vdev or a pci address given in [eal])",
				  p->device);
		} else {
			for (unsigned int j = 0; j < i; j++)
				if (strcmp(c->ports[j].device, p->device) == 0)
					conf_werr(&w, "device", "already used by [port %s] (got '%s')",
						  c->ports[j].name, p->device);
		}
		if (!p->has_ipv4 && !p->has_ipv6 &&
		    conf_line(&w, "ipv4") == 0 && conf_line(&w, "ipv6") == 0)
			conf_werr(&w, NULL, "no address (expected ipv4, ipv6 or both)");
		for (unsigned int j = 0; j < i; j++) {
			const struct conf_port *q = &c->ports[j];

			/* Overlapping prefixes leave "which port reaches this peer" undecided. */
			if (p->has_ipv4 && q->has_ipv4 && p->ipv4 == q->ipv4)
				conf_werr(&w, "ipv4", "same address as [port %s]", q->name);
			else if (p->has_ipv4 && q->has_ipv4 &&
				 prefixes_overlap((const uint8_t *)&p->ipv4, p->ipv4_prefix,
						  (const uint8_t *)&q->ipv4, q->ipv4_prefix))
				conf_werr(&w, "ipv4", "prefix overlaps the one of [port %s]", q->name);
			if (p->has_ipv6 && q->has_ipv6 && memcmp(p->ipv6, q->ipv6, 16) == 0)
				conf_werr(&w, "ipv6", "same address as [port %s]", q->name);
			else if (p->has_ipv6 && q->has_ipv6 &&
				 prefixes_overlap(p->ipv6, p->ipv6_prefix, q->ipv6, q->ipv6_prefix))
				conf_werr(&w, "ipv6", "prefix overlaps the one of [port %s]", q->name);
		}
		conf_validate_ipv4(&w, p);
		conf_validate_ipv6(&w, p);
	}
}

/*
 * A relay IPv4 address must sit inside exactly one port's prefix: that port
 * answers ARP for it and sends its relayed data. It may be the port's own
 * address or any other host address of the prefix, but not the prefix's
 * network or broadcast address, nor the port's gateway.
 */
static void
conf_validate_relay_ipv4(const struct conf_where *w, const struct conf *c, uint32_t a)
{
	char s[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN];
	const struct conf_port *in = NULL, *only = NULL;
	unsigned int with_ipv4 = 0;

	inet_ntop(AF_INET, &a, s, sizeof(s));
	for (unsigned int i = 0; i < c->port_count; i++) {
		const struct conf_port *p = &c->ports[i];

		if (!p->has_ipv4)
			continue;
		with_ipv4++;
		only = p;
		if (!conf_ipv4_in_prefix(a, p->ipv4, p->ipv4_prefix))
			continue;
		/* Inside two prefixes means they overlap: reported once, at the port. */
		if (in != NULL)
			return;
		in = p;
	}
	if (in == NULL) {
		if (with_ipv4 == 1) {
			inet_ntop(AF_INET, &only->ipv4, net, sizeof(net));
			conf_werr(w, "relay_ipv4",
				  "not inside any port's prefix (got '%s', expected an address in %s/%u of [port %s])",
				  s, net, only->ipv4_prefix, only->name);
		} else {
			conf_werr(w, "relay_ipv4",
				  "not inside any port's prefix (got '%s', expected an address in the ipv4 prefix of a [port])",
				  s);
		}
		return;
	}
	if (in->ipv4_prefix <= 30) {
		uint32_t host_mask = UINT32_MAX >> in->ipv4_prefix, h = ntohl(a) & host_mask;

		if (h == 0 || h == host_mask) {
			inet_ntop(AF_INET, &in->ipv4, net, sizeof(net));
			conf_werr(w, "relay_ipv4",
				  "network or broadcast address (got '%s', expected a host address in %s/%u of [port %s])",
				  s, net, in->ipv4_prefix, in->name);
			return;
		}
	}
	if (in->has_ipv4_gateway && in->ipv4_gateway == a)
		conf_werr(w, "relay_ipv4",
			  "is the gateway of [port %s] (got '%s', expected an address of this relay)",
			  in->name, s);
}

/* The same for IPv6: inside exactly one port's ipv6 prefix, not its gateway. */
static void
conf_validate_relay_ipv6(const struct conf_where *w, const struct conf *c, const uint8_t a[16])
{
	char s[INET6_ADDRSTRLEN], net[INET6_ADDRSTRLEN];
	const struct conf_port *in = NULL, *only = NULL;
	unsigned int with_ipv6 = 0;

	inet_ntop(AF_INET6, a, s, sizeof(s));
	for (unsigned int i = 0; i < c->port_count; i++) {
		const struct conf_port *p = &c->ports[i];

		if (!p->has_ipv6)
			continue;
		with_ipv6++;
		only = p;
		if (!conf_ipv6_in_prefix(a, p->ipv6, p->ipv6_prefix))
			continue;
		/* Inside two prefixes means they overlap: reported once, at the port. */
		if (in != NULL)
			return;
		in = p;
	}
	if (in == NULL) {
		if (with_ipv6 == 1) {
			inet_ntop(AF_INET6, only->ipv6, net, sizeof(net));
			conf_werr(w, "relay_ipv6",
				  "not inside any port's prefix (got '%s', expected an address in %s/%u of [port %s])",
				  s, net, only->ipv6_prefix, only->name);
		} else {
			conf_werr(w, "relay_ipv6",
				  "not inside any port's prefix (got '%s', expected an address in the ipv6 prefix of a [port])",
				  s);
		}
		return;
	}
	if (in->has_ipv6_gateway && memcmp(in->ipv6_gateway, a, 16) == 0)
		conf_werr(w, "relay_ipv6",
			  "is the gateway of [port %s] (got '%s', expected an address of this relay)",
			  in->name, s);
}

/*
 * Relay addresses must be inside a port's prefix: that port owns them (it
 * answers ARP/NDP for them besides its own address) and receives the peers'
 * packets. Without the key every port's own address relays.
 */
static void
conf_validate_relay(struct conf_ctx *ctx)
{
	struct conf *c = ctx->conf;
	struct conf_turn *t = &c->turn;
	struct conf_where w = conf_where_kind(ctx, CONF_SECTION_TURN, 0);

	if (t->relay_ipv4_count == 0 && conf_line(&w, "relay_ipv4") == 0) {
		for (unsigned int i = 0; i < c->port_count && t->relay_ipv4_count < CONF_MAX_RELAY_ADDRS; i++)
			if (c->ports[i].has_ipv4)
				t->relay_ipv4[t->relay_ipv4_count++] = c->ports[i].ipv4;
	} else if (!conf_scan_key_failed(&ctx->scan, CONF_SECTION_PORT, "ipv4")) {
		for (unsigned int r = 0; r < t->relay_ipv4_count; r++)
			conf_validate_relay_ipv4(&w, c, t->relay_ipv4[r]);
	}
	if (t->relay_ipv6_count == 0 && conf_line(&w, "relay_ipv6") == 0) {
		for (unsigned int i = 0; i < c->port_count && t->relay_ipv6_count < CONF_MAX_RELAY_ADDRS; i++)
			if (c->ports[i].has_ipv6)
				memcpy(t->relay_ipv6[t->relay_ipv6_count++], c->ports[i].ipv6, 16);
	} else if (!conf_scan_key_failed(&ctx->scan, CONF_SECTION_PORT, "ipv6")) {
		for (unsigned int r = 0; r < t->relay_ipv6_count; r++)
			conf_validate_relay_ipv6(&w, c, t->relay_ipv6[r]);
	}
}

int
conf_port_of_address(const struct conf *c, int family, const void *addr)
{
	for (unsigned int i = 0; i < c->port_count; i++) {
		const struct conf_port *p = &c->ports[i];

		if (family == AF_INET && p->has_ipv4) {
			uint32_t a;

			memcpy(&a, addr, 4);
			if (conf_ipv4_in_prefix(a, p->ipv4, p->ipv4_prefix))
				return (int)i;
		} else if (family == AF_INET6 && p->has_ipv6 &&
			   conf_ipv6_in_prefix(addr, p->ipv6, p->ipv6_prefix)) {
			return (int)i;
		}
	}
	return -1;
}

/* Credentials are checked against user:realm:password, so they need a realm. */
static void
conf_validate_realm(struct conf_ctx *ctx)
{
	const struct conf *c = ctx->conf;
	struct conf_where users = conf_where_kind(ctx, CONF_SECTION_USERS, 0);
	struct conf_where rest = conf_where_kind(ctx, CONF_SECTION_REST, 0);

	if (c->turn.realm[0] != '\0' ||
	    conf_scan_key_failed(&ctx->scan, CONF_SECTION_TURN, "realm"))
		return;
	if (c->user_count > 0)
		conf_werr(&users, c->users[0].name,
			  "users need a realm (turn.realm is not set)");
	if (c->rest_secret_count > 0)
		conf_werr(&rest, "secret", "REST secrets need a realm (turn.realm is not set)");
}

/* A listening port inside the relay range would make peer data look like STUN. */
static void
conf_validate_listen(struct conf_ctx *ctx)
{
	const struct conf *c = ctx->conf;
	struct conf_where stun = conf_where_kind(ctx, CONF_SECTION_STUN, 0);
	struct conf_where turn = conf_where_kind(ctx, CONF_SECTION_TURN, 0);
	bool listen_set = conf_line(&stun, "listen_ports") != 0;

	for (unsigned int i = 0; i < c->stun.listen_port_count; i++) {
		uint16_t p = c->stun.listen_ports[i];

		if (p < c->turn.relay_port_min || p > c->turn.relay_port_max)
			continue;
		if (listen_set)
			conf_werr(&stun, "listen_ports",
				  "port %u is inside turn.relay_ports %u-%u (expected a port outside it)",
				  p, c->turn.relay_port_min, c->turn.relay_port_max);
		else
			conf_werr(&turn, "relay_ports",
				  "contains the STUN port %u (expected a range without stun.listen_ports)", p);
	}
}

/* TLS needs its certificate and key; one port cannot be both TCP and TLS. */
static void
conf_validate_stream(struct conf_ctx *ctx)
{
	const struct conf_stream *s = &ctx->conf->stream;
	struct conf_where w = conf_where_kind(ctx, CONF_SECTION_STREAM, 0);

	if (s->tls_port_count > 0 && s->tls_certificate[0] == '\0' &&
	    !conf_scan_key_failed(&ctx->scan, CONF_SECTION_STREAM, "tls_certificate"))
		conf_werr(&w, "tls_listen_ports", "TLS needs stream.tls_certificate (a PEM file)");
	if (s->tls_port_count > 0 && s->tls_private_key[0] == '\0' &&
	    !conf_scan_key_failed(&ctx->scan, CONF_SECTION_STREAM, "tls_private_key"))
		conf_werr(&w, "tls_listen_ports", "TLS needs stream.tls_private_key (a PEM file)");
	for (unsigned int i = 0; i < s->tls_port_count; i++)
		for (unsigned int j = 0; j < s->tcp_port_count; j++)
			if (s->tls_ports[i] == s->tcp_ports[j])
				conf_werr(&w, "tls_listen_ports",
					  "port %u is also in stream.tcp_listen_ports (expected "
					  "different ports for TCP and TLS)", s->tls_ports[i]);
	if (s->connections_per_source > s->max_connections)
		conf_werr(&w, "connections_per_source",
			  "%u is more than stream.max_connections %u", s->connections_per_source,
			  s->max_connections);
}

void
conf_validate(struct conf_ctx *ctx)
{
	conf_validate_ports(ctx);
	conf_validate_relay(ctx);
	conf_validate_realm(ctx);
	conf_validate_listen(ctx);
	conf_validate_stream(ctx);
}
