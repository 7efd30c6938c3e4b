/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP and ICMPv6 echo (RFC 792, RFC 4443 4.1-4.2): answered in place. */
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net.h"
#include "net_cksum.h"
#include "net_priv.h"

enum net_verdict
net_icmp_input(const struct net_port *port, struct rte_mbuf *m, struct metrics_lcore *mx)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	uint32_t len = rte_be_to_cpu_16(ip->total_length) - sizeof(*ip);
	rte_be32_t addr;
	uint16_t old_word, new_word;

	if (len < sizeof(*icmp) || rte_raw_cksum(icmp, len) != 0xffff) {
		metrics_inc(mx, METRICS_DROP_ICMP_INVALID);
		return NET_VERDICT_FREE;
	}
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0) {
		metrics_inc(mx, METRICS_DROP_ICMP_TYPE);
		return NET_VERDICT_FREE;
	}
	/* Type and code share the first 16-bit word: update the checksum for it. */
	memcpy(&old_word, icmp, 2);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	memcpy(&new_word, icmp, 2);
	icmp->icmp_cksum = net_cksum_update16(icmp->icmp_cksum, old_word, new_word);

	addr = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = addr;
	ip->time_to_live = NET_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	net_eth_reply(port, eth);
	metrics_inc(mx, METRICS_ICMP_ECHO_REPLIED);
	return NET_VERDICT_TX;
}

enum net_verdict
net_icmp6_echo_input(const struct net_port *port, struct rte_mbuf *m, bool dst_multicast,
		     struct metrics_lcore *mx)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	uint8_t requester[16];

	/* net_ipv6_input verified the checksum; an echo needs its id and sequence. */
	if (rte_be_to_cpu_16(ip->payload_len) < sizeof(*icmp) ||
	    net_ipv6_is_unspecified(ip->src_addr)) {
		metrics_inc(mx, METRICS_DROP_ICMP6_INVALID);
		return NET_VERDICT_FREE;
	}
	memcpy(requester, ip->src_addr, 16);
	/* RFC 4443 4.2: a reply to a multicast request comes from a unicast address. */
	if (dst_multicast)
		memcpy(ip->src_addr,
		       port->has_ipv6 && !net_ipv6_is_link_local(requester) ? port->ipv6 :
		       port->ipv6_ll, 16);
	else
		memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, requester, 16);
	ip->hop_limits = NET_TTL;
	icmp->icmp_type = NET_ICMP6_ECHO_REPLY;
	/* The source may have changed: sum the message again rather than adjust. */
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = rte_ipv6_udptcp_cksum(ip, icmp);
	net_eth_reply(port, eth);
	metrics_inc(mx, METRICS_ICMP6_ECHO_REPLIED);
	return NET_VERDICT_TX;
}
