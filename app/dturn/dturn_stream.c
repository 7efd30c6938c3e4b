/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TURN over TCP and TLS: start-up and shutdown of the exception path (one tap
 * per wire port with an IPv4 address), the stream link (a net_ring port the
 * workers poll like any other) and the stream thread (dturn_stream_conn.c).
 * dturn_stream.h has the picture.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dturn_app.h"
#include "dturn_stream.h"

#define STREAM_RING_SIZE 4096
#define STREAM_DESC 1024
#define STREAM_LISTEN_BACKLOG 1024
/* The link's pretend router (RFC 7600's IPv4 dummy address): every stream client
 * is "behind" it, so the link's neighbour table holds one entry, whatever the clients. */
#define STREAM_LINK_GATEWAY (UINT32_C(192) << 24 | 8) /* 192.0.0.8; RTE_IPV4 shifts an int */
#define STREAM_LINK_MTU 1900 /* a 2048-byte mbuf holds the frame */
#define STREAM_LINK_NEIGH 16

static int
start_queues(uint16_t port_id, uint16_t nq, struct rte_mempool *pool, const char *what)
{
	struct rte_eth_conf eth_conf;
	uint16_t nb_rx = STREAM_DESC, nb_tx = STREAM_DESC;
	int ret;

	memset(&eth_conf, 0, sizeof(eth_conf));
	ret = rte_eth_dev_configure(port_id, nq, nq, &eth_conf);
	if (ret == 0)
		ret = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rx, &nb_tx);
	for (uint16_t q = 0; ret == 0 && q < nq; q++) {
		ret = rte_eth_rx_queue_setup(port_id, q, nb_rx, rte_eth_dev_socket_id(port_id), NULL,
					     pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port_id, q, nb_tx, rte_eth_dev_socket_id(port_id),
						     NULL);
	}
	if (ret == 0)
		ret = rte_eth_dev_start(port_id);
	if (ret != 0)
		RTE_LOG(ERR, DTURN, "stream: %s (port %u): queue setup or start failed: %s\n", what,
			port_id, rte_strerror(-ret));
	return ret == 0 ? 0 : -1;
}

/* Tell each wire port's lib/net which TCP ports go to the kernel, and give it a tap. */
static int
add_taps(struct dturn_app *app, struct dturn_stream *s, unsigned int wire_count)
{
	const struct conf_stream *c = &s->conf;

	for (unsigned int i = 0; i < wire_count; i++) {
		struct net_port *wire = &app->ports[i];
		unsigned int t = app->port_count;
		uint16_t port_id;

		if (!wire->has_ipv4)
			continue;
		if (t + 1 >= DP_MAX_PORTS) {
			RTE_LOG(ERR, DTURN, "stream: no room for another port (at most %d with taps "
				"and the stream link)\n", DP_MAX_PORTS);
			return -1;
		}
		if (dturn_stream_tap_create(c->tap_name, i, wire, &port_id) != 0 ||
		    start_queues(port_id, (uint16_t)app->worker_count, app->pool, "tap") != 0)
			return -1;
		memset(&app->ports[t], 0, sizeof(app->ports[t]));
		app->ports[t].port_id = port_id;
		app->ports[t].mac = wire->mac;
		app->port_count++;
		app->settings.kernel_tap_of[i] = (uint8_t)(t + 1);
		app->settings.wire_of_tap[t] = (uint8_t)(i + 1);
		for (unsigned int k = 0; k < c->tcp_port_count; k++)
			wire->kernel_tcp_ports[wire->kernel_tcp_port_count++] = c->tcp_ports[k];
		for (unsigned int k = 0; k < c->tls_port_count; k++)
			wire->kernel_tcp_ports[wire->kernel_tcp_port_count++] = c->tls_ports[k];
		RTE_LOG(INFO, DTURN, "stream: %s%u (port %u) is the kernel's side of port %u\n",
			c->tap_name, i, port_id, i);
	}
	return 0;
}

/* The stream link: net_ring over ring pairs, its addresses those of the wire ports. */
static int
add_link(struct dturn_app *app, struct dturn_stream *s, unsigned int wire_count)
{
	unsigned int nq = app->worker_count, t = app->port_count;
	struct net_port *np = &app->ports[t];
	char name[RTE_RING_NAMESIZE];
	int id;

	if (t >= DP_MAX_PORTS) {
		RTE_LOG(ERR, DTURN, "stream: no room for the stream link port\n");
		return -1;
	}
	for (unsigned int q = 0; q < nq; q++) {
		snprintf(name, sizeof(name), "dturn_str_rx%u", q);
		s->to_workers[q] = rte_ring_create(name, STREAM_RING_SIZE, (int)rte_socket_id(),
						   RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "dturn_str_tx%u", q);
		s->from_workers[q] = rte_ring_create(name, STREAM_RING_SIZE, (int)rte_socket_id(),
						     RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (s->to_workers[q] == NULL || s->from_workers[q] == NULL) {
			RTE_LOG(ERR, DTURN, "stream: cannot create the link's rings: %s\n",
				rte_strerror(rte_errno));
			return -1;
		}
	}
	s->closed = rte_ring_create_elem("dturn_str_closed", sizeof(struct dturn_stream_closed),
					 STREAM_RING_SIZE, (int)rte_socket_id(),
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (s->closed == NULL) {
		RTE_LOG(ERR, DTURN, "stream: cannot create the closed-connections ring: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	id = rte_eth_from_rings("net_ring_dstr", s->to_workers, nq, s->from_workers, nq,
				rte_socket_id());
	if (id < 0) {
		RTE_LOG(ERR, DTURN, "stream: cannot create the link port: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	s->link_port_id = (uint16_t)id;
	if (start_queues(s->link_port_id, (uint16_t)nq, app->pool, "stream link") != 0)
		return -1;
	memset(np, 0, sizeof(*np));
	np->port_id = s->link_port_id;
	if (rte_eth_macaddr_get(np->port_id, &np->mac) != 0)
		return -1;
	s->link_mac = np->mac;
	rte_eth_random_addr(s->self_mac.addr_bytes);
	np->transport = IPPROTO_TCP;
	np->mtu = STREAM_LINK_MTU;
	np->ipv4_prefix = 32;
	np->ipv4_gw = rte_cpu_to_be_32(STREAM_LINK_GATEWAY);
	for (unsigned int i = 0; i < wire_count; i++) {
		const struct net_port *w = &app->ports[i];

		if (!w->has_ipv4)
			continue;
		if (!np->has_ipv4) {
			np->has_ipv4 = true;
			np->ipv4 = w->ipv4;
		} else if (np->ipv4_extra_count < NET_MAX_EXTRA_ADDRS) {
			np->ipv4_extra[np->ipv4_extra_count++] = w->ipv4;
		}
	}
	net_ipv6_link_local(&np->mac, np->ipv6_ll);
	np->neigh = net_neigh_create(STREAM_LINK_NEIGH, (int)rte_socket_id());
	if (np->neigh == NULL)
		return -1;
	app->port_count++;
	RTE_LOG(INFO, DTURN, "stream: link port %u, %u queue pairs\n", s->link_port_id, nq);
	return 0;
}

static int
add_listener(struct dturn_stream *s, uint32_t ip, uint16_t port, bool tls)
{
	struct dturn_stream_listener *l = &s->listeners[s->listener_count];
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port),
				   .sin_addr.s_addr = ip };
	char text[INET_ADDRSTRLEN];
	int one = 1, fd;

	inet_ntop(AF_INET, &ip, text, sizeof(text));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(fd, STREAM_LISTEN_BACKLOG) != 0) {
		RTE_LOG(ERR, DTURN, "stream: cannot listen on %s %s:%u: %s\n", tls ? "TLS" : "TCP",
			text, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.u64 = (1ull << 32) | s->listener_count };

	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		close(fd);
		return -1;
	}
	l->fd = fd;
	l->tls = tls;
	l->ip = ip;
	l->port = port;
	s->listener_count++;
	RTE_LOG(INFO, DTURN, "stream: TURN over %s on %s:%u\n", tls ? "TLS" : "TCP", text, port);
	return 0;
}

static int
add_listeners(struct dturn_app *app, struct dturn_stream *s, unsigned int wire_count)
{
	for (unsigned int i = 0; i < wire_count; i++) {
		const struct net_port *w = &app->ports[i];

		if (!w->has_ipv4)
			continue;
		for (unsigned int k = 0; k < s->conf.tcp_port_count; k++)
			if (add_listener(s, w->ipv4, s->conf.tcp_ports[k], false) != 0)
				return -1;
		for (unsigned int k = 0; k < s->conf.tls_port_count; k++)
			if (add_listener(s, w->ipv4, s->conf.tls_ports[k], true) != 0)
				return -1;
	}
	return 0;
}

static struct rte_hash *
make_hash(const char *name, uint32_t entries, uint32_t key_len)
{
	struct rte_hash_parameters p = {
		.name = name,
		.entries = entries < 64 ? 64 : entries,
		.key_len = key_len,
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
	};

	return rte_hash_create(&p);
}

static int
make_connections(struct dturn_stream *s)
{
	uint32_t n = s->conf.max_connections;

	s->conns = calloc(n, sizeof(*s->conns));
	if (s->conns == NULL)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		s->conns[i].fd = -1;
		s->conns[i].next_free = i + 1 < n ? i + 1 : UINT32_MAX;
	}
	s->free_head = 0;
	/* The key: client IP, client port, local IP, local port (dturn_stream_conn.c). */
	s->by_addr = make_hash("dturn_str_conn", 2 * n, 12);
	s->per_source = make_hash("dturn_str_src", 2 * n, 4);
	return s->by_addr != NULL && s->per_source != NULL ? 0 : -1;
}

int
dturn_stream_start(struct dturn_app *app)
{
	const struct conf_stream *c = &app->conf.stream;
	unsigned int wire_count = app->port_count;
	struct dturn_stream *s;

	if (c->tcp_port_count + c->tls_port_count == 0)
		return 0;
	s = rte_zmalloc("dturn_stream", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (s == NULL)
		return -1;
	app->stream = s;
	s->conf = *c;
	s->epfd = -1;
	s->worker_count = app->worker_count;
	s->pool = app->pool;
	s->channel_first_max = app->conf.turn.channel_max > 0x4FFF ? 0x7F : 0x4F;
	/* A client closing first would otherwise kill the process on our next write. */
	signal(SIGPIPE, SIG_IGN);
	if (c->tls_port_count > 0) {
		s->tls = dturn_stream_tls_load(c->tls_certificate, c->tls_private_key);
		if (s->tls == NULL)
			return -1;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0 || make_connections(s) != 0) {
		RTE_LOG(ERR, DTURN, "stream: cannot set up %u connection slots\n", c->max_connections);
		return -1;
	}
	if (add_taps(app, s, wire_count) != 0 || add_link(app, s, wire_count) != 0 ||
	    add_listeners(app, s, wire_count) != 0)
		return -1;
	if (pthread_create(&s->thread, NULL, dturn_stream_main, s) != 0) {
		RTE_LOG(ERR, DTURN, "stream: cannot start the stream thread\n");
		return -1;
	}
	s->thread_started = true;
	pthread_setname_np(s->thread, "dturn-stream");
	return 0;
}

void
dturn_stream_stop(struct dturn_app *app)
{
	struct dturn_stream *s = app->stream;

	if (s == NULL)
		return;
	if (s->thread_started) {
		__atomic_store_n(&s->quit, true, __ATOMIC_RELEASE);
		pthread_join(s->thread, NULL);
	}
	for (unsigned int i = 0; i < s->listener_count; i++)
		close(s->listeners[i].fd);
	if (s->conns != NULL) {
		for (uint32_t i = 0; i < s->conf.max_connections; i++) {
			if (s->conns[i].fd >= 0)
				close(s->conns[i].fd);
			stream_buf_free(&s->conns[i].out);
		}
		free(s->conns);
	}
	if (s->epfd >= 0)
		close(s->epfd);
	rte_hash_free(s->by_addr);
	rte_hash_free(s->per_source);
	dturn_stream_tls_free(s->tls);
	/* Only the metrics block outlives this: telemetry may still read it. */
}

unsigned int
dturn_stream_poll(struct dturn_app *app)
{
	struct dturn_stream *s = app->stream;
	struct dturn_stream_closed gone[DP_BURST];
	unsigned int n;

	if (s == NULL || s->closed == NULL || app->table == NULL)
		return 0;
	n = rte_ring_sc_dequeue_burst_elem(s->closed, gone, sizeof(gone[0]), DP_BURST, NULL);
	for (unsigned int i = 0; i < n; i++) {
		struct turn_endpoints ep;
		struct table_5tuple k;
		struct table_alloc *a;

		memset(&ep, 0, sizeof(ep));
		ep.client.family = STUN_FAMILY_IPV4;
		memcpy(ep.client.addr, &gone[i].client_ip, 4);
		ep.client.port = gone[i].client_port;
		ep.local.family = STUN_FAMILY_IPV4;
		memcpy(ep.local.addr, &gone[i].local_ip, 4);
		ep.local.port = gone[i].local_port;
		ep.proto = TURN_PROTO_TCP;
		turn_client_key(&k, &ep);
		a = table_lookup_client(app->table, &k);
		if (a == NULL)
			continue;
		turn_admin_delete(&app->control->turn, a, &app->control->mx);
		metrics_inc(&app->control->mx, METRICS_STREAM_ALLOC_CLOSED);
	}
	return n;
}

void
dturn_stream_reload(struct dturn_app *app)
{
	struct dturn_stream *s = app->stream;

	if (s == NULL || s->tls == NULL)
		return;
	if (__atomic_load_n(&s->reload, __ATOMIC_ACQUIRE) != 0) {
		RTE_LOG(NOTICE, DTURN, "stream: a certificate reload is still pending\n");
		return;
	}
	snprintf(s->pending_cert, sizeof(s->pending_cert), "%s", app->conf.stream.tls_certificate);
	snprintf(s->pending_key, sizeof(s->pending_key), "%s", app->conf.stream.tls_private_key);
	__atomic_store_n(&s->reload, 1, __ATOMIC_RELEASE);
}
