/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_NET_PRIV_H
#define DTURN_NET_PRIV_H

/* Private to lib/net: per-protocol entry points and small address helpers. */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "metrics.h"
#include "net_port.h"

#define NET_TTL 64
#define NET_NDP_HOP_LIMIT 255	/* RFC 4861 7.1: NDP messages must not be forwarded */
#define NET_ETH_MIN_FRAME 60	/* without FCS: short frames are padded up to it */
#define NET_DEFAULT_MTU 1500

#define NET_ICMP6_ECHO_REQUEST 128
#define NET_ICMP6_ECHO_REPLY 129
#define NET_ICMP6_NS 135
#define NET_ICMP6_NA 136
#define NET_NDP_OPT_SLLA 1
#define NET_NDP_OPT_TLLA 2
#define NET_NA_FLAG_ROUTER 0x80
#define NET_NA_FLAG_SOLICITED 0x40
#define NET_NA_FLAG_OVERRIDE 0x20

/* ICMPv6 NS/NA body after the 4-byte ICMPv6 header (RFC 4861 4.3, 4.4). */
struct net_nd_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	uint8_t flags;		/* NA only: R S O */
	uint8_t reserved[3];
	uint8_t target[16];
} __rte_packed __rte_aligned(2);

struct net_nd_opt_lla {
	uint8_t type;
	uint8_t len;		/* in units of 8 bytes */
	struct rte_ether_addr mac;
} __rte_packed __rte_aligned(2);

/* Protocol handlers: each reads the frame from its start (untagged Ethernet). */
enum net_verdict net_arp_input(const struct net_port *port, struct rte_mbuf *m,
			       struct metrics_lcore *mx, uint64_t now_tsc);
enum net_verdict net_ipv4_input(const struct net_port *port, struct rte_mbuf *m,
				struct net_udp_info *info, struct metrics_lcore *mx);
enum net_verdict net_ipv6_input(const struct net_port *port, struct rte_mbuf *m,
				struct net_udp_info *info, struct metrics_lcore *mx,
				uint64_t now_tsc);
enum net_verdict net_icmp_input(const struct net_port *port, struct rte_mbuf *m,
				struct metrics_lcore *mx);
enum net_verdict net_icmp6_echo_input(const struct net_port *port, struct rte_mbuf *m,
				      bool dst_multicast, struct metrics_lcore *mx);
enum net_verdict net_ndp_input(const struct net_port *port, struct rte_mbuf *m,
			       struct metrics_lcore *mx, uint64_t now_tsc);
enum net_verdict net_udp_input(const struct net_port *port, struct rte_mbuf *m,
			       struct net_udp_info *info, struct metrics_lcore *mx);

/*
 * TCP: NET_VERDICT_KERNEL for a segment to one of the port's kernel_tcp_ports
 * (the header is checked for length only: the kernel verifies the rest), else
 * counted and dropped. l4 is the TCP header's offset, l4_len its IP payload length.
 */
enum net_verdict net_tcp_input(const struct net_port *port, struct rte_mbuf *m, uint32_t l4,
			       uint32_t l4_len, struct metrics_lcore *mx);

/* Probe builders for net_udp_send: a new frame from pool, or NULL. */
struct rte_mbuf *net_arp_build_request(const struct net_port *port, rte_be32_t target,
				       struct rte_mempool *pool);
struct rte_mbuf *net_ndp_build_solicit(const struct net_port *port, const uint8_t target[16],
				       struct rte_mempool *pool);

/* Swap source and destination MACs and make ours the source. */
static inline void
net_eth_reply(const struct net_port *port, struct rte_ether_hdr *eth)
{
	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&port->mac, &eth->src_addr);
}

/* Set a frame's length (single segment) to len. */
static inline void
net_mbuf_set_len(struct rte_mbuf *m, uint16_t len)
{
	m->data_len = len;
	m->pkt_len = len;
}

/* Bytes available from the frame start to the end of the buffer. */
static inline uint32_t
net_mbuf_room(const struct rte_mbuf *m)
{
	return (uint32_t)m->buf_len - m->data_off;
}

/* Drop Ethernet padding beyond the IP packet's own length. */
static inline void
net_mbuf_trim_to(struct rte_mbuf *m, uint32_t frame_len)
{
	if (m->data_len > frame_len)
		net_mbuf_set_len(m, (uint16_t)frame_len);
}

/* --- receive checksum offload --- */

enum net_rx_cksum { NET_RX_CKSUM_VERIFY, NET_RX_CKSUM_GOOD, NET_RX_CKSUM_BAD };

/* What the NIC said about the IP header checksum; VERIFY = do it in software. */
static inline enum net_rx_cksum
net_rx_ip_cksum(const struct rte_mbuf *m)
{
	switch (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
	case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
	case RTE_MBUF_F_RX_IP_CKSUM_NONE:	/* header integrity verified by the NIC */
		return NET_RX_CKSUM_GOOD;
	case RTE_MBUF_F_RX_IP_CKSUM_BAD:
		return NET_RX_CKSUM_BAD;
	default:
		return NET_RX_CKSUM_VERIFY;
	}
}

/* The same for the UDP checksum (NICs do not report it for ICMP). */
static inline enum net_rx_cksum
net_rx_l4_cksum(const struct rte_mbuf *m)
{
	switch (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) {
	case RTE_MBUF_F_RX_L4_CKSUM_GOOD:
	case RTE_MBUF_F_RX_L4_CKSUM_NONE:
		return NET_RX_CKSUM_GOOD;
	case RTE_MBUF_F_RX_L4_CKSUM_BAD:
		return NET_RX_CKSUM_BAD;
	default:
		return NET_RX_CKSUM_VERIFY;
	}
}

/* --- IPv6 address helpers --- */

static inline bool
net_ipv6_is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static inline bool
net_ipv6_is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

static inline bool
net_ipv6_is_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* RFC 4291 2.7.1: ff02::1:ffXX:XXXX from the low 24 bits of addr. */
static inline void
net_ipv6_solicited_node(const uint8_t addr[16], uint8_t out[16])
{
	static const uint8_t prefix[13] = {
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	memcpy(out, prefix, sizeof(prefix));
	memcpy(out + 13, addr + 13, 3);
}

static inline bool
net_ipv6_is_solicited_node(const uint8_t a[16])
{
	static const uint8_t prefix[13] = {
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

/* RFC 2464 7: 33:33 followed by the low 32 bits of the group address. */
static inline void
net_ipv6_multicast_mac(const uint8_t group[16], struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], group + 12, 4);
}

/* Is addr one of the port's extra IPv4 addresses? The primary is tested first by callers. */
static inline bool
net_ipv4_is_extra(const struct net_port *port, rte_be32_t addr)
{
	for (unsigned int i = 0; i < port->ipv4_extra_count; i++)
		if (port->ipv4_extra[i] == addr)
			return true;
	return false;
}

/* Is addr (network order) one of the port's IPv4 addresses, primary or extra? */
static inline bool
net_ipv4_is_ours(const struct net_port *port, rte_be32_t addr)
{
	if (likely(port->has_ipv4 && addr == port->ipv4))
		return true;
	return net_ipv4_is_extra(port, addr);
}

/* Is addr one of the port's unicast IPv6 addresses (global, link-local or extra)? */
static inline bool
net_ipv6_is_ours(const struct net_port *port, const uint8_t addr[16])
{
	if ((port->has_ipv6 && memcmp(addr, port->ipv6, 16) == 0) ||
	    memcmp(addr, port->ipv6_ll, 16) == 0)
		return true;
	for (unsigned int i = 0; i < port->ipv6_extra_count; i++)
		if (memcmp(addr, port->ipv6_extra[i], 16) == 0)
			return true;
	return false;
}

static inline bool
net_prefix_match(const uint8_t *a, const uint8_t *b, unsigned int prefix)
{
	unsigned int bytes = prefix / 8, bits = prefix % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	return ((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

/* IPv4 on-link test against the port's prefix; addresses in network order. */
static inline bool
net_ipv4_on_link(const struct net_port *port, rte_be32_t addr)
{
	/* A mask, not net_prefix_match's memcmp: asked for every relayed IPv4 datagram. */
	uint32_t mask = port->ipv4_prefix == 0 ? 0 :
			port->ipv4_prefix >= 32 ? UINT32_MAX : UINT32_MAX << (32 - port->ipv4_prefix);

	return port->has_ipv4 &&
	       ((rte_be_to_cpu_32(addr) ^ rte_be_to_cpu_32(port->ipv4)) & mask) == 0;
}

static inline bool
net_ipv6_on_link(const struct net_port *port, const uint8_t addr[16])
{
	return net_ipv6_is_link_local(addr) ||
	       (port->has_ipv6 && net_prefix_match(addr, port->ipv6, port->ipv6_prefix));
}

/* --- neighbour table (net_neigh.c) --- */

/* Neighbour keys are 16 bytes: IPv4 is stored IPv4-mapped (::ffff:a.b.c.d). */
static inline void
net_neigh_key_ipv4(rte_be32_t addr, uint8_t key[16])
{
	memset(key, 0, 10);
	key[10] = 0xff;
	key[11] = 0xff;
	memcpy(key + 12, &addr, 4);
}

struct net_neigh_entry;

enum net_neigh_state {
	NET_NEIGH_NONE,		/* no usable MAC: drop and probe */
	NET_NEIGH_REACHABLE,	/* use the MAC */
	NET_NEIGH_STALE,	/* use the MAC, and probe to refresh it */
};

/* Existing entry for key, or NULL. Never waits. */
struct net_neigh_entry *net_neigh_lookup(struct net_neigh_table *t, const uint8_t key[16]);
/* Existing or new entry for key; NULL when the table is full (counted in stats). */
struct net_neigh_entry *net_neigh_get(struct net_neigh_table *t, const uint8_t key[16]);
/* Store mac as the entry's resolved address, stamped now. */
void net_neigh_update(struct net_neigh_entry *e, const struct rte_ether_addr *mac,
		      uint64_t now_tsc);
/* Learn key -> mac, creating the entry if create; false when nothing was stored. */
bool net_neigh_learn(struct net_neigh_table *t, const uint8_t key[16],
		     const struct rte_ether_addr *mac, bool create, uint64_t now_tsc);
enum net_neigh_state net_neigh_resolve(const struct net_neigh_table *t,
				       const struct net_neigh_entry *e, uint64_t now_tsc,
				       struct rte_ether_addr *mac);
/* True for the one caller (across lcores) that may send a probe now. */
bool net_neigh_probe_due(const struct net_neigh_table *t, struct net_neigh_entry *e,
			 uint64_t now_tsc);

#endif
