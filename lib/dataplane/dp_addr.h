/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_DP_ADDR_H
#define DTURN_DP_ADDR_H

/* Private to lib/dataplane: lib/net's addresses as lib/turn's. */

#include <string.h>
#include <sys/socket.h>

#include "net.h"
#include "stun.h"

/* addr: 16 bytes as lib/net fills them (IPv4 in the first 4, the rest zero). */
static inline void
dp_stun_addr(struct stun_addr *out, uint8_t family, const uint8_t *addr, uint16_t port)
{
	memset(out, 0, sizeof(*out));
	out->family = family == AF_INET ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6;
	out->port = port;
	memcpy(out->addr, addr, sizeof(out->addr)); /* lib/net zero-fills past IPv4 */
}

/* The source and destination of a received datagram, and the port it came in on. */
static inline void
dp_endpoints(struct turn_endpoints *ep, const struct net_udp_info *info, uint16_t port_index)
{
	dp_stun_addr(&ep->client, info->family, info->src_addr, info->src_port);
	dp_stun_addr(&ep->local, info->family, info->dst_addr, info->dst_port);
	ep->port_index = port_index;
	ep->proto = info->transport;
}

#endif
