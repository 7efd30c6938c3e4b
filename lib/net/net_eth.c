/* SPDX-License-Identifier: BSD-3-Clause */
/* Ethernet: the entry point of every received frame, and EUI-64 link-local. */
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "net.h"
#include "net_priv.h"

/* Broadcast (ARP) and 33:33:xx (IPv6 multicast: NDP, all-nodes) besides our MAC. */
static bool
eth_dst_accepted(const struct net_port *port, const struct rte_ether_addr *dst)
{
	if (rte_is_same_ether_addr(dst, &port->mac) || rte_is_broadcast_ether_addr(dst))
		return true;
	return dst->addr_bytes[0] == 0x33 && dst->addr_bytes[1] == 0x33;
}

enum net_verdict
net_input(const struct net_port *port, struct rte_mbuf *m, struct net_udp_info *info,
	  struct metrics_lcore *mx, uint64_t now_tsc)
{
	const struct rte_ether_hdr *eth;

	/* Every parser below reads one contiguous buffer. */
	if (!rte_pktmbuf_is_contiguous(m) && rte_pktmbuf_linearize(m) != 0) {
		metrics_inc(mx, METRICS_DROP_ETH_SHORT);
		return NET_VERDICT_FREE;
	}
	if (m->data_len < sizeof(struct rte_ether_hdr)) {
		metrics_inc(mx, METRICS_DROP_ETH_SHORT);
		return NET_VERDICT_FREE;
	}
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (!eth_dst_accepted(port, &eth->dst_addr)) {
		metrics_inc(mx, METRICS_DROP_ETH_NOT_OURS);
		return NET_VERDICT_FREE;
	}
	switch (rte_be_to_cpu_16(eth->ether_type)) {
	case RTE_ETHER_TYPE_ARP:
		return net_arp_input(port, m, mx, now_tsc);
	case RTE_ETHER_TYPE_IPV4:
		return net_ipv4_input(port, m, info, mx);
	case RTE_ETHER_TYPE_IPV6:
		return net_ipv6_input(port, m, info, mx, now_tsc);
	default:
		/* VLAN tags included: ports are configured untagged. */
		metrics_inc(mx, METRICS_DROP_ETH_TYPE);
		return NET_VERDICT_FREE;
	}
}

void
net_ipv6_link_local(const struct rte_ether_addr *mac, uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	/* RFC 4291 appendix A: flip the universal/local bit, insert ff:fe. */
	out[8] = mac->addr_bytes[0] ^ 0x02;
	out[9] = mac->addr_bytes[1];
	out[10] = mac->addr_bytes[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac->addr_bytes[3];
	out[14] = mac->addr_bytes[4];
	out[15] = mac->addr_bytes[5];
}
