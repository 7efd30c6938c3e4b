/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What dturnctl's commands do inside the relay (lib/turn/turn_admin.c, the
 * drain check of turn_allocate.c, the revocation check of turn_request.c),
 * on the turn fixture's real table and auth: delete, revoke, drain with and
 * without an alternate server, and table_alloc_at's walk.
 */
#include <errno.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "turn_fixture.h"

#define CLIENT_IP "203.0.113.7"
#define ALT_IP "192.0.2.99"
#define ALT_PORT 3479

static void
allocate_request(struct fx_req *q, const struct fx_client *c)
{
	fx_begin(q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_requested_transport(&q->b, TURN_PROTO_UDP);
	fx_finish(q, c, FX_AUTH | FX_FINGERPRINT);
}

static unsigned int
live_allocations(void)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < table_capacity(W.table); i++)
		n += table_alloc_at(W.table, i) != NULL;
	return n;
}

static void
test_owner_match(void)
{
	struct table_alloc_owner o;
	static const struct {
		const char *name;
		bool match;
	} cases[] = {
		{ "alice", true }, { "1700000000:alice", true }, { "1:alice", true },
		{ "xalice", false }, { "alice2", false }, { ":alice", false },
		{ "17a:alice", false }, { "1700:alice:x", false }, { "1700:bob", false },
		{ "", false }, { "alic", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.username_len = (uint16_t)strlen(cases[i].name);
		memcpy(o.username, cases[i].name, o.username_len);
		if (turn_admin_owner_is(&o, "alice") != cases[i].match)
			fprintf(stderr, "owner '%s'\n", cases[i].name);
		CU_ASSERT(turn_admin_owner_is(&o, "alice") == cases[i].match);
	}
}

static void
test_alloc_at_walks_live_slots(void)
{
	struct fx_client a, b;

	CU_ASSERT_EQUAL(live_allocations(), 0);
	CU_ASSERT_PTR_NULL(table_alloc_at(W.table, table_capacity(W.table)));
	CU_ASSERT_PTR_NULL(table_alloc_at(W.table, UINT32_MAX));
	fx_client(&a, CLIENT_IP, 40000, "alice", "secret123");
	fx_client(&b, CLIENT_IP, 40001, "carol", "carol-pw");
	CU_ASSERT_FATAL(fx_allocate(&a, 0) && fx_allocate(&b, 0));
	CU_ASSERT_EQUAL(live_allocations(), 2);
	turn_admin_delete(&W.ctl, fx_alloc_of(&a), &W.mx);
	/* Deleted: no longer live for the walk, though readers may still hold it. */
	CU_ASSERT_EQUAL(live_allocations(), 1);
}

static void
test_delete_is_refresh_zero(void)
{
	struct fx_client a, a2;
	struct fx_resp r;
	struct metrics_lcore snap;

	W.srv.allocations_per_user = 1;
	fx_client(&a, CLIENT_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&a, 0));
	struct table_alloc *al = fx_alloc_of(&a);

	CU_ASSERT_PTR_NOT_NULL_FATAL(al);
	fx_snap(&snap);
	turn_admin_delete(&W.ctl, al, &W.mx);
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ADMIN_DELETED));
	CU_ASSERT_FALSE(table_alloc_live(al, W.clk.now_ms));
	CU_ASSERT_PTR_NULL(fx_alloc_of(&a));
	/* The client's next Refresh finds nothing. */
	CU_ASSERT(fx_refresh(&a, 600, 0, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_REFRESH, 437));
	/* The quota went back: alice (one allocation at most) allocates again elsewhere. */
	fx_client(&a2, CLIENT_IP, 40002, "alice", "secret123");
	CU_ASSERT(fx_allocate(&a2, 0));
}

static void
test_revoke_user(void)
{
	struct fx_client a1, a2, rest, carol, again;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&a1, CLIENT_IP, 40000, "alice", "secret123");
	fx_client(&a2, CLIENT_IP, 40001, "alice", "secret123");
	fx_client_rest(&rest, CLIENT_IP, 40002, FX_START_S + 3600, "alice", "new-secret");
	fx_client(&carol, CLIENT_IP, 40003, "carol", "carol-pw");
	CU_ASSERT_FATAL(fx_allocate(&a1, 0) && fx_allocate(&a2, 0) && fx_allocate(&rest, 0) &&
			fx_allocate(&carol, 0));
	fx_snap(&snap);
	/* The static user and the REST username "<expiry>:alice" go; carol stays. */
	CU_ASSERT_EQUAL(turn_admin_revoke(&W.ctl, "alice", &W.mx), 3);
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ADMIN_DELETED, METRICS_TURN_ADMIN_DELETED,
			   METRICS_TURN_ADMIN_DELETED));
	CU_ASSERT_PTR_NULL(fx_alloc_of(&a1));
	CU_ASSERT_PTR_NULL(fx_alloc_of(&rest));
	CU_ASSERT_PTR_NOT_NULL(fx_alloc_of(&carol));
	CU_ASSERT(turn_admin_revoked(&W.ctl, "alice", 5));
	CU_ASSERT(turn_admin_revoked(&W.ctl, "99:alice", 8));
	CU_ASSERT_FALSE(turn_admin_revoked(&W.ctl, "carol", 5));

	/* alice's next Allocate, with good credentials: an unsigned 401, counted. */
	fx_client(&again, CLIENT_IP, 40004, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&again));
	fx_snap(&snap);
	allocate_request(&q, &again);
	CU_ASSERT_FATAL(fx_send(&q, &again, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 401));
	CU_ASSERT(fx_unsigned(&r));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_REVOKED_REFUSED, METRICS_TURN_AUTH_FAILED));
	CU_ASSERT_PTR_NULL(fx_alloc_of(&again));
	/* carol is untouched. */
	CU_ASSERT(fx_refresh(&carol, 600, 0, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));

	/* Revoking again adds no entry and deletes nothing more. */
	CU_ASSERT_EQUAL(turn_admin_revoke(&W.ctl, "alice", &W.mx), 0);
	CU_ASSERT_EQUAL(W.ctl.revoked_count, 1);
	/* A reload clears the list: alice allocates again. */
	turn_admin_unrevoke_all(&W.ctl);
	CU_ASSERT(fx_allocate(&again, 0));
}

static void
test_revoke_bad_input(void)
{
	char name[TABLE_USERNAME_MAX + 1];

	CU_ASSERT_EQUAL(turn_admin_revoke(&W.ctl, "", &W.mx), -EINVAL);
	memset(name, 'u', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CU_ASSERT_EQUAL(turn_admin_revoke(&W.ctl, name, &W.mx), -EINVAL);
	for (unsigned int i = 0; i < TURN_REVOKED_MAX; i++) {
		snprintf(name, sizeof(name), "user%u", i);
		CU_ASSERT_EQUAL(turn_admin_revoke(&W.ctl, name, &W.mx), 0);
	}
	CU_ASSERT_EQUAL(turn_admin_revoke(&W.ctl, "one-more", &W.mx), -ENOSPC);
	CU_ASSERT_EQUAL(W.ctl.revoked_count, TURN_REVOKED_MAX);
	CU_ASSERT_FALSE(turn_admin_revoked(&W.ctl, "one-more", 8));
}

static void
test_drain_without_alternate(void)
{
	struct fx_client old, fresh;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&old, CLIENT_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&old, 0));
	W.ctl.draining = true;
	fx_client(&fresh, CLIENT_IP, 40001, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&fresh));
	fx_snap(&snap);
	allocate_request(&q, &fresh);
	CU_ASSERT_FATAL(fx_send(&q, &fresh, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 508));
	CU_ASSERT(fx_signed(&r, &fresh));
	CU_ASSERT(stun_find(&r.m, STUN_ATTR_ALTERNATE_SERVER, 0) < 0);
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_DRAIN_REFUSED, METRICS_TURN_ERROR_508));
	CU_ASSERT_PTR_NULL(fx_alloc_of(&fresh));
	/* What exists keeps working: Refresh and CreatePermission. */
	CU_ASSERT(fx_refresh(&old, 600, 0, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));

	struct stun_addr peer;

	fx_addr(&peer, "198.18.0.2", 0);
	CU_ASSERT(fx_permission(&old, &peer, 1, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_CREATE_PERMISSION));
	/* Drain off: allocating again. */
	W.ctl.draining = false;
	CU_ASSERT(fx_allocate(&fresh, 0));
}

static void
test_drain_with_alternate(void)
{
	struct fx_client c, done;
	struct fx_req q, first;
	struct fx_resp r;
	struct metrics_lcore snap;
	struct stun_addr alt, want;
	struct stun_error_code ec;

	/* An allocation made before the drain, whose Allocate is retransmitted during it. */
	fx_client(&done, CLIENT_IP, 40005, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&done));
	allocate_request(&first, &done);
	CU_ASSERT_FATAL(fx_send(&first, &done, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_ALLOCATE));

	fx_addr(&W.srv.alternate_server, ALT_IP, ALT_PORT);
	W.ctl.draining = true;
	fx_client(&c, CLIENT_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_snap(&snap);
	allocate_request(&q, &c);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	/* RFC 8489 §10: 300 with ALTERNATE-SERVER, signed since the request authenticated. */
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 300));
	CU_ASSERT(stun_get_error_code(&r.m, &ec) == STUN_OK && ec.reason.len == 13 &&
		  memcmp(ec.reason.data, "Try Alternate", 13) == 0);
	CU_ASSERT_EQUAL_FATAL(stun_get_alternate_server(&r.m, &alt), STUN_OK);
	fx_addr(&want, ALT_IP, ALT_PORT);
	CU_ASSERT(fx_addr_eq(&alt, &want));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(fx_fingerprint(&r, true));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_DRAIN_REFUSED));
	CU_ASSERT_PTR_NULL(fx_alloc_of(&c));

	/* The retransmission of the earlier Allocate still gets its kept success. */
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_send(&first, &done, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ALLOCATE_REPLAYED));
}

/* What dturnctl show reports as bytes: counted per allocation by the relay decisions. */
static void
test_traffic_counted(void)
{
	struct fx_client c, h;
	struct fx_resp r;
	struct stun_addr peer;
	struct turn_relay rel;
	struct table_alloc_traffic tr;
	uint8_t buf[256], out[256];
	size_t len, n;
	static const uint8_t payload[5] = "hello";

	fx_client(&c, CLIENT_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	fx_addr(&peer, "198.18.0.2", 6000);
	CU_ASSERT_FATAL(fx_permission(&c, &peer, 1, &r) && fx_success(&r, STUN_METHOD_CREATE_PERMISSION));
	table_traffic_read(fx_alloc_of(&c), &tr);
	CU_ASSERT(tr.to_peer_bytes == 0 && tr.to_peer_packets == 0 && tr.to_client_bytes == 0 &&
		  tr.to_client_packets == 0);

	/* Two Send indications of 5 bytes to the peer, one refused (no permission: not counted). */
	len = fx_send_indication(buf, sizeof(buf), &peer, payload, sizeof(payload));
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(turn_handle_stun(&W.srv, buf, len, &c.ep, &W.clk, out, sizeof(out), &n,
						 &rel, &W.mx), TURN_VERDICT_RELAY);

	struct stun_addr stranger;

	fx_addr(&stranger, "198.18.0.3", 6000);
	len = fx_send_indication(buf, sizeof(buf), &stranger, payload, sizeof(payload));
	CU_ASSERT_EQUAL(turn_handle_stun(&W.srv, buf, len, &c.ep, &W.clk, out, sizeof(out), &n, &rel,
					 &W.mx), TURN_VERDICT_DROP);
	/* 100 bytes from the peer to the client. */
	CU_ASSERT_EQUAL(turn_handle_peer_data(&W.srv, &peer, &c.relayed, 100, &W.clk, &rel, &W.mx),
			TURN_VERDICT_RELAY);
	table_traffic_read(fx_alloc_of(&c), &tr);
	CU_ASSERT_EQUAL(tr.to_peer_bytes, 10);
	CU_ASSERT_EQUAL(tr.to_peer_packets, 2);
	CU_ASSERT_EQUAL(tr.to_client_bytes, 100);
	CU_ASSERT_EQUAL(tr.to_client_packets, 1);

	/* A hairpin counts to_peer on the sender and to_client on the receiver. */
	fx_client(&h, CLIENT_IP, 40001, "carol", "carol-pw");
	CU_ASSERT_FATAL(fx_allocate(&h, 0));
	struct stun_addr relayed_ip;

	fx_addr(&relayed_ip, FX_RELAY_V4, 0);
	CU_ASSERT_FATAL(fx_permission(&c, &relayed_ip, 1, &r) && fx_success(&r, STUN_METHOD_CREATE_PERMISSION));
	CU_ASSERT_FATAL(fx_permission(&h, &relayed_ip, 1, &r) && fx_success(&r, STUN_METHOD_CREATE_PERMISSION));
	len = fx_send_indication(buf, sizeof(buf), &h.relayed, payload, sizeof(payload));
	CU_ASSERT_EQUAL(turn_handle_stun(&W.srv, buf, len, &c.ep, &W.clk, out, sizeof(out), &n, &rel,
					 &W.mx), TURN_VERDICT_RELAY);
	table_traffic_read(fx_alloc_of(&c), &tr);
	CU_ASSERT_EQUAL(tr.to_peer_bytes, 15);
	CU_ASSERT_EQUAL(tr.to_peer_packets, 3);
	table_traffic_read(fx_alloc_of(&h), &tr);
	CU_ASSERT_EQUAL(tr.to_client_bytes, 5);
	CU_ASSERT_EQUAL(tr.to_client_packets, 1);
	CU_ASSERT_EQUAL(tr.to_peer_packets, 0);
}

int
main(int argc, char **argv)
{
	(void)argc;
	if (fx_eal_init(argv[0], "admin") != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite_with_setup_and_teardown("turn_admin", NULL, NULL, fx_setup,
							   fx_teardown);

	if (s == NULL ||
	    !CU_add_test(s, "owner names: user and <expiry>:user", test_owner_match) ||
	    !CU_add_test(s, "table_alloc_at walks live slots", test_alloc_at_walks_live_slots) ||
	    !CU_add_test(s, "delete is Refresh 0: 437 after, quota back", test_delete_is_refresh_zero) ||
	    !CU_add_test(s, "revoke: allocations go, 401 until unrevoked", test_revoke_user) ||
	    !CU_add_test(s, "revoke: bad names and a full list", test_revoke_bad_input) ||
	    !CU_add_test(s, "drain without alternate: 508, existing work", test_drain_without_alternate) ||
	    !CU_add_test(s, "drain with alternate: 300 + ALTERNATE-SERVER", test_drain_with_alternate) ||
	    !CU_add_test(s, "relayed bytes counted per allocation", test_traffic_counted)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
