/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Prometheus text exposition, format 0.0.4: one "# HELP" and "# TYPE"
 * line per family, then all its samples together (the format requires a
 * family's samples to be contiguous). Counters read with relaxed loads: each
 * is written by one lcore only, so a sample is stale at worst, never torn.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mgmt.h"

/* snprintf into a buffer that keeps counting past its end. */
struct text {
	char *buf;
	size_t len;
	size_t used;
};

static void __attribute__((format(printf, 2, 3)))
put(struct text *t, const char *fmt, ...)
{
	size_t room = t->used < t->len ? t->len - t->used : 0;
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(room > 0 ? t->buf + t->used : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += (size_t)n;
}

/* A label value or help text with \, " and newline escaped as the format asks. */
static void
put_escaped(struct text *t, const char *s, bool quote)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			put(t, "\\\\");
		else if (*s == '\n')
			put(t, "\\n");
		else if (quote && *s == '"')
			put(t, "\\\"");
		else
			put(t, "%c", *s);
	}
}

static void
put_head(struct text *t, const char *name, const char *help, const char *type)
{
	put(t, "# HELP %s ", name);
	put_escaped(t, help, false);
	put(t, "\n# TYPE %s %s\n", name, type);
}

static void
put_lcore_labels(struct text *t, const struct mgmt_lcore_view *l)
{
	put(t, "lcore=\"%u\",role=\"%s\"", l->lcore_id,
	    l->role != NULL ? l->role : l->worker ? "worker" : "control");
}

static uint64_t
load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Whether an earlier counter of the list belongs to the same family. */
static bool
family_seen(enum metrics_counter c, const char *name)
{
	struct mgmt_family f;

	for (int e = 0; e < (int)c; e++) {
		mgmt_counter_family((enum metrics_counter)e, &f);
		if (strcmp(f.name, name) == 0)
			return true;
	}
	return false;
}

/* Every counter of the list, grouped by family, one sample per lcore. */
static void
put_counters(struct text *t, const struct mgmt_view *v)
{
	struct mgmt_family f, m;

	for (int c = 0; c < METRICS_COUNTER_MAX; c++) {
		mgmt_counter_family((enum metrics_counter)c, &f);
		if (family_seen((enum metrics_counter)c, f.name))
			continue;
		put_head(t, f.name, f.help, "counter");
		for (int e = c; e < METRICS_COUNTER_MAX; e++) {
			mgmt_counter_family((enum metrics_counter)e, &m);
			if (strcmp(m.name, f.name) != 0)
				continue;
			for (unsigned int i = 0; i < v->lcore_count; i++) {
				const struct mgmt_lcore_view *l = &v->lcores[i];

				if (l->mx == NULL)
					continue;
				put(t, "%s{", m.name);
				put_lcore_labels(t, l);
				put(t, "%s%s} %" PRIu64 "\n", m.labels[0] ? "," : "", m.labels,
				    load(&l->mx->counter[e]));
			}
		}
	}
}

/* stun_decode[] by reason name, lower-cased as in /dturn/stats. */
static void
put_decode_reasons(struct text *t, const struct mgmt_view *v)
{
	char reason[64];

	if (v->reason_name == NULL || v->reason_count < 2)
		return;
	put_head(t, "dturn_stun_decode_errors_total",
		 "STUN messages failing to decode, by reason (their sum is drop_stun_decode)", "counter");
	for (unsigned int r = 1; r < v->reason_count && r < METRICS_STUN_REASONS; r++) {
		snprintf(reason, sizeof(reason), "%s", v->reason_name((int)r));
		for (char *p = reason; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		for (unsigned int i = 0; i < v->lcore_count; i++) {
			const struct mgmt_lcore_view *l = &v->lcores[i];

			if (l->mx == NULL)
				continue;
			put(t, "dturn_stun_decode_errors_total{");
			put_lcore_labels(t, l);
			put(t, ",reason=\"");
			put_escaped(t, reason, true);
			put(t, "\"} %" PRIu64 "\n", load(&l->mx->stun_decode[r]));
		}
	}
}

double
mgmt_busy_ratio(const struct mgmt_view *v, const struct mgmt_lcore_view *l)
{
	if (l->mx == NULL || v->now_tsc <= v->start_tsc)
		return 0.0;

	double r = (double)load(&l->mx->counter[METRICS_BUSY_CYCLES]) /
		   (double)(v->now_tsc - v->start_tsc);

	return r > 1.0 ? 1.0 : r;
}

static void
put_lcore_gauges(struct text *t, const struct mgmt_view *v)
{
	put_head(t, "dturn_lcore_busy_ratio",
		 "share of TSC cycles since start a worker spent in loop passes that handled packets", "gauge");
	for (unsigned int i = 0; i < v->lcore_count; i++) {
		const struct mgmt_lcore_view *l = &v->lcores[i];

		if (!l->worker || l->mx == NULL)
			continue;
		put(t, "dturn_lcore_busy_ratio{");
		put_lcore_labels(t, l);
		put(t, "} %.6f\n", mgmt_busy_ratio(v, l));
	}
	put_head(t, "dturn_lcore_last_poll_age_seconds",
		 "time since a worker's last loop pass (absent until it first polls)", "gauge");
	for (unsigned int i = 0; i < v->lcore_count; i++) {
		const struct mgmt_lcore_view *l = &v->lcores[i];

		if (!l->worker || l->heartbeat_tsc == 0 || v->tsc_hz == 0)
			continue;

		uint64_t age = v->now_tsc > l->heartbeat_tsc ? v->now_tsc - l->heartbeat_tsc : 0;

		put(t, "dturn_lcore_last_poll_age_seconds{");
		put_lcore_labels(t, l);
		put(t, "} %.6f\n", (double)age / (double)v->tsc_hz);
	}
	put_head(t, "dturn_tsc_hz", "TSC frequency: rate(dturn_busy_cycles_total[1m]) / dturn_tsc_hz is the recent busy ratio", "gauge");
	put(t, "dturn_tsc_hz %" PRIu64 "\n", v->tsc_hz);
	put_head(t, "dturn_uptime_seconds", "time since the workers were launched", "gauge");
	put(t, "dturn_uptime_seconds %.3f\n",
	    v->tsc_hz != 0 && v->now_tsc > v->start_tsc ?
	    (double)(v->now_tsc - v->start_tsc) / (double)v->tsc_hz : 0.0);
}

static void
put_table_gauges(struct text *t, const struct mgmt_view *v)
{
	if (!v->has_table)
		return;
	put_head(t, "dturn_draining", "1 while new allocations are refused (dturnctl drain)", "gauge");
	put(t, "dturn_draining %d\n", v->draining ? 1 : 0);
	put_head(t, "dturn_allocations", "live TURN allocations in the table", "gauge");
	put(t, "dturn_allocations %" PRIu32 "\n", v->table_count);
	put_head(t, "dturn_allocations_capacity", "allocations the table holds ([turn] max_allocations)", "gauge");
	put(t, "dturn_allocations_capacity %" PRIu32 "\n", v->table_capacity);
	put_head(t, "dturn_allocations_pending", "deleted allocations waiting for every worker to move on before reuse", "gauge");
	put(t, "dturn_allocations_pending %" PRIu32 "\n", v->table_pending);
}

/* One per-port family: field picks the value, dir is the direction label or NULL. */
static void
put_port_family(struct text *t, const struct mgmt_view *v, const char *name, const char *help,
		size_t rx_off, size_t tx_off)
{
	put_head(t, name, help, "counter");
	for (unsigned int i = 0; i < v->port_count; i++) {
		const struct mgmt_port_view *p = &v->ports[i];
		const char *base = (const char *)p;

		put(t, "%s{port=\"", name);
		put_escaped(t, p->name, true);
		if (tx_off == (size_t)-1) {
			put(t, "\"} %" PRIu64 "\n", *(const uint64_t *)(base + rx_off));
			continue;
		}
		put(t, "\",direction=\"rx\"} %" PRIu64 "\n", *(const uint64_t *)(base + rx_off));
		put(t, "%s{port=\"", name);
		put_escaped(t, p->name, true);
		put(t, "\",direction=\"tx\"} %" PRIu64 "\n", *(const uint64_t *)(base + tx_off));
	}
}

static void
put_ports(struct text *t, const struct mgmt_view *v)
{
	if (v->port_count == 0)
		return;
	put_head(t, "dturn_port_up", "1 when the port's link is up", "gauge");
	for (unsigned int i = 0; i < v->port_count; i++) {
		put(t, "dturn_port_up{port=\"");
		put_escaped(t, v->ports[i].name, true);
		put(t, "\"} %d\n", v->ports[i].link_up ? 1 : 0);
	}
	put_port_family(t, v, "dturn_port_packets_total", "packets the port's driver counted, by direction",
			offsetof(struct mgmt_port_view, ipackets), offsetof(struct mgmt_port_view, opackets));
	put_port_family(t, v, "dturn_port_bytes_total", "bytes the port's driver counted, by direction",
			offsetof(struct mgmt_port_view, ibytes), offsetof(struct mgmt_port_view, obytes));
	put_port_family(t, v, "dturn_port_errors_total", "packets the port's driver counted as errors, by direction",
			offsetof(struct mgmt_port_view, ierrors), offsetof(struct mgmt_port_view, oerrors));
	put_port_family(t, v, "dturn_port_missed_total", "packets the NIC dropped because no RX descriptor was free",
			offsetof(struct mgmt_port_view, imissed), (size_t)-1);
	put_port_family(t, v, "dturn_port_rx_nombuf_total", "packets the driver dropped for want of an mbuf",
			offsetof(struct mgmt_port_view, rx_nombuf), (size_t)-1);
}

size_t
mgmt_prometheus_format(const struct mgmt_view *v, char *buf, size_t len)
{
	struct text t = { .buf = buf, .len = len, .used = 0 };

	if (len > 0)
		buf[0] = '\0';
	put_counters(&t, v);
	put_decode_reasons(&t, v);
	put_lcore_gauges(&t, v);
	put_table_gauges(&t, v);
	put_ports(&t, v);
	return t.used;
}
