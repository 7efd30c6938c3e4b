/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hardening limits: a source that keeps failing authentication is put in
 * the penalty box and no longer answered, on the worker side; an allocation
 * over its bandwidth limit has its data dropped, in both directions.
 */
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "turn_fixture.h"

#define MALLORY_IP "203.0.113.66"
#define ALICE_IP "203.0.113.7"
#define PEER_IP "198.18.5.5"

static struct turn_penalty_box *box;

static void
limits_on(uint32_t rate, uint32_t burst, uint32_t block_s)
{
	struct turn_limits_params lp = { .failures_per_s = rate, .failure_burst = burst,
					 .block_s = block_s };

	box = rte_zmalloc("test_box", sizeof(*box), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(box);
	W.ctl.failures = turn_failures_create(&lp, 128, SOCKET_ID_ANY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(W.ctl.failures);
	W.ctl.box = box;
	W.srv.box = box;
}

static void
limits_off(void)
{
	turn_failures_free(W.ctl.failures);
	W.ctl.failures = NULL;
	W.ctl.box = NULL;
	W.srv.box = NULL;
	rte_free(box);
	box = NULL;
}

/* A Binding request from c through the worker side: answered or not. */
static bool
binding_answered(const struct fx_client *c)
{
	struct fx_req q;
	uint8_t out[512];
	size_t n = 0;
	struct turn_relay rel;

	fx_begin(&q, STUN_METHOD_BINDING, STUN_CLASS_REQUEST);
	q.len = stun_builder_finish(&q.b);
	return turn_handle_stun(&W.srv, q.buf, q.len, &c->ep, &W.clk, out, sizeof(out), &n, &rel,
				&W.mx) == TURN_VERDICT_REPLY;
}

/* An Allocate with the wrong password: 401 from the control side. */
static void
fail_once(struct fx_client *bad)
{
	struct fx_req q;
	struct fx_resp r;

	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_requested_transport(&q.b, TURN_PROTO_UDP);
	fx_finish(&q, bad, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, bad, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 401));
}

static void
test_failures_fill_the_penalty_box(void)
{
	struct fx_client bad, good;
	struct metrics_lcore snap;

	limits_on(1, 3, 60);
	fx_client(&bad, MALLORY_IP, 5000, "alice", "not-the-password");
	fx_client(&good, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&bad));

	/* The burst: three failures are answered and leave the source alone. */
	for (int i = 0; i < 3; i++)
		fail_once(&bad);
	CU_ASSERT(binding_answered(&bad));
	CU_ASSERT_EQUAL(W.mx.counter[METRICS_TURN_SOURCE_BLOCKED], 0);

	/* The fourth is answered too, and puts the source in the box. */
	fail_once(&bad);
	CU_ASSERT_EQUAL(W.mx.counter[METRICS_TURN_SOURCE_BLOCKED], 1);
	fx_snap(&snap);
	CU_ASSERT(!binding_answered(&bad));
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_SOURCE_BLOCKED));
	/* Another source is not affected, nor another port of the same IP (a NAT's neighbour). */
	CU_ASSERT(binding_answered(&good));
	bad.ep.client.port = 5001;
	CU_ASSERT(binding_answered(&bad));
	bad.ep.client.port = 5000;

	/* After the block time it is answered again. */
	W.clk.now_ms += 60000;
	CU_ASSERT(binding_answered(&bad));
	limits_off();
}

static void
test_refill_keeps_slow_failures_answered(void)
{
	struct fx_client bad;

	limits_on(1, 2, 60);
	fx_client(&bad, MALLORY_IP, 5000, "alice", "nope");
	CU_ASSERT_FATAL(fx_get_nonce(&bad));
	/* One failure a second at a refill of one a second never empties the bucket. */
	for (int i = 0; i < 10; i++) {
		fail_once(&bad);
		W.clk.now_ms += 1000;
	}
	CU_ASSERT_EQUAL(W.mx.counter[METRICS_TURN_SOURCE_BLOCKED], 0);
	CU_ASSERT(binding_answered(&bad));
	limits_off();
}

static void
test_bandwidth_bucket(void)
{
	uint64_t state = 0;
	uint64_t t = 1000000;

	/* A new bucket is full: 1000 bytes of burst, then nothing. */
	CU_ASSERT(turn_bandwidth_take(&state, 1000, 1000, 600, t));
	CU_ASSERT(turn_bandwidth_take(&state, 1000, 1000, 400, t));
	CU_ASSERT(!turn_bandwidth_take(&state, 1000, 1000, 1, t));
	/* 1000 bytes/s: half a second gives 500 bytes back. */
	CU_ASSERT(!turn_bandwidth_take(&state, 1000, 1000, 501, t + 500));
	CU_ASSERT(turn_bandwidth_take(&state, 1000, 1000, 500, t + 500));
	/* A slow rate accrues over milliseconds that give less than a byte each. */
	state = 0;
	CU_ASSERT(turn_bandwidth_take(&state, 100, 100, 100, t));
	for (uint64_t ms = 1; ms <= 10; ms++)
		(void)turn_bandwidth_take(&state, 100, 100, 0, t + ms);
	CU_ASSERT(turn_bandwidth_take(&state, 100, 100, 1, t + 10));
	/* Never more than the burst, however long the pause. */
	CU_ASSERT(!turn_bandwidth_take(&state, 1000, 1000, 1001, t + 3600000));
	CU_ASSERT(turn_bandwidth_take(&state, 1000, 1000, 1000, t + 3600000));
}

static void
test_allocation_over_its_bandwidth(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct stun_addr peer, relayed;
	struct turn_relay rel;
	uint8_t buf[1024], out[64], data[300];
	size_t len, n;
	unsigned int relayed_count = 0, dropped = 0;

	memset(data, 0xab, sizeof(data));
	W.srv.bandwidth_rate = 1000;
	W.srv.bandwidth_burst = 1000;
	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	fx_addr(&peer, PEER_IP, 6000);
	CU_ASSERT_FATAL(fx_permission(&c, &peer, 1, &r));
	len = fx_send_indication(buf, sizeof(buf), &peer, data, sizeof(data));
	/* Ten 300-byte sends at once against 1000 bytes of burst: three go. */
	for (int i = 0; i < 10; i++) {
		enum turn_verdict v = turn_handle_stun(&W.srv, buf, len, &c.ep, &W.clk, out,
						       sizeof(out), &n, &rel, &W.mx);

		relayed_count += v == TURN_VERDICT_RELAY;
		dropped += v == TURN_VERDICT_DROP;
	}
	CU_ASSERT_EQUAL(relayed_count, 3);
	CU_ASSERT_EQUAL(dropped, 7);
	CU_ASSERT_EQUAL(W.mx.counter[METRICS_DROP_RELAY_BANDWIDTH], 7);
	/* The other direction pays from the same bucket. */
	relayed = c.relayed;
	CU_ASSERT_EQUAL(turn_handle_peer_data(&W.srv, &peer, &relayed, 300, &W.clk, &rel, &W.mx),
			TURN_VERDICT_DROP);
	/* A second later 1000 bytes more: three sends again. */
	W.clk.now_ms += 1000;
	relayed_count = 0;
	for (int i = 0; i < 5; i++)
		relayed_count += turn_handle_stun(&W.srv, buf, len, &c.ep, &W.clk, out, sizeof(out),
						  &n, &rel, &W.mx) == TURN_VERDICT_RELAY;
	CU_ASSERT_EQUAL(relayed_count, 3);
	W.srv.bandwidth_rate = 0;
	/* Limit off: everything goes. */
	CU_ASSERT_EQUAL(turn_handle_stun(&W.srv, buf, len, &c.ep, &W.clk, out, sizeof(out), &n,
					 &rel, &W.mx), TURN_VERDICT_RELAY);
}

int
main(int argc, char **argv)
{
	(void)argc;
	if (fx_eal_init(argv[0], "limits") != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite_with_setup_and_teardown("turn_limits", NULL, NULL, fx_setup,
							   fx_teardown);

	if (s == NULL ||
	    !CU_add_test(s, "failed authentications fill the penalty box", test_failures_fill_the_penalty_box) ||
	    !CU_add_test(s, "slow failures are always answered", test_refill_keeps_slow_failures_answered) ||
	    !CU_add_test(s, "bandwidth bucket arithmetic", test_bandwidth_bucket) ||
	    !CU_add_test(s, "an allocation over its bandwidth", test_allocation_over_its_bandwidth)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
