/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the whole frame path of a worker, minus the NIC:
 * Ethernet frame in (lib/net net_input on a fake port), then what
 * lib/dataplane does with a UDP datagram: on the STUN port, RFC 7983 demux to
 * turn_handle_stun or turn_handle_channel_data; on a relayed address and
 * port, turn_handle_peer_data; a reply is written back with net_udp_reply.
 * The TURN server has a real table holding two allocations with permissions
 * and channels (fuzz_world.h), so relay decisions are fuzzed, not only
 * "no allocation". Properties beyond "no crash, no ASan/UBSan report":
 * - every frame ends in exactly one outcome counter (a drop reason, an answer,
 *   a relay decision: fw_is_outcome), and a valid UDP datagram moves none in
 *   net_input itself;
 * - NET_VERDICT_UDP: the datagram's offsets and length lie inside the frame;
 * - a relay decision's data lies inside the datagram;
 * - every frame we would transmit (NET_VERDICT_TX, or a STUN reply after
 *   net_udp_reply) is self-consistent: data_len == pkt_len, the IP lengths
 *   match the frame, the IPv4 header checksum and the ICMP/ICMPv6/UDP
 *   checksums verify, and it goes back to the sender's MAC from ours;
 * - no mbuf leaks (the pool is full again after every input).
 */
#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "fuzz_world.h"

static uint8_t scratch[1536];
static unsigned int pool_full;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	fw_init((*argv)[0]);
	pool_full = rte_mempool_avail_count(FW.pool);
	return 0;
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A frame we would send: lengths and checksums consistent, addressed back. */
static void
check_tx_frame(struct rte_mbuf *m, const uint8_t *in_src_mac)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len;
	uint16_t et;

	FW_ASSERT(m->nb_segs == 1 && m->data_len == m->pkt_len);
	FW_ASSERT(len >= RTE_ETHER_HDR_LEN);
	FW_ASSERT((uint32_t)m->data_off + len <= m->buf_len);
	FW_ASSERT(memcmp(f + 6, FW.port.mac.addr_bytes, 6) == 0);
	if (in_src_mac != NULL)
		FW_ASSERT(memcmp(f, in_src_mac, 6) == 0);
	et = be16(f + 12);
	if (et == RTE_ETHER_TYPE_ARP) {
		FW_ASSERT(len >= RTE_ETHER_HDR_LEN + sizeof(struct rte_arp_hdr));
		return;
	}
	if (et == RTE_ETHER_TYPE_IPV4) {
		const struct rte_ipv4_hdr *ip = (const void *)(f + RTE_ETHER_HDR_LEN);
		uint16_t tot, ihl;

		FW_ASSERT(len >= RTE_ETHER_HDR_LEN + sizeof(*ip));
		ihl = (uint16_t)((ip->version_ihl & 0xf) * 4);
		tot = rte_be_to_cpu_16(ip->total_length);
		FW_ASSERT((ip->version_ihl >> 4) == 4 && ihl >= 20);
		FW_ASSERT((uint32_t)tot + RTE_ETHER_HDR_LEN == len);
		FW_ASSERT(rte_raw_cksum(ip, ihl) == 0xffff);
		FW_ASSERT(tot <= 1500);
		if (ip->next_proto_id == IPPROTO_UDP) {
			const struct rte_udp_hdr *u = (const void *)((const uint8_t *)ip + ihl);

			FW_ASSERT(tot >= ihl + sizeof(*u));
			FW_ASSERT(rte_be_to_cpu_16(u->dgram_len) == tot - ihl);
			FW_ASSERT(u->dgram_cksum != 0);
			FW_ASSERT(rte_ipv4_udptcp_cksum_verify(ip, u) == 0);
		} else if (ip->next_proto_id == IPPROTO_ICMP) {
			FW_ASSERT(tot >= ihl + 8);
			FW_ASSERT(rte_raw_cksum((const uint8_t *)ip + ihl, tot - ihl) == 0xffff);
		}
		return;
	}
	if (et == RTE_ETHER_TYPE_IPV6) {
		const struct rte_ipv6_hdr *ip = (const void *)(f + RTE_ETHER_HDR_LEN);
		uint16_t plen;

		FW_ASSERT(len >= RTE_ETHER_HDR_LEN + sizeof(*ip));
		plen = rte_be_to_cpu_16(ip->payload_len);
		FW_ASSERT((uint32_t)plen + sizeof(*ip) + RTE_ETHER_HDR_LEN == len);
		FW_ASSERT(plen + sizeof(*ip) <= 1500);
		if (ip->proto == IPPROTO_UDP || ip->proto == IPPROTO_ICMPV6) {
			const void *l4 = ip + 1;

			FW_ASSERT(plen >= (ip->proto == IPPROTO_UDP ? 8 : 4));
			if (ip->proto == IPPROTO_UDP)
				FW_ASSERT(be16((const uint8_t *)l4 + 4) == plen);
			FW_ASSERT(rte_ipv6_udptcp_cksum_verify(ip, l4) == 0);
		}
		return;
	}
	FW_ASSERT(!"transmitted frame with an unknown EtherType");
}

static void
handle_udp(struct rte_mbuf *m, const struct net_udp_info *info, const uint8_t *src_mac)
{
	const uint8_t *payload = rte_pktmbuf_mtod_offset(m, const uint8_t *, info->payload_offset);
	const struct turn_clock clk = { .now_ms = FW_NOW_MS, .now_s = FW_NOW_S };
	struct turn_endpoints ep;
	struct turn_relay rel;
	struct stun_addr peer, dst;
	enum turn_verdict v;
	size_t n = 0;
	uint8_t f = info->family == AF_INET ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6;
	struct metrics_lcore before = FW.mx;
	int which;

	memset(&ep, 0, sizeof(ep));
	ep.client.family = ep.local.family = f;
	memcpy(ep.client.addr, info->src_addr, sizeof(ep.client.addr));
	memcpy(ep.local.addr, info->dst_addr, sizeof(ep.local.addr));
	ep.client.port = info->src_port;
	ep.local.port = info->dst_port;
	memset(&rel, 0xa5, sizeof(rel));

	if (info->dst_port == FW_LISTEN) {
		metrics_inc(&FW.mx, METRICS_UDP_RECEIVED);
		switch (stun_demux(payload, info->payload_len)) {
		case STUN_DEMUX_STUN:
			v = turn_handle_stun(&FW.srv, payload, info->payload_len, &ep, &clk,
					     scratch, sizeof(scratch), &n, &rel, &FW.mx);
			break;
		case STUN_DEMUX_CHANNEL:
			v = turn_handle_channel_data(&FW.srv, payload, info->payload_len, &ep,
						     &clk, &rel, &FW.mx);
			break;
		default:
			if (info->payload_len > 0 && payload[0] >= 80 && payload[0] <= 127) {
				v = turn_handle_channel_data(&FW.srv, payload, info->payload_len,
							     &ep, &clk, &rel, &FW.mx);
				break;
			}
			metrics_inc(&FW.mx, METRICS_DROP_DEMUX_OTHER);
			v = TURN_VERDICT_DROP;
			break;
		}
	} else if (table_relay_port_in_range(FW.table, info->dst_port) &&
		   table_is_relay_addr(FW.table, f, info->dst_addr)) {
		peer = ep.client;
		dst = ep.local;
		v = turn_handle_peer_data(&FW.srv, &peer, &dst, info->payload_len, &clk, &rel,
					  &FW.mx);
	} else {
		metrics_inc(&FW.mx, METRICS_DROP_UDP_PORT);
		v = TURN_VERDICT_DROP;
	}

	if (fw_outcomes_since(&before, &which) != 1) {
		fprintf(stderr, "verdict %d moved these counters:\n", (int)v);
		fw_dump_moved(&before);
		FW_ASSERT(!"a datagram moved exactly one outcome counter");
	}

	switch (v) {
	case TURN_VERDICT_REPLY:
		FW_ASSERT(n > 0 && n <= sizeof(scratch));
		if ((size_t)info->payload_offset + n > (size_t)(m->buf_len - m->data_off))
			break;
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, info->payload_offset), scratch, n);
		if (net_udp_reply(&FW.port, m, info, (uint16_t)n, &FW.mx) == 0)
			check_tx_frame(m, src_mac);
		break;
	case TURN_VERDICT_RELAY:
		FW_ASSERT((uint64_t)rel.data_offset + rel.data_len <= info->payload_len);
		FW_ASSERT(rel.dst.family == STUN_FAMILY_IPV4 || rel.dst.family == STUN_FAMILY_IPV6);
		FW_ASSERT(rel.src.family == rel.dst.family);
		FW_ASSERT(table_is_relay_addr(FW.table, rel.src.family, rel.src.addr) ||
			  rel.to_client);
		break;
	case TURN_VERDICT_CONTROL:
		/* Allocate & co. change the table: not fuzzed here (repeatability). */
		break;
	case TURN_VERDICT_DROP:
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m;
	struct net_udp_info info;
	struct metrics_lcore before = FW.mx;
	uint8_t src_mac[6];
	enum net_verdict v;
	int which;
	uint64_t moved;

	if (size > 1514 + 64)
		return -1;
	m = rte_pktmbuf_alloc(FW.pool);
	FW_ASSERT(m != NULL);
	if (size > 0 && rte_pktmbuf_append(m, (uint16_t)size) == NULL) {
		rte_pktmbuf_free(m);
		return -1;
	}
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), data, size);
	if (size >= 12)
		memcpy(src_mac, data + 6, 6);
	memset(&info, 0x5a, sizeof(info));

	v = net_input(&FW.port, m, &info, &FW.mx, FW_NOW_MS * 1000);
	moved = fw_outcomes_since(&before, &which);
	switch (v) {
	case NET_VERDICT_TX:
		FW_ASSERT(moved == 1);
		check_tx_frame(m, NULL);
		break;
	case NET_VERDICT_UDP:
		FW_ASSERT(moved == 0);
		FW_ASSERT(info.family == AF_INET || info.family == AF_INET6);
		FW_ASSERT(info.l3_offset >= RTE_ETHER_HDR_LEN && info.l4_offset > info.l3_offset);
		FW_ASSERT(info.payload_offset == info.l4_offset + 8);
		FW_ASSERT((uint32_t)info.payload_offset + info.payload_len <= m->data_len);
		FW_ASSERT(m->data_len <= size);
		handle_udp(m, &info, src_mac);
		break;
	case NET_VERDICT_FREE:
	default:
		if (moved != 1) {
			fprintf(stderr, "NET_VERDICT_FREE moved these counters:\n");
			fw_dump_moved(&before);
			FW_ASSERT(!"a freed frame moved exactly one outcome counter");
		}
		break;
	}
	rte_pktmbuf_free(m);
	FW_ASSERT(rte_mempool_avail_count(FW.pool) == pool_full);
	return 0;
}
