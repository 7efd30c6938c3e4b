/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports from [port NAME]: one RX and one TX queue per worker, addresses for lib/net. */
#include <string.h>
#include <sys/socket.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dturn_app.h"

#define RX_DESC 1024
#define TX_DESC 1024
#define MBUF_CACHE 256
#define NEIGH_CAPACITY 1024

/*
 * Relay addresses inside this port's prefix other than its own address are the
 * port's extra addresses: lib/net answers ARP/NDP/ping for them and delivers
 * their UDP. lib/conf made sure each lies in exactly one port's prefix.
 */
static void
fill_extra_addrs(struct net_port *np, const struct conf *c, unsigned int index)
{
	const struct conf_port *cp = &c->ports[index];
	const struct conf_turn *t = &c->turn;

	RTE_BUILD_BUG_ON(CONF_MAX_RELAY_ADDRS > NET_MAX_EXTRA_ADDRS);
	for (unsigned int i = 0; i < t->relay_ipv4_count; i++) {
		uint32_t a = t->relay_ipv4[i];

		if (conf_port_of_address(c, AF_INET, &a) != (int)index ||
		    (cp->has_ipv4 && a == cp->ipv4))
			continue;
		np->ipv4_extra[np->ipv4_extra_count++] = a;
	}
	for (unsigned int i = 0; i < t->relay_ipv6_count; i++) {
		const uint8_t *a = t->relay_ipv6[i];

		if (conf_port_of_address(c, AF_INET6, a) != (int)index ||
		    (cp->has_ipv6 && memcmp(a, cp->ipv6, 16) == 0))
			continue;
		memcpy(np->ipv6_extra[np->ipv6_extra_count++], a, 16);
	}
}

static int
fill_net_port(struct net_port *np, const struct conf *c, unsigned int index, uint16_t port_id)
{
	const struct conf_port *cp = &c->ports[index];

	memset(np, 0, sizeof(*np));
	np->port_id = port_id;
	if (rte_eth_macaddr_get(port_id, &np->mac) != 0)
		return -1;
	np->has_ipv4 = cp->has_ipv4;
	np->ipv4 = cp->ipv4;
	np->ipv4_prefix = cp->ipv4_prefix;
	np->ipv4_gw = cp->has_ipv4_gateway ? cp->ipv4_gateway : 0;
	np->has_ipv6 = cp->has_ipv6;
	memcpy(np->ipv6, cp->ipv6, 16);
	np->ipv6_prefix = cp->ipv6_prefix;
	np->has_ipv6_gw = cp->has_ipv6_gateway;
	memcpy(np->ipv6_gw, cp->ipv6_gateway, 16);
	net_ipv6_link_local(&np->mac, np->ipv6_ll);
	np->mtu = cp->mtu;
	fill_extra_addrs(np, c, index);
	np->neigh = net_neigh_create(NEIGH_CAPACITY, (int)rte_socket_id());
	return np->neigh != NULL ? 0 : -1;
}

static int
start_port(struct dturn_app *app, unsigned int index, struct net_port *np)
{
	const struct conf_port *cp = &app->conf.ports[index];
	uint16_t port_id, nq = (uint16_t)app->worker_count;
	uint16_t nb_rx = RX_DESC, nb_tx = TX_DESC;
	struct rte_eth_dev_info info;
	struct rte_eth_conf eth_conf;
	int ret;

	if (rte_eth_dev_get_port_by_name(cp->device, &port_id) != 0) {
		RTE_LOG(ERR, DTURN, "port %s: device %s not found (is it in [eal] vdev/pci?)\n",
			cp->name, cp->device);
		return -1;
	}
	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret != 0) {
		RTE_LOG(ERR, DTURN, "port %s: cannot read device info: %s\n", cp->name, rte_strerror(-ret));
		return -1;
	}
	if (info.max_rx_queues < nq || info.max_tx_queues < nq) {
		RTE_LOG(ERR, DTURN, "port %s: %s has %u RX / %u TX queues, %u workers need one each "
			"(for net_af_packet set qpairs=%u in its vdev)\n", cp->name, cp->device,
			info.max_rx_queues, info.max_tx_queues, nq, nq);
		return -1;
	}
	memset(&eth_conf, 0, sizeof(eth_conf));
	if (nq > 1 && info.flow_type_rss_offloads != 0) {
		eth_conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		eth_conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
	}
	ret = rte_eth_dev_configure(port_id, nq, nq, &eth_conf);
	if (ret == 0)
		ret = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rx, &nb_tx);
	for (uint16_t q = 0; ret == 0 && q < nq; q++) {
		ret = rte_eth_rx_queue_setup(port_id, q, nb_rx, rte_eth_dev_socket_id(port_id), NULL,
					     app->pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port_id, q, nb_tx, rte_eth_dev_socket_id(port_id), NULL);
	}
	if (ret != 0) {
		RTE_LOG(ERR, DTURN, "port %s: queue setup failed: %s\n", cp->name, rte_strerror(-ret));
		return -1;
	}
	if (cp->mtu != 0 && rte_eth_dev_set_mtu(port_id, cp->mtu) != 0)
		RTE_LOG(NOTICE, DTURN, "port %s: device keeps its own MTU (set %u on the interface)\n",
			cp->name, cp->mtu);
	ret = rte_eth_dev_start(port_id);
	if (ret != 0) {
		RTE_LOG(ERR, DTURN, "port %s: start failed: %s\n", cp->name, rte_strerror(-ret));
		return -1;
	}
	/* Multicast for NDP (solicited-node groups); lib/net filters by address itself. */
	if (rte_eth_allmulticast_enable(port_id) != 0)
		RTE_LOG(NOTICE, DTURN, "port %s: all-multicast not supported\n", cp->name);
	if (fill_net_port(np, &app->conf, index, port_id) != 0) {
		RTE_LOG(ERR, DTURN, "port %s: cannot set up its neighbour table\n", cp->name);
		return -1;
	}
	RTE_LOG(INFO, DTURN, "port %s: %s (port %u) up, MAC " RTE_ETHER_ADDR_PRT_FMT ", %u queues\n",
		cp->name, cp->device, port_id, RTE_ETHER_ADDR_BYTES(&np->mac), nq);
	if (np->ipv4_extra_count + np->ipv6_extra_count > 0)
		RTE_LOG(INFO, DTURN, "port %s: also answers for %u IPv4 and %u IPv6 relay addresses\n",
			cp->name, np->ipv4_extra_count, np->ipv6_extra_count);
	return 0;
}

int
dturn_ports_start(struct dturn_app *app)
{
	app->pool = rte_pktmbuf_pool_create("dturn_mbufs", app->conf.eal.mbufs, MBUF_CACHE,
					    DP_MBUF_PRIV_SIZE,
					    RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (app->pool == NULL) {
		RTE_LOG(ERR, DTURN, "cannot create %u mbufs: %s (raise [eal] memory_mb)\n",
			app->conf.eal.mbufs, rte_strerror(rte_errno));
		return -1;
	}
	for (unsigned int i = 0; i < app->conf.port_count; i++) {
		if (start_port(app, i, &app->ports[i]) != 0)
			return -1;
		app->port_count++;
	}
	return 0;
}

void
dturn_ports_stop(struct dturn_app *app)
{
	for (unsigned int i = 0; i < app->port_count; i++) {
		uint16_t id = app->ports[i].port_id;

		rte_eth_dev_stop(id);
		rte_eth_dev_close(id);
		net_neigh_free(app->ports[i].neigh);
	}
	app->port_count = 0;
}
