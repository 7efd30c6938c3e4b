/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 receive (RFC 791, RFC 1122 3.2.1): validate, then hand to ICMP or UDP. */
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net.h"
#include "net_cksum.h"
#include "net_priv.h"

/* Sources we must never answer: 0.0.0.0, multicast, limited broadcast (RFC 1122 3.2.1.3). */
static bool
ipv4_src_invalid(rte_be32_t src)
{
	uint32_t a = rte_be_to_cpu_32(src);

	return a == 0 || a == UINT32_MAX || (a >> 28) == 0xe;
}

enum net_verdict
net_ipv4_input(const struct net_port *port, struct rte_mbuf *m, struct net_udp_info *info,
	       struct metrics_lcore *mx)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv4_hdr *ip;
	uint16_t total, frag;
	enum net_rx_cksum hw;

	if (m->data_len < l3 + sizeof(*ip)) {
		metrics_inc(mx, METRICS_DROP_IPV4_HEADER);
		return NET_VERDICT_FREE;
	}
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3);
	if ((ip->version_ihl >> 4) != 4 || (ip->version_ihl & 0xf) < 5) {
		metrics_inc(mx, METRICS_DROP_IPV4_HEADER);
		return NET_VERDICT_FREE;
	}
	if ((ip->version_ihl & 0xf) != 5) {
		metrics_inc(mx, METRICS_DROP_IPV4_OPTIONS);
		return NET_VERDICT_FREE;
	}
	total = rte_be_to_cpu_16(ip->total_length);
	if (total < sizeof(*ip) || total > m->data_len - l3) {
		metrics_inc(mx, METRICS_DROP_IPV4_HEADER);
		return NET_VERDICT_FREE;
	}
	/* Frames shorter than 60 bytes arrive padded: the IP length is the truth. */
	net_mbuf_trim_to(m, l3 + total);

	hw = net_rx_ip_cksum(m);
	if (hw == NET_RX_CKSUM_BAD ||
	    (hw == NET_RX_CKSUM_VERIFY && net_cksum_words32(ip, 5) != 0xffff)) {
		metrics_inc(mx, METRICS_DROP_IPV4_CHECKSUM);
		return NET_VERDICT_FREE;
	}
	frag = rte_be_to_cpu_16(ip->fragment_offset);
	if (frag & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) {
		/* No reassembly: STUN/TURN datagrams fit one packet. */
		metrics_inc(mx, METRICS_DROP_IPV4_FRAGMENT);
		return NET_VERDICT_FREE;
	}
	if (!net_ipv4_is_ours(port, ip->dst_addr)) {
		metrics_inc(mx, METRICS_DROP_IPV4_NOT_OURS);
		return NET_VERDICT_FREE;
	}
	if (ipv4_src_invalid(ip->src_addr)) {
		metrics_inc(mx, METRICS_DROP_IPV4_HEADER);
		return NET_VERDICT_FREE;
	}
	switch (ip->next_proto_id) {
	case IPPROTO_ICMP:
		return net_icmp_input(port, m, mx);
	case IPPROTO_UDP:
		return net_udp_input(port, m, info, mx);
	case IPPROTO_TCP:
		/* Without stream listeners TCP is just a protocol we do not serve. */
		if (port->kernel_tcp_port_count > 0)
			return net_tcp_input(port, m, l3 + sizeof(*ip), total - sizeof(*ip), mx);
		metrics_inc(mx, METRICS_DROP_IPV4_PROTO);
		return NET_VERDICT_FREE;
	default:
		metrics_inc(mx, METRICS_DROP_IPV4_PROTO);
		return NET_VERDICT_FREE;
	}
}
