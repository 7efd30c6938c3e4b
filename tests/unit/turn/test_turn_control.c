/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control side (RFC 8656 §7-§11, RFC 8489 §9.2.4): Allocate, the
 * authentication dance, Refresh, expiry, CreatePermission and ChannelBind,
 * each answer checked field by field with the counter it moved.
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "turn_fixture.h"

#define ALICE_IP "203.0.113.7"

static bool
relay_port_ok(uint16_t port)
{
	return port >= FX_PORT_MIN && port <= FX_PORT_MAX;
}

static void
add_transport(struct fx_req *q, uint8_t proto)
{
	stun_add_requested_transport(&q->b, proto);
}

/* ---- Allocate ---- */

static void
test_allocate_success(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r, again;
	struct metrics_lcore snap;
	struct stun_addr relayed, mapped, want;
	struct stun_bytes sw;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_AUTH | FX_FINGERPRINT);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ALLOCATED));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(fx_fingerprint(&r, true));
	CU_ASSERT(fx_lifetime(&r, TURN_ALLOCATION_LIFETIME_DEFAULT));
	CU_ASSERT_EQUAL_FATAL(stun_get_xor_relayed_address(&r.m, 0, &relayed), STUN_OK);
	fx_addr(&want, FX_RELAY_V4, relayed.port);
	CU_ASSERT(fx_addr_eq(&relayed, &want));
	CU_ASSERT(relay_port_ok(relayed.port));
	CU_ASSERT_EQUAL_FATAL(stun_get_xor_mapped_address(&r.m, &mapped), STUN_OK);
	CU_ASSERT(fx_addr_eq(&mapped, &c.ep.client));
	CU_ASSERT(stun_get_software(&r.m, &sw) == STUN_OK && sw.len == 10 &&
		  memcmp(sw.data, "dturn test", 10) == 0);

	/* The table holds it under the client's 5-tuple, with the relayed address answered. */
	struct table_alloc *a = fx_alloc_of(&c);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(table_count(W.table), 1);
	CU_ASSERT_EQUAL(table_alloc_expiry(a), FX_START_MS + 600000);
	CU_ASSERT_EQUAL(a->ids.relay.port, relayed.port);
	CU_ASSERT_EQUAL(a->ids.relay_port_index, FX_PORT_INDEX_RELAY_V4);
	CU_ASSERT_EQUAL(a->ids.client_port_index, FX_PORT_INDEX_CLIENT);

	/* §7.2: a retransmission within the transaction lifetime gets the same bytes. */
	W.clk.now_ms += TURN_TRANSACTION_LIFETIME_MS - 1;
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_send(&q, &c, &again));
	CU_ASSERT_EQUAL(again.len, r.len);
	CU_ASSERT(again.len == r.len && memcmp(again.buf, r.buf, r.len) == 0);
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ALLOCATE_REPLAYED));
	CU_ASSERT_EQUAL(table_count(W.table), 1);

	/* After it: the same transaction is a mismatch. */
	W.clk.now_ms += 1;
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_send(&q, &c, &again));
	CU_ASSERT(fx_error(&again, STUN_METHOD_ALLOCATE, 437));
	CU_ASSERT(fx_signed(&again, &c));
	CU_ASSERT(fx_fingerprint(&again, true));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ERROR_437));
}

static void
test_allocate_other_transaction_437(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 437));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(fx_fingerprint(&r, false));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ERROR_437));
	CU_ASSERT_EQUAL(table_count(W.table), 1);
}

/* An authenticated Allocate with whatever attributes add() puts in; expects an error. */
static void
allocate_error(void (*add)(struct fx_req *), uint16_t code, enum metrics_counter counter)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add(&q);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, code));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(FX_MOVED(&snap, counter));
	CU_ASSERT_EQUAL(table_count(W.table), 0);
	CU_ASSERT_PTR_NULL(fx_alloc_of(&c));
}

static void
add_nothing(struct fx_req *q)
{
	stun_add_u32(&q->b, STUN_ATTR_LIFETIME, 600);
}

static void
add_tcp(struct fx_req *q)
{
	add_transport(q, 6);
}

static void
add_family_3(struct fx_req *q)
{
	add_transport(q, TURN_PROTO_UDP);
	stun_add_u32(&q->b, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, 0x03000000);
}

static void
add_reservation_token(struct fx_req *q)
{
	static const uint8_t token[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	add_transport(q, TURN_PROTO_UDP);
	stun_add_attr(&q->b, STUN_ATTR_RESERVATION_TOKEN, token, sizeof(token));
}

/* RFC 8656 §7.2: REQUESTED-ADDRESS-FAMILY together with ADDITIONAL-ADDRESS-FAMILY is 400. */
static void
add_both_families(struct fx_req *q)
{
	add_transport(q, TURN_PROTO_UDP);
	stun_add_u32(&q->b, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, 0x01000000);
	stun_add_u32(&q->b, STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, 0x02000000);
}

/* RFC 8656 §7.2: ADDITIONAL-ADDRESS-FAMILY may only ask for IPv6; IPv4 there is 400. */
static void
add_additional_v4(struct fx_req *q)
{
	add_transport(q, TURN_PROTO_UDP);
	stun_add_u32(&q->b, STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, 0x01000000);
}

static void
test_allocate_no_transport_400(void)
{
	allocate_error(add_nothing, 400, METRICS_TURN_ERROR_400);
}

static void
test_allocate_tcp_442(void)
{
	allocate_error(add_tcp, 442, METRICS_TURN_ERROR_442);
}

static void
test_allocate_family_440(void)
{
	allocate_error(add_family_3, 440, METRICS_TURN_ERROR_440);
}

static void
test_allocate_reservation_token_508(void)
{
	allocate_error(add_reservation_token, 508, METRICS_TURN_ERROR_508);
}

static void
test_allocate_both_families_400(void)
{
	allocate_error(add_both_families, 400, METRICS_TURN_ERROR_400);
}

static void
test_allocate_additional_v4_400(void)
{
	allocate_error(add_additional_v4, 400, METRICS_TURN_ERROR_400);
}

static void
test_allocate_ipv6(void)
{
	struct fx_client c;
	struct stun_addr want;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, STUN_FAMILY_IPV6));
	fx_addr(&want, FX_RELAY_V6, c.relayed.port);
	CU_ASSERT(fx_addr_eq(&c.relayed, &want));
	CU_ASSERT(relay_port_ok(c.relayed.port));
	CU_ASSERT(fx_addr_eq(&c.mapped, &c.ep.client));
	CU_ASSERT_EQUAL(c.lifetime, 600);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx_alloc_of(&c));
	CU_ASSERT_EQUAL(fx_alloc_of(&c)->ids.relay_port_index, FX_PORT_INDEX_RELAY_V6);

	/* An IPv6 client, IPv4 relayed address by default. */
	struct fx_client d;

	fx_client(&d, "2001:db8:77::5", 6000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&d, 0));
	fx_addr(&want, FX_RELAY_V4, d.relayed.port);
	CU_ASSERT(fx_addr_eq(&d.relayed, &want));
	CU_ASSERT(fx_addr_eq(&d.mapped, &d.ep.client));
}

/* ---- authentication ---- */

static void
test_unknown_attribute_420_before_auth(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;
	uint16_t types[4];
	unsigned int n = 0;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	stun_add_attr(&q.b, 0x7f00, "abcd", 4);
	stun_add_attr(&q.b, 0xc0de, "x", 1); /* comprehension-optional: not listed */
	fx_finish(&q, &c, FX_FINGERPRINT);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 420));
	CU_ASSERT(stun_get_unknown_attributes(&r.m, types, 4, &n) == STUN_OK && n == 1 &&
		  types[0] == 0x7f00);
	CU_ASSERT(fx_unsigned(&r));
	CU_ASSERT(fx_fingerprint(&r, true));
	CU_ASSERT_EQUAL(stun_find(&r.m, STUN_ATTR_NONCE, 0), -1);
	CU_ASSERT(FX_MOVED(&snap, METRICS_STUN_ERROR_ANSWERED));
}

static void
test_no_credentials_401(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_FINGERPRINT);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 401));
	CU_ASSERT(fx_challenge(&r));
	CU_ASSERT(fx_unsigned(&r));
	CU_ASSERT(fx_fingerprint(&r, true));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_CHALLENGED));

	/* The nonce is ours, for this client, and fresh. */
	struct stun_bytes nonce;

	CU_ASSERT_FATAL(stun_get_nonce(&r.m, &nonce) == STUN_OK);
	CU_ASSERT_EQUAL(auth_nonce_check(&W.auth, &c.ep.client, W.clk.now_s, nonce.data, nonce.len),
			AUTH_NONCE_OK);
	CU_ASSERT_EQUAL(table_count(W.table), 0);
}

static void
test_wrong_password_401(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", "not-the-password");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 401));
	CU_ASSERT(fx_challenge(&r));
	CU_ASSERT(fx_unsigned(&r));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_AUTH_FAILED));
	CU_ASSERT_EQUAL(table_count(W.table), 0);

	/* An unknown user is the same 401. */
	fx_client(&c, ALICE_IP, 40000, "mallory", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 401));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_AUTH_FAILED));
}

static void
test_stale_nonce_438(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;
	struct stun_bytes nonce;
	char old[AUTH_NONCE_MAX];

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	memcpy(old, c.nonce, c.nonce_len);
	W.clk.now_s += FX_NONCE_LIFETIME_S + 1;
	W.clk.now_ms += (FX_NONCE_LIFETIME_S + 1) * 1000ull;
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 438));
	CU_ASSERT(fx_challenge(&r));
	CU_ASSERT(fx_unsigned(&r));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_STALE_NONCE));
	CU_ASSERT_FATAL(stun_get_nonce(&r.m, &nonce) == STUN_OK);
	CU_ASSERT(nonce.len == c.nonce_len && memcmp(nonce.data, old, nonce.len) != 0);
	CU_ASSERT_EQUAL(auth_nonce_check(&W.auth, &c.ep.client, W.clk.now_s, nonce.data, nonce.len),
			AUTH_NONCE_OK);

	/* With the fresh nonce the same request goes through. */
	memcpy(c.nonce, nonce.data, nonce.len);
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ALLOCATED));
}

static void
test_missing_realm_400(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_AUTH | FX_NO_REALM);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 400));
	CU_ASSERT(fx_unsigned(&r));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ERROR_400));
	CU_ASSERT_EQUAL(table_count(W.table), 0);
}

static void
test_rest_users(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client_rest(&c, ALICE_IP, 40001, FX_START_S + 3600, "alice", "new-secret");
	CU_ASSERT(fx_allocate(&c, 0));
	CU_ASSERT_PTR_NOT_NULL(fx_alloc_of(&c));

	/* The rotated-out secret still works. */
	fx_client_rest(&c, ALICE_IP, 40002, FX_START_S + 3600, "alice", "old-secret");
	CU_ASSERT(fx_allocate(&c, 0));
	CU_ASSERT_EQUAL(table_count(W.table), 2);

	/* A secret we do not have: 401. */
	fx_client_rest(&c, ALICE_IP, 40003, FX_START_S + 3600, "alice", "other-secret");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 401));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_AUTH_FAILED));

	/* Expired username, right password: 401. */
	fx_client_rest(&c, ALICE_IP, 40004, FX_START_S - 1, "alice", "new-secret");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 401));
	CU_ASSERT(fx_challenge(&r));
	CU_ASSERT(fx_unsigned(&r));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_AUTH_FAILED));
	CU_ASSERT_EQUAL(table_count(W.table), 2);
}

static void
test_sha256(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", NULL);
	fx_client_sha256(&c, "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_AUTH | FX_FINGERPRINT);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT(fx_signed(&r, &c)); /* MESSAGE-INTEGRITY-SHA256 only */
	CU_ASSERT(fx_fingerprint(&r, true));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ALLOCATED));

	/* Later requests on the allocation are answered the same way. */
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&c, 900, 0, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(fx_lifetime(&r, 900));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_REFRESHED));

	/* A user configured by MD5 key alone cannot use SHA-256 ... */
	struct fx_client b;

	fx_client(&b, ALICE_IP, 40010, "bob", NULL);
	fx_client_sha256(&b, "hunter2");
	CU_ASSERT_FATAL(fx_get_nonce(&b));
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &b, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &b, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 401));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_AUTH_FAILED));

	/* ... but MD5 works for it. */
	fx_client(&b, ALICE_IP, 40010, "bob", "hunter2");
	CU_ASSERT(fx_allocate(&b, 0));
	CU_ASSERT_EQUAL(table_count(W.table), 2);
}

/* ---- quota and capacity ---- */

static void
expect_allocate_error(struct fx_client *c, uint16_t code, enum metrics_counter counter)
{
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;

	CU_ASSERT_FATAL(fx_get_nonce(c));
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, code));
	CU_ASSERT(fx_signed(&r, c));
	CU_ASSERT(FX_MOVED(&snap, counter));
}

static void
test_quota_486(void)
{
	struct fx_client c[3], other;
	struct fx_resp r;
	struct metrics_lcore snap;

	W.srv.allocations_per_user = 2;
	for (unsigned int i = 0; i < 3; i++)
		fx_client(&c[i], ALICE_IP, (uint16_t)(41000 + i), "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c[0], 0));
	CU_ASSERT_FATAL(fx_allocate(&c[1], 0));
	expect_allocate_error(&c[2], 486, METRICS_TURN_ERROR_486);
	CU_ASSERT_EQUAL(table_count(W.table), 2);

	/* Another user has a quota of its own. */
	fx_client(&other, ALICE_IP, 41010, "carol", "carol-pw");
	CU_ASSERT(fx_allocate(&other, 0));

	/* Deleting one gives the slot back. */
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&c[0], 0, 0, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_DELETED));
	CU_ASSERT(fx_allocate(&c[2], 0));
}

static void
test_capacity_508(void)
{
	struct fx_client c[FX_CAPACITY + 1];
	struct fx_resp r;
	struct metrics_lcore snap;

	for (unsigned int i = 0; i <= FX_CAPACITY; i++)
		fx_client(&c[i], ALICE_IP, (uint16_t)(42000 + i), "alice", "secret123");
	for (unsigned int i = 0; i < FX_CAPACITY; i++)
		CU_ASSERT_FATAL(fx_allocate(&c[i], i % 2 ? STUN_FAMILY_IPV6 : 0));
	CU_ASSERT_EQUAL(table_count(W.table), FX_CAPACITY);
	expect_allocate_error(&c[FX_CAPACITY], 508, METRICS_TURN_ERROR_508);
	CU_ASSERT_PTR_NULL(fx_alloc_of(&c[FX_CAPACITY]));

	/*
	 * No reader is registered in this test, so a deleted entry is reusable
	 * at once (table.h: reuse waits for every registered reader).
	 */
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&c[3], 0, 0, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));
	CU_ASSERT(fx_lifetime(&r, 0));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_DELETED));
	CU_ASSERT_EQUAL(table_count(W.table), FX_CAPACITY - 1);
	CU_ASSERT(fx_allocate(&c[FX_CAPACITY], 0));
	CU_ASSERT_EQUAL(table_count(W.table), FX_CAPACITY);
}

/* ---- Refresh ---- */

static void
test_refresh_lifetimes(void)
{
	static const struct {
		int64_t requested;
		uint32_t granted;
	} cases[] = {
		{ 1200, 1200 }, { 100, 600 }, { 600, 600 }, { 10000, FX_LIFETIME_MAX_S },
		{ FX_LIFETIME_MAX_S, FX_LIFETIME_MAX_S }, { -1, 600 }, { 0xFFFFFFFF, FX_LIFETIME_MAX_S },
	};
	struct fx_client c;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		W.clk.now_ms += 10000;
		fx_snap(&snap);
		CU_ASSERT_FATAL(fx_refresh(&c, cases[i].requested, 0, &r));
		CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));
		CU_ASSERT(fx_signed(&r, &c));
		CU_ASSERT(fx_lifetime(&r, cases[i].granted));
		CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_REFRESHED));
		CU_ASSERT_PTR_NOT_NULL_FATAL(fx_alloc_of(&c));
		CU_ASSERT_EQUAL(table_alloc_expiry(fx_alloc_of(&c)),
				W.clk.now_ms + cases[i].granted * 1000ull);
	}
	/* An Allocate's own LIFETIME is bounded the same way. */
	struct fx_client d;
	struct fx_req q;

	fx_client(&d, ALICE_IP, 40001, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&d));
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	stun_add_u32(&q.b, STUN_ATTR_LIFETIME, 7200);
	fx_finish(&q, &d, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &d, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT(fx_lifetime(&r, FX_LIFETIME_MAX_S));
	CU_ASSERT_EQUAL(table_alloc_expiry(fx_alloc_of(&d)),
			W.clk.now_ms + FX_LIFETIME_MAX_S * 1000ull);
}

static void
test_refresh_zero_deletes(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&c, 0, 0, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(fx_lifetime(&r, 0));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_DELETED));
	CU_ASSERT_EQUAL(table_count(W.table), 0);
	CU_ASSERT_PTR_NULL(fx_alloc_of(&c));

	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&c, 600, 0, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_REFRESH, 437));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ERROR_437));

	/* A Refresh with no allocation ever: 437 as well. */
	struct fx_client d;

	fx_client(&d, ALICE_IP, 40001, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&d));
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&d, 0, 0, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_REFRESH, 437));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ERROR_437));
}

static void
test_refresh_other_user_441(void)
{
	struct fx_client c, other;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	/* Same 5-tuple, other credentials (the nonce is bound to the address only). */
	fx_client(&other, ALICE_IP, 40000, "carol", "carol-pw");
	memcpy(other.nonce, c.nonce, c.nonce_len);
	other.nonce_len = c.nonce_len;
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&other, 0, 0, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_REFRESH, 441));
	CU_ASSERT(fx_signed(&r, &other));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ERROR_441));
	CU_ASSERT_EQUAL(table_count(W.table), 1);
	CU_ASSERT_EQUAL(table_alloc_expiry(fx_alloc_of(&c)), FX_START_MS + 600000);
}

static void
test_refresh_family_443(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&c, 1200, STUN_FAMILY_IPV6, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_REFRESH, 443));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ERROR_443));
	CU_ASSERT_EQUAL(table_alloc_expiry(fx_alloc_of(&c)), FX_START_MS + 600000);

	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&c, 1200, STUN_FAMILY_IPV4, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));
	CU_ASSERT(fx_lifetime(&r, 1200));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_REFRESHED));
}

/* ---- expiry ---- */

static void
test_expiry_sweep(void)
{
	struct fx_client c, d;
	struct fx_resp r;
	struct metrics_lcore snap;

	W.srv.allocations_per_user = 1;
	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	struct table_alloc *a = fx_alloc_of(&c);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	W.clk.now_ms = FX_START_MS + 600000 - 1;
	CU_ASSERT(table_alloc_live(a, W.clk.now_ms));
	CU_ASSERT_EQUAL(turn_control_sweep(&W.ctl, &W.clk, FX_CAPACITY), 0);
	CU_ASSERT_EQUAL(table_count(W.table), 1);

	W.clk.now_ms += 1;
	CU_ASSERT(!table_alloc_live(a, W.clk.now_ms));
	fx_snap(&snap);
	CU_ASSERT_EQUAL(turn_control_sweep(&W.ctl, &W.clk, FX_CAPACITY), 1);
	/* The sweep counts nothing itself: the caller adds turn_expired from the return. */
	CU_ASSERT(FX_NOTHING_MOVED(&snap));
	CU_ASSERT_EQUAL(table_count(W.table), 0);
	CU_ASSERT_PTR_NULL(fx_alloc_of(&c));
	CU_ASSERT_EQUAL(turn_control_sweep(&W.ctl, &W.clk, FX_CAPACITY), 0);

	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&c, 600, 0, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_REFRESH, 437));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ERROR_437));

	/* The quota slot came back with the expiry. */
	fx_client(&d, ALICE_IP, 40001, "alice", "secret123");
	CU_ASSERT(fx_allocate(&d, 0));
}

static void
test_refresh_expired_before_sweep_437(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	W.clk.now_ms = FX_START_MS + 600000;
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&c, 600, 0, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_REFRESH, 437));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_ERROR_437));
}

/*
 * RFC 8656 §7.2/§7.3: an expired allocation no longer exists, so a new
 * Allocate on its 5-tuple must succeed even before the sweep reached it.
 */
static void
test_allocate_after_expiry_before_sweep(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	W.clk.now_ms = FX_START_MS + 600000;
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_EXPIRED, METRICS_TURN_ALLOCATED));
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx_alloc_of(&c));
	CU_ASSERT(table_alloc_live(fx_alloc_of(&c), W.clk.now_ms));
}

/* ---- CreatePermission ---- */

static void
test_permission_one_and_several(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct metrics_lcore snap;
	struct stun_addr p[4];

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	struct table_alloc *a = fx_alloc_of(&c);

	fx_addr(&p[0], "198.18.5.5", 5000);
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_permission(&c, p, 1, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_CREATE_PERMISSION));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_PERMISSIONS));
	CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, p[0].addr, W.clk.now_ms));

	fx_addr(&p[0], "198.18.5.6", 1);
	fx_addr(&p[1], "8.8.8.8", 53);
	fx_addr(&p[2], "203.0.114.9", 9); /* just past TEST-NET-3 */
	fx_addr(&p[3], FX_RELAY_V4, 49999); /* a relayed address: hairpin */
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_permission(&c, p, 4, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_CREATE_PERMISSION));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_PERMISSIONS));
	for (unsigned int i = 0; i < 4; i++)
		CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, p[i].addr, W.clk.now_ms));
	fx_addr(&p[0], "198.18.5.7", 1);
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, p[0].addr, W.clk.now_ms));
}

static void
expect_permission_error(struct fx_client *c, const struct stun_addr *p, unsigned int n,
			uint16_t code, enum metrics_counter counter)
{
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_permission(c, p, n, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_CREATE_PERMISSION, code));
	CU_ASSERT(fx_signed(&r, c));
	CU_ASSERT(FX_MOVED(&snap, counter));
}

static void
test_permission_refused(void)
{
	static const char *refused[] = { "127.0.0.1", "10.0.0.1", FX_LISTEN_V4, "0.0.0.0",
					 "224.0.0.1", "255.255.255.255", "192.168.1.1" };
	struct fx_client c;
	struct stun_addr p[2];

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	struct table_alloc *a = fx_alloc_of(&c);

	for (unsigned int i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		fx_addr(&p[0], refused[i], 5000);
		expect_permission_error(&c, p, 1, 403, METRICS_TURN_ERROR_403);
		CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, p[0].addr, W.clk.now_ms));
	}
	/* All or nothing: a good peer next to a refused one is not installed. */
	fx_addr(&p[0], "198.18.5.5", 5000);
	fx_addr(&p[1], "127.0.0.1", 5000);
	expect_permission_error(&c, p, 2, 403, METRICS_TURN_ERROR_403);
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, p[0].addr, W.clk.now_ms));
	CU_ASSERT_EQUAL(a->nperms, 0);
}

static void
test_permission_family_and_none(void)
{
	struct fx_client c, v6;
	struct stun_addr p[2];

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	fx_addr(&p[0], "2001:db8:1::1", 5000);
	expect_permission_error(&c, p, 1, 443, METRICS_TURN_ERROR_443);
	expect_permission_error(&c, p, 0, 400, METRICS_TURN_ERROR_400);

	/* And the other way round; an IPv6 peer on an IPv6 allocation is fine. */
	fx_client(&v6, ALICE_IP, 40001, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&v6, STUN_FAMILY_IPV6));
	fx_addr(&p[1], "198.18.5.5", 5000);
	expect_permission_error(&v6, &p[1], 1, 443, METRICS_TURN_ERROR_443);

	struct fx_resp r;
	struct metrics_lcore snap;

	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_permission(&v6, p, 1, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_CREATE_PERMISSION));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_PERMISSIONS));
	CU_ASSERT(table_permitted(fx_alloc_of(&v6), STUN_FAMILY_IPV6, p[0].addr, W.clk.now_ms));

	/* IPv6 loopback, link-local and mapped are refused. */
	fx_addr(&p[0], "::1", 1);
	expect_permission_error(&v6, p, 1, 403, METRICS_TURN_ERROR_403);
	fx_addr(&p[0], "fe80::1", 1);
	expect_permission_error(&v6, p, 1, 403, METRICS_TURN_ERROR_403);
	fx_addr(&p[0], "::ffff:8.8.8.8", 1);
	expect_permission_error(&v6, p, 1, 403, METRICS_TURN_ERROR_403);
}

static void
test_permission_without_allocation_437(void)
{
	struct fx_client c;
	struct stun_addr p;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_addr(&p, "198.18.5.5", 5000);
	expect_permission_error(&c, &p, 1, 437, METRICS_TURN_ERROR_437);
}

static void
test_permission_expiry(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct stun_addr p;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	struct table_alloc *a = fx_alloc_of(&c);
	uint64_t t0 = W.clk.now_ms;

	fx_addr(&p, "198.18.5.5", 5000);
	CU_ASSERT_FATAL(fx_permission(&c, &p, 1, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_CREATE_PERMISSION));
	CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, p.addr, t0 + 300000 - 1));
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, p.addr, t0 + 300000));
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, p.addr, t0 + 300001));

	/* Installing it again later refreshes it from then. */
	W.clk.now_ms = t0 + 200000;
	CU_ASSERT_FATAL(fx_permission(&c, &p, 1, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_CREATE_PERMISSION));
	CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, p.addr, t0 + 500000 - 1));
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, p.addr, t0 + 500000));
}

/* ---- ChannelBind ---- */

static void
test_channel_bind_success(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct metrics_lcore snap;
	struct stun_addr p, got;
	uint16_t number = 0;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	struct table_alloc *a = fx_alloc_of(&c);

	fx_addr(&p, "198.18.5.5", 5000);
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, p.addr, W.clk.now_ms));
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_channel_bind(&c, 0x4000, &p, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_CHANNEL_BIND));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_CHANNELS));
	CU_ASSERT(table_channel_peer(a, 0x4000, W.clk.now_ms, &got) && fx_addr_eq(&got, &p));
	CU_ASSERT(table_channel_number(a, &p, W.clk.now_ms, &number) && number == 0x4000);
	/* §11.2: the bind installs the peer's permission, for 300 s. */
	CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, p.addr, W.clk.now_ms + 300000 - 1));
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, p.addr, W.clk.now_ms + 300000));

	/* The highest number is fine too. */
	fx_addr(&p, "198.18.5.6", 5000);
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_channel_bind(&c, 0x4FFF, &p, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_CHANNEL_BIND));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_CHANNELS));
}

/* reason: the reason phrase expected, NULL for any. */
static void
expect_bind_error(struct fx_client *c, uint16_t number, const struct stun_addr *p,
		  uint16_t code, enum metrics_counter counter, const char *reason)
{
	struct fx_resp r;
	struct metrics_lcore snap;

	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_channel_bind(c, number, p, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_CHANNEL_BIND, code));
	if (reason != NULL)
		CU_ASSERT(fx_error_reason(&r, reason));
	CU_ASSERT(fx_signed(&r, c));
	CU_ASSERT(FX_MOVED(&snap, counter));
}

static void
test_channel_bind_bad(void)
{
	struct fx_client c;
	struct stun_addr p, v6;
	struct stun_addr got;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	struct table_alloc *a = fx_alloc_of(&c);

	fx_addr(&p, "198.18.5.5", 5000);
	expect_bind_error(&c, 0x3FFF, &p, 400, METRICS_TURN_ERROR_400, "Channel number out of range");
	expect_bind_error(&c, 0x5000, &p, 400, METRICS_TURN_ERROR_400, "Channel number out of range");
	expect_bind_error(&c, 0x0000, &p, 400, METRICS_TURN_ERROR_400, "Channel number out of range");
	expect_bind_error(&c, 0x4000, NULL, 400, METRICS_TURN_ERROR_400,
			  "Missing or malformed XOR-PEER-ADDRESS");
	/* No CHANNEL-NUMBER at all. */
	{
		struct fx_req q;
		struct fx_resp r;

		fx_begin(&q, STUN_METHOD_CHANNEL_BIND, STUN_CLASS_REQUEST);
		stun_add_xor_addr(&q.b, STUN_ATTR_XOR_PEER_ADDRESS, &p);
		fx_finish(&q, &c, FX_AUTH);
		CU_ASSERT_FATAL(fx_send(&q, &c, &r));
		CU_ASSERT(fx_error(&r, STUN_METHOD_CHANNEL_BIND, 400));
		CU_ASSERT(fx_error_reason(&r, "Missing or malformed CHANNEL-NUMBER"));
	}
	fx_addr(&v6, "2001:db8:1::1", 5000);
	expect_bind_error(&c, 0x4000, &v6, 443, METRICS_TURN_ERROR_443, NULL);
	fx_addr(&got, "10.1.1.1", 5000);
	expect_bind_error(&c, 0x4000, &got, 403, METRICS_TURN_ERROR_403, "Forbidden");
	CU_ASSERT(!table_channel_peer(a, 0x4000, W.clk.now_ms, &got));
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, p.addr, W.clk.now_ms));
	CU_ASSERT_EQUAL(a->nperms, 0);
}

static void
test_channel_bind_conflicts(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct metrics_lcore snap;
	struct stun_addr p, q, got;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	struct table_alloc *a = fx_alloc_of(&c);

	fx_addr(&p, "198.18.5.5", 5000);
	fx_addr(&q, "198.18.5.6", 5000);
	CU_ASSERT_FATAL(fx_channel_bind(&c, 0x4000, &p, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_CHANNEL_BIND));
	/* The number to another peer, the peer to another number: 400, each with its reason. */
	expect_bind_error(&c, 0x4000, &q, 400, METRICS_TURN_ERROR_400, "Channel number bound to another peer");
	expect_bind_error(&c, 0x4001, &p, 400, METRICS_TURN_ERROR_400, "Peer bound to another channel number");
	/* Same IP, another port is another peer. */
	fx_addr(&q, "198.18.5.5", 5001);
	expect_bind_error(&c, 0x4000, &q, 400, METRICS_TURN_ERROR_400, "Channel number bound to another peer");
	CU_ASSERT(table_channel_peer(a, 0x4000, W.clk.now_ms, &got) && fx_addr_eq(&got, &p));

	/* The same pair refreshes the binding (and the permission). */
	W.clk.now_ms += 100000;
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_channel_bind(&c, 0x4000, &p, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_CHANNEL_BIND));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_CHANNELS));
	CU_ASSERT(table_channel_peer(a, 0x4000, W.clk.now_ms + 600000 - 1, &got));
	CU_ASSERT(!table_channel_peer(a, 0x4000, W.clk.now_ms + 600000, &got));
	CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, p.addr, W.clk.now_ms + 300000 - 1));
	CU_ASSERT_EQUAL(a->nchannels, 1);
}

static void
test_channel_expiry(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct stun_addr p, got;
	uint16_t number;

	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	/* Keep the allocation alive past the channel's 600 s. */
	CU_ASSERT_FATAL(fx_refresh(&c, 3600, 0, &r));
	struct table_alloc *a = fx_alloc_of(&c);
	uint64_t t0 = W.clk.now_ms;

	fx_addr(&p, "198.18.5.5", 5000);
	CU_ASSERT_FATAL(fx_channel_bind(&c, 0x4abc, &p, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_CHANNEL_BIND));
	CU_ASSERT(table_channel_peer(a, 0x4abc, t0 + 600000 - 1, &got));
	CU_ASSERT(!table_channel_peer(a, 0x4abc, t0 + 600000, &got));
	CU_ASSERT(!table_channel_number(a, &p, t0 + 600000, &number));

	/* §12: after it expires, the number stays reserved for that peer a while. */
	W.clk.now_ms = t0 + 600000 + 1000;
	struct stun_addr q;

	fx_addr(&q, "198.18.5.6", 5000);
	expect_bind_error(&c, 0x4abc, &q, 400, METRICS_TURN_ERROR_400, "Channel number bound to another peer");
	/* ... and the peer to that number. */
	expect_bind_error(&c, 0x4abd, &p, 400, METRICS_TURN_ERROR_400, "Peer bound to another channel number");
}

/* Allocate from c with EVEN-PORT (R as given) or with a RESERVATION-TOKEN. */
static bool
allocate_even(struct fx_client *c, bool reserve, const uint8_t *token, struct fx_resp *r)
{
	struct fx_req q;
	uint8_t even = reserve ? 0x80 : 0x00;

	if (!fx_get_nonce(c))
		return false;
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	add_transport(&q, TURN_PROTO_UDP);
	if (token != NULL)
		stun_add_attr(&q.b, STUN_ATTR_RESERVATION_TOKEN, token, 8);
	else
		stun_add_attr(&q.b, STUN_ATTR_EVEN_PORT, &even, 1);
	fx_finish(&q, c, FX_AUTH);
	return fx_send(&q, c, r);
}

/* RFC 8656 §7.2: EVEN-PORT gives an even port; with R, the next one is kept for the token. */
static void
test_allocate_even_port_and_reservation(void)
{
	struct fx_client c1, c2, c3, c4;
	struct fx_resp r;
	struct stun_addr rel1, rel2;
	struct stun_bytes tok;
	uint8_t token[8];
	struct metrics_lcore snap;

	fx_client(&c1, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(allocate_even(&c1, false, NULL, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT_EQUAL_FATAL(stun_get_xor_relayed_address(&r.m, 0, &rel1), STUN_OK);
	CU_ASSERT_EQUAL(rel1.port % 2, 0);
	CU_ASSERT_EQUAL(stun_find(&r.m, STUN_ATTR_RESERVATION_TOKEN, 0), -1);

	fx_client(&c2, ALICE_IP, 40002, "alice", "secret123");
	CU_ASSERT_FATAL(allocate_even(&c2, true, NULL, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT(fx_signed(&r, &c2));
	CU_ASSERT_EQUAL_FATAL(stun_get_xor_relayed_address(&r.m, 0, &rel2), STUN_OK);
	CU_ASSERT_EQUAL(rel2.port % 2, 0);
	CU_ASSERT_FATAL(rel2.port < FX_PORT_MAX);
	CU_ASSERT_EQUAL_FATAL(stun_attr_bytes(&r.m, stun_find(&r.m, STUN_ATTR_RESERVATION_TOKEN, 0),
					      &tok), STUN_OK);
	CU_ASSERT_EQUAL_FATAL(tok.len, 8);
	memcpy(token, tok.data, 8);

	/* The token gives another client the port above. */
	fx_client(&c3, ALICE_IP, 40004, "alice", "secret123");
	fx_snap(&snap);
	CU_ASSERT_FATAL(allocate_even(&c3, false, token, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT_EQUAL_FATAL(stun_get_xor_relayed_address(&r.m, 0, &rel1), STUN_OK);
	CU_ASSERT_EQUAL(rel1.port, rel2.port + 1);
	CU_ASSERT_EQUAL(W.ctl.reservation_count, 0);

	/* A token works once. */
	fx_client(&c4, ALICE_IP, 40006, "alice", "secret123");
	CU_ASSERT_FATAL(allocate_even(&c4, false, token, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 508));
}

/* An unused reservation ends after 30 s and its port goes back to the pool. */
static void
test_reservation_expires(void)
{
	struct fx_client c1, c2;
	struct fx_resp r;
	struct stun_bytes tok;
	uint8_t token[8];
	uint32_t free_before;

	fx_client(&c1, ALICE_IP, 40000, "alice", "secret123");
	free_before = table_relay_ports_free(W.table, STUN_FAMILY_IPV4);
	CU_ASSERT_FATAL(allocate_even(&c1, true, NULL, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT_EQUAL(table_relay_ports_free(W.table, STUN_FAMILY_IPV4), free_before - 2);
	CU_ASSERT_EQUAL_FATAL(stun_attr_bytes(&r.m, stun_find(&r.m, STUN_ATTR_RESERVATION_TOKEN, 0),
					      &tok), STUN_OK);
	memcpy(token, tok.data, 8);
	W.clk.now_ms += TURN_RESERVATION_LIFETIME_MS;
	turn_control_sweep(&W.ctl, &W.clk, 64);
	CU_ASSERT_EQUAL(W.ctl.reservation_count, 0);
	CU_ASSERT_EQUAL(table_relay_ports_free(W.table, STUN_FAMILY_IPV4), free_before - 1);
	fx_client(&c2, ALICE_IP, 40002, "alice", "secret123");
	CU_ASSERT_FATAL(allocate_even(&c2, false, token, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 508));
}

/* ---- events for the app's log ---- */

struct event_log {
	unsigned int n;
	enum turn_event ev[8];
	bool with_alloc[8];
	uint16_t code[8];
	char user[8][32];
	struct stun_addr client[8];
};

static void
record_event(void *arg, enum turn_event ev, const struct table_alloc *a,
	     const struct turn_event_info *info)
{
	struct event_log *l = arg;

	if (l->n >= 8)
		return;
	l->ev[l->n] = ev;
	l->with_alloc[l->n] = a != NULL;
	l->code[l->n] = info->code;
	snprintf(l->user[l->n], sizeof(l->user[0]), "%.*s", (int)info->user_len,
		 info->user != NULL ? info->user : "");
	l->client[l->n] = *info->client;
	l->n++;
}

/* Each allocation's life and each refused credential reach the hook once, with who it was. */
static void
test_events(void)
{
	struct fx_client c, d, bad;
	struct fx_resp r;
	struct event_log log = { 0 };

	W.ctl.on_event = record_event;
	W.ctl.on_event_arg = &log;
	fx_client(&c, ALICE_IP, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c, 0));
	CU_ASSERT_FATAL(log.n == 1);
	CU_ASSERT(log.ev[0] == TURN_EVENT_ALLOCATED && log.with_alloc[0]);
	CU_ASSERT_STRING_EQUAL(log.user[0], "alice");
	CU_ASSERT(fx_addr_eq(&log.client[0], &c.ep.client));

	CU_ASSERT_FATAL(fx_refresh(&c, 0, 0, &r));
	CU_ASSERT_FATAL(log.n == 2);
	CU_ASSERT(log.ev[1] == TURN_EVENT_DELETED && log.with_alloc[1]);

	fx_client(&d, ALICE_IP, 40001, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&d, 0));
	W.clk.now_ms += 601 * 1000;
	W.clk.now_s += 601;
	turn_control_sweep(&W.ctl, &W.clk, FX_CAPACITY);
	CU_ASSERT_FATAL(log.n == 4);
	CU_ASSERT(log.ev[3] == TURN_EVENT_EXPIRED && log.with_alloc[3]);
	CU_ASSERT(fx_addr_eq(&log.client[3], &d.ep.client));

	/* A wrong password: the user as sent, the source and the code; no allocation. */
	fx_client(&bad, "203.0.113.9", 40002, "alice", "wrong");
	CU_ASSERT(!fx_allocate(&bad, 0));
	CU_ASSERT_FATAL(log.n == 5);
	CU_ASSERT(log.ev[4] == TURN_EVENT_AUTH_FAILED && !log.with_alloc[4]);
	CU_ASSERT_EQUAL(log.code[4], 401);
	CU_ASSERT_STRING_EQUAL(log.user[4], "alice");
	CU_ASSERT(fx_addr_eq(&log.client[4], &bad.ep.client));
}

int
main(int argc, char **argv)
{
	(void)argc;
	if (fx_eal_init(argv[0], "turn") != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite_with_setup_and_teardown("turn_control", NULL, NULL, fx_setup,
							   fx_teardown);
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "Allocate success, retransmission, 40 s", test_allocate_success },
		{ "Allocate with another transaction: 437", test_allocate_other_transaction_437 },
		{ "Allocate without REQUESTED-TRANSPORT: 400", test_allocate_no_transport_400 },
		{ "Allocate for TCP: 442", test_allocate_tcp_442 },
		{ "Allocate for family 0x03: 440", test_allocate_family_440 },
		{ "Allocate with RESERVATION-TOKEN: 508", test_allocate_reservation_token_508 },
		{ "EVEN-PORT, R bit and RESERVATION-TOKEN", test_allocate_even_port_and_reservation },
		{ "a reservation expires after 30 s", test_reservation_expires },
		{ "Allocate with both address families: 400", test_allocate_both_families_400 },
		{ "Allocate with ADDITIONAL-ADDRESS-FAMILY IPv4: 400", test_allocate_additional_v4_400 },
		{ "Allocate IPv6 relayed address", test_allocate_ipv6 },
		{ "unknown attribute: 420 before auth", test_unknown_attribute_420_before_auth },
		{ "no credentials: 401 challenge", test_no_credentials_401 },
		{ "wrong password, unknown user: 401", test_wrong_password_401 },
		{ "stale nonce: 438 with a fresh one", test_stale_nonce_438 },
		{ "missing REALM: 400", test_missing_realm_400 },
		{ "REST users: new, old, foreign, expired", test_rest_users },
		{ "SHA-256 and an MD5-only user", test_sha256 },
		{ "quota: 486", test_quota_486 },
		{ "capacity: 508, then reuse", test_capacity_508 },
		{ "Refresh lifetimes", test_refresh_lifetimes },
		{ "Refresh 0 deletes, then 437", test_refresh_zero_deletes },
		{ "Refresh by another user: 441", test_refresh_other_user_441 },
		{ "Refresh with another family: 443", test_refresh_family_443 },
		{ "expiry and the sweep", test_expiry_sweep },
		{ "Refresh of an expired, unswept allocation: 437", test_refresh_expired_before_sweep_437 },
		{ "Allocate over an expired, unswept allocation", test_allocate_after_expiry_before_sweep },
		{ "CreatePermission one and several", test_permission_one_and_several },
		{ "CreatePermission refused peers: 403", test_permission_refused },
		{ "CreatePermission family 443, none 400", test_permission_family_and_none },
		{ "CreatePermission without allocation: 437", test_permission_without_allocation_437 },
		{ "permission expiry", test_permission_expiry },
		{ "ChannelBind success", test_channel_bind_success },
		{ "ChannelBind bad requests", test_channel_bind_bad },
		{ "ChannelBind conflicts and refresh", test_channel_bind_conflicts },
		{ "channel expiry", test_channel_expiry },
		{ "events for the log: made, deleted, expired, refused", test_events },
	};

	if (s == NULL)
		return 1;
	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return 1;
	return fx_run();
}
