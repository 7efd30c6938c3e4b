/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management commands of the running relay (dturnctl, docs/dturnctl.md),
 * served on DPDK's telemetry socket:
 *   /dturn/status                 drain state, allocations, revoked users, log level
 *   /dturn/alloc/list[,FILTER]    FILTER: user=U and/or client=IP[:port], comma-separated
 *   /dturn/alloc/show,ID          ID: the relayed address, IPv4:port or [IPv6]:port
 *   /dturn/alloc/delete,ID
 *   /dturn/user/revoke,USER
 *   /dturn/reload
 *   /dturn/drain[,on|off]
 *   /dturn/log_level[,LEVEL]
 * Telemetry handlers run on DPDK's telemetry threads, which neither read nor
 * write the table. Everything but the log level is handed to the control
 * lcore (the table's one writer) through a one-slot mailbox: the handler posts
 * the command with its reply object, the control loop fills the reply between
 * two bursts of requests, and the handler waits at most MGMT_WAIT_MS for the
 * control lcore to take it. A refusal is a reply {"error": "why"}, so the
 * reason reaches dturnctl (a failing callback only answers null).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <rte_log.h>
#include <rte_telemetry.h>

#include "dturn_app.h"
#include "dturn_stream.h"

#define MGMT_WAIT_MS 2000
/* Allocations one list answer carries: the telemetry reply is at most 16 KiB. */
#define MGMT_LIST_MAX 64
#define MGMT_ID_MAX 64  /* "[" IPv6 "]:" port */

enum mgmt_op {
	MGMT_STATUS,
	MGMT_LIST,
	MGMT_SHOW,
	MGMT_DELETE,
	MGMT_REVOKE,
	MGMT_RELOAD,
	MGMT_DRAIN,
};

enum mgmt_state {
	BOX_IDLE,
	BOX_POSTED,  /* a handler waits; the control lcore may take it */
	BOX_TAKEN,   /* the control lcore fills the reply */
	BOX_DONE,
};

/*
 * rte_telemetry callbacks take no user argument in DPDK 22.11, so the mailbox
 * is a file-level object (like the registry of metrics_telemetry.c). Static
 * storage, not the heap: a telemetry thread may still post while main()
 * tears the relay down, and then finds the box closed.
 */
static struct {
	pthread_mutex_t lock;      /* one command at a time over all telemetry connections */
	uint32_t state;            /* enum mgmt_state, atomic */
	uint32_t open;             /* atomic: the control loop serves the box */
	enum mgmt_op op;
	const char *params;
	struct rte_tel_data *reply;
} box = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const char *const level_names[] = {
	[RTE_LOG_EMERG] = "emerg", [RTE_LOG_ALERT] = "alert", [RTE_LOG_CRIT] = "crit",
	[RTE_LOG_ERR] = "err", [RTE_LOG_WARNING] = "warning", [RTE_LOG_NOTICE] = "notice",
	[RTE_LOG_INFO] = "info", [RTE_LOG_DEBUG] = "debug",
};

static void __attribute__((format(printf, 2, 3)))
reply_error(struct rte_tel_data *d, const char *fmt, ...)
{
	char msg[RTE_TEL_MAX_STRING_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", msg);
}

static const char *
log_level_name(void)
{
	int l = rte_log_get_level(RTE_LOGTYPE_DTURN);

	return l >= (int)RTE_LOG_EMERG && l <= (int)RTE_LOG_DEBUG ? level_names[l] : "unknown";
}

/* ---- addresses as an operator types them ---- */

static void
format_addr(char *out, size_t len, uint8_t family, const uint8_t *addr, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN];

	if (family == STUN_FAMILY_IPV6) {
		inet_ntop(AF_INET6, addr, ip, sizeof(ip));
		snprintf(out, len, "[%s]:%u", ip, port);
	} else {
		inet_ntop(AF_INET, addr, ip, sizeof(ip));
		snprintf(out, len, "%s:%u", ip, port);
	}
}

/*
 * "IPv4", "IPv4:port", "[IPv6]:port" or a bare IPv6; *port 0 when absent.
 * Returns 0 or -1.
 */
static int
parse_addr(const char *s, uint8_t *family, uint8_t addr[16], uint16_t *port)
{
	char buf[MGMT_ID_MAX + 8];
	char *host = buf, *p = NULL;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	*port = 0;
	memset(addr, 0, 16);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			return -1;
		*close = '\0';
		host = buf + 1;
		p = close[1] == ':' ? close + 2 : NULL;
		if (p != NULL && *p == '\0')
			return -1;
	} else if (strchr(buf, ':') == strrchr(buf, ':') && strchr(buf, ':') != NULL) {
		p = strchr(buf, ':');
		*p++ = '\0';
	}
	if (p != NULL) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);

		if (*p < '0' || *p > '9' || *end != '\0' || v == 0 || v > 65535)
			return -1;
		*port = (uint16_t)v;
	}
	if (inet_pton(AF_INET, host, addr) == 1) {
		*family = STUN_FAMILY_IPV4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, addr) == 1) {
		*family = STUN_FAMILY_IPV6;
		return 0;
	}
	return -1;
}

/* The allocation whose relayed address (either family of a dual one) is id; NULL if none. */
static struct table_alloc *
find_by_id(struct dturn_app *app, const char *id, uint64_t now_ms)
{
	struct table_relay_key k;
	struct table_alloc *a;
	uint16_t port;

	memset(&k, 0, sizeof(k));
	if (app->table == NULL || parse_addr(id, &k.family, k.addr, &port) != 0 || port == 0)
		return NULL;
	k.port = port;
	a = table_lookup_relay(app->table, &k);
	return a != NULL && table_alloc_live(a, now_ms) ? a : NULL;
}

/* ---- the commands, on the control lcore ---- */

static uint64_t
seconds_left(uint64_t expires_ms, uint64_t now_ms)
{
	return expires_ms > now_ms ? (expires_ms - now_ms + 999) / 1000 : 0;
}

static void
alloc_id(const struct table_alloc *a, char *out, size_t len)
{
	format_addr(out, len, a->ids.relay.family, a->ids.relay.addr, a->ids.relay.port);
}

static void
client_text(const struct table_alloc *a, char *out, size_t len)
{
	format_addr(out, len, a->ids.client.family, a->ids.client.client_addr,
		    a->ids.client.client_port);
}

static void
owner_name(struct dturn_app *app, const struct table_alloc *a, char *out, size_t len)
{
	const struct table_alloc_owner *o = table_owner(app->table, a);
	size_t n = o->username_len < len - 1 ? o->username_len : len - 1;

	memcpy(out, o->username, n);
	out[n] = '\0';
}

/* One allocation's summary, the fields of list. */
static void
add_summary(struct dturn_app *app, struct rte_tel_data *c, const struct table_alloc *a,
	    uint64_t now_ms)
{
	struct table_alloc_state st;
	char text[RTE_TEL_MAX_STRING_LEN];

	table_alloc_read_state(a, &st);
	client_text(a, text, sizeof(text));
	rte_tel_data_add_dict_string(c, "client", text);
	owner_name(app, a, text, sizeof(text));
	rte_tel_data_add_dict_string(c, "user", text);
	rte_tel_data_add_dict_u64(c, "expires_in", seconds_left(st.expires_ms, now_ms));

	unsigned int perms = 0, channels = 0;

	for (unsigned int i = 0; i < st.nperms && i < TABLE_MAX_PERMS; i++)
		perms += st.perms[i].expires_ms > now_ms;
	for (unsigned int i = 0; i < st.nchannels && i < TABLE_MAX_CHANNELS; i++)
		channels += st.channels[i].number != 0 && st.channels[i].expires_ms > now_ms;
	rte_tel_data_add_dict_u64(c, "permissions", perms);
	rte_tel_data_add_dict_u64(c, "channels", channels);
}

struct list_filter {
	const char *user;          /* NULL: any */
	bool by_client;
	uint8_t family;
	uint8_t addr[16];
	uint16_t port;             /* 0: any port of the address */
};

/* "user=U", "client=IP[:port]", comma-separated, each at most once. */
static int
parse_filter(char *params, struct list_filter *f, const char **bad)
{
	memset(f, 0, sizeof(*f));
	for (char *save = NULL, *tok = strtok_r(params, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		*bad = tok;
		if (strncmp(tok, "user=", 5) == 0 && tok[5] != '\0' && f->user == NULL)
			f->user = tok + 5;
		else if (strncmp(tok, "client=", 7) == 0 && !f->by_client &&
			 parse_addr(tok + 7, &f->family, f->addr, &f->port) == 0)
			f->by_client = true;
		else
			return -1;
	}
	return 0;
}

static bool
filter_match(struct dturn_app *app, const struct list_filter *f, const struct table_alloc *a)
{
	const struct table_5tuple *c = &a->ids.client;

	if (f->user != NULL && !turn_admin_owner_is(table_owner(app->table, a), f->user))
		return false;
	if (f->by_client && (c->family != f->family ||
			     memcmp(c->client_addr, f->addr, f->family == STUN_FAMILY_IPV6 ? 16 : 4) != 0 ||
			     (f->port != 0 && c->client_port != f->port)))
		return false;
	return true;
}

static void
cmd_list(struct dturn_app *app, const char *params, struct rte_tel_data *d, uint64_t now_ms)
{
	char buf[256];
	struct list_filter f;
	const char *bad = NULL;
	uint64_t matched = 0;

	snprintf(buf, sizeof(buf), "%s", params != NULL ? params : "");
	if (parse_filter(buf, &f, &bad) != 0) {
		reply_error(d, "bad filter '%.60s' (expected user=NAME or client=IP[:port])",
			    bad != NULL ? bad : "");
		return;
	}
	rte_tel_data_start_dict(d);
	for (uint32_t i = 0; app->table != NULL && i < table_capacity(app->table); i++) {
		struct table_alloc *a = table_alloc_at(app->table, i);
		struct rte_tel_data *c;
		char id[MGMT_ID_MAX], key[24];

		if (a == NULL || !table_alloc_live(a, now_ms) || !filter_match(app, &f, a))
			continue;
		if (matched++ >= MGMT_LIST_MAX || (c = rte_tel_data_alloc()) == NULL)
			continue;
		rte_tel_data_start_dict(c);
		alloc_id(a, id, sizeof(id));
		rte_tel_data_add_dict_string(c, "id", id);
		add_summary(app, c, a, now_ms);
		/* Telemetry dict keys are [A-Za-z0-9_/] only: the id is a field, the key a0, a1, ... */
		snprintf(key, sizeof(key), "a%" PRIu64, matched - 1);
		if (rte_tel_data_add_dict_container(d, key, c, 0) != 0)
			rte_tel_data_free(c);
	}
	rte_tel_data_add_dict_u64(d, "matched", matched);
}

static void
add_perms(struct rte_tel_data *d, const struct table_alloc_state *st, uint64_t now_ms)
{
	struct rte_tel_data *c = rte_tel_data_alloc();
	char text[RTE_TEL_MAX_STRING_LEN], addr[MGMT_ID_MAX];

	if (c == NULL)
		return;
	rte_tel_data_start_array(c, RTE_TEL_STRING_VAL);
	for (unsigned int i = 0; i < st->nperms && i < TABLE_MAX_PERMS; i++) {
		const struct table_perm *p = &st->perms[i];

		if (p->expires_ms <= now_ms)
			continue;
		format_addr(addr, sizeof(addr), p->family, p->addr, 0);
		*strrchr(addr, ':') = '\0';   /* a permission is for every port of the IP */
		snprintf(text, sizeof(text), "%s expires_in=%llu", addr,
			 (unsigned long long)seconds_left(p->expires_ms, now_ms));
		rte_tel_data_add_array_string(c, text);
	}
	if (rte_tel_data_add_dict_container(d, "permission_list", c, 0) != 0)
		rte_tel_data_free(c);
}

static void
add_channels(struct rte_tel_data *d, const struct table_alloc_state *st, uint64_t now_ms)
{
	struct rte_tel_data *c = rte_tel_data_alloc();
	char text[RTE_TEL_MAX_STRING_LEN], peer[MGMT_ID_MAX];

	if (c == NULL)
		return;
	rte_tel_data_start_array(c, RTE_TEL_STRING_VAL);
	for (unsigned int i = 0; i < st->nchannels && i < TABLE_MAX_CHANNELS; i++) {
		const struct table_channel *ch = &st->channels[i];

		if (ch->number == 0 || ch->expires_ms <= now_ms)
			continue;
		format_addr(peer, sizeof(peer), ch->peer.family, ch->peer.addr, ch->peer.port);
		snprintf(text, sizeof(text), "0x%04x %s expires_in=%llu", ch->number, peer,
			 (unsigned long long)seconds_left(ch->expires_ms, now_ms));
		rte_tel_data_add_array_string(c, text);
	}
	if (rte_tel_data_add_dict_container(d, "channel_list", c, 0) != 0)
		rte_tel_data_free(c);
}

static void
cmd_show(struct dturn_app *app, const char *id, struct rte_tel_data *d, uint64_t now_ms)
{
	struct table_alloc *a = find_by_id(app, id != NULL ? id : "", now_ms);
	struct table_alloc_state st;
	char text[MGMT_ID_MAX];

	if (a == NULL) {
		reply_error(d, "no allocation with relayed address '%.60s'", id != NULL ? id : "");
		return;
	}
	rte_tel_data_start_dict(d);
	alloc_id(a, text, sizeof(text));
	rte_tel_data_add_dict_string(d, "id", text);
	if (a->relay_alt.family != 0) {
		format_addr(text, sizeof(text), a->relay_alt.family, a->relay_alt.addr,
			    a->relay_alt.port);
		rte_tel_data_add_dict_string(d, "relayed_alt", text);
	}
	format_addr(text, sizeof(text), a->ids.client.family, a->ids.client.server_addr,
		    a->ids.client.server_port);
	rte_tel_data_add_dict_string(d, "server", text);
	/* The client's side (RFC 8656 §3.1): TCP covers TLS too; relaying to peers is UDP. */
	rte_tel_data_add_dict_string(d, "transport",
				     a->ids.client.proto == TURN_PROTO_TCP ? "tcp" : "udp");
	add_summary(app, d, a, now_ms);

	struct table_alloc_traffic tr;

	table_traffic_read(a, &tr);
	rte_tel_data_add_dict_u64(d, "to_peer_bytes", tr.to_peer_bytes);
	rte_tel_data_add_dict_u64(d, "to_peer_packets", tr.to_peer_packets);
	rte_tel_data_add_dict_u64(d, "to_client_bytes", tr.to_client_bytes);
	rte_tel_data_add_dict_u64(d, "to_client_packets", tr.to_client_packets);
	table_alloc_read_state(a, &st);
	add_perms(d, &st, now_ms);
	add_channels(d, &st, now_ms);
}

static void
cmd_delete(struct dturn_app *app, const char *id, struct rte_tel_data *d, uint64_t now_ms)
{
	struct table_alloc *a = find_by_id(app, id != NULL ? id : "", now_ms);
	char text[MGMT_ID_MAX];

	if (a == NULL) {
		reply_error(d, "no allocation with relayed address '%.60s'", id != NULL ? id : "");
		return;
	}
	alloc_id(a, text, sizeof(text));
	turn_admin_delete(&app->control->turn, a, &app->control->mx);
	RTE_LOG(NOTICE, DTURN, "management: allocation %s deleted\n", text);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "deleted", text);
}

static void
cmd_revoke(struct dturn_app *app, const char *user, struct rte_tel_data *d)
{
	int n;

	if (user == NULL || user[0] == '\0') {
		reply_error(d, "revoke needs a user name");
		return;
	}
	n = turn_admin_revoke(&app->control->turn, user, &app->control->mx);
	if (n == -ENOSPC) {
		reply_error(d, "cannot revoke '%.60s': %d users are revoked already (reload to clear)",
			    user, TURN_REVOKED_MAX);
		return;
	}
	if (n < 0) {
		reply_error(d, "bad user name '%.60s'", user);
		return;
	}
	RTE_LOG(NOTICE, DTURN, "management: user %s revoked, %d allocations deleted\n", user, n);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "revoked", user);
	rte_tel_data_add_dict_u64(d, "deleted", (uint64_t)n);
}

static void
alternate_from_conf(struct dturn_app *app)
{
	const struct conf_turn *t = &app->conf.turn;
	struct stun_addr *alt = &app->settings.turn.alternate_server;

	memset(alt, 0, sizeof(*alt));
	if (t->alternate_family == AF_INET) {
		alt->family = STUN_FAMILY_IPV4;
		memcpy(alt->addr, &t->alternate_ipv4, 4);
	} else if (t->alternate_family == AF_INET6) {
		alt->family = STUN_FAMILY_IPV6;
		memcpy(alt->addr, t->alternate_ipv6, 16);
	}
	alt->port = t->alternate_port;
}

/* A reload brings revoked users back (docs/dturnctl.md) and may move the alternate. */
void
dturn_mgmt_reloaded(struct dturn_app *app)
{
	turn_admin_unrevoke_all(&app->control->turn);
	alternate_from_conf(app);
	dturn_stream_reload(app); /* [stream] TLS certificate and key, on the stream thread */
}

static void
cmd_reload(struct dturn_app *app, struct rte_tel_data *d)
{
	char err[RTE_TEL_MAX_STRING_LEN] = "";

	if (dturn_reload(app, err, sizeof(err)) != 0) {
		reply_error(d, "%s", err[0] != '\0' ? err : "reload failed");
		return;
	}
	dturn_mgmt_reloaded(app);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "reloaded", app->config_path);
}

static void
add_alternate(struct dturn_app *app, struct rte_tel_data *d)
{
	const struct stun_addr *alt = &app->settings.turn.alternate_server;
	char text[MGMT_ID_MAX] = "none";

	if (alt->family != 0)
		format_addr(text, sizeof(text), alt->family, alt->addr, alt->port);
	rte_tel_data_add_dict_string(d, "alternate_server", text);
}

static void
cmd_drain(struct dturn_app *app, const char *arg, struct rte_tel_data *d)
{
	struct turn_control *ctl = &app->control->turn;

	if (arg != NULL && strcmp(arg, "on") == 0) {
		if (!ctl->draining)
			RTE_LOG(NOTICE, DTURN, "management: draining, new allocations refused\n");
		ctl->draining = true;
	} else if (arg != NULL && strcmp(arg, "off") == 0) {
		if (ctl->draining)
			RTE_LOG(NOTICE, DTURN, "management: drain off, allocating again\n");
		ctl->draining = false;
	} else if (arg != NULL && arg[0] != '\0') {
		reply_error(d, "drain takes on or off (got '%.20s')", arg);
		return;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "draining", ctl->draining);
	add_alternate(app, d);
	rte_tel_data_add_dict_u64(d, "allocations", app->table != NULL ? table_count(app->table) : 0);
}

static void
cmd_status(struct dturn_app *app, struct rte_tel_data *d)
{
	const struct turn_control *ctl = &app->control->turn;
	struct rte_tel_data *users = rte_tel_data_alloc();

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "draining", ctl->draining);
	add_alternate(app, d);
	rte_tel_data_add_dict_u64(d, "allocations", app->table != NULL ? table_count(app->table) : 0);
	rte_tel_data_add_dict_u64(d, "capacity", app->table != NULL ? table_capacity(app->table) : 0);
	rte_tel_data_add_dict_u64(d, "pending", app->table != NULL ? table_pending(app->table) : 0);
	rte_tel_data_add_dict_string(d, "log_level", log_level_name());
	if (users != NULL) {
		rte_tel_data_start_array(users, RTE_TEL_STRING_VAL);
		for (unsigned int i = 0; i < ctl->revoked_count; i++)
			rte_tel_data_add_array_string(users, ctl->revoked[i]);
		if (rte_tel_data_add_dict_container(d, "revoked_users", users, 0) != 0)
			rte_tel_data_free(users);
	}
}

static void
serve(struct dturn_app *app, enum mgmt_op op, const char *params, struct rte_tel_data *d)
{
	uint64_t now_ms = dp_now_ms(&app->settings);

	if (app->table == NULL && op != MGMT_STATUS && op != MGMT_RELOAD && op != MGMT_DRAIN) {
		reply_error(d, "no TURN service: no [users] or [rest] secret configured");
		return;
	}
	switch (op) {
	case MGMT_STATUS: cmd_status(app, d); break;
	case MGMT_LIST: cmd_list(app, params, d, now_ms); break;
	case MGMT_SHOW: cmd_show(app, params, d, now_ms); break;
	case MGMT_DELETE: cmd_delete(app, params, d, now_ms); break;
	case MGMT_REVOKE: cmd_revoke(app, params, d); break;
	case MGMT_RELOAD: cmd_reload(app, d); break;
	case MGMT_DRAIN: cmd_drain(app, params, d); break;
	}
}

unsigned int
dturn_mgmt_poll(struct dturn_app *app)
{
	uint32_t posted = BOX_POSTED;

	if (__atomic_load_n(&box.state, __ATOMIC_ACQUIRE) != BOX_POSTED ||
	    !__atomic_compare_exchange_n(&box.state, &posted, BOX_TAKEN, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return 0;
	serve(app, box.op, box.params, box.reply);
	__atomic_store_n(&box.state, BOX_DONE, __ATOMIC_RELEASE);
	return 1;
}

/* ---- the telemetry side ---- */

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
on_control(enum mgmt_op op, const char *params, struct rte_tel_data *d)
{
	const struct timespec tick = { .tv_nsec = 200000 };
	uint32_t posted = BOX_POSTED;

	pthread_mutex_lock(&box.lock);
	if (!__atomic_load_n(&box.open, __ATOMIC_ACQUIRE)) {
		pthread_mutex_unlock(&box.lock);
		reply_error(d, "dturn is not serving (starting up or stopping)");
		return 0;
	}
	box.op = op;
	box.params = params;
	box.reply = d;
	__atomic_store_n(&box.state, BOX_POSTED, __ATOMIC_RELEASE);

	uint64_t deadline = mono_ms() + MGMT_WAIT_MS;

	while (__atomic_load_n(&box.state, __ATOMIC_ACQUIRE) != BOX_DONE) {
		/* Not taken in time: withdraw it. Once taken, the (bounded) work is waited for. */
		if (mono_ms() >= deadline &&
		    __atomic_compare_exchange_n(&box.state, &posted, BOX_IDLE, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			pthread_mutex_unlock(&box.lock);
			reply_error(d, "the control lcore did not answer within %d ms", MGMT_WAIT_MS);
			return 0;
		}
		posted = BOX_POSTED;
		nanosleep(&tick, NULL);
	}
	__atomic_store_n(&box.state, BOX_IDLE, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&box.lock);
	return 0;
}

#define CONTROL_CB(fn, op) \
	static int fn(const char *cmd, const char *params, struct rte_tel_data *d) \
	{ (void)cmd; return on_control(op, params, d); }

CONTROL_CB(status_cb, MGMT_STATUS)
CONTROL_CB(list_cb, MGMT_LIST)
CONTROL_CB(show_cb, MGMT_SHOW)
CONTROL_CB(delete_cb, MGMT_DELETE)
CONTROL_CB(revoke_cb, MGMT_REVOKE)
CONTROL_CB(reload_cb, MGMT_RELOAD)
CONTROL_CB(drain_cb, MGMT_DRAIN)

/* The log level needs no control lcore: rte_log's per-type level is one int. */
static int
log_level_cb(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	if (params != NULL && params[0] != '\0') {
		unsigned int level = 0;

		for (unsigned int l = RTE_LOG_EMERG; l <= RTE_LOG_DEBUG; l++)
			if (strcmp(params, level_names[l]) == 0)
				level = l;
		if (level == 0) {
			reply_error(d, "unknown log level '%.20s' (emerg alert crit err warning "
				    "notice info debug)", params);
			return 0;
		}
		rte_log_set_level(RTE_LOGTYPE_DTURN, level);
		RTE_LOG(NOTICE, DTURN, "management: log level %s\n", level_names[level]);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "log_level", log_level_name());
	return 0;
}

int
dturn_mgmt_start(struct dturn_app *app)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/dturn/status", status_cb, "Drain state, allocations, revoked users, log level" },
		{ "/dturn/alloc/list", list_cb,
		  "Allocations (first " RTE_STR(MGMT_LIST_MAX) "); parameter: user=U,client=IP[:port]" },
		{ "/dturn/alloc/show", show_cb, "One allocation; parameter: relayed IP:port" },
		{ "/dturn/alloc/delete", delete_cb, "Delete an allocation; parameter: relayed IP:port" },
		{ "/dturn/user/revoke", revoke_cb,
		  "Delete a user's allocations and refuse it until a reload; parameter: user" },
		{ "/dturn/reload", reload_cb, "Re-read the configuration file" },
		{ "/dturn/drain", drain_cb, "Refuse new allocations; parameter: on or off" },
		{ "/dturn/log_level", log_level_cb, "dturn's log level; parameter: emerg..debug" },
	};
	int rc = 0;

	alternate_from_conf(app);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn, cmds[i].help) != 0) {
			RTE_LOG(WARNING, DTURN, "telemetry command %s not registered\n", cmds[i].cmd);
			rc = -1;
		}
	}
	__atomic_store_n(&box.open, 1, __ATOMIC_RELEASE);
	return rc;
}

void
dturn_mgmt_stop(struct dturn_app *app)
{
	__atomic_store_n(&box.open, 0, __ATOMIC_RELEASE);
	/* A command posted just before: answer it now rather than let it time out. */
	dturn_mgmt_poll(app);
}
