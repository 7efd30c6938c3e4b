/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The peer policy as two longest-prefix-match tables (turn_policy.h): built
 * once on the control lcore, read by any lcore without a lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>

#include "stun.h"
#include "turn_policy.h"

struct range {
	uint8_t prefix;
	uint8_t addr[16];
	uint8_t cls;
};

#define ALWAYS TURN_PEER_ALWAYS_DENY
#define DEFAULT TURN_PEER_DEFAULT_DENY

/* RFC 6890 and the IANA special-purpose registries (IPv4), plus multicast. */
static const struct range builtin_v4[] = {
	{ 8, { 0 }, ALWAYS },                       /* 0.0.0.0/8 "this network" */
	{ 8, { 127 }, ALWAYS },                     /* loopback */
	{ 4, { 224 }, ALWAYS },                     /* multicast */
	{ 32, { 255, 255, 255, 255 }, ALWAYS },     /* limited broadcast */
	{ 8, { 10 }, DEFAULT },                     /* RFC 1918 */
	{ 12, { 172, 16 }, DEFAULT },
	{ 16, { 192, 168 }, DEFAULT },
	{ 10, { 100, 64 }, DEFAULT },               /* RFC 6598 shared address space (CGN) */
	{ 16, { 169, 254 }, DEFAULT },              /* link-local, cloud metadata 169.254.169.254 */
	{ 24, { 192, 0, 0 }, DEFAULT },             /* IETF protocol assignments */
	{ 24, { 192, 0, 2 }, DEFAULT },             /* TEST-NET-1 */
	{ 24, { 198, 51, 100 }, DEFAULT },          /* TEST-NET-2 */
	{ 24, { 203, 0, 113 }, DEFAULT },           /* TEST-NET-3 */
	{ 15, { 198, 18 }, DEFAULT },               /* RFC 2544 benchmarking */
	{ 24, { 192, 88, 99 }, DEFAULT },           /* 6to4 relay anycast (RFC 7526, deprecated) */
	{ 4, { 240 }, DEFAULT },                    /* reserved */
};

static const struct range builtin_v6[] = {
	{ 128, { 0 }, ALWAYS },                                         /* :: */
	{ 128, { [15] = 1 }, ALWAYS },                                  /* ::1 */
	{ 8, { 0xff }, ALWAYS },                                        /* multicast */
	{ 96, { 0 }, DEFAULT },                                         /* IPv4-compatible ::/96 (deprecated) */
	{ 96, { [10] = 0xff, [11] = 0xff }, DEFAULT },                  /* IPv4-mapped ::ffff:0:0/96 */
	{ 96, { 0x00, 0x64, 0xff, 0x9b }, DEFAULT },                    /* NAT64 64:ff9b::/96 */
	{ 48, { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 }, DEFAULT },        /* local-use NAT64 (RFC 8215) */
	{ 64, { 0x01 }, DEFAULT },                                      /* discard-only 100::/64 */
	{ 32, { 0x20, 0x01 }, DEFAULT },                                /* Teredo 2001::/32 */
	{ 48, { 0x20, 0x01, 0x00, 0x02 }, DEFAULT },                    /* benchmarking 2001:2::/48 */
	{ 28, { 0x20, 0x01, 0x00, 0x10 }, DEFAULT },                    /* ORCHID (deprecated) */
	{ 32, { 0x20, 0x01, 0x0d, 0xb8 }, DEFAULT },                    /* documentation */
	{ 16, { 0x20, 0x02 }, DEFAULT },                                /* 6to4 */
	{ 20, { 0x3f, 0xff }, DEFAULT },                                /* documentation (RFC 9637) */
	{ 16, { 0x5f, 0x00 }, DEFAULT },                                /* SRv6 SIDs (RFC 9602) */
	{ 7, { 0xfc }, DEFAULT },                                       /* unique local */
	{ 10, { 0xfe, 0x80 }, DEFAULT },                                /* link-local */
	{ 10, { 0xfe, 0xc0 }, DEFAULT },                                /* site-local (deprecated) */
};

#undef ALWAYS
#undef DEFAULT

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Higher wins at equal prefix length (and for the /0 "miss" class). */
static unsigned int
rank(enum turn_peer_class c)
{
	switch (c) {
	case TURN_PEER_DEFAULT_DENY: return 1;
	case TURN_PEER_CONFIG_ALLOW: return 2;
	case TURN_PEER_CONFIG_DENY: return 3;
	case TURN_PEER_OWN_ADDRESS: return 4;
	case TURN_PEER_ALWAYS_DENY: return 5;
	default: return 0;
	}
}

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

/* ---- build (control lcore) ---- */

struct rule {
	uint8_t family;
	uint8_t prefix;
	uint8_t cls;
	uint8_t addr[16];
};

#define RULES_MAX (N(builtin_v4) + N(builtin_v6) + 2 * TURN_POLICY_MAX_RULES + \
		   2 * TURN_POLICY_MAX_OWN)

struct rule_set {
	unsigned int n;
	struct rule r[RULES_MAX];
};

static int
add_rule(struct rule_set *s, uint8_t family, uint8_t prefix, const uint8_t *addr, uint8_t cls,
	 char *err, size_t err_len)
{
	unsigned int max = family == STUN_FAMILY_IPV4 ? 32 : 128;

	if ((family != STUN_FAMILY_IPV4 && family != STUN_FAMILY_IPV6) || prefix > max) {
		snprintf(err, err_len, "bad peer rule (%s): family %u, prefix /%u",
			 turn_peer_class_str(cls), family, prefix);
		return -EINVAL;
	}

	struct rule *r = &s->r[s->n++];

	memset(r, 0, sizeof(*r));
	r->family = family;
	r->prefix = prefix;
	r->cls = cls;
	/* Host bits cleared, so containment tests and the LPM see the same network. */
	memcpy(r->addr, addr, prefix / 8);
	if (prefix % 8 != 0)
		r->addr[prefix / 8] = addr[prefix / 8] & (uint8_t)(0xff << (8 - prefix % 8));
	return 0;
}

static int
add_list(struct rule_set *s, const struct turn_cidr *list, unsigned int n, unsigned int max,
	 uint8_t cls, char *err, size_t err_len)
{
	if (n > max) {
		snprintf(err, err_len, "too many peer rules of class '%s' (%u, at most %u)",
			 turn_peer_class_str(cls), n, max);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < n; i++) {
		int rc = add_rule(s, list[i].family, list[i].prefix, list[i].addr, cls, err, err_len);

		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * Whether rule r lies inside (or equals) a prefix that must win over it: an
 * always-denied one, or for allow and deny rules also an own address.
 */
static bool
shadowed(const struct rule_set *s, const struct rule *r)
{
	if (r->cls == TURN_PEER_ALWAYS_DENY)
		return false;
	for (unsigned int i = 0; i < s->n; i++) {
		const struct rule *a = &s->r[i];
		bool stronger = a->cls == TURN_PEER_ALWAYS_DENY ||
				(a->cls == TURN_PEER_OWN_ADDRESS && r->cls != TURN_PEER_OWN_ADDRESS);

		if (stronger && a->family == r->family && a->prefix <= r->prefix &&
		    prefix_match(a->addr, r->addr, a->prefix))
			return true;
	}
	return false;
}

static uint32_t
v4_host(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

static int
create_tables(struct turn_policy *p, const struct rule_set *s, int socket, char *err,
	      size_t err_len)
{
	static unsigned int serial;
	unsigned int id = __atomic_fetch_add(&serial, 1, __ATOMIC_RELAXED);
	struct rte_lpm_config c4 = { .max_rules = 1, .number_tbl8s = 1 };
	struct rte_lpm6_config c6 = { .max_rules = 1, .number_tbl8s = 1 };
	char name[RTE_LPM_NAMESIZE];

	/* Each rule longer than /24 needs at most one tbl8 group per 8 bits past 24. */
	for (unsigned int i = 0; i < s->n; i++) {
		const struct rule *r = &s->r[i];
		unsigned int groups = r->prefix > 24 ? (r->prefix - 24 + 7) / 8 : 0;

		if (r->family == STUN_FAMILY_IPV4) {
			c4.max_rules++;
			c4.number_tbl8s += groups;
		} else {
			c6.max_rules++;
			c6.number_tbl8s += groups;
		}
	}
	snprintf(name, sizeof(name), "tpol4_%u", id);
	p->lpm4 = rte_lpm_create(name, socket, &c4);
	if (p->lpm4 == NULL) {
		int e = rte_errno != 0 ? rte_errno : ENOMEM;

		snprintf(err, err_len, "cannot create the IPv4 peer policy table (rte_lpm_create: %s; "
			 "it needs about 65 MB: raise [eal] memory_mb)", rte_strerror(e));
		return -e;
	}
	snprintf(name, sizeof(name), "tpol6_%u", id);
	p->lpm6 = rte_lpm6_create(name, socket, &c6);
	if (p->lpm6 == NULL) {
		int e = rte_errno != 0 ? rte_errno : ENOMEM;

		snprintf(err, err_len, "cannot create the IPv6 peer policy table (rte_lpm6_create: %s; "
			 "it needs about 65 MB: raise [eal] memory_mb)", rte_strerror(e));
		return -e;
	}
	return 0;
}

static int
insert(struct turn_policy *p, const struct rule *r, char *err, size_t err_len)
{
	int rc;

	if (r->prefix == 0) {
		uint8_t *miss = r->family == STUN_FAMILY_IPV4 ? &p->miss4 : &p->miss6;

		if (rank(r->cls) >= rank(*miss))
			*miss = r->cls;
		return 0;
	}
	if (r->family == STUN_FAMILY_IPV4)
		rc = rte_lpm_add(p->lpm4, v4_host(r->addr), r->prefix, r->cls);
	else
		rc = rte_lpm6_add(p->lpm6, r->addr, r->prefix, r->cls);
	if (rc != 0) {
		snprintf(err, err_len, "cannot add a peer rule (/%u, %s) to the %s policy table: %s",
			 r->prefix, turn_peer_class_str(r->cls),
			 r->family == STUN_FAMILY_IPV4 ? "IPv4" : "IPv6", rte_strerror(-rc));
		return rc;
	}
	return 0;
}

int
turn_policy_build(struct turn_policy *p, int socket, char *err, size_t err_len)
{
	/* Insertion order: at equal prefix length the later class overwrites. */
	static const uint8_t order[] = {
		TURN_PEER_DEFAULT_DENY, TURN_PEER_CONFIG_ALLOW, TURN_PEER_CONFIG_DENY,
		TURN_PEER_OWN_ADDRESS, TURN_PEER_ALWAYS_DENY,
	};
	struct rule_set *s = calloc(1, sizeof(*s));
	int rc = 0;

	turn_policy_free(p);
	p->miss4 = TURN_PEER_PUBLIC;
	p->miss6 = TURN_PEER_PUBLIC;
	p->shadowed = 0;
	if (s == NULL) {
		snprintf(err, err_len, "out of memory building the peer policy");
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < N(builtin_v4); i++)
		add_rule(s, STUN_FAMILY_IPV4, builtin_v4[i].prefix, builtin_v4[i].addr,
			 builtin_v4[i].cls, err, err_len);
	for (unsigned int i = 0; i < N(builtin_v6); i++)
		add_rule(s, STUN_FAMILY_IPV6, builtin_v6[i].prefix, builtin_v6[i].addr,
			 builtin_v6[i].cls, err, err_len);
	if ((rc = add_list(s, p->allowed, p->allowed_count, TURN_POLICY_MAX_RULES,
			   TURN_PEER_CONFIG_ALLOW, err, err_len)) != 0 ||
	    (rc = add_list(s, p->denied, p->denied_count, TURN_POLICY_MAX_RULES,
			   TURN_PEER_CONFIG_DENY, err, err_len)) != 0 ||
	    (rc = add_list(s, p->own, p->own_count, TURN_POLICY_MAX_OWN,
			   TURN_PEER_OWN_ADDRESS, err, err_len)) != 0 ||
	    (rc = add_list(s, p->never, p->never_count, TURN_POLICY_MAX_OWN,
			   TURN_PEER_ALWAYS_DENY, err, err_len)) != 0)
		goto out;
	if ((rc = create_tables(p, s, socket, err, err_len)) != 0)
		goto out;
	for (unsigned int o = 0; o < N(order); o++) {
		for (unsigned int i = 0; i < s->n; i++) {
			const struct rule *r = &s->r[i];

			if (r->cls != order[o])
				continue;
			if (shadowed(s, r)) {
				if (r->cls == TURN_PEER_CONFIG_ALLOW || r->cls == TURN_PEER_CONFIG_DENY)
					p->shadowed++;
				continue;
			}
			if ((rc = insert(p, r, err, err_len)) != 0)
				goto out;
		}
	}
out:
	free(s);
	if (rc != 0) {
		turn_policy_free(p);
		rte_errno = -rc;
	}
	return rc;
}

void
turn_policy_free(struct turn_policy *p)
{
	rte_lpm_free(p->lpm4);
	rte_lpm6_free(p->lpm6);
	p->lpm4 = NULL;
	p->lpm6 = NULL;
}

/* ---- lookups (any lcore) ---- */

static enum turn_peer_class
class4(const struct turn_policy *p, const uint8_t *a)
{
	uint32_t nh;

	if (rte_lpm_lookup(p->lpm4, v4_host(a), &nh) != 0)
		return (enum turn_peer_class)p->miss4;
	return (enum turn_peer_class)nh;
}

static enum turn_peer_class
class6(const struct turn_policy *p, const uint8_t *a)
{
	uint32_t nh;

	if (rte_lpm6_lookup(p->lpm6, a, &nh) != 0)
		return (enum turn_peer_class)p->miss6;
	return (enum turn_peer_class)nh;
}

unsigned int
turn_policy_embedded_ipv4(const uint8_t a[16], uint8_t out[2][4])
{
	static const uint8_t zero[12];

	/* ::ffff:a.b.c.d, IPv4-mapped */
	if (memcmp(a, zero, 10) == 0 && a[10] == 0xff && a[11] == 0xff) {
		memcpy(out[0], a + 12, 4);
		return 1;
	}
	/* ::a.b.c.d, IPv4-compatible; :: and ::1 are IPv6 addresses of their own */
	if (memcmp(a, zero, 12) == 0) {
		if (a[12] == 0 && a[13] == 0 && a[14] == 0 && a[15] <= 1)
			return 0;
		memcpy(out[0], a + 12, 4);
		return 1;
	}
	/* 2002:AABB:CCDD::/16, 6to4: bits 16-47 */
	if (a[0] == 0x20 && a[1] == 0x02) {
		memcpy(out[0], a + 2, 4);
		return 1;
	}
	/* 64:ff9b::/96 and 64:ff9b:1::/48 (used as a /96), NAT64: the last 32 bits */
	if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b &&
	    (memcmp(a + 4, zero, 8) == 0 || (a[4] == 0x00 && a[5] == 0x01))) {
		memcpy(out[0], a + 12, 4);
		return 1;
	}
	/* 2001:0000::/32, Teredo (RFC 4380): client = last 32 bits inverted, server = bits 32-63 */
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && a[3] == 0x00) {
		for (unsigned int i = 0; i < 4; i++)
			out[0][i] = (uint8_t)~a[12 + i];
		memcpy(out[1], a + 4, 4);
		return 2;
	}
	return 0;
}

enum turn_peer_class
turn_policy_check(const struct turn_policy *p, uint8_t family, const uint8_t *addr,
		  bool is_relayed)
{
	enum turn_peer_class c, embedded = TURN_PEER_PUBLIC;

	if (p->lpm4 == NULL || p->lpm6 == NULL)
		return TURN_PEER_NO_POLICY;
	if (family == STUN_FAMILY_IPV4) {
		c = class4(p, addr);
	} else if (family == STUN_FAMILY_IPV6) {
		uint8_t v4[2][4];
		unsigned int n = turn_policy_embedded_ipv4(addr, v4);

		c = class6(p, addr);
		for (unsigned int i = 0; i < n; i++) {
			enum turn_peer_class k = class4(p, v4[i]);

			if (k == TURN_PEER_ALWAYS_DENY)
				return k;
			if (!turn_peer_class_allowed(k) && turn_peer_class_allowed(embedded))
				embedded = k;
		}
	} else {
		return TURN_PEER_ALWAYS_DENY;
	}
	if (c == TURN_PEER_ALWAYS_DENY)
		return c;
	/* A hairpin: the data goes to another allocation, never out of the relay. */
	if (is_relayed)
		return TURN_PEER_RELAYED;
	if (!turn_peer_class_allowed(c))
		return c;
	if (!turn_peer_class_allowed(embedded))
		return embedded;
	return c;
}

const char *
turn_peer_class_str(enum turn_peer_class c)
{
	switch (c) {
	case TURN_PEER_PUBLIC: return "public address";
	case TURN_PEER_CONFIG_ALLOW: return "in turn.allow-peer";
	case TURN_PEER_RELAYED: return "a relayed address of this relay (hairpin)";
	case TURN_PEER_ALWAYS_DENY: return "unspecified, loopback, multicast or broadcast (always denied)";
	case TURN_PEER_OWN_ADDRESS: return "one of the relay's own addresses";
	case TURN_PEER_DEFAULT_DENY: return "special-purpose range (denied unless in turn.allow-peer)";
	case TURN_PEER_CONFIG_DENY: return "in turn.deny-peer";
	case TURN_PEER_NO_POLICY: return "no peer policy built";
	default: return "unknown";
	}
}
