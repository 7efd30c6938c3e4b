/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * [mgmt] http_listen: the default, every accepted form, and each mistake
 * reported at its line as "mgmt.http_listen".
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "conf.h"

/* 5 lines: a valid minimal file; text appended to it starts at line 6. */
#define BASE \
	"[eal]\n" \
	"vdev = net_ring0\n" \
	"[port a]\n" \
	"device = net_ring0\n" \
	"ipv4 = 198.18.0.1/24\n"

static int
load_text(const char *text, struct conf *c, struct conf_errors *errs)
{
	char path[] = "/tmp/dturn-mgmt-conf-XXXXXX";
	int fd = mkstemp(path);
	size_t n = strlen(text);
	int rc;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, text, n) == (ssize_t)n);
	close(fd);
	rc = conf_load(path, c, errs);
	unlink(path);
	return rc;
}

static void
expect_error(const char *text, unsigned int line, const char *needle)
{
	static struct conf c;
	struct conf_errors errs;
	int rc = load_text(text, &c, &errs);

	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(errs.count, 1);
	CU_ASSERT_EQUAL(errs.err[0].line, line);
	CU_ASSERT_STRING_EQUAL(errs.err[0].key, "mgmt.http_listen");
	CU_ASSERT_PTR_NOT_NULL(strstr(errs.err[0].msg, needle));
	if (errs.count != 1 || strstr(errs.err[0].msg, needle) == NULL) {
		char buf[768];

		conf_error_format(&errs.err[0], buf, sizeof(buf));
		fprintf(stderr, "\n  wanted line %u '%s', got %u error(s), first: %s\n", line, needle,
			errs.count, buf);
	}
}

static void
test_default(void)
{
	static struct conf c;
	struct conf_errors errs;

	CU_ASSERT_EQUAL_FATAL(load_text(BASE, &c, &errs), 0);
	CU_ASSERT_TRUE(c.mgmt.http_enabled);
	CU_ASSERT_EQUAL(c.mgmt.http_family, AF_INET);
	CU_ASSERT_EQUAL(c.mgmt.http_ipv4, htonl(INADDR_LOOPBACK));
	CU_ASSERT_EQUAL(c.mgmt.http_port, 9641);
}

static void
test_forms(void)
{
	static struct conf c;
	struct conf_errors errs;
	uint8_t v6[16];

	CU_ASSERT_EQUAL_FATAL(load_text(BASE "[mgmt]\nhttp_listen = off\n", &c, &errs), 0);
	CU_ASSERT_FALSE(c.mgmt.http_enabled);

	CU_ASSERT_EQUAL_FATAL(load_text(BASE "[mgmt]\nhttp_listen = 192.0.2.7:80\n", &c, &errs), 0);
	CU_ASSERT_TRUE(c.mgmt.http_enabled);
	CU_ASSERT_EQUAL(c.mgmt.http_family, AF_INET);
	CU_ASSERT_EQUAL(c.mgmt.http_ipv4, inet_addr("192.0.2.7"));
	CU_ASSERT_EQUAL(c.mgmt.http_port, 80);

	CU_ASSERT_EQUAL_FATAL(load_text(BASE "[mgmt]\nhttp_listen = [2001:db8::5]:65535\n", &c, &errs), 0);
	inet_pton(AF_INET6, "2001:db8::5", v6);
	CU_ASSERT_EQUAL(c.mgmt.http_family, AF_INET6);
	CU_ASSERT_EQUAL(memcmp(c.mgmt.http_ipv6, v6, 16), 0);
	CU_ASSERT_EQUAL(c.mgmt.http_port, 65535);

	CU_ASSERT_EQUAL_FATAL(load_text(BASE "[mgmt]\nhttp_listen = [::1]:9641\n", &c, &errs), 0);
	CU_ASSERT_EQUAL(c.mgmt.http_family, AF_INET6);
	CU_ASSERT_EQUAL(c.mgmt.http_ipv6[15], 1);
}

static void
test_errors(void)
{
	expect_error(BASE "[mgmt]\nhttp_listen = 127.0.0.1\n", 7, "expected IPv4:port");
	expect_error(BASE "[mgmt]\nhttp_listen = localhost:9641\n", 7, "IPv4");
	expect_error(BASE "[mgmt]\nhttp_listen = 127.0.0.1:0\n", 7, "");
	expect_error(BASE "[mgmt]\nhttp_listen = 127.0.0.1:65536\n", 7, "");
	expect_error(BASE "[mgmt]\nhttp_listen = 127.0.0.1:x\n", 7, "");
	expect_error(BASE "[mgmt]\nhttp_listen = ::1:9641\n", 7, "[IPv6]:port");
	expect_error(BASE "[mgmt]\nhttp_listen = [::1]\n", 7, "[IPv6]:port");
	expect_error(BASE "[mgmt]\nhttp_listen = []:9641\n", 7, "");
	expect_error(BASE "[mgmt]\nhttp_listen = [192.0.2.1]:9641\n", 7, "");
	expect_error(BASE "[mgmt]\nhttp_listen = :9641\n", 7, "expected IPv4:port");
	expect_error(BASE "[mgmt]\nhttp_listen = OFF\n", 7, "expected IPv4:port");
	/* The second line is the one at fault. */
	expect_error(BASE "[mgmt]\nhttp_listen = off\nhttp_listen = 127.0.0.1:1\n", 8, "");
}

static void
test_unknown_key(void)
{
	static struct conf c;
	struct conf_errors errs;

	CU_ASSERT_EQUAL(load_text(BASE "[mgmt]\nhttp_port = 9641\n", &c, &errs), -1);
	CU_ASSERT_EQUAL(errs.count, 1);
	CU_ASSERT_EQUAL(errs.err[0].line, 7);
}

int
main(void)
{
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("mgmt-conf", NULL, NULL);
	CU_add_test(suite, "default is loopback 9641", test_default);
	CU_add_test(suite, "off, IPv4 and IPv6 forms", test_forms);
	CU_add_test(suite, "bad values at their line", test_errors);
	CU_add_test(suite, "unknown key in [mgmt]", test_unknown_key);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
