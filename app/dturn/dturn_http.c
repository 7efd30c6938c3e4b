/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management endpoint ([mgmt] http_listen): GET /metrics, /healthz and
 * /readyz served by libmicrohttpd's own thread on the kernel's stack. That
 * thread is not an EAL lcore: it only reads (counters, heartbeats, port stats
 * and the table's counts), so it needs no lock and slows no worker.
 * What the pages say is lib/mgmt's; this file fills its snapshot and speaks HTTP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "dturn_app.h"
#include "dturn_stream.h"
#include "mgmt.h"
#include "stun.h"
#include "table.h"

/* Bounds on what a client of the endpoint can hold: it is for a scraper or two. */
#define HTTP_CONNECTIONS 16
#define HTTP_PER_IP_CONNECTIONS 8
#define HTTP_TIMEOUT_S 5
#define HTTP_METRICS_FIRST_SIZE (64 * 1024)

static const char *
reason_name(int r)
{
	return stun_result_name((enum stun_result)r);
}

void
dturn_http_collect(void *arg, struct mgmt_view *v)
{
	const struct dturn_app *app = arg;

	memset(v, 0, sizeof(*v));
	v->tsc_hz = rte_get_tsc_hz();
	v->start_tsc = app->start_tsc;
	v->reason_name = reason_name;
	v->reason_count = STUN_RESULT_MAX;
	v->stopping = __atomic_load_n(&app->quit, __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < app->worker_count && v->lcore_count < MGMT_MAX_LCORES - 1; i++) {
		const struct dp_lcore *lc = app->workers[i];
		struct mgmt_lcore_view *l = &v->lcores[v->lcore_count++];

		l->worker = true;
		l->worker_index = i;
		if (lc == NULL)
			continue;
		l->mx = &lc->mx;
		l->lcore_id = lc->lcore_id;
		l->heartbeat_tsc = __atomic_load_n(&lc->heartbeat_tsc, __ATOMIC_RELAXED);
	}
	if (app->control != NULL) {
		struct mgmt_lcore_view *l = &v->lcores[v->lcore_count++];

		l->mx = &app->control->mx;
		l->lcore_id = rte_get_main_lcore();
		v->draining = __atomic_load_n(&app->control->turn.draining, __ATOMIC_RELAXED);
	}
	/* The TURN TCP/TLS thread's counters: role="stream", on the main lcore's id (it runs
	 * beside the control lcore; the role keeps its series apart). */
	if (app->stream != NULL && v->lcore_count < MGMT_MAX_LCORES) {
		struct mgmt_lcore_view *l = &v->lcores[v->lcore_count++];

		l->mx = &app->stream->mx;
		l->lcore_id = rte_get_main_lcore();
		l->role = "stream";
	}
	/* The [port] sections' ports: the stream taps and link come after them, unnamed. */
	for (unsigned int i = 0; i < app->port_count && i < app->conf.port_count && i < MGMT_MAX_PORTS;
	     i++) {
		struct mgmt_port_view *p = &v->ports[v->port_count++];
		struct rte_eth_stats st;
		struct rte_eth_link link;

		p->name = app->conf.ports[i].name;
		if (rte_eth_link_get_nowait(app->ports[i].port_id, &link) == 0)
			p->link_up = link.link_status == RTE_ETH_LINK_UP;
		if (rte_eth_stats_get(app->ports[i].port_id, &st) == 0) {
			p->ipackets = st.ipackets;
			p->opackets = st.opackets;
			p->ibytes = st.ibytes;
			p->obytes = st.obytes;
			p->imissed = st.imissed;
			p->ierrors = st.ierrors;
			p->oerrors = st.oerrors;
			p->rx_nombuf = st.rx_nombuf;
		}
	}
	if (app->table != NULL) {
		v->has_table = true;
		v->table_count = table_count(app->table);
		v->table_capacity = table_capacity(app->table);
		v->table_pending = table_pending(app->table);
	}
	/* Last, so every heartbeat read above is older than the clock it is judged by. */
	v->now_tsc = rte_rdtsc();
}

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned int status, const char *type, char *body,
      enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, mode);
	enum MHD_Result ret;

	if (r == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
reply_text(struct MHD_Connection *conn, unsigned int status, const char *line)
{
	char *body = malloc(strlen(line) + 2);

	if (body == NULL)
		return MHD_NO;
	strcpy(body, line);
	strcat(body, "\n");
	return reply(conn, status, "text/plain; charset=utf-8", body, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result
serve_metrics(struct MHD_Connection *conn, const struct mgmt_view *v)
{
	size_t size = HTTP_METRICS_FIRST_SIZE;
	char *buf = malloc(size);
	size_t need;

	if (buf == NULL)
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	need = mgmt_prometheus_format(v, buf, size);
	if (need >= size) {
		char *bigger = realloc(buf, need + 1);

		if (bigger == NULL) {
			free(buf);
			return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
		}
		buf = bigger;
		mgmt_prometheus_format(v, buf, need + 1);
	}
	return reply(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", buf,
		     MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct dturn_app *app = cls;
	struct mgmt_view *v;
	char why[160];
	enum MHD_Result ret;
	bool known = strcmp(url, "/metrics") == 0 || strcmp(url, "/healthz") == 0 ||
		     strcmp(url, "/readyz") == 0;

	if (!known)
		return reply_text(conn, MHD_HTTP_NOT_FOUND, "not found: try /metrics, /healthz or /readyz");
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed: GET or HEAD");
	v = malloc(sizeof(*v));
	if (v == NULL)
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	dturn_http_collect(app, v);
	if (strcmp(url, "/metrics") == 0) {
		ret = serve_metrics(conn, v);
	} else {
		int rc = url[1] == 'h' ? mgmt_health(v, why, sizeof(why)) : mgmt_ready(v, why, sizeof(why));

		ret = reply_text(conn, rc == 0 ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, why);
	}
	free(v);
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	return ret;
}

int
dturn_http_start(struct dturn_app *app)
{
	const struct conf_mgmt *m = &app->conf.mgmt;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	const struct sockaddr *sa = (const struct sockaddr *)&sin;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	char addr[INET6_ADDRSTRLEN] = "?";

	if (!m->http_enabled) {
		RTE_LOG(INFO, DTURN, "[mgmt] http_listen = off: no /metrics, /healthz, /readyz\n");
		return 0;
	}
	if (m->http_family == AF_INET6) {
		memcpy(&sin6.sin6_addr, m->http_ipv6, 16);
		sin6.sin6_port = htons(m->http_port);
		sa = (const struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
		inet_ntop(AF_INET6, m->http_ipv6, addr, sizeof(addr));
	} else {
		sin.sin_addr.s_addr = m->http_ipv4;
		sin.sin_port = htons(m->http_port);
		inet_ntop(AF_INET, &m->http_ipv4, addr, sizeof(addr));
	}
	errno = 0;
	app->http = MHD_start_daemon(flags, m->http_port, NULL, NULL, on_request, app,
				     MHD_OPTION_SOCK_ADDR, sa,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CONNECTIONS,
				     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)HTTP_PER_IP_CONNECTIONS,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_TIMEOUT_S,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
				     MHD_OPTION_END);
	if (app->http == NULL) {
		RTE_LOG(ERR, DTURN, "[mgmt] http_listen %s%s%s:%u: cannot listen%s%s "
			"(another dturn on this port? set [mgmt] http_listen to another port or off)\n",
			m->http_family == AF_INET6 ? "[" : "", addr, m->http_family == AF_INET6 ? "]" : "",
			m->http_port, errno != 0 ? ": " : "", errno != 0 ? strerror(errno) : "");
		return -1;
	}
	RTE_LOG(NOTICE, DTURN, "management endpoint on http://%s%s%s:%u/ (/metrics /healthz /readyz)\n",
		m->http_family == AF_INET6 ? "[" : "", addr, m->http_family == AF_INET6 ? "]" : "",
		m->http_port);
	return 0;
}

void
dturn_http_stop(struct dturn_app *app)
{
	if (app->http == NULL)
		return;
	MHD_stop_daemon(app->http);
	app->http = NULL;
}
