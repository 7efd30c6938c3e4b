/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_NET_PORT_H
#define DTURN_NET_PORT_H

/* Types of lib/net: a reader finds every struct here without reading code. */

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

struct net_neigh_table;

/* Extra unicast addresses a port owns per family (relay IPs inside its prefix). */
#define NET_MAX_EXTRA_ADDRS 16
/* TCP ports whose segments go to the kernel (TURN over TCP and TLS listeners). */
#define NET_MAX_KERNEL_TCP_PORTS 8

/*
 * One DPDK port as the network sees it. Filled once by the app from config,
 * read-only afterwards, so every lcore may read it without synchronisation.
 */
struct net_port {
	uint16_t port_id;
	struct rte_ether_addr mac;

	bool has_ipv4;
	rte_be32_t ipv4;
	uint8_t ipv4_prefix;
	rte_be32_t ipv4_gw;		/* 0 = no gateway: on-link destinations only */

	bool has_ipv6;
	uint8_t ipv6[16];		/* global address */
	uint8_t ipv6_prefix;
	bool has_ipv6_gw;
	uint8_t ipv6_gw[16];		/* usually the router's link-local address */
	uint8_t ipv6_ll[16];		/* fe80::/64 EUI-64 from mac: see net_ipv6_link_local() */

	/*
	 * Further addresses the port answers for (ARP, NDP, ping, UDP) besides
	 * the primary ones above, e.g. a pool of relay IPs inside its prefix.
	 * They are never chosen as a source by lib/net itself (probes and
	 * net_udp_send without src_addr use the primary address); pass one as
	 * src_addr to net_udp_send, or reply with net_udp_reply, to send from it.
	 */
	unsigned int ipv4_extra_count;	/* 0..NET_MAX_EXTRA_ADDRS */
	rte_be32_t ipv4_extra[NET_MAX_EXTRA_ADDRS];
	unsigned int ipv6_extra_count;	/* 0..NET_MAX_EXTRA_ADDRS; global unicast */
	uint8_t ipv6_extra[NET_MAX_EXTRA_ADDRS][16];

	uint16_t mtu;			/* largest IP packet we send; 0 = 1500 */

	/*
	 * TURN over TCP/TLS (docs/architecture.md, "Streams"). transport is what
	 * a client's datagram on this port stands for: 0 or 17 (UDP), or 6 on the
	 * stream link, whose "datagrams" are messages the stream thread cut from a
	 * TCP connection (copied into net_udp_info.transport, so into the
	 * allocation's 5-tuple). TCP segments to one of kernel_tcp_ports of our
	 * addresses are NET_VERDICT_KERNEL: the caller passes them to the kernel
	 * (the exception path); any other TCP is dropped.
	 */
	uint8_t transport;
	unsigned int kernel_tcp_port_count;
	uint16_t kernel_tcp_ports[NET_MAX_KERNEL_TCP_PORTS]; /* host order */
	struct net_neigh_table *neigh;	/* shared by all lcores */
};

/* Where a received UDP datagram sits in its mbuf, and who sent it. */
struct net_udp_info {
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t src_addr[16];		/* IPv4 in the first 4 bytes, network order, the rest 0 */
	uint8_t dst_addr[16];
	uint16_t src_port;		/* host order */
	uint16_t dst_port;
	uint16_t l3_offset;		/* offsets from the start of the frame */
	uint16_t l4_offset;
	uint16_t payload_offset;
	uint16_t payload_len;
	/*
	 * One's complement sum of the payload bytes (rte_raw_cksum's convention),
	 * left over from verifying the checksum in software, so a relay that
	 * forwards the payload need not sum it again; valid only when the
	 * checksum was verified in software.
	 */
	bool payload_sum_valid;
	uint16_t payload_sum;
	uint8_t transport;		/* the port's transport: 17, or 6 on the stream link */
};

enum net_verdict {
	NET_VERDICT_FREE,	/* handled or dropped (and counted): free the mbuf */
	NET_VERDICT_TX,		/* rewritten into a reply: send it on the same port */
	NET_VERDICT_UDP,	/* a valid UDP datagram for us: see struct net_udp_info */
	NET_VERDICT_KERNEL,	/* TCP to a kernel_tcp_ports port of ours: give it to the kernel */
};

/* Monotonic table counters kept by the table itself (not per lcore). */
struct net_neigh_stats {
	uint64_t full;		/* a neighbour could not be stored: table full */
};

#endif
