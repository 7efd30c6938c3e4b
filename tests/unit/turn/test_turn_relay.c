/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker side (RFC 8656 §10-§12): Send indications, ChannelData and peer
 * datagrams against allocations made through the control side, the hairpin,
 * and the Data indication header.
 */
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_memory.h>

#include "turn_fixture.h"

#define ALICE_IP "203.0.113.7"
#define PEER_IP "198.18.5.5"

static const char payload[] = "hello"; /* 5 bytes: DATA is padded */

/* An allocation for alice at port with permissions for the given peers. */
static void
allocated(struct fx_client *c, uint16_t port, uint8_t family)
{
	fx_client(c, ALICE_IP, port, "alice", "secret123");
	CU_ASSERT_FATAL(fx_allocate(c, family));
}

static void
permit(struct fx_client *c, const struct stun_addr *peer)
{
	struct fx_resp r;

	CU_ASSERT_FATAL(fx_permission(c, peer, 1, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_CREATE_PERMISSION));
}

static void
bind_channel(struct fx_client *c, uint16_t number, const struct stun_addr *peer)
{
	struct fx_resp r;

	CU_ASSERT_FATAL(fx_channel_bind(c, number, peer, &r));
	CU_ASSERT_FATAL(fx_success(&r, STUN_METHOD_CHANNEL_BIND));
}

static enum turn_verdict
worker_stun(const uint8_t *buf, size_t len, const struct fx_client *c, struct turn_relay *rel)
{
	uint8_t out[512];
	size_t n = 99;
	enum turn_verdict v;

	memset(rel, 0xee, sizeof(*rel));
	v = turn_handle_stun(&W.srv, buf, len, &c->ep, &W.clk, out, sizeof(out), &n, rel, &W.mx);
	CU_ASSERT_EQUAL(n, 0);
	return v;
}

static bool
addr_is(const struct stun_addr *a, const char *ip, uint16_t port)
{
	struct stun_addr want;

	fx_addr(&want, ip, port);
	return fx_addr_eq(a, &want);
}

/* The allocation's relayed address as the worker should send from it. */
static bool
relay_fields_to_peer(const struct turn_relay *rel, const struct fx_client *c,
		     const struct stun_addr *peer, uint16_t port_index)
{
	return !rel->to_client && rel->port_index == port_index &&
	       fx_addr_eq(&rel->src, &c->relayed) && fx_addr_eq(&rel->dst, peer) &&
	       rel->channel == 0;
}

/* To the client of c, from its listening address, with peer as the origin. */
static bool
relay_fields_to_client(const struct turn_relay *rel, const struct fx_client *c,
		       const struct stun_addr *peer, uint16_t channel)
{
	return rel->to_client && rel->port_index == FX_PORT_INDEX_CLIENT &&
	       fx_addr_eq(&rel->src, &c->ep.local) && fx_addr_eq(&rel->dst, &c->ep.client) &&
	       fx_addr_eq(&rel->peer, peer) && rel->channel == channel;
}

/* ---- Send indications ---- */

static void
test_send_to_permitted_peer(void)
{
	struct fx_client c;
	struct stun_addr peer;
	struct turn_relay rel;
	struct metrics_lcore snap;
	uint8_t buf[256];
	size_t len;

	allocated(&c, 40000, 0);
	fx_addr(&peer, PEER_IP, 6000);
	permit(&c, &peer);
	len = fx_send_indication(buf, sizeof(buf), &peer, payload, 5);
	CU_ASSERT_FATAL(len == 20 + 12 + 4 + 8);
	fx_snap(&snap);
	CU_ASSERT_EQUAL_FATAL(worker_stun(buf, len, &c, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(relay_fields_to_peer(&rel, &c, &peer, FX_PORT_INDEX_RELAY_V4));
	/* XOR-PEER-ADDRESS (12), then the DATA header: the value starts at 36. */
	CU_ASSERT_EQUAL(rel.data_offset, 36);
	CU_ASSERT_EQUAL(rel.data_len, 5);
	CU_ASSERT(rel.data_offset + rel.data_len <= len &&
		  memcmp(buf + rel.data_offset, payload, 5) == 0);
	CU_ASSERT(FX_MOVED(&snap, METRICS_RELAY_TO_PEER));

	/* Another port of the same IP is covered by the same permission (§9). */
	fx_addr(&peer, PEER_IP, 6001);
	len = fx_send_indication(buf, sizeof(buf), &peer, payload, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &c, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(relay_fields_to_peer(&rel, &c, &peer, FX_PORT_INDEX_RELAY_V4));
	CU_ASSERT(FX_MOVED(&snap, METRICS_RELAY_TO_PEER));

	/* Once the permission has expired: dropped. */
	W.clk.now_ms += 300000;
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &c, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_NO_PERMISSION));
}

static void
test_send_ipv6(void)
{
	struct fx_client c;
	struct stun_addr peer;
	struct turn_relay rel;
	struct metrics_lcore snap;
	uint8_t buf[256];
	size_t len;
	static const uint8_t empty[1];

	allocated(&c, 40000, STUN_FAMILY_IPV6);
	fx_addr(&peer, "2001:db8:5::5", 6000);
	permit(&c, &peer);
	len = fx_send_indication(buf, sizeof(buf), &peer, empty, 0);
	fx_snap(&snap);
	CU_ASSERT_EQUAL_FATAL(worker_stun(buf, len, &c, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(relay_fields_to_peer(&rel, &c, &peer, FX_PORT_INDEX_RELAY_V6));
	CU_ASSERT_EQUAL(rel.data_offset, 20 + 24 + 4);
	CU_ASSERT_EQUAL(rel.data_len, 0);
	CU_ASSERT(FX_MOVED(&snap, METRICS_RELAY_TO_PEER));
}

static void
test_send_without_permission(void)
{
	struct fx_client c;
	struct stun_addr peer, other;
	struct turn_relay rel;
	struct metrics_lcore snap;
	uint8_t buf[256];
	size_t len;

	allocated(&c, 40000, 0);
	fx_addr(&other, "198.18.5.6", 6000);
	permit(&c, &other);
	fx_addr(&peer, PEER_IP, 6000);
	len = fx_send_indication(buf, sizeof(buf), &peer, payload, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &c, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_NO_PERMISSION));
}

/*
 * A permission granted under one policy, then a stricter one (a reload):
 * Send looks the peer up again and drops it, counted as drop_relay_policy.
 * Hairpins stay allowed, since their data never leaves the relay.
 */
static void
test_send_refused_by_policy(void)
{
	struct fx_client a, b;
	struct stun_addr peer;
	struct turn_relay rel;
	struct metrics_lcore snap;
	struct turn_policy strict = *fx_policy();
	char err[256];
	uint8_t buf[256];
	size_t len;

	allocated(&a, 40000, 0);
	fx_client(&b, "198.51.99.1", 50000, "carol", "carol-pw");
	CU_ASSERT_FATAL(fx_allocate(&b, 0));
	fx_addr(&peer, PEER_IP, 6000);
	permit(&a, &peer);
	permit(&a, &b.relayed);
	permit(&b, &a.relayed);

	/* The same lists plus two deny-peer rules; EAL memory holds one policy at a time. */
	strict.lpm4 = NULL;
	strict.lpm6 = NULL;
	fx_cidr(&strict.denied[strict.denied_count++], "198.18.5.0", 24);
	fx_cidr(&strict.denied[strict.denied_count++], FX_RELAY_V4, 32);
	fx_policy_release();
	memset(&W.srv.policy, 0, sizeof(W.srv.policy));
	CU_ASSERT_EQUAL_FATAL(turn_policy_build(&strict, SOCKET_ID_ANY, err, sizeof(err)), 0);
	W.srv.policy = strict;

	len = fx_send_indication(buf, sizeof(buf), &peer, payload, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &a, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_POLICY));

	len = fx_send_indication(buf, sizeof(buf), &b.relayed, payload, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &a, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(FX_MOVED(&snap, METRICS_RELAY_HAIRPIN, METRICS_RELAY_TO_CLIENT_DATA));

	turn_policy_free(&strict);
	W.srv.policy = *fx_policy();
	/* Back under the old policy, the permission is good again. */
	len = fx_send_indication(buf, sizeof(buf), &peer, payload, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &a, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(FX_MOVED(&snap, METRICS_RELAY_TO_PEER));
}

static void
test_send_without_allocation(void)
{
	struct fx_client c, other;
	struct stun_addr peer;
	struct turn_relay rel;
	struct metrics_lcore snap;
	uint8_t buf[256];
	size_t len;

	/* An allocation exists, but for another 5-tuple. */
	allocated(&other, 40000, 0);
	fx_addr(&peer, PEER_IP, 6000);
	permit(&other, &peer);
	fx_client(&c, ALICE_IP, 40001, "alice", "secret123");
	len = fx_send_indication(buf, sizeof(buf), &peer, payload, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &c, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_NO_ALLOCATION));

	/* And after its own allocation expired. */
	W.clk.now_ms += 600000;
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &other, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_NO_ALLOCATION));
}

static void
test_send_invalid(void)
{
	struct fx_client c;
	struct stun_addr peer, v6;
	struct turn_relay rel;
	struct metrics_lcore snap;
	uint8_t buf[256];
	size_t len;

	allocated(&c, 40000, 0);
	fx_addr(&peer, PEER_IP, 6000);
	permit(&c, &peer);
	len = fx_send_indication(buf, sizeof(buf), &peer, NULL, 0); /* no DATA */
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &c, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_SEND_INVALID));

	len = fx_send_indication(buf, sizeof(buf), NULL, payload, 5); /* no XOR-PEER-ADDRESS */
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &c, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_SEND_INVALID));

	fx_addr(&v6, "2001:db8:5::5", 6000); /* IPv6 peer, IPv4 allocation */
	len = fx_send_indication(buf, sizeof(buf), &v6, payload, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &c, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_SEND_INVALID));
}

/* ---- ChannelData ---- */

static void
test_channel_data(void)
{
	struct fx_client c;
	struct stun_addr peer;
	struct turn_relay rel;
	struct metrics_lcore snap;
	uint8_t buf[16];

	allocated(&c, 40000, 0);
	fx_addr(&peer, PEER_IP, 6000);
	bind_channel(&c, 0x4001, &peer);
	stun_channel_header(buf, 0x4001, 5);
	memcpy(buf + 4, payload, 5);
	memset(buf + 9, 0, 3); /* UDP padding */
	fx_snap(&snap);
	memset(&rel, 0xee, sizeof(rel));
	CU_ASSERT_EQUAL_FATAL(turn_handle_channel_data(&W.srv, buf, 12, &c.ep, &W.clk, &rel, &W.mx),
			      TURN_VERDICT_RELAY);
	CU_ASSERT(relay_fields_to_peer(&rel, &c, &peer, FX_PORT_INDEX_RELAY_V4));
	CU_ASSERT_EQUAL(rel.data_offset, 4);
	CU_ASSERT_EQUAL(rel.data_len, 5);
	CU_ASSERT(FX_MOVED(&snap, METRICS_RELAY_TO_PEER));

	/* A number that is not bound. */
	stun_channel_header(buf, 0x4002, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(turn_handle_channel_data(&W.srv, buf, 12, &c.ep, &W.clk, &rel, &W.mx),
			TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_NO_CHANNEL));

	/* From a client without an allocation. */
	struct fx_client other;

	fx_client(&other, ALICE_IP, 40001, "alice", "secret123");
	stun_channel_header(buf, 0x4001, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(turn_handle_channel_data(&W.srv, buf, 12, &other.ep, &W.clk, &rel, &W.mx),
			TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_NO_ALLOCATION));

	/* Channel still bound (600 s) but the permission (300 s) gone: dropped. */
	W.clk.now_ms += 300000;
	fx_snap(&snap);
	CU_ASSERT_EQUAL(turn_handle_channel_data(&W.srv, buf, 12, &c.ep, &W.clk, &rel, &W.mx),
			TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_NO_PERMISSION));
}

/* ---- peer datagrams ---- */

static void
test_peer_data(void)
{
	struct fx_client c;
	struct stun_addr peer, other_port;
	struct turn_relay rel;
	struct metrics_lcore snap;

	allocated(&c, 40000, 0);
	fx_addr(&peer, PEER_IP, 6000);
	permit(&c, &peer);

	/* Permission, no channel: a Data indication. */
	fx_snap(&snap);
	memset(&rel, 0xee, sizeof(rel));
	CU_ASSERT_EQUAL_FATAL(turn_handle_peer_data(&W.srv, &peer, &c.relayed, 100, &W.clk, &rel,
						    &W.mx), TURN_VERDICT_RELAY);
	CU_ASSERT(relay_fields_to_client(&rel, &c, &peer, 0));
	CU_ASSERT_EQUAL(rel.data_offset, 0);
	CU_ASSERT_EQUAL(rel.data_len, 100);
	CU_ASSERT(FX_MOVED(&snap, METRICS_RELAY_TO_CLIENT_DATA));

	/* With a channel: ChannelData, only from exactly that peer transport address. */
	bind_channel(&c, 0x4123, &peer);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(turn_handle_peer_data(&W.srv, &peer, &c.relayed, 100, &W.clk, &rel, &W.mx),
			TURN_VERDICT_RELAY);
	CU_ASSERT(relay_fields_to_client(&rel, &c, &peer, 0x4123));
	CU_ASSERT(FX_MOVED(&snap, METRICS_RELAY_TO_CLIENT_CHANNEL));

	fx_addr(&other_port, PEER_IP, 6001);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(turn_handle_peer_data(&W.srv, &other_port, &c.relayed, 100, &W.clk, &rel,
					      &W.mx), TURN_VERDICT_RELAY);
	CU_ASSERT(relay_fields_to_client(&rel, &c, &other_port, 0));
	CU_ASSERT(FX_MOVED(&snap, METRICS_RELAY_TO_CLIENT_DATA));
}

static void
test_peer_data_dropped(void)
{
	struct fx_client c;
	struct stun_addr peer, unknown;
	struct turn_relay rel;
	struct metrics_lcore snap;

	allocated(&c, 40000, 0);
	fx_addr(&peer, PEER_IP, 6000);

	/* No permission. */
	fx_snap(&snap);
	CU_ASSERT_EQUAL(turn_handle_peer_data(&W.srv, &peer, &c.relayed, 10, &W.clk, &rel, &W.mx),
			TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_NO_PERMISSION));

	/* A relayed port nobody holds (the pool has 49 ports, one taken). */
	unknown = c.relayed;
	unknown.port = c.relayed.port == FX_PORT_MIN ? FX_PORT_MIN + 1 : FX_PORT_MIN;
	permit(&c, &peer);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(turn_handle_peer_data(&W.srv, &peer, &unknown, 10, &W.clk, &rel, &W.mx),
			TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_PEER_NO_ALLOCATION));

	/* The allocation's own port after it expired. */
	W.clk.now_ms += 600000;
	fx_snap(&snap);
	CU_ASSERT_EQUAL(turn_handle_peer_data(&W.srv, &peer, &c.relayed, 10, &W.clk, &rel, &W.mx),
			TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_PEER_NO_ALLOCATION));
}

/* ---- hairpin ---- */

static void
test_hairpin(void)
{
	struct fx_client a, b;
	struct turn_relay rel;
	struct metrics_lcore snap;
	uint8_t buf[256];
	size_t len;

	allocated(&a, 40000, 0);
	fx_client(&b, "198.51.99.1", 50000, "carol", "carol-pw");
	CU_ASSERT_FATAL(fx_allocate(&b, 0));
	CU_ASSERT_FATAL(a.relayed.port != b.relayed.port);
	CU_ASSERT(addr_is(&b.relayed, FX_RELAY_V4, b.relayed.port));

	/* The relayed IP is also an own address: allowed as a peer because it is relayed. */
	permit(&a, &b.relayed);
	permit(&b, &a.relayed);
	len = fx_send_indication(buf, sizeof(buf), &b.relayed, payload, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL_FATAL(worker_stun(buf, len, &a, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(relay_fields_to_client(&rel, &b, &a.relayed, 0));
	CU_ASSERT_EQUAL(rel.data_offset, 36);
	CU_ASSERT_EQUAL(rel.data_len, 5);
	CU_ASSERT(FX_MOVED(&snap, METRICS_RELAY_HAIRPIN, METRICS_RELAY_TO_CLIENT_DATA));

	/* B bound a channel to A's relayed address: ChannelData towards B. */
	bind_channel(&b, 0x4444, &a.relayed);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &a, &rel), TURN_VERDICT_RELAY);
	CU_ASSERT(relay_fields_to_client(&rel, &b, &a.relayed, 0x4444));
	CU_ASSERT(FX_MOVED(&snap, METRICS_RELAY_HAIRPIN, METRICS_RELAY_TO_CLIENT_CHANNEL));

	/* To a relayed port nobody holds. */
	struct stun_addr nobody = b.relayed;

	for (nobody.port = FX_PORT_MIN;
	     nobody.port == a.relayed.port || nobody.port == b.relayed.port; nobody.port++)
		;
	len = fx_send_indication(buf, sizeof(buf), &nobody, payload, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &a, &rel), TURN_VERDICT_DROP);
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_PEER_NO_ALLOCATION));
}

static void
test_hairpin_without_permission(void)
{
	struct fx_client a, b;
	struct turn_relay rel;
	struct metrics_lcore snap;
	uint8_t buf[256];
	size_t len;

	allocated(&a, 40000, 0);
	fx_client(&b, "198.51.99.1", 50000, "carol", "carol-pw");
	CU_ASSERT_FATAL(fx_allocate(&b, 0));
	permit(&a, &b.relayed); /* B never allowed A */
	len = fx_send_indication(buf, sizeof(buf), &b.relayed, payload, 5);
	fx_snap(&snap);
	CU_ASSERT_EQUAL(worker_stun(buf, len, &a, &rel), TURN_VERDICT_DROP);
	/* Nothing was delivered: only the drop is counted. */
	CU_ASSERT(FX_MOVED(&snap, METRICS_DROP_RELAY_NO_PERMISSION));
}

/* ---- the Data indication header ---- */

static void
check_data_indication(const char *ip, uint16_t port, const void *data, uint16_t dlen,
		      size_t want_header)
{
	static const uint8_t tid[STUN_TID_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	uint8_t out[256];
	struct stun_addr peer, got;
	struct stun_msg m;
	struct stun_bytes d = { 0 };
	size_t padded = (dlen + 3u) & ~3u;

	fx_addr(&peer, ip, port);
	memset(out, 0xaa, sizeof(out));
	size_t n = turn_data_indication_header(out, sizeof(out), &peer, dlen, tid);

	CU_ASSERT_EQUAL_FATAL(n, want_header);
	memcpy(out + n, data, dlen);
	memset(out + n + dlen, 0, padded - dlen);
	CU_ASSERT_EQUAL_FATAL(stun_decode(out, n + padded, &m), STUN_OK);
	CU_ASSERT_EQUAL(m.method, STUN_METHOD_DATA);
	CU_ASSERT_EQUAL(m.cls, STUN_CLASS_INDICATION);
	CU_ASSERT_EQUAL(memcmp(m.tid, tid, STUN_TID_LEN), 0);
	CU_ASSERT_EQUAL(m.nattrs, 2);
	CU_ASSERT(stun_get_xor_peer_address(&m, 0, &got) == STUN_OK && fx_addr_eq(&got, &peer));
	CU_ASSERT(stun_get_data(&m, &d) == STUN_OK && d.len == dlen &&
		  (dlen == 0 || memcmp(d.data, data, dlen) == 0));
	CU_ASSERT(d.data == out + n);
}

static void
test_data_indication_header(void)
{
	static const uint8_t empty[1];
	uint8_t big[200];
	uint8_t small[40];
	struct stun_addr peer;
	static const uint8_t tid[STUN_TID_LEN];

	for (unsigned int i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	check_data_indication("198.18.5.5", 6000, payload, 5, 36);
	check_data_indication("198.18.5.5", 6000, "abcd", 4, 36);
	check_data_indication("198.18.5.5", 1, empty, 0, 36);
	check_data_indication("2001:db8:5::5", 65535, payload, 5, 48);
	check_data_indication("2001:db8:5::5", 65535, big, 199, 48);

	/* Too small a buffer for the header: 0. */
	fx_addr(&peer, "198.18.5.5", 6000);
	CU_ASSERT_EQUAL(turn_data_indication_header(small, 35, &peer, 5, tid), 0);
	CU_ASSERT_EQUAL(turn_data_indication_header(small, 36, &peer, 5, tid), 36);
}

int
main(int argc, char **argv)
{
	(void)argc;
	if (fx_eal_init(argv[0], "turn-relay") != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite_with_setup_and_teardown("turn_relay", NULL, NULL, fx_setup,
							   fx_teardown);
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "Send to a permitted peer", test_send_to_permitted_peer },
		{ "Send on an IPv6 allocation", test_send_ipv6 },
		{ "Send without permission", test_send_without_permission },
		{ "Send without allocation", test_send_without_allocation },
		{ "Send to a peer the policy now refuses", test_send_refused_by_policy },
		{ "Send without DATA, peer, or of the wrong family", test_send_invalid },
		{ "ChannelData bound, unbound, no allocation, no permission", test_channel_data },
		{ "peer data as Data indication and ChannelData", test_peer_data },
		{ "peer data dropped", test_peer_data_dropped },
		{ "hairpin", test_hairpin },
		{ "hairpin without the target's permission", test_hairpin_without_permission },
		{ "Data indication header", test_data_indication_header },
	};

	if (s == NULL)
		return 1;
	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return 1;
	return fx_run();
}
