/* SPDX-License-Identifier: BSD-3-Clause */
/* UDP (RFC 768, RFC 8200 8.1): receive, reply in place, send via the neighbour table. */
#include <errno.h>
#include <sys/socket.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "net.h"
#include "net_cksum.h"
#include "net_priv.h"

#define ETH_LEN ((uint16_t)sizeof(struct rte_ether_hdr))
#define IPV4_LEN ((uint16_t)sizeof(struct rte_ipv4_hdr))
#define IPV6_LEN ((uint16_t)sizeof(struct rte_ipv6_hdr))
#define UDP_LEN ((uint16_t)sizeof(struct rte_udp_hdr))

static uint16_t
port_mtu(const struct net_port *port)
{
	return port->mtu != 0 ? port->mtu : NET_DEFAULT_MTU;
}

/*
 * Whether the datagram's checksum verifies, from the payload's raw sum: the
 * pseudo-header (addresses, protocol, UDP length) and the UDP header, checksum
 * included, in fixed-size sums rather than rte_ipv4/ipv6_phdr_cksum's copy
 * into a pseudo-header struct and generic loop.
 */
static bool
udp_cksum_ok(const void *ip, bool v4, const struct rte_udp_hdr *udp, uint16_t payload_sum)
{
	static const uint8_t proto[2] = { 0, IPPROTO_UDP };
	uint16_t addr_sum, proto_w;
	uint32_t s;

	addr_sum = v4 ? net_cksum_words32(&((const struct rte_ipv4_hdr *)ip)->src_addr, 2) :
			net_cksum_words32(((const struct rte_ipv6_hdr *)ip)->src_addr, 8);
	memcpy(&proto_w, proto, 2);
	s = (uint32_t)addr_sum + proto_w + udp->dgram_len + net_cksum_words32(udp, 2) + payload_sum;
	return net_cksum_fold(s) == 0xffff;
}

enum net_verdict
net_udp_input(const struct net_port *port, struct rte_mbuf *m, struct net_udp_info *info,
	      struct metrics_lcore *mx)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	bool v4 = eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	uint16_t l4 = ETH_LEN + (v4 ? IPV4_LEN : IPV6_LEN), ip_plen;
	const void *ip = eth + 1;
	const struct rte_udp_hdr *udp = rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *, l4);
	enum net_rx_cksum hw = net_rx_l4_cksum(m);
	uint16_t payload_sum = 0;
	bool sum_valid = false;
	int bad;

	/* The IP layer already checked its length against the frame. */
	ip_plen = v4 ? rte_be_to_cpu_16(((const struct rte_ipv4_hdr *)ip)->total_length) - IPV4_LEN :
		       rte_be_to_cpu_16(((const struct rte_ipv6_hdr *)ip)->payload_len);
	if (ip_plen < UDP_LEN || rte_be_to_cpu_16(udp->dgram_len) != ip_plen) {
		metrics_inc(mx, METRICS_DROP_UDP_HEADER);
		return NET_VERDICT_FREE;
	}
	if (udp->dgram_cksum == 0) {
		/* RFC 768: IPv4 may omit it; RFC 8200 8.1: IPv6 may not. */
		bad = !v4;
	} else if (hw != NET_RX_CKSUM_VERIFY) {
		bad = hw == NET_RX_CKSUM_BAD;
	} else {
		/*
		 * Sum the payload on its own and keep it: a relayed payload leaves
		 * with a checksum derived from this sum instead of a second pass.
		 */
		payload_sum = net_cksum_raw(udp + 1, ip_plen - UDP_LEN);
		bad = !udp_cksum_ok(ip, v4, udp, payload_sum);
		sum_valid = true;
	}
	if (bad) {
		metrics_inc(mx, METRICS_DROP_UDP_CHECKSUM);
		return NET_VERDICT_FREE;
	}

	memset(info->src_addr, 0, sizeof(info->src_addr));
	memset(info->dst_addr, 0, sizeof(info->dst_addr));
	if (v4) {
		const struct rte_ipv4_hdr *ip4 = ip;

		info->family = AF_INET;
		memcpy(info->src_addr, &ip4->src_addr, 4);
		memcpy(info->dst_addr, &ip4->dst_addr, 4);
	} else {
		const struct rte_ipv6_hdr *ip6 = ip;

		info->family = AF_INET6;
		memcpy(info->src_addr, ip6->src_addr, 16);
		memcpy(info->dst_addr, ip6->dst_addr, 16);
	}
	info->src_port = rte_be_to_cpu_16(udp->src_port);
	info->dst_port = rte_be_to_cpu_16(udp->dst_port);
	info->l3_offset = ETH_LEN;
	info->l4_offset = l4;
	info->payload_offset = l4 + UDP_LEN;
	info->payload_len = ip_plen - UDP_LEN;
	info->payload_sum_valid = sum_valid;
	info->payload_sum = payload_sum;
	info->transport = port->transport != 0 ? port->transport : IPPROTO_UDP;
	return NET_VERDICT_UDP;
}

int
net_udp_reply(const struct net_port *port, struct rte_mbuf *m, const struct net_udp_info *info,
	      uint16_t payload_len, struct metrics_lcore *mx)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_udp_hdr *udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *,
							  info->l4_offset);
	uint32_t frame_len = (uint32_t)info->payload_offset + payload_len;
	uint32_t ip_len = frame_len - info->l3_offset;
	rte_be16_t port_swap;

	if (frame_len > net_mbuf_room(m) || ip_len > port_mtu(port) || m->nb_segs != 1) {
		metrics_inc(mx, METRICS_DROP_NET_TOO_BIG);
		return -1;
	}
	net_mbuf_set_len(m, (uint16_t)frame_len);
	net_eth_reply(port, eth);

	port_swap = udp->src_port;
	udp->src_port = udp->dst_port;
	udp->dst_port = port_swap;
	udp->dgram_len = rte_cpu_to_be_16(UDP_LEN + payload_len);
	udp->dgram_cksum = 0;

	if (info->family == AF_INET) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
								  info->l3_offset);
		rte_be32_t a = ip->src_addr;

		ip->src_addr = ip->dst_addr;
		ip->dst_addr = a;
		ip->total_length = rte_cpu_to_be_16((uint16_t)ip_len);
		ip->time_to_live = NET_TTL;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	} else {
		struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
								  info->l3_offset);
		uint8_t a[16];

		memcpy(a, ip->src_addr, 16);
		memcpy(ip->src_addr, ip->dst_addr, 16);
		memcpy(ip->dst_addr, a, 16);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(ip_len - IPV6_LEN));
		ip->hop_limits = NET_TTL;
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp);
	}
	return 0;
}

/* Next hop and source for dst, or -1 when the port cannot reach it. */
static int
route_ipv4(const struct net_port *port, const uint8_t *dst, rte_be32_t *next_hop)
{
	rte_be32_t d;

	if (!port->has_ipv4)
		return -1;
	memcpy(&d, dst, 4);
	if (net_ipv4_on_link(port, d))
		*next_hop = d;
	else if (port->ipv4_gw != 0)
		*next_hop = port->ipv4_gw;
	else
		return -1;
	return 0;
}

static int
route_ipv6(const struct net_port *port, const uint8_t *dst, const uint8_t **next_hop,
	   const uint8_t **src)
{
	bool ll = net_ipv6_is_link_local(dst);

	if (!ll && !port->has_ipv6)
		return -1;
	*src = ll ? port->ipv6_ll : port->ipv6;
	if (net_ipv6_on_link(port, dst) || net_ipv6_is_multicast(dst))
		*next_hop = dst;
	else if (port->has_ipv6_gw)
		*next_hop = port->ipv6_gw;
	else
		return -1;
	return 0;
}

/*
 * MAC of the next hop, probing when it is unknown or stale. Returns 0 when
 * dst_mac is usable, -1 (counted) when m must wait for resolution.
 */
static int
resolve_next_hop(const struct net_port *port, uint8_t family, const uint8_t *next_hop,
		 struct rte_ether_addr *dst_mac, struct rte_mempool *pool,
		 struct rte_mbuf **probe, struct metrics_lcore *mx, uint64_t now_tsc,
		 struct net_neigh_cache *cache)
{
	struct net_neigh_entry *e;
	enum net_neigh_state st = NET_NEIGH_NONE;
	unsigned int alen = family == AF_INET ? 4 : 16;
	uint8_t key[16];

	if (family == AF_INET6 && net_ipv6_is_multicast(next_hop)) {
		net_ipv6_multicast_mac(next_hop, dst_mac);
		return 0;
	}
	if (cache != NULL && cache->port == port && cache->now_tsc == now_tsc &&
	    cache->family == family &&
	    (alen == 4 ? memcmp(cache->next_hop, next_hop, 4) == 0 :
			 memcmp(cache->next_hop, next_hop, 16) == 0)) {
		*dst_mac = cache->mac;
		return 0;
	}
	if (family == AF_INET) {
		rte_be32_t a;

		memcpy(&a, next_hop, 4);
		net_neigh_key_ipv4(a, key);
	} else {
		memcpy(key, next_hop, 16);
	}
	e = port->neigh != NULL ? net_neigh_get(port->neigh, key) : NULL;
	if (e != NULL)
		st = net_neigh_resolve(port->neigh, e, now_tsc, dst_mac);
	if (st == NET_NEIGH_REACHABLE) {
		if (cache != NULL) {
			cache->port = port;
			cache->now_tsc = now_tsc;
			cache->family = family;
			memcpy(cache->next_hop, next_hop, alen);
			cache->mac = *dst_mac;
		}
		return 0;
	}
	/* A full table leaves no entry to rate-limit probes with: send none. */
	if (e != NULL && net_neigh_probe_due(port->neigh, e, now_tsc)) {
		if (family == AF_INET) {
			rte_be32_t a;

			memcpy(&a, next_hop, 4);
			*probe = net_arp_build_request(port, a, pool);
		} else {
			*probe = net_ndp_build_solicit(port, next_hop, pool);
		}
		if (*probe == NULL)
			metrics_inc(mx, METRICS_DROP_MBUF_ALLOC);
		else
			metrics_inc(mx, family == AF_INET ? METRICS_ARP_REQUESTED :
							    METRICS_NDP_SOLICITED);
	}
	if (st == NET_NEIGH_STALE)
		return 0;
	/* Not counted here: the caller holds and retries, and counts once. */
	return -EAGAIN;
}

int
net_udp_send(const struct net_port *port, struct rte_mbuf *m, uint8_t family,
	     const uint8_t *src_addr, uint16_t src_port, const uint8_t *dst_addr,
	     uint16_t dst_port, struct rte_mempool *pool, struct rte_mbuf **probe,
	     struct metrics_lcore *mx, uint64_t now_tsc)
{
	return net_udp_send_sum(port, m, family, src_addr, src_port, dst_addr, dst_port, pool,
				probe, mx, now_tsc, -1, NULL);
}

int
net_udp_send_sum(const struct net_port *port, struct rte_mbuf *m, uint8_t family,
		 const uint8_t *src_addr, uint16_t src_port, const uint8_t *dst_addr,
		 uint16_t dst_port, struct rte_mempool *pool, struct rte_mbuf **probe,
		 struct metrics_lcore *mx, uint64_t now_tsc, int32_t payload_sum,
		 struct net_neigh_cache *cache)
{
	uint16_t ip_hdr_len = family == AF_INET ? IPV4_LEN : IPV6_LEN;
	uint16_t hdr_len = ETH_LEN + ip_hdr_len + UDP_LEN;
	uint32_t payload_len = rte_pktmbuf_pkt_len(m);
	const uint8_t *next_hop, *src6 = NULL;
	rte_be32_t next_hop4 = 0;
	struct rte_ether_addr dst_mac;
	struct rte_ether_hdr *eth;
	struct rte_udp_hdr *udp;

	*probe = NULL;
	if (family == AF_INET) {
		if (route_ipv4(port, dst_addr, &next_hop4) != 0)
			goto no_route;
		next_hop = (const uint8_t *)&next_hop4;
	} else if (family == AF_INET6) {
		if (route_ipv6(port, dst_addr, &next_hop, &src6) != 0)
			goto no_route;
	} else {
		goto no_route;
	}
	if (payload_len + ip_hdr_len + UDP_LEN > port_mtu(port) ||
	    rte_pktmbuf_headroom(m) < hdr_len) {
		metrics_inc(mx, METRICS_DROP_NET_TOO_BIG);
		return -1;
	}
	int rc = resolve_next_hop(port, family, next_hop, &dst_mac, pool, probe, mx, now_tsc,
				  cache);

	if (rc != 0)
		return rc;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, hdr_len);
	rte_ether_addr_copy(&dst_mac, &eth->dst_addr);
	rte_ether_addr_copy(&port->mac, &eth->src_addr);
	udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, ETH_LEN + ip_hdr_len);
	/* Kept in locals too: the checksums are summed from them (net_cksum.h). */
	rte_be16_t sport = rte_cpu_to_be_16(src_port), dport = rte_cpu_to_be_16(dst_port);
	rte_be16_t ulen = rte_cpu_to_be_16((uint16_t)(UDP_LEN + payload_len));

	udp->src_port = sport;
	udp->dst_port = dport;
	udp->dgram_len = ulen;
	udp->dgram_cksum = 0;
	m->l2_len = ETH_LEN;
	m->l3_len = ip_hdr_len;

	if (family == AF_INET) {
		/* version/IHL, TOS, then TTL, protocol: with id and fragment 0, the fixed words */
		static const uint8_t fixed[4] = { RTE_IPV4_VHL_DEF, 0, NET_TTL, IPPROTO_UDP };
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
		rte_be16_t total = rte_cpu_to_be_16((uint16_t)(IPV4_LEN + UDP_LEN + payload_len));
		rte_be32_t s4, d4;
		uint32_t fixed_w, addr_sum;

		if (src_addr != NULL)
			memcpy(&s4, src_addr, 4);
		else
			s4 = port->ipv4;
		memcpy(&d4, dst_addr, 4);
		memcpy(&fixed_w, fixed, 4);
		addr_sum = net_cksum_val32(s4) + net_cksum_val32(d4);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->type_of_service = 0;
		ip->total_length = total;
		ip->packet_id = 0;
		ip->fragment_offset = 0;
		ip->time_to_live = NET_TTL;
		ip->next_proto_id = IPPROTO_UDP;
		ip->src_addr = s4;
		ip->dst_addr = d4;
		ip->hdr_checksum = net_cksum_ipv4_hdr_from((uint16_t)net_cksum_val32(fixed_w), total,
							   addr_sum);
		/* The payload may be chained: sum it segment by segment. */
		udp->dgram_cksum = payload_sum >= 0 ?
			net_cksum_udp_from(addr_sum, sport, dport, ulen, (uint16_t)payload_sum) :
			rte_ipv4_udptcp_cksum_mbuf(m, ip, ETH_LEN + IPV4_LEN);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip->vtc_flow = rte_cpu_to_be_32(UINT32_C(6) << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(UDP_LEN + payload_len));
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = NET_TTL;
		const uint8_t *s6 = src_addr != NULL ? src_addr : src6;

		memcpy(ip->src_addr, s6, 16);
		memcpy(ip->dst_addr, dst_addr, 16);
		/* summed from where the addresses came from, not the header just written */
		udp->dgram_cksum = payload_sum >= 0 ?
			net_cksum_udp_from((uint32_t)net_cksum_words32(s6, 4) +
						   net_cksum_words32(dst_addr, 4),
					   sport, dport, ulen, (uint16_t)payload_sum) :
			rte_ipv6_udptcp_cksum_mbuf(m, ip, ETH_LEN + IPV6_LEN);
	}
	return 0;

no_route:
	metrics_inc(mx, METRICS_DROP_NO_ROUTE);
	return -1;
}
