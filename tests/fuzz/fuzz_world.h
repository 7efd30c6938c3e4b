/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_FUZZ_WORLD_H
#define DTURN_FUZZ_WORLD_H

/*
 * The DPDK side of the fuzz harnesses that need EAL (fuzz_frame, fuzz_channel):
 * EAL without hugepages, PCI or telemetry; one mbuf pool; one fake net port
 * (no ethdev: net_input only reads struct net_port) and a TURN server with a
 * real allocation table and long-term credentials, pre-populated with
 * allocations so the relay decisions are fuzzed too, not only "no allocation".
 *
 *   port:    02:00:00:00:18:01, 198.18.0.1/24, 2001:db8:18::1/64, gateway
 *            198.18.0.254; extra (relayed) addresses 198.18.0.10, 2001:db8:18::10
 *   STUN:    UDP 3478 on every address; relayed ports 49152-49200
 *   clients with an allocation (server side 198.18.0.1:3478 / [2001:db8:18::1]:3478):
 *            198.18.0.2:40000 (relayed 198.18.0.10), 2001:db8:18::2:40002
 *            (relayed 2001:db8:18::10); each has a permission for 198.18.0.3 /
 *            2001:db8:18::3 and channels 0x4000 (-> peer :5000) and 0x4001
 *   clock:   fixed (now_ms 10^6, now_s 1.8*10^9), so every run is repeatable;
 *            the table is never written after setup (no control-lcore calls),
 *            so no input changes how the next one is handled.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "auth.h"
#include "metrics.h"
#include "net.h"
#include "stun.h"
#include "table.h"
#include "turn.h"

#define FW_LISTEN 3478
#define FW_PORT_MIN 49152
#define FW_PORT_MAX 49200
#define FW_NOW_MS 1000000ull
#define FW_NOW_S 1800000000ull
#define FW_REALM "dturn.test"

#define FW_ASSERT(cond)                                                                \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,      \
				__LINE__, #cond);                                      \
			abort();                                                       \
		}                                                                      \
	} while (0)

static struct {
	struct rte_mempool *pool;
	struct net_port port;
	struct auth *auth;
	struct table *table;
	struct turn_server srv;
	struct metrics_lcore mx;
} FW;

static void
fw_addr(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, text, out) != 1 && inet_pton(AF_INET6, text, out) != 1) {
		fprintf(stderr, "fuzz world: bad address %s\n", text);
		abort();
	}
}

static void
fw_stun_addr(struct stun_addr *a, uint8_t family, const char *text, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	a->port = port;
	fw_addr(text, a->addr);
}

static void
fw_cidr(struct turn_cidr *c, uint8_t family, const char *text, uint8_t prefix)
{
	memset(c, 0, sizeof(*c));
	c->family = family;
	c->prefix = prefix;
	fw_addr(text, c->addr);
}

static void
fw_die(const char *what)
{
	fprintf(stderr, "fuzz world: %s failed: %s\n", what, rte_strerror(rte_errno));
	exit(1);
}

/* An allocation for client:cport (family f) with a permission and two channels. */
static void
fw_allocation(uint8_t f, const char *client, uint16_t cport, const char *server,
	      const char *peer)
{
	struct table_5tuple k;
	struct turn_endpoints ep;
	struct table_alloc *a;
	struct stun_addr p;
	uint8_t paddr[16];

	memset(&ep, 0, sizeof(ep));
	fw_stun_addr(&ep.client, f, client, cport);
	fw_stun_addr(&ep.local, f, server, FW_LISTEN);
	turn_client_key(&k, &ep);
	if (table_alloc_create(FW.table, &k, f, 0, FW_NOW_MS + 3600000, &a) != 0)
		fw_die("table_alloc_create");
	if (getenv("FUZZ_WORLD_STATS") != NULL)
		fprintf(stderr, "allocation %s:%u relayed port %u\n", client, cport,
			a->ids.relay.port);
	fw_addr(peer, paddr);
	if (table_perm_install(a, f, paddr, FW_NOW_MS + 300000, FW_NOW_MS) != 0)
		fw_die("table_perm_install");
	fw_stun_addr(&p, f, peer, 5000);
	if (table_channel_bind(a, 0x4000, &p, FW_NOW_MS + 600000, FW_NOW_MS) != 0)
		fw_die("table_channel_bind");
	fw_stun_addr(&p, f, peer, 5001);
	if (table_channel_bind(a, 0x4001, &p, FW_NOW_MS + 600000, FW_NOW_MS) != 0)
		fw_die("table_channel_bind");
}

/* FUZZ_WORLD_STATS=1: print the counters that moved at exit (what the seeds reach). */
static void
fw_print_stats(void)
{
	for (int i = 0; i < METRICS_COUNTER_MAX; i++)
		if (FW.mx.counter[i] != 0)
			fprintf(stderr, "counter %s %llu\n",
				metrics_counter_name((enum metrics_counter)i),
				(unsigned long long)FW.mx.counter[i]);
}

static void
fw_init(const char *argv0)
{
	static char prefix[64];
	static char *eal_argv[] = {
		NULL, "--no-huge", "-m", "128", "--no-pci", "--no-telemetry",
		"--log-level=error", "--no-shconf", prefix,
	};
	struct table_params tp;
	uint8_t a4[16];

	eal_argv[0] = (char *)argv0;
	snprintf(prefix, sizeof(prefix), "--file-prefix=dturn-fuzz-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0)
		fw_die("rte_eal_init");
	FW.pool = rte_pktmbuf_pool_create("fuzz_pool", 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  SOCKET_ID_ANY);
	if (FW.pool == NULL)
		fw_die("rte_pktmbuf_pool_create");

	struct net_port *np = &FW.port;

	memset(np, 0, sizeof(*np));
	np->mac = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0x18, 0x01 } };
	np->has_ipv4 = true;
	fw_addr("198.18.0.1", a4);
	memcpy(&np->ipv4, a4, 4);
	np->ipv4_prefix = 24;
	fw_addr("198.18.0.254", a4);
	memcpy(&np->ipv4_gw, a4, 4);
	np->has_ipv6 = true;
	fw_addr("2001:db8:18::1", np->ipv6);
	np->ipv6_prefix = 64;
	net_ipv6_link_local(&np->mac, np->ipv6_ll);
	np->ipv4_extra_count = 1;
	fw_addr("198.18.0.10", a4);
	memcpy(&np->ipv4_extra[0], a4, 4);
	np->ipv6_extra_count = 1;
	fw_addr("2001:db8:18::10", np->ipv6_extra[0]);
	np->mtu = 1500;
	np->neigh = net_neigh_create(64, SOCKET_ID_ANY);
	if (np->neigh == NULL)
		fw_die("net_neigh_create");

	FW.auth = rte_zmalloc("fuzz_auth", sizeof(*FW.auth), RTE_CACHE_LINE_SIZE);
	if (FW.auth == NULL || auth_init(FW.auth, FW_REALM, 3600) != 0 ||
	    auth_add_user(FW.auth, &(struct auth_user_params){ .name = "alice",
							       .password = "secret123" }) != 0 ||
	    auth_add_rest_secret(FW.auth, "dturn-test-secret") != 0)
		fw_die("auth");

	memset(&tp, 0, sizeof(tp));
	tp.name = "fuzz";
	tp.capacity = 16;
	tp.max_readers = 1;
	tp.socket = SOCKET_ID_ANY;
	tp.port_min = FW_PORT_MIN;
	tp.port_max = FW_PORT_MAX;
	tp.relay_addr_count = 2;
	tp.relay_addrs[0].family = STUN_FAMILY_IPV4;
	fw_addr("198.18.0.10", tp.relay_addrs[0].addr);
	tp.relay_addrs[1].family = STUN_FAMILY_IPV6;
	fw_addr("2001:db8:18::10", tp.relay_addrs[1].addr);
	tp.seed = 7;
	FW.table = table_create(&tp);
	if (FW.table == NULL)
		fw_die("table_create");
	if (table_reader_register(FW.table, 0) != 0)
		fw_die("table_reader_register");

	turn_server_init(&FW.srv, "dturn fuzz");
	FW.srv.auth = FW.auth;
	FW.srv.table = FW.table;
	FW.srv.channel_max = STUN_CHANNEL_MAX_RFC5766;
	FW.srv.policy.allowed_count = 0;
	fw_cidr(&FW.srv.policy.allowed[FW.srv.policy.allowed_count++], STUN_FAMILY_IPV4,
		"198.18.0.0", 15);
	fw_cidr(&FW.srv.policy.allowed[FW.srv.policy.allowed_count++], STUN_FAMILY_IPV6,
		"2001:db8::", 32);
	fw_cidr(&FW.srv.policy.own[FW.srv.policy.own_count++], STUN_FAMILY_IPV4, "198.18.0.1",
		32);
	fw_cidr(&FW.srv.policy.own[FW.srv.policy.own_count++], STUN_FAMILY_IPV4, "198.18.0.10",
		32);

	if (getenv("FUZZ_WORLD_STATS") != NULL)
		atexit(fw_print_stats);
	fw_allocation(STUN_FAMILY_IPV4, "198.18.0.2", 40000, "198.18.0.1", "198.18.0.3");
	fw_allocation(STUN_FAMILY_IPV6, "2001:db8:18::2", 40002, "2001:db8:18::1",
		      "2001:db8:18::3");
}

/*
 * The per-packet outcome counters: everything a datagram can end in on a
 * worker. Not outcomes: rx/tx/busy bookkeeping, UDP_RECEIVED (counted before
 * the outcome), probes and held-packet bookkeeping, and the counters only
 * the control lcore or the TX path move.
 */
static bool
fw_is_outcome(enum metrics_counter c)
{
	switch (c) {
	case METRICS_RX_PACKETS:
	case METRICS_TX_PACKETS:
	case METRICS_TX_DROPPED:
	case METRICS_BUSY_CYCLES:
	case METRICS_BUSY_IO_CYCLES:
	case METRICS_BUSY_PASSES:
	case METRICS_FLOW_CACHE_HITS:
	case METRICS_FLOW_CACHE_MISSES:
	case METRICS_UDP_RECEIVED:
	case METRICS_ARP_REQUESTED:
	case METRICS_NDP_SOLICITED:
	case METRICS_NEIGH_PENDING:
	case METRICS_NEIGH_HELD_SENT:
	case METRICS_DROP_NEIGH_UNRESOLVED:
		return false;
	default:
		return true;
	}
}

/* How many outcome counters moved (by how much in total) since before. */
static uint64_t
fw_outcomes_since(const struct metrics_lcore *before, int *which)
{
	uint64_t n = 0;

	*which = -1;
	for (int i = 0; i < METRICS_COUNTER_MAX; i++) {
		uint64_t d = FW.mx.counter[i] - before->counter[i];

		if (d != 0 && fw_is_outcome((enum metrics_counter)i)) {
			n += d;
			*which = i;
		}
	}
	return n;
}

static void
fw_dump_moved(const struct metrics_lcore *before)
{
	for (int i = 0; i < METRICS_COUNTER_MAX; i++)
		if (FW.mx.counter[i] != before->counter[i])
			fprintf(stderr, "  %s +%llu\n",
				metrics_counter_name((enum metrics_counter)i),
				(unsigned long long)(FW.mx.counter[i] - before->counter[i]));
}

#endif
