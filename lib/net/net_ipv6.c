/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 receive (RFC 8200): validate, then hand to ICMPv6 (echo, NDP) or UDP. */
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net.h"
#include "net_priv.h"

static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

/* ff02::1, or the solicited-node group of one of our unicast addresses (extra ones too). */
static bool
ipv6_group_joined(const struct net_port *port, const uint8_t dst[16])
{
	uint8_t group[16];

	if (memcmp(dst, all_nodes, 16) == 0)
		return true;
	if (!net_ipv6_is_solicited_node(dst))
		return false;
	net_ipv6_solicited_node(port->ipv6_ll, group);
	if (memcmp(dst, group, 16) == 0)
		return true;
	if (port->has_ipv6) {
		net_ipv6_solicited_node(port->ipv6, group);
		if (memcmp(dst, group, 16) == 0)
			return true;
	}
	/* The group prefix matched above: only the low 24 bits tell the groups apart. */
	for (unsigned int i = 0; i < port->ipv6_extra_count; i++)
		if (memcmp(dst + 13, port->ipv6_extra[i] + 13, 3) == 0)
			return true;
	return false;
}

static enum net_verdict
icmp6_input(const struct net_port *port, struct rte_mbuf *m, bool dst_multicast,
	    struct metrics_lcore *mx, uint64_t now_tsc)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
							  sizeof(struct rte_ether_hdr));
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(ip + 1);

	/* RFC 4443 2.3: the checksum covers the pseudo-header; it is never optional. */
	if (rte_be_to_cpu_16(ip->payload_len) < 4 ||
	    rte_ipv6_udptcp_cksum_verify(ip, icmp) != 0) {
		metrics_inc(mx, METRICS_DROP_ICMP6_INVALID);
		return NET_VERDICT_FREE;
	}
	switch (icmp->icmp_type) {
	case NET_ICMP6_ECHO_REQUEST:
		if (icmp->icmp_code != 0)
			break;
		return net_icmp6_echo_input(port, m, dst_multicast, mx);
	case NET_ICMP6_NS:
	case NET_ICMP6_NA:
		return net_ndp_input(port, m, mx, now_tsc);
	default:
		break;
	}
	metrics_inc(mx, METRICS_DROP_ICMP6_TYPE);
	return NET_VERDICT_FREE;
}

enum net_verdict
net_ipv6_input(const struct net_port *port, struct rte_mbuf *m, struct net_udp_info *info,
	       struct metrics_lcore *mx, uint64_t now_tsc)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv6_hdr *ip;
	uint32_t plen;
	bool dst_multicast;

	if (m->data_len < l3 + sizeof(*ip)) {
		metrics_inc(mx, METRICS_DROP_IPV6_HEADER);
		return NET_VERDICT_FREE;
	}
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3);
	plen = rte_be_to_cpu_16(ip->payload_len);
	/* Jumbograms (payload length 0, RFC 2675) are not for Ethernet ports. */
	if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 ||
	    plen > m->data_len - l3 - sizeof(*ip) || net_ipv6_is_multicast(ip->src_addr)) {
		metrics_inc(mx, METRICS_DROP_IPV6_HEADER);
		return NET_VERDICT_FREE;
	}
	net_mbuf_trim_to(m, l3 + sizeof(*ip) + plen);

	dst_multicast = net_ipv6_is_multicast(ip->dst_addr);
	if (dst_multicast ? !ipv6_group_joined(port, ip->dst_addr) :
			    !net_ipv6_is_ours(port, ip->dst_addr)) {
		metrics_inc(mx, METRICS_DROP_IPV6_NOT_OURS);
		return NET_VERDICT_FREE;
	}
	switch (ip->proto) {
	case IPPROTO_ICMPV6:
		return icmp6_input(port, m, dst_multicast, mx, now_tsc);
	case IPPROTO_UDP:
		/* Only NDP and echo use groups; the unspecified source is for DAD. */
		if (dst_multicast) {
			metrics_inc(mx, METRICS_DROP_IPV6_NOT_OURS);
			return NET_VERDICT_FREE;
		}
		if (net_ipv6_is_unspecified(ip->src_addr)) {
			metrics_inc(mx, METRICS_DROP_IPV6_HEADER);
			return NET_VERDICT_FREE;
		}
		return net_udp_input(port, m, info, mx);
	case IPPROTO_TCP:
		if (port->kernel_tcp_port_count == 0) {
			metrics_inc(mx, METRICS_DROP_IPV6_PROTO);
			return NET_VERDICT_FREE;
		}
		if (dst_multicast) {
			metrics_inc(mx, METRICS_DROP_IPV6_NOT_OURS);
			return NET_VERDICT_FREE;
		}
		return net_tcp_input(port, m, l3 + sizeof(*ip), plen, mx);
	default:
		/* Extension headers land here too: nothing we serve needs them. */
		metrics_inc(mx, METRICS_DROP_IPV6_PROTO);
		return NET_VERDICT_FREE;
	}
}
