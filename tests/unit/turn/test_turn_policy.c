/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * turn_policy: every built-in range with an address inside and one just
 * outside; allow-peer opening default-denied ranges but never always-denied
 * ones; deny-peer; longest prefix; every IPv6 form that embeds an IPv4
 * address; relayed addresses (hairpin); build errors. The tables are rte_lpm
 * and rte_lpm6 (rte_malloc), so this starts EAL.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "stun.h"
#include "turn_policy.h"

#define PUBLIC TURN_PEER_PUBLIC
#define ALLOW TURN_PEER_CONFIG_ALLOW
#define RELAYED TURN_PEER_RELAYED
#define ALWAYS TURN_PEER_ALWAYS_DENY
#define OWN TURN_PEER_OWN_ADDRESS
#define DEFAULT TURN_PEER_DEFAULT_DENY
#define DENY TURN_PEER_CONFIG_DENY

struct addr {
	uint8_t family;
	uint8_t bytes[16];
};

static struct addr
parse(const char *ip)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, ip, a.bytes) == 1)
		a.family = STUN_FAMILY_IPV4;
	else if (inet_pton(AF_INET6, ip, a.bytes) == 1)
		a.family = STUN_FAMILY_IPV6;
	else
		CU_FAIL_FATAL("bad address in a test");
	return a;
}

static enum turn_peer_class
check(const struct turn_policy *p, const char *ip, bool relayed)
{
	struct addr a = parse(ip);

	return turn_policy_check(p, a.family, a.bytes, relayed);
}

/* check() with a message naming the address when the class is not the one wanted. */
#define EXPECT(p, ip, relayed, want) expect_class((p), (ip), (relayed), (want), __LINE__)

static void
expect_class(const struct turn_policy *p, const char *ip, bool relayed, enum turn_peer_class want,
	     int line)
{
	enum turn_peer_class got = check(p, ip, relayed);

	if (got != want)
		fprintf(stderr, "\n  test_turn_policy.c:%d: %s%s: %s, expected %s\n", line, ip,
			relayed ? " (relayed)" : "", turn_peer_class_str(got),
			turn_peer_class_str(want));
	CU_ASSERT_EQUAL(got, want);
}

static void
cidr(struct turn_cidr *c, const char *ip, uint8_t prefix)
{
	struct addr a = parse(ip);

	memset(c, 0, sizeof(*c));
	c->family = a.family;
	c->prefix = prefix;
	memcpy(c->addr, a.bytes, sizeof(c->addr));
}

#define ALLOW_RULE(p, ip, len) cidr(&(p)->allowed[(p)->allowed_count++], (ip), (len))
#define DENY_RULE(p, ip, len) cidr(&(p)->denied[(p)->denied_count++], (ip), (len))
#define OWN_RULE(p, ip, len) cidr(&(p)->own[(p)->own_count++], (ip), (len))

static struct turn_policy P;

/* The lists are filled by the test between reset() and build(). */
static void
reset(void)
{
	turn_policy_free(&P);
	memset(&P, 0, sizeof(P));
}

static void
build(void)
{
	char err[256] = "";
	int rc = turn_policy_build(&P, SOCKET_ID_ANY, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "\n  turn_policy_build: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* ---- built-in ranges, no configuration ---- */

static const struct {
	const char *ip;
	enum turn_peer_class want;
} builtin[] = {
	/* 0.0.0.0/8 */
	{ "0.0.0.0", ALWAYS }, { "0.255.255.255", ALWAYS }, { "1.0.0.1", PUBLIC },
	/* 127.0.0.0/8 */
	{ "127.0.0.1", ALWAYS }, { "127.255.255.254", ALWAYS },
	{ "126.255.255.255", PUBLIC }, { "128.0.0.1", PUBLIC },
	/* 224.0.0.0/4 */
	{ "224.0.0.1", ALWAYS }, { "239.255.255.255", ALWAYS }, { "223.255.255.255", PUBLIC },
	/* 255.255.255.255 inside 240.0.0.0/4 */
	{ "255.255.255.255", ALWAYS }, { "255.255.255.254", DEFAULT },
	{ "240.0.0.1", DEFAULT }, { "247.1.2.3", DEFAULT },
	/* 10.0.0.0/8 */
	{ "10.0.0.1", DEFAULT }, { "10.255.255.255", DEFAULT },
	{ "11.0.0.1", PUBLIC }, { "9.255.255.255", PUBLIC },
	/* 172.16.0.0/12 */
	{ "172.16.0.1", DEFAULT }, { "172.31.255.255", DEFAULT },
	{ "172.15.255.255", PUBLIC }, { "172.32.0.1", PUBLIC },
	/* 192.168.0.0/16 */
	{ "192.168.0.1", DEFAULT }, { "192.168.255.255", DEFAULT },
	{ "192.169.0.1", PUBLIC }, { "192.167.255.255", PUBLIC },
	/* 100.64.0.0/10 */
	{ "100.64.0.1", DEFAULT }, { "100.127.255.255", DEFAULT },
	{ "100.63.255.255", PUBLIC }, { "100.128.0.1", PUBLIC },
	/* 169.254.0.0/16, the cloud metadata address included */
	{ "169.254.1.1", DEFAULT }, { "169.254.169.254", DEFAULT },
	{ "169.255.0.1", PUBLIC }, { "169.253.255.255", PUBLIC },
	/* 192.0.0.0/24 */
	{ "192.0.0.8", DEFAULT }, { "192.0.0.255", DEFAULT }, { "192.0.1.1", PUBLIC },
	/* 192.0.2.0/24 TEST-NET-1 */
	{ "192.0.2.1", DEFAULT }, { "192.0.3.1", PUBLIC },
	/* 198.51.100.0/24 TEST-NET-2 */
	{ "198.51.100.1", DEFAULT }, { "198.51.101.1", PUBLIC }, { "198.51.99.255", PUBLIC },
	/* 203.0.113.0/24 TEST-NET-3 */
	{ "203.0.113.1", DEFAULT }, { "203.0.114.1", PUBLIC }, { "203.0.112.255", PUBLIC },
	/* 198.18.0.0/15 */
	{ "198.18.0.1", DEFAULT }, { "198.19.255.255", DEFAULT },
	{ "198.17.255.255", PUBLIC }, { "198.20.0.1", PUBLIC },
	/* 192.88.99.0/24 */
	{ "192.88.99.1", DEFAULT }, { "192.88.98.1", PUBLIC },
	/* public */
	{ "8.8.8.8", PUBLIC }, { "1.1.1.1", PUBLIC },

	/* :: and ::1 */
	{ "::", ALWAYS }, { "::1", ALWAYS },
	/* ::/96 IPv4-compatible: by the IPv6 rule, or the embedded IPv4 (::2 is 0.0.0.2) */
	{ "::8.8.8.8", DEFAULT }, { "::2", ALWAYS }, { "::1:0:0:1", PUBLIC },
	/* ff00::/8 */
	{ "ff02::1", ALWAYS }, { "ffff:ffff::1", ALWAYS }, { "fe40::1", PUBLIC },
	/* ::ffff:0:0/96 */
	{ "::ffff:8.8.8.8", DEFAULT }, { "::fffe:808:808", PUBLIC },
	/* 64:ff9b::/96 and 64:ff9b:1::/48 */
	{ "64:ff9b::8.8.8.8", DEFAULT }, { "64:ff9b:0:0:0:1::1", PUBLIC },
	{ "64:ff9b:1::808:808", DEFAULT }, { "64:ff9b:1:ffff::808:808", DEFAULT },
	{ "64:ff9b:2::1", PUBLIC },
	/* 100::/64 */
	{ "100::1", DEFAULT }, { "100:0:0:1::1", PUBLIC },
	/* 2001::/32 Teredo (client 8.8.8.8, server 65.54.227.120) */
	{ "2001:0:4136:e378:8000:63bf:f7f7:f7f7", DEFAULT }, { "2001:1::1", PUBLIC },
	/* 2001:2::/48 */
	{ "2001:2::1", DEFAULT }, { "2001:2:0:ffff::1", DEFAULT },
	{ "2001:2:1::1", PUBLIC }, { "2001:1:ffff::1", PUBLIC },
	/* 2001:10::/28 */
	{ "2001:10::1", DEFAULT }, { "2001:1f:ffff::1", DEFAULT }, { "2001:20::1", PUBLIC },
	/* 2001:db8::/32 */
	{ "2001:db8::1", DEFAULT }, { "2001:db8:ffff::1", DEFAULT },
	{ "2001:db9::1", PUBLIC }, { "2001:db7:ffff::1", PUBLIC },
	/* 2002::/16 6to4 */
	{ "2002:808:808::1", DEFAULT }, { "2003::1", PUBLIC }, { "2001:ffff::1", PUBLIC },
	/* 3fff::/20, 5f00::/16 */
	{ "3fff:fff::1", DEFAULT }, { "3fff:1000::1", PUBLIC },
	{ "5f00:1::1", DEFAULT }, { "5f01::1", PUBLIC },
	/* fc00::/7 */
	{ "fc00::1", DEFAULT }, { "fdff:ffff::1", DEFAULT }, { "fbff::1", PUBLIC },
	{ "fe00::1", PUBLIC },
	/* fe80::/10 */
	{ "fe80::1", DEFAULT }, { "febf:ffff::1", DEFAULT }, { "fe7f::1", PUBLIC },
	/* fec0::/10 */
	{ "fec0::1", DEFAULT }, { "feff:ffff::1", DEFAULT },
	/* public */
	{ "2606:4700:4700::1111", PUBLIC }, { "2a00:1450::1", PUBLIC },
};

static void
test_builtin_ranges(void)
{
	reset();
	build();
	for (unsigned int i = 0; i < RTE_DIM(builtin); i++)
		EXPECT(&P, builtin[i].ip, false, builtin[i].want);
	CU_ASSERT_EQUAL(P.shadowed, 0);
}

/* ---- configuration ---- */

static void
test_allow_opens_default_deny(void)
{
	reset();
	ALLOW_RULE(&P, "10.1.0.0", 16);
	ALLOW_RULE(&P, "169.254.0.0", 16);
	ALLOW_RULE(&P, "240.0.0.0", 4);
	ALLOW_RULE(&P, "fd00:1::", 32);
	ALLOW_RULE(&P, "2001:db8::", 32);
	build();
	EXPECT(&P, "10.1.2.3", false, ALLOW);
	EXPECT(&P, "10.2.0.1", false, DEFAULT);
	EXPECT(&P, "169.254.169.254", false, ALLOW);
	EXPECT(&P, "240.0.0.1", false, ALLOW);
	EXPECT(&P, "fd00:1::5", false, ALLOW);
	EXPECT(&P, "fd00:2::5", false, DEFAULT);
	EXPECT(&P, "2001:db8::1", false, ALLOW);
	/* An IPv4 rule never matches an IPv6 address with the same leading bytes. */
	EXPECT(&P, "a01::1", false, PUBLIC);
	/* A wider allow does not open a narrower built-in range: longest prefix wins. */
	reset();
	ALLOW_RULE(&P, "192.0.0.0", 8);
	ALLOW_RULE(&P, "0.0.0.0", 0);
	build();
	EXPECT(&P, "192.168.1.1", false, DEFAULT);
	EXPECT(&P, "192.1.1.1", false, ALLOW);
	EXPECT(&P, "10.0.0.1", false, DEFAULT);
	EXPECT(&P, "8.8.8.8", false, ALLOW);
}

static void
test_allow_never_opens_always_deny(void)
{
	reset();
	OWN_RULE(&P, "203.0.114.5", 32);
	OWN_RULE(&P, "2a00:1450::5", 128);
	ALLOW_RULE(&P, "127.0.0.0", 8);         /* equal */
	ALLOW_RULE(&P, "127.0.0.1", 32);        /* inside */
	ALLOW_RULE(&P, "0.0.0.0", 8);
	ALLOW_RULE(&P, "0.0.0.0", 0);           /* around everything */
	ALLOW_RULE(&P, "224.0.0.0", 3);         /* around multicast */
	ALLOW_RULE(&P, "239.1.0.0", 16);        /* inside multicast */
	ALLOW_RULE(&P, "240.0.0.0", 4);         /* opens 240/4 ... */
	ALLOW_RULE(&P, "255.255.255.255", 32);  /* ... but never the broadcast address */
	ALLOW_RULE(&P, "203.0.114.5", 32);      /* our own address */
	ALLOW_RULE(&P, "::", 0);
	ALLOW_RULE(&P, "::1", 128);
	ALLOW_RULE(&P, "ff02::", 16);
	ALLOW_RULE(&P, "2a00:1450::5", 128);
	build();
	/* Inside or equal to an always-denied prefix or an own address: ignored, and counted. */
	CU_ASSERT_EQUAL(P.shadowed, 9);
	EXPECT(&P, "127.0.0.1", false, ALWAYS);
	EXPECT(&P, "0.1.2.3", false, ALWAYS);
	EXPECT(&P, "224.0.0.1", false, ALWAYS);
	EXPECT(&P, "239.1.2.3", false, ALWAYS);
	EXPECT(&P, "255.255.255.255", false, ALWAYS);
	EXPECT(&P, "255.255.255.254", false, ALLOW);
	EXPECT(&P, "203.0.114.5", false, OWN);
	EXPECT(&P, "203.0.114.6", false, ALLOW);
	EXPECT(&P, "::1", false, ALWAYS);
	EXPECT(&P, "::", false, ALWAYS);
	EXPECT(&P, "ff02::1", false, ALWAYS);
	EXPECT(&P, "2a00:1450::5", false, OWN);
	/* The /0 allows open nothing that a longer built-in prefix denies. */
	EXPECT(&P, "10.0.0.1", false, DEFAULT);
	EXPECT(&P, "fe80::1", false, DEFAULT);
	/* Mapped loopback: denied by the embedded IPv4 address, whatever the IPv6 rules say. */
	reset();
	ALLOW_RULE(&P, "::ffff:0:0", 96);
	build();
	EXPECT(&P, "::ffff:127.0.0.1", false, ALWAYS);
	EXPECT(&P, "::ffff:224.0.0.1", false, ALWAYS);
	EXPECT(&P, "::ffff:255.255.255.255", false, ALWAYS);
}

static void
test_deny_overrides_public(void)
{
	reset();
	DENY_RULE(&P, "8.8.8.0", 24);
	DENY_RULE(&P, "2a00:1450::", 32);
	DENY_RULE(&P, "1.2.3.4", 32);
	build();
	EXPECT(&P, "8.8.8.8", false, DENY);
	EXPECT(&P, "8.8.4.4", false, PUBLIC);
	EXPECT(&P, "1.2.3.4", false, DENY);
	EXPECT(&P, "1.2.3.5", false, PUBLIC);
	EXPECT(&P, "2a00:1450::1", false, DENY);
	EXPECT(&P, "2a00:1451::1", false, PUBLIC);
	/* A deny inside a default-denied range stays a deny, with its own reason. */
	reset();
	DENY_RULE(&P, "10.1.0.0", 16);
	build();
	EXPECT(&P, "10.1.0.1", false, DENY);
	EXPECT(&P, "10.2.0.1", false, DEFAULT);
}

static void
test_longest_prefix(void)
{
	reset();
	ALLOW_RULE(&P, "198.18.0.0", 15);
	DENY_RULE(&P, "198.18.5.0", 24);
	DENY_RULE(&P, "8.8.0.0", 16);
	ALLOW_RULE(&P, "8.8.8.0", 24);
	/* Same prefix in both lists: the deny wins. */
	ALLOW_RULE(&P, "9.9.9.0", 24);
	DENY_RULE(&P, "9.9.9.0", 24);
	ALLOW_RULE(&P, "2001:db8::", 32);
	DENY_RULE(&P, "2001:db8:5::", 48);
	build();
	EXPECT(&P, "198.18.5.1", false, DENY);
	EXPECT(&P, "198.18.6.1", false, ALLOW);
	EXPECT(&P, "198.19.0.1", false, ALLOW);
	EXPECT(&P, "198.17.0.1", false, PUBLIC);
	EXPECT(&P, "8.8.8.8", false, ALLOW);
	EXPECT(&P, "8.8.4.4", false, DENY);
	EXPECT(&P, "9.9.9.9", false, DENY);
	EXPECT(&P, "2001:db8:5::1", false, DENY);
	EXPECT(&P, "2001:db8:6::1", false, ALLOW);
	/* deny-peer 0.0.0.0/0 and ::/0: only what allow-peer names is reachable. */
	reset();
	DENY_RULE(&P, "0.0.0.0", 0);
	DENY_RULE(&P, "::", 0);
	ALLOW_RULE(&P, "8.8.8.0", 24);
	ALLOW_RULE(&P, "2606:4700::", 32);
	build();
	EXPECT(&P, "8.8.8.8", false, ALLOW);
	EXPECT(&P, "1.1.1.1", false, DENY);
	EXPECT(&P, "2606:4700::1", false, ALLOW);
	EXPECT(&P, "2a00:1450::1", false, DENY);
	EXPECT(&P, "127.0.0.1", false, ALWAYS);
	EXPECT(&P, "10.0.0.1", false, DEFAULT);
}

/* ---- IPv6 forms of an IPv4 address ---- */

enum form { MAPPED, COMPATIBLE, SIXTOFOUR, NAT64, NAT64_LOCAL, TEREDO_CLIENT, TEREDO_SERVER,
	    FORMS };

static const char *const form_name[FORMS] = {
	"mapped", "compatible", "6to4", "NAT64", "local NAT64", "Teredo client", "Teredo server",
};

/* The IPv6 address of form f embedding v4 (the other Teredo end: 65.54.227.120 / 1.0.0.1). */
static void
embed(uint8_t out[16], enum form f, const char *v4)
{
	struct addr a = parse(v4);
	const uint8_t *x = a.bytes;

	memset(out, 0, 16);
	switch (f) {
	case MAPPED:
		out[10] = out[11] = 0xff;
		memcpy(out + 12, x, 4);
		break;
	case COMPATIBLE:
		memcpy(out + 12, x, 4);
		break;
	case SIXTOFOUR:
		out[0] = 0x20, out[1] = 0x02;
		memcpy(out + 2, x, 4);
		out[15] = 1;
		break;
	case NAT64:
		out[1] = 0x64, out[2] = 0xff, out[3] = 0x9b;
		memcpy(out + 12, x, 4);
		break;
	case NAT64_LOCAL:
		out[1] = 0x64, out[2] = 0xff, out[3] = 0x9b, out[5] = 0x01;
		memcpy(out + 12, x, 4);
		break;
	case TEREDO_CLIENT:
	case TEREDO_SERVER: {
		static const uint8_t server[4] = { 65, 54, 227, 120 };
		static const uint8_t client[4] = { 1, 0, 0, 1 };
		const uint8_t *s = f == TEREDO_SERVER ? x : server;
		const uint8_t *c = f == TEREDO_CLIENT ? x : client;

		out[0] = 0x20, out[1] = 0x01;
		memcpy(out + 4, s, 4);
		out[8] = 0x80, out[10] = 0x63, out[11] = 0xbf;   /* flags, obscured port */
		for (int i = 0; i < 4; i++)
			out[12 + i] = (uint8_t)~c[i];
		break;
	}
	default:
		break;
	}
}

static void
expect_forms(const char *v4, enum turn_peer_class want, int line)
{
	for (int f = 0; f < FORMS; f++) {
		uint8_t a[16];
		char text[INET6_ADDRSTRLEN];
		enum turn_peer_class got;

		embed(a, (enum form)f, v4);
		got = turn_policy_check(&P, STUN_FAMILY_IPV6, a, false);
		if (got != want) {
			inet_ntop(AF_INET6, a, text, sizeof(text));
			fprintf(stderr, "\n  test_turn_policy.c:%d: %s as %s (%s): %s, expected %s\n",
				line, v4, form_name[f], text, turn_peer_class_str(got),
				turn_peer_class_str(want));
		}
		CU_ASSERT_EQUAL(got, want);
	}
}

/* Every prefix that embeds an IPv4 address, opened, so only the IPv4 rules decide. */
static void
allow_embedding_prefixes(void)
{
	ALLOW_RULE(&P, "::ffff:0:0", 96);
	ALLOW_RULE(&P, "::", 96);
	ALLOW_RULE(&P, "2002::", 16);
	ALLOW_RULE(&P, "64:ff9b::", 96);
	ALLOW_RULE(&P, "64:ff9b:1::", 48);
	ALLOW_RULE(&P, "2001::", 32);
}

static void
test_embedded_ipv4(void)
{
	uint8_t a[16], v4[2][4];

	/* Default policy: every form is denied already by its IPv6 range ... */
	reset();
	build();
	expect_forms("127.0.0.1", ALWAYS, __LINE__);
	expect_forms("10.0.0.1", DEFAULT, __LINE__);
	expect_forms("169.254.169.254", DEFAULT, __LINE__);
	expect_forms("8.8.8.8", DEFAULT, __LINE__);

	/* ... and with those ranges opened, by the IPv4 address inside. */
	reset();
	allow_embedding_prefixes();
	OWN_RULE(&P, "203.0.114.5", 32);
	build();
	expect_forms("127.0.0.1", ALWAYS, __LINE__);
	expect_forms("0.0.0.1", ALWAYS, __LINE__);
	expect_forms("224.0.0.1", ALWAYS, __LINE__);
	expect_forms("10.0.0.1", DEFAULT, __LINE__);
	expect_forms("169.254.169.254", DEFAULT, __LINE__);
	expect_forms("192.168.1.1", DEFAULT, __LINE__);
	expect_forms("203.0.114.5", OWN, __LINE__);
	expect_forms("8.8.8.8", ALLOW, __LINE__);
	/* :: and ::1 are not IPv4-compatible addresses: the IPv6 rule alone decides. */
	EXPECT(&P, "::", false, ALWAYS);
	EXPECT(&P, "::1", false, ALWAYS);

	/* A deny-peer on the IPv4 address reaches all its IPv6 forms. */
	reset();
	allow_embedding_prefixes();
	DENY_RULE(&P, "8.8.8.0", 24);
	ALLOW_RULE(&P, "10.0.0.0", 8);
	build();
	expect_forms("8.8.8.8", DENY, __LINE__);
	expect_forms("10.0.0.1", ALLOW, __LINE__);
	expect_forms("1.1.1.1", ALLOW, __LINE__);

	/* An allowed IPv4 address does not open a denied IPv6 range. */
	reset();
	ALLOW_RULE(&P, "8.8.8.0", 24);
	build();
	expect_forms("8.8.8.8", DEFAULT, __LINE__);

	/* The decoder itself. */
	embed(a, TEREDO_CLIENT, "127.0.0.1");
	CU_ASSERT_EQUAL(turn_policy_embedded_ipv4(a, v4), 2);
	CU_ASSERT_EQUAL(memcmp(v4[0], (uint8_t[]){ 127, 0, 0, 1 }, 4), 0);
	CU_ASSERT_EQUAL(memcmp(v4[1], (uint8_t[]){ 65, 54, 227, 120 }, 4), 0);
	embed(a, SIXTOFOUR, "192.0.2.33");
	CU_ASSERT_EQUAL(turn_policy_embedded_ipv4(a, v4), 1);
	CU_ASSERT_EQUAL(memcmp(v4[0], (uint8_t[]){ 192, 0, 2, 33 }, 4), 0);
	CU_ASSERT_EQUAL(turn_policy_embedded_ipv4(parse("::1").bytes, v4), 0);
	CU_ASSERT_EQUAL(turn_policy_embedded_ipv4(parse("::").bytes, v4), 0);
	CU_ASSERT_EQUAL(turn_policy_embedded_ipv4(parse("2a00:1450::1").bytes, v4), 0);
	CU_ASSERT_EQUAL(turn_policy_embedded_ipv4(parse("64:ff9b:0:0:0:1::1").bytes, v4), 0);
}

/* ---- own and relayed addresses ---- */

static void
test_own_and_relayed(void)
{
	reset();
	OWN_RULE(&P, "203.0.114.5", 32);
	OWN_RULE(&P, "2a00:1450::5", 128);
	OWN_RULE(&P, "10.9.9.9", 32);
	OWN_RULE(&P, "127.0.0.2", 32);      /* a mistake: loopback stays always denied */
	ALLOW_RULE(&P, "203.0.114.0", 24);
	DENY_RULE(&P, "198.51.0.0", 16);
	build();
	EXPECT(&P, "203.0.114.5", false, OWN);
	EXPECT(&P, "203.0.114.5", true, RELAYED);
	EXPECT(&P, "203.0.114.6", false, ALLOW);
	EXPECT(&P, "2a00:1450::5", false, OWN);
	EXPECT(&P, "2a00:1450::5", true, RELAYED);
	EXPECT(&P, "2a00:1450::6", false, PUBLIC);
	/* A relayed address in a default-denied range is still a valid hairpin peer. */
	EXPECT(&P, "10.9.9.9", true, RELAYED);
	EXPECT(&P, "10.9.9.9", false, OWN);
	/* Relayed: data to it stays inside the relay, so deny-peer does not apply ... */
	EXPECT(&P, "198.51.0.7", true, RELAYED);
	EXPECT(&P, "198.51.0.7", false, DENY);
	/* ... but no relayed address opens an always-denied one. */
	EXPECT(&P, "127.0.0.1", true, ALWAYS);
	EXPECT(&P, "127.0.0.2", true, ALWAYS);
	EXPECT(&P, "::1", true, ALWAYS);
	EXPECT(&P, "::ffff:127.0.0.1", true, ALWAYS);
}

/* ---- lifecycle and errors ---- */

static void
test_unbuilt_and_errors(void)
{
	struct turn_policy other;
	char err[256];
	struct addr a = parse("8.8.8.8");

	/* Zeroed, never built, or freed: everything is refused. */
	reset();
	CU_ASSERT_EQUAL(turn_policy_check(&P, a.family, a.bytes, false), TURN_PEER_NO_POLICY);
	CU_ASSERT_EQUAL(turn_policy_check(&P, a.family, a.bytes, true), TURN_PEER_NO_POLICY);
	build();
	EXPECT(&P, "8.8.8.8", false, PUBLIC);
	CU_ASSERT_EQUAL(turn_policy_check(&P, 0, a.bytes, false), ALWAYS);
	/* Building again replaces the tables. */
	DENY_RULE(&P, "8.8.8.8", 32);
	build();
	EXPECT(&P, "8.8.8.8", false, DENY);
	turn_policy_free(&P);
	CU_ASSERT_PTR_NULL(P.lpm4);
	EXPECT(&P, "8.8.8.8", false, TURN_PEER_NO_POLICY);
	turn_policy_free(&P);

	/* A bad rule: -EINVAL, a sentence, no tables. */
	reset();
	ALLOW_RULE(&P, "8.8.8.0", 24);
	P.allowed[0].prefix = 33;
	err[0] = '\0';
	CU_ASSERT_EQUAL(turn_policy_build(&P, SOCKET_ID_ANY, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "prefix /33"));
	CU_ASSERT_PTR_NULL(P.lpm4);
	EXPECT(&P, "8.8.8.8", false, TURN_PEER_NO_POLICY);
	P.allowed_count = TURN_POLICY_MAX_RULES + 1;
	CU_ASSERT_EQUAL(turn_policy_build(&P, SOCKET_ID_ANY, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too many"));

	/*
	 * Out of memory: one policy holds ~130 MB and EAL has 256; the second
	 * fails with an error that says what to raise, and leaves no table.
	 */
	reset();
	build();
	memset(&other, 0, sizeof(other));
	err[0] = '\0';
	int rc = turn_policy_build(&other, SOCKET_ID_ANY, err, sizeof(err));

	CU_ASSERT(rc < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "memory_mb"));
	CU_ASSERT_PTR_NULL(other.lpm4);
	CU_ASSERT_PTR_NULL(other.lpm6);
	if (rc == 0)
		turn_policy_free(&other);
	else
		printf("\n  (expected) %s\n", err);
	/* Freed, the memory serves the next build. */
	reset();
	build();
	reset();
}

static void
test_class_strings(void)
{
	CU_ASSERT_STRING_EQUAL(turn_peer_class_str(OWN), "one of the relay's own addresses");
	CU_ASSERT_STRING_EQUAL(turn_peer_class_str(DENY), "in turn.deny-peer");
	CU_ASSERT_STRING_EQUAL(turn_peer_class_str(ALLOW), "in turn.allow-peer");
	for (int c = 0; c < TURN_PEER_CLASS_MAX; c++)
		CU_ASSERT_STRING_NOT_EQUAL(turn_peer_class_str((enum turn_peer_class)c), "unknown");
	CU_ASSERT(turn_peer_class_allowed(PUBLIC) && turn_peer_class_allowed(ALLOW) &&
		  turn_peer_class_allowed(RELAYED));
	CU_ASSERT(!turn_peer_class_allowed(ALWAYS) && !turn_peer_class_allowed(OWN) &&
		  !turn_peer_class_allowed(DEFAULT) && !turn_peer_class_allowed(DENY) &&
		  !turn_peer_class_allowed(TURN_PEER_NO_POLICY));
}

static void
test_cidr_contains(void)
{
	struct turn_cidr c;
	struct addr a;

	cidr(&c, "172.16.0.0", 12);
	a = parse("172.31.1.1");
	CU_ASSERT(turn_cidr_contains(&c, a.family, a.bytes));
	a = parse("172.32.1.1");
	CU_ASSERT(!turn_cidr_contains(&c, a.family, a.bytes));
	cidr(&c, "2001:db8::1", 128);
	a = parse("2001:db8::1");
	CU_ASSERT(turn_cidr_contains(&c, a.family, a.bytes));
	a = parse("2001:db8::2");
	CU_ASSERT(!turn_cidr_contains(&c, a.family, a.bytes));
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal_argv[] = {
		argv[0], "--no-huge", "-m", "256", "--no-pci", "--no-telemetry",
		"--log-level=warning", prefix,
	};

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=dturn-unit-policy-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite("turn_policy", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "built-in ranges, inside and outside", test_builtin_ranges) ||
	    !CU_add_test(s, "allow-peer opens default-denied ranges", test_allow_opens_default_deny) ||
	    !CU_add_test(s, "allow-peer never opens always-denied ones",
			 test_allow_never_opens_always_deny) ||
	    !CU_add_test(s, "deny-peer closes public addresses", test_deny_overrides_public) ||
	    !CU_add_test(s, "longest prefix wins", test_longest_prefix) ||
	    !CU_add_test(s, "IPv6 forms of IPv4 addresses", test_embedded_ipv4) ||
	    !CU_add_test(s, "own and relayed addresses", test_own_and_relayed) ||
	    !CU_add_test(s, "unbuilt policy, build errors", test_unbuilt_and_errors) ||
	    !CU_add_test(s, "class strings", test_class_strings) ||
	    !CU_add_test(s, "turn_cidr_contains", test_cidr_contains)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

	CU_cleanup_registry();
	turn_policy_free(&P);
	rte_eal_cleanup();
	return failed == 0 ? 0 : 1;
}
