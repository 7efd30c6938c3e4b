/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path's way out: frames the kernel sends on the tap that
 * carries a port's addresses (TURN over TCP/TLS, docs/architecture.md). The
 * tap runs without ARP/NDP (IFF_NOARP), so the kernel addresses every frame
 * to the tap's own MAC; here it gets the real next hop's MAC from the shared
 * neighbour table, the same one relayed datagrams use.
 */
#include <sys/socket.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "net.h"
#include "net_priv.h"

static bool
is_kernel_port(const struct net_port *port, uint16_t p)
{
	for (unsigned int i = 0; i < port->kernel_tcp_port_count; i++)
		if (port->kernel_tcp_ports[i] == p)
			return true;
	return false;
}

/* The next hop's neighbour key (IPv4 mapped), or -1 when there is no route. */
static int
next_hop_key(const struct net_port *port, bool v4, const uint8_t *dst, uint8_t key[16])
{
	if (v4) {
		rte_be32_t a;

		memcpy(&a, dst, 4);
		if (!net_ipv4_on_link(port, a)) {
			if (port->ipv4_gw == 0)
				return -1;
			a = port->ipv4_gw;
		}
		net_neigh_key_ipv4(a, key);
		return 0;
	}
	if (net_ipv6_on_link(port, dst))
		memcpy(key, dst, 16);
	else if (port->has_ipv6_gw)
		memcpy(key, port->ipv6_gw, 16);
	else
		return -1;
	return 0;
}

int
net_kernel_output(const struct net_port *port, struct rte_mbuf *m, struct rte_mempool *pool,
		  struct rte_mbuf **probe, struct metrics_lcore *mx, uint64_t now_tsc)
{
	struct rte_ether_hdr *eth;
	const struct rte_tcp_hdr *tcp;
	const uint8_t *dst;
	uint32_t l4;
	bool v4;
	uint8_t key[16];

	*probe = NULL;
	if (!rte_pktmbuf_is_contiguous(m) || m->data_len < sizeof(*eth) + sizeof(struct rte_ipv4_hdr))
		goto other;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	v4 = eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	if (v4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);

		l4 = sizeof(*eth) + (uint32_t)(ip->version_ihl & 0xf) * 4;
		if (ip->next_proto_id != IPPROTO_TCP || !net_ipv4_is_ours(port, ip->src_addr))
			goto other;
		dst = (const uint8_t *)&ip->dst_addr;
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) &&
		   m->data_len >= sizeof(*eth) + sizeof(struct rte_ipv6_hdr)) {
		const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);

		l4 = sizeof(*eth) + sizeof(*ip);
		if (ip->proto != IPPROTO_TCP || !net_ipv6_is_ours(port, ip->src_addr))
			goto other;
		dst = ip->dst_addr;
	} else {
		goto other;
	}
	if (m->data_len < l4 + sizeof(*tcp))
		goto other;
	tcp = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, l4);
	if (!is_kernel_port(port, rte_be_to_cpu_16(tcp->src_port)))
		goto other;
	if (next_hop_key(port, v4, dst, key) != 0) {
		metrics_inc(mx, METRICS_DROP_NO_ROUTE);
		return -1;
	}

	struct net_neigh_entry *e = port->neigh != NULL ? net_neigh_get(port->neigh, key) : NULL;
	struct rte_ether_addr mac;
	enum net_neigh_state st = NET_NEIGH_NONE;

	if (e != NULL)
		st = net_neigh_resolve(port->neigh, e, now_tsc, &mac);
	if (st != NET_NEIGH_REACHABLE && e != NULL && net_neigh_probe_due(port->neigh, e, now_tsc)) {
		*probe = v4 ? net_arp_build_request(port, *(const rte_be32_t *)(key + 12), pool)
			    : net_ndp_build_solicit(port, key, pool);
		if (*probe == NULL)
			metrics_inc(mx, METRICS_DROP_MBUF_ALLOC);
		else
			metrics_inc(mx, v4 ? METRICS_ARP_REQUESTED : METRICS_NDP_SOLICITED);
	}
	if (st == NET_NEIGH_NONE) {
		/* Not held like relayed data: TCP retransmits on its own. */
		metrics_inc(mx, METRICS_DROP_KERNEL_UNRESOLVED);
		return -1;
	}
	rte_ether_addr_copy(&mac, &eth->dst_addr);
	rte_ether_addr_copy(&port->mac, &eth->src_addr);
	metrics_inc(mx, METRICS_KERNEL_SENT);
	return 0;
other:
	/* IPv6 router solicitations, MLD, anything not ours to send: the wire never sees it. */
	metrics_inc(mx, METRICS_DROP_KERNEL_OTHER);
	return -1;
}
