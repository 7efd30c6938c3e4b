/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TURN_POLICY_H
#define DTURN_TURN_POLICY_H

/*
 * Which peers a client may reach through the relay (design.md, "Safety
 * defaults"). In order:
 *   1. the operator's denied list: refused;
 *   2. addresses no relay should ever send to (unspecified, loopback,
 *      multicast, broadcast, IPv4-mapped and -compatible IPv6) and this
 *      relay's own addresses other than its relayed ones: refused, and no
 *      allowed list can change that;
 *   3. the operator's allowed list: permitted;
 *   4. private and special-purpose ranges (RFC 1918, CGN, link-local, ULA,
 *      benchmarking, documentation): refused;
 *   5. everything else: permitted.
 * Permission checks happen on every relayed packet (RFC 8656 §9), so this
 * is a pure function of the address.
 */

#include <stdbool.h>
#include <stdint.h>

#define TURN_POLICY_MAX_RULES 16
#define TURN_POLICY_MAX_OWN 16

struct turn_cidr {
	uint8_t family; /* STUN_FAMILY_IPV4 / STUN_FAMILY_IPV6 */
	uint8_t prefix;
	uint8_t addr[16];
};

struct turn_policy {
	unsigned int allowed_count;
	struct turn_cidr allowed[TURN_POLICY_MAX_RULES];
	unsigned int denied_count;
	struct turn_cidr denied[TURN_POLICY_MAX_RULES];
	unsigned int own_count;
	struct turn_cidr own[TURN_POLICY_MAX_OWN]; /* our addresses, as /32 or /128 */
};

enum turn_policy_verdict {
	TURN_PEER_ALLOWED,
	TURN_PEER_DENIED_CONFIG,   /* operator's denied list */
	TURN_PEER_DENIED_NEVER,    /* unspecified, loopback, multicast, broadcast, mapped */
	TURN_PEER_DENIED_OWN,      /* one of our addresses, not a relayed port */
	TURN_PEER_DENIED_PRIVATE,  /* private or special-purpose range */
};

bool turn_cidr_contains(const struct turn_cidr *c, uint8_t family, const uint8_t *addr);

/*
 * is_relayed: addr:port is one of this relay's relayed transport addresses
 * (a hairpin), which is the one case an own address is a valid peer.
 */
enum turn_policy_verdict turn_policy_check(const struct turn_policy *p, uint8_t family,
					   const uint8_t *addr, bool is_relayed);

const char *turn_policy_verdict_str(enum turn_policy_verdict v);

#endif
