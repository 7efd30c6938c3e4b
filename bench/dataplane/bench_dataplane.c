/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dturn's data paths on worker lcores with an in-process generator.
 *
 * The world is what app/dturn wires together (dturn_turn.c, dturn_ports.c),
 * built by hand as tests/unit/dataplane does: auth, the shared table with a
 * pool of 16 relayed IPv4 addresses x ports 1024-65535, turn_server,
 * dp_settings, one dp_lcore per worker, and two ports made with
 * rte_eth_from_rings:
 *   port 0, client side: 198.18.0.1/24, STUN on 443, clients behind 198.18.0.254
 *   port 1, peer side:   198.19.0.1/24 + relayed 198.19.0.10-25, peers behind 198.19.0.254
 * Each port has one queue per worker, and the RX and TX of a queue are the
 * same ring: what a worker transmits is its own next receive. Allocations,
 * permissions and channels are written with table_alloc_create /
 * table_perm_install / table_channel_bind directly (this thread is the writer).
 *
 * Each worker runs a copy of dp_lcore_main's pass (rx burst on every port,
 * dp_handle_burst, dp_tx_flush on every port, table_reader_quiescent) with one
 * step added between the RX burst and dp_handle_burst, the "fix-up", which
 * plays the wire and the remote hosts, timed on its own with rte_rdtsc:
 *   - pingpong: swap MACs, IPs and UDP ports in place (a reflector; checksums
 *     stay valid). ChannelData from a client goes to the peer as UDP, comes
 *     back reflected as the peer's datagram, is relayed to the client as
 *     ChannelData, comes back reflected as the client's ChannelData: both
 *     directions, each mbuf bound to one flow.
 *   - one-way paths: the relay leaves the payload where it was, so the frame
 *     is restored by writing the input headers of the next flow (from a
 *     pre-built template, chosen uniformly from the flow set) in front of it
 *     at data_off 128, as a NIC would deliver it, and it is handed to
 *     dp_handle_burst on the input port.
 *   - floor: no dturn at all; rx burst on a port, tx burst on the other
 *     (testpmd's io forwarding over the same ring ports).
 *
 * Output: one "RESULT key=value ..." line per run (parsed by run.sh).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>
#include <rte_random.h>
#include <rte_udp.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION do { } while (0)
#define CALLGRIND_STOP_INSTRUMENTATION do { } while (0)
#define CALLGRIND_DUMP_STATS_AT(s) do { (void)(s); } while (0)
#endif

#include "auth.h"
#include "bd_frames.h"
#include "dataplane.h"
#include "stun.h"
#include "table.h"
#include "turn.h"

#define NPORTS 2
#define P_CLIENT 0
#define P_PEER 1
/*
 * Below the relayed ports, as conf_validate requires of dturn's own config: a
 * listening port is one on every address, so a relayed port equal to it
 * would take the peers' datagrams for STUN (1M allocations need the range
 * from 1024).
 */
#define LISTEN 443
#define REALM "dturn.bench"
#define PORT_MIN 1024
#define PORT_MAX 65535
#define NRELAY 16
#define MAX_WORKERS 2
#define RING_SIZE 1024
#define INFLIGHT 512          /* mbufs circulating per worker */
#define MIN_SEQ_LEN 65536     /* flow sequence per worker, at least (a power of two) */
#define DATA_OFF 128          /* where a received frame starts, as from a NIC */
#define BIND_RESTORE 160      /* Binding: payload bytes rewritten (the reply overwrote them) */
#define FIRST_CHANNEL 0x4000

enum mode {
	M_CD2P,     /* client ChannelData -> peer UDP */
	M_P2CD,     /* peer UDP -> ChannelData */
	M_SEND2P,   /* Send indication -> peer UDP */
	M_P2DI,     /* peer UDP -> Data indication */
	M_BIND,     /* Binding request -> response */
	M_PINGPONG, /* ChannelData both ways, reflected */
	M_FLOOR,    /* io forwarding, no dturn */
	M_COUNT
};

static const struct {
	const char *name;
	int in_port;   /* where dturn receives it (-1: where it arrived) */
	int out_port;  /* where dturn sends it (-1: both) */
	enum metrics_counter ok1, ok2; /* outcome counters that must add up to the packets */
} MODES[M_COUNT] = {
	[M_CD2P] = { "channeldata-to-peer", P_CLIENT, P_PEER, METRICS_RELAY_TO_PEER,
		     METRICS_RELAY_TO_PEER },
	[M_P2CD] = { "peer-to-channeldata", P_PEER, P_CLIENT, METRICS_RELAY_TO_CLIENT_CHANNEL,
		     METRICS_RELAY_TO_CLIENT_CHANNEL },
	[M_SEND2P] = { "send-to-peer", P_CLIENT, P_PEER, METRICS_RELAY_TO_PEER,
		       METRICS_RELAY_TO_PEER },
	[M_P2DI] = { "peer-to-data-indication", P_PEER, P_CLIENT, METRICS_RELAY_TO_CLIENT_DATA,
		     METRICS_RELAY_TO_CLIENT_DATA },
	[M_BIND] = { "binding", P_CLIENT, P_CLIENT, METRICS_STUN_BINDING_ANSWERED,
		     METRICS_STUN_BINDING_ANSWERED },
	[M_PINGPONG] = { "pingpong", -1, -1, METRICS_RELAY_TO_PEER,
			 METRICS_RELAY_TO_CLIENT_CHANNEL },
	[M_FLOOR] = { "floor-io", -1, -1, METRICS_COUNTER_MAX, METRICS_COUNTER_MAX },
};

/* One allocation the traffic uses. Addresses network order, ports host order. */
struct flow {
	uint32_t client, relay, peer;
	uint16_t cport, rport, pport, channel;
};

struct worker {
	unsigned int w;
	struct dp_lcore *lc;
	uint32_t *seq;        /* flow indexes, uniformly drawn from this worker's share */
	uint32_t seq_mask;    /* its length - 1 (a power of two, at least the share) */
	uint32_t seq_pos;
	/* results of the last run */
	uint64_t pkts, cycles, fix_cycles;
} __rte_cache_aligned;

static struct {
	struct rte_mempool *pool;
	struct rte_ring *ring[NPORTS][MAX_WORKERS];
	struct net_port ports[NPORTS];
	struct rte_ether_addr gw_mac[NPORTS];
	uint32_t gw[NPORTS];
	struct dp_settings settings;
	struct auth *auth;
	struct table *table;
	unsigned int nworkers;          /* created (readers registered) */
	struct worker wk[MAX_WORKERS];
	struct flow *flows;
	uint32_t nflows;
	uint32_t allocs;
	volatile bool quit;

	/* the run in progress */
	enum mode mode;
	uint16_t size;                  /* relayed payload bytes */
	uint8_t *tpl;                   /* per flow: input frame start */
	uint32_t stride;                /* bytes per flow in tpl */
	uint16_t copy_len;              /* bytes the fix-up writes */
	uint16_t frame_len;             /* input frame length */
	uint16_t hdr_len;               /* input headers before the payload */
	uint64_t start_tsc, end_tsc;
	uint64_t limit_pkts;            /* callgrind: stop after this many (0: time) */
	unsigned int run_workers;
} G;

/* ---------------------------------------------------------------- frames */

static const uint8_t TID[STUN_TID_LEN] = { 0xb5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };

static void
fill_payload(uint8_t *p, uint16_t len)
{
	/* Opaque application data; first byte 0x80 so no one mistakes it for STUN. */
	for (uint16_t i = 0; i < len; i++)
		p[i] = (uint8_t)(0x80 | (i * 7));
}

static void
stun_peer(struct stun_addr *a, uint32_t ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = STUN_FAMILY_IPV4;
	a->port = port;
	memcpy(a->addr, &ip, 4);
}

/*
 * The input frame of mode m for flow f with size payload bytes into buf
 * (whole frame); returns its length and sets *hdr to the bytes before the payload.
 */
static uint16_t
build_input(enum mode m, const struct flow *f, uint16_t size, uint8_t *buf, uint16_t *hdr)
{
	uint8_t *pl = buf + BD_HDR_LEN;
	const struct rte_ether_addr *cm = &G.gw_mac[P_CLIENT], *pm = &G.gw_mac[P_PEER];
	struct stun_builder b;
	struct stun_addr peer;
	uint16_t len;

	switch (m) {
	case M_CD2P:
	case M_PINGPONG:
	case M_FLOOR:
		stun_channel_header(pl, f->channel, size);
		fill_payload(pl + STUN_CHANNEL_HEADER_LEN, size);
		len = STUN_CHANNEL_HEADER_LEN + size;
		bd_ipv4_udp(buf, cm, &G.ports[P_CLIENT].mac, f->client, f->cport,
			    G.ports[P_CLIENT].ipv4, LISTEN, len);
		*hdr = BD_HDR_LEN + STUN_CHANNEL_HEADER_LEN;
		return BD_HDR_LEN + len;
	case M_P2CD:
	case M_P2DI:
		fill_payload(pl, size);
		/* Data indication: a peer port with a permission but no channel. */
		bd_ipv4_udp(buf, pm, &G.ports[P_PEER].mac, f->peer,
			    (uint16_t)(m == M_P2DI ? f->pport + 1 : f->pport), f->relay, f->rport, size);
		*hdr = BD_HDR_LEN;
		return BD_HDR_LEN + size;
	case M_SEND2P: {
		uint8_t data[2048];

		fill_payload(data, size);
		stun_peer(&peer, f->peer, f->pport);
		stun_builder_init(&b, pl, 2048, STUN_METHOD_SEND, STUN_CLASS_INDICATION, TID);
		stun_add_xor_addr(&b, STUN_ATTR_XOR_PEER_ADDRESS, &peer);
		stun_add_attr(&b, STUN_ATTR_DATA, data, size);
		len = (uint16_t)stun_builder_finish(&b);
		bd_ipv4_udp(buf, cm, &G.ports[P_CLIENT].mac, f->client, f->cport,
			    G.ports[P_CLIENT].ipv4, LISTEN, len);
		*hdr = (uint16_t)(BD_HDR_LEN + len - size);
		return BD_HDR_LEN + len;
	}
	case M_BIND: {
		uint8_t pad[2048];

		/* A comprehension-optional attribute pads the request to size bytes. */
		memset(pad, 0x42, sizeof(pad));
		stun_builder_init(&b, pl, 2048, STUN_METHOD_BINDING, STUN_CLASS_REQUEST, TID);
		if (size >= 36)
			stun_add_attr(&b, 0xC0DE, pad, (uint16_t)(size - 32));
		stun_add_fingerprint(&b);
		len = (uint16_t)stun_builder_finish(&b);
		bd_ipv4_udp(buf, cm, &G.ports[P_CLIENT].mac, f->client, f->cport,
			    G.ports[P_CLIENT].ipv4, LISTEN, len);
		*hdr = BD_HDR_LEN;
		return BD_HDR_LEN + len;
	}
	default:
		return 0;
	}
}

/* Templates of the mode's input frames, one per flow. */
static int
build_templates(enum mode m, uint16_t size)
{
	uint8_t buf[2200];
	uint16_t hdr = 0, len = build_input(m, &G.flows[0], size, buf, &hdr);

	G.mode = m;
	G.size = size;
	G.frame_len = len;
	G.hdr_len = hdr;
	G.copy_len = m == M_BIND ? (uint16_t)RTE_MIN(len, BD_HDR_LEN + BIND_RESTORE) : hdr;
	G.stride = RTE_ALIGN_CEIL((uint32_t)RTE_MAX(G.copy_len, BD_HDR_LEN), 64);
	rte_free(G.tpl);
	G.tpl = rte_malloc("bd_tpl", (size_t)G.stride * G.nflows, 64);
	if (G.tpl == NULL)
		return -1;
	/* pingpong and floor seed fresh frames and never restore: no templates needed */
	for (uint32_t i = 0; m != M_PINGPONG && m != M_FLOOR && i < G.nflows; i++) {
		build_input(m, &G.flows[i], size, buf, &hdr);
		memcpy(G.tpl + (size_t)i * G.stride, buf, G.copy_len);
	}
	return 0;
}

/* ---------------------------------------------------------------- the fix-up */

static inline void
swap_in_place(struct rte_mbuf *m)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	struct rte_ether_addr mac = eth->dst_addr;
	uint32_t a = ip->src_addr;
	uint16_t port = udp->src_port;

	/* One's complement sums do not care about order: both checksums stay valid. */
	eth->dst_addr = eth->src_addr;
	eth->src_addr = mac;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	udp->src_port = udp->dst_port;
	udp->dst_port = port;
}

static inline void
restore(struct worker *wk, struct rte_mbuf *m)
{
	uint32_t f = wk->seq[wk->seq_pos++ & wk->seq_mask];

	/*
	 * The template a few draws ahead: at a million flows the templates are
	 * 64 MB, and a NIC's frames arrive in the cache (DDIO), not from a
	 * random line of DRAM, so the wire's part should not wait on one.
	 */
	rte_prefetch0(G.tpl + (size_t)wk->seq[(wk->seq_pos + 16) & wk->seq_mask] * G.stride);
	m->data_off = DATA_OFF;
	m->data_len = G.frame_len;
	m->pkt_len = G.frame_len;
	rte_memcpy(rte_pktmbuf_mtod(m, uint8_t *), G.tpl + (size_t)f * G.stride, G.copy_len);
}

/* What the wire and the remote host do to a burst before dturn reads it. */
static inline void
fix_burst(struct worker *wk, struct rte_mbuf **pkts, uint16_t n)
{
	if (G.mode == M_PINGPONG) {
		for (uint16_t i = 0; i < n; i++)
			swap_in_place(pkts[i]);
	} else {
		for (uint16_t i = 0; i < n; i++)
			restore(wk, pkts[i]);
	}
}

/* ---------------------------------------------------------------- the worker */

static int
worker_run(void *arg)
{
	struct worker *wk = arg;
	struct dp_lcore *lc = wk->lc;
	struct table *table = G.table;
	struct rte_mbuf *pkts[DP_BURST];
	uint64_t npkts = 0, fix = 0, t_begin, t_end;
	const bool floor = G.mode == M_FLOOR, pingpong = G.mode == M_PINGPONG;
	const int in_port = MODES[G.mode].in_port;
	const uint64_t end = G.end_tsc, limit = G.limit_pkts;

	while (rte_rdtsc() < G.start_tsc)
		rte_pause();
	t_begin = rte_rdtsc();
	for (;;) {
		uint64_t now = rte_rdtsc();

		if (limit != 0 ? npkts >= limit : now >= end)
			break;
		for (unsigned int p = 0; p < NPORTS; p++) {
			struct dp_port_queue *pq = &lc->ports[p];
			uint16_t n = rte_eth_rx_burst(pq->port->port_id, pq->queue, pkts, DP_BURST);

			if (n == 0)
				continue;
			npkts += n;
			if (floor) {
				struct dp_port_queue *o = &lc->ports[p ^ 1];
				uint16_t sent = rte_eth_tx_burst(o->port->port_id, o->queue, pkts, n);

				if (sent < n)
					rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
				continue;
			}

			uint64_t t0 = rte_rdtsc();

			fix_burst(wk, pkts, n);
			fix += rte_rdtsc() - t0;
			dp_handle_burst(lc, pingpong ? pq : &lc->ports[in_port], pkts, n, now);
		}
		if (!floor) {
			if (lc->held_count > 0)
				dp_relay_retry_held(lc, now);
			for (unsigned int p = 0; p < NPORTS; p++)
				dp_tx_flush(lc, &lc->ports[p]);
			table_reader_quiescent(table, lc->worker);
		}
	}
	t_end = rte_rdtsc();
	wk->pkts = npkts;
	wk->cycles = t_end - t_begin;
	wk->fix_cycles = fix;
	return 0;
}

/* ---------------------------------------------------------------- setup */

static int
port_create(unsigned int i, const char *v4, unsigned int nq)
{
	char name[RTE_RING_NAMESIZE];
	struct rte_eth_conf conf;
	struct net_port *np = &G.ports[i];
	int id;

	for (unsigned int q = 0; q < nq; q++) {
		snprintf(name, sizeof(name), "bd_loop%u_%u", i, q);
		G.ring[i][q] = rte_ring_create(name, RING_SIZE, (int)rte_socket_id(),
					       RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (G.ring[i][q] == NULL)
			return -1;
	}
	snprintf(name, sizeof(name), "net_bd%u", i);
	/* The same ring as RX and TX of each queue: the port loops back to itself. */
	id = rte_eth_from_rings(name, G.ring[i], nq, G.ring[i], nq, rte_socket_id());
	if (id < 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure((uint16_t)id, (uint16_t)nq, (uint16_t)nq, &conf) != 0)
		return -1;
	for (unsigned int q = 0; q < nq; q++)
		if (rte_eth_rx_queue_setup((uint16_t)id, (uint16_t)q, RING_SIZE, rte_socket_id(),
					   NULL, G.pool) != 0 ||
		    rte_eth_tx_queue_setup((uint16_t)id, (uint16_t)q, RING_SIZE, rte_socket_id(),
					   NULL) != 0)
			return -1;
	if (rte_eth_dev_start((uint16_t)id) != 0)
		return -1;
	memset(np, 0, sizeof(*np));
	np->port_id = (uint16_t)id;
	if (rte_eth_macaddr_get((uint16_t)id, &np->mac) != 0)
		return -1;
	np->has_ipv4 = true;
	np->ipv4 = bd_ipv4(v4);
	np->ipv4_prefix = 24;
	np->neigh = net_neigh_create(64, SOCKET_ID_ANY);
	return np->neigh != NULL ? 0 : -1;
}

static uint32_t
ip_plus(const char *base, uint32_t n)
{
	return rte_cpu_to_be_32(rte_be_to_cpu_32(bd_ipv4(base)) + n);
}

static void
cidr(struct turn_cidr *c, uint32_t ip, uint8_t prefix)
{
	memset(c, 0, sizeof(*c));
	c->family = STUN_FAMILY_IPV4;
	c->prefix = prefix;
	memcpy(c->addr, &ip, 4);
}

/* allocs allocations with one permission and one channel each; flows drawn from them. */
static int
populate(uint32_t allocs, uint32_t max_flows)
{
	uint64_t now_ms = rte_get_tsc_cycles() / G.settings.tsc_per_ms;
	uint64_t exp = now_ms + 24ull * 3600 * 1000;
	uint32_t *pick;
	struct flow *all = malloc(sizeof(*all) * allocs);
	uint64_t t0 = rte_rdtsc();

	if (all == NULL)
		return -1;
	for (uint32_t i = 0; i < allocs; i++) {
		struct flow *f = &all[i];
		struct table_5tuple k;
		struct table_alloc *a;
		struct stun_addr peer;
		int rc;

		/* Clients 198.18.16.0 onwards (off-link: behind the gateway), 32768 ports each. */
		f->client = ip_plus("198.18.16.0", i >> 15);
		f->cport = (uint16_t)(20000 + (i & 32767));
		/* Peers 198.19.128.0/17 (behind the other gateway). */
		f->peer = ip_plus("198.19.128.1", i % 30000);
		f->pport = (uint16_t)(10000 + 2 * (i / 30000));
		f->channel = (uint16_t)(FIRST_CHANNEL + (i & 0xfff));
		memset(&k, 0, sizeof(k));
		k.family = STUN_FAMILY_IPV4;
		k.proto = TURN_PROTO_UDP;
		k.client_port = f->cport;
		k.server_port = LISTEN;
		memcpy(k.client_addr, &f->client, 4);
		memcpy(k.server_addr, &G.ports[P_CLIENT].ipv4, 4);
		rc = table_alloc_create(G.table, &k, STUN_FAMILY_IPV4, P_CLIENT, exp, &a);
		if (rc != 0) {
			fprintf(stderr, "table_alloc_create #%u: %s\n", i, strerror(-rc));
			free(all);
			return -1;
		}
		memcpy(&f->relay, a->ids.relay.addr, 4);
		f->rport = a->ids.relay.port;
		stun_peer(&peer, f->peer, f->pport);
		if (table_perm_install(a, STUN_FAMILY_IPV4, (const uint8_t *)&f->peer, exp, now_ms) != 0 ||
		    table_channel_bind(a, f->channel, &peer, exp, now_ms) != 0) {
			fprintf(stderr, "permission/channel #%u failed\n", i);
			free(all);
			return -1;
		}
	}
	fprintf(stderr, "populate: %u allocations in %.2f s (table_count %u)\n", allocs,
		(double)(rte_rdtsc() - t0) / (double)rte_get_tsc_hz(), table_count(G.table));

	/* Distinct flows chosen uniformly from the live set (partial Fisher-Yates). */
	G.nflows = RTE_MIN(allocs, max_flows);
	G.flows = malloc(sizeof(*G.flows) * G.nflows);
	pick = malloc(sizeof(*pick) * allocs);
	if (G.flows == NULL || pick == NULL)
		return -1;
	for (uint32_t i = 0; i < allocs; i++)
		pick[i] = i;
	for (uint32_t i = 0; i < G.nflows; i++) {
		uint32_t j = i + (uint32_t)rte_rand_max(allocs - i);
		uint32_t t = pick[i];

		pick[i] = pick[j];
		pick[j] = t;
		G.flows[i] = all[pick[i]];
	}
	free(pick);
	free(all);
	return 0;
}

static int
world_create(unsigned int nworkers, uint32_t allocs, uint32_t max_flows)
{
	struct dp_settings *s = &G.settings;
	struct turn_server *srv = &s->turn;
	struct table_params tp;
	unsigned int nmbuf = nworkers * (2 * RING_SIZE + INFLIGHT) + 2048;

	G.pool = rte_pktmbuf_pool_create("bd_pool", nmbuf, 256, DP_MBUF_PRIV_SIZE,
					 RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (G.pool == NULL || port_create(P_CLIENT, "198.18.0.1", nworkers) != 0 ||
	    port_create(P_PEER, "198.19.0.1", nworkers) != 0)
		return -1;
	/* net_ring gives every port the same MAC; the data plane only reads net_port.mac. */
	if (rte_is_same_ether_addr(&G.ports[P_CLIENT].mac, &G.ports[P_PEER].mac)) {
		G.ports[P_PEER].mac.addr_bytes[0] |= 0x02;
		G.ports[P_PEER].mac.addr_bytes[5] ^= 0x5a;
	}
	for (unsigned int p = 0; p < NPORTS; p++) {
		G.gw_mac[p] = (struct rte_ether_addr){ { 0x02, 0, 0, 0, (uint8_t)(0x18 + p), 0xfe } };
		G.gw[p] = ip_plus(p == 0 ? "198.18.0.254" : "198.19.0.254", 0);
		G.ports[p].ipv4_gw = G.gw[p];
	}
	G.ports[P_PEER].ipv4_extra_count = NRELAY;
	for (unsigned int i = 0; i < NRELAY; i++)
		G.ports[P_PEER].ipv4_extra[i] = ip_plus("198.19.0.10", i);

	memset(s, 0, sizeof(*s));
	s->listen_ports[s->listen_port_count++] = LISTEN;
	turn_server_init(srv, "dturn bench");
	s->tsc_per_ms = rte_get_tsc_hz() / 1000;
	s->ports = G.ports;
	s->port_count = NPORTS;

	G.auth = rte_zmalloc("bd_auth", sizeof(*G.auth), RTE_CACHE_LINE_SIZE);
	if (G.auth == NULL || auth_init(G.auth, REALM, 3600) != 0 ||
	    auth_add_user(G.auth, &(struct auth_user_params){ .name = "alice",
							      .password = "secret123" }) != 0)
		return -1;

	memset(&tp, 0, sizeof(tp));
	tp.name = "bench";
	tp.capacity = RTE_MAX(allocs, 1024u);
	tp.max_readers = nworkers;
	tp.socket = (int)rte_socket_id();
	tp.port_min = PORT_MIN;
	tp.port_max = PORT_MAX;
	tp.relay_addr_count = NRELAY;
	for (unsigned int i = 0; i < NRELAY; i++) {
		uint32_t a = ip_plus("198.19.0.10", i);

		tp.relay_addrs[i].family = STUN_FAMILY_IPV4;
		memcpy(tp.relay_addrs[i].addr, &a, 4);
		tp.relay_addrs[i].port_index = P_PEER;
	}
	tp.seed = 7;
	G.table = table_create(&tp);
	if (G.table == NULL) {
		fprintf(stderr, "table_create(%u): %s\n", tp.capacity, rte_strerror(rte_errno));
		return -1;
	}
	srv->auth = G.auth;
	srv->table = G.table;
	srv->channel_max = STUN_CHANNEL_MAX;
	srv->lifetime_max_s = 3600;
	cidr(&srv->policy.allowed[srv->policy.allowed_count++], bd_ipv4("198.18.0.0"), 15);
	cidr(&srv->policy.own[srv->policy.own_count++], G.ports[P_CLIENT].ipv4, 32);
	cidr(&srv->policy.own[srv->policy.own_count++], G.ports[P_PEER].ipv4, 32);
	char err[256];

	if (turn_policy_build(&srv->policy, (int)rte_socket_id(), err, sizeof(err)) != 0) {
		fprintf(stderr, "turn_policy_build: %s\n", err);
		return -1;
	}

	if (populate(allocs, max_flows) != 0)
		return -1;
	G.allocs = allocs;

	G.nworkers = nworkers;
	for (unsigned int w = 0; w < nworkers; w++) {
		struct worker *wk = &G.wk[w];
		struct dp_lcore *lc = rte_zmalloc("bd_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE);

		/* Long enough that a run's draws reach every flow of the worker's share. */
		uint32_t len = rte_align32pow2(RTE_MAX((uint32_t)MIN_SEQ_LEN, G.nflows / nworkers + 1));

		wk->seq = rte_malloc("bd_seq", sizeof(uint32_t) * len, 64);
		wk->seq_mask = len - 1;
		if (lc == NULL || wk->seq == NULL)
			return -1;
		wk->w = w;
		wk->lc = lc;
		lc->worker = w;
		lc->port_count = NPORTS;
		for (unsigned int p = 0; p < NPORTS; p++) {
			lc->ports[p].port = &G.ports[p];
			lc->ports[p].queue = (uint16_t)w;
		}
		lc->pool = G.pool;
		lc->settings = s;
		lc->quit = &G.quit;
		lc->to_control = NULL; /* no requests in these paths: they would be counted drops */
		lc->from_control = NULL;
		lc->tid_state = 0x9e3779b97f4a7c15ull + w;
		if (table_reader_register(G.table, w) != 0)
			return -1;
	}
	return 0;
}

/* Teach both ports their gateway's MAC (ARP replies through the real data plane). */
static void
teach_neighbours(void)
{
	struct dp_lcore *lc = G.wk[0].lc;

	for (unsigned int p = 0; p < NPORTS; p++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(G.pool);
		uint8_t *d = m != NULL ? (uint8_t *)rte_pktmbuf_append(m, BD_ARP_FRAME) : NULL;

		if (d == NULL) {
			fprintf(stderr, "cannot allocate an ARP frame\n");
			exit(1);
		}
		bd_arp_reply(d, &G.gw_mac[p], G.gw[p], &G.ports[p].mac, G.ports[p].ipv4);
		dp_handle_burst(lc, &lc->ports[p], &m, 1, rte_rdtsc());
		dp_tx_flush(lc, &lc->ports[p]);
	}
}

/* Free whatever circulates; every mbuf back in the pool. */
static void
drain(void)
{
	struct rte_mbuf *m[64];

	for (unsigned int p = 0; p < NPORTS; p++)
		for (unsigned int w = 0; w < G.nworkers; w++) {
			unsigned int n;

			while ((n = rte_ring_dequeue_burst(G.ring[p][w], (void **)m, 64, NULL)) > 0)
				rte_pktmbuf_free_bulk(m, n);
			dp_tx_flush(G.wk[w].lc, &G.wk[w].lc->ports[p]);
			dp_relay_drop_held(G.wk[w].lc);
		}
}

/*
 * Each worker's flows: with n workers, worker w takes the flows f with
 * f % n == w, as RSS gives a client's 5-tuple (and, with one relayed address
 * per allocation, its peers' datagrams) to one queue. Workers drawing from
 * the same allocations would write the same allocations' traffic counters
 * (to_peer, to_client in struct table_alloc) and bounce those cache lines
 * between cores, which no real spread of flows over queues does for long.
 */
static void
draw_flows(unsigned int nworkers)
{
	for (unsigned int w = 0; w < nworkers; w++) {
		struct worker *wk = &G.wk[w];
		uint32_t share = (G.nflows - w + nworkers - 1) / nworkers;

		for (unsigned int i = 0; i <= wk->seq_mask; i++)
			wk->seq[i] = w + nworkers * (uint32_t)rte_rand_max(share);
		wk->seq_pos = 0;
	}
}

/* INFLIGHT frames per worker on the ring dturn's output will be read from. */
static int
seed(unsigned int nworkers)
{
	uint8_t buf[2200];
	uint16_t hdr;

	draw_flows(nworkers);
	for (unsigned int w = 0; w < nworkers; w++) {
		struct worker *wk = &G.wk[w];

		for (unsigned int i = 0; i < INFLIGHT; i++) {
			uint32_t f = wk->seq[wk->seq_pos++ & wk->seq_mask];
			/* pingpong/floor: half the set starts at the client, half at the peer */
			bool peer_side = (G.mode == M_PINGPONG || G.mode == M_FLOOR) ? (i & 1) :
					 MODES[G.mode].out_port == P_PEER;
			enum mode bm = (G.mode == M_PINGPONG || G.mode == M_FLOOR) ?
					       (peer_side ? M_P2CD : M_CD2P) : G.mode;
			uint16_t len = build_input(bm, &G.flows[f], G.size, buf, &hdr);
			struct rte_mbuf *m = rte_pktmbuf_alloc(G.pool);

			if (m == NULL)
				return -1;
			m->data_off = DATA_OFF;
			if (rte_pktmbuf_append(m, len) == NULL)
				return -1;
			memcpy(rte_pktmbuf_mtod(m, uint8_t *), buf, len);
			/* The reflector turns dturn's output into input: seed what dturn sent. */
			if (G.mode == M_PINGPONG)
				swap_in_place(m);
			if (rte_ring_enqueue(G.ring[peer_side ? P_PEER : P_CLIENT][w], m) != 0)
				return -1;
		}
	}
	return 0;
}

static int
launch(unsigned int nworkers)
{
	unsigned int lcore = rte_get_next_lcore(-1, 1, 0);

	if (nworkers > 1) {
		if (lcore >= RTE_MAX_LCORE || rte_eal_remote_launch(worker_run, &G.wk[1], lcore) != 0)
			return -1;
	}
	worker_run(&G.wk[0]); /* worker 0 is the main lcore itself */
	if (nworkers > 1)
		rte_eal_wait_lcore(lcore);
	return 0;
}

/* One measured run; prints its RESULT line. */
static int
run(enum mode m, uint16_t size, unsigned int nworkers, double seconds, uint64_t limit_pkts,
    const char *callgrind_label)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t pkts = 0, cycles = 0, fix = 0, good = 0, drops = 0, worst_cycles = 0;
	char bad[512] = "";

	if (build_templates(m, size) != 0)
		return -1;
	drain();
	teach_neighbours();
	G.run_workers = nworkers;
	for (unsigned int w = 0; w < nworkers; w++)
		memset(&G.wk[w].lc->mx, 0, sizeof(G.wk[w].lc->mx));
	if (seed(nworkers) != 0) {
		fprintf(stderr, "cannot seed the rings (pool too small?)\n");
		return -1;
	}
	/* A short warm-up pass (caches, branch predictors, first-touch of the table). */
	G.limit_pkts = 0;
	G.start_tsc = rte_rdtsc();
	G.end_tsc = G.start_tsc + hz / 5;
	if (limit_pkts == 0 && launch(nworkers) != 0)
		return -1;
	/* Drops are checked from the start (warm-up included), outcomes over the run. */
	struct metrics_lcore warm[MAX_WORKERS];

	for (unsigned int w = 0; w < nworkers; w++)
		warm[w] = G.wk[w].lc->mx;

	G.limit_pkts = limit_pkts;
	G.start_tsc = rte_rdtsc() + hz / 1000;
	G.end_tsc = G.start_tsc + (uint64_t)(seconds * (double)hz);
	if (callgrind_label != NULL) {
		/* warm up outside the instrumentation, then count limit_pkts exactly */
		G.limit_pkts = 2000;
		launch(1);
		warm[0] = G.wk[0].lc->mx;
		G.limit_pkts = limit_pkts;
		G.start_tsc = 0;
		CALLGRIND_START_INSTRUMENTATION;
		launch(1);
		CALLGRIND_STOP_INSTRUMENTATION;
		CALLGRIND_DUMP_STATS_AT(callgrind_label);
	} else if (launch(nworkers) != 0) {
		return -1;
	}

	for (unsigned int w = 0; w < nworkers; w++) {
		const struct metrics_lcore *mx = &G.wk[w].lc->mx;

		pkts += G.wk[w].pkts;
		cycles += G.wk[w].cycles;
		fix += G.wk[w].fix_cycles;
		worst_cycles = RTE_MAX(worst_cycles, G.wk[w].cycles);
		if (m == M_FLOOR)
			continue;
		good += mx->counter[MODES[m].ok1] - warm[w].counter[MODES[m].ok1];
		if (MODES[m].ok2 != MODES[m].ok1)
			good += mx->counter[MODES[m].ok2] - warm[w].counter[MODES[m].ok2];
		for (int c = 0; c < METRICS_COUNTER_MAX; c++) {
			const char *name = metrics_counter_name((enum metrics_counter)c);

			if (mx->counter[c] != 0 && getenv("BD_VERBOSE") != NULL)
				fprintf(stderr, "  w%u %s %" PRIu64 "\n", w, name, mx->counter[c]);

			if (mx->counter[c] != 0 &&
			    (strncmp(name, "drop", 4) == 0 || c == METRICS_TX_DROPPED ||
			     c == METRICS_NEIGH_PENDING || c == METRICS_ARP_REQUESTED)) {
				drops += mx->counter[c];
				size_t l = strlen(bad);

				snprintf(bad + l, sizeof(bad) - l, "%s%s:%" PRIu64, l ? "," : "",
					 name, mx->counter[c]);
			}
		}
	}
	/* Relayed packets per second: every worker's packets over the longest worker's time. */
	double secs = (double)worst_cycles / (double)hz;
	double mpps = secs > 0 ? (double)pkts / secs / 1e6 : 0;
	double cyc = pkts ? (double)cycles / (double)pkts : 0;
	double fcyc = pkts ? (double)fix / (double)pkts : 0;
	bool ok = m == M_FLOOR || (pkts > 0 && good == pkts && drops == 0);

	printf("RESULT path=%s size=%u workers=%u allocs=%u flows=%u seconds=%.2f pkts=%" PRIu64
	       " mpps=%.3f cyc_pkt=%.1f fix_cyc_pkt=%.1f dturn_cyc_pkt=%.1f dturn_mpps=%.3f "
	       "frame=%u ok=%d%s%s\n",
	       MODES[m].name, size, nworkers, G.allocs, G.nflows, secs, pkts, mpps, cyc, fcyc,
	       cyc - fcyc, cyc - fcyc > 0 ? (double)hz / (cyc - fcyc) / 1e6 * nworkers : 0,
	       G.frame_len, ok ? 1 : 0, bad[0] ? " bad=" : "", bad);
	fflush(stdout);
	drain();
	return ok ? 0 : 1;
}

/* Callgrind: the fix-up alone over limit packets, to subtract from a path's count. */
static void
callgrind_fix_only(enum mode m, uint16_t size, uint64_t limit, const char *label)
{
	struct rte_mbuf *pkts[DP_BURST];
	struct worker *wk = &G.wk[0];

	build_templates(m, size);
	drain();
	for (unsigned int i = 0; i < DP_BURST; i++) {
		pkts[i] = rte_pktmbuf_alloc(G.pool);
		rte_pktmbuf_append(pkts[i], G.frame_len);
	}
	fix_burst(wk, pkts, DP_BURST);
	CALLGRIND_START_INSTRUMENTATION;
	for (uint64_t n = 0; n < limit; n += DP_BURST)
		fix_burst(wk, pkts, DP_BURST);
	CALLGRIND_STOP_INSTRUMENTATION;
	CALLGRIND_DUMP_STATS_AT(label);
	rte_pktmbuf_free_bulk(pkts, DP_BURST);
}

static int
mode_of(const char *name)
{
	for (int m = 0; m < M_COUNT; m++)
		if (strcmp(MODES[m].name, name) == 0)
			return m;
	return -1;
}

static void
usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [EAL args] -- [--allocs N] [--flows N] [--seconds S] [--sizes 100,1000]\n"
		"       [--workers 1,2[,1,2...]: up to 8, run in that order] [--paths name,...|all]\n"
		"       [--callgrind PACKETS]\n"
		"paths:", prog);
	for (int m = 0; m < M_COUNT; m++)
		fprintf(stderr, " %s", MODES[m].name);
	fputc('\n', stderr);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "allocs", required_argument, NULL, 'a' },
		{ "flows", required_argument, NULL, 'f' },
		{ "seconds", required_argument, NULL, 's' },
		{ "sizes", required_argument, NULL, 'z' },
		{ "workers", required_argument, NULL, 'w' },
		{ "paths", required_argument, NULL, 'p' },
		{ "callgrind", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t allocs = 1000, flows = UINT32_MAX; /* default: every allocation */
	double seconds = 3;
	unsigned int sizes[8] = { 100, 1000 }, nsizes = 2;
	unsigned int workers[8] = { 1 }, nw = 1, maxw = 1;
	bool want[M_COUNT];
	uint64_t cg = 0;
	int ret, opt, failures = 0;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	for (int m = 0; m < M_COUNT; m++)
		want[m] = true;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *tok, *save = NULL;

		switch (opt) {
		case 'a': allocs = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'f': flows = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 's': seconds = strtod(optarg, NULL); break;
		case 'c': cg = strtoull(optarg, NULL, 10); break;
		case 'z':
			nsizes = 0;
			for (tok = strtok_r(optarg, ",", &save); tok && nsizes < 8;
			     tok = strtok_r(NULL, ",", &save))
				sizes[nsizes++] = (unsigned int)strtoul(tok, NULL, 10);
			break;
		case 'w':
			nw = 0;
			for (tok = strtok_r(optarg, ",", &save); tok && nw < 8;
			     tok = strtok_r(NULL, ",", &save)) {
				workers[nw] = (unsigned int)strtoul(tok, NULL, 10);
				if (workers[nw] < 1 || workers[nw] > MAX_WORKERS) {
					usage(argv[0]);
					return 2;
				}
				maxw = RTE_MAX(maxw, workers[nw]);
				nw++;
			}
			break;
		case 'p':
			if (strcmp(optarg, "all") == 0)
				break;
			for (int m = 0; m < M_COUNT; m++)
				want[m] = false;
			for (tok = strtok_r(optarg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				int m = mode_of(tok);

				if (m < 0) {
					usage(argv[0]);
					return 2;
				}
				want[m] = true;
			}
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (allocs == 0 || flows == 0 || (maxw > 1 && rte_lcore_count() < maxw)) {
		fprintf(stderr, "need allocs > 0 and as many lcores (-l) as workers\n");
		return 2;
	}
	for (unsigned int i = 0; i < nsizes; i++)
		if (sizes[i] < 36 || sizes[i] > 1400 || sizes[i] % 4 != 0) {
			fprintf(stderr, "sizes: multiples of 4 in 36..1400 (no padding to restore)\n");
			return 2;
		}
	if (world_create(maxw, allocs, flows) != 0) {
		fprintf(stderr, "cannot build the world: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	printf("INFO tsc_hz=%" PRIu64 " lcores=%u allocs=%u flows=%u sizeof_alloc=%zu\n",
	       rte_get_tsc_hz(), rte_lcore_count(), allocs, G.nflows, sizeof(struct table_alloc));
	for (unsigned int wi = 0; wi < nw; wi++)
		for (unsigned int si = 0; si < nsizes; si++)
			for (int m = 0; m < M_COUNT; m++) {
				if (!want[m])
					continue;
				if (cg == 0) {
					failures += run((enum mode)m, (uint16_t)sizes[si], workers[wi],
							seconds, 0, NULL) != 0;
					continue;
				}

				char label[96];

				snprintf(label, sizeof(label), "%s %u %" PRIu64 " full", MODES[m].name,
					 sizes[si], cg);
				failures += run((enum mode)m, (uint16_t)sizes[si], 1, 0, cg, label) != 0;
				if (m == M_FLOOR)
					continue;
				snprintf(label, sizeof(label), "%s %u %" PRIu64 " fix", MODES[m].name,
					 sizes[si], cg);
				callgrind_fix_only((enum mode)m, (uint16_t)sizes[si], cg, label);
			}
	drain();
	G.quit = true;
	rte_eal_cleanup();
	return failures == 0 ? 0 : 1;
}
