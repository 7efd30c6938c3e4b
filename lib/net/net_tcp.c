/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP receive: dturn serves no TCP itself. Segments to a TURN TCP/TLS
 * listening port go to the kernel through the exception path (the kernel
 * terminates the connection); everything else is dropped here, so the
 * kernel sees only what it listens for.
 */
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "net.h"
#include "net_priv.h"

enum net_verdict
net_tcp_input(const struct net_port *port, struct rte_mbuf *m, uint32_t l4, uint32_t l4_len,
	      struct metrics_lcore *mx)
{
	const struct rte_tcp_hdr *tcp;
	uint16_t dst;

	if (l4_len < sizeof(*tcp) || m->data_len < l4 + sizeof(*tcp)) {
		metrics_inc(mx, METRICS_DROP_TCP_PORT);
		return NET_VERDICT_FREE;
	}
	tcp = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, l4);
	dst = rte_be_to_cpu_16(tcp->dst_port);
	for (unsigned int i = 0; i < port->kernel_tcp_port_count; i++) {
		if (port->kernel_tcp_ports[i] == dst) {
			metrics_inc(mx, METRICS_KERNEL_STEERED);
			return NET_VERDICT_KERNEL;
		}
	}
	metrics_inc(mx, METRICS_DROP_TCP_PORT);
	return NET_VERDICT_FREE;
}
