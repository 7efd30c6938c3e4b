/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * turn_policy_check: every built-in range of turn_policy.c with an address
 * inside (refused) and one just outside (allowed), then the operator's lists
 * and their precedence. A pure function: no EAL.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "stun.h"
#include "turn_policy.h"

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

static enum turn_policy_verdict
check(const struct turn_policy *p, const char *ip, bool relayed)
{
	struct addr a = parse(ip);

	return turn_policy_check(p, a.family, a.bytes, relayed);
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

static const struct {
	const char *ip;
	enum turn_policy_verdict want;
} builtin[] = {
	/* 0.0.0.0/8 */
	{ "0.0.0.0", TURN_PEER_DENIED_NEVER }, { "0.255.255.255", TURN_PEER_DENIED_NEVER },
	{ "1.0.0.1", TURN_PEER_ALLOWED },
	/* 127.0.0.0/8 */
	{ "127.0.0.1", TURN_PEER_DENIED_NEVER }, { "127.255.255.254", TURN_PEER_DENIED_NEVER },
	{ "126.255.255.255", TURN_PEER_ALLOWED }, { "128.0.0.1", TURN_PEER_ALLOWED },
	/* 224.0.0.0/4 */
	{ "224.0.0.1", TURN_PEER_DENIED_NEVER }, { "239.255.255.255", TURN_PEER_DENIED_NEVER },
	{ "223.255.255.255", TURN_PEER_ALLOWED },
	/* 240.0.0.0/4 and broadcast */
	{ "240.0.0.1", TURN_PEER_DENIED_NEVER }, { "255.255.255.255", TURN_PEER_DENIED_NEVER },
	/* 10.0.0.0/8 */
	{ "10.0.0.1", TURN_PEER_DENIED_PRIVATE }, { "10.255.255.255", TURN_PEER_DENIED_PRIVATE },
	{ "11.0.0.1", TURN_PEER_ALLOWED }, { "9.255.255.255", TURN_PEER_ALLOWED },
	/* 172.16.0.0/12 */
	{ "172.16.0.1", TURN_PEER_DENIED_PRIVATE }, { "172.31.255.255", TURN_PEER_DENIED_PRIVATE },
	{ "172.15.255.255", TURN_PEER_ALLOWED }, { "172.32.0.1", TURN_PEER_ALLOWED },
	/* 192.168.0.0/16 */
	{ "192.168.0.1", TURN_PEER_DENIED_PRIVATE }, { "192.168.255.255", TURN_PEER_DENIED_PRIVATE },
	{ "192.169.0.1", TURN_PEER_ALLOWED }, { "192.167.255.255", TURN_PEER_ALLOWED },
	/* 100.64.0.0/10 */
	{ "100.64.0.1", TURN_PEER_DENIED_PRIVATE }, { "100.127.255.255", TURN_PEER_DENIED_PRIVATE },
	{ "100.63.255.255", TURN_PEER_ALLOWED }, { "100.128.0.1", TURN_PEER_ALLOWED },
	/* 169.254.0.0/16 */
	{ "169.254.1.1", TURN_PEER_DENIED_PRIVATE }, { "169.255.0.1", TURN_PEER_ALLOWED },
	{ "169.253.255.255", TURN_PEER_ALLOWED },
	/* 192.0.0.0/24 */
	{ "192.0.0.8", TURN_PEER_DENIED_PRIVATE }, { "192.0.1.1", TURN_PEER_ALLOWED },
	/* 192.0.2.0/24 */
	{ "192.0.2.1", TURN_PEER_DENIED_PRIVATE }, { "192.0.3.1", TURN_PEER_ALLOWED },
	/* 198.51.100.0/24 */
	{ "198.51.100.1", TURN_PEER_DENIED_PRIVATE }, { "198.51.101.1", TURN_PEER_ALLOWED },
	{ "198.51.99.255", TURN_PEER_ALLOWED },
	/* 203.0.113.0/24 */
	{ "203.0.113.1", TURN_PEER_DENIED_PRIVATE }, { "203.0.114.1", TURN_PEER_ALLOWED },
	{ "203.0.112.255", TURN_PEER_ALLOWED },
	/* 198.18.0.0/15 */
	{ "198.18.0.1", TURN_PEER_DENIED_PRIVATE }, { "198.19.255.255", TURN_PEER_DENIED_PRIVATE },
	{ "198.17.255.255", TURN_PEER_ALLOWED }, { "198.20.0.1", TURN_PEER_ALLOWED },
	/* public */
	{ "8.8.8.8", TURN_PEER_ALLOWED }, { "1.1.1.1", TURN_PEER_ALLOWED },

	/* :: and ::1 (and the rest of ::/96, IPv4-compatible) */
	{ "::", TURN_PEER_DENIED_NEVER }, { "::1", TURN_PEER_DENIED_NEVER },
	{ "::8.8.8.8", TURN_PEER_DENIED_NEVER }, { "::1:0:0:1", TURN_PEER_ALLOWED },
	/* ff00::/8 */
	{ "ff02::1", TURN_PEER_DENIED_NEVER }, { "ffff:ffff::1", TURN_PEER_DENIED_NEVER },
	{ "fe40::1", TURN_PEER_ALLOWED },
	/* ::ffff:0:0/96 */
	{ "::ffff:8.8.8.8", TURN_PEER_DENIED_NEVER }, { "::ffff:127.0.0.1", TURN_PEER_DENIED_NEVER },
	{ "::fffe:808:808", TURN_PEER_ALLOWED },
	/* 64:ff9b::/96 */
	{ "64:ff9b::8.8.8.8", TURN_PEER_DENIED_NEVER }, { "64:ff9b:0:0:0:1::1", TURN_PEER_ALLOWED },
	/* fc00::/7 */
	{ "fc00::1", TURN_PEER_DENIED_PRIVATE }, { "fdff:ffff::1", TURN_PEER_DENIED_PRIVATE },
	{ "fbff::1", TURN_PEER_ALLOWED }, { "fe00::1", TURN_PEER_ALLOWED },
	/* fe80::/10 */
	{ "fe80::1", TURN_PEER_DENIED_PRIVATE }, { "febf:ffff::1", TURN_PEER_DENIED_PRIVATE },
	{ "fe7f::1", TURN_PEER_ALLOWED },
	/* fec0::/10 */
	{ "fec0::1", TURN_PEER_DENIED_PRIVATE }, { "feff:ffff::1", TURN_PEER_DENIED_PRIVATE },
	/* 2001:db8::/32 */
	{ "2001:db8::1", TURN_PEER_DENIED_PRIVATE }, { "2001:db8:ffff::1", TURN_PEER_DENIED_PRIVATE },
	{ "2001:db9::1", TURN_PEER_ALLOWED }, { "2001:db7:ffff::1", TURN_PEER_ALLOWED },
	/* 2001:2::/48 */
	{ "2001:2::1", TURN_PEER_DENIED_PRIVATE }, { "2001:2:0:ffff::1", TURN_PEER_DENIED_PRIVATE },
	{ "2001:2:1::1", TURN_PEER_ALLOWED }, { "2001:1:ffff::1", TURN_PEER_ALLOWED },
	/* public */
	{ "2606:4700:4700::1111", TURN_PEER_ALLOWED }, { "2a00:1450::1", TURN_PEER_ALLOWED },
};

static void
test_builtin_ranges(void)
{
	struct turn_policy p;

	memset(&p, 0, sizeof(p));
	for (unsigned int i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		enum turn_policy_verdict got = check(&p, builtin[i].ip, false);

		if (got != builtin[i].want)
			fprintf(stderr, "%s: %s, expected %s\n", builtin[i].ip,
				turn_policy_verdict_str(got), turn_policy_verdict_str(builtin[i].want));
		CU_ASSERT_EQUAL(got, builtin[i].want);
	}
}

/*
 * RFC 8215 local-use NAT64 64:ff9b:1::/48 embeds any IPv4 address, 10/8 and
 * 127/8 included, and a site NAT64 translates it: like 64:ff9b::/96, which is
 * refused, it must not open a path to private IPv4 space.
 */
static void
test_missing_special_ranges(void)
{
	struct turn_policy p;

	memset(&p, 0, sizeof(p));
	CU_ASSERT_NOT_EQUAL(check(&p, "64:ff9b:1::7f00:1", false), TURN_PEER_ALLOWED);
	CU_ASSERT_NOT_EQUAL(check(&p, "64:ff9b:1::a00:1", false), TURN_PEER_ALLOWED);
}

static void
test_allowed_overrides_private(void)
{
	struct turn_policy p;

	memset(&p, 0, sizeof(p));
	cidr(&p.allowed[p.allowed_count++], "10.1.0.0", 16);
	cidr(&p.allowed[p.allowed_count++], "fd00:1::", 32);
	CU_ASSERT_EQUAL(check(&p, "10.1.2.3", false), TURN_PEER_ALLOWED);
	CU_ASSERT_EQUAL(check(&p, "10.2.0.1", false), TURN_PEER_DENIED_PRIVATE);
	CU_ASSERT_EQUAL(check(&p, "fd00:1::5", false), TURN_PEER_ALLOWED);
	CU_ASSERT_EQUAL(check(&p, "fd00:2::5", false), TURN_PEER_DENIED_PRIVATE);
	/* An IPv4 rule never matches an IPv6 address with the same leading bytes. */
	CU_ASSERT_EQUAL(check(&p, "a01::1", false), TURN_PEER_ALLOWED);
	cidr(&p.allowed[p.allowed_count++], "a02::", 16);
	CU_ASSERT_EQUAL(check(&p, "10.2.0.1", false), TURN_PEER_DENIED_PRIVATE);
}

static void
test_allowed_never_overrides_never(void)
{
	struct turn_policy p;

	memset(&p, 0, sizeof(p));
	cidr(&p.allowed[p.allowed_count++], "127.0.0.0", 8);
	cidr(&p.allowed[p.allowed_count++], "0.0.0.0", 0);
	cidr(&p.allowed[p.allowed_count++], "::", 0);
	CU_ASSERT_EQUAL(check(&p, "127.0.0.1", false), TURN_PEER_DENIED_NEVER);
	CU_ASSERT_EQUAL(check(&p, "224.1.1.1", false), TURN_PEER_DENIED_NEVER);
	CU_ASSERT_EQUAL(check(&p, "::1", false), TURN_PEER_DENIED_NEVER);
	CU_ASSERT_EQUAL(check(&p, "::ffff:10.0.0.1", false), TURN_PEER_DENIED_NEVER);
	/* ... while the /0 rules do open every private range. */
	CU_ASSERT_EQUAL(check(&p, "10.0.0.1", false), TURN_PEER_ALLOWED);
	CU_ASSERT_EQUAL(check(&p, "fe80::1", false), TURN_PEER_ALLOWED);
}

static void
test_denied_beats_allowed(void)
{
	struct turn_policy p;

	memset(&p, 0, sizeof(p));
	cidr(&p.allowed[p.allowed_count++], "8.8.0.0", 16);
	cidr(&p.denied[p.denied_count++], "8.8.8.0", 24);
	cidr(&p.denied[p.denied_count++], "2a00:1450::", 32);
	CU_ASSERT_EQUAL(check(&p, "8.8.8.8", false), TURN_PEER_DENIED_CONFIG);
	CU_ASSERT_EQUAL(check(&p, "8.8.4.4", false), TURN_PEER_ALLOWED);
	CU_ASSERT_EQUAL(check(&p, "8.9.0.1", false), TURN_PEER_ALLOWED);
	CU_ASSERT_EQUAL(check(&p, "2a00:1450::1", false), TURN_PEER_DENIED_CONFIG);
	CU_ASSERT_EQUAL(check(&p, "2a00:1451::1", false), TURN_PEER_ALLOWED);
	/* Denied even when it is a relayed address. */
	CU_ASSERT_EQUAL(check(&p, "8.8.8.8", true), TURN_PEER_DENIED_CONFIG);
}

static void
test_own_addresses(void)
{
	struct turn_policy p;

	memset(&p, 0, sizeof(p));
	cidr(&p.own[p.own_count++], "203.0.114.5", 32);
	cidr(&p.own[p.own_count++], "2a00:1450::5", 128);
	cidr(&p.allowed[p.allowed_count++], "203.0.114.0", 24);
	CU_ASSERT_EQUAL(check(&p, "203.0.114.5", false), TURN_PEER_DENIED_OWN);
	CU_ASSERT_EQUAL(check(&p, "203.0.114.5", true), TURN_PEER_ALLOWED);
	CU_ASSERT_EQUAL(check(&p, "203.0.114.6", false), TURN_PEER_ALLOWED);
	CU_ASSERT_EQUAL(check(&p, "2a00:1450::5", false), TURN_PEER_DENIED_OWN);
	CU_ASSERT_EQUAL(check(&p, "2a00:1450::5", true), TURN_PEER_ALLOWED);
	CU_ASSERT_EQUAL(check(&p, "2a00:1450::6", false), TURN_PEER_ALLOWED);
	/* A relayed address in a private range is still a valid hairpin peer. */
	cidr(&p.own[p.own_count++], "10.9.9.9", 32);
	CU_ASSERT_EQUAL(check(&p, "10.9.9.9", true), TURN_PEER_ALLOWED);
	CU_ASSERT_EQUAL(check(&p, "10.9.9.9", false), TURN_PEER_DENIED_OWN);
	/* is_relayed does not open loopback. */
	CU_ASSERT_EQUAL(check(&p, "127.0.0.1", true), TURN_PEER_DENIED_NEVER);
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
	CU_ASSERT_STRING_EQUAL(turn_policy_verdict_str(TURN_PEER_DENIED_OWN),
			       "one of the relay's own addresses");
}

int
main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite("turn_policy", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "built-in ranges, inside and outside", test_builtin_ranges) ||
	    !CU_add_test(s, "special ranges missing from the lists", test_missing_special_ranges) ||
	    !CU_add_test(s, "allowed list overrides private", test_allowed_overrides_private) ||
	    !CU_add_test(s, "allowed list never overrides loopback", test_allowed_never_overrides_never) ||
	    !CU_add_test(s, "denied list beats allowed", test_denied_beats_allowed) ||
	    !CU_add_test(s, "own addresses and hairpin", test_own_addresses) ||
	    !CU_add_test(s, "turn_cidr_contains", test_cidr_contains)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
