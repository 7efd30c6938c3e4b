/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dturnctl without a daemon: the command line (every command, every usage
 * error), finding the socket from --prefix, --socket or --config, and the
 * replies printed (or refused) as the daemon would send them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "ctl.h"

static char err[512];

/* Parse a NULL-terminated list of words after "dturnctl". */
static int
parse(struct ctl_args *a, const char *const *words)
{
	char *argv[32] = { (char *)"dturnctl" };
	int argc = 1;

	for (; words[argc - 1] != NULL; argc++)
		argv[argc] = (char *)words[argc - 1];
	err[0] = '\0';
	return ctl_parse_args(argc, argv, a, err, sizeof(err));
}

#define PARSE(a, ...) parse(a, (const char *const[]){ __VA_ARGS__, NULL })

static void
test_commands_make_requests(void)
{
	static const struct {
		const char *words[6];
		enum ctl_cmd cmd;
		const char *req0, *req1;
	} cases[] = {
		{ { "stats" }, CTL_STATS, "/dturn/status", "/dturn/stats" },
		{ { "list" }, CTL_LIST, "/dturn/alloc/list", NULL },
		{ { "list", "--user", "alice" }, CTL_LIST, "/dturn/alloc/list,user=alice", NULL },
		{ { "list", "--client=198.18.0.2:4000" }, CTL_LIST,
		  "/dturn/alloc/list,client=198.18.0.2:4000", NULL },
		{ { "--user", "bob", "list", "--client", "[2001:db8::2]" }, CTL_LIST,
		  "/dturn/alloc/list,user=bob,client=[2001:db8::2]", NULL },
		{ { "show", "198.19.0.1:49152" }, CTL_SHOW, "/dturn/alloc/show,198.19.0.1:49152", NULL },
		{ { "delete", "[2001:db8:19::1]:50000" }, CTL_DELETE,
		  "/dturn/alloc/delete,[2001:db8:19::1]:50000", NULL },
		{ { "revoke", "alice" }, CTL_REVOKE, "/dturn/user/revoke,alice", NULL },
		{ { "reload" }, CTL_RELOAD, "/dturn/reload", NULL },
		{ { "drain" }, CTL_DRAIN, "/dturn/drain", NULL },
		{ { "drain", "on" }, CTL_DRAIN, "/dturn/drain,on", NULL },
		{ { "drain", "off" }, CTL_DRAIN, "/dturn/drain,off", NULL },
		{ { "log-level" }, CTL_LOG_LEVEL, "/dturn/log_level", NULL },
		{ { "log-level", "debug" }, CTL_LOG_LEVEL, "/dturn/log_level,debug", NULL },
		{ { "log-level", "emerg" }, CTL_LOG_LEVEL, "/dturn/log_level,emerg", NULL },
	};
	struct ctl_args a;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(&a, cases[i].words);

		if (rc != 0)
			fprintf(stderr, "case %zu: %s\n", i, err);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		CU_ASSERT_EQUAL(a.cmd, cases[i].cmd);
		CU_ASSERT_EQUAL(a.request_count, cases[i].req1 != NULL ? 2u : 1u);
		CU_ASSERT_STRING_EQUAL(a.requests[0], cases[i].req0);
		if (cases[i].req1 != NULL) {
			CU_ASSERT_STRING_EQUAL(a.requests[1], cases[i].req1);
		}
		CU_ASSERT_FALSE(a.json);
		CU_ASSERT_STRING_EQUAL(a.socket_path, "/var/run/dpdk/" CTL_DEFAULT_PREFIX "/dpdk_telemetry.v2");
	}
}

static void
test_usage_errors(void)
{
	static const struct {
		const char *words[6];
		const char *why;
	} cases[] = {
		{ { NULL }, "no command given" },
		{ { "frobnicate" }, "unknown command 'frobnicate'" },
		{ { "--colour", "stats" }, "unknown option '--colour'" },
		{ { "-x", "stats" }, "unknown option '-x'" },
		{ { "show" }, "show takes one argument" },
		{ { "show", "a", "b" }, "show takes one argument" },
		{ { "delete" }, "delete takes one argument" },
		{ { "revoke" }, "revoke takes one argument" },
		{ { "stats", "now" }, "stats takes no argument" },
		{ { "reload", "please" }, "reload takes no argument" },
		{ { "drain", "on", "off" }, "drain takes at most one argument" },
		{ { "drain", "maybe" }, "drain takes on or off, not 'maybe'" },
		{ { "log-level", "loud" }, "unknown log level 'loud'" },
		{ { "log-level", "INFO" }, "unknown log level 'INFO'" },
		{ { "show", "1.2.3.4:5", "--user", "x" }, "--user and --client go with list only" },
		{ { "list", "--user", "a,b" }, "bad user name 'a,b'" },
		{ { "list", "--user=" }, "bad user name ''" },
		{ { "list", "--client", "1.2.3.4 5" }, "bad client address" },
		{ { "revoke", "al,ice" }, "bad user name 'al,ice'" },
		{ { "show", "1.2.3.4:5,x" }, "bad allocation id" },
		{ { "list", "--user" }, "--user needs a value" },
		{ { "list", "--user", "a", "--user", "b" }, "--user given twice" },
		{ { "--prefix", "p", "--socket", "/s", "stats" }, "at most one of --prefix, --socket and --config" },
		{ { "--prefix", "../etc", "stats" }, "bad file prefix '../etc'" },
		{ { "--timeout", "0", "stats" }, "--timeout takes seconds" },
		{ { "--timeout", "soon", "stats" }, "--timeout takes seconds" },
		{ { "--config", "/nonexistent/dturn.conf", "stats" }, "cannot read /nonexistent/dturn.conf" },
	};
	struct ctl_args a;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(&a, cases[i].words);

		if (rc != -1 || strstr(err, cases[i].why) == NULL)
			fprintf(stderr, "case %zu: rc %d, err '%s', expected '%s'\n", i, rc, err,
				cases[i].why);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].why));
		CU_ASSERT_PTR_NULL(strchr(err, '\n'));
	}
}

static void
test_options(void)
{
	struct ctl_args a;

	CU_ASSERT_EQUAL_FATAL(PARSE(&a, "--help"), 0);
	CU_ASSERT(a.help);
	CU_ASSERT_EQUAL_FATAL(PARSE(&a, "--json", "--prefix", "dturn-2workers", "stats"), 0);
	CU_ASSERT(a.json);
	CU_ASSERT_STRING_EQUAL(a.socket_path, "/var/run/dpdk/dturn-2workers/dpdk_telemetry.v2");
	CU_ASSERT_EQUAL_FATAL(PARSE(&a, "reload", "--socket=/tmp/x.sock"), 0);
	CU_ASSERT_STRING_EQUAL(a.socket_path, "/tmp/x.sock");
	CU_ASSERT_EQUAL_FATAL(PARSE(&a, "--timeout", "0.5", "stats"), 0);
	CU_ASSERT_DOUBLE_EQUAL(a.timeout_s, 0.5, 1e-9);
}

static char *
write_temp(const char *text)
{
	char *path = strdup("/tmp/dturnctl-test-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_prefix_from_config(void)
{
	static const struct {
		const char *text;
		int rc;
		const char *prefix;
	} cases[] = {
		{ "[eal]\nlcores = 0-1\nfile_prefix = dturn-demo\n", 0, "dturn-demo" },
		{ "; comment\n[eal]\n  file_prefix=site_a.1  \n[turn]\nrealm = x\n", 0, "site_a.1" },
		{ "[eal]\nlcores = 0-1\n", 0, "dturn" },
		{ "[stun]\nfile_prefix = wrong\n[eal]\n", 0, "dturn" },
		{ "", 0, "dturn" },
		{ "[eal]\nfile_prefix = ../../etc\n", -1, NULL },
		{ "[eal]\nfile_prefix = a b\n", -1, NULL },
		{ "[eal]\nfile_prefix =\n", -1, NULL },
	};
	char out[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *path = write_temp(cases[i].text);
		int rc = ctl_prefix_from_config(path, out, sizeof(out), err, sizeof(err));

		CU_ASSERT_EQUAL(rc, cases[i].rc);
		if (cases[i].rc == 0) {
			CU_ASSERT_STRING_EQUAL(out, cases[i].prefix);
		} else {
			CU_ASSERT_PTR_NOT_NULL(strstr(err, "is not a plain name"));
		}
		unlink(path);
		free(path);
	}

	struct ctl_args a;
	char *path = write_temp("[eal]\nfile_prefix = from-config\n");
	int rc = PARSE(&a, "--config", path, "stats");

	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(a.socket_path, "/var/run/dpdk/from-config/dpdk_telemetry.v2");
	unlink(path);
	free(path);
}

/* Format replies for the command in words; the printed text in *text (freed by caller). */
static int
format(const char *const *words, const char *const *replies, bool json, char **text)
{
	struct ctl_args a;
	size_t len = 0;
	FILE *out;
	int rc;

	CU_ASSERT_EQUAL_FATAL(parse(&a, words), 0);
	a.json = json;
	out = open_memstream(text, &len);
	err[0] = '\0';
	rc = ctl_format(&a, replies, out, err, sizeof(err));
	fclose(out);
	return rc;
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define REPLIES(...) ((const char *const[]){ __VA_ARGS__ })

static void
test_format_list_and_show(void)
{
	char *text;
	int rc;

	rc = format(WORDS("list"), REPLIES(
		"{\"/dturn/alloc/list\":{\"a0\":{\"id\":\"198.19.0.1:49152\",\"client\":\"198.18.0.2:4000\","
		"\"user\":\"alice\",\"expires_in\":599,\"permissions\":1,\"channels\":2},"
		"\"a1\":{\"id\":\"198.19.0.1:50000\",\"client\":\"198.18.0.2:4001\",\"user\":\"1700:bob\","
		"\"expires_in\":5,\"permissions\":0,\"channels\":0},\"matched\":70}}"), false, &text);
	CU_ASSERT_EQUAL(rc, CTL_EXIT_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "RELAYED (ID)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n198.19.0.1:49152         198.18.0.2:4000          alice                    599s     1        2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n198.19.0.1:50000         198.18.0.2:4001          1700:bob"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "70 allocations, 2 shown (narrow with --user or --client)\n"));
	free(text);

	rc = format(WORDS("list"), REPLIES("{\"/dturn/alloc/list\":{\"matched\":0}}"), false, &text);
	CU_ASSERT_EQUAL(rc, CTL_EXIT_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n0 allocations\n"));
	free(text);

	rc = format(WORDS("show", "198.19.0.1:49152"), REPLIES(
		"{\"/dturn/alloc/show\":{\"id\":\"198.19.0.1:49152\",\"server\":\"198.18.0.1:3478\","
		"\"client\":\"198.18.0.2:4000\",\"user\":\"alice\",\"expires_in\":599,\"permissions\":1,"
		"\"channels\":1,\"to_peer_bytes\":1200,\"to_peer_packets\":12,\"to_client_bytes\":0,"
		"\"to_client_packets\":0,\"permission_list\":[\"198.19.0.2 expires_in=300\"],"
		"\"channel_list\":[\"0x4000 198.19.0.2:3480 expires_in=600\"]}}"), false, &text);
	CU_ASSERT_EQUAL(rc, CTL_EXIT_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "relayed (id):   198.19.0.1:49152\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "user:           alice\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "to peers:       1200 bytes in 12 datagrams\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "to the client:  0 bytes in 0 datagrams\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "permissions:    1\n  198.19.0.2 expires_in=300\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "channels:       1\n  0x4000 198.19.0.2:3480 expires_in=600\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "relayed (alt)"));
	free(text);
}

static void
test_format_actions(void)
{
	static const struct {
		const char *words[3];
		const char *reply;
		const char *printed;
	} cases[] = {
		{ { "delete", "198.19.0.1:49152" }, "{\"/dturn/alloc/delete\":{\"deleted\":\"198.19.0.1:49152\"}}",
		  "deleted 198.19.0.1:49152\n" },
		{ { "revoke", "alice" }, "{\"/dturn/user/revoke\":{\"revoked\":\"alice\",\"deleted\":1}}",
		  "revoked alice: 1 allocation deleted; its requests get 401 until a reload\n" },
		{ { "revoke", "bob" }, "{\"/dturn/user/revoke\":{\"revoked\":\"bob\",\"deleted\":0}}",
		  "revoked bob: 0 allocations deleted; its requests get 401 until a reload\n" },
		{ { "reload" }, "{\"/dturn/reload\":{\"reloaded\":\"/etc/dturn/dturn.conf\"}}",
		  "reloaded /etc/dturn/dturn.conf\n" },
		{ { "drain", "on" }, "{\"/dturn/drain\":{\"draining\":1,\"alternate_server\":\"192.0.2.9:3478\",\"allocations\":3}}",
		  "draining: on (alternate server 192.0.2.9:3478), 3 allocations running\n" },
		{ { "drain" }, "{\"/dturn/drain\":{\"draining\":0,\"alternate_server\":\"none\",\"allocations\":1}}",
		  "draining: off (alternate server none), 1 allocation running\n" },
		{ { "log-level" }, "{\"/dturn/log_level\":{\"log_level\":\"info\"}}", "log level: info\n" },
	};
	char *text;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_args a;
		const char *replies[1] = { cases[i].reply };

		CU_ASSERT_EQUAL_FATAL(parse(&a, cases[i].words), 0);
		CU_ASSERT_EQUAL(format(cases[i].words, replies, false, &text), CTL_EXIT_OK);
		CU_ASSERT_STRING_EQUAL(text, cases[i].printed);
		free(text);
	}
}

static void
test_format_stats(void)
{
	char *text;
	int rc = format(WORDS("stats"), REPLIES(
		"{\"/dturn/status\":{\"draining\":1,\"alternate_server\":\"none\",\"allocations\":2,"
		"\"capacity\":65536,\"pending\":1,\"log_level\":\"info\",\"revoked_users\":[\"alice\",\"bob\"]}}",
		"{\"/dturn/stats\":{\"rx_packets\":10,\"tx_packets\":0,\"turn_drain_refused\":3}}"),
		false, &text);

	CU_ASSERT_EQUAL(rc, CTL_EXIT_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "draining:       yes\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "allocations:    2 of 65536 (1 deleted"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "revoked users: alice bob\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "  rx_packets                       10\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "  turn_drain_refused               3\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "tx_packets"));
	free(text);
}

static void
test_format_refusals(void)
{
	static const struct {
		const char *words[3];
		const char *reply;
		const char *why;
	} cases[] = {
		{ { "show", "1.2.3.4:5" }, "{\"/dturn/alloc/show\":{\"error\":\"no allocation with relayed address '1.2.3.4:5'\"}}",
		  "no allocation with relayed address '1.2.3.4:5'" },
		{ { "reload" }, "{\"/dturn/reload\":{\"error\":\"dturn.conf:12: unknown key\"}}",
		  "dturn.conf:12: unknown key" },
		{ { "reload" }, "{\"/dturn/reload\":null}", "/dturn/reload: dturn does not serve this command" },
		{ { "reload" }, "{\"/dturn/other\":{}}", "/dturn/reload: dturn does not serve this command" },
		{ { "reload" }, "not json", "/dturn/reload: dturn's reply is not JSON" },
		{ { "reload" }, "", "/dturn/reload: dturn's reply is not JSON" },
		{ { "reload" }, "[1,2]", "/dturn/reload: dturn's reply is not JSON" },
		{ { "reload" }, "{\"/dturn/reload\":\"yes\"}", "/dturn/reload: unexpected reply" },
	};
	char *text;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *replies[1] = { cases[i].reply };
		int rc = format(cases[i].words, replies, false, &text);

		if (rc != CTL_EXIT_REFUSED || strstr(err, cases[i].why) == NULL)
			fprintf(stderr, "case %zu: rc %d err '%s'\n", i, rc, err);
		CU_ASSERT_EQUAL(rc, CTL_EXIT_REFUSED);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].why));
		CU_ASSERT_STRING_EQUAL(text, "");
		free(text);
	}
	/* --json prints the reply as it came, and a refusal still exits 1. */
	const char *refused[1] = { "{\"/dturn/drain\":{\"error\":\"no\"}}" };

	CU_ASSERT_EQUAL(format(WORDS("drain"), refused, true, &text), CTL_EXIT_REFUSED);
	CU_ASSERT_STRING_EQUAL(text, "{\"/dturn/drain\":{\"error\":\"no\"}}\n");
	free(text);

	const char *ok[1] = { "{\"/dturn/drain\":{\"draining\":0}}" };

	CU_ASSERT_EQUAL(format(WORDS("drain"), ok, true, &text), CTL_EXIT_OK);
	CU_ASSERT_STRING_EQUAL(text, "{\"/dturn/drain\":{\"draining\":0}}\n");
	free(text);
}

static void
test_unreachable(void)
{
	struct ctl_conn c;

	CU_ASSERT_EQUAL(ctl_connect(&c, "/nonexistent/dpdk_telemetry.v2", 1.0, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot reach dturn at /nonexistent/dpdk_telemetry.v2"));
	CU_ASSERT_EQUAL(c.fd, -1);
}

int
main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite("dturnctl", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "each command's telemetry requests", test_commands_make_requests) ||
	    !CU_add_test(s, "usage errors, one line each", test_usage_errors) ||
	    !CU_add_test(s, "options", test_options) ||
	    !CU_add_test(s, "file prefix from a config file", test_prefix_from_config) ||
	    !CU_add_test(s, "list and show printed", test_format_list_and_show) ||
	    !CU_add_test(s, "actions printed", test_format_actions) ||
	    !CU_add_test(s, "stats printed", test_format_stats) ||
	    !CU_add_test(s, "refusals and bad replies", test_format_refusals) ||
	    !CU_add_test(s, "no daemon", test_unreachable)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
