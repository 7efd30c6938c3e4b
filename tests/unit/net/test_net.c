/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net golden-packet tests: each case builds a frame field by field, runs
 * net_input on it and checks the verdict, that exactly the expected counter
 * moved, and the fields of the reply. Send-side tests drive net_udp_send and
 * net_udp_reply against a private neighbour table and a test clock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "metrics.h"
#include "net.h"
#include "net_cksum.h"

#define ETH_LEN 14
#define IP4_LEN 20
#define IP6_LEN 40

static struct rte_mempool *pool;
static struct net_port port;
static struct metrics_lcore mx;
static uint64_t hz;

static const uint8_t mac_us[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_peer[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t mac_peer2[6] = { 0x02, 0, 0, 0, 0, 0x22 };
static const uint8_t mac_gw[6] = { 0x02, 0, 0, 0, 0, 0xfe };
static const uint8_t mac_other[6] = { 0x02, 0, 0, 0, 0, 0x77 };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero6[6];

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
static const uint32_t ip_us = IP4(198, 18, 0, 1);
static const uint32_t ip_peer = IP4(198, 18, 0, 2);
static const uint32_t ip_other = IP4(198, 18, 0, 9);
static const uint32_t ip_far = IP4(198, 19, 5, 5);
static const uint32_t ip_gw = IP4(198, 18, 0, 254);
/* Extra addresses of the port (relay IPs in its /24); ip_other stays foreign. */
static const uint32_t ip_extra = IP4(198, 18, 0, 10);
static const uint32_t ip_extra2 = IP4(198, 18, 0, 11);

static const uint8_t ip6_us[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t ip6_peer[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };
static const uint8_t ip6_other[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x09 };
static const uint8_t ip6_far[16] = { 0x20, 0x01, 0x0d, 0xb9, [15] = 0x05 };
static const uint8_t ip6_gw[16] = { 0xfe, 0x80, [15] = 0x01 };
static const uint8_t ip6_peer_ll[16] = { 0xfe, 0x80, [8] = 0x00, 0, 0, 0xff, 0xfe, 0, 0, 0x02 };
static const uint8_t ip6_all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
static const uint8_t ip6_unspec[16];
/* Solicited-node groups: ff02::1:ff00:1 (global ::1) and of our link-local. */
static const uint8_t sn_us[16] = { 0xff, 0x02, [11] = 0x01, 0xff, 0x00, 0x00, 0x01 };
static uint8_t sn_us_ll[16];
/* Extra IPv6 addresses: 2001:db8::ab:cdef (group ff02::1:ffab:cdef) and 2001:db8::ab:cd01. */
static const uint8_t ip6_extra[16] = { 0x20, 0x01, 0x0d, 0xb8, [12] = 0x00, 0xab, 0xcd, 0xef };
static const uint8_t ip6_extra2[16] = { 0x20, 0x01, 0x0d, 0xb8, [12] = 0x00, 0xab, 0xcd, 0x01 };
static const uint8_t sn_extra[16] = { 0xff, 0x02, [11] = 0x01, 0xff, 0xab, 0xcd, 0xef };
static const uint8_t mac_sn_extra[6] = { 0x33, 0x33, 0xff, 0xab, 0xcd, 0xef };

/* ---------- frame builders ---------- */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void
put_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, type);
}

static void
fix_ipv4_cksum(uint8_t *f)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + ETH_LEN);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* Ethernet + IPv4 (IHL 5, TTL 32) around l4len bytes of l4; returns the frame length. */
static uint16_t
put_ipv4(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *l4,
	 uint16_t l4len)
{
	uint8_t *ip = f + ETH_LEN;

	put_eth(f, mac_us, mac_peer, RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, IP4_LEN);
	ip[0] = 0x45;
	put16(ip + 2, IP4_LEN + l4len);
	put16(ip + 4, 0x1234);
	ip[8] = 32;
	ip[9] = proto;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	memcpy(ip + IP4_LEN, l4, l4len);
	fix_ipv4_cksum(f);
	return ETH_LEN + IP4_LEN + l4len;
}

static uint16_t
put_icmp4(uint8_t *f, uint32_t dst, uint8_t type, uint16_t data_len)
{
	uint8_t l4[256] = { 0 };
	uint16_t i, ck;

	l4[0] = type;
	put16(l4 + 4, 0xbeef);
	put16(l4 + 6, 7);
	for (i = 0; i < data_len; i++)
		l4[8 + i] = (uint8_t)i;
	ck = (uint16_t)~rte_raw_cksum(l4, 8 + data_len);
	memcpy(l4 + 2, &ck, 2);
	return put_ipv4(f, ip_peer, dst, IPPROTO_ICMP, l4, 8 + data_len);
}

static uint16_t
put_udp4(uint8_t *f, uint32_t src, uint32_t dst, const char *payload)
{
	uint8_t l4[256] = { 0 };
	uint16_t plen = (uint16_t)strlen(payload), len;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + ETH_LEN);
	struct rte_udp_hdr *udp;

	put16(l4, 40000);
	put16(l4 + 2, 3478);
	put16(l4 + 4, 8 + plen);
	memcpy(l4 + 8, payload, plen);
	len = put_ipv4(f, src, dst, IPPROTO_UDP, l4, 8 + plen);
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return len;
}

/* Ethernet + IPv6 around l4; computes the ICMPv6 or UDP checksum. */
static uint16_t
put_ipv6(uint8_t *f, const uint8_t dst_mac[6], const uint8_t src[16], const uint8_t dst[16],
	 uint8_t proto, uint8_t hop, const uint8_t *l4, uint16_t l4len)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + ETH_LEN);
	uint8_t *p = f + ETH_LEN + IP6_LEN;
	uint16_t ck;

	put_eth(f, dst_mac, mac_peer, RTE_ETHER_TYPE_IPV6);
	memset(ip, 0, IP6_LEN);
	put32((uint8_t *)&ip->vtc_flow, UINT32_C(6) << 28);
	put16((uint8_t *)&ip->payload_len, l4len);
	ip->proto = proto;
	ip->hop_limits = hop;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	memcpy(p, l4, l4len);
	if (proto == IPPROTO_ICMPV6 || proto == IPPROTO_UDP) {
		uint8_t *ckp = p + (proto == IPPROTO_UDP ? 6 : 2);

		memset(ckp, 0, 2);
		ck = rte_ipv6_udptcp_cksum(ip, p);
		memcpy(ckp, &ck, 2);
	}
	return ETH_LEN + IP6_LEN + l4len;
}

/* NS (type 135) or NA (136) for target, with an optional link-layer option. */
static uint16_t
put_nd(uint8_t *f, uint8_t type, const uint8_t dst_mac[6], const uint8_t src[16],
       const uint8_t dst[16], uint8_t hop, const uint8_t target[16], uint8_t flags,
       const uint8_t *lla_mac, uint8_t opt_len_units)
{
	uint8_t l4[64] = { 0 };
	uint16_t len = 24;

	l4[0] = type;
	l4[4] = flags;
	memcpy(l4 + 8, target, 16);
	if (lla_mac != NULL) {
		l4[24] = type == 135 ? 1 : 2;
		l4[25] = opt_len_units;
		memcpy(l4 + 26, lla_mac, 6);
		len += 8;
	}
	return put_ipv6(f, dst_mac, src, dst, IPPROTO_ICMPV6, hop, l4, len);
}

static uint16_t
put_echo6(uint8_t *f, const uint8_t dst_mac[6], const uint8_t dst[16])
{
	uint8_t l4[16] = { 128, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g' };

	return put_ipv6(f, dst_mac, ip6_peer, dst, IPPROTO_ICMPV6, 64, l4, 12);
}

static uint16_t
put_udp6(uint8_t *f, const uint8_t dst[16], const char *payload)
{
	uint8_t l4[256] = { 0 };
	uint16_t plen = (uint16_t)strlen(payload);

	put16(l4, 40000);
	put16(l4 + 2, 3478);
	put16(l4 + 4, 8 + plen);
	memcpy(l4 + 8, payload, plen);
	return put_ipv6(f, mac_us, ip6_peer, dst, IPPROTO_UDP, 64, l4, 8 + plen);
}

static uint16_t
put_arp(uint8_t *f, const uint8_t eth_dst[6], uint16_t op, const uint8_t sha[6], uint32_t sip,
	const uint8_t tha[6], uint32_t tip)
{
	uint8_t *a = f + ETH_LEN;

	memset(f, 0, 60);
	put_eth(f, eth_dst, sha, RTE_ETHER_TYPE_ARP);
	put16(a, RTE_ARP_HRD_ETHER);
	put16(a + 2, RTE_ETHER_TYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	put32(a + 14, sip);
	memcpy(a + 18, tha, 6);
	put32(a + 24, tip);
	return 60; /* padded to the Ethernet minimum, as on the wire */
}

/* ---------- harness ---------- */

static struct rte_mbuf *
mbuf_from(const uint8_t *f, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *p;

	CU_ASSERT_FATAL(m != NULL);
	p = rte_pktmbuf_append(m, len);
	CU_ASSERT_FATAL(p != NULL);
	memcpy(p, f, len);
	return m;
}

/* Exactly one counter (or none when c < 0) moved, by one. */
static void
check_only_counter(int c)
{
	for (int i = 0; i < METRICS_COUNTER_MAX; i++) {
		uint64_t want = i == c ? 1 : 0;

		if (mx.counter[i] != want) {
			fprintf(stderr, "  counter %s = %lu, want %lu\n",
				metrics_counter_name((enum metrics_counter)i),
				(unsigned long)mx.counter[i], (unsigned long)want);
		}
		CU_ASSERT_EQUAL(mx.counter[i], want);
	}
}

static void
fresh_neigh(void)
{
	net_neigh_free(port.neigh);
	port.neigh = net_neigh_create(64, SOCKET_ID_ANY);
	CU_ASSERT_FATAL(port.neigh != NULL);
}

static uint64_t now;	/* test clock, in TSC ticks */

static enum net_verdict
run_input(const uint8_t *f, uint16_t len, uint64_t ol_flags, struct rte_mbuf **out,
	  struct net_udp_info *info)
{
	struct rte_mbuf *m = mbuf_from(f, len);
	enum net_verdict v;

	m->ol_flags = ol_flags;
	memset(&mx, 0, sizeof(mx));
	v = net_input(&port, m, info, &mx, now);
	*out = m;
	return v;
}

/* ---------- output checks ---------- */

static const struct rte_ipv4_hdr *
ip4_of(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, ETH_LEN);
}

static const struct rte_ipv6_hdr *
ip6_of(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, ETH_LEN);
}

static const uint8_t *
bytes(const struct rte_mbuf *m, uint32_t off)
{
	return rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
}

static void
check_eth(const struct rte_mbuf *m, const uint8_t dst[6], uint16_t type)
{
	CU_ASSERT_EQUAL(memcmp(bytes(m, 0), dst, 6), 0);
	CU_ASSERT_EQUAL(memcmp(bytes(m, 6), mac_us, 6), 0);
	CU_ASSERT_EQUAL(get16(bytes(m, 12)), type);
}

static void
check_arp_reply_from(struct rte_mbuf *m, uint32_t sip)
{
	const uint8_t *a = bytes(m, ETH_LEN);

	check_eth(m, mac_peer, RTE_ETHER_TYPE_ARP);
	CU_ASSERT_EQUAL(get16(a), RTE_ARP_HRD_ETHER);
	CU_ASSERT_EQUAL(get16(a + 2), RTE_ETHER_TYPE_IPV4);
	CU_ASSERT_EQUAL(a[4], 6);
	CU_ASSERT_EQUAL(a[5], 4);
	CU_ASSERT_EQUAL(get16(a + 6), RTE_ARP_OP_REPLY);
	CU_ASSERT_EQUAL(memcmp(a + 8, mac_us, 6), 0);
	CU_ASSERT_EQUAL(get32(a + 14), sip);
	CU_ASSERT_EQUAL(memcmp(a + 18, mac_peer, 6), 0);
	CU_ASSERT_EQUAL(get32(a + 24), ip_peer);
}

static void
check_arp_reply(struct rte_mbuf *m, const struct net_udp_info *info)
{
	(void)info;
	check_arp_reply_from(m, ip_us);
}

static void
check_arp_reply_extra(struct rte_mbuf *m, const struct net_udp_info *info)
{
	(void)info;
	check_arp_reply_from(m, ip_extra2);
}

static void
check_echo_reply_from(struct rte_mbuf *m, uint32_t src)
{
	const struct rte_ipv4_hdr *ip = ip4_of(m);
	const uint8_t *icmp = bytes(m, ETH_LEN + IP4_LEN);
	uint16_t len = rte_be_to_cpu_16(ip->total_length);

	check_eth(m, mac_peer, RTE_ETHER_TYPE_IPV4);
	CU_ASSERT_EQUAL(rte_raw_cksum(ip, IP4_LEN), 0xffff);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->src_addr), src);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->dst_addr), ip_peer);
	CU_ASSERT_EQUAL(ip->time_to_live, 64);
	CU_ASSERT_EQUAL(icmp[0], RTE_IP_ICMP_ECHO_REPLY);
	CU_ASSERT_EQUAL(icmp[1], 0);
	CU_ASSERT_EQUAL(get16(icmp + 4), 0xbeef);
	CU_ASSERT_EQUAL(get16(icmp + 6), 7);
	CU_ASSERT_EQUAL(rte_raw_cksum(icmp, len - IP4_LEN), 0xffff);
	CU_ASSERT_EQUAL(m->data_len, ETH_LEN + len);
}

static void
check_echo_reply(struct rte_mbuf *m, const struct net_udp_info *info)
{
	(void)info;
	check_echo_reply_from(m, ip_us);
}

static void
check_echo_reply_extra(struct rte_mbuf *m, const struct net_udp_info *info)
{
	(void)info;
	check_echo_reply_from(m, ip_extra);
}

static void
check_na(struct rte_mbuf *m, const uint8_t target[16], const uint8_t dst[16],
	 const uint8_t dst_mac[6], uint8_t flags)
{
	const struct rte_ipv6_hdr *ip = ip6_of(m);
	const uint8_t *nd = bytes(m, ETH_LEN + IP6_LEN);

	check_eth(m, dst_mac, RTE_ETHER_TYPE_IPV6);
	CU_ASSERT_EQUAL(m->data_len, ETH_LEN + IP6_LEN + 32);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->payload_len), 32);
	CU_ASSERT_EQUAL(ip->proto, IPPROTO_ICMPV6);
	CU_ASSERT_EQUAL(ip->hop_limits, 255);
	CU_ASSERT_EQUAL(memcmp(ip->src_addr, target, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ip->dst_addr, dst, 16), 0);
	CU_ASSERT_EQUAL(nd[0], 136);
	CU_ASSERT_EQUAL(nd[1], 0);
	CU_ASSERT_EQUAL(nd[4], flags);
	CU_ASSERT_EQUAL(memcmp(nd + 8, target, 16), 0);
	CU_ASSERT_EQUAL(nd[24], 2);	/* target link-layer address option */
	CU_ASSERT_EQUAL(nd[25], 1);
	CU_ASSERT_EQUAL(memcmp(nd + 26, mac_us, 6), 0);
	CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(ip, nd), 0);
}

static void
check_na_global(struct rte_mbuf *m, const struct net_udp_info *info)
{
	(void)info;
	check_na(m, ip6_us, ip6_peer, mac_peer, 0x60);
}

static void
check_na_ll(struct rte_mbuf *m, const struct net_udp_info *info)
{
	(void)info;
	check_na(m, port.ipv6_ll, ip6_peer_ll, mac_peer, 0x60);
}

static void
check_na_extra(struct rte_mbuf *m, const struct net_udp_info *info)
{
	(void)info;
	check_na(m, ip6_extra, ip6_peer, mac_peer, 0x60);
}

static void
check_na_extra2(struct rte_mbuf *m, const struct net_udp_info *info)
{
	(void)info;
	check_na(m, ip6_extra2, ip6_peer, mac_peer, 0x60);
}

static void
check_na_dad(struct rte_mbuf *m, const struct net_udp_info *info)
{
	static const uint8_t mac_all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };

	(void)info;
	check_na(m, ip6_us, ip6_all_nodes, mac_all_nodes, 0x20);
}

static void
check_echo6_from(struct rte_mbuf *m, const uint8_t src[16])
{
	const struct rte_ipv6_hdr *ip = ip6_of(m);
	const uint8_t *icmp = bytes(m, ETH_LEN + IP6_LEN);

	check_eth(m, mac_peer, RTE_ETHER_TYPE_IPV6);
	CU_ASSERT_EQUAL(memcmp(ip->src_addr, src, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ip->dst_addr, ip6_peer, 16), 0);
	CU_ASSERT_EQUAL(ip->hop_limits, 64);
	CU_ASSERT_EQUAL(icmp[0], 129);
	CU_ASSERT_EQUAL(get16(icmp + 4), 0x1234);
	CU_ASSERT_EQUAL(memcmp(icmp + 8, "ping", 4), 0);
	CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(ip, icmp), 0);
}

static void
check_echo6(struct rte_mbuf *m, const struct net_udp_info *info)
{
	(void)info;
	check_echo6_from(m, ip6_us);
}

static void
check_echo6_extra(struct rte_mbuf *m, const struct net_udp_info *info)
{
	(void)info;
	check_echo6_from(m, ip6_extra);
}

static void
check_udp_info4_to(struct rte_mbuf *m, const struct net_udp_info *info, uint32_t dst)
{
	uint32_t a;

	CU_ASSERT_EQUAL(info->family, AF_INET);
	memcpy(&a, info->src_addr, 4);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(a), ip_peer);
	memcpy(&a, info->dst_addr, 4);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(a), dst);
	CU_ASSERT_EQUAL(memcmp(info->dst_addr + 4, zero6, 6), 0);
	CU_ASSERT_EQUAL(info->src_port, 40000);
	CU_ASSERT_EQUAL(info->dst_port, 3478);
	CU_ASSERT_EQUAL(info->l3_offset, ETH_LEN);
	CU_ASSERT_EQUAL(info->l4_offset, ETH_LEN + IP4_LEN);
	CU_ASSERT_EQUAL(info->payload_offset, ETH_LEN + IP4_LEN + 8);
	CU_ASSERT_EQUAL(info->payload_len, 5);
	CU_ASSERT_EQUAL(memcmp(bytes(m, info->payload_offset), "hello", 5), 0);
	/* 14 + 20 + 8 + 5 = 47 bytes arrived padded to 60: the padding is gone. */
	CU_ASSERT_EQUAL(m->data_len, 47);
	CU_ASSERT_EQUAL(m->pkt_len, 47);
}

static void
check_udp_info4(struct rte_mbuf *m, const struct net_udp_info *info)
{
	check_udp_info4_to(m, info, ip_us);
}

static void
check_udp_info4_extra(struct rte_mbuf *m, const struct net_udp_info *info)
{
	check_udp_info4_to(m, info, ip_extra2);
}

static void
check_udp_info6_to(struct rte_mbuf *m, const struct net_udp_info *info, const uint8_t dst[16])
{
	CU_ASSERT_EQUAL(info->family, AF_INET6);
	CU_ASSERT_EQUAL(memcmp(info->src_addr, ip6_peer, 16), 0);
	CU_ASSERT_EQUAL(memcmp(info->dst_addr, dst, 16), 0);
	CU_ASSERT_EQUAL(info->src_port, 40000);
	CU_ASSERT_EQUAL(info->dst_port, 3478);
	CU_ASSERT_EQUAL(info->l3_offset, ETH_LEN);
	CU_ASSERT_EQUAL(info->l4_offset, ETH_LEN + IP6_LEN);
	CU_ASSERT_EQUAL(info->payload_offset, ETH_LEN + IP6_LEN + 8);
	CU_ASSERT_EQUAL(info->payload_len, 5);
	CU_ASSERT_EQUAL(memcmp(bytes(m, info->payload_offset), "hello", 5), 0);
}

static void
check_udp_info6(struct rte_mbuf *m, const struct net_udp_info *info)
{
	check_udp_info6_to(m, info, ip6_us);
}

static void
check_udp_info6_extra(struct rte_mbuf *m, const struct net_udp_info *info)
{
	check_udp_info6_to(m, info, ip6_extra);
}

/* ---------- golden input cases ---------- */

static uint16_t b_short(uint8_t *f) { memset(f, 0, 10); return 10; }
static uint16_t b_not_our_mac(uint8_t *f)
{
	uint16_t n = put_icmp4(f, ip_us, 8, 0);

	memcpy(f, mac_other, 6);
	return n;
}
static uint16_t b_vlan(uint8_t *f)
{
	uint16_t n = put_icmp4(f, ip_us, 8, 0);

	put16(f + 12, RTE_ETHER_TYPE_VLAN);
	return n;
}
static uint16_t b_arp_for_us(uint8_t *f)
{
	return put_arp(f, mac_bcast, RTE_ARP_OP_REQUEST, mac_peer, ip_peer, zero6, ip_us);
}
static uint16_t b_arp_other(uint8_t *f)
{
	return put_arp(f, mac_bcast, RTE_ARP_OP_REQUEST, mac_peer, ip_peer, zero6, ip_other);
}
static uint16_t b_arp_bad_hlen(uint8_t *f)
{
	uint16_t n = b_arp_for_us(f);

	f[ETH_LEN + 4] = 8;
	return n;
}
static uint16_t b_arp_bad_proto(uint8_t *f)
{
	uint16_t n = b_arp_for_us(f);

	put16(f + ETH_LEN + 2, RTE_ETHER_TYPE_IPV6);
	return n;
}
static uint16_t b_arp_truncated(uint8_t *f) { b_arp_for_us(f); return ETH_LEN + 20; }
static uint16_t b_arp_reply(uint8_t *f)
{
	return put_arp(f, mac_us, RTE_ARP_OP_REPLY, mac_peer, ip_peer, mac_us, ip_us);
}
static uint16_t b_arp_garp_unknown(uint8_t *f)
{
	return put_arp(f, mac_bcast, RTE_ARP_OP_REQUEST, mac_peer, ip_peer, zero6, ip_peer);
}
static uint16_t b_ping(uint8_t *f) { return put_icmp4(f, ip_us, 8, 32); }
static uint16_t b_ping_padded(uint8_t *f)
{
	uint16_t n = put_icmp4(f, ip_us, 8, 0);	/* 42 bytes */

	memset(f + n, 0xee, 60 - n);
	return 60;
}
static uint16_t b_ping_bad_cksum(uint8_t *f)
{
	uint16_t n = put_icmp4(f, ip_us, 8, 32);

	f[ETH_LEN + IP4_LEN + 8] ^= 1;
	return n;
}
static uint16_t b_icmp_truncated(uint8_t *f)
{
	uint16_t n = put_icmp4(f, ip_us, 8, 0);

	put16(f + ETH_LEN + 2, IP4_LEN + 4);
	fix_ipv4_cksum(f);
	return n;
}
static uint16_t b_icmp_timestamp(uint8_t *f) { return put_icmp4(f, ip_us, 13, 12); }
static uint16_t b_ipv4_options(uint8_t *f)
{
	uint8_t l4[8 + 4] = { 0 };	/* 4 bytes of option in front of the payload */
	uint16_t n = put_ipv4(f, ip_peer, ip_us, IPPROTO_UDP, l4, sizeof(l4));

	f[ETH_LEN] = 0x46;
	fix_ipv4_cksum(f);
	return n;
}
static uint16_t b_ipv4_mf(uint8_t *f)
{
	uint16_t n = put_udp4(f, ip_peer, ip_us, "hello");

	put16(f + ETH_LEN + 6, RTE_IPV4_HDR_MF_FLAG);
	fix_ipv4_cksum(f);
	return n;
}
static uint16_t b_ipv4_offset(uint8_t *f)
{
	uint16_t n = put_udp4(f, ip_peer, ip_us, "hello");

	put16(f + ETH_LEN + 6, 185);
	fix_ipv4_cksum(f);
	return n;
}
static uint16_t b_ipv4_bad_cksum(uint8_t *f)
{
	uint16_t n = put_udp4(f, ip_peer, ip_us, "hello");

	f[ETH_LEN + 10] ^= 0x40;
	return n;
}
static uint16_t b_ipv4_truncated(uint8_t *f) { put_udp4(f, ip_peer, ip_us, "hello"); return ETH_LEN + 12; }
static uint16_t b_ipv4_len_lies(uint8_t *f)
{
	uint16_t n = put_udp4(f, ip_peer, ip_us, "hello");

	put16(f + ETH_LEN + 2, 200);
	fix_ipv4_cksum(f);
	return n;
}
static uint16_t b_ipv4_len_short(uint8_t *f)
{
	uint16_t n = put_udp4(f, ip_peer, ip_us, "hello");

	put16(f + ETH_LEN + 2, 16);
	fix_ipv4_cksum(f);
	return n;
}
static uint16_t b_ipv4_version(uint8_t *f)
{
	uint16_t n = put_udp4(f, ip_peer, ip_us, "hello");

	f[ETH_LEN] = 0x65;
	fix_ipv4_cksum(f);
	return n;
}
static uint16_t b_ipv4_not_ours(uint8_t *f) { return put_udp4(f, ip_peer, ip_other, "hello"); }
static uint16_t b_ipv4_bcast_src(uint8_t *f) { return put_udp4(f, 0xffffffff, ip_us, "hello"); }
static uint16_t b_ipv4_tcp(uint8_t *f)
{
	uint8_t l4[20] = { 0 };

	return put_ipv4(f, ip_peer, ip_us, IPPROTO_TCP, l4, sizeof(l4));
}
static uint16_t b_udp4(uint8_t *f)
{
	uint16_t n = put_udp4(f, ip_peer, ip_us, "hello");

	memset(f + n, 0, 60 - n);	/* Ethernet padding */
	return 60;
}
static uint16_t b_udp4_bad_cksum(uint8_t *f)
{
	uint16_t n = put_udp4(f, ip_peer, ip_us, "hello");

	f[n - 1] ^= 0x20;
	return n;
}
static uint16_t b_udp4_zero_cksum(uint8_t *f)
{
	uint16_t n = put_udp4(f, ip_peer, ip_us, "hello");

	put16(f + ETH_LEN + IP4_LEN + 6, 0);
	return n;
}
static uint16_t b_udp4_len_lies(uint8_t *f)
{
	uint16_t n = put_udp4(f, ip_peer, ip_us, "hello");

	put16(f + ETH_LEN + IP4_LEN + 4, 8 + 50);
	return n;
}
static uint16_t b_ns_global(uint8_t *f)
{
	return put_nd(f, 135, (const uint8_t[]){ 0x33, 0x33, 0xff, 0, 0, 1 }, ip6_peer, sn_us,
		      255, ip6_us, 0, mac_peer, 1);
}
static uint16_t b_ns_ll(uint8_t *f)
{
	struct rte_ether_addr mc;

	mc.addr_bytes[0] = 0x33;
	mc.addr_bytes[1] = 0x33;
	memcpy(&mc.addr_bytes[2], sn_us_ll + 12, 4);
	return put_nd(f, 135, mc.addr_bytes, ip6_peer_ll, sn_us_ll, 255, port.ipv6_ll, 0,
		      mac_peer, 1);
}
static uint16_t b_ns_dad(uint8_t *f)
{
	return put_nd(f, 135, (const uint8_t[]){ 0x33, 0x33, 0xff, 0, 0, 1 }, ip6_unspec, sn_us,
		      255, ip6_us, 0, NULL, 0);
}
static uint16_t b_ns_hop64(uint8_t *f)
{
	return put_nd(f, 135, mac_us, ip6_peer, ip6_us, 64, ip6_us, 0, mac_peer, 1);
}
static uint16_t b_ns_unicast(uint8_t *f)
{
	return put_nd(f, 135, mac_us, ip6_peer, ip6_us, 255, ip6_us, 0, mac_peer, 1);
}
static uint16_t b_ns_opt_len0(uint8_t *f)
{
	return put_nd(f, 135, mac_us, ip6_peer, ip6_us, 255, ip6_us, 0, mac_peer, 0);
}
static uint16_t b_ns_multicast_target(uint8_t *f)
{
	return put_nd(f, 135, mac_us, ip6_peer, ip6_us, 255, ip6_all_nodes, 0, mac_peer, 1);
}
static uint16_t b_ns_other_target(uint8_t *f)
{
	/* ::9 shares nothing with us but arrives at our solicited-node group anyway. */
	return put_nd(f, 135, (const uint8_t[]){ 0x33, 0x33, 0xff, 0, 0, 1 }, ip6_peer, sn_us,
		      255, ip6_other, 0, mac_peer, 1);
}
static uint16_t b_ns_bad_cksum(uint8_t *f)
{
	uint16_t n = b_ns_unicast(f);

	f[ETH_LEN + IP6_LEN + 10] ^= 1;
	return n;
}
static uint16_t b_na_unsolicited_unknown(uint8_t *f)
{
	return put_nd(f, 136, (const uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, ip6_peer,
		      ip6_all_nodes, 255, ip6_peer, 0x20, mac_peer, 1);
}
static uint16_t b_na_no_tlla(uint8_t *f)
{
	return put_nd(f, 136, mac_us, ip6_peer, ip6_us, 255, ip6_peer, 0x60, NULL, 0);
}
static uint16_t b_na_solicited_multicast(uint8_t *f)
{
	return put_nd(f, 136, (const uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, ip6_peer,
		      ip6_all_nodes, 255, ip6_peer, 0x60, mac_peer, 1);
}
static uint16_t b_echo6(uint8_t *f) { return put_echo6(f, mac_us, ip6_us); }
static uint16_t b_echo6_all_nodes(uint8_t *f)
{
	return put_echo6(f, (const uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, ip6_all_nodes);
}
static uint16_t b_echo6_bad_cksum(uint8_t *f)
{
	uint16_t n = b_echo6(f);

	f[n - 1] ^= 1;
	return n;
}
static uint16_t b_icmp6_unreach(uint8_t *f)
{
	uint8_t l4[8] = { 1, 0 };

	return put_ipv6(f, mac_us, ip6_peer, ip6_us, IPPROTO_ICMPV6, 64, l4, 8);
}
static uint16_t b_ipv6_hbh(uint8_t *f)
{
	uint8_t l4[16] = { IPPROTO_UDP, 0, 1, 4 };	/* hop-by-hop, PadN */

	return put_ipv6(f, mac_us, ip6_peer, ip6_us, 0, 64, l4, 16);
}
static uint16_t b_ipv6_not_ours(uint8_t *f) { return put_udp6(f, ip6_other, "hello"); }
static uint16_t b_ipv6_len_lies(uint8_t *f)
{
	uint16_t n = put_udp6(f, ip6_us, "hello");

	put16(f + ETH_LEN + 4, 100);
	return n;
}
static uint16_t b_ipv6_version(uint8_t *f)
{
	uint16_t n = put_udp6(f, ip6_us, "hello");

	f[ETH_LEN] = 0x40;
	return n;
}
static uint16_t b_udp6(uint8_t *f) { return put_udp6(f, ip6_us, "hello"); }
static uint16_t b_udp6_bad_cksum(uint8_t *f)
{
	uint16_t n = put_udp6(f, ip6_us, "hello");

	f[n - 2] ^= 0x10;
	return n;
}
static uint16_t b_udp6_zero_cksum(uint8_t *f)
{
	uint16_t n = put_udp6(f, ip6_us, "hello");

	put16(f + ETH_LEN + IP6_LEN + 6, 0);
	return n;
}
static uint16_t b_udp6_len_lies(uint8_t *f)
{
	uint16_t n = put_udp6(f, ip6_us, "hello");

	put16(f + ETH_LEN + IP6_LEN + 4, 7);
	return n;
}
static uint16_t b_udp6_multicast(uint8_t *f)
{
	uint16_t n = put_udp6(f, ip6_all_nodes, "hello");

	memcpy(f, (const uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, 6);
	return n;
}

/* Extra addresses: answered and delivered like the primary ones. */
static uint16_t b_arp_extra(uint8_t *f)
{
	return put_arp(f, mac_bcast, RTE_ARP_OP_REQUEST, mac_peer, ip_peer, zero6, ip_extra2);
}
static uint16_t b_arp_not_extra(uint8_t *f)
{
	/* .12 sits between the extra addresses in the prefix but is nobody's. */
	return put_arp(f, mac_bcast, RTE_ARP_OP_REQUEST, mac_peer, ip_peer, zero6,
		       IP4(198, 18, 0, 12));
}
static uint16_t b_ping_extra(uint8_t *f) { return put_icmp4(f, ip_extra, 8, 32); }
static uint16_t b_udp4_extra(uint8_t *f)
{
	uint16_t n = put_udp4(f, ip_peer, ip_extra2, "hello");

	memset(f + n, 0, 60 - n);
	return 60;
}
static uint16_t b_ns_extra(uint8_t *f)
{
	return put_nd(f, 135, mac_sn_extra, ip6_peer, sn_extra, 255, ip6_extra, 0, mac_peer, 1);
}
static uint16_t b_ns_extra2_unicast(uint8_t *f)
{
	return put_nd(f, 135, mac_us, ip6_peer, ip6_extra2, 255, ip6_extra2, 0, mac_peer, 1);
}
static uint16_t b_ns_extra_group_other_target(uint8_t *f)
{
	/* 2001:db8::1:ab:cdef shares the extra address's group but is not ours. */
	static const uint8_t t[16] = { 0x20, 0x01, 0x0d, 0xb8, [11] = 0x01, 0x00, 0xab, 0xcd, 0xef };

	return put_nd(f, 135, mac_sn_extra, ip6_peer, sn_extra, 255, t, 0, mac_peer, 1);
}
static uint16_t b_echo6_extra(uint8_t *f) { return put_echo6(f, mac_us, ip6_extra); }
static uint16_t b_udp6_extra(uint8_t *f) { return put_udp6(f, ip6_extra, "hello"); }
static uint16_t b_udp6_sn_extra(uint8_t *f)
{
	uint16_t n = put_udp6(f, sn_extra, "hello");

	memcpy(f, mac_sn_extra, 6);
	return n;
}

struct golden {
	const char *what;
	uint16_t (*build)(uint8_t *f);
	uint64_t ol_flags;
	enum net_verdict verdict;
	int counter;		/* the one counter that moves; -1 for none */
	void (*check)(struct rte_mbuf *m, const struct net_udp_info *info);
};

#define NONE (-1)
#define C(x) METRICS_##x
#define V(x) NET_VERDICT_##x

static const struct golden golden[] = {
	{ "frame shorter than Ethernet header", b_short, 0, V(FREE), C(DROP_ETH_SHORT), NULL },
	{ "unicast for another MAC", b_not_our_mac, 0, V(FREE), C(DROP_ETH_NOT_OURS), NULL },
	{ "VLAN-tagged frame", b_vlan, 0, V(FREE), C(DROP_ETH_TYPE), NULL },
	{ "ARP request for us", b_arp_for_us, 0, V(TX), C(ARP_REPLIED), check_arp_reply },
	{ "ARP request for another IP", b_arp_other, 0, V(FREE), C(DROP_ARP_NOT_OURS), NULL },
	{ "ARP with hlen 8", b_arp_bad_hlen, 0, V(FREE), C(DROP_ARP_INVALID), NULL },
	{ "ARP for IPv6 protocol", b_arp_bad_proto, 0, V(FREE), C(DROP_ARP_INVALID), NULL },
	{ "ARP truncated", b_arp_truncated, 0, V(FREE), C(DROP_ARP_INVALID), NULL },
	{ "ARP reply to us", b_arp_reply, 0, V(FREE), C(ARP_LEARNED), NULL },
	{ "gratuitous ARP, unknown sender", b_arp_garp_unknown, 0, V(FREE), C(DROP_ARP_NOT_OURS), NULL },
	{ "ICMP echo request", b_ping, 0, V(TX), C(ICMP_ECHO_REPLIED), check_echo_reply },
	{ "ICMP echo request, padded frame", b_ping_padded, 0, V(TX), C(ICMP_ECHO_REPLIED), check_echo_reply },
	{ "ICMP bad checksum", b_ping_bad_cksum, 0, V(FREE), C(DROP_ICMP_INVALID), NULL },
	{ "ICMP truncated", b_icmp_truncated, 0, V(FREE), C(DROP_ICMP_INVALID), NULL },
	{ "ICMP timestamp", b_icmp_timestamp, 0, V(FREE), C(DROP_ICMP_TYPE), NULL },
	{ "IPv4 options", b_ipv4_options, 0, V(FREE), C(DROP_IPV4_OPTIONS), NULL },
	{ "IPv4 MF flag", b_ipv4_mf, 0, V(FREE), C(DROP_IPV4_FRAGMENT), NULL },
	{ "IPv4 fragment offset", b_ipv4_offset, 0, V(FREE), C(DROP_IPV4_FRAGMENT), NULL },
	{ "IPv4 bad header checksum", b_ipv4_bad_cksum, 0, V(FREE), C(DROP_IPV4_CHECKSUM), NULL },
	{ "IPv4 bad checksum, NIC says good", b_ipv4_bad_cksum, RTE_MBUF_F_RX_IP_CKSUM_GOOD, V(UDP), NONE, NULL },
	{ "IPv4 NIC says checksum bad", b_udp4, RTE_MBUF_F_RX_IP_CKSUM_BAD, V(FREE), C(DROP_IPV4_CHECKSUM), NULL },
	{ "IPv4 truncated header", b_ipv4_truncated, 0, V(FREE), C(DROP_IPV4_HEADER), NULL },
	{ "IPv4 total length beyond frame", b_ipv4_len_lies, 0, V(FREE), C(DROP_IPV4_HEADER), NULL },
	{ "IPv4 total length below header", b_ipv4_len_short, 0, V(FREE), C(DROP_IPV4_HEADER), NULL },
	{ "IPv4 version 6", b_ipv4_version, 0, V(FREE), C(DROP_IPV4_HEADER), NULL },
	{ "IPv4 not our address", b_ipv4_not_ours, 0, V(FREE), C(DROP_IPV4_NOT_OURS), NULL },
	{ "IPv4 broadcast source", b_ipv4_bcast_src, 0, V(FREE), C(DROP_IPV4_HEADER), NULL },
	{ "IPv4 TCP", b_ipv4_tcp, 0, V(FREE), C(DROP_IPV4_PROTO), NULL },
	{ "UDP/IPv4 to us", b_udp4, 0, V(UDP), NONE, check_udp_info4 },
	{ "UDP/IPv4 bad checksum", b_udp4_bad_cksum, 0, V(FREE), C(DROP_UDP_CHECKSUM), NULL },
	{ "UDP/IPv4 bad checksum, NIC says good", b_udp4_bad_cksum, RTE_MBUF_F_RX_L4_CKSUM_GOOD, V(UDP), NONE, NULL },
	{ "UDP/IPv4 NIC says checksum bad", b_udp4, RTE_MBUF_F_RX_L4_CKSUM_BAD, V(FREE), C(DROP_UDP_CHECKSUM), NULL },
	{ "UDP/IPv4 zero checksum", b_udp4_zero_cksum, 0, V(UDP), NONE, NULL },
	{ "UDP/IPv4 length lies", b_udp4_len_lies, 0, V(FREE), C(DROP_UDP_HEADER), NULL },
	{ "NS for global to solicited-node", b_ns_global, 0, V(TX), C(NDP_ADVERTISED), check_na_global },
	{ "NS for link-local to solicited-node", b_ns_ll, 0, V(TX), C(NDP_ADVERTISED), check_na_ll },
	{ "NS unicast for global", b_ns_unicast, 0, V(TX), C(NDP_ADVERTISED), check_na_global },
	{ "DAD NS from ::", b_ns_dad, 0, V(TX), C(NDP_ADVERTISED), check_na_dad },
	{ "NS hop limit 64", b_ns_hop64, 0, V(FREE), C(DROP_NDP_INVALID), NULL },
	{ "NS option length 0", b_ns_opt_len0, 0, V(FREE), C(DROP_NDP_INVALID), NULL },
	{ "NS multicast target", b_ns_multicast_target, 0, V(FREE), C(DROP_NDP_INVALID), NULL },
	{ "NS for another target", b_ns_other_target, 0, V(FREE), C(DROP_IPV6_NOT_OURS), NULL },
	{ "NS bad checksum", b_ns_bad_cksum, 0, V(FREE), C(DROP_ICMP6_INVALID), NULL },
	{ "NA unsolicited, unknown target", b_na_unsolicited_unknown, 0, V(FREE), C(DROP_IPV6_NOT_OURS), NULL },
	{ "NA without target LLA", b_na_no_tlla, 0, V(FREE), C(DROP_NDP_INVALID), NULL },
	{ "NA solicited to multicast", b_na_solicited_multicast, 0, V(FREE), C(DROP_NDP_INVALID), NULL },
	{ "ICMPv6 echo request", b_echo6, 0, V(TX), C(ICMP6_ECHO_REPLIED), check_echo6 },
	{ "ICMPv6 echo request to ff02::1", b_echo6_all_nodes, 0, V(TX), C(ICMP6_ECHO_REPLIED), check_echo6 },
	{ "ICMPv6 echo bad checksum", b_echo6_bad_cksum, 0, V(FREE), C(DROP_ICMP6_INVALID), NULL },
	{ "ICMPv6 destination unreachable", b_icmp6_unreach, 0, V(FREE), C(DROP_ICMP6_TYPE), NULL },
	{ "IPv6 hop-by-hop header", b_ipv6_hbh, 0, V(FREE), C(DROP_IPV6_PROTO), NULL },
	{ "IPv6 not our address", b_ipv6_not_ours, 0, V(FREE), C(DROP_IPV6_NOT_OURS), NULL },
	{ "IPv6 payload length beyond frame", b_ipv6_len_lies, 0, V(FREE), C(DROP_IPV6_HEADER), NULL },
	{ "IPv6 version 4", b_ipv6_version, 0, V(FREE), C(DROP_IPV6_HEADER), NULL },
	{ "UDP/IPv6 to us", b_udp6, 0, V(UDP), NONE, check_udp_info6 },
	{ "UDP/IPv6 bad checksum", b_udp6_bad_cksum, 0, V(FREE), C(DROP_UDP_CHECKSUM), NULL },
	{ "UDP/IPv6 zero checksum", b_udp6_zero_cksum, 0, V(FREE), C(DROP_UDP_CHECKSUM), NULL },
	{ "UDP/IPv6 length lies", b_udp6_len_lies, 0, V(FREE), C(DROP_UDP_HEADER), NULL },
	{ "UDP/IPv6 to ff02::1", b_udp6_multicast, 0, V(FREE), C(DROP_IPV6_NOT_OURS), NULL },
	{ "ARP request for an extra address", b_arp_extra, 0, V(TX), C(ARP_REPLIED), check_arp_reply_extra },
	{ "ARP request for a non-address between extras", b_arp_not_extra, 0, V(FREE), C(DROP_ARP_NOT_OURS), NULL },
	{ "ICMP echo request to an extra address", b_ping_extra, 0, V(TX), C(ICMP_ECHO_REPLIED), check_echo_reply_extra },
	{ "UDP/IPv4 to an extra address", b_udp4_extra, 0, V(UDP), NONE, check_udp_info4_extra },
	{ "NS for an extra address to its solicited-node group", b_ns_extra, 0, V(TX), C(NDP_ADVERTISED), check_na_extra },
	{ "NS unicast to a second extra address", b_ns_extra2_unicast, 0, V(TX), C(NDP_ADVERTISED), check_na_extra2 },
	{ "NS to an extra's group for a foreign target", b_ns_extra_group_other_target, 0, V(FREE), C(DROP_IPV6_NOT_OURS), NULL },
	{ "ICMPv6 echo request to an extra address", b_echo6_extra, 0, V(TX), C(ICMP6_ECHO_REPLIED), check_echo6_extra },
	{ "UDP/IPv6 to an extra address", b_udp6_extra, 0, V(UDP), NONE, check_udp_info6_extra },
	{ "UDP/IPv6 to an extra's solicited-node group", b_udp6_sn_extra, 0, V(FREE), C(DROP_IPV6_NOT_OURS), NULL },
};

static void
test_golden(void)
{
	for (size_t i = 0; i < RTE_DIM(golden); i++) {
		const struct golden *g = &golden[i];
		uint8_t f[512];
		struct net_udp_info info;
		struct rte_mbuf *m;
		enum net_verdict v;
		unsigned int failures = CU_get_number_of_failures();

		fresh_neigh();
		memset(&info, 0xa5, sizeof(info));
		v = run_input(f, g->build(f), g->ol_flags, &m, &info);
		CU_ASSERT_EQUAL(v, g->verdict);
		check_only_counter(g->counter);
		if (g->check != NULL && v == g->verdict)
			g->check(m, &info);
		if (CU_get_number_of_failures() != failures)
			fprintf(stderr, "  ^ golden case failed: %s (verdict %d)\n", g->what, v);
		rte_pktmbuf_free(m);
	}
}

/* ---------- send side ---------- */

static struct rte_mbuf *
payload_mbuf(const char *s)
{
	return mbuf_from((const uint8_t *)s, (uint16_t)strlen(s));
}

static int
send4(uint32_t dst, struct rte_mbuf **m, struct rte_mbuf **probe)
{
	rte_be32_t d = rte_cpu_to_be_32(dst);

	*m = payload_mbuf("relayed");
	memset(&mx, 0, sizeof(mx));
	return net_udp_send(&port, *m, AF_INET, NULL, 50000, (const uint8_t *)&d, 40000, pool,
			    probe, &mx, now);
}

static int
send6(const uint8_t *dst, struct rte_mbuf **m, struct rte_mbuf **probe)
{
	*m = payload_mbuf("relayed");
	memset(&mx, 0, sizeof(mx));
	return net_udp_send(&port, *m, AF_INET6, NULL, 50000, dst, 40000, pool, probe, &mx, now);
}

static void
feed(const uint8_t *f, uint16_t len, enum net_verdict want, int counter)
{
	struct net_udp_info info;
	struct rte_mbuf *m;

	CU_ASSERT_EQUAL(run_input(f, len, 0, &m, &info), want);
	check_only_counter(counter);
	rte_pktmbuf_free(m);
}

static void
check_arp_probe(const struct rte_mbuf *p, uint32_t target)
{
	const uint8_t *a = bytes(p, ETH_LEN);

	check_eth(p, mac_bcast, RTE_ETHER_TYPE_ARP);
	CU_ASSERT(p->data_len >= ETH_LEN + 28);
	CU_ASSERT_EQUAL(get16(a + 6), RTE_ARP_OP_REQUEST);
	CU_ASSERT_EQUAL(memcmp(a + 8, mac_us, 6), 0);
	CU_ASSERT_EQUAL(get32(a + 14), ip_us);
	CU_ASSERT_EQUAL(memcmp(a + 18, zero6, 6), 0);
	CU_ASSERT_EQUAL(get32(a + 24), target);
}

static void
check_sent4(const struct rte_mbuf *m, const uint8_t dst_mac[6], uint32_t dst)
{
	const struct rte_ipv4_hdr *ip = ip4_of(m);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);

	check_eth(m, dst_mac, RTE_ETHER_TYPE_IPV4);
	CU_ASSERT_EQUAL(m->pkt_len, ETH_LEN + IP4_LEN + 8 + 7);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), IP4_LEN + 8 + 7);
	CU_ASSERT_EQUAL(rte_raw_cksum(ip, IP4_LEN), 0xffff);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->src_addr), ip_us);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->dst_addr), dst);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_UDP);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->src_port), 50000);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dst_port), 40000);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dgram_len), 15);
	CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_verify(ip, udp), 0);
	CU_ASSERT_EQUAL(memcmp(udp + 1, "relayed", 7), 0);
}

static void
test_send4_resolve(void)
{
	struct rte_mbuf *m, *probe;
	uint8_t f[128];

	fresh_neigh();
	now = 1000 * hz;
	/* Unresolved on-link peer: dropped, one ARP request. */
	CU_ASSERT_EQUAL(send4(ip_peer, &m, &probe), -EAGAIN);
	check_only_counter(C(ARP_REQUESTED));
	CU_ASSERT_FATAL(probe != NULL);
	check_arp_probe(probe, ip_peer);
	rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);

	/* Within the second: no second probe. */
	now += hz / 2;
	CU_ASSERT_EQUAL(send4(ip_peer, &m, &probe), -EAGAIN);
	check_only_counter(-1);
	CU_ASSERT_PTR_NULL(probe);
	rte_pktmbuf_free(m);

	/* A second later: probe again. */
	now += hz;
	CU_ASSERT_EQUAL(send4(ip_peer, &m, &probe), -EAGAIN);
	check_only_counter(C(ARP_REQUESTED));
	CU_ASSERT_PTR_NOT_NULL(probe);
	rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);

	/* The reply teaches the MAC; the next datagram goes out. */
	feed(f, b_arp_reply(f), V(FREE), C(ARP_LEARNED));
	CU_ASSERT_EQUAL(send4(ip_peer, &m, &probe), 0);
	check_only_counter(NONE);
	CU_ASSERT_PTR_NULL(probe);
	check_sent4(m, mac_peer, ip_peer);
	rte_pktmbuf_free(m);

	/* Gratuitous ARP from the known neighbour moves it to a new MAC. */
	feed(f, put_arp(f, mac_bcast, RTE_ARP_OP_REQUEST, mac_peer2, ip_peer, zero6, ip_peer),
	     V(FREE), C(ARP_LEARNED));
	CU_ASSERT_EQUAL(send4(ip_peer, &m, &probe), 0);
	check_sent4(m, mac_peer2, ip_peer);
	rte_pktmbuf_free(m);

	/* Past the reachable time: still used, but re-probed once. */
	now += 301 * hz;
	CU_ASSERT_EQUAL(send4(ip_peer, &m, &probe), 0);
	check_only_counter(C(ARP_REQUESTED));
	CU_ASSERT_PTR_NOT_NULL(probe);
	check_sent4(m, mac_peer2, ip_peer);
	rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);

	/* No answer for long: the entry is no longer trusted. */
	now += 10 * hz;
	CU_ASSERT_EQUAL(send4(ip_peer, &m, &probe), -EAGAIN);
	check_only_counter(C(ARP_REQUESTED));
	rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);
}

static void
test_send4_learn_from_request(void)
{
	struct rte_mbuf *m, *probe;
	uint8_t f[128];

	fresh_neigh();
	now = 5 * hz;
	/* Answering an ARP request for us also learns its sender (RFC 826). */
	feed(f, b_arp_for_us(f), V(TX), C(ARP_REPLIED));
	CU_ASSERT_EQUAL(send4(ip_peer, &m, &probe), 0);
	check_sent4(m, mac_peer, ip_peer);
	rte_pktmbuf_free(m);
}

static void
test_send4_gateway(void)
{
	struct rte_mbuf *m, *probe;
	uint8_t f[128];

	fresh_neigh();
	now = 7 * hz;
	CU_ASSERT_EQUAL(send4(ip_far, &m, &probe), -EAGAIN);
	check_only_counter(C(ARP_REQUESTED));
	CU_ASSERT_FATAL(probe != NULL);
	check_arp_probe(probe, ip_gw);
	rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);

	feed(f, put_arp(f, mac_us, RTE_ARP_OP_REPLY, mac_gw, ip_gw, mac_us, ip_us), V(FREE),
	     C(ARP_LEARNED));
	CU_ASSERT_EQUAL(send4(ip_far, &m, &probe), 0);
	check_sent4(m, mac_gw, ip_far);
	rte_pktmbuf_free(m);

	/* Without a gateway an off-link destination has no route. */
	port.ipv4_gw = 0;
	CU_ASSERT_EQUAL(send4(ip_far, &m, &probe), -1);
	check_only_counter(C(DROP_NO_ROUTE));
	CU_ASSERT_PTR_NULL(probe);
	rte_pktmbuf_free(m);
	port.ipv4_gw = rte_cpu_to_be_32(ip_gw);
}

static void
check_ns_probe(const struct rte_mbuf *p, const uint8_t target[16], const uint8_t src[16])
{
	const struct rte_ipv6_hdr *ip = ip6_of(p);
	const uint8_t *nd = bytes(p, ETH_LEN + IP6_LEN);
	uint8_t group[16] = { 0xff, 0x02, [11] = 0x01, 0xff };
	uint8_t mc[6] = { 0x33, 0x33, 0xff };

	memcpy(group + 13, target + 13, 3);
	memcpy(mc + 3, target + 13, 3);
	check_eth(p, mc, RTE_ETHER_TYPE_IPV6);
	CU_ASSERT_EQUAL(ip->hop_limits, 255);
	CU_ASSERT_EQUAL(ip->proto, IPPROTO_ICMPV6);
	CU_ASSERT_EQUAL(memcmp(ip->dst_addr, group, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ip->src_addr, src, 16), 0);
	CU_ASSERT_EQUAL(nd[0], 135);
	CU_ASSERT_EQUAL(memcmp(nd + 8, target, 16), 0);
	CU_ASSERT_EQUAL(nd[24], 1);
	CU_ASSERT_EQUAL(memcmp(nd + 26, mac_us, 6), 0);
	CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(ip, nd), 0);
}

static void
check_sent6(const struct rte_mbuf *m, const uint8_t dst_mac[6], const uint8_t src[16],
	    const uint8_t dst[16])
{
	const struct rte_ipv6_hdr *ip = ip6_of(m);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);

	check_eth(m, dst_mac, RTE_ETHER_TYPE_IPV6);
	CU_ASSERT_EQUAL(m->pkt_len, ETH_LEN + IP6_LEN + 8 + 7);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->payload_len), 15);
	CU_ASSERT_EQUAL(memcmp(ip->src_addr, src, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ip->dst_addr, dst, 16), 0);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dst_port), 40000);
	CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(ip, udp), 0);
}

static void
test_send6_resolve(void)
{
	struct rte_mbuf *m, *probe;
	uint8_t f[128];

	fresh_neigh();
	now = 3 * hz;
	CU_ASSERT_EQUAL(send6(ip6_peer, &m, &probe), -EAGAIN);
	check_only_counter(C(NDP_SOLICITED));
	CU_ASSERT_FATAL(probe != NULL);
	check_ns_probe(probe, ip6_peer, ip6_us);
	rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);

	CU_ASSERT_EQUAL(send6(ip6_peer, &m, &probe), -EAGAIN);
	check_only_counter(-1);
	CU_ASSERT_PTR_NULL(probe);
	rte_pktmbuf_free(m);

	/* The solicited advertisement answers it. */
	feed(f, put_nd(f, 136, mac_us, ip6_peer, ip6_us, 255, ip6_peer, 0x60, mac_peer, 1),
	     V(FREE), C(NDP_LEARNED));
	CU_ASSERT_EQUAL(send6(ip6_peer, &m, &probe), 0);
	check_only_counter(NONE);
	check_sent6(m, mac_peer, ip6_us, ip6_peer);
	rte_pktmbuf_free(m);

	/* An unsolicited NA for the known target updates it. */
	feed(f, put_nd(f, 136, (const uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, ip6_peer,
		       ip6_all_nodes, 255, ip6_peer, 0x20, mac_peer2, 1), V(FREE), C(NDP_LEARNED));
	CU_ASSERT_EQUAL(send6(ip6_peer, &m, &probe), 0);
	check_sent6(m, mac_peer2, ip6_us, ip6_peer);
	rte_pktmbuf_free(m);
}

static void
test_send6_gateway_and_ns_learning(void)
{
	struct rte_mbuf *m, *probe;
	uint8_t f[128];

	fresh_neigh();
	now = 9 * hz;
	/* Off-link: resolve the link-local gateway, from our link-local address. */
	CU_ASSERT_EQUAL(send6(ip6_far, &m, &probe), -EAGAIN);
	check_only_counter(C(NDP_SOLICITED));
	CU_ASSERT_FATAL(probe != NULL);
	check_ns_probe(probe, ip6_gw, port.ipv6_ll);
	rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);

	feed(f, put_nd(f, 136, mac_us, ip6_gw, port.ipv6_ll, 255, ip6_gw, 0xe0, mac_gw, 1),
	     V(FREE), C(NDP_LEARNED));
	CU_ASSERT_EQUAL(send6(ip6_far, &m, &probe), 0);
	check_sent6(m, mac_gw, ip6_us, ip6_far);
	rte_pktmbuf_free(m);

	/* A solicitation for us teaches the solicitor's MAC. */
	feed(f, b_ns_global(f), V(TX), C(NDP_ADVERTISED));
	CU_ASSERT_EQUAL(send6(ip6_peer, &m, &probe), 0);
	check_sent6(m, mac_peer, ip6_us, ip6_peer);
	rte_pktmbuf_free(m);

	/* No IPv6 gateway: off-link has no route; no IPv6 at all: no route either. */
	port.has_ipv6_gw = false;
	CU_ASSERT_EQUAL(send6(ip6_far, &m, &probe), -1);
	check_only_counter(C(DROP_NO_ROUTE));
	rte_pktmbuf_free(m);
	port.has_ipv6_gw = true;
	port.has_ipv6 = false;
	CU_ASSERT_EQUAL(send6(ip6_peer, &m, &probe), -1);
	check_only_counter(C(DROP_NO_ROUTE));
	rte_pktmbuf_free(m);
	port.has_ipv6 = true;
}

/* Receive a datagram, write a longer payload in place, turn it around. */
static void
test_udp_reply(void)
{
	static const char answer[] = "a longer answer than the question";
	const uint16_t alen = sizeof(answer) - 1;
	struct net_udp_info info;
	struct rte_mbuf *m;
	uint8_t f[512];

	fresh_neigh();
	/* IPv4 */
	CU_ASSERT_EQUAL_FATAL(run_input(f, b_udp4(f), 0, &m, &info), V(UDP));
	memcpy(rte_pktmbuf_mtod_offset(m, char *, info.payload_offset), answer, alen);
	memset(&mx, 0, sizeof(mx));
	CU_ASSERT_EQUAL(net_udp_reply(&port, m, &info, alen, &mx), 0);
	check_only_counter(NONE);
	{
		const struct rte_ipv4_hdr *ip = ip4_of(m);
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);

		check_eth(m, mac_peer, RTE_ETHER_TYPE_IPV4);
		CU_ASSERT_EQUAL(m->pkt_len, ETH_LEN + IP4_LEN + 8 + alen);
		CU_ASSERT_EQUAL(m->data_len, m->pkt_len);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), IP4_LEN + 8 + alen);
		CU_ASSERT_EQUAL(rte_raw_cksum(ip, IP4_LEN), 0xffff);
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->src_addr), ip_us);
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->dst_addr), ip_peer);
		CU_ASSERT_EQUAL(ip->time_to_live, 64);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->src_port), 3478);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dst_port), 40000);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dgram_len), 8 + alen);
		CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_verify(ip, udp), 0);
	}
	/* Too big for the MTU: refused and counted. */
	memset(&mx, 0, sizeof(mx));
	CU_ASSERT_EQUAL(net_udp_reply(&port, m, &info, 1500, &mx), -1);
	check_only_counter(C(DROP_NET_TOO_BIG));
	rte_pktmbuf_free(m);

	/* IPv6 */
	CU_ASSERT_EQUAL_FATAL(run_input(f, b_udp6(f), 0, &m, &info), V(UDP));
	memcpy(rte_pktmbuf_mtod_offset(m, char *, info.payload_offset), answer, alen);
	memset(&mx, 0, sizeof(mx));
	CU_ASSERT_EQUAL(net_udp_reply(&port, m, &info, alen, &mx), 0);
	check_only_counter(NONE);
	{
		const struct rte_ipv6_hdr *ip = ip6_of(m);
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);

		check_eth(m, mac_peer, RTE_ETHER_TYPE_IPV6);
		CU_ASSERT_EQUAL(m->pkt_len, ETH_LEN + IP6_LEN + 8 + alen);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->payload_len), 8 + alen);
		CU_ASSERT_EQUAL(memcmp(ip->src_addr, ip6_us, 16), 0);
		CU_ASSERT_EQUAL(memcmp(ip->dst_addr, ip6_peer, 16), 0);
		CU_ASSERT_EQUAL(ip->hop_limits, 64);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->src_port), 3478);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dst_port), 40000);
		CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(ip, udp), 0);
	}
	rte_pktmbuf_free(m);
}

/* A datagram to an extra address is answered from that address. */
static void
test_udp_reply_extra(void)
{
	static const char answer[] = "answer";
	const uint16_t alen = sizeof(answer) - 1;
	struct net_udp_info info;
	struct rte_mbuf *m;
	uint8_t f[512];

	fresh_neigh();
	CU_ASSERT_EQUAL_FATAL(run_input(f, b_udp4_extra(f), 0, &m, &info), V(UDP));
	memcpy(rte_pktmbuf_mtod_offset(m, char *, info.payload_offset), answer, alen);
	memset(&mx, 0, sizeof(mx));
	CU_ASSERT_EQUAL(net_udp_reply(&port, m, &info, alen, &mx), 0);
	check_only_counter(NONE);
	{
		const struct rte_ipv4_hdr *ip = ip4_of(m);
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);

		check_eth(m, mac_peer, RTE_ETHER_TYPE_IPV4);
		CU_ASSERT_EQUAL(m->pkt_len, ETH_LEN + IP4_LEN + 8 + alen);
		CU_ASSERT_EQUAL(rte_raw_cksum(ip, IP4_LEN), 0xffff);
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->src_addr), ip_extra2);
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->dst_addr), ip_peer);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->src_port), 3478);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dst_port), 40000);
		CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_verify(ip, udp), 0);
	}
	rte_pktmbuf_free(m);

	CU_ASSERT_EQUAL_FATAL(run_input(f, b_udp6_extra(f), 0, &m, &info), V(UDP));
	memcpy(rte_pktmbuf_mtod_offset(m, char *, info.payload_offset), answer, alen);
	memset(&mx, 0, sizeof(mx));
	CU_ASSERT_EQUAL(net_udp_reply(&port, m, &info, alen, &mx), 0);
	check_only_counter(NONE);
	{
		const struct rte_ipv6_hdr *ip = ip6_of(m);
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);

		check_eth(m, mac_peer, RTE_ETHER_TYPE_IPV6);
		CU_ASSERT_EQUAL(memcmp(ip->src_addr, ip6_extra, 16), 0);
		CU_ASSERT_EQUAL(memcmp(ip->dst_addr, ip6_peer, 16), 0);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->src_port), 3478);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dst_port), 40000);
		CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(ip, udp), 0);
	}
	rte_pktmbuf_free(m);
}

/* net_udp_send with an extra address as src_addr: relayed data leaves from it. */
static void
test_send_from_extra(void)
{
	rte_be32_t src4 = rte_cpu_to_be_32(ip_extra), dst4 = rte_cpu_to_be_32(ip_peer);
	struct rte_mbuf *m, *probe;
	uint8_t f[128];

	fresh_neigh();
	now = 30 * hz;
	/* ARP for the extra address teaches the requester, as for the primary one. */
	feed(f, b_arp_extra(f), V(TX), C(ARP_REPLIED));
	m = payload_mbuf("relayed");
	memset(&mx, 0, sizeof(mx));
	CU_ASSERT_EQUAL(net_udp_send(&port, m, AF_INET, (const uint8_t *)&src4, 50000,
				     (const uint8_t *)&dst4, 40000, pool, &probe, &mx, now), 0);
	check_only_counter(NONE);
	CU_ASSERT_PTR_NULL(probe);
	{
		const struct rte_ipv4_hdr *ip = ip4_of(m);
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);

		check_eth(m, mac_peer, RTE_ETHER_TYPE_IPV4);
		CU_ASSERT_EQUAL(rte_raw_cksum(ip, IP4_LEN), 0xffff);
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->src_addr), ip_extra);
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->dst_addr), ip_peer);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->src_port), 50000);
		CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_verify(ip, udp), 0);
	}
	rte_pktmbuf_free(m);

	/* NS for an extra IPv6 address teaches the solicitor too. */
	feed(f, b_ns_extra(f), V(TX), C(NDP_ADVERTISED));
	m = payload_mbuf("relayed");
	memset(&mx, 0, sizeof(mx));
	CU_ASSERT_EQUAL(net_udp_send(&port, m, AF_INET6, ip6_extra, 50000, ip6_peer, 40000, pool,
				     &probe, &mx, now), 0);
	check_only_counter(NONE);
	check_sent6(m, mac_peer, ip6_extra, ip6_peer);
	rte_pktmbuf_free(m);
}

/* net_udp_send_sum with a known payload sum and a neighbour cache (struct net_neigh_cache). */
static int
send4_cached(uint32_t dst, struct net_neigh_cache *cache, struct rte_mbuf **m,
	     struct rte_mbuf **probe)
{
	rte_be32_t d = rte_cpu_to_be_32(dst);

	*m = payload_mbuf("relayed");
	memset(&mx, 0, sizeof(mx));
	return net_udp_send_sum(&port, *m, AF_INET, NULL, 50000, (const uint8_t *)&d, 40000, pool,
				probe, &mx, now, rte_raw_cksum("relayed", 7), cache);
}

static void
test_send4_neigh_cache(void)
{
	struct net_neigh_cache cache = { 0 };
	struct rte_mbuf *m, *probe;
	uint8_t f[128];

	fresh_neigh();
	now = 2000 * hz;
	/* Unresolved: nothing cached, the probe goes out as without a cache. */
	CU_ASSERT_EQUAL(send4_cached(ip_peer, &cache, &m, &probe), -EAGAIN);
	CU_ASSERT_PTR_NULL(cache.port);
	CU_ASSERT_PTR_NOT_NULL(probe);
	rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);

	/* Reachable: sent (checksums from the given payload sum verify) and cached. */
	feed(f, b_arp_reply(f), V(FREE), C(ARP_LEARNED));
	CU_ASSERT_EQUAL(send4_cached(ip_peer, &cache, &m, &probe), 0);
	check_only_counter(NONE);
	check_sent4(m, mac_peer, ip_peer);
	CU_ASSERT_PTR_EQUAL(cache.port, &port);
	CU_ASSERT_EQUAL(memcmp(cache.mac.addr_bytes, mac_peer, 6), 0);
	rte_pktmbuf_free(m);

	/* The neighbour moves: the same burst (same now) still uses the cached MAC... */
	feed(f, put_arp(f, mac_bcast, RTE_ARP_OP_REQUEST, mac_peer2, ip_peer, zero6, ip_peer),
	     V(FREE), C(ARP_LEARNED));
	CU_ASSERT_EQUAL(send4_cached(ip_peer, &cache, &m, &probe), 0);
	check_sent4(m, mac_peer, ip_peer);
	rte_pktmbuf_free(m);
	/* ...an emptied cache (a new burst) asks the table... */
	cache.port = NULL;
	CU_ASSERT_EQUAL(send4_cached(ip_peer, &cache, &m, &probe), 0);
	check_sent4(m, mac_peer2, ip_peer);
	rte_pktmbuf_free(m);
	/* ...and so does another clock, even if the caller forgot to empty it. */
	memcpy(cache.mac.addr_bytes, mac_peer, 6);
	now += 1;
	CU_ASSERT_EQUAL(send4_cached(ip_peer, &cache, &m, &probe), 0);
	check_sent4(m, mac_peer2, ip_peer);
	rte_pktmbuf_free(m);

	/* Another destination in the same burst is not served from the entry. */
	CU_ASSERT_EQUAL(send4_cached(ip_peer + 1, &cache, &m, &probe), -EAGAIN);
	if (probe != NULL)
		rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);

	/* Stale (past the reachable time): used but not cached, so it is re-probed. */
	cache.port = NULL;
	now += 301 * hz;
	CU_ASSERT_EQUAL(send4_cached(ip_peer, &cache, &m, &probe), 0);
	CU_ASSERT_PTR_NOT_NULL(probe);
	CU_ASSERT_PTR_NULL(cache.port);
	if (probe != NULL)
		rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);
}

static void
test_cksum_update(void)
{
	uint8_t buf[20] = { 0x45, 0, 0, 28, 0x12, 0x34, 0, 0, 32, 17, 0, 0,
			    198, 18, 0, 2, 198, 18, 0, 1 };
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	uint16_t ck;

	ip->hdr_checksum = rte_ipv4_cksum(ip);
	/* Rewrite the destination address and TTL incrementally; compare with a full sum. */
	{
		rte_be32_t old = ip->dst_addr, nw = rte_cpu_to_be_32(ip_far);
		uint16_t old_w, new_w;

		ck = net_cksum_update32(ip->hdr_checksum, old, nw);
		ip->dst_addr = nw;
		memcpy(&old_w, &buf[8], 2);
		buf[8] = 64;
		memcpy(&new_w, &buf[8], 2);
		ck = net_cksum_update16(ck, old_w, new_w);
	}
	ip->hdr_checksum = 0;
	CU_ASSERT_EQUAL(ck, rte_ipv4_cksum(ip));
	{
		uint8_t b[4];

		memcpy(b, ip6_far, 4);
		ip->hdr_checksum = ck;
		ck = net_cksum_update_bytes(ck, &ip->src_addr, b, 4);
		memcpy(&ip->src_addr, b, 4);
		ip->hdr_checksum = 0;
		CU_ASSERT_EQUAL(ck, rte_ipv4_cksum(ip));
	}
}

static void
test_neigh_table(void)
{
	struct net_neigh_table *t = net_neigh_create(4, SOCKET_ID_ANY);
	struct net_neigh_stats st;
	struct rte_mbuf *m, *probe;
	struct net_neigh_table *saved = port.neigh;
	int i;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_PTR_NULL(net_neigh_create(0, SOCKET_ID_ANY));
	port.neigh = t;
	now = 20 * hz;
	/* Four slots fill up; the fifth neighbour is refused and counted in the table. */
	for (i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(send4(IP4(198, 18, 0, 10 + i), &m, &probe), -EAGAIN);
		if (i < 4)
			check_only_counter(C(ARP_REQUESTED));
		else
			check_only_counter(-1);
		rte_pktmbuf_free(probe);
		rte_pktmbuf_free(m);
	}
	net_neigh_stats(t, &st);
	CU_ASSERT_EQUAL(st.full, 1);
	port.neigh = saved;
	net_neigh_free(t);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal_argv[] = { argv[0], "--no-huge", "-m", "128", "--no-pci", "--no-telemetry",
			     "--log-level=warning", prefix, NULL };
	CU_pSuite s;
	unsigned int failed;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=dturn-unit-net-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal_argv) - 1, eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	hz = rte_get_tsc_hz();
	pool = rte_pktmbuf_pool_create("net_test", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "mempool: %s\n", rte_strerror(rte_errno));
		return 1;
	}

	memcpy(port.mac.addr_bytes, mac_us, 6);
	port.has_ipv4 = true;
	port.ipv4 = rte_cpu_to_be_32(ip_us);
	port.ipv4_prefix = 24;
	port.ipv4_gw = rte_cpu_to_be_32(ip_gw);
	port.has_ipv6 = true;
	memcpy(port.ipv6, ip6_us, 16);
	port.ipv6_prefix = 64;
	port.has_ipv6_gw = true;
	memcpy(port.ipv6_gw, ip6_gw, 16);
	net_ipv6_link_local(&port.mac, port.ipv6_ll);
	port.mtu = 1500;
	port.ipv4_extra[0] = rte_cpu_to_be_32(ip_extra);
	port.ipv4_extra[1] = rte_cpu_to_be_32(ip_extra2);
	port.ipv4_extra_count = 2;
	memcpy(port.ipv6_extra[0], ip6_extra, 16);
	memcpy(port.ipv6_extra[1], ip6_extra2, 16);
	port.ipv6_extra_count = 2;
	{
		static const uint8_t want_ll[16] = { 0xfe, 0x80, [11] = 0xff, 0xfe, 0, 0, 0x01 };

		/* 02:... has the local bit set; EUI-64 flips it to 00. */
		if (memcmp(port.ipv6_ll, want_ll, 16) != 0) {
			fprintf(stderr, "unexpected link-local address\n");
			return 1;
		}
	}
	memcpy(sn_us_ll, (const uint8_t[]){ 0xff, 0x02, [11] = 0x01, 0xff }, 13);
	memcpy(sn_us_ll + 13, port.ipv6_ll + 13, 3);

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("net", NULL, NULL);
	CU_add_test(s, "golden input frames", test_golden);
	CU_add_test(s, "IPv4 send: ARP probe, rate limit, learning, staleness", test_send4_resolve);
	CU_add_test(s, "IPv4 send: learned from an ARP request", test_send4_learn_from_request);
	CU_add_test(s, "IPv4 send: gateway and no route", test_send4_gateway);
	CU_add_test(s, "IPv4 send: payload sum given, neighbour cache", test_send4_neigh_cache);
	CU_add_test(s, "IPv6 send: NS probe, rate limit, NA learning", test_send6_resolve);
	CU_add_test(s, "IPv6 send: gateway, NS learning, no route", test_send6_gateway_and_ns_learning);
	CU_add_test(s, "UDP reply in place (v4, v6)", test_udp_reply);
	CU_add_test(s, "UDP reply from an extra address (v4, v6)", test_udp_reply_extra);
	CU_add_test(s, "UDP send from an extra address (v4, v6)", test_send_from_extra);
	CU_add_test(s, "incremental checksum helpers", test_cksum_update);
	CU_add_test(s, "neighbour table capacity", test_neigh_table);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	net_neigh_free(port.neigh);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return failed == 0 ? 0 : 1;
}
