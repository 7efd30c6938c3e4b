/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP (RFC 826): answer requests for our IPv4 addresses, learn next hops. */
#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "net.h"
#include "net_priv.h"

enum net_verdict
net_arp_input(const struct net_port *port, struct rte_mbuf *m, struct metrics_lcore *mx,
	      uint64_t now_tsc)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	struct rte_arp_ipv4 *d = &arp->arp_data;
	uint16_t op;
	uint8_t key[16];
	bool for_us, learned;

	if (m->data_len < sizeof(*eth) + sizeof(*arp) ||
	    arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4) {
		metrics_inc(mx, METRICS_DROP_ARP_INVALID);
		return NET_VERDICT_FREE;
	}
	op = rte_be_to_cpu_16(arp->arp_opcode);
	if ((op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY) ||
	    !rte_is_unicast_ether_addr(&d->arp_sha)) {
		metrics_inc(mx, METRICS_DROP_ARP_INVALID);
		return NET_VERDICT_FREE;
	}
	for_us = net_ipv4_is_ours(port, d->arp_tip);

	/*
	 * RFC 826 "merge": any ARP refreshes a sender we already know (this is
	 * how gratuitous ARP moves an address). New entries only for packets
	 * aimed at us, and only for on-link senders, so the table holds
	 * neighbours rather than whatever an on-link host chooses to claim.
	 * A probe (sender 0.0.0.0, RFC 5227) teaches nothing.
	 */
	net_neigh_key_ipv4(d->arp_sip, key);
	learned = d->arp_sip != 0 &&
		  net_neigh_learn(port->neigh, key, &d->arp_sha,
				  for_us && net_ipv4_on_link(port, d->arp_sip), now_tsc);

	if (op == RTE_ARP_OP_REQUEST && for_us) {
		/* Answer in place: the requester becomes the target; the address asked for answers. */
		rte_be32_t asked = d->arp_tip;

		arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
		d->arp_tha = d->arp_sha;
		d->arp_tip = d->arp_sip;
		rte_ether_addr_copy(&port->mac, &d->arp_sha);
		d->arp_sip = asked;
		rte_ether_addr_copy(&d->arp_tha, &eth->dst_addr);
		rte_ether_addr_copy(&port->mac, &eth->src_addr);
		metrics_inc(mx, METRICS_ARP_REPLIED);
		return NET_VERDICT_TX;
	}
	if (learned) {
		metrics_inc(mx, METRICS_ARP_LEARNED);
		return NET_VERDICT_FREE;
	}
	metrics_inc(mx, METRICS_DROP_ARP_NOT_OURS);
	return NET_VERDICT_FREE;
}

struct rte_mbuf *
net_arp_build_request(const struct net_port *port, rte_be32_t target, struct rte_mempool *pool)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, NET_ETH_MIN_FRAME);
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eth, 0, NET_ETH_MIN_FRAME);
	memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	rte_ether_addr_copy(&port->mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp = (struct rte_arp_hdr *)(eth + 1);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&port->mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = port->ipv4;
	arp->arp_data.arp_tip = target;
	return m;
}
