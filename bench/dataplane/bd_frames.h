/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_BENCH_BD_FRAMES_H
#define DTURN_BENCH_BD_FRAMES_H

/*
 * Frame builders of the data-plane benchmark, after tests/unit/dataplane/dp_frames.c
 * (copied and cut down: no CUnit, into flat buffers so they can serve as templates).
 */

#include <stdint.h>

#include <rte_ether.h>

#define BD_ETH_LEN 14
#define BD_IPV4_LEN 20
#define BD_UDP_LEN 8
#define BD_HDR_LEN (BD_ETH_LEN + BD_IPV4_LEN + BD_UDP_LEN) /* 42 */
#define BD_ARP_FRAME 60

/* IPv4 text to network order (exits on a bad literal). */
uint32_t bd_ipv4(const char *text);

/*
 * Ethernet/IPv4/UDP headers at frame[0..41] for the len payload bytes already
 * at frame + 42, with the IPv4 header checksum and the full UDP checksum.
 * Addresses in network order, ports in host order.
 */
void bd_ipv4_udp(uint8_t *frame, const struct rte_ether_addr *src_mac,
		 const struct rte_ether_addr *dst_mac, uint32_t src, uint16_t sport, uint32_t dst,
		 uint16_t dport, uint16_t len);

/* An ARP reply from sha/sip to tha/tip (60 bytes, padded as a NIC delivers it). */
void bd_arp_reply(uint8_t *frame, const struct rte_ether_addr *sha, uint32_t sip,
		  const struct rte_ether_addr *tha, uint32_t tip);

#endif
