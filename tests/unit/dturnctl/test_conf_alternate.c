/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * [turn] alternate_server (where a draining relay sends new clients): the
 * demo config with one alternate_server line added after [turn], loaded by
 * the real conf_load. Good values land in struct conf; every bad one is one
 * error naming the line.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "conf.h"

static const char *demo_path;
static struct conf c;
static struct conf_errors errs;
static char first_error[640];

/* The demo config with line inserted right after "[turn]"; conf_load's result. */
static int
load_with(const char *line)
{
	char path[] = "/tmp/dturn-conf-alt-XXXXXX";
	char buf[1024];
	FILE *in = fopen(demo_path, "r");
	int fd = mkstemp(path);
	FILE *out = fdopen(fd, "w");
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	while (fgets(buf, sizeof(buf), in) != NULL) {
		fputs(buf, out);
		if (line != NULL && strncmp(buf, "[turn]", 6) == 0)
			fprintf(out, "%s\n", line);
	}
	fclose(in);
	fclose(out);
	rc = conf_load(path, &c, &errs);
	first_error[0] = '\0';
	if (errs.count > 0)
		conf_error_format(&errs.err[0], first_error, sizeof(first_error));
	unlink(path);
	return rc;
}

static void
test_absent(void)
{
	CU_ASSERT_EQUAL_FATAL(load_with(NULL), 0);
	CU_ASSERT_EQUAL(c.turn.alternate_family, 0);
}

static void
test_ipv4_and_ipv6(void)
{
	uint8_t want6[16];

	CU_ASSERT_EQUAL_FATAL(load_with("alternate_server = 198.51.100.7:3478"), 0);
	CU_ASSERT_EQUAL(c.turn.alternate_family, AF_INET);
	CU_ASSERT_EQUAL(c.turn.alternate_ipv4, inet_addr("198.51.100.7"));
	CU_ASSERT_EQUAL(c.turn.alternate_port, 3478);

	CU_ASSERT_EQUAL_FATAL(load_with("alternate_server = [2001:db8::7]:5349"), 0);
	CU_ASSERT_EQUAL(c.turn.alternate_family, AF_INET6);
	inet_pton(AF_INET6, "2001:db8::7", want6);
	CU_ASSERT_EQUAL(memcmp(c.turn.alternate_ipv6, want6, 16), 0);
	CU_ASSERT_EQUAL(c.turn.alternate_port, 5349);
}

static void
test_bad_values(void)
{
	static const char *const bad[] = {
		"alternate_server = 198.51.100.7",
		"alternate_server = 198.51.100.7:",
		"alternate_server = 198.51.100.7:0",
		"alternate_server = 198.51.100.7:65536",
		"alternate_server = 198.51.100.7:34x",
		"alternate_server = :3478",
		"alternate_server = turn.example.org:3478",
		"alternate_server = 2001:db8::7:3478",
		"alternate_server = [2001:db8::7]",
		"alternate_server = [2001:db8::7:3478",
		"alternate_server = []:3478",
		"alternate_server = [198.51.100.7]:3478",
		"alternate_server =",
		"alternate_server = 198.51.100.7:3478\nalternate_server = 198.51.100.8:3478",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = load_with(bad[i]);

		if (rc != -1 || errs.count != 1 || strstr(first_error, "alternate_server") == NULL)
			fprintf(stderr, "'%s': rc %d, %u errors, first: %s\n", bad[i], rc, errs.count,
				first_error);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_EQUAL(errs.count, 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(first_error, "alternate_server"));
	}
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s config/dturn-demo.conf\n", argv[0]);
		return 2;
	}
	demo_path = argv[1];
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite("conf_alternate", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "absent: none", test_absent) ||
	    !CU_add_test(s, "IPv4:port and [IPv6]:port", test_ipv4_and_ipv6) ||
	    !CU_add_test(s, "bad values: one error each", test_bad_values)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
