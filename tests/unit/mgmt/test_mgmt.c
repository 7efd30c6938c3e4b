/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/mgmt on hand-built snapshots: the exposition is valid Prometheus text
 * (names, labels, one HELP/TYPE per family, a family's samples together, no
 * series twice), carries every counter of every lcore with its value, sums
 * right per family, and the health verdicts say why they fail.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "mgmt.h"

#define HZ 1000000000ull /* 1 GHz: 1 ms = 1e6 cycles */
#define TEXT_MAX (1024 * 1024)

static struct metrics_lcore blocks[3];
static struct mgmt_view view;
static char text[TEXT_MAX];

static const char *const fake_reasons[] = { "OK", "TOO_SHORT", "BAD_LENGTH" };

static const char *
fake_reason_name(int r)
{
	return fake_reasons[r];
}

/* Two workers (lcores 1, 2) and the control lcore (0); every counter distinct. */
static void
make_view(void)
{
	memset(&view, 0, sizeof(view));
	memset(blocks, 0, sizeof(blocks));
	for (int b = 0; b < 3; b++) {
		for (int c = 0; c < METRICS_COUNTER_MAX; c++)
			blocks[b].counter[c] = (uint64_t)c * 1000 + (uint64_t)b;
		blocks[b].stun_decode[1] = 7 + (uint64_t)b;
		blocks[b].stun_decode[2] = 70 + (uint64_t)b;
	}
	view.tsc_hz = HZ;
	view.start_tsc = 1000;
	view.now_tsc = 1000 + 4 * HZ;
	blocks[0].counter[METRICS_BUSY_CYCLES] = HZ;         /* 1 s of 4: 0.25 */
	blocks[1].counter[METRICS_BUSY_CYCLES] = 3 * HZ;     /* 0.75 */
	for (unsigned int i = 0; i < 2; i++) {
		view.lcores[i] = (struct mgmt_lcore_view){ .mx = &blocks[i], .lcore_id = i + 1,
			.worker = true, .worker_index = i, .heartbeat_tsc = view.now_tsc - HZ / 100 };
	}
	view.lcores[2] = (struct mgmt_lcore_view){ .mx = &blocks[2], .lcore_id = 0 };
	view.lcore_count = 3;
	view.ports[0] = (struct mgmt_port_view){ .name = "client", .link_up = true, .ipackets = 11,
		.opackets = 12, .ibytes = 1100, .obytes = 1200, .imissed = 3, .ierrors = 4,
		.oerrors = 5, .rx_nombuf = 6 };
	view.ports[1] = (struct mgmt_port_view){ .name = "peer", .link_up = true };
	view.port_count = 2;
	view.has_table = true;
	view.table_count = 5;
	view.table_capacity = 8;
	view.table_pending = 1;
	view.reason_name = fake_reason_name;
	view.reason_count = 3;
}

static size_t
format(void)
{
	size_t n = mgmt_prometheus_format(&view, text, sizeof(text));

	CU_ASSERT_FATAL(n < sizeof(text));
	CU_ASSERT_EQUAL(strlen(text), n);
	return n;
}

static bool
has_line(const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

#define EXPECT_LINE(...) do { \
	char want_[512]; \
	snprintf(want_, sizeof(want_), __VA_ARGS__); \
	CU_ASSERT_TRUE(has_line(want_)); \
	if (!has_line(want_)) \
		fprintf(stderr, "\n  test_mgmt.c:%d: missing line '%s'\n", __LINE__, want_); \
} while (0)

static bool
name_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' || c == ':' || (!first && isdigit((unsigned char)c));
}

/* Length of a valid metric name at s (0: not one). */
static size_t
metric_name_len(const char *s)
{
	size_t n = 0;

	while (name_char(s[n], n == 0))
		n++;
	return n;
}

/*
 * Walk the text line by line: HELP then TYPE for each family, once; samples
 * only of the family just declared; label names valid, values quoted; counters
 * end in _total; a value after the labels; no series repeated.
 */
static void
test_text_is_valid(void)
{
	char family[128] = "", type[16] = "";
	static char seen_families[512][128];
	unsigned int nfamilies = 0, nsamples = 0;
	char *copy, *save = NULL;
	static char series[8192][256];
	unsigned int nseries = 0;

	make_view();
	format();
	copy = strdup(text);
	CU_ASSERT_FATAL(copy != NULL);
	CU_ASSERT(text[strlen(text) - 1] == '\n');
	for (char *line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# HELP ", 7) == 0) {
			size_t n = metric_name_len(line + 7);

			CU_ASSERT_FATAL(n > 0 && n < sizeof(family));
			memcpy(family, line + 7, n);
			family[n] = '\0';
			CU_ASSERT(line[7 + n] == ' ' && line[8 + n] != '\0');
			for (unsigned int i = 0; i < nfamilies; i++)
				CU_ASSERT(strcmp(seen_families[i], family) != 0);
			CU_ASSERT_FATAL(nfamilies < 512);
			snprintf(seen_families[nfamilies++], sizeof(seen_families[0]), "%s", family);
			type[0] = '\0';
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			size_t n = metric_name_len(line + 7);

			CU_ASSERT(n == strlen(family) && strncmp(line + 7, family, n) == 0);
			snprintf(type, sizeof(type), "%s", line + 8 + n);
			CU_ASSERT(strcmp(type, "counter") == 0 || strcmp(type, "gauge") == 0);
			if (strcmp(type, "counter") == 0)
				CU_ASSERT(n > 6 && strcmp(family + n - 6, "_total") == 0);
			continue;
		}
		CU_ASSERT(line[0] != '#');
		size_t n = metric_name_len(line);

		CU_ASSERT(type[0] != '\0');
		CU_ASSERT(n == strlen(family) && strncmp(line, family, n) == 0);
		if (n != strlen(family) || strncmp(line, family, n) != 0)
			fprintf(stderr, "\n  sample outside its family %s: %s\n", family, line);
		const char *p = line + n;

		if (*p == '{') {
			p++;
			while (*p != '}') {
				size_t ln = 0;

				while (isalnum((unsigned char)p[ln]) || p[ln] == '_')
					ln++;
				CU_ASSERT_FATAL(ln > 0 && !isdigit((unsigned char)p[0]));
				CU_ASSERT_FATAL(p[ln] == '=' && p[ln + 1] == '"');
				p += ln + 2;
				while (*p != '"') {
					CU_ASSERT_FATAL(*p != '\0');
					p += *p == '\\' ? 2 : 1;
				}
				p++;
				CU_ASSERT_FATAL(*p == ',' || *p == '}');
				if (*p == ',')
					p++;
			}
			p++;
		}
		CU_ASSERT_FATAL(*p == ' ');
		char *end;

		strtod(p + 1, &end);
		CU_ASSERT(end != p + 1 && *end == '\0');
		/* The series is everything before the value. */
		CU_ASSERT_FATAL(nseries < 8192 && (size_t)(p - line) < sizeof(series[0]));
		memcpy(series[nseries], line, (size_t)(p - line));
		series[nseries][p - line] = '\0';
		for (unsigned int i = 0; i < nseries; i++)
			CU_ASSERT(strcmp(series[i], series[nseries]) != 0);
		nseries++;
		nsamples++;
	}
	free(copy);
	/* Every counter for 3 lcores, 2 reasons x 3, 2 busy + 2 age, hz, uptime, draining + 3 table, 2 up,
	 * 3 families x 2 ports x 2 directions, 2 x 2 ports single. */
	CU_ASSERT_EQUAL(nsamples, METRICS_COUNTER_MAX * 3 + 6 + 4 + 2 + 4 + 2 + 12 + 4);
}

/* Each counter of each lcore once, with its exact value and family labels. */
static void
test_every_counter(void)
{
	struct mgmt_family f;
	static const char *const lc[] = { "lcore=\"1\",role=\"worker\"", "lcore=\"2\",role=\"worker\"",
					   "lcore=\"0\",role=\"control\"" };

	make_view();
	format();
	for (int c = 0; c < METRICS_COUNTER_MAX; c++) {
		mgmt_counter_family((enum metrics_counter)c, &f);
		for (int b = 0; b < 3; b++)
			EXPECT_LINE("%s{%s%s%s} %" PRIu64, f.name, lc[b], f.labels[0] ? "," : "",
				    f.labels, blocks[b].counter[c]);
	}
	/* The families, spelled out. */
	EXPECT_LINE("dturn_packets_total{lcore=\"1\",role=\"worker\",direction=\"rx\"} %d",
		    METRICS_RX_PACKETS * 1000);
	EXPECT_LINE("dturn_packets_total{lcore=\"2\",role=\"worker\",direction=\"tx\"} %d",
		    METRICS_TX_PACKETS * 1000 + 1);
	EXPECT_LINE("dturn_drops_total{lcore=\"0\",role=\"control\",reason=\"eth_short\"} %d",
		    METRICS_DROP_ETH_SHORT * 1000 + 2);
	EXPECT_LINE("dturn_drops_total{lcore=\"1\",role=\"worker\",reason=\"tx_queue_full\"} %d",
		    METRICS_TX_DROPPED * 1000);
	EXPECT_LINE("dturn_turn_errors_total{lcore=\"1\",role=\"worker\",code=\"508\"} %d",
		    METRICS_TURN_ERROR_508 * 1000);
	EXPECT_LINE("dturn_auth_failures_total{lcore=\"1\",role=\"worker\",code=\"401\",reason=\"wrong_credentials\"} %d",
		    METRICS_TURN_AUTH_FAILED * 1000);
	EXPECT_LINE("dturn_auth_failures_total{lcore=\"1\",role=\"worker\",code=\"438\",reason=\"stale_nonce\"} %d",
		    METRICS_TURN_STALE_NONCE * 1000);
	EXPECT_LINE("dturn_relayed_packets_total{lcore=\"2\",role=\"worker\",path=\"to_peer\"} %d",
		    METRICS_RELAY_TO_PEER * 1000 + 1);
	EXPECT_LINE("dturn_stun_binding_answered_total{lcore=\"1\",role=\"worker\"} %d",
		    METRICS_STUN_BINDING_ANSWERED * 1000);
	EXPECT_LINE("# TYPE dturn_drops_total counter");
	EXPECT_LINE("dturn_stun_decode_errors_total{lcore=\"1\",role=\"worker\",reason=\"too_short\"} 7");
	EXPECT_LINE("dturn_stun_decode_errors_total{lcore=\"0\",role=\"control\",reason=\"bad_length\"} 72");
}

/* Sum of every sample of a family, parsed back from the text. */
static uint64_t
family_sum(const char *name)
{
	uint64_t sum = 0;
	size_t n = strlen(name);

	for (const char *p = text; *p != '\0'; p = strchr(p, '\n') + 1) {
		if (strncmp(p, name, n) == 0 && (p[n] == '{' || p[n] == ' '))
			sum += strtoull(strchr(p, ' ') + 1, NULL, 10);
		if (strchr(p, '\n') == NULL)
			break;
	}
	return sum;
}

static void
test_family_sums(void)
{
	uint64_t drops = 0, errors = 0, relayed = 0, packets = 0;

	make_view();
	format();
	for (int c = 0; c < METRICS_COUNTER_MAX; c++) {
		const char *name = metrics_counter_name((enum metrics_counter)c);
		uint64_t all = blocks[0].counter[c] + blocks[1].counter[c] + blocks[2].counter[c];

		if (strncmp(name, "drop_", 5) == 0 || c == METRICS_TX_DROPPED)
			drops += all;
		if (strncmp(name, "turn_error_", 11) == 0)
			errors += all;
		if (strncmp(name, "relay_", 6) == 0)
			relayed += all;
		if (c == METRICS_RX_PACKETS || c == METRICS_TX_PACKETS)
			packets += all;
	}
	CU_ASSERT_EQUAL(family_sum("dturn_drops_total"), drops);
	CU_ASSERT_EQUAL(family_sum("dturn_turn_errors_total"), errors);
	CU_ASSERT_EQUAL(family_sum("dturn_relayed_packets_total"), relayed);
	CU_ASSERT_EQUAL(family_sum("dturn_packets_total"), packets);
	CU_ASSERT_EQUAL(family_sum("dturn_stun_decode_errors_total"), 7 + 8 + 9 + 70 + 71 + 72);
	CU_ASSERT_EQUAL(family_sum("dturn_port_bytes_total"), 2300);
}

static void
test_gauges(void)
{
	make_view();
	format();
	EXPECT_LINE("dturn_lcore_busy_ratio{lcore=\"1\",role=\"worker\"} 0.250000");
	EXPECT_LINE("dturn_lcore_busy_ratio{lcore=\"2\",role=\"worker\"} 0.750000");
	CU_ASSERT_PTR_NULL(strstr(text, "dturn_lcore_busy_ratio{lcore=\"0\""));
	EXPECT_LINE("dturn_lcore_last_poll_age_seconds{lcore=\"1\",role=\"worker\"} 0.010000");
	EXPECT_LINE("dturn_tsc_hz 1000000000");
	EXPECT_LINE("dturn_uptime_seconds 4.000");
	EXPECT_LINE("dturn_draining 0");
	EXPECT_LINE("dturn_allocations 5");
	EXPECT_LINE("dturn_allocations_capacity 8");
	EXPECT_LINE("dturn_allocations_pending 1");
	EXPECT_LINE("dturn_port_up{port=\"client\"} 1");
	EXPECT_LINE("dturn_port_packets_total{port=\"client\",direction=\"rx\"} 11");
	EXPECT_LINE("dturn_port_bytes_total{port=\"client\",direction=\"tx\"} 1200");
	EXPECT_LINE("dturn_port_errors_total{port=\"client\",direction=\"tx\"} 5");
	EXPECT_LINE("dturn_port_missed_total{port=\"client\"} 3");
	EXPECT_LINE("dturn_port_rx_nombuf_total{port=\"client\"} 6");
	EXPECT_LINE("dturn_port_missed_total{port=\"peer\"} 0");

	/* More busy cycles than elapsed (clock read before the counter) reads as 1, not more. */
	blocks[0].counter[METRICS_BUSY_CYCLES] = 5 * HZ;
	format();
	EXPECT_LINE("dturn_lcore_busy_ratio{lcore=\"1\",role=\"worker\"} 1.000000");
	/* A worker that never polled has a busy ratio but no poll age. */
	view.lcores[1].heartbeat_tsc = 0;
	format();
	CU_ASSERT_PTR_NULL(strstr(text, "dturn_lcore_last_poll_age_seconds{lcore=\"2\""));

	/* Without [turn]: no allocation gauges; without ports: no port families. */
	view.has_table = false;
	view.port_count = 0;
	format();
	CU_ASSERT_PTR_NULL(strstr(text, "dturn_allocations"));
	CU_ASSERT_PTR_NULL(strstr(text, "dturn_draining"));
	CU_ASSERT_PTR_NULL(strstr(text, "dturn_port_"));
	/* A missing block is skipped, not printed as zero. */
	view.lcores[1].mx = NULL;
	format();
	CU_ASSERT_PTR_NULL(strstr(text, "lcore=\"2\""));
}

static void
test_label_escaping(void)
{
	make_view();
	view.ports[0].name = "a\"b\\c\nd";
	format();
	EXPECT_LINE("dturn_port_up{port=\"a\\\"b\\\\c\\nd\"} 1");
}

/* A short buffer: snprintf's contract, the same length reported, a prefix written. */
static void
test_truncation(void)
{
	char small[100];
	size_t full, n;

	make_view();
	full = format();
	memset(small, 'x', sizeof(small));
	n = mgmt_prometheus_format(&view, small, sizeof(small));
	CU_ASSERT_EQUAL(n, full);
	CU_ASSERT_EQUAL(small[sizeof(small) - 1], '\0');
	CU_ASSERT_EQUAL(strncmp(small, text, sizeof(small) - 1), 0);
	CU_ASSERT_EQUAL(mgmt_prometheus_format(&view, NULL, 0), full);
	small[0] = 'x';
	CU_ASSERT_EQUAL(mgmt_prometheus_format(&view, small, 1), full);
	CU_ASSERT_EQUAL(small[0], '\0');
}

static void
expect_verdict(int (*fn)(const struct mgmt_view *, char *, size_t), int rc, const char *why)
{
	char buf[160];

	CU_ASSERT_EQUAL(fn(&view, buf, sizeof(buf)), rc);
	CU_ASSERT_STRING_EQUAL(buf, why);
	if (strcmp(buf, why) != 0)
		fprintf(stderr, "\n  wanted '%s', got '%s'\n", why, buf);
}

static void
test_health(void)
{
	make_view();
	expect_verdict(mgmt_health, 0, "ok");
	/* A pass after the snapshot's clock counts as fresh. */
	view.lcores[0].heartbeat_tsc = view.now_tsc + 5;
	expect_verdict(mgmt_health, 0, "ok");
	view.lcores[1].heartbeat_tsc = view.now_tsc - (uint64_t)MGMT_HEARTBEAT_MAX_MS * (HZ / 1000);
	expect_verdict(mgmt_health, 0, "ok");
	view.lcores[1].heartbeat_tsc = view.now_tsc - 3 * HZ;
	expect_verdict(mgmt_health, -1, "worker 1 (lcore 2) has not polled for 3000 ms");
	view.lcores[1].heartbeat_tsc = 0;
	expect_verdict(mgmt_health, -1, "worker 1 (lcore 2) has not polled yet");
	make_view();
	view.stopping = true;
	expect_verdict(mgmt_health, -1, "stopping");
	make_view();
	view.lcores[0] = view.lcores[2];
	view.lcore_count = 1;
	expect_verdict(mgmt_health, -1, "no worker lcore");
}

static void
test_ready(void)
{
	make_view();
	expect_verdict(mgmt_ready, 0, "ok");
	view.ports[1].link_up = false;
	expect_verdict(mgmt_ready, -1, "port peer: link down");
	make_view();
	view.table_count = 7;
	expect_verdict(mgmt_ready, 0, "ok");
	view.table_count = 8;
	expect_verdict(mgmt_ready, -1, "allocation table full (8 of 8)");
	view.has_table = false;
	expect_verdict(mgmt_ready, 0, "ok");
	view.draining = true;
	expect_verdict(mgmt_ready, -1, "draining: new allocations refused");
	expect_verdict(mgmt_health, 0, "ok");
	view.draining = false;
	/* Not alive is not ready, with the liveness reason. */
	view.lcores[0].heartbeat_tsc = 0;
	expect_verdict(mgmt_ready, -1, "worker 0 (lcore 1) has not polled yet");
}

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "text is valid exposition", test_text_is_valid },
		{ "every counter of every lcore", test_every_counter },
		{ "family sums", test_family_sums },
		{ "gauges", test_gauges },
		{ "label escaping", test_label_escaping },
		{ "truncation like snprintf", test_truncation },
		{ "healthz", test_health },
		{ "readyz", test_ready },
	};
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("mgmt", NULL, NULL);
	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
