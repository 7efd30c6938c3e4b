/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One parser per key of the schema. Each reads one value into struct conf
 * and, when the value is wrong, writes "what is wrong (got ..., expected ...)"
 * into msg. Checks that need another key wait for conf_validate.c, because
 * keys may come in any order.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "conf_keys.h"

#define CONF_GOT_MAX "%.60s"  /* how much of a bad value an error repeats */

static int
conf_uint_key(const char *v, uint64_t min, uint64_t max, uint32_t *out, char *msg, size_t len)
{
	uint64_t x;

	if (conf_parse_uint(v, min, max, &x, msg, len) < 0)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

/* Text sent on the wire or hashed: printable ASCII or UTF-8 bytes, bounded. */
static int
conf_text_key(const char *v, char *out, size_t out_len, const char *forbidden,
	      char *msg, size_t len)
{
	if (strlen(v) >= out_len) {
		snprintf(msg, len, "too long (%zu bytes, expected at most %zu)", strlen(v), out_len - 1);
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || strchr(forbidden, *p) != NULL) {
			snprintf(msg, len, "character '%c' not allowed (got '" CONF_GOT_MAX "')",
				 isprint(*p) ? *p : '?', v);
			return -1;
		}
	}
	snprintf(out, out_len, "%s", v);
	return 0;
}

/* [eal] */

static int
conf_eal_lcores(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_eal *e = &k->conf->eal;
	unsigned int count, lowest = 0;

	if (strlen(v) >= sizeof(e->lcores)) {
		snprintf(msg, len, "too long (expected at most %zu bytes)", sizeof(e->lcores) - 1);
		return -1;
	}
	if (conf_parse_lcores(v, &count, &lowest, msg, len) < 0)
		return -1;
	if (count < 2) {
		snprintf(msg, len,
			 "too few lcores (got '" CONF_GOT_MAX "', expected at least 2: one main, one worker)",
			 v);
		return -1;
	}
	snprintf(e->lcores, sizeof(e->lcores), "%s", v);
	e->lcore_count = count;
	e->main_lcore = lowest;
	return 0;
}

static int
conf_eal_memory(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	static const char *const names[] = {
		[CONF_MEMORY_AUTO] = "auto",
		[CONF_MEMORY_HUGEPAGES] = "hugepages",
		[CONF_MEMORY_NO_HUGE] = "no-huge",
	};

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(v, names[i]) == 0) {
			k->conf->eal.memory = (enum conf_memory)i;
			return 0;
		}
	}
	snprintf(msg, len, "unknown mode (got '" CONF_GOT_MAX "', expected auto, hugepages or no-huge)", v);
	return -1;
}

static int
conf_eal_memory_mb(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 64, 65536, &k->conf->eal.memory_mb, msg, len);
}

static int
conf_eal_file_prefix(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	size_t n = strlen(v);

	if (n == 0 || n >= CONF_FILE_PREFIX_LEN ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != n) {
		snprintf(msg, len,
			 "bad file prefix (got '" CONF_GOT_MAX "', expected 1 to 32 of A-Z a-z 0-9 _ -)", v);
		return -1;
	}
	snprintf(k->conf->eal.file_prefix, sizeof(k->conf->eal.file_prefix), "%s", v);
	return 0;
}

static bool
conf_device_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < CONF_DEVICE_LEN &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static int
conf_eal_vdev(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_eal *e = &k->conf->eal;
	size_t name_len = strcspn(v, ",");
	char name[CONF_DEVICE_LEN];

	if (strpbrk(v, " \t") != NULL || name_len >= sizeof(name)) {
		snprintf(msg, len, "bad vdev (got '" CONF_GOT_MAX "', expected name[,arg=value...] without spaces)", v);
		return -1;
	}
	memcpy(name, v, name_len);
	name[name_len] = '\0';
	if (!conf_device_name_ok(name)) {
		snprintf(msg, len,
			 "bad vdev name (got '" CONF_GOT_MAX "', expected a driver instance name such as net_af_packet0)",
			 name);
		return -1;
	}
	for (unsigned int i = 0; i < e->vdev_count; i++) {
		if (strcmp(e->vdev_name[i], name) == 0) {
			snprintf(msg, len, "vdev name '%s' given twice", name);
			return -1;
		}
	}
	snprintf(e->vdev[e->vdev_count], sizeof(e->vdev[0]), "%s", v);
	snprintf(e->vdev_name[e->vdev_count], sizeof(e->vdev_name[0]), "%s", name);
	e->vdev_count++;
	return 0;
}

static int
conf_eal_pci(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_eal *e = &k->conf->eal;
	char addr[CONF_DEVICE_LEN];

	if (conf_parse_pci(v, addr, sizeof(addr), msg, len) < 0)
		return -1;
	for (unsigned int i = 0; i < e->pci_count; i++) {
		if (strcmp(e->pci[i], addr) == 0) {
			snprintf(msg, len, "PCI device %s given twice", addr);
			return -1;
		}
	}
	snprintf(e->pci[e->pci_count++], sizeof(e->pci[0]), "%s", addr);
	return 0;
}

static int
conf_eal_mbufs(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 1023, 4194303, &k->conf->eal.mbufs, msg, len);
}

/* At most 10 ms: the first datagram after a quiet spell may wait one whole sleep. */
static int
conf_eal_idle_sleep_us(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 0, 10000, &k->conf->eal.idle_sleep_us, msg, len);
}

/* [log] */

static const char *const conf_level_names[] = {
	[CONF_LOG_EMERG] = "emerg", [CONF_LOG_ALERT] = "alert", [CONF_LOG_CRIT] = "crit",
	[CONF_LOG_ERR] = "err", [CONF_LOG_WARNING] = "warning", [CONF_LOG_NOTICE] = "notice",
	[CONF_LOG_INFO] = "info", [CONF_LOG_DEBUG] = "debug",
};

const char *
conf_log_level_name(enum conf_log_level level)
{
	if (level < CONF_LOG_EMERG || level > CONF_LOG_DEBUG)
		return NULL;
	return conf_level_names[level];
}

static int
conf_log_level(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	for (int i = CONF_LOG_EMERG; i <= CONF_LOG_DEBUG; i++) {
		if (strcmp(v, conf_level_names[i]) == 0) {
			k->conf->log.level = (enum conf_log_level)i;
			return 0;
		}
	}
	snprintf(msg, len,
		 "unknown level (got '" CONF_GOT_MAX "', expected emerg alert crit err warning notice info debug)",
		 v);
	return -1;
}

/* [port NAME] */

static int
conf_port_device(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_port *p = k->port;

	/* A PCI address may be written with or without domain: compare normalised. */
	if (strchr(v, ':') != NULL)
		return conf_parse_pci(v, p->device, sizeof(p->device), msg, len);
	if (!conf_device_name_ok(v)) {
		snprintf(msg, len,
			 "bad device (got '" CONF_GOT_MAX "', expected a vdev name or a PCI address)", v);
		return -1;
	}
	snprintf(p->device, sizeof(p->device), "%s", v);
	return 0;
}

static int
conf_port_ipv4(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_port *p = k->port;
	uint32_t a, h, host_mask;
	uint8_t prefix;

	if (conf_parse_ipv4_prefix(v, 1, &a, &prefix, msg, len) < 0)
		return -1;
	h = ntohl(a);
	host_mask = prefix == 32 ? 0 : UINT32_MAX >> prefix;
	if (h == 0 || (h >> 24) == 127 || (h >> 28) == 0xe || h == UINT32_MAX) {
		snprintf(msg, len,
			 "not a unicast address (got '" CONF_GOT_MAX "', expected a host address/prefix)", v);
		return -1;
	}
	/* /31 and /32 have no network or broadcast address (RFC 3021). */
	if (prefix <= 30 && ((h & host_mask) == 0 || (h & host_mask) == host_mask)) {
		snprintf(msg, len,
			 "network or broadcast address (got '" CONF_GOT_MAX "', expected a host address in the prefix)",
			 v);
		return -1;
	}
	p->has_ipv4 = true;
	p->ipv4 = a;
	p->ipv4_prefix = prefix;
	return 0;
}

static int
conf_port_ipv4_gateway(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	if (conf_parse_ipv4(v, &k->port->ipv4_gateway, msg, len) < 0)
		return -1;
	k->port->has_ipv4_gateway = true;
	return 0;
}

static bool
conf_ipv6_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static int
conf_port_ipv6(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	static const uint8_t unspec[16], loopback[16] = { [15] = 1 };
	struct conf_port *p = k->port;
	uint8_t a[16], prefix;

	if (conf_parse_ipv6_prefix(v, 1, a, &prefix, msg, len) < 0)
		return -1;
	if (conf_ipv6_link_local(a) || a[0] == 0xff ||
	    memcmp(a, unspec, 16) == 0 || memcmp(a, loopback, 16) == 0) {
		snprintf(msg, len,
			 "not a global unicast address (got '" CONF_GOT_MAX "', expected no link-local, multicast, :: or ::1)",
			 v);
		return -1;
	}
	p->has_ipv6 = true;
	memcpy(p->ipv6, a, 16);
	p->ipv6_prefix = prefix;
	return 0;
}

static int
conf_port_ipv6_gateway(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	if (conf_parse_ipv6(v, k->port->ipv6_gateway, msg, len) < 0)
		return -1;
	k->port->has_ipv6_gateway = true;
	return 0;
}

static int
conf_port_mtu(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	uint32_t mtu;

	if (conf_uint_key(v, 576, 9000, &mtu, msg, len) < 0)
		return -1;
	k->port->mtu = (uint16_t)mtu;
	return 0;
}

/* [stun] */

static int
conf_stun_listen_ports(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_stun *s = &k->conf->stun;

	return conf_parse_port_list(v, s->listen_ports, CONF_MAX_LISTEN_PORTS,
				    &s->listen_port_count, msg, len);
}

static int
conf_stun_software(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_text_key(v, k->conf->stun.software, sizeof(k->conf->stun.software), "",
			     msg, len);
}

/* [turn] */

static int
conf_turn_realm(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	/* The realm goes into a quoted-string (RFC 8489 14.9): no '"' or '\'. */
	return conf_text_key(v, k->conf->turn.realm, sizeof(k->conf->turn.realm), "\"\\",
			     msg, len);
}

static int
conf_turn_relay_ports(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	char lo_s[16], hi_s[16];
	const char *dash = strchr(v, '-');
	uint64_t lo, hi;

	if (dash == NULL || (size_t)(dash - v) >= sizeof(lo_s) || strlen(dash + 1) >= sizeof(hi_s)) {
		snprintf(msg, len, "bad range (got '" CONF_GOT_MAX "', expected lo-hi, e.g. 49152-65535)", v);
		return -1;
	}
	memcpy(lo_s, v, (size_t)(dash - v));
	lo_s[dash - v] = '\0';
	snprintf(hi_s, sizeof(hi_s), "%s", dash + 1);
	if (conf_parse_uint(lo_s, 1024, 65535, &lo, msg, len) < 0 ||
	    conf_parse_uint(hi_s, 1024, 65535, &hi, msg, len) < 0) {
		snprintf(msg, len, "bad range (got '" CONF_GOT_MAX "', expected lo-hi within 1024..65535)", v);
		return -1;
	}
	if (lo > hi) {
		snprintf(msg, len, "empty range (got '" CONF_GOT_MAX "', expected lo <= hi)", v);
		return -1;
	}
	k->conf->turn.relay_port_min = (uint16_t)lo;
	k->conf->turn.relay_port_max = (uint16_t)hi;
	return 0;
}

static int
conf_turn_relay_ipv4(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_turn *t = &k->conf->turn;
	char *items[CONF_MAX_RELAY_ADDRS];
	int n = conf_split_list(v, items, CONF_MAX_RELAY_ADDRS, msg, len);

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (conf_parse_ipv4(items[i], &t->relay_ipv4[i], msg, len) < 0)
			return -1;
		for (int j = 0; j < i; j++) {
			if (t->relay_ipv4[j] == t->relay_ipv4[i]) {
				snprintf(msg, len, "address %s listed twice", items[i]);
				return -1;
			}
		}
	}
	t->relay_ipv4_count = (unsigned int)n;
	return 0;
}

static int
conf_turn_relay_ipv6(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_turn *t = &k->conf->turn;
	char *items[CONF_MAX_RELAY_ADDRS];
	int n = conf_split_list(v, items, CONF_MAX_RELAY_ADDRS, msg, len);

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (conf_parse_ipv6(items[i], t->relay_ipv6[i], msg, len) < 0)
			return -1;
		for (int j = 0; j < i; j++) {
			if (memcmp(t->relay_ipv6[j], t->relay_ipv6[i], 16) == 0) {
				snprintf(msg, len, "address %s listed twice", items[i]);
				return -1;
			}
		}
	}
	t->relay_ipv6_count = (unsigned int)n;
	return 0;
}

/*
 * allow-peer / deny-peer: a comma list of CIDRs per line, and the key may be
 * repeated, so one CIDR per line works too; every line adds to the rules.
 */
static int
conf_cidr_list(char *v, const char *key, struct conf_cidr *out, unsigned int *count,
	       char *msg, size_t len)
{
	char *items[CONF_MAX_PEER_RULES + 1];
	unsigned int room = CONF_MAX_PEER_RULES - *count;
	int n;

	/* Empty: no rules, so a template can show the key without adding any. */
	if (v[0] == '\0')
		return 0;
	n = conf_split_list(v, items, room + 1, msg, len);
	if (n < 0)
		return -1;
	if ((unsigned int)n > room) {
		snprintf(msg, len, "too many rules (at most %d over all %s lines)",
			 CONF_MAX_PEER_RULES, key);
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (conf_parse_cidr(items[i], &out[*count + (unsigned int)i], msg, len) < 0)
			return -1;
	*count += (unsigned int)n;
	return 0;
}

static int
conf_turn_allow_peer(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_cidr_list(v, "allow-peer", k->conf->turn.allow_peers,
			      &k->conf->turn.allow_peer_count, msg, len);
}

static int
conf_turn_deny_peer(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_cidr_list(v, "deny-peer", k->conf->turn.deny_peers,
			      &k->conf->turn.deny_peer_count, msg, len);
}

/* The names before the hardening issue: an error that says what to write instead. */
static int
conf_turn_renamed_peers(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	snprintf(msg, len, "renamed: write %s (same CIDR list, and it may be repeated)",
		 strcmp(k->key, "allowed_peers") == 0 ? "allow-peer" : "deny-peer");
	return -1;
}

static int
conf_turn_max_allocations(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 1, 4194304, &k->conf->turn.max_allocations, msg, len);
}

static int
conf_turn_allocations_per_user(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 0, 4194304, &k->conf->turn.allocations_per_user, msg, len);
}

static int
conf_turn_lifetime_max(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 600, 86400, &k->conf->turn.lifetime_max, msg, len);
}

static int
conf_turn_nonce_lifetime(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 30, 86400, &k->conf->turn.nonce_lifetime, msg, len);
}

/* RFC 8656 §12 narrowed channels to 0x4000-0x4FFF; RFC 5766 clients (coturn's) use up to 0x7FFF. */
static int
conf_turn_channel_numbers(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	if (strcmp(v, "rfc8656") == 0) {
		k->conf->turn.channel_max = 0x4FFF;
		return 0;
	}
	if (strcmp(v, "rfc5766") == 0) {
		k->conf->turn.channel_max = 0x7FFF;
		return 0;
	}
	snprintf(msg, len, "unknown channel range (got '" CONF_GOT_MAX "', expected rfc8656 or rfc5766)", v);
	return -1;
}

/* Hardening: failed authentications per source, and bandwidth per allocation. */
static int
conf_turn_auth_failure_rate(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 0, 1000000, &k->conf->turn.auth_failure_rate, msg, len);
}

static int
conf_turn_auth_failure_burst(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 1, 1000000, &k->conf->turn.auth_failure_burst, msg, len);
}

static int
conf_turn_auth_block_time(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 1, 86400, &k->conf->turn.auth_block_time, msg, len);
}

static int
conf_turn_bandwidth_limit(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 0, 1250000000, &k->conf->turn.bandwidth_limit, msg, len);
}

static int
conf_turn_bandwidth_burst(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_uint_key(v, 0, 1250000000, &k->conf->turn.bandwidth_burst, msg, len);
}

/* Where a draining relay sends new clients (RFC 8489 ALTERNATE-SERVER): IPv4:port or [IPv6]:port. */
static int
conf_turn_alternate_server(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_turn *t = &k->conf->turn;
	char *colon = strrchr(v, ':');
	char *host = v;
	uint64_t port;

	if (colon == NULL || colon == v) {
		snprintf(msg, len, "expected IPv4:port or [IPv6]:port (got '" CONF_GOT_MAX "')", v);
		return -1;
	}
	*colon = '\0';
	if (conf_parse_uint(colon + 1, 1, 65535, &port, msg, len) < 0)
		return -1;
	if (host[0] == '[') {
		size_t n = strlen(host);

		if (n < 3 || host[n - 1] != ']') {
			snprintf(msg, len, "an IPv6 alternate server is written [address]:port");
			return -1;
		}
		host[n - 1] = '\0';
		if (conf_parse_ipv6(host + 1, t->alternate_ipv6, msg, len) < 0)
			return -1;
		t->alternate_family = AF_INET6;
	} else {
		if (conf_parse_ipv4(host, &t->alternate_ipv4, msg, len) < 0)
			return -1;
		t->alternate_family = AF_INET;
	}
	t->alternate_port = (uint16_t)port;
	return 0;
}

/* [mgmt] */

/* The management HTTP listener: IPv4:port, [IPv6]:port or off. */
static int
conf_mgmt_http_listen(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_mgmt *m = &k->conf->mgmt;
	char *colon = strrchr(v, ':');
	uint64_t port;

	if (strcmp(v, "off") == 0) {
		m->http_enabled = false;
		return 0;
	}
	if (colon == NULL || colon == v || (v[0] == '[' && colon[-1] != ']') ||
	    (v[0] != '[' && strchr(v, ':') != colon)) {
		snprintf(msg, len, "expected IPv4:port, [IPv6]:port or off (got '" CONF_GOT_MAX "')", v);
		return -1;
	}
	*colon = '\0';
	if (conf_parse_uint(colon + 1, 1, 65535, &port, msg, len) < 0)
		return -1;
	if (v[0] == '[') {
		colon[-1] = '\0';
		if (conf_parse_ipv6(v + 1, m->http_ipv6, msg, len) < 0)
			return -1;
		m->http_family = AF_INET6;
	} else {
		if (conf_parse_ipv4(v, &m->http_ipv4, msg, len) < 0)
			return -1;
		m->http_family = AF_INET;
	}
	m->http_enabled = true;
	m->http_port = (uint16_t)port;
	return 0;
}

/* [stream] */

static int
conf_stream_tcp_ports(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_stream *s = &k->conf->stream;

	return conf_parse_port_list(v, s->tcp_ports, CONF_MAX_STREAM_PORTS, &s->tcp_port_count, msg,
				    len);
}

static int
conf_stream_tls_ports(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_stream *s = &k->conf->stream;

	return conf_parse_port_list(v, s->tls_ports, CONF_MAX_STREAM_PORTS, &s->tls_port_count, msg,
				    len);
}

static int
conf_stream_path(char *v, char *out, size_t out_len, char *msg, size_t len)
{
	if (v[0] != '/') {
		snprintf(msg, len, "expected an absolute path (got '" CONF_GOT_MAX "')", v);
		return -1;
	}
	return conf_text_key(v, out, out_len, "", msg, len);
}

static int
conf_stream_certificate(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_stream *s = &k->conf->stream;

	return conf_stream_path(v, s->tls_certificate, sizeof(s->tls_certificate), msg, len);
}

static int
conf_stream_private_key(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf_stream *s = &k->conf->stream;

	return conf_stream_path(v, s->tls_private_key, sizeof(s->tls_private_key), msg, len);
}

static int
conf_stream_u32(char *v, uint64_t min, uint64_t max, uint32_t *out, char *msg, size_t len)
{
	uint64_t x;

	if (conf_parse_uint(v, min, max, &x, msg, len) < 0)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

static int
conf_stream_max_connections(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_stream_u32(v, 1, 1000000, &k->conf->stream.max_connections, msg, len);
}

static int
conf_stream_per_source(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_stream_u32(v, 1, 1000000, &k->conf->stream.connections_per_source, msg, len);
}

static int
conf_stream_handshake_timeout(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_stream_u32(v, 1, 3600, &k->conf->stream.handshake_timeout, msg, len);
}

static int
conf_stream_idle_timeout(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	return conf_stream_u32(v, 1, 86400, &k->conf->stream.idle_timeout, msg, len);
}

static int
conf_stream_max_buffered(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	/* At least one largest message with its framing, at most 64 MiB. */
	return conf_stream_u32(v, 4096, 64u << 20, &k->conf->stream.max_buffered_bytes, msg, len);
}

/* Two dturn instances on one host serving [stream] need taps of their own names. */
static int
conf_stream_tap_name(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	size_t n = strlen(v);

	if (n == 0 || n >= CONF_TAP_NAME_LEN ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != n) {
		snprintf(msg, len, "bad interface name prefix (got '" CONF_GOT_MAX
			 "', expected 1 to 13 of A-Z a-z 0-9 _ -)", v);
		return -1;
	}
	snprintf(k->conf->stream.tap_name, sizeof(k->conf->stream.tap_name), "%s", v);
	return 0;
}

/* [users]: the key is the user name. Secrets are never repeated in errors. */

static int
conf_hex_byte(const char *s, uint8_t *out)
{
	unsigned int v = 0;

	for (int i = 0; i < 2; i++) {
		char c = (char)tolower((unsigned char)s[i]);

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned int)(c - 'a' + 10);
		else
			return -1;
	}
	*out = (uint8_t)v;
	return 0;
}

int
conf_user_entry(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf *c = k->conf;
	struct conf_user *u;

	if (c->user_count == CONF_MAX_USERS) {
		snprintf(msg, len, "too many users (at most %d)", CONF_MAX_USERS);
		return -1;
	}
	if (strchr(k->key, ':') != NULL) {
		snprintf(msg, len, "':' not allowed in a user name (it separates user:realm:password)");
		return -1;
	}
	u = &c->users[c->user_count];
	memset(u, 0, sizeof(*u));
	if (strncmp(v, "md5:", 4) == 0) {
		const char *hex = v + 4;

		if (strlen(hex) != 32) {
			snprintf(msg, len, "bad md5 key (got %zu characters after 'md5:', expected 32 hex digits)",
				 strlen(hex));
			return -1;
		}
		for (int i = 0; i < 16; i++) {
			if (conf_hex_byte(hex + 2 * i, &u->md5_key[i]) < 0) {
				snprintf(msg, len, "bad md5 key (expected 32 hex digits after 'md5:')");
				return -1;
			}
		}
		u->kind = CONF_USER_MD5_KEY;
	} else {
		if (v[0] == '\0') {
			snprintf(msg, len, "empty password (expected a password or md5:<32 hex digits>)");
			return -1;
		}
		if (strlen(v) >= sizeof(u->password)) {
			snprintf(msg, len, "password too long (expected at most %zu bytes)",
				 sizeof(u->password) - 1);
			return -1;
		}
		u->kind = CONF_USER_PASSWORD;
		snprintf(u->password, sizeof(u->password), "%s", v);
	}
	snprintf(u->name, sizeof(u->name), "%s", k->key);
	c->user_count++;
	return 0;
}

/* [rest] */

static int
conf_rest_secret(struct conf_key_ctx *k, char *v, char *msg, size_t len)
{
	struct conf *c = k->conf;

	if (v[0] == '\0') {
		snprintf(msg, len, "empty secret (expected the shared secret text)");
		return -1;
	}
	snprintf(c->rest_secrets[c->rest_secret_count++], sizeof(c->rest_secrets[0]), "%s", v);
	return 0;
}

static const struct conf_key_def conf_eal_keys[] = {
	{ "lcores", conf_eal_lcores, 1 },
	{ "memory", conf_eal_memory, 1 },
	{ "memory_mb", conf_eal_memory_mb, 1 },
	{ "file_prefix", conf_eal_file_prefix, 1 },
	{ "vdev", conf_eal_vdev, CONF_MAX_VDEVS },
	{ "pci", conf_eal_pci, CONF_MAX_PCI },
	{ "mbufs", conf_eal_mbufs, 1 },
	{ "idle_sleep_us", conf_eal_idle_sleep_us, 1 },
	{ NULL, NULL, 0 },
};

static const struct conf_key_def conf_log_keys[] = {
	{ "level", conf_log_level, 1 },
	{ NULL, NULL, 0 },
};

static const struct conf_key_def conf_port_keys[] = {
	{ "device", conf_port_device, 1 },
	{ "ipv4", conf_port_ipv4, 1 },
	{ "ipv4_gateway", conf_port_ipv4_gateway, 1 },
	{ "ipv6", conf_port_ipv6, 1 },
	{ "ipv6_gateway", conf_port_ipv6_gateway, 1 },
	{ "mtu", conf_port_mtu, 1 },
	{ NULL, NULL, 0 },
};

static const struct conf_key_def conf_stun_keys[] = {
	{ "listen_ports", conf_stun_listen_ports, 1 },
	{ "software", conf_stun_software, 1 },
	{ NULL, NULL, 0 },
};

static const struct conf_key_def conf_turn_keys[] = {
	{ "realm", conf_turn_realm, 1 },
	{ "relay_ports", conf_turn_relay_ports, 1 },
	{ "relay_ipv4", conf_turn_relay_ipv4, 1 },
	{ "relay_ipv6", conf_turn_relay_ipv6, 1 },
	{ "max_allocations", conf_turn_max_allocations, 1 },
	{ "allocations_per_user", conf_turn_allocations_per_user, 1 },
	{ "lifetime_max", conf_turn_lifetime_max, 1 },
	{ "nonce_lifetime", conf_turn_nonce_lifetime, 1 },
	{ "allow-peer", conf_turn_allow_peer, CONF_MAX_PEER_RULES },
	{ "deny-peer", conf_turn_deny_peer, CONF_MAX_PEER_RULES },
	{ "allowed_peers", conf_turn_renamed_peers, 1 },
	{ "denied_peers", conf_turn_renamed_peers, 1 },
	{ "channel_numbers", conf_turn_channel_numbers, 1 },
	{ "auth_failure_rate", conf_turn_auth_failure_rate, 1 },
	{ "auth_failure_burst", conf_turn_auth_failure_burst, 1 },
	{ "auth_block_time", conf_turn_auth_block_time, 1 },
	{ "bandwidth_limit", conf_turn_bandwidth_limit, 1 },
	{ "bandwidth_burst", conf_turn_bandwidth_burst, 1 },
	{ "alternate_server", conf_turn_alternate_server, 1 },
	{ NULL, NULL, 0 },
};

static const struct conf_key_def conf_mgmt_keys[] = {
	{ "http_listen", conf_mgmt_http_listen, 1 },
	{ NULL, NULL, 0 },
};

static const struct conf_key_def conf_stream_keys[] = {
	{ "tcp_listen_ports", conf_stream_tcp_ports, 1 },
	{ "tls_listen_ports", conf_stream_tls_ports, 1 },
	{ "tls_certificate", conf_stream_certificate, 1 },
	{ "tls_private_key", conf_stream_private_key, 1 },
	{ "max_connections", conf_stream_max_connections, 1 },
	{ "connections_per_source", conf_stream_per_source, 1 },
	{ "handshake_timeout", conf_stream_handshake_timeout, 1 },
	{ "idle_timeout", conf_stream_idle_timeout, 1 },
	{ "max_buffered_bytes", conf_stream_max_buffered, 1 },
	{ "tap_name", conf_stream_tap_name, 1 },
	{ NULL, NULL, 0 },
};

static const struct conf_key_def conf_rest_keys[] = {
	{ "secret", conf_rest_secret, CONF_MAX_REST_SECRETS },
	{ NULL, NULL, 0 },
};

const struct conf_key_def *
conf_keys_of(enum conf_section_kind kind)
{
	switch (kind) {
	case CONF_SECTION_EAL:
		return conf_eal_keys;
	case CONF_SECTION_LOG:
		return conf_log_keys;
	case CONF_SECTION_PORT:
		return conf_port_keys;
	case CONF_SECTION_STUN:
		return conf_stun_keys;
	case CONF_SECTION_TURN:
		return conf_turn_keys;
	case CONF_SECTION_REST:
		return conf_rest_keys;
	case CONF_SECTION_MGMT:
		return conf_mgmt_keys;
	case CONF_SECTION_STREAM:
		return conf_stream_keys;
	case CONF_SECTION_USERS:  /* any key: handled by conf_user_entry */
	case CONF_SECTION_UNKNOWN:
		break;
	}
	return NULL;
}
