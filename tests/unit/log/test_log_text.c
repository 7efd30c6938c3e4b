/* SPDX-License-Identifier: BSD-3-Clause */
/* log_text_safe: wire text made safe for one log line. */
#include <string.h>

#include <CUnit/Basic.h>

#include "log_text.h"

static void
expect(const char *in, size_t n, size_t cap, size_t max, const char *want)
{
	char out[256];

	memset(out, 'Z', sizeof(out));
	CU_ASSERT_EQUAL(log_text_safe(out, cap, in, n, max), strlen(want));
	CU_ASSERT_STRING_EQUAL(out, want);
}

static void
test_plain_and_empty(void)
{
	expect("alice", 5, 64, 64, "alice");
	expect("1700000000:alice", 16, 64, 64, "1700000000:alice");
	expect(NULL, 3, 64, 64, "(none)");
	expect("x", 0, 64, 64, "(none)");
}

/* A newline would forge a log line; escapes, DEL, high bytes and the backslash are quoted. */
static void
test_escaped(void)
{
	expect("a\nINFO: forged", 14, 64, 64, "a\\x0aINFO: forged");
	expect("\x1b[31mred", 8, 64, 64, "\\x1b[31mred");
	expect("\x7f\xff\\", 3, 64, 64, "\\x7f\\xff\\x5c");
	expect("a\0b", 3, 64, 64, "a\\x00b");
}

/* At most max input bytes, then "..."; never past cap, never half an escape. */
static void
test_cut(void)
{
	expect("abcdefgh", 8, 64, 4, "abcd...");
	expect("abcdefgh", 8, 5, 64, "abcd");
	expect("ab\ncd", 5, 6, 64, "ab...");
	expect("ab\ncd", 5, 7, 64, "ab\\x0a");
	char out[1] = { 'Z' };

	CU_ASSERT_EQUAL(log_text_safe(out, 1, "abc", 3, 64), 0);
	CU_ASSERT_EQUAL(out[0], '\0');
	CU_ASSERT_EQUAL(log_text_safe(out, 0, "abc", 3, 64), 0);
}

int
main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite("log_text", NULL, NULL);

	if (s == NULL || CU_add_test(s, "plain and empty", test_plain_and_empty) == NULL ||
	    CU_add_test(s, "control bytes escaped", test_escaped) == NULL ||
	    CU_add_test(s, "cut at max and cap", test_cut) == NULL)
		return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
