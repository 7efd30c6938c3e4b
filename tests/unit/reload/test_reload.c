/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reload logic that needs no EAL (app/dturn/dturn_reload_diff.c): what a
 * new file changes, which keys wait for a restart and keep their running
 * value, and that a bad file is refused with every error line-precise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "conf.h"
#include "dturn_reload_diff.h"

/* The running file; variants replace one line of it. Line numbers matter for errors. */
static const char *const base_lines[] = {
	"[eal]",                              /* 1 */
	"vdev = net_ring0",                   /* 2 */
	"memory_mb = 512",                    /* 3 */
	"[port a]",                           /* 4 */
	"device = net_ring0",                 /* 5 */
	"ipv4 = 198.18.0.1/24",               /* 6 */
	"[stun]",                             /* 7 */
	"listen_ports = 3478",                /* 8 */
	"[turn]",                             /* 9 */
	"realm = dturn.test",                 /* 10 */
	"max_allocations = 1000",             /* 11 */
	"allow-peer = 198.18.0.0/15",         /* 12 */
	"allocations_per_user = 0",           /* 13 */
	"bandwidth_limit = 0",                /* 14 */
	"auth_failure_rate = 5",              /* 15 */
	"channel_numbers = rfc8656",          /* 16 */
	"[users]",                            /* 17 */
	"alice = secret123",                  /* 18 */
	"bob = hunter2",                      /* 19 */
	"[rest]",                             /* 20 */
	"secret = s1",                        /* 21 */
};
#define BASE_LINES (sizeof(base_lines) / sizeof(base_lines[0]))

static char tmp_path[64];
/* A second replaced line for the next write_variant (0: none). */
static unsigned int second_line;
static const char *second_text;

/* Write base with line `line` (1-based) replaced by text (NULL: base as is); extra appended. */
static const char *
write_variant(unsigned int line, const char *text, const char *extra)
{
	FILE *f;
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/dturn-reload-test-XXXXXX");
	fd = mkstemp(tmp_path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_FATAL(f != NULL);
	for (unsigned int i = 0; i < BASE_LINES; i++)
		fprintf(f, "%s\n", i + 1 == line ? text : i + 1 == second_line ? second_text :
				    base_lines[i]);
	if (extra != NULL)
		fputs(extra, f);
	fclose(f);
	return tmp_path;
}

struct lines {
	unsigned int n;
	char first[640];
};

static void
collect(const char *text, void *arg)
{
	struct lines *l = arg;

	if (l->n++ == 0)
		snprintf(l->first, sizeof(l->first), "%s", text);
}

static void
load_ok(struct conf *c, unsigned int line, const char *text, const char *extra)
{
	struct lines l = { 0 };
	char err[256];
	const char *path = write_variant(line, text, extra);
	int rc = reload_load(path, c, collect, &l, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "\n    unexpected error: %s\n", err);
	CU_ASSERT_FATAL(rc == 0);
	CU_ASSERT(l.n == 0);
	unlink(path);
}

static struct conf running, next;

static void
diff_of(unsigned int line, const char *text, const char *extra, bool turn_on,
	struct reload_diff *d)
{
	load_ok(&running, 0, NULL, NULL);
	load_ok(&next, line, text, extra);
	reload_diff(&running, &next, turn_on, d);
}

static bool
has_restart(const struct reload_diff *d, const char *key)
{
	for (unsigned int i = 0; i < d->restart_count && i < RELOAD_MAX_RESTART; i++)
		if (strcmp(d->restart[i], key) == 0)
			return true;
	return false;
}

static void
test_same_file(void)
{
	struct reload_diff d;

	diff_of(0, NULL, NULL, true, &d);
	CU_ASSERT(!reload_diff_any(&d));
	CU_ASSERT(d.restart_count == 0);
}

static void
test_users(void)
{
	struct reload_diff d;

	/* bob removed, carol added, alice's password changed. */
	diff_of(19, "carol = pw", NULL, true, &d);
	CU_ASSERT(d.users_added == 1);
	CU_ASSERT(d.users_removed == 1);
	CU_ASSERT(d.users_changed == 0);
	diff_of(18, "alice = other", NULL, true, &d);
	CU_ASSERT(d.users_added == 0 && d.users_removed == 0 && d.users_changed == 1);
	/* The same password given as its MD5 key is another kind of entry: changed. */
	diff_of(18, "alice = md5:00112233445566778899aabbccddeeff", NULL, true, &d);
	CU_ASSERT(d.users_changed == 1);
	CU_ASSERT(!d.secrets_changed && !d.policy_changed && !d.quotas_changed);
	CU_ASSERT(reload_diff_any(&d));
	CU_ASSERT(d.restart_count == 0);
}

static void
test_secrets_policy_quotas(void)
{
	struct reload_diff d;

	diff_of(21, "secret = s2", NULL, true, &d);
	CU_ASSERT(d.secrets_changed && !d.policy_changed);
	diff_of(0, NULL, "secret = s2\n", true, &d);  /* a second secret */
	CU_ASSERT(d.secrets_changed);
	diff_of(12, "deny-peer = 198.18.5.0/24", NULL, true, &d);
	CU_ASSERT(d.policy_changed && !d.secrets_changed && d.users_added == 0);
	diff_of(12, "allow-peer = 198.18.0.0/16", NULL, true, &d);
	CU_ASSERT(d.policy_changed);
	diff_of(13, "allocations_per_user = 2", NULL, true, &d);
	CU_ASSERT(d.quotas_changed && !d.policy_changed);
	diff_of(14, "bandwidth_limit = 100000", NULL, true, &d);
	CU_ASSERT(d.quotas_changed);
	CU_ASSERT(d.restart_count == 0);
}

static void
test_auth_limits(void)
{
	struct reload_diff d;

	diff_of(15, "auth_failure_rate = 10", NULL, true, &d);
	CU_ASSERT(d.limits_changed && d.restart_count == 0);
	/* Switching the limiter off (or on) needs the penalty box set up or torn down: restart. */
	diff_of(15, "auth_failure_rate = 0", NULL, true, &d);
	CU_ASSERT(!d.limits_changed);
	CU_ASSERT(has_restart(&d, "turn.auth_failure_rate"));
	reload_keep_restart_only(&next, &running, true);
	CU_ASSERT(next.turn.auth_failure_rate == 5);
}

static void
test_restart_keys(void)
{
	static const struct {
		unsigned int line;
		const char *text;
		const char *key;
		unsigned int count;
	} cases[] = {
		{ 3, "memory_mb = 1024", "eal.memory_mb", 1 },
		/* The relayed addresses default to the ports' own: they move too. */
		{ 6, "ipv4 = 198.18.0.2/24", "port sections", 2 },
		{ 8, "listen_ports = 3479", "stun.listen_ports", 1 },
		{ 10, "realm = other.test", "turn.realm", 1 },
		{ 11, "max_allocations = 2000", "turn.max_allocations", 1 },
		{ 16, "channel_numbers = rfc5766", "turn.channel_numbers", 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct reload_diff d;

		diff_of(cases[i].line, cases[i].text, NULL, true, &d);
		CU_ASSERT(d.restart_count == cases[i].count);
		CU_ASSERT(has_restart(&d, cases[i].key));
		CU_ASSERT(!reload_diff_any(&d));
		/* Kept: after keep_restart_only nothing differs from the running file. */
		reload_keep_restart_only(&next, &running, true);
		CU_ASSERT(memcmp(&next, &running, sizeof(next)) == 0);
		reload_diff(&running, &next, true, &d);
		CU_ASSERT(d.restart_count == 0);
	}
}

static void
test_restart_and_reloadable_together(void)
{
	struct reload_diff d;

	/* One file: a realm change (waits) and bob replaced by carol (applies). */
	load_ok(&running, 0, NULL, NULL);
	second_line = 10;
	second_text = "realm = other.test";
	load_ok(&next, 19, "carol = pw", NULL);
	second_line = 0;
	reload_diff(&running, &next, true, &d);
	CU_ASSERT(d.restart_count == 1 && has_restart(&d, "turn.realm"));
	CU_ASSERT(d.users_added == 1 && d.users_removed == 1);
	reload_keep_restart_only(&next, &running, true);
	CU_ASSERT_STRING_EQUAL(next.turn.realm, "dturn.test");
	CU_ASSERT(next.user_count == 2);
	CU_ASSERT_STRING_EQUAL(next.users[1].name, "carol");
}

static void
test_turn_off_at_start(void)
{
	struct reload_diff d;

	/* Started without TURN: new credentials cannot be served until a restart. */
	diff_of(19, "carol = pw", NULL, false, &d);
	CU_ASSERT(has_restart(&d, "users/rest sections"));
	CU_ASSERT(d.users_added == 0 && !reload_diff_any(&d));
	reload_keep_restart_only(&next, &running, false);
	CU_ASSERT_STRING_EQUAL(next.users[1].name, "bob");
}

static void
test_bad_file_refused(void)
{
	struct lines l = { 0 };
	char err[256];
	char want[96];
	/* Line 13 is not key = value; line 14 has a value out of range. */
	const char *path = write_variant(13, "this is not a key", NULL);
	int rc;

	rc = reload_load(path, &next, collect, &l, err, sizeof(err));
	CU_ASSERT(rc == -1);
	CU_ASSERT(l.n >= 1);
	snprintf(want, sizeof(want), "%s:13:", path);
	CU_ASSERT(strncmp(err, want, strlen(want)) == 0);
	CU_ASSERT_STRING_EQUAL(err, l.first);
	unlink(path);

	memset(&l, 0, sizeof(l));
	second_line = 16;
	second_text = "channel_numbers = rfc9999";
	path = write_variant(14, "bandwidth_limit = -1", NULL);
	second_line = 0;
	rc = reload_load(path, &next, collect, &l, err, sizeof(err));
	CU_ASSERT(rc == -1);
	CU_ASSERT(l.n == 2); /* every error once */
	snprintf(want, sizeof(want), "%s:14: turn.bandwidth_limit", path);
	CU_ASSERT(strncmp(err, want, strlen(want)) == 0);
	if (strncmp(err, want, strlen(want)) != 0)
		fprintf(stderr, "\n    got: %s\n", err);
	unlink(path);

	/* A missing file: refused with the path in the message. */
	memset(&l, 0, sizeof(l));
	rc = reload_load("/nonexistent/dturn.conf", &next, collect, &l, err, sizeof(err));
	CU_ASSERT(rc == -1);
	CU_ASSERT(strstr(err, "/nonexistent/dturn.conf") != NULL);
	CU_ASSERT(l.n >= 1);
}

int
main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "the same file changes nothing", test_same_file },
		{ "users added, removed, changed", test_users },
		{ "secrets, peer policy, quotas", test_secrets_policy_quotas },
		{ "auth failure limits retune; on/off waits", test_auth_limits },
		{ "restart-only keys are named and kept", test_restart_keys },
		{ "restart-only and reloadable in one file", test_restart_and_reloadable_together },
		{ "TURN off at start: credentials wait", test_turn_off_at_start },
		{ "a bad file is refused, line-precise", test_bad_file_refused },
	};
	CU_pSuite suite;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("reload", NULL, NULL);
	for (size_t i = 0; suite != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
