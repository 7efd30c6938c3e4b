/* SPDX-License-Identifier: BSD-3-Clause */
/* Frame builders and the output parser of the data-plane tests (see dp_frames.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <CUnit/CUnit.h>

#include <rte_arp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dp_frames.h"

#define ETH_LEN ((uint16_t)sizeof(struct rte_ether_hdr))
#define IPV4_LEN ((uint16_t)sizeof(struct rte_ipv4_hdr))
#define IPV6_LEN ((uint16_t)sizeof(struct rte_ipv6_hdr))
#define UDP_LEN ((uint16_t)sizeof(struct rte_udp_hdr))
#define MIN_FRAME 60

#define WHY(...) do { fprintf(stderr, "  output frame: " __VA_ARGS__); fputc('\n', stderr); \
		      return false; } while (0)

int
fr_addr(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, text, out) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, text, out) == 1)
		return AF_INET6;
	fprintf(stderr, "bad address in a test: %s\n", text);
	CU_FAIL_FATAL("bad address");
	return -1;
}

static uint8_t *
new_frame(struct rte_mempool *mp, uint16_t len, struct rte_mbuf **out)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(p, 0, len);
	*out = m;
	return p;
}

struct rte_mbuf *
fr_udp_build(struct rte_mempool *mp, const struct fr_udp *f)
{
	uint8_t src[16], dst[16];
	int family = fr_addr(f->src, src);
	uint16_t opt = (f->defects & FR_IPV4_OPTIONS) ? 4 : 0;
	uint16_t l3 = family == AF_INET ? IPV4_LEN + opt : IPV6_LEN;
	uint16_t total = ETH_LEN + l3 + UDP_LEN + f->len;
	uint16_t frame = (f->defects & FR_ETH_PAD) && total < MIN_FRAME ? MIN_FRAME : total;
	struct rte_mbuf *m;
	uint8_t *p = new_frame(mp, frame, &m);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(p + ETH_LEN + l3);

	CU_ASSERT_EQUAL_FATAL(fr_addr(f->dst, dst), family);
	rte_ether_addr_copy(f->dst_mac, &eth->dst_addr);
	rte_ether_addr_copy(f->src_mac, &eth->src_addr);
	udp->src_port = rte_cpu_to_be_16(f->sport);
	udp->dst_port = rte_cpu_to_be_16(f->dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(UDP_LEN + f->len));
	udp->dgram_cksum = 0;
	if (f->len > 0)
		memcpy(udp + 1, f->payload, f->len);

	if (family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = (uint8_t)(0x40 | (l3 / 4));
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + UDP_LEN + f->len));
		ip->packet_id = rte_cpu_to_be_16(0x1234);
		ip->fragment_offset = (f->defects & FR_IPV4_MF) ?
			rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG) : rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_UDP;
		memcpy(&ip->src_addr, src, 4);
		memcpy(&ip->dst_addr, dst, 4);
		if (opt > 0)
			memset(ip + 1, 1 /* NOP */, opt);
		ip->hdr_checksum = 0;
		/* rte_ipv4_cksum covers 20 bytes only: sum the options too. */
		ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, l3);
		if (!(f->defects & FR_NO_UDP_CKSUM)) {
			if (opt == 0) {
				udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
			} else {
				/* The pseudo-header does not depend on the options. */
				struct rte_ipv4_hdr plain = *ip;

				plain.version_ihl = RTE_IPV4_VHL_DEF;
				plain.total_length = rte_cpu_to_be_16((uint16_t)(IPV4_LEN + UDP_LEN + f->len));
				udp->dgram_cksum = 0;
				uint32_t sum = rte_ipv4_phdr_cksum(&plain, 0);

				sum += rte_raw_cksum(udp, UDP_LEN + f->len);
				sum = (sum & 0xffff) + (sum >> 16);
				sum = (sum & 0xffff) + (sum >> 16);
				udp->dgram_cksum = (uint16_t)~sum;
				if (udp->dgram_cksum == 0)
					udp->dgram_cksum = 0xffff;
			}
		}
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip->vtc_flow = rte_cpu_to_be_32(UINT32_C(6) << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(UDP_LEN + f->len));
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, src, 16);
		memcpy(ip->dst_addr, dst, 16);
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp);
	}
	if (frame > total)
		memset(p + total, 0xee, frame - total);
	if (f->defects & FR_BAD_UDP_CKSUM)
		udp->dgram_cksum = (uint16_t)(udp->dgram_cksum == 1 ? 2 : udp->dgram_cksum - 1);
	return m;
}

struct rte_mbuf *
eth_ipv4_udp(struct rte_mempool *mp, const struct rte_ether_addr *src_mac,
	     const struct rte_ether_addr *dst_mac, const char *src, uint16_t sport, const char *dst,
	     uint16_t dport, const void *payload, uint16_t len)
{
	struct fr_udp f = {
		.src_mac = src_mac, .dst_mac = dst_mac, .src = src, .dst = dst,
		.sport = sport, .dport = dport, .payload = payload, .len = len,
	};

	return fr_udp_build(mp, &f);
}

struct rte_mbuf *
eth_ipv6_udp(struct rte_mempool *mp, const struct rte_ether_addr *src_mac,
	     const struct rte_ether_addr *dst_mac, const char *src, uint16_t sport, const char *dst,
	     uint16_t dport, const void *payload, uint16_t len)
{
	return eth_ipv4_udp(mp, src_mac, dst_mac, src, sport, dst, dport, payload, len);
}

struct rte_mbuf *
eth_arp(struct rte_mempool *mp, uint16_t op, const struct rte_ether_addr *eth_dst,
	const struct rte_ether_addr *sha, const char *sip, const struct rte_ether_addr *tha,
	const char *tip)
{
	struct rte_mbuf *m;
	uint8_t *p = new_frame(mp, MIN_FRAME, &m); /* padded like a NIC delivers it */
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	uint8_t a[16];

	rte_ether_addr_copy(eth_dst, &eth->dst_addr);
	rte_ether_addr_copy(sha, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(sha, &arp->arp_data.arp_sha);
	CU_ASSERT_EQUAL_FATAL(fr_addr(sip, a), AF_INET);
	memcpy(&arp->arp_data.arp_sip, a, 4);
	if (tha != NULL)
		rte_ether_addr_copy(tha, &arp->arp_data.arp_tha);
	CU_ASSERT_EQUAL_FATAL(fr_addr(tip, a), AF_INET);
	memcpy(&arp->arp_data.arp_tip, a, 4);
	return m;
}

struct rte_mbuf *
eth_ipv6_na(struct rte_mempool *mp, const struct rte_ether_addr *src_mac,
	    const struct rte_ether_addr *dst_mac, const char *src, const char *dst)
{
	const uint16_t icmp_len = 24 + 8; /* NA body, one target link-layer address option */
	struct rte_mbuf *m;
	uint8_t *p = new_frame(mp, ETH_LEN + IPV6_LEN + icmp_len, &m);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	uint8_t *icmp = (uint8_t *)(ip + 1);
	uint16_t ck;

	rte_ether_addr_copy(dst_mac, &eth->dst_addr);
	rte_ether_addr_copy(src_mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = rte_cpu_to_be_32(UINT32_C(6) << 28);
	ip->payload_len = rte_cpu_to_be_16(icmp_len);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 255;
	CU_ASSERT_EQUAL_FATAL(fr_addr(src, ip->src_addr), AF_INET6);
	CU_ASSERT_EQUAL_FATAL(fr_addr(dst, ip->dst_addr), AF_INET6);
	icmp[0] = 136;                 /* neighbour advertisement */
	icmp[4] = 0x40 | 0x20;         /* solicited, override */
	memcpy(icmp + 8, ip->src_addr, 16);
	icmp[24] = 2;                  /* target link-layer address */
	icmp[25] = 1;
	memcpy(icmp + 26, src_mac->addr_bytes, 6);
	ck = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &ck, 2);
	return m;
}

bool
fr_is_ns(const struct rte_mbuf *m, const struct rte_ether_addr *port_mac, const char *target)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	const uint8_t *icmp = (const uint8_t *)(ip + 1);
	uint8_t t[16];
	const struct rte_ether_addr group = { { 0x33, 0x33, 0xff, 0, 0, 0 } };
	struct rte_ether_addr want = group;

	fr_addr(target, t);
	memcpy(&want.addr_bytes[3], t + 13, 3);
	if (m->data_len < ETH_LEN + IPV6_LEN + 24 ||
	    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6))
		WHY("not an IPv6 frame");
	if (!fr_mac_eq(&eth->dst_addr, &want, "NS destination MAC") ||
	    !fr_mac_eq(&eth->src_addr, port_mac, "NS source MAC"))
		return false;
	if (rte_be_to_cpu_16(ip->payload_len) != m->data_len - ETH_LEN - IPV6_LEN ||
	    ip->proto != IPPROTO_ICMPV6 || ip->hop_limits != 255)
		WHY("NS IPv6 header wrong");
	if (ip->dst_addr[0] != 0xff || ip->dst_addr[1] != 0x02 || ip->dst_addr[11] != 1 ||
	    ip->dst_addr[12] != 0xff || memcmp(ip->dst_addr + 13, t + 13, 3) != 0)
		WHY("NS not sent to the solicited-node group");
	if (icmp[0] != 135 || icmp[1] != 0 || memcmp(icmp + 8, t, 16) != 0)
		WHY("not a solicitation for the target");
	if (rte_ipv6_udptcp_cksum_verify(ip, icmp) != 0)
		WHY("ICMPv6 checksum wrong");
	return true;
}

struct rte_mbuf *
eth_raw(struct rte_mempool *mp, const void *bytes, uint16_t len)
{
	struct rte_mbuf *m;
	uint8_t *p = new_frame(mp, len, &m);

	memcpy(p, bytes, len);
	return m;
}


bool
fr_parse_udp(const struct rte_mbuf *m, struct fr_out *o)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;
	uint32_t len = m->data_len;
	const struct rte_udp_hdr *udp;
	uint16_t l3;

	memset(o, 0, sizeof(*o));
	if (m->nb_segs != 1 || m->pkt_len != m->data_len)
		WHY("%u segments, pkt_len %u data_len %u", m->nb_segs, m->pkt_len, m->data_len);
	if (len < ETH_LEN)
		WHY("%u bytes: no Ethernet header", len);
	rte_ether_addr_copy(&eth->dst_addr, &o->dst_mac);
	rte_ether_addr_copy(&eth->src_addr, &o->src_mac);
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);

		o->family = AF_INET;
		l3 = IPV4_LEN;
		if (len < ETH_LEN + IPV4_LEN + UDP_LEN)
			WHY("IPv4 frame of %u bytes", len);
		if (ip->version_ihl != RTE_IPV4_VHL_DEF)
			WHY("version/IHL 0x%02x", ip->version_ihl);
		if (rte_be_to_cpu_16(ip->total_length) != len - ETH_LEN)
			WHY("IPv4 total length %u, frame carries %u", rte_be_to_cpu_16(ip->total_length),
			    len - ETH_LEN);
		if (rte_raw_cksum(ip, IPV4_LEN) != 0xffff || ip->hdr_checksum == 0)
			WHY("IPv4 header checksum 0x%04x wrong", rte_be_to_cpu_16(ip->hdr_checksum));
		if (rte_be_to_cpu_16(ip->fragment_offset) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
			WHY("fragment bits set");
		if (ip->next_proto_id != IPPROTO_UDP)
			WHY("protocol %u", ip->next_proto_id);
		memcpy(o->src, &ip->src_addr, 4);
		memcpy(o->dst, &ip->dst_addr, 4);
		o->ttl = ip->time_to_live;
		udp = (const struct rte_udp_hdr *)(ip + 1);
		if (udp->dgram_cksum == 0 || rte_ipv4_udptcp_cksum_verify(ip, udp) != 0)
			WHY("UDP checksum 0x%04x wrong", rte_be_to_cpu_16(udp->dgram_cksum));
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);

		o->family = AF_INET6;
		l3 = IPV6_LEN;
		if (len < ETH_LEN + IPV6_LEN + UDP_LEN)
			WHY("IPv6 frame of %u bytes", len);
		if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
			WHY("IPv6 version %u", rte_be_to_cpu_32(ip->vtc_flow) >> 28);
		if (rte_be_to_cpu_16(ip->payload_len) != len - ETH_LEN - IPV6_LEN)
			WHY("IPv6 payload length %u, frame carries %u", rte_be_to_cpu_16(ip->payload_len),
			    len - ETH_LEN - IPV6_LEN);
		if (ip->proto != IPPROTO_UDP)
			WHY("next header %u", ip->proto);
		memcpy(o->src, ip->src_addr, 16);
		memcpy(o->dst, ip->dst_addr, 16);
		o->ttl = ip->hop_limits;
		udp = (const struct rte_udp_hdr *)(ip + 1);
		if (udp->dgram_cksum == 0 || rte_ipv6_udptcp_cksum_verify(ip, udp) != 0)
			WHY("UDP checksum 0x%04x wrong", rte_be_to_cpu_16(udp->dgram_cksum));
	} else {
		WHY("EtherType 0x%04x", rte_be_to_cpu_16(eth->ether_type));
	}
	if (rte_be_to_cpu_16(udp->dgram_len) != len - ETH_LEN - l3)
		WHY("UDP length %u, frame carries %u", rte_be_to_cpu_16(udp->dgram_len),
		    len - ETH_LEN - l3);
	o->sport = rte_be_to_cpu_16(udp->src_port);
	o->dport = rte_be_to_cpu_16(udp->dst_port);
	o->payload = (const uint8_t *)(udp + 1);
	o->payload_len = (uint16_t)(len - ETH_LEN - l3 - UDP_LEN);
	return true;
}

bool
fr_mac_eq(const struct rte_ether_addr *got, const struct rte_ether_addr *want, const char *what)
{
	char g[RTE_ETHER_ADDR_FMT_SIZE], w[RTE_ETHER_ADDR_FMT_SIZE];

	if (rte_is_same_ether_addr(got, want))
		return true;
	rte_ether_format_addr(g, sizeof(g), got);
	rte_ether_format_addr(w, sizeof(w), want);
	fprintf(stderr, "  %s: %s, expected %s\n", what, g, w);
	return false;
}

bool
fr_ip_eq(int family, const uint8_t *got, const char *want, const char *what)
{
	uint8_t w[16];
	char g[INET6_ADDRSTRLEN];

	if (fr_addr(want, w) == family && memcmp(got, w, family == AF_INET ? 4 : 16) == 0)
		return true;
	inet_ntop(family, got, g, sizeof(g));
	fprintf(stderr, "  %s: %s, expected %s\n", what, g, want);
	return false;
}
