/* SPDX-License-Identifier: BSD-3-Clause */
/* The Binding service, packet in / packet out, with the counter each case moves. */
#include <arpa/inet.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "turn.h"

static const uint8_t tid[STUN_TID_LEN] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2 };

struct fixture {
	struct turn_server srv;
	struct turn_endpoints ep;
	struct metrics_lcore mx;
	uint8_t req[512], out[512];
	size_t req_len;
};

static void
setup(struct fixture *f, const char *client_ip, uint16_t port)
{
	memset(f, 0, sizeof(*f));
	turn_server_init(&f->srv, "dturn test");
	if (inet_pton(AF_INET, client_ip, f->ep.client.addr) == 1) {
		f->ep.client.family = STUN_FAMILY_IPV4;
	} else {
		CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET6, client_ip, f->ep.client.addr), 1);
		f->ep.client.family = STUN_FAMILY_IPV6;
	}
	f->ep.client.port = port;
}

/* A request built by the codec itself; extra adds attributes before FINGERPRINT. */
static void
build_request(struct fixture *f, uint16_t method, uint8_t cls, bool fingerprint,
	      void (*extra)(struct stun_builder *))
{
	struct stun_builder b;

	stun_builder_init(&b, f->req, sizeof(f->req), method, cls, tid);
	if (extra != NULL)
		extra(&b);
	if (fingerprint)
		stun_add_fingerprint(&b);
	f->req_len = stun_builder_finish(&b);
	CU_ASSERT_NOT_EQUAL_FATAL(f->req_len, 0);
}

/* The response length, or 0 when nothing is sent back. */
static size_t
handle_cap(struct fixture *f, size_t cap)
{
	struct turn_clock clk = { .now_ms = 1000, .now_s = 1700000000 };
	struct turn_relay rel;
	size_t n = 0;
	enum turn_verdict v = turn_handle_stun(&f->srv, f->req, f->req_len, &f->ep, &clk, f->out,
					       cap, &n, &rel, &f->mx);

	CU_ASSERT(v == TURN_VERDICT_REPLY || v == TURN_VERDICT_DROP);
	CU_ASSERT((v == TURN_VERDICT_REPLY) == (n > 0));
	return n;
}

static size_t
handle(struct fixture *f)
{
	return handle_cap(f, sizeof(f->out));
}

/* Only the named counter moved, by one. */
static void
assert_only(const struct fixture *f, enum metrics_counter c)
{
	for (int i = 0; i < METRICS_COUNTER_MAX; i++)
		CU_ASSERT_EQUAL(f->mx.counter[i], i == (int)c ? 1u : 0u);
}

static void
test_binding_v4_with_fingerprint(void)
{
	struct fixture f;
	struct stun_msg m;
	struct stun_addr a;
	struct stun_bytes sw;

	setup(&f, "198.18.0.2", 40000);
	build_request(&f, STUN_METHOD_BINDING, STUN_CLASS_REQUEST, true, NULL);
	size_t n = handle(&f);

	CU_ASSERT_NOT_EQUAL_FATAL(n, 0);
	CU_ASSERT_EQUAL_FATAL(stun_decode(f.out, n, &m), STUN_OK);
	CU_ASSERT(m.method == STUN_METHOD_BINDING && m.cls == STUN_CLASS_SUCCESS);
	CU_ASSERT_EQUAL(memcmp(m.tid, tid, STUN_TID_LEN), 0);
	CU_ASSERT_EQUAL(stun_get_xor_mapped_address(&m, &a), STUN_OK);
	CU_ASSERT(a.family == STUN_FAMILY_IPV4 && a.port == 40000 && !memcmp(a.addr, f.ep.client.addr, 4));
	CU_ASSERT(stun_get_software(&m, &sw) == STUN_OK && sw.len == 10 && !memcmp(sw.data, "dturn test", 10));
	CU_ASSERT_EQUAL(stun_check_fingerprint(&m), STUN_OK);
	CU_ASSERT_EQUAL(m.fingerprint, (int)m.nattrs - 1);
	assert_only(&f, METRICS_STUN_BINDING_ANSWERED);
}

static void
test_binding_v6_without_fingerprint(void)
{
	struct fixture f;
	struct stun_msg m;
	struct stun_addr a;

	setup(&f, "2001:db8:18::2", 5555);
	f.srv.software_len = 0;
	build_request(&f, STUN_METHOD_BINDING, STUN_CLASS_REQUEST, false, NULL);
	size_t n = handle(&f);

	CU_ASSERT_EQUAL_FATAL(stun_decode(f.out, n, &m), STUN_OK);
	CU_ASSERT_EQUAL(stun_get_xor_mapped_address(&m, &a), STUN_OK);
	CU_ASSERT(a.family == STUN_FAMILY_IPV6 && a.port == 5555 && !memcmp(a.addr, f.ep.client.addr, 16));
	CU_ASSERT_EQUAL(m.fingerprint, -1);
	CU_ASSERT_EQUAL(stun_find(&m, STUN_ATTR_SOFTWARE, 0), -1);
	assert_only(&f, METRICS_STUN_BINDING_ANSWERED);
}

static void
add_unknown(struct stun_builder *b)
{
	stun_add_attr(b, 0x7f00, "abcd", 4);
	stun_add_attr(b, 0xc0de, "x", 1); /* optional: not listed */
}

static void
test_unknown_attribute_gets_420(void)
{
	struct fixture f;
	struct stun_msg m;
	struct stun_error_code ec;
	uint16_t types[4];
	unsigned int nt;

	setup(&f, "198.18.0.2", 40000);
	build_request(&f, STUN_METHOD_BINDING, STUN_CLASS_REQUEST, true, add_unknown);
	size_t n = handle(&f);

	CU_ASSERT_EQUAL_FATAL(stun_decode(f.out, n, &m), STUN_OK);
	CU_ASSERT_EQUAL(m.cls, STUN_CLASS_ERROR);
	CU_ASSERT(stun_get_error_code(&m, &ec) == STUN_OK && ec.code == 420);
	CU_ASSERT(stun_get_unknown_attributes(&m, types, 4, &nt) == STUN_OK && nt == 1 && types[0] == 0x7f00);
	CU_ASSERT_EQUAL(stun_check_fingerprint(&m), STUN_OK);
	assert_only(&f, METRICS_STUN_ERROR_ANSWERED);
}

static void
add_change_request(struct stun_builder *b)
{
	stun_add_u32(b, STUN_ATTR_CHANGE_REQUEST, 0x6);
}

static void
test_change_request_gets_420(void)
{
	struct fixture f;
	struct stun_msg m;
	struct stun_error_code ec;

	setup(&f, "198.18.0.2", 40000);
	build_request(&f, STUN_METHOD_BINDING, STUN_CLASS_REQUEST, false, add_change_request);
	size_t n = handle(&f);

	CU_ASSERT_EQUAL_FATAL(stun_decode(f.out, n, &m), STUN_OK);
	CU_ASSERT(stun_get_error_code(&m, &ec) == STUN_OK && ec.code == 420);
	assert_only(&f, METRICS_STUN_ERROR_ANSWERED);
}

static void
test_bad_fingerprint_dropped(void)
{
	struct fixture f;

	setup(&f, "198.18.0.2", 40000);
	build_request(&f, STUN_METHOD_BINDING, STUN_CLASS_REQUEST, true, NULL);
	f.req[f.req_len - 1] ^= 1;
	CU_ASSERT_EQUAL(handle(&f), 0);
	assert_only(&f, METRICS_DROP_STUN_FINGERPRINT);
}

static void
test_indication_and_wrong_classes(void)
{
	struct fixture f;

	setup(&f, "198.18.0.2", 40000);
	build_request(&f, STUN_METHOD_BINDING, STUN_CLASS_INDICATION, false, NULL);
	CU_ASSERT_EQUAL(handle(&f), 0);
	assert_only(&f, METRICS_STUN_INDICATION_ACCEPTED);

	setup(&f, "198.18.0.2", 40000);
	build_request(&f, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, false, NULL);
	CU_ASSERT_EQUAL(handle(&f), 0);
	assert_only(&f, METRICS_DROP_STUN_CLASS);

	setup(&f, "198.18.0.2", 40000);
	build_request(&f, 0x0abc, STUN_CLASS_REQUEST, false, NULL);
	CU_ASSERT_EQUAL(handle(&f), 0);
	assert_only(&f, METRICS_DROP_STUN_METHOD);
}

static void
test_garbage_then_valid(void)
{
	struct fixture f;
	struct stun_msg m;

	setup(&f, "198.18.0.2", 40000);
	build_request(&f, STUN_METHOD_BINDING, STUN_CLASS_REQUEST, true, NULL);
	size_t good_len = f.req_len;
	uint8_t good[512];

	memcpy(good, f.req, good_len);
	f.req_len = good_len - 3; /* truncated */
	CU_ASSERT_EQUAL(handle(&f), 0);
	CU_ASSERT_EQUAL(f.mx.counter[METRICS_DROP_STUN_DECODE], 1);
	CU_ASSERT_EQUAL(f.mx.stun_decode[STUN_LENGTH_SHORT], 1);
	f.req[5] ^= 0xff; /* cookie, and not a classic Binding request either */
	f.req[0] = 0x01;
	f.req_len = good_len;
	CU_ASSERT_EQUAL(handle(&f), 0);
	CU_ASSERT_EQUAL(f.mx.stun_decode[STUN_BAD_COOKIE], 1);
	memcpy(f.req, good, good_len);
	size_t n = handle(&f);

	CU_ASSERT_EQUAL_FATAL(stun_decode(f.out, n, &m), STUN_OK);
	CU_ASSERT_EQUAL(f.mx.counter[METRICS_STUN_BINDING_ANSWERED], 1);
}

/* stun-client's first request, captured: RFC 3489, CHANGE-REQUEST with no flags. */
static const uint8_t classic_req[] = {
	0x00, 0x01, 0x00, 0x08, 0x01, 0xd8, 0xae, 0x4d, 0x74, 0x59, 0x6a, 0x0b, 0x0a, 0xdd,
	0x91, 0x13, 0x68, 0x45, 0xa8, 0x37, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
};

static void
test_classic_client(void)
{
	struct fixture f;
	struct stun_msg m;
	struct stun_addr a;

	setup(&f, "198.18.0.2", 16521);
	memcpy(f.req, classic_req, sizeof(classic_req));
	f.req_len = sizeof(classic_req);
	size_t n = handle(&f);

	CU_ASSERT_EQUAL_FATAL(stun_decode_classic(f.out, n, &m), STUN_OK);
	CU_ASSERT_EQUAL(memcmp(f.out + 4, classic_req + 4, 16), 0);
	CU_ASSERT(stun_get_mapped_address(&m, &a) == STUN_OK && a.port == 16521 &&
		  !memcmp(a.addr, f.ep.client.addr, 4));
	CU_ASSERT_EQUAL(m.fingerprint, -1);
	assert_only(&f, METRICS_STUN_CLASSIC_ANSWERED);

	setup(&f, "198.18.0.2", 16521);
	memcpy(f.req, classic_req, sizeof(classic_req));
	f.req[27] = 0x04; /* change IP */
	f.req_len = sizeof(classic_req);
	CU_ASSERT_EQUAL(handle(&f), 0);
	assert_only(&f, METRICS_DROP_STUN_CHANGE_REQUEST);
}

static void
test_no_space_counted(void)
{
	struct fixture f;

	setup(&f, "198.18.0.2", 40000);
	build_request(&f, STUN_METHOD_BINDING, STUN_CLASS_REQUEST, true, NULL);
	CU_ASSERT_EQUAL(handle_cap(&f, 30), 0);
	assert_only(&f, METRICS_DROP_STUN_ENCODE);
}

int
main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite("turn_binding", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "IPv4 Binding with FINGERPRINT", test_binding_v4_with_fingerprint) ||
	    !CU_add_test(s, "IPv6 Binding without FINGERPRINT or SOFTWARE", test_binding_v6_without_fingerprint) ||
	    !CU_add_test(s, "unknown attribute gets 420", test_unknown_attribute_gets_420) ||
	    !CU_add_test(s, "CHANGE-REQUEST gets 420", test_change_request_gets_420) ||
	    !CU_add_test(s, "bad FINGERPRINT dropped", test_bad_fingerprint_dropped) ||
	    !CU_add_test(s, "indication, responses, unknown method", test_indication_and_wrong_classes) ||
	    !CU_add_test(s, "garbage then a valid request", test_garbage_then_valid) ||
	    !CU_add_test(s, "RFC 3489 client", test_classic_client) ||
	    !CU_add_test(s, "response too big counted", test_no_space_counted)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
