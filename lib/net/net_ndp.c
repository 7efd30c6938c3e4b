/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour Discovery (RFC 4861): answer solicitations for our addresses with
 * advertisements built in place, learn next hops, build solicitations.
 */
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net.h"
#include "net_priv.h"

#define ND_MSG_LEN ((uint16_t)sizeof(struct net_nd_msg))		/* 24 */
#define ND_LLA_LEN ((uint16_t)sizeof(struct net_nd_opt_lla))	/* 8 */
#define ND_FRAME_LEN (sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv6_hdr) + \
		      ND_MSG_LEN + ND_LLA_LEN)

static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

/*
 * RFC 4861 7.1.1 / 7.1.2 checks shared by NS and NA, and the walk over the
 * options (4.6: a zero length is invalid). *lla points at the first
 * link-layer address option of type lla_type, or stays NULL.
 */
static bool
nd_valid(const struct rte_ipv6_hdr *ip, const struct net_nd_msg *nd, uint16_t len,
	 uint8_t lla_type, const struct net_nd_opt_lla **lla)
{
	uint16_t off = ND_MSG_LEN;

	if (ip->hop_limits != NET_NDP_HOP_LIMIT || nd->code != 0 || len < ND_MSG_LEN ||
	    net_ipv6_is_multicast(nd->target))
		return false;
	*lla = NULL;
	while (off < len) {
		const uint8_t *opt = (const uint8_t *)nd + off;
		uint16_t olen;

		if (len - off < 2)
			return false;
		olen = (uint16_t)(opt[1] * 8);
		if (olen == 0 || olen > len - off)
			return false;
		if (opt[0] == lla_type && olen >= ND_LLA_LEN && *lla == NULL)
			*lla = (const struct net_nd_opt_lla *)opt;
		off += olen;
	}
	return true;
}

/* Store addr -> mac; new entries only when create and addr is on-link. */
static bool
nd_learn(const struct net_port *port, const uint8_t addr[16], const struct rte_ether_addr *mac,
	 bool create, uint64_t now_tsc)
{
	return rte_is_unicast_ether_addr(mac) &&
	       net_neigh_learn(port->neigh, addr, mac, create && net_ipv6_on_link(port, addr),
			       now_tsc);
}

/* Rewrite the NS in m into our advertisement for its target (RFC 4861 7.2.4). */
static void
nd_advertise(const struct net_port *port, struct rte_mbuf *m, const struct rte_ether_addr *to_mac,
	     bool dad)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct net_nd_msg *nd = (struct net_nd_msg *)(ip + 1);
	struct net_nd_opt_lla *opt = (struct net_nd_opt_lla *)(nd + 1);

	if (dad) {
		/* The soliciting node has no address yet: tell every node. */
		memcpy(ip->dst_addr, all_nodes, 16);
		net_ipv6_multicast_mac(all_nodes, &eth->dst_addr);
	} else {
		memcpy(ip->dst_addr, ip->src_addr, 16);
		rte_ether_addr_copy(to_mac, &eth->dst_addr);
	}
	rte_ether_addr_copy(&port->mac, &eth->src_addr);
	memcpy(ip->src_addr, nd->target, 16);
	ip->vtc_flow = rte_cpu_to_be_32(UINT32_C(6) << 28);
	ip->payload_len = rte_cpu_to_be_16(ND_MSG_LEN + ND_LLA_LEN);
	ip->hop_limits = NET_NDP_HOP_LIMIT;

	nd->type = NET_ICMP6_NA;
	nd->code = 0;
	/* A DAD answer is not solicited by a unicast address: S stays clear. */
	nd->flags = (dad ? 0 : NET_NA_FLAG_SOLICITED) | NET_NA_FLAG_OVERRIDE;
	memset(nd->reserved, 0, sizeof(nd->reserved));
	opt->type = NET_NDP_OPT_TLLA;
	opt->len = 1;
	rte_ether_addr_copy(&port->mac, &opt->mac);
	nd->cksum = 0;
	nd->cksum = rte_ipv6_udptcp_cksum(ip, nd);
	net_mbuf_set_len(m, ND_FRAME_LEN);
}

static enum net_verdict
ndp_solicit_input(const struct net_port *port, struct rte_mbuf *m, struct metrics_lcore *mx,
		  uint64_t now_tsc)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	const struct net_nd_msg *nd = (const struct net_nd_msg *)(ip + 1);
	const struct net_nd_opt_lla *slla;
	struct rte_ether_addr to_mac;
	bool dad = net_ipv6_is_unspecified(ip->src_addr);

	if (!nd_valid(ip, nd, rte_be_to_cpu_16(ip->payload_len), NET_NDP_OPT_SLLA, &slla) ||
	    (dad && (!net_ipv6_is_solicited_node(ip->dst_addr) || slla != NULL))) {
		metrics_inc(mx, METRICS_DROP_NDP_INVALID);
		return NET_VERDICT_FREE;
	}
	/* Solicited-node groups are shared by addresses with the same low 24 bits. */
	if (!net_ipv6_is_ours(port, nd->target)) {
		metrics_inc(mx, METRICS_DROP_IPV6_NOT_OURS);
		return NET_VERDICT_FREE;
	}
	if (net_mbuf_room(m) < ND_FRAME_LEN) {
		metrics_inc(mx, METRICS_DROP_MBUF_ALLOC);
		return NET_VERDICT_FREE;
	}
	rte_ether_addr_copy(slla != NULL ? &slla->mac : &eth->src_addr, &to_mac);
	/* RFC 4861 7.2.3: the solicitor's link-layer option creates or updates its entry. */
	if (slla != NULL)
		nd_learn(port, ip->src_addr, &slla->mac, true, now_tsc);
	nd_advertise(port, m, &to_mac, dad);
	metrics_inc(mx, METRICS_NDP_ADVERTISED);
	return NET_VERDICT_TX;
}

static enum net_verdict
ndp_advert_input(const struct net_port *port, struct rte_mbuf *m, struct metrics_lcore *mx,
		 uint64_t now_tsc)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
							  sizeof(struct rte_ether_hdr));
	const struct net_nd_msg *nd = (const struct net_nd_msg *)(ip + 1);
	const struct net_nd_opt_lla *tlla;
	bool solicited = (nd->flags & NET_NA_FLAG_SOLICITED) != 0;

	if (!nd_valid(ip, nd, rte_be_to_cpu_16(ip->payload_len), NET_NDP_OPT_TLLA, &tlla) ||
	    (solicited && net_ipv6_is_multicast(ip->dst_addr))) {
		metrics_inc(mx, METRICS_DROP_NDP_INVALID);
		return NET_VERDICT_FREE;
	}
	/* Without the option there is no MAC to learn (7.2.5 discards it too). */
	if (tlla == NULL) {
		metrics_inc(mx, METRICS_DROP_NDP_INVALID);
		return NET_VERDICT_FREE;
	}
	/* 7.2.5: unsolicited advertisements only update entries we already hold. */
	if (!nd_learn(port, nd->target, &tlla->mac, solicited, now_tsc)) {
		metrics_inc(mx, METRICS_DROP_IPV6_NOT_OURS);
		return NET_VERDICT_FREE;
	}
	metrics_inc(mx, METRICS_NDP_LEARNED);
	return NET_VERDICT_FREE;
}

enum net_verdict
net_ndp_input(const struct net_port *port, struct rte_mbuf *m, struct metrics_lcore *mx,
	      uint64_t now_tsc)
{
	const struct net_nd_msg *nd = rte_pktmbuf_mtod_offset(
		m, const struct net_nd_msg *,
		sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv6_hdr));

	if (nd->type == NET_ICMP6_NS)
		return ndp_solicit_input(port, m, mx, now_tsc);
	return ndp_advert_input(port, m, mx, now_tsc);
}

struct rte_mbuf *
net_ndp_build_solicit(const struct net_port *port, const uint8_t target[16],
		      struct rte_mempool *pool)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	struct net_nd_msg *nd;
	struct net_nd_opt_lla *opt;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, ND_FRAME_LEN);
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eth, 0, ND_FRAME_LEN);
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	nd = (struct net_nd_msg *)(ip + 1);
	opt = (struct net_nd_opt_lla *)(nd + 1);

	/* RFC 4861 7.2.2: to the target's solicited-node group. */
	net_ipv6_solicited_node(target, ip->dst_addr);
	net_ipv6_multicast_mac(ip->dst_addr, &eth->dst_addr);
	rte_ether_addr_copy(&port->mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = rte_cpu_to_be_32(UINT32_C(6) << 28);
	ip->payload_len = rte_cpu_to_be_16(ND_MSG_LEN + ND_LLA_LEN);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = NET_NDP_HOP_LIMIT;
	/* Link-local targets are asked from our link-local address. */
	memcpy(ip->src_addr, port->has_ipv6 && !net_ipv6_is_link_local(target) ?
	       port->ipv6 : port->ipv6_ll, 16);
	nd->type = NET_ICMP6_NS;
	memcpy(nd->target, target, 16);
	opt->type = NET_NDP_OPT_SLLA;
	opt->len = 1;
	rte_ether_addr_copy(&port->mac, &opt->mac);
	nd->cksum = rte_ipv6_udptcp_cksum(ip, nd);
	return m;
}
