/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The checksum helpers of lib/net/net_cksum.h against DPDK's full
 * recomputation (rte_raw_cksum, rte_ipv4_cksum, rte_ipv4/ipv6_udptcp_cksum)
 * on random bytes and random headers: every length, every alignment, IPv4
 * and IPv6, and the incremental updates (RFC 1624) against a full sum after
 * the rewrite. Pure functions: no EAL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "net_cksum.h"

/* xorshift64: a fixed seed, so a failure repeats. */
static uint64_t rng = UINT64_C(0x9E3779B97F4A7C15);

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
fill(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rnd();
}

/* Every length 0..2100 at every alignment 0..7, random bytes and all-0xff (carries). */
static void
test_raw(void)
{
	static uint8_t buf[2200];

	for (unsigned int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			fill(buf, sizeof(buf));
		else
			memset(buf, 0xff, sizeof(buf));
		for (size_t len = 0; len <= 2100; len++)
			for (size_t off = 0; off < 8; off++)
				CU_ASSERT_EQUAL_FATAL(net_cksum_raw(buf + off, len),
						      rte_raw_cksum(buf + off, len));
	}
}

/* net_cksum_at: a part's sum at an odd or even offset adds up to the whole's. */
static void
test_at(void)
{
	uint8_t buf[300];

	for (unsigned int round = 0; round < 2000; round++) {
		size_t len = 1 + rnd() % 299, cut = rnd() % (len + 1);
		uint16_t whole, parts;

		fill(buf, len);
		whole = rte_raw_cksum(buf, len);
		parts = net_cksum_add(net_cksum_at(buf, cut, 0), net_cksum_at(buf + cut, len - cut, cut));
		/* 0 and 0xffff are the same one's complement number */
		CU_ASSERT_EQUAL(whole % 0xffff, parts % 0xffff);
	}
}

/* The raw sum of a header's words other than the length, the checksum and the addresses. */
static uint16_t
ipv4_fixed_sum(const struct rte_ipv4_hdr *ip)
{
	struct rte_ipv4_hdr h = *ip;

	h.total_length = 0;
	h.hdr_checksum = 0;
	h.src_addr = 0;
	h.dst_addr = 0;
	return rte_raw_cksum(&h, sizeof(h));
}

static void
test_words32_and_ipv4_header(void)
{
	uint8_t buf[40];

	for (unsigned int round = 0; round < 10000; round++) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
		unsigned int n = (unsigned int)(rnd() % 10);
		uint32_t addr_sum;

		fill(buf, sizeof(buf));
		CU_ASSERT_EQUAL_FATAL(net_cksum_words32(buf, n), rte_raw_cksum(buf, 4 * n));
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->hdr_checksum = 0;
		addr_sum = net_cksum_val32(ip->src_addr) + net_cksum_val32(ip->dst_addr);
		CU_ASSERT_EQUAL_FATAL(net_cksum_ipv4_hdr_from(ipv4_fixed_sum(ip), ip->total_length,
							      addr_sum),
				      rte_ipv4_cksum(ip));
	}
}

/* A random IPv4 or IPv6 + UDP datagram: net_cksum_udp_from as the full sum. */
static void
check_udp(bool v4, size_t payload_len, uint8_t *pkt)
{
	size_t l3 = v4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(pkt + l3);
	uint32_t addr_sum;
	uint16_t want, got;

	fill(pkt, l3 + sizeof(*udp) + payload_len);
	if (v4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)pkt;

		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->next_proto_id = IPPROTO_UDP;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + sizeof(*udp) + payload_len));
		addr_sum = net_cksum_val32(ip->src_addr) + net_cksum_val32(ip->dst_addr);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)pkt;

		ip->vtc_flow = rte_cpu_to_be_32(UINT32_C(6) << 28);
		ip->proto = IPPROTO_UDP;
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + payload_len));
		addr_sum = (uint32_t)net_cksum_words32(ip->src_addr, 4) +
			   net_cksum_words32(ip->dst_addr, 4);
	}
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + payload_len));
	udp->dgram_cksum = 0;
	want = v4 ? rte_ipv4_udptcp_cksum((const struct rte_ipv4_hdr *)pkt, udp) :
		    rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)pkt, udp);
	got = net_cksum_udp_from(addr_sum, udp->src_port, udp->dst_port, udp->dgram_len,
				 net_cksum_raw(udp + 1, payload_len));
	CU_ASSERT_EQUAL_FATAL(got, want);
	/* and it verifies: the datagram with it sums to 0xffff */
	udp->dgram_cksum = got;
	CU_ASSERT_EQUAL_FATAL(v4 ? rte_ipv4_udptcp_cksum_verify((const struct rte_ipv4_hdr *)pkt, udp) :
				   rte_ipv6_udptcp_cksum_verify((const struct rte_ipv6_hdr *)pkt, udp),
			      0);
}

static void
test_udp_from_parts(void)
{
	static uint8_t pkt[2000];

	for (unsigned int round = 0; round < 4000; round++) {
		check_udp(true, rnd() % 1400, pkt);
		check_udp(false, rnd() % 1400, pkt);
	}
	/* lengths 0..64 one by one: the tail cases of the payload sum */
	for (size_t len = 0; len <= 64; len++) {
		check_udp(true, len, pkt);
		check_udp(false, len, pkt);
	}
}

/* A computed 0 goes out as 0xffff (RFC 768): a datagram made to sum to exactly that. */
static void
test_udp_zero_becomes_ffff(void)
{
	uint8_t pkt[64] = { 0 };
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(pkt + 20);
	uint16_t addr_sum = 0, sum;

	udp->dgram_len = rte_cpu_to_be_16(8 + 2);
	/*
	 * With an empty payload the checksum is ~S (S: the sum of the rest);
	 * a payload word equal to it brings the total to S + ~S = 0xffff,
	 * whose complement is 0.
	 */
	sum = net_cksum_udp_from(addr_sum, udp->src_port, udp->dst_port, udp->dgram_len, 0);
	memcpy(udp + 1, &sum, 2);
	CU_ASSERT_EQUAL(net_cksum_udp_from(addr_sum, udp->src_port, udp->dst_port, udp->dgram_len,
					   net_cksum_raw(udp + 1, 2)),
			0xffff);
}

/* RFC 1624 updates of random IPv4 and IPv6 headers against a full recomputation. */
static void
test_incremental(void)
{
	for (unsigned int round = 0; round < 10000; round++) {
		uint8_t buf[40 + 8];
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
		uint32_t nw;
		uint16_t ck, old_w, new_w;

		fill(buf, sizeof(buf));
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		nw = (uint32_t)rnd();
		ck = net_cksum_update32(ip->hdr_checksum, ip->dst_addr, nw);
		ip->dst_addr = nw;
		old_w = ip->total_length;
		new_w = (uint16_t)rnd();
		ck = net_cksum_update16(ck, old_w, new_w);
		ip->total_length = new_w;
		ip->hdr_checksum = 0;
		/* equal as one's complement numbers (0 and 0xffff) */
		CU_ASSERT_EQUAL_FATAL(ck % 0xffff, rte_ipv4_cksum(ip) % 0xffff);

		/* IPv6 + UDP: rewrite the source address, checksum updated incrementally */
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)buf;
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(buf + 40);
		uint8_t addr[16];

		fill(buf, sizeof(buf));
		ip6->vtc_flow = rte_cpu_to_be_32(UINT32_C(6) << 28);
		ip6->proto = IPPROTO_UDP;
		ip6->payload_len = rte_cpu_to_be_16(8);
		udp->dgram_len = rte_cpu_to_be_16(8);
		udp->dgram_cksum = 0;
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip6, udp);
		fill(addr, sizeof(addr));
		ck = net_cksum_update_bytes(udp->dgram_cksum, ip6->src_addr, addr, 16);
		memcpy(ip6->src_addr, addr, 16);
		udp->dgram_cksum = 0;
		CU_ASSERT_EQUAL_FATAL(ck % 0xffff, rte_ipv6_udptcp_cksum(ip6, udp) % 0xffff);
	}
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("net_cksum", NULL, NULL);
	CU_add_test(s, "raw sum = rte_raw_cksum, every length and alignment", test_raw);
	CU_add_test(s, "sum of parts at odd and even offsets", test_at);
	CU_add_test(s, "fixed-size words and the IPv4 header checksum", test_words32_and_ipv4_header);
	CU_add_test(s, "UDP checksum from parts, IPv4 and IPv6", test_udp_from_parts);
	CU_add_test(s, "UDP checksum 0 goes out as 0xffff", test_udp_zero_becomes_ffff);
	CU_add_test(s, "incremental updates, IPv4 and IPv6", test_incremental);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
