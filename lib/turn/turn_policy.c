/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "stun.h"
#include "turn_policy.h"

struct range {
	uint8_t prefix;
	uint8_t addr[16];
};

/* RFC 6890 special-purpose blocks a relay must never reach, whatever the config says. */
static const struct range never_v4[] = {
	{ 8, { 0 } },                       /* 0.0.0.0/8 "this network" */
	{ 8, { 127 } },                     /* loopback */
	{ 4, { 224 } },                     /* multicast */
	{ 4, { 240 } },                     /* reserved, and 255.255.255.255 */
};

static const struct range private_v4[] = {
	{ 8, { 10 } },                      /* RFC 1918 */
	{ 12, { 172, 16 } },
	{ 16, { 192, 168 } },
	{ 10, { 100, 64 } },                /* RFC 6598 shared address space (CGN) */
	{ 16, { 169, 254 } },               /* link-local */
	{ 24, { 192, 0, 0 } },              /* IETF protocol assignments */
	{ 24, { 192, 0, 2 } },              /* TEST-NET-1 */
	{ 24, { 198, 51, 100 } },           /* TEST-NET-2 */
	{ 24, { 203, 0, 113 } },            /* TEST-NET-3 */
	{ 15, { 198, 18 } },                /* RFC 2544 benchmarking */
};

static const struct range never_v6[] = {
	{ 128, { 0 } },                                         /* :: */
	{ 128, { [15] = 1 } },                                  /* ::1 */
	{ 8, { 0xff } },                                        /* multicast */
	{ 96, { [10] = 0xff, [11] = 0xff } },                   /* IPv4-mapped ::ffff:0:0/96 */
	{ 96, { 0 } },                                          /* IPv4-compatible ::/96 */
	{ 96, { 0x00, 0x64, 0xff, 0x9b } },                     /* NAT64 64:ff9b::/96 */
	{ 48, { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 } },         /* local-use NAT64 (RFC 8215) */
};

static const struct range private_v6[] = {
	{ 7, { 0xfc } },                                        /* unique local */
	{ 10, { 0xfe, 0x80 } },                                 /* link-local */
	{ 10, { 0xfe, 0xc0 } },                                 /* site-local (deprecated) */
	{ 32, { 0x20, 0x01, 0x0d, 0xb8 } },                     /* documentation */
	{ 48, { 0x20, 0x01, 0x00, 0x02 } },                     /* benchmarking 2001:2::/48 */
};

static bool
prefix_match(const uint8_t *a, const uint8_t *b, unsigned int prefix)
{
	unsigned int whole = prefix / 8, bits = prefix % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (bits == 0)
		return true;

	uint8_t mask = (uint8_t)(0xff << (8 - bits));

	return (a[whole] & mask) == (b[whole] & mask);
}

bool
turn_cidr_contains(const struct turn_cidr *c, uint8_t family, const uint8_t *addr)
{
	return c->family == family && prefix_match(c->addr, addr, c->prefix);
}

static bool
in_ranges(const struct range *r, unsigned int n, const uint8_t *addr)
{
	for (unsigned int i = 0; i < n; i++)
		if (prefix_match(r[i].addr, addr, r[i].prefix))
			return true;
	return false;
}

static bool
in_list(const struct turn_cidr *list, unsigned int n, uint8_t family, const uint8_t *addr)
{
	for (unsigned int i = 0; i < n; i++)
		if (turn_cidr_contains(&list[i], family, addr))
			return true;
	return false;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

enum turn_policy_verdict
turn_policy_check(const struct turn_policy *p, uint8_t family, const uint8_t *addr,
		  bool is_relayed)
{
	bool v4 = family == STUN_FAMILY_IPV4;

	if (in_list(p->denied, p->denied_count, family, addr))
		return TURN_PEER_DENIED_CONFIG;
	if (v4 ? in_ranges(never_v4, N(never_v4), addr) : in_ranges(never_v6, N(never_v6), addr))
		return TURN_PEER_DENIED_NEVER;
	if (in_list(p->own, p->own_count, family, addr))
		return is_relayed ? TURN_PEER_ALLOWED : TURN_PEER_DENIED_OWN;
	if (in_list(p->allowed, p->allowed_count, family, addr))
		return TURN_PEER_ALLOWED;
	if (v4 ? in_ranges(private_v4, N(private_v4), addr) : in_ranges(private_v6, N(private_v6), addr))
		return TURN_PEER_DENIED_PRIVATE;
	return TURN_PEER_ALLOWED;
}

const char *
turn_policy_verdict_str(enum turn_policy_verdict v)
{
	switch (v) {
	case TURN_PEER_ALLOWED: return "allowed";
	case TURN_PEER_DENIED_CONFIG: return "in turn.denied_peers";
	case TURN_PEER_DENIED_NEVER: return "unspecified, loopback, multicast or mapped address";
	case TURN_PEER_DENIED_OWN: return "one of the relay's own addresses";
	case TURN_PEER_DENIED_PRIVATE: return "private or special-purpose range";
	default: return "unknown";
	}
}
