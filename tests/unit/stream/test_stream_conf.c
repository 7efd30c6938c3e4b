/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * [stream]: the defaults, every key, and each mistake reported at its line
 * with its "stream.<key>" name (lib/conf).
 */
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
	char path[] = "/tmp/dturn-stream-conf-XXXXXX";
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
expect_error(const char *text, unsigned int line, const char *key, const char *needle)
{
	static struct conf c;
	struct conf_errors errs;
	int rc = load_text(text, &c, &errs);

	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(errs.count, 1);
	CU_ASSERT_EQUAL(errs.err[0].line, line);
	CU_ASSERT_STRING_EQUAL(errs.err[0].key, key);
	CU_ASSERT_PTR_NOT_NULL(strstr(errs.err[0].msg, needle));
	if (errs.count != 1 || errs.err[0].line != line || strstr(errs.err[0].msg, needle) == NULL) {
		char buf[768];

		conf_error_format(&errs.err[0], buf, sizeof(buf));
		fprintf(stderr, "\n  wanted line %u %s '%s', got %u error(s), first: %s\n", line, key,
			needle, errs.count, buf);
	}
}

static void
test_defaults_off(void)
{
	static struct conf c;
	struct conf_errors errs;

	CU_ASSERT_EQUAL_FATAL(load_text(BASE, &c, &errs), 0);
	CU_ASSERT_EQUAL(c.stream.tcp_port_count, 0);
	CU_ASSERT_EQUAL(c.stream.tls_port_count, 0);
	CU_ASSERT_EQUAL(c.stream.max_connections, 1024);
	CU_ASSERT_EQUAL(c.stream.connections_per_source, 16);
	CU_ASSERT_EQUAL(c.stream.handshake_timeout, 10);
	CU_ASSERT_EQUAL(c.stream.idle_timeout, 300);
	CU_ASSERT_EQUAL(c.stream.max_buffered_bytes, 256 * 1024);
	CU_ASSERT_STRING_EQUAL(c.stream.tap_name, "dturn-tcp");
}

static void
test_every_key(void)
{
	static struct conf c;
	struct conf_errors errs;

	CU_ASSERT_EQUAL_FATAL(load_text(BASE "[stream]\n"
					"tcp_listen_ports = 3478, 80\n"
					"tls_listen_ports = 5349,443\n"
					"tls_certificate = /etc/dturn/cert.pem\n"
					"tls_private_key = /etc/dturn/key.pem\n"
					"max_connections = 100\n"
					"connections_per_source = 4\n"
					"handshake_timeout = 5\n"
					"idle_timeout = 60\n"
					"max_buffered_bytes = 8192\n"
					"tap_name = edge_2-tcp-ab\n", &c, &errs), 0);
	CU_ASSERT_EQUAL(c.stream.tcp_port_count, 2);
	CU_ASSERT_EQUAL(c.stream.tcp_ports[0], 3478);
	CU_ASSERT_EQUAL(c.stream.tcp_ports[1], 80);
	CU_ASSERT_EQUAL(c.stream.tls_port_count, 2);
	CU_ASSERT_EQUAL(c.stream.tls_ports[1], 443);
	CU_ASSERT_STRING_EQUAL(c.stream.tls_certificate, "/etc/dturn/cert.pem");
	CU_ASSERT_STRING_EQUAL(c.stream.tls_private_key, "/etc/dturn/key.pem");
	CU_ASSERT_EQUAL(c.stream.max_connections, 100);
	CU_ASSERT_EQUAL(c.stream.connections_per_source, 4);
	CU_ASSERT_EQUAL(c.stream.handshake_timeout, 5);
	CU_ASSERT_EQUAL(c.stream.idle_timeout, 60);
	CU_ASSERT_EQUAL(c.stream.max_buffered_bytes, 8192);
	CU_ASSERT_STRING_EQUAL(c.stream.tap_name, "edge_2-tcp-ab"); /* 13: the longest */
}

static void
test_errors(void)
{
	expect_error(BASE "[stream]\ntcp_listen_ports = 0\n", 7, "stream.tcp_listen_ports", "");
	expect_error(BASE "[stream]\ntcp_listen_ports = 3478, 3478\n", 7, "stream.tcp_listen_ports",
		     "listed twice");
	expect_error(BASE "[stream]\ntcp_listen_ports = 1,2,3,4,5\n", 7, "stream.tcp_listen_ports", "");
	expect_error(BASE "[stream]\ntls_certificate = cert.pem\n", 7, "stream.tls_certificate",
		     "absolute path");
	expect_error(BASE "[stream]\ntls_private_key = key.pem\n", 7, "stream.tls_private_key",
		     "absolute path");
	expect_error(BASE "[stream]\nmax_connections = 0\n", 7, "stream.max_connections", "");
	expect_error(BASE "[stream]\nhandshake_timeout = 3601\n", 7, "stream.handshake_timeout", "");
	expect_error(BASE "[stream]\nidle_timeout = soon\n", 7, "stream.idle_timeout", "");
	expect_error(BASE "[stream]\nmax_buffered_bytes = 100\n", 7, "stream.max_buffered_bytes", "");
	expect_error(BASE "[stream]\nwhatever = 1\n", 7, "stream.whatever", "");
	/* An interface name: 13 characters at most (a digit and NUL follow), no '/', ' ', '.'. */
	expect_error(BASE "[stream]\ntap_name = edge_2-tcp-abc\n", 7, "stream.tap_name",
		     "1 to 13");
	expect_error(BASE "[stream]\ntap_name = edge/tcp\n", 7, "stream.tap_name", "1 to 13");
	expect_error(BASE "[stream]\ntap_name = edge.tcp\n", 7, "stream.tap_name", "1 to 13");
	expect_error(BASE "[stream]\ntap_name = edge tcp\n", 7, "stream.tap_name", "1 to 13");
	expect_error(BASE "[stream]\ntap_name =\n", 7, "stream.tap_name", "");
}

static void
test_cross_checks(void)
{
	/* TLS ports without a certificate: one error each for the missing files. */
	static struct conf c;
	struct conf_errors errs;

	CU_ASSERT_EQUAL(load_text(BASE "[stream]\ntls_listen_ports = 5349\n", &c, &errs), -1);
	CU_ASSERT_EQUAL(errs.count, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(errs.err[0].msg, "tls_certificate"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errs.err[1].msg, "tls_private_key"));
	expect_error(BASE "[stream]\ntls_listen_ports = 5349\ntls_certificate = /c.pem\n", 7,
		     "stream.tls_listen_ports", "tls_private_key");
	expect_error(BASE "[stream]\ntcp_listen_ports = 3478\ntls_listen_ports = 3478\n"
		     "tls_certificate = /c.pem\ntls_private_key = /k.pem\n", 8,
		     "stream.tls_listen_ports", "also in stream.tcp_listen_ports");
	expect_error(BASE "[stream]\nmax_connections = 10\nconnections_per_source = 11\n", 8,
		     "stream.connections_per_source", "more than stream.max_connections");
}

int
main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("stream-conf", NULL, NULL);
	CU_add_test(s, "defaults: off", test_defaults_off);
	CU_add_test(s, "every key", test_every_key);
	CU_add_test(s, "errors at their line", test_errors);
	CU_add_test(s, "cross checks", test_cross_checks);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned int failed = CU_get_number_of_failures();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
