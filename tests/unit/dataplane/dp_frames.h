/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TEST_DP_FRAMES_H
#define DTURN_TEST_DP_FRAMES_H

/*
 * Golden-packet helpers for the data-plane tests: frames built field by field
 * into mbufs (Ethernet, ARP, IPv4/IPv6, UDP, with the defects the garbage
 * cases need), and a parser that takes a transmitted frame apart and checks
 * everything a receiver would (lengths, IPv4 header checksum, UDP checksum).
 * Addresses are given as text ("198.18.0.2", "2001:db8:18::2").
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

/* Defects a UDP frame can be built with (each on its own). */
#define FR_BAD_UDP_CKSUM 0x01 /* a checksum off by one */
#define FR_IPV4_OPTIONS  0x02 /* IHL 6: a 4-byte NOP option block */
#define FR_IPV4_MF       0x04 /* the first fragment: more-fragments set */
#define FR_NO_UDP_CKSUM  0x08 /* checksum field 0 (legal over IPv4 only) */
#define FR_ETH_PAD       0x10 /* padded to 60 bytes with 0xEE, as a NIC delivers short frames */

struct fr_udp {
	const struct rte_ether_addr *src_mac, *dst_mac;
	const char *src, *dst;  /* IPv4 or IPv6 text; both of one family */
	uint16_t sport, dport;  /* host order */
	const void *payload;
	uint16_t len;
	unsigned int defects;   /* FR_* */
};

/* The frame described by f in a new mbuf from mp (CUnit fatal failure if it cannot). */
struct rte_mbuf *fr_udp_build(struct rte_mempool *mp, const struct fr_udp *f);

/* Shorthands for the common case: a well-formed UDP frame. */
struct rte_mbuf *eth_ipv4_udp(struct rte_mempool *mp, const struct rte_ether_addr *src_mac,
			      const struct rte_ether_addr *dst_mac, const char *src, uint16_t sport,
			      const char *dst, uint16_t dport, const void *payload, uint16_t len);
struct rte_mbuf *eth_ipv6_udp(struct rte_mempool *mp, const struct rte_ether_addr *src_mac,
			      const struct rte_ether_addr *dst_mac, const char *src, uint16_t sport,
			      const char *dst, uint16_t dport, const void *payload, uint16_t len);

/* An ARP request or reply (op RTE_ARP_OP_*); tha NULL = zeros. */
struct rte_mbuf *eth_arp(struct rte_mempool *mp, uint16_t op, const struct rte_ether_addr *eth_dst,
			 const struct rte_ether_addr *sha, const char *sip,
			 const struct rte_ether_addr *tha, const char *tip);

/* A solicited neighbour advertisement from src (target = src) with its MAC, to dst. */
struct rte_mbuf *eth_ipv6_na(struct rte_mempool *mp, const struct rte_ether_addr *src_mac,
			     const struct rte_ether_addr *dst_mac, const char *src, const char *dst);

/* Whether m is a neighbour solicitation from port_mac for target, valid checksum. */
bool fr_is_ns(const struct rte_mbuf *m, const struct rte_ether_addr *port_mac, const char *target);

/* Raw bytes as a frame (runts and the like). */
struct rte_mbuf *eth_raw(struct rte_mempool *mp, const void *bytes, uint16_t len);

/* One address as text into 4 or 16 bytes; returns the AF_ family. */
int fr_addr(const char *text, uint8_t out[16]);

/* A transmitted UDP frame taken apart. */
struct fr_out {
	struct rte_ether_addr dst_mac, src_mac;
	int family;             /* AF_INET / AF_INET6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint8_t ttl;
	const uint8_t *payload;
	uint16_t payload_len;
};

/*
 * Parse m as Ethernet/IPv4|IPv6/UDP. False (with the reason on stderr) unless
 * it is one segment, the IPv4 header is 20 bytes with a valid checksum and no
 * fragment bits, every length field agrees with the frame, and the UDP checksum
 * is present and valid.
 */
bool fr_parse_udp(const struct rte_mbuf *m, struct fr_out *o);

/* Field checks that print what differed. */
bool fr_mac_eq(const struct rte_ether_addr *got, const struct rte_ether_addr *want,
	       const char *what);
bool fr_ip_eq(int family, const uint8_t *got, const char *want, const char *what);

#endif
