/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/log: the per-reason rate limit with an injected clock — burst lines
 * pass, the rest are counted, the count is told once when the window ends
 * (by the next line or by a flush), reasons do not share a budget, and bad
 * arguments are refused.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "log_limit.h"

static const char *const names[] = { "penalty", "queue_full", "other" };

struct reports {
	unsigned int n;
	char reason[8][32];
	uint64_t count[8];
};

static void
record(const char *reason, uint64_t suppressed, void *arg)
{
	struct reports *r = arg;

	if (r->n < 8) {
		snprintf(r->reason[r->n], sizeof(r->reason[0]), "%s", reason);
		r->count[r->n] = suppressed;
	}
	r->n++;
}

static void
test_burst_then_suppressed(void)
{
	struct log_limit l;
	uint64_t sup = 99;

	CU_ASSERT_FATAL(log_limit_init(&l, names, 3, 3, 1000) == 0);
	for (unsigned int i = 0; i < 3; i++) {
		CU_ASSERT(log_limit_allow(&l, 0, 10 + i, &sup));
		CU_ASSERT(sup == 0);
	}
	for (unsigned int i = 0; i < 50; i++)
		CU_ASSERT(!log_limit_allow(&l, 0, 20 + i, &sup));
	/* Still inside the window at 1009: refused. */
	CU_ASSERT(!log_limit_allow(&l, 0, 1009, &sup));
	/* 1010: the window that began at 10 is over; the line passes and owes 51. */
	CU_ASSERT(log_limit_allow(&l, 0, 1010, &sup));
	CU_ASSERT(sup == 51);
	/* The new window counts from 1010 and owes nothing yet. */
	CU_ASSERT(log_limit_allow(&l, 0, 1011, &sup));
	CU_ASSERT(sup == 0);
}

static void
test_reasons_are_separate(void)
{
	struct log_limit l;
	uint64_t sup;

	CU_ASSERT_FATAL(log_limit_init(&l, names, 3, 1, 100) == 0);
	CU_ASSERT(log_limit_allow(&l, 0, 0, &sup));
	CU_ASSERT(!log_limit_allow(&l, 0, 1, &sup));
	/* Reason 0's flood leaves reason 1 its own line. */
	CU_ASSERT(log_limit_allow(&l, 1, 2, &sup));
	CU_ASSERT(!log_limit_allow(&l, 1, 3, &sup));
	CU_ASSERT(log_limit_allow(&l, 2, 4, &sup));
}

static void
test_flush_reports_once(void)
{
	struct log_limit l;
	struct reports rep = { 0 };
	uint64_t sup;

	CU_ASSERT_FATAL(log_limit_init(&l, names, 3, 2, 100) == 0);
	for (unsigned int i = 0; i < 7; i++)
		(void)log_limit_allow(&l, 1, 5, &sup);
	(void)log_limit_allow(&l, 2, 5, &sup); /* within burst: nothing to report */
	CU_ASSERT(log_limit_flush(&l, 50, record, &rep) == 0); /* window not over */
	CU_ASSERT(rep.n == 0);
	CU_ASSERT(log_limit_flush(&l, 105, record, &rep) == 1);
	CU_ASSERT_FATAL(rep.n == 1);
	CU_ASSERT_STRING_EQUAL(rep.reason[0], "queue_full");
	CU_ASSERT(rep.count[0] == 5);
	/* Told once: neither a second flush nor the next line repeats it. */
	CU_ASSERT(log_limit_flush(&l, 500, record, &rep) == 0);
	CU_ASSERT(log_limit_allow(&l, 1, 600, &sup));
	CU_ASSERT(sup == 0);
	CU_ASSERT(rep.n == 1);
}

static void
test_clock_backwards(void)
{
	struct log_limit l;
	uint64_t sup;

	CU_ASSERT_FATAL(log_limit_init(&l, names, 3, 1, 100) == 0);
	CU_ASSERT(log_limit_allow(&l, 0, 1000, &sup));
	CU_ASSERT(!log_limit_allow(&l, 0, 1001, &sup));
	/* A clock going back ends the window instead of muting the reason for ever. */
	CU_ASSERT(log_limit_allow(&l, 0, 10, &sup));
	CU_ASSERT(sup == 1);
}

static void
test_bad_arguments(void)
{
	struct log_limit l;
	uint64_t sup = 7;

	CU_ASSERT(log_limit_init(&l, names, 0, 1, 1) == -1);
	CU_ASSERT(!log_limit_allow(&l, 0, 0, &sup)); /* unusable: refuses all */
	CU_ASSERT(sup == 0);
	CU_ASSERT(log_limit_init(&l, names, LOG_LIMIT_MAX_REASONS + 1, 1, 1) == -1);
	CU_ASSERT(log_limit_init(&l, NULL, 1, 1, 1) == -1);
	CU_ASSERT_FATAL(log_limit_init(&l, names, 3, 0, 0) == 0);
	CU_ASSERT(l.burst == 1 && l.interval == 1);
	/* A reason past reason_count is refused and has no name. */
	CU_ASSERT(!log_limit_allow(&l, 3, 0, &sup));
	CU_ASSERT_STRING_EQUAL(log_limit_name(&l, 3), "?");
	CU_ASSERT_STRING_EQUAL(log_limit_name(&l, 2), "other");
}

int
main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "burst lines pass, the rest are counted", test_burst_then_suppressed },
		{ "reasons have separate budgets", test_reasons_are_separate },
		{ "flush reports a window's suppressed count once", test_flush_reports_once },
		{ "a clock going backwards ends the window", test_clock_backwards },
		{ "bad arguments", test_bad_arguments },
	};
	CU_pSuite suite;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("log", NULL, NULL);
	for (size_t i = 0; suite != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
