/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How much bigger than the request is the answer to someone who has not
 * authenticated? Anyone who forges a source address can aim those answers
 * at a victim, so each ratio is measured here (printed for docs/hardening.md)
 * and held to a bound: the relay must be a poor reflector.
 */
#include <stdio.h>
#include <string.h>

#include "turn_fixture.h"

#define FORGED_IP "203.0.113.9"

struct probe {
	const char *what;
	size_t req, resp;
};

static struct probe seen[16];
static unsigned int nseen;

/* The answer's size through the worker side, and through the control lcore if sent there. */
static size_t
answer_size(const uint8_t *req, size_t len, const struct fx_client *c)
{
	uint8_t out[1024];
	size_t n = 0;
	struct turn_relay rel;
	enum turn_verdict v = turn_handle_stun(&W.srv, req, len, &c->ep, &W.clk, out, sizeof(out),
					       &n, &rel, &W.mx);

	if (v == TURN_VERDICT_CONTROL)
		n = turn_handle_request(&W.ctl, req, len, &c->ep, &W.clk, out, sizeof(out), &W.mx);
	return v == TURN_VERDICT_REPLY || v == TURN_VERDICT_CONTROL ? n : 0;
}

static void
measure(const char *what, uint16_t method, void (*attrs)(struct stun_builder *), bool fingerprint,
	double bound)
{
	struct fx_client c;
	struct fx_req q;

	fx_client(&c, FORGED_IP, 7777, "alice", "unknown");
	fx_begin(&q, method, STUN_CLASS_REQUEST);
	if (attrs != NULL)
		attrs(&q.b);
	if (fingerprint)
		stun_add_fingerprint(&q.b);
	q.len = stun_builder_finish(&q.b);

	size_t n = answer_size(q.buf, q.len, &c);

	CU_ASSERT(n > 0);
	CU_ASSERT((double)n <= bound * (double)q.len);
	if (nseen < sizeof(seen) / sizeof(seen[0]))
		seen[nseen++] = (struct probe){ what, q.len, n };
}

static void
transport(struct stun_builder *b)
{
	stun_add_requested_transport(b, TURN_PROTO_UDP);
}

static void
unknown(struct stun_builder *b)
{
	stun_add_attr(b, 0x7f00, NULL, 0);
}

static void
peer(struct stun_builder *b)
{
	struct stun_addr p;

	fx_addr(&p, "198.18.5.5", 5000);
	stun_add_xor_addr(b, STUN_ATTR_XOR_PEER_ADDRESS, &p);
}

static void
test_unauthenticated_answers_are_small(void)
{
	measure("Binding request, no attributes", STUN_METHOD_BINDING, NULL, false, 3.0);
	measure("Binding request with FINGERPRINT", STUN_METHOD_BINDING, NULL, true, 3.0);
	measure("Allocate, REQUESTED-TRANSPORT only (401)", STUN_METHOD_ALLOCATE, transport, false, 4.0);
	measure("Allocate with FINGERPRINT (401)", STUN_METHOD_ALLOCATE, transport, true, 4.0);
	measure("Allocate, unknown attribute (420)", STUN_METHOD_ALLOCATE, unknown, false, 2.5);
}

/* Refresh and the others with no allocation and no credentials: no answer at all. */
static void
test_no_answer_without_allocation(void)
{
	struct fx_client c;
	struct fx_req q;
	static const uint16_t methods[] = { STUN_METHOD_REFRESH, STUN_METHOD_CREATE_PERMISSION,
					    STUN_METHOD_CHANNEL_BIND };

	fx_client(&c, FORGED_IP, 7777, "alice", "unknown");
	for (unsigned int i = 0; i < 3; i++) {
		uint64_t before = W.mx.counter[METRICS_DROP_UNAUTH_NO_ALLOCATION];

		fx_begin(&q, methods[i], STUN_CLASS_REQUEST);
		if (methods[i] != STUN_METHOD_REFRESH)
			peer(&q.b);
		q.len = stun_builder_finish(&q.b);
		CU_ASSERT_EQUAL(answer_size(q.buf, q.len, &c), 0);
		CU_ASSERT_EQUAL(W.mx.counter[METRICS_DROP_UNAUTH_NO_ALLOCATION], before + 1);
	}
}

/* RFC 3489 clients: the answer is 32 bytes for a 28-byte request. */
static void
test_classic_binding(void)
{
	static const uint8_t req[] = {
		0x00, 0x01, 0x00, 0x08, 0x01, 0xd8, 0xae, 0x4d, 0x74, 0x59, 0x6a, 0x0b, 0x0a, 0xdd,
		0x91, 0x13, 0x68, 0x45, 0xa8, 0x37, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	};
	struct fx_client c;
	size_t n;

	fx_client(&c, FORGED_IP, 7777, "alice", "unknown");
	n = answer_size(req, sizeof(req), &c);
	CU_ASSERT_EQUAL(n, 32);
	if (nseen < sizeof(seen) / sizeof(seen[0]))
		seen[nseen++] = (struct probe){ "RFC 3489 Binding request", sizeof(req), n };
}

int
main(int argc, char **argv)
{
	(void)argc;
	if (fx_eal_init(argv[0], "amplification") != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite_with_setup_and_teardown("turn_amplification", NULL, NULL,
							   fx_setup, fx_teardown);

	if (s == NULL ||
	    !CU_add_test(s, "answers before authentication stay small", test_unauthenticated_answers_are_small) ||
	    !CU_add_test(s, "no answer without allocation or credentials", test_no_answer_without_allocation) ||
	    !CU_add_test(s, "RFC 3489 Binding", test_classic_binding)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	printf("\n| request | request bytes | answer bytes | ratio |\n|---|---:|---:|---:|\n");
	for (unsigned int i = 0; i < nseen; i++)
		printf("| %s | %zu | %zu | %.2f |\n", seen[i].what, seen[i].req, seen[i].resp,
		       (double)seen[i].resp / (double)seen[i].req);

	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
