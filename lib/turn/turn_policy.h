/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TURN_POLICY_H
#define DTURN_TURN_POLICY_H

/*
 * Which peers a client may reach through the relay (the hardening issue
 * "Who may be a peer"). Every rule is a prefix with a class;
 * the longest prefix covering an address gives its class:
 *
 *   ALWAYS_DENY   0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4, 255.255.255.255/32,
 *                 ::/128, ::1/128, ff00::/8, and the caller's extra ranges
 *                 (the ports' subnet broadcasts). No allow can open them.
 *   OWN_ADDRESS   the relay's listening, management and relayed addresses
 *                 (/32, /128). Denied like ALWAYS_DENY, except that a relayed
 *                 address is a valid peer (hairpin, see is_relayed).
 *   DEFAULT_DENY  the other IANA special-purpose ranges (RFC 1918, CGN,
 *                 link-local and the cloud metadata address, TEST-NETs,
 *                 benchmarking, 240/4, ULA, IPv4-mapped, NAT64, Teredo, 6to4,
 *                 documentation ...); turn.allow-peer can open them.
 *   CONFIG_ALLOW  turn.allow-peer.
 *   CONFIG_DENY   turn.deny-peer.
 *   no rule       PUBLIC: allowed.
 *
 * Always-deny beats allow by construction, with one table per family and one
 * lookup: turn_policy_build drops every other rule lying inside an
 * always-denied prefix (equal or longer), and inserts always-denied prefixes
 * last, so at equal length they win. Since two prefixes either nest or do not
 * overlap, an always-denied prefix is then never shadowed by a longer one.
 * At equal length otherwise: CONFIG_DENY over CONFIG_ALLOW over DEFAULT_DENY.
 *
 * IPv6 addresses that embed an IPv4 address (::ffff:a.b.c.d mapped,
 * ::a.b.c.d compatible other than :: and ::1, 2002:AABB:CCDD::/16 6to4,
 * 64:ff9b::/96 and 64:ff9b:1::/48 NAT64, 2001::/32 Teredo client and server)
 * are checked twice: the IPv6 address against the IPv6 rules and the
 * embedded address against the IPv4 rules. Either one denying denies, so no
 * IPv4 rule can be walked around through IPv6.
 *
 * Build on the control lcore at start-up (rte_lpm / rte_lpm6: rte_malloc, so
 * EAL must run); turn_policy_check only reads the tables and takes no lock,
 * so any worker may call it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TURN_POLICY_MAX_RULES 64  /* each of allow-peer and deny-peer */
#define TURN_POLICY_MAX_OWN 32    /* own addresses; also extra always-denied ranges */

struct rte_lpm;
struct rte_lpm6;

struct turn_cidr {
	uint8_t family; /* STUN_FAMILY_IPV4 / STUN_FAMILY_IPV6 */
	uint8_t prefix;
	uint8_t addr[16];
};

/* A rule's class: the next hop stored in the LPM tables, and the verdict. */
enum turn_peer_class {
	TURN_PEER_PUBLIC = 0,      /* no rule covers it: allowed */
	TURN_PEER_CONFIG_ALLOW,    /* in turn.allow-peer: allowed */
	TURN_PEER_RELAYED,         /* a relayed address of this relay: allowed (hairpin) */
	TURN_PEER_ALWAYS_DENY,     /* unspecified, loopback, multicast, broadcast */
	TURN_PEER_OWN_ADDRESS,     /* the relay's own address, not a relayed one */
	TURN_PEER_DEFAULT_DENY,    /* special-purpose range not opened by allow-peer */
	TURN_PEER_CONFIG_DENY,     /* in turn.deny-peer */
	TURN_PEER_NO_POLICY,       /* turn_policy_build has not run: everything denied */
	TURN_PEER_CLASS_MAX
};

/*
 * The caller fills the rule lists, then calls turn_policy_build; the lists
 * are kept for logs and rebuilds, the tables are what turn_policy_check reads.
 * A zeroed struct is a valid unbuilt policy (it denies everything).
 */
struct turn_policy {
	unsigned int allowed_count;
	struct turn_cidr allowed[TURN_POLICY_MAX_RULES];  /* turn.allow-peer */
	unsigned int denied_count;
	struct turn_cidr denied[TURN_POLICY_MAX_RULES];   /* turn.deny-peer */
	unsigned int own_count;
	struct turn_cidr own[TURN_POLICY_MAX_OWN];        /* our addresses, as /32 or /128 */
	unsigned int never_count;
	struct turn_cidr never[TURN_POLICY_MAX_OWN];      /* extra always-denied ranges */

	/* Set by turn_policy_build, read-only afterwards. */
	struct rte_lpm *lpm4;
	struct rte_lpm6 *lpm6;
	uint8_t miss4;            /* class of an address no prefix covers (a /0 rule, else PUBLIC) */
	uint8_t miss6;
	unsigned int shadowed;    /* allow/deny rules dropped: inside an always-denied prefix */
};

static inline bool
turn_peer_class_allowed(enum turn_peer_class c)
{
	return c == TURN_PEER_PUBLIC || c == TURN_PEER_CONFIG_ALLOW || c == TURN_PEER_RELAYED;
}

/*
 * Build the LPM tables from the lists (freeing earlier ones), on NUMA socket
 * (or SOCKET_ID_ANY). Control lcore only, before workers read the policy.
 * Returns 0, or a negative errno with rte_errno set and a sentence in err:
 * -EINVAL for a bad rule, -ENOMEM (or rte_lpm's error) when a table cannot
 * be created or filled. Memory: about 130 MB (rte_lpm and rte_lpm6 each have
 * a 64 MB first-level table).
 */
int turn_policy_build(struct turn_policy *p, int socket, char *err, size_t err_len);

/* Free the tables; the lists stay. The policy then denies everything. */
void turn_policy_free(struct turn_policy *p);

/*
 * The class of peer addr (4 or 16 bytes of family). is_relayed: addr is one
 * of this relay's relayed addresses (table_is_relay_addr), which turns every
 * class but ALWAYS_DENY into RELAYED: data to it never leaves the relay.
 * Pure and lock-free: one or two LPM lookups (three for Teredo).
 */
enum turn_peer_class turn_policy_check(const struct turn_policy *p, uint8_t family,
				       const uint8_t *addr, bool is_relayed);

/* For logs: what the class means, e.g. "in turn.deny-peer". */
const char *turn_peer_class_str(enum turn_peer_class c);

/*
 * The IPv4 addresses (network byte order bytes) an IPv6 address embeds, as
 * turn_policy_check decodes them: 0, 1 or 2 (Teredo: client, then server).
 */
unsigned int turn_policy_embedded_ipv4(const uint8_t v6[16], uint8_t out[2][4]);

bool turn_cidr_contains(const struct turn_cidr *c, uint8_t family, const uint8_t *addr);

#endif
