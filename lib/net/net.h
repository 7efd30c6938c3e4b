/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_NET_H
#define DTURN_NET_H

/*
 * lib/net: Ethernet, ARP, IPv4, IPv6, NDP, ICMP echo and UDP on mbufs.
 *
 * Data-path calls (net_input, net_udp_reply, net_udp_send) never allocate
 * (except the one probe mbuf net_udp_send takes from the caller's pool), never
 * lock and never make a system call. Every drop increments exactly one
 * METRICS_DROP_* counter in the caller's per-lcore block; every answered or
 * learned packet increments exactly one outcome counter (ARP_REPLIED,
 * ARP_LEARNED, NDP_ADVERTISED, NDP_LEARNED, ICMP_ECHO_REPLIED,
 * ICMP6_ECHO_REPLIED). A valid UDP datagram moves no counter here: the caller
 * decides whether its port is one we listen on (UDP_RECEIVED/DROP_UDP_PORT).
 * Frames are expected in one segment; a chained mbuf is linearised in place
 * when its first segment has room, else dropped as DROP_ETH_SHORT.
 *
 * Return convention: int functions return 0 on success and -1 on failure,
 * having counted why; constructors return NULL and set rte_errno.
 */

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "metrics.h"
#include "net_port.h"

/*
 * Classify one received frame.
 * NET_VERDICT_TX: m was rewritten in place into a reply (ARP reply, neighbour
 *   advertisement, echo reply); the caller transmits it on the same port.
 * NET_VERDICT_UDP: a valid UDP datagram (checksum verified, Ethernet padding
 *   trimmed) for one of our unicast addresses (primary or extra: see struct
 *   net_port); *info is filled, info->dst_addr being the address it was sent to.
 * NET_VERDICT_FREE: handled (e.g. learned from an ARP reply) or dropped with
 *   its counter incremented; the caller frees m.
 * now_tsc stamps learned neighbours (rte_rdtsc() or a test's clock).
 */
enum net_verdict net_input(const struct net_port *port, struct rte_mbuf *m,
			   struct net_udp_info *info, struct metrics_lcore *mx,
			   uint64_t now_tsc);

/*
 * Turn a datagram classified by net_input into the reply to its sender, in
 * place. The caller has already written the new payload at
 * info->payload_offset; payload_len is its length (data_len/pkt_len are set
 * here). Swaps MACs, IPs and ports, fixes lengths, sets TTL/hop limit 64,
 * recomputes the IPv4 header checksum and the full UDP checksum. Returns 0, or
 * -1 after counting DROP_NET_TOO_BIG when the reply does not fit the mbuf or
 * the port's MTU (the caller frees m).
 */
int net_udp_reply(const struct net_port *port, struct rte_mbuf *m,
		  const struct net_udp_info *info, uint16_t payload_len,
		  struct metrics_lcore *mx);

/*
 * Send a UDP datagram from src_addr:src_port (NULL src_addr = the port's own
 * primary address of that family; any other, e.g. one of the port's extra
 * addresses, is written as given) to dst_addr:dst_port. m holds only the payload (data
 * starts at the payload); Ethernet, IP and UDP headers are prepended into its
 * headroom. The next hop is dst_addr when on-link (inside the port's prefix,
 * or IPv6 link-local), else the gateway. Addresses are in network order, IPv4
 * in the first 4 bytes; ports in host order.
 *
 * Returns 0 when m is ready to transmit on port. A neighbour entry older than
 * its reachable time is still used for a few seconds while it is re-probed:
 * then *probe may be set on success too, and the caller transmits it.
 * Returns -EAGAIN, m untouched and nothing counted (the caller counts what it
 * does with m), when the next hop is unresolved:
 *     an ARP request / neighbour solicitation for it is built in a new mbuf
 *     from pool and returned via *probe (ARP_REQUESTED / NDP_SOLICITED), at
 *     most one a second per neighbour across all lcores (DROP_MBUF_ALLOC if
 *     pool is empty). The caller may hold m and call again later.
 * Returns -1 after counting, and the caller frees m:
 *   DROP_NO_ROUTE: no address of that family, or off-link without a gateway.
 *   DROP_NET_TOO_BIG: the datagram does not fit the headroom or the MTU.
 * *probe is NULL whenever no probe is to be sent.
 */
int net_udp_send(const struct net_port *port, struct rte_mbuf *m, uint8_t family,
		 const uint8_t *src_addr, uint16_t src_port,
		 const uint8_t *dst_addr, uint16_t dst_port,
		 struct rte_mempool *pool, struct rte_mbuf **probe,
		 struct metrics_lcore *mx, uint64_t now_tsc);

/*
 * The last next hop one lcore resolved to a reachable MAC, kept for the rest
 * of a burst: the relayed datagrams of a burst mostly go to one router or
 * peer, and need not hash into the shared neighbour table again. Owned by
 * one lcore; the caller empties it (port = NULL) when a burst starts, so a
 * learned change or expiry shows from the next burst. Used only with the
 * same now_tsc, in case a caller forgets.
 */
struct net_neigh_cache {
	const struct net_port *port;
	uint64_t now_tsc;
	uint8_t family;
	uint8_t next_hop[16];
	struct rte_ether_addr mac;
};

/*
 * net_udp_send for a payload whose one's complement sum is already known
 * (payload_sum >= 0, rte_raw_cksum's convention, e.g. derived from
 * net_udp_info.payload_sum): the UDP checksum is then computed from the
 * headers alone. payload_sum < 0: summed here, as net_udp_send does.
 * cache: NULL, or the caller's struct net_neigh_cache (read and filled).
 */
int net_udp_send_sum(const struct net_port *port, struct rte_mbuf *m, uint8_t family,
		     const uint8_t *src_addr, uint16_t src_port, const uint8_t *dst_addr,
		     uint16_t dst_port, struct rte_mempool *pool, struct rte_mbuf **probe,
		     struct metrics_lcore *mx, uint64_t now_tsc, int32_t payload_sum,
		     struct net_neigh_cache *cache);

/*
 * A frame the kernel sent on the tap of port's exception path (TURN over
 * TCP/TLS): it must be TCP from one of port's addresses and kernel_tcp_ports,
 * else it is counted (DROP_KERNEL_OTHER) and refused. Its Ethernet header is
 * rewritten to go from port's MAC to the next hop's, from the neighbour
 * table. Returns 0 when m is ready to transmit on port; -1 after counting
 * (the caller frees m): DROP_KERNEL_OTHER, DROP_NO_ROUTE, or
 * DROP_KERNEL_UNRESOLVED, in which case *probe may hold an ARP request or
 * neighbour solicitation to transmit, as with net_udp_send.
 */
int net_kernel_output(const struct net_port *port, struct rte_mbuf *m, struct rte_mempool *pool,
		      struct rte_mbuf **probe, struct metrics_lcore *mx, uint64_t now_tsc);

/* fe80::/64 with the modified EUI-64 interface identifier of mac (RFC 4291 2.5.1). */
void net_ipv6_link_local(const struct rte_ether_addr *mac, uint8_t out[16]);

/*
 * Neighbour table (IPv4 and IPv6 next hops -> MAC): fixed capacity (rounded up
 * to a power of two), allocated once with rte_zmalloc on socket, shared by all
 * lcores. Lookups never lock or wait; learning may run on any lcore at once.
 * Entries become stale after reachable_s seconds of TSC time (lazily, by
 * timestamp). Only on-link addresses are stored, and slots are never reused,
 * so size it for the neighbours of the port's prefixes.
 */
struct net_neigh_table *net_neigh_create(unsigned int capacity, int socket);
void net_neigh_free(struct net_neigh_table *t);
void net_neigh_stats(const struct net_neigh_table *t, struct net_neigh_stats *out);

#endif
