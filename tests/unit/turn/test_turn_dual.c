/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 and dual-stack relaying (RFC 8656 §7.2, §7.3, §9, §18.14): dual
 * allocations with ADDITIONAL-ADDRESS-FAMILY, the half that cannot be had
 * named in ADDRESS-ERROR-CODE, deleting one family with a Refresh, and the
 * mixed paths (an IPv4 client with IPv6 peers and the reverse) on both the
 * indication and the ChannelData form.
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "turn_fixture.h"

#define CLIENT_V4 "203.0.113.7"
#define CLIENT_V6 "2001:db8:77::5"
#define PEER_V4 "198.18.5.5"
#define PEER_V6 "2001:db8:5::5"

static const char payload[] = "dual"; /* 4 bytes */

/* An authenticated Allocate with ADDITIONAL-ADDRESS-FAMILY IPv6; the response in r. */
static bool
allocate_dual(struct fx_client *c, struct fx_resp *r)
{
	struct fx_req q;

	if (!fx_get_nonce(c))
		return false;
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_requested_transport(&q.b, TURN_PROTO_UDP);
	stun_add_u32(&q.b, STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, (uint32_t)STUN_FAMILY_IPV6 << 24);
	fx_finish(&q, c, FX_AUTH);
	return fx_send(&q, c, r);
}

static bool
addr_is(const struct stun_addr *a, const char *ip, uint16_t port)
{
	struct stun_addr want;

	fx_addr(&want, ip, port);
	return fx_addr_eq(a, &want);
}

static bool
address_error_is(const struct fx_resp *r, uint8_t family, uint16_t code)
{
	struct stun_error_code e;
	uint8_t fam = 0;

	return stun_get_address_error_code(&r->m, &fam, &e) == STUN_OK && fam == family &&
	       e.code == code;
}

static void
permit(struct fx_client *c, const struct stun_addr *peer)
{
	struct fx_resp r;

	CU_ASSERT_FATAL(fx_permission(c, peer, 1, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_CREATE_PERMISSION));
}

static enum turn_verdict
send_to(const struct fx_client *c, const struct stun_addr *peer, struct turn_relay *rel)
{
	uint8_t buf[256], out[512];
	size_t len = fx_send_indication(buf, sizeof(buf), peer, payload, 4), n = 99;

	memset(rel, 0xee, sizeof(*rel));
	return turn_handle_stun(&W.srv, buf, len, &c->ep, &W.clk, out, sizeof(out), &n, rel, &W.mx);
}

static enum turn_verdict
channel_data(const struct fx_client *c, uint16_t number, struct turn_relay *rel)
{
	uint8_t buf[8] = { (uint8_t)(number >> 8), (uint8_t)number, 0, 4, 'd', 'u', 'a', 'l' };

	memset(rel, 0xee, sizeof(*rel));
	return turn_handle_channel_data(&W.srv, buf, sizeof(buf), &c->ep, &W.clk, rel, &W.mx);
}

static enum turn_verdict
from_peer(const struct stun_addr *peer, const struct stun_addr *relayed, struct turn_relay *rel)
{
	memset(rel, 0xee, sizeof(*rel));
	return turn_handle_peer_data(&W.srv, peer, relayed, 4, &W.clk, rel, &W.mx);
}

/* alice's dual allocation from CLIENT_V4 with permissions for an IPv4 and an IPv6 peer. */
static void
dual_with_peers(struct fx_client *c, struct stun_addr *v4, struct stun_addr *v6,
		struct stun_addr *p4, struct stun_addr *p6)
{
	struct fx_resp r;

	fx_client(c, CLIENT_V4, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(allocate_dual(c, &r));
	CU_ASSERT_EQUAL_FATAL(stun_get_xor_relayed_address(&r.m, 0, v4), STUN_OK);
	CU_ASSERT_EQUAL_FATAL(stun_get_xor_relayed_address(&r.m, 1, v6), STUN_OK);
	fx_addr(p4, PEER_V4, 6000);
	fx_addr(p6, PEER_V6, 6000);
	permit(c, p4);
	permit(c, p6);
}

static struct table_alloc *
relay_entry(const struct stun_addr *relayed)
{
	struct table_relay_key k;

	memset(&k, 0, sizeof(k));
	k.family = relayed->family;
	k.port = relayed->port;
	memcpy(k.addr, relayed->addr, sizeof(k.addr));
	return table_lookup_relay(W.table, &k);
}

/* §7.2: both relayed addresses, IPv4 first, each found in the relay index. */
static void
test_dual_allocate(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct metrics_lcore snap;
	struct stun_addr v4, v6, third;
	uint32_t free4 = table_relay_ports_free(W.table, STUN_FAMILY_IPV4);
	uint32_t free6 = table_relay_ports_free(W.table, STUN_FAMILY_IPV6);

	fx_client(&c, CLIENT_V4, 40000, "alice", "secret123");
	fx_snap(&snap);
	CU_ASSERT_FATAL(allocate_dual(&c, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT_EQUAL_FATAL(stun_get_xor_relayed_address(&r.m, 0, &v4), STUN_OK);
	CU_ASSERT_EQUAL_FATAL(stun_get_xor_relayed_address(&r.m, 1, &v6), STUN_OK);
	CU_ASSERT_NOT_EQUAL(stun_get_xor_relayed_address(&r.m, 2, &third), STUN_OK);
	CU_ASSERT(addr_is(&v4, FX_RELAY_V4, v4.port));
	CU_ASSERT(addr_is(&v6, FX_RELAY_V6, v6.port));
	CU_ASSERT(stun_find(&r.m, STUN_ATTR_ADDRESS_ERROR_CODE, 0) < 0);
	/* fx_get_nonce's 401 moved the challenge counter too. */
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_CHALLENGED, METRICS_TURN_ALLOCATED,
			   METRICS_TURN_DUAL_ALLOCATED));

	struct table_alloc *a = fx_alloc_of(&c);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(table_alloc_families(W.table, a),
			TABLE_FAMILY_BIT(STUN_FAMILY_IPV4) | TABLE_FAMILY_BIT(STUN_FAMILY_IPV6));
	CU_ASSERT_PTR_EQUAL(relay_entry(&v4), a);
	CU_ASSERT_PTR_EQUAL(relay_entry(&v6), a);
	CU_ASSERT_EQUAL(a->ids.relay_port_index, FX_PORT_INDEX_RELAY_V4);
	CU_ASSERT_EQUAL(a->ids.relay_alt_port_index, FX_PORT_INDEX_RELAY_V6);
	CU_ASSERT_EQUAL(table_relay_ports_free(W.table, STUN_FAMILY_IPV4), free4 - 1);
	CU_ASSERT_EQUAL(table_relay_ports_free(W.table, STUN_FAMILY_IPV6), free6 - 1);

	/* Deleting the allocation unpublishes both and gives both ports back. */
	CU_ASSERT_FATAL(fx_refresh(&c, 0, 0, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));
	CU_ASSERT_PTR_NULL(relay_entry(&v4));
	CU_ASSERT_PTR_NULL(relay_entry(&v6));
	table_reclaim(W.table);
	CU_ASSERT_EQUAL(table_relay_ports_free(W.table, STUN_FAMILY_IPV4), free4);
	CU_ASSERT_EQUAL(table_relay_ports_free(W.table, STUN_FAMILY_IPV6), free6);
}

/* §7.2: with relayed addresses of one family only, that half and ADDRESS-ERROR-CODE 440. */
static void
test_dual_one_family_only(void)
{
	struct fx_client c, d;
	struct fx_resp r;
	struct metrics_lcore snap;
	struct stun_addr relayed, second;

	fx_table_families(true, false);
	fx_client(&c, CLIENT_V4, 40000, "alice", "secret123");
	fx_snap(&snap);
	CU_ASSERT_FATAL(allocate_dual(&c, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT_EQUAL_FATAL(stun_get_xor_relayed_address(&r.m, 0, &relayed), STUN_OK);
	CU_ASSERT(addr_is(&relayed, FX_RELAY_V4, relayed.port));
	CU_ASSERT_NOT_EQUAL(stun_get_xor_relayed_address(&r.m, 1, &second), STUN_OK);
	CU_ASSERT(address_error_is(&r, STUN_FAMILY_IPV6, 440));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_CHALLENGED, METRICS_TURN_ALLOCATED));
	CU_ASSERT_EQUAL(table_alloc_families(W.table, fx_alloc_of(&c)),
			TABLE_FAMILY_BIT(STUN_FAMILY_IPV4));

	/* IPv6 only: the IPv6 half, and the IPv4 one refused. */
	fx_table_families(false, true);
	fx_client(&d, CLIENT_V6, 40001, "alice", "secret123");
	CU_ASSERT_FATAL(allocate_dual(&d, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT_EQUAL_FATAL(stun_get_xor_relayed_address(&r.m, 0, &relayed), STUN_OK);
	CU_ASSERT(addr_is(&relayed, FX_RELAY_V6, relayed.port));
	CU_ASSERT_NOT_EQUAL(stun_get_xor_relayed_address(&r.m, 1, &second), STUN_OK);
	CU_ASSERT(address_error_is(&r, STUN_FAMILY_IPV4, 440));
	CU_ASSERT_EQUAL(fx_alloc_of(&d)->ids.relay.family, STUN_FAMILY_IPV6);
	CU_ASSERT_EQUAL(fx_alloc_of(&d)->relay_alt.family, 0);
}

/* §7.2: REQUESTED-ADDRESS-FAMILY for a family without relayed addresses is 440. */
static void
test_requested_family_unavailable_440(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r;

	fx_table_families(true, false);
	fx_client(&c, CLIENT_V4, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_requested_transport(&q.b, TURN_PROTO_UDP);
	stun_add_u32(&q.b, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, (uint32_t)STUN_FAMILY_IPV6 << 24);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_ALLOCATE, 440));
	CU_ASSERT_EQUAL(table_count(W.table), 0);
}

/*
 * One dual allocation used towards peers of both families, both forms: each
 * leaves from the relayed address of the peer's family, and each peer's data
 * comes back to the IPv4 client.
 */
static void
test_dual_relays_both_families(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct turn_relay rel;
	struct stun_addr v4, v6, p4, p6;

	dual_with_peers(&c, &v4, &v6, &p4, &p6);

	/* The deny list covers the IPv6 half as it covers IPv6 allocations. */
	struct stun_addr bad;

	fx_addr(&bad, "::1", 6000);
	CU_ASSERT_FATAL(fx_permission(&c, &bad, 1, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_CREATE_PERMISSION, 403));
	fx_addr(&bad, "fe80::1", 6000);
	CU_ASSERT_FATAL(fx_channel_bind(&c, 0x4009, &bad, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_CHANNEL_BIND, 403));
	fx_addr(&bad, "::ffff:127.0.0.1", 6000);
	CU_ASSERT_FATAL(fx_permission(&c, &bad, 1, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_CREATE_PERMISSION, 403));

	/* Send indications. */
	CU_ASSERT_EQUAL_FATAL(send_to(&c, &p6, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(!rel.to_client && rel.port_index == FX_PORT_INDEX_RELAY_V6);
	CU_ASSERT(fx_addr_eq(&rel.src, &v6) && fx_addr_eq(&rel.dst, &p6));
	CU_ASSERT_EQUAL_FATAL(send_to(&c, &p4, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(!rel.to_client && rel.port_index == FX_PORT_INDEX_RELAY_V4);
	CU_ASSERT(fx_addr_eq(&rel.src, &v4) && fx_addr_eq(&rel.dst, &p4));

	/* Peer data on each relayed address: to the IPv4 client, as a Data indication. */
	CU_ASSERT_EQUAL_FATAL(from_peer(&p6, &v6, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(rel.to_client && rel.port_index == FX_PORT_INDEX_CLIENT);
	CU_ASSERT(fx_addr_eq(&rel.dst, &c.ep.client) && fx_addr_eq(&rel.peer, &p6));
	CU_ASSERT_EQUAL(rel.channel, 0);
	CU_ASSERT_EQUAL_FATAL(from_peer(&p4, &v4, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(fx_addr_eq(&rel.peer, &p4));

	/* ChannelData: a channel per family. */
	CU_ASSERT_FATAL(fx_channel_bind(&c, 0x4001, &p6, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_CHANNEL_BIND));
	CU_ASSERT_FATAL(fx_channel_bind(&c, 0x4002, &p4, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_CHANNEL_BIND));
	CU_ASSERT_EQUAL_FATAL(channel_data(&c, 0x4001, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(rel.port_index == FX_PORT_INDEX_RELAY_V6 && fx_addr_eq(&rel.src, &v6) &&
		  fx_addr_eq(&rel.dst, &p6));
	CU_ASSERT_EQUAL_FATAL(channel_data(&c, 0x4002, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(rel.port_index == FX_PORT_INDEX_RELAY_V4 && fx_addr_eq(&rel.src, &v4) &&
		  fx_addr_eq(&rel.dst, &p4));
	CU_ASSERT_EQUAL_FATAL(from_peer(&p6, &v6, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT_EQUAL(rel.channel, 0x4001);
	CU_ASSERT_EQUAL_FATAL(from_peer(&p4, &v4, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT_EQUAL(rel.channel, 0x4002);
}

/* The mixed paths of single-family allocations: IPv4 client, IPv6 relay, and the reverse. */
static void
test_mixed_single_family(void)
{
	struct fx_client c4, c6;
	struct turn_relay rel;
	struct stun_addr p4, p6;
	struct fx_resp r;

	fx_client(&c4, CLIENT_V4, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c4, STUN_FAMILY_IPV6));
	fx_addr(&p6, PEER_V6, 7000);
	fx_addr(&p4, PEER_V4, 7000);
	permit(&c4, &p6);
	CU_ASSERT_FATAL(fx_permission(&c4, &p4, 1, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_CREATE_PERMISSION, 443));
	CU_ASSERT_EQUAL_FATAL(send_to(&c4, &p6, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(rel.port_index == FX_PORT_INDEX_RELAY_V6 && fx_addr_eq(&rel.src, &c4.relayed));
	/* A Send naming a peer of the other family is dropped and counted. */
	struct metrics_lcore snap;

	fx_snap(&snap);
	CU_ASSERT_EQUAL(send_to(&c4, &p4, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_SEND_INVALID));
	CU_ASSERT_EQUAL_FATAL(from_peer(&p6, &c4.relayed, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(rel.to_client && fx_addr_eq(&rel.dst, &c4.ep.client) &&
		  rel.dst.family == STUN_FAMILY_IPV4);

	/* IPv6 client, IPv4 relayed address (the default). */
	fx_client(&c6, CLIENT_V6, 40001, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(&c6, 0));
	permit(&c6, &p4);
	CU_ASSERT_FATAL(fx_channel_bind(&c6, 0x4003, &p4, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_CHANNEL_BIND));
	CU_ASSERT_EQUAL_FATAL(channel_data(&c6, 0x4003, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(rel.port_index == FX_PORT_INDEX_RELAY_V4 && fx_addr_eq(&rel.src, &c6.relayed) &&
		  fx_addr_eq(&rel.dst, &p4));
	CU_ASSERT_EQUAL_FATAL(from_peer(&p4, &c6.relayed, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(rel.to_client && rel.channel == 0x4003 && rel.dst.family == STUN_FAMILY_IPV6 &&
		  fx_addr_eq(&rel.dst, &c6.ep.client));
}

/* §7.3: a Refresh with REQUESTED-ADDRESS-FAMILY and lifetime 0 deletes that half only. */
static void
test_refresh_deletes_one_family(void)
{
	struct fx_client c;
	struct fx_resp r;
	struct turn_relay rel;
	struct metrics_lcore snap;
	struct stun_addr v4, v6, p4, p6;

	dual_with_peers(&c, &v4, &v6, &p4, &p6);
	CU_ASSERT_FATAL(fx_channel_bind(&c, 0x4001, &p6, &r));

	struct table_alloc *a = fx_alloc_of(&c);
	uint64_t expiry = table_alloc_expiry(a);

	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&c, 0, STUN_FAMILY_IPV6, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));
	CU_ASSERT(fx_signed(&r, &c));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_FAMILY_DELETED));
	CU_ASSERT_EQUAL(table_alloc_families(W.table, a), TABLE_FAMILY_BIT(STUN_FAMILY_IPV4));
	CU_ASSERT_EQUAL(table_alloc_expiry(a), expiry);
	CU_ASSERT_PTR_NULL(relay_entry(&v6));
	CU_ASSERT_PTR_EQUAL(relay_entry(&v4), a);
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV6, p6.addr, W.clk.now_ms));
	CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, p4.addr, W.clk.now_ms));

	/* Nothing goes out of the deleted half, nothing comes in through it. */
	fx_snap(&snap);
	CU_ASSERT_EQUAL(send_to(&c, &p6, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_NO_PERMISSION));
	fx_snap(&snap);
	CU_ASSERT_EQUAL(channel_data(&c, 0x4001, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_NO_CHANNEL));
	fx_snap(&snap);
	CU_ASSERT_EQUAL(from_peer(&p6, &v6, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_PEER_NO_ALLOCATION));
	CU_ASSERT_EQUAL(send_to(&c, &p4, &rel), TURN_VERDICT_RELAY);

	/* The family is gone: asking for it, or a permission in it, is 443. */
	CU_ASSERT_FATAL(fx_refresh(&c, 600, STUN_FAMILY_IPV6, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_REFRESH, 443));
	CU_ASSERT_FATAL(fx_permission(&c, &p6, 1, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_CREATE_PERMISSION, 443));

	/* Lifetime 0 for the last family deletes the allocation. */
	fx_snap(&snap);
	CU_ASSERT_FATAL(fx_refresh(&c, 0, STUN_FAMILY_IPV4, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));
	CU_ASSERT(FX_MOVED(&snap, METRICS_TURN_DELETED));
	CU_ASSERT_EQUAL(table_count(W.table), 0);
}

/* A non-zero Refresh naming one family of a dual allocation refreshes all of it. */
static void
test_refresh_one_family_refreshes_all(void)
{
	struct fx_client c;
	struct fx_resp r;

	fx_client(&c, CLIENT_V6, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(allocate_dual(&c, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_ALLOCATE));
	CU_ASSERT_FATAL(fx_refresh(&c, 1200, STUN_FAMILY_IPV6, &r));
	CU_ASSERT(fx_success(&r, STUN_METHOD_REFRESH));
	CU_ASSERT(fx_lifetime(&r, 1200));
	CU_ASSERT_EQUAL(table_alloc_expiry(fx_alloc_of(&c)), W.clk.now_ms + 1200000);
	CU_ASSERT_EQUAL(table_alloc_families(W.table, fx_alloc_of(&c)),
			TABLE_FAMILY_BIT(STUN_FAMILY_IPV4) | TABLE_FAMILY_BIT(STUN_FAMILY_IPV6));
	/* A family value that is neither: 443. */
	struct fx_req q;

	fx_begin(&q, STUN_METHOD_REFRESH, STUN_CLASS_REQUEST);
	stun_add_u32(&q.b, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, 0x03000000);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r));
	CU_ASSERT(fx_error(&r, STUN_METHOD_REFRESH, 443));
}

/* A retransmitted dual Allocate gets the same two addresses back (§7.2, 40 s). */
static void
test_dual_retransmission(void)
{
	struct fx_client c;
	struct fx_req q;
	struct fx_resp r1, r2;

	fx_client(&c, CLIENT_V4, 40000, "alice", "secret123");
	CU_ASSERT_FATAL(fx_get_nonce(&c));
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_requested_transport(&q.b, TURN_PROTO_UDP);
	stun_add_u32(&q.b, STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, (uint32_t)STUN_FAMILY_IPV6 << 24);
	fx_finish(&q, &c, FX_AUTH);
	CU_ASSERT_FATAL(fx_send(&q, &c, &r1));
	CU_ASSERT_FATAL(fx_success(&r1, STUN_METHOD_ALLOCATE));
	CU_ASSERT_FATAL(fx_send(&q, &c, &r2));
	CU_ASSERT_EQUAL(r1.len, r2.len);
	CU_ASSERT(memcmp(r1.buf, r2.buf, r1.len) == 0);
	CU_ASSERT_EQUAL(table_count(W.table), 1);
}

int
main(int argc, char **argv)
{
	(void)argc;
	if (fx_eal_init(argv[0], "dual") != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite_with_setup_and_teardown("turn_dual", NULL, NULL, fx_setup,
							   fx_teardown);
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "dual Allocate: two relayed addresses, both ports back", test_dual_allocate },
		{ "dual Allocate with one family in the pool: ADDRESS-ERROR-CODE 440",
		  test_dual_one_family_only },
		{ "REQUESTED-ADDRESS-FAMILY without such addresses: 440",
		  test_requested_family_unavailable_440 },
		{ "dual allocation relays to and from both families", test_dual_relays_both_families },
		{ "IPv4 client with IPv6 relay, and the reverse", test_mixed_single_family },
		{ "Refresh 0 with a family deletes that half", test_refresh_deletes_one_family },
		{ "Refresh with a family refreshes the whole allocation",
		  test_refresh_one_family_refreshes_all },
		{ "dual Allocate retransmission", test_dual_retransmission },
	};

	if (s == NULL)
		return 1;
	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return 1;
	return fx_run();
}
