/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Golden packet tests of the whole data plane on mbufs (Katran's pattern):
 * each case is {description, input frame(s) built field by field, expected
 * counters, expected output frames field by field}. The real worker
 * (dp_handle_burst, dp_tx_flush, dp_drain_control_replies,
 * dp_relay_retry_held) and the real control lcore (dp_control_poll) run on
 * this one thread, over two net_ring ports:
 *   port 0, client side: 198.18.0.1/24, 2001:db8:18::1/64, STUN on 3478
 *   port 1, peer side:   198.19.0.1/24, 2001:db8:19::1/64, relayed ports 49152-49300
 * Every transmitted frame is read back from the port's TX ring and taken
 * apart: MACs, addresses, ports, lengths, IPv4 and UDP checksums, then the
 * STUN/ChannelData payload with lib/stun. Every case checks which counters
 * moved (worker and control), that nothing else was sent and that no mbuf
 * leaked.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "auth.h"
#include "dataplane.h"
#include "dp_frames.h"
#include "stun.h"
#include "table.h"
#include "turn.h"

#define NPORTS 2
#define P_CLIENT 0
#define P_PEER 1
#define LISTEN 3478
#define REALM "dturn.test"
#define PORT_MIN 49152
#define PORT_MAX 49300
#define MAX_OUT 64
#define POOL_SIZE 1023

#define SRV4 "198.18.0.1"
#define SRV6 "2001:db8:18::1"
#define RELAY4 "198.19.0.1"
#define PEER "198.19.0.2"
#define PEER_NOPERM "198.19.0.3"
#define PEER_UNKNOWN "198.19.0.4"
#define PEER_SILENT "198.19.0.5"
#define RELAY6 "2001:db8:19::1"
#define PEER6 "2001:db8:19::2"

static const struct rte_ether_addr mac_a = { { 0x02, 0, 0, 0, 0x18, 0x02 } };
static const struct rte_ether_addr mac_b = { { 0x02, 0, 0, 0, 0x18, 0x03 } };
static const struct rte_ether_addr mac_peer = { { 0x02, 0, 0, 0, 0x19, 0x02 } };
static const struct rte_ether_addr mac_peer3 = { { 0x02, 0, 0, 0, 0x19, 0x03 } };
static const struct rte_ether_addr mac_peer4 = { { 0x02, 0, 0, 0, 0x19, 0x04 } };
static const struct rte_ether_addr mac_bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

/* The world: what app/dturn wires together, built by hand. */
static struct {
	struct rte_mempool *pool;
	unsigned int pool_free;             /* available mbufs when idle */
	struct rte_ring *rx[NPORTS], *tx[NPORTS];
	struct net_port ports[NPORTS];
	struct dp_settings settings;
	struct auth *auth;
	struct table *table;
	struct dp_lcore *lc;
	struct dp_control *ctl;
	volatile bool quit;
	struct metrics_lcore snap_w, snap_c;
	struct rte_mbuf *out[NPORTS][MAX_OUT];
	unsigned int nout[NPORTS];
	uint32_t tid_serial;
} T;

struct client {
	const char *ip, *server;
	uint16_t port;
	const struct rte_ether_addr *mac;
	uint8_t key[AUTH_MD5_KEY_LEN];
	char nonce[AUTH_NONCE_MAX];
	uint16_t nonce_len;
	struct stun_addr relayed;
	struct stun_addr relayed6;  /* a dual allocation's IPv6 relayed address */
};

static struct client A = { .ip = "198.18.0.2", .server = SRV4, .port = 40000, .mac = &mac_a };
static struct client A6 = { .ip = "2001:db8:18::2", .server = SRV6, .port = 40002, .mac = &mac_a };
static struct client B = { .ip = "198.18.0.3", .server = SRV4, .port = 40001, .mac = &mac_b };
/* A's host again, from another port: the dual-stack allocation. */
static struct client D = { .ip = "198.18.0.2", .server = SRV4, .port = 40020, .mac = &mac_a };

/* ---------------------------------------------------------------- driving */

static void
collect(void)
{
	for (unsigned int p = 0; p < NPORTS; p++) {
		dp_tx_flush(T.lc, &T.lc->ports[p]);
		T.nout[p] += rte_ring_dequeue_burst(T.tx[p], (void **)&T.out[p][T.nout[p]],
						    MAX_OUT - T.nout[p], NULL);
	}
	table_reader_quiescent(T.table, T.lc->worker);
}

/* The rest of a worker pass after its RX: the control lcore, its replies, TX. */
static void
pass(void)
{
	while (dp_control_poll(T.ctl, (uint64_t)time(NULL)) > 0)
		;
	dp_drain_control_replies(T.lc);
	collect();
}

static void
inject_burst(unsigned int port, struct rte_mbuf **m, uint16_t n)
{
	dp_handle_burst(T.lc, &T.lc->ports[port], m, n, rte_rdtsc());
	pass();
}

static void
inject(unsigned int port, struct rte_mbuf *m)
{
	inject_burst(port, &m, 1);
}

/* A new step: the last step's frames are freed, counters snapshotted. */
static void
begin(void)
{
	for (unsigned int p = 0; p < NPORTS; p++) {
		for (unsigned int i = 0; i < T.nout[p]; i++)
			rte_pktmbuf_free(T.out[p][i]);
		T.nout[p] = 0;
	}
	T.snap_w = T.lc->mx;
	T.snap_c = T.ctl->mx;
}

static bool
sent(unsigned int n_client, unsigned int n_peer)
{
	if (T.nout[P_CLIENT] == n_client && T.nout[P_PEER] == n_peer)
		return true;
	fprintf(stderr, "  sent %u frames on the client port and %u on the peer port, "
		"expected %u and %u\n", T.nout[P_CLIENT], T.nout[P_PEER], n_client, n_peer);
	return false;
}

/* Every mbuf is back in the pool (none held, none leaked). */
static bool
no_leak(void)
{
	unsigned int in_flight = T.nout[0] + T.nout[1] + T.lc->held_count;
	unsigned int avail = rte_mempool_avail_count(T.pool);

	if (avail + in_flight == T.pool_free)
		return true;
	fprintf(stderr, "  %u mbufs free + %u in flight, expected %u\n", avail, in_flight,
		T.pool_free);
	return false;
}

/* ---------------------------------------------------------------- counters */

/* Exactly the listed counters moved, by one per mention; reason: stun_decode slot or -1. */
static bool
moved(const char *who, const struct metrics_lcore *now, const struct metrics_lcore *before,
      int reason, unsigned int n, const enum metrics_counter *c)
{
	bool ok = true;

	for (int i = 0; i < METRICS_COUNTER_MAX; i++) {
		uint64_t want = 0;

		/* Bookkeeping of a lookup, not an outcome: CACHE_MOVED checks them where it matters. */
		if (i == METRICS_FLOW_CACHE_HITS || i == METRICS_FLOW_CACHE_MISSES)
			continue;
		for (unsigned int j = 0; j < n; j++)
			want += c[j] == (enum metrics_counter)i;
		if (now->counter[i] - before->counter[i] != want) {
			fprintf(stderr, "  %s counter %s moved by %llu, expected %llu\n", who,
				metrics_counter_name((enum metrics_counter)i),
				(unsigned long long)(now->counter[i] - before->counter[i]),
				(unsigned long long)want);
			ok = false;
		}
	}
	for (int i = 0; i < METRICS_STUN_REASONS; i++) {
		uint64_t want = i == reason ? 1 : 0;

		if (now->stun_decode[i] - before->stun_decode[i] != want) {
			fprintf(stderr, "  %s stun_decode[%s] moved by %llu, expected %llu\n", who,
				i < STUN_RESULT_MAX ? stun_result_name((enum stun_result)i) : "?",
				(unsigned long long)(now->stun_decode[i] - before->stun_decode[i]),
				(unsigned long long)want);
			ok = false;
		}
	}
	return ok;
}

#define MX_LIST(...)                                                                   \
	(unsigned int)(sizeof((enum metrics_counter[]){ __VA_ARGS__ }) /               \
		       sizeof(enum metrics_counter)),                                  \
	(enum metrics_counter[]){ __VA_ARGS__ }
#define W_MOVED(...) moved("worker", &T.lc->mx, &T.snap_w, -1, MX_LIST(__VA_ARGS__))
/* The worker's flow-cache counters since begin(). */
#define CACHE_MOVED(hits, misses)                                                              \
	(T.lc->mx.counter[METRICS_FLOW_CACHE_HITS] - T.snap_w.counter[METRICS_FLOW_CACHE_HITS] ==  \
		 (uint64_t)(hits) &&                                                           \
	 T.lc->mx.counter[METRICS_FLOW_CACHE_MISSES] -                                         \
			 T.snap_w.counter[METRICS_FLOW_CACHE_MISSES] ==                        \
		 (uint64_t)(misses))
#define W_MOVED_WHY(reason, ...) moved("worker", &T.lc->mx, &T.snap_w, (int)(reason), \
				       MX_LIST(__VA_ARGS__))
#define C_MOVED(...) moved("control", &T.ctl->mx, &T.snap_c, -1, MX_LIST(__VA_ARGS__))
#define C_QUIET() moved("control", &T.ctl->mx, &T.snap_c, -1, 0, NULL)
#define W_QUIET() moved("worker", &T.lc->mx, &T.snap_w, -1, 0, NULL)

/* ---------------------------------------------------------------- STUN requests */

struct req {
	struct stun_builder b;
	uint8_t buf[512];
	size_t len;
	uint8_t tid[STUN_TID_LEN];
};

static void
req_begin(struct req *q, uint16_t method, uint8_t cls)
{
	memset(q, 0, sizeof(*q));
	T.tid_serial++;
	for (unsigned int i = 0; i < STUN_TID_LEN; i++)
		q->tid[i] = (uint8_t)(0xd0 + i);
	memcpy(q->tid + 8, &T.tid_serial, 4);
	stun_builder_init(&q->b, q->buf, sizeof(q->buf), method, cls, q->tid);
}

/* auth: USERNAME alice, REALM, the client's NONCE, MESSAGE-INTEGRITY. */
static void
req_finish(struct req *q, const struct client *c, bool auth, bool fingerprint)
{
	if (auth) {
		stun_add_attr(&q->b, STUN_ATTR_USERNAME, "alice", 5);
		stun_add_attr(&q->b, STUN_ATTR_REALM, REALM, strlen(REALM));
		stun_add_attr(&q->b, STUN_ATTR_NONCE, c->nonce, c->nonce_len);
		stun_add_message_integrity(&q->b, c->key, sizeof(c->key));
	}
	if (fingerprint)
		stun_add_fingerprint(&q->b);
	q->len = stun_builder_finish(&q->b);
	CU_ASSERT_FATAL(q->len > 0);
}

static struct rte_mbuf *
client_frame(const struct client *c, const void *payload, size_t len)
{
	return eth_ipv4_udp(T.pool, c->mac, &T.ports[P_CLIENT].mac, c->ip, c->port, c->server,
			    LISTEN, payload, (uint16_t)len);
}

static struct rte_mbuf *
peer_frame(const struct rte_ether_addr *mac, const char *ip, uint16_t port, uint16_t dport,
	   const void *payload, size_t len)
{
	return eth_ipv4_udp(T.pool, mac, &T.ports[P_PEER].mac, ip, port, RELAY4, dport, payload,
			    (uint16_t)len);
}

static void
client_send(const struct client *c, const struct req *q)
{
	inject(P_CLIENT, client_frame(c, q->buf, q->len));
}

/* ---------------------------------------------------------------- output checks */

struct want_udp {
	unsigned int port;
	const struct rte_ether_addr *dst_mac;
	const char *src, *dst;
	uint16_t sport, dport;
};

/* The i-th frame sent on w->port is UDP exactly as w says (plus valid checksums). */
static bool
out_udp(unsigned int i, const struct want_udp *w, struct fr_out *o)
{
	if (i >= T.nout[w->port]) {
		fprintf(stderr, "  no frame %u on port %u\n", i, w->port);
		return false;
	}

	bool ok = fr_parse_udp(T.out[w->port][i], o);

	if (!ok)
		return false;
	ok &= fr_mac_eq(&o->src_mac, &T.ports[w->port].mac, "source MAC");
	ok &= fr_mac_eq(&o->dst_mac, w->dst_mac, "destination MAC");
	ok &= fr_ip_eq(o->family, o->src, w->src, "source address");
	ok &= fr_ip_eq(o->family, o->dst, w->dst, "destination address");
	if (o->sport != w->sport || o->dport != w->dport) {
		fprintf(stderr, "  ports %u -> %u, expected %u -> %u\n", o->sport, o->dport, w->sport,
			w->dport);
		ok = false;
	}
	if (o->ttl != 64) {
		fprintf(stderr, "  TTL/hop limit %u, expected 64\n", o->ttl);
		ok = false;
	}
	return ok;
}

/* The one frame on the client port is a STUN message from us to c, answering tid. */
static bool
out_stun_to(const struct client *c, const uint8_t *tid, struct stun_msg *msg)
{
	struct want_udp w = { P_CLIENT, c->mac, c->server, c->ip, LISTEN, c->port };
	struct fr_out o;
	enum stun_result r;

	if (!out_udp(0, &w, &o))
		return false;
	r = stun_decode(o.payload, o.payload_len, msg);
	if (r != STUN_OK) {
		fprintf(stderr, "  reply does not decode: %s\n", stun_result_str(r));
		return false;
	}
	if (tid != NULL && memcmp(msg->tid, tid, STUN_TID_LEN) != 0) {
		fprintf(stderr, "  reply transaction id differs\n");
		return false;
	}
	return true;
}

static bool
is_msg(const struct stun_msg *m, uint16_t method, uint8_t cls, uint16_t code)
{
	struct stun_error_code ec = { 0 };

	if (m->method != method || m->cls != cls) {
		fprintf(stderr, "  %s %s, expected %s %s\n", stun_method_name(m->method),
			stun_class_name(m->cls), stun_method_name(method), stun_class_name(cls));
		if (m->cls == STUN_CLASS_ERROR && stun_get_error_code(m, &ec) == STUN_OK)
			fprintf(stderr, "  error %u\n", ec.code);
		return false;
	}
	if (cls == STUN_CLASS_ERROR &&
	    (stun_get_error_code(m, &ec) != STUN_OK || ec.code != code)) {
		fprintf(stderr, "  ERROR-CODE %u, expected %u\n", ec.code, code);
		return false;
	}
	return cls == STUN_CLASS_ERROR || stun_find(m, STUN_ATTR_ERROR_CODE, 0) < 0;
}

static bool
addr_is(const struct stun_addr *a, const char *ip, uint16_t port)
{
	uint8_t w[16];
	int fam = fr_addr(ip, w);
	uint8_t sf = fam == AF_INET ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6;

	if (a->family == sf && a->port == port && memcmp(a->addr, w, fam == AF_INET ? 4 : 16) == 0)
		return true;
	fprintf(stderr, "  address family %u port %u differs from %s:%u\n", a->family, a->port, ip,
		port);
	return false;
}

static bool
signed_by(const struct stun_msg *m, const struct client *c)
{
	if (m->integrity < 0 || stun_check_integrity(m, c->key, sizeof(c->key)) != STUN_OK) {
		fprintf(stderr, "  MESSAGE-INTEGRITY missing or wrong\n");
		return false;
	}
	return true;
}

/* A Data indication carrying data from peer, header and padding exact. */
static bool
is_data_indication(const struct fr_out *o, const struct stun_addr *peer, const void *data,
		   uint16_t len)
{
	size_t padded = ((size_t)len + 3) & ~(size_t)3;
	size_t xpa = peer->family == STUN_FAMILY_IPV4 ? 12 : 24;
	struct stun_msg m;
	struct stun_addr got;
	struct stun_bytes d;
	bool ok = true;

	if (o->payload_len != STUN_HEADER_LEN + xpa + 4 + padded) {
		fprintf(stderr, "  Data indication of %u bytes, expected %zu\n", o->payload_len,
			STUN_HEADER_LEN + xpa + 4 + padded);
		return false;
	}
	if (((o->payload[2] << 8) | o->payload[3]) != o->payload_len - STUN_HEADER_LEN) {
		fprintf(stderr, "  STUN length field %u\n", (o->payload[2] << 8) | o->payload[3]);
		return false;
	}
	if (stun_decode(o->payload, o->payload_len, &m) != STUN_OK ||
	    !is_msg(&m, STUN_METHOD_DATA, STUN_CLASS_INDICATION, 0))
		return false;
	if (m.nattrs != 2 || m.attrs[0].type != STUN_ATTR_XOR_PEER_ADDRESS ||
	    m.attrs[1].type != STUN_ATTR_DATA) {
		fprintf(stderr, "  attributes are not XOR-PEER-ADDRESS, DATA\n");
		return false;
	}
	ok &= stun_get_xor_peer_address(&m, 0, &got) == STUN_OK && got.family == peer->family &&
	      got.port == peer->port && memcmp(got.addr, peer->addr, 16) == 0;
	ok &= stun_get_data(&m, &d) == STUN_OK && d.len == len && memcmp(d.data, data, len) == 0;
	for (size_t i = STUN_HEADER_LEN + xpa + 4 + len; i < o->payload_len; i++)
		ok &= o->payload[i] == 0;
	if (!ok)
		fprintf(stderr, "  XOR-PEER-ADDRESS, DATA or padding wrong\n");
	return ok;
}

static void
stun_addr_of(struct stun_addr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = fr_addr(ip, a->addr) == AF_INET ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6;
	a->port = port;
}

/* The frame sent on port is an ARP packet as given. */
static bool
out_arp(unsigned int port, unsigned int i, uint16_t op, const struct rte_ether_addr *eth_dst,
	const char *sip, const struct rte_ether_addr *tha, const char *tip)
{
	const struct rte_mbuf *m = T.out[port][i];
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_arp_hdr *arp = (const struct rte_arp_hdr *)(eth + 1);
	bool ok = true;

	if (m->data_len < sizeof(*eth) + sizeof(*arp) ||
	    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
		fprintf(stderr, "  not an ARP frame\n");
		return false;
	}
	ok &= fr_mac_eq(&eth->dst_addr, eth_dst, "ARP frame destination");
	ok &= fr_mac_eq(&eth->src_addr, &T.ports[port].mac, "ARP frame source");
	ok &= arp->arp_hardware == rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) &&
	      arp->arp_protocol == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) &&
	      arp->arp_hlen == 6 && arp->arp_plen == 4 && arp->arp_opcode == rte_cpu_to_be_16(op);
	ok &= fr_mac_eq(&arp->arp_data.arp_sha, &T.ports[port].mac, "ARP sender MAC");
	ok &= fr_ip_eq(AF_INET, (const uint8_t *)&arp->arp_data.arp_sip, sip, "ARP sender IP");
	if (tha != NULL)
		ok &= fr_mac_eq(&arp->arp_data.arp_tha, tha, "ARP target MAC");
	ok &= fr_ip_eq(AF_INET, (const uint8_t *)&arp->arp_data.arp_tip, tip, "ARP target IP");
	return ok;
}

/* ---------------------------------------------------------------- TURN steps */

/*
 * Allocate without credentials (401 through the control ring), then with them;
 * dual: with ADDITIONAL-ADDRESS-FAMILY IPv6 (RFC 8656 §7.2), both relayed addresses.
 */
static void
allocate_family(struct client *c, bool dual)
{
	struct stun_msg m;
	struct stun_bytes realm, nonce;
	struct stun_addr mapped;
	uint32_t lifetime = 0;
	struct req q;

	begin();
	req_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_requested_transport(&q.b, TURN_PROTO_UDP);
	req_finish(&q, c, false, false);
	client_send(c, &q);
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_TURN_TO_CONTROL,
			  METRICS_TX_PACKETS));
	CU_ASSERT(C_MOVED(METRICS_TURN_CHALLENGED));
	CU_ASSERT_FATAL(out_stun_to(c, q.tid, &m));
	CU_ASSERT(is_msg(&m, STUN_METHOD_ALLOCATE, STUN_CLASS_ERROR, 401));
	CU_ASSERT(stun_get_realm(&m, &realm) == STUN_OK && realm.len == strlen(REALM) &&
		  memcmp(realm.data, REALM, realm.len) == 0);
	CU_ASSERT_FATAL(stun_get_nonce(&m, &nonce) == STUN_OK && nonce.len > 0 &&
			nonce.len < sizeof(c->nonce));
	CU_ASSERT(m.integrity < 0);
	memcpy(c->nonce, nonce.data, nonce.len);
	c->nonce_len = nonce.len;

	begin();
	req_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_requested_transport(&q.b, TURN_PROTO_UDP);
	if (dual)
		stun_add_u32(&q.b, STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY,
			     (uint32_t)STUN_FAMILY_IPV6 << 24);
	req_finish(&q, c, true, false);
	client_send(c, &q);
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_TURN_TO_CONTROL,
			  METRICS_TX_PACKETS));
	if (dual) {
		CU_ASSERT(C_MOVED(METRICS_TURN_ALLOCATED, METRICS_TURN_DUAL_ALLOCATED));
	} else {
		CU_ASSERT(C_MOVED(METRICS_TURN_ALLOCATED));
	}
	CU_ASSERT_FATAL(out_stun_to(c, q.tid, &m));
	CU_ASSERT_FATAL(is_msg(&m, STUN_METHOD_ALLOCATE, STUN_CLASS_SUCCESS, 0));
	CU_ASSERT(signed_by(&m, c));
	CU_ASSERT_FATAL(stun_get_xor_relayed_address(&m, 0, &c->relayed) == STUN_OK);
	CU_ASSERT(c->relayed.port >= PORT_MIN && c->relayed.port <= PORT_MAX);
	CU_ASSERT(addr_is(&c->relayed, RELAY4, c->relayed.port));
	if (dual) {
		CU_ASSERT_FATAL(stun_get_xor_relayed_address(&m, 1, &c->relayed6) == STUN_OK);
		CU_ASSERT(addr_is(&c->relayed6, RELAY6, c->relayed6.port));
		CU_ASSERT(c->relayed6.port >= PORT_MIN && c->relayed6.port <= PORT_MAX);
	}
	CU_ASSERT(stun_find(&m, STUN_ATTR_ADDRESS_ERROR_CODE, 0) < 0);
	CU_ASSERT(stun_get_xor_mapped_address(&m, &mapped) == STUN_OK &&
		  addr_is(&mapped, c->ip, c->port));
	CU_ASSERT(stun_get_lifetime(&m, &lifetime) == STUN_OK &&
		  lifetime == TURN_ALLOCATION_LIFETIME_DEFAULT);
	CU_ASSERT(no_leak());
}

static void
allocate(struct client *c)
{
	allocate_family(c, false);
}

/* CreatePermission for one peer IP: success, signed. */
static void
permit(const struct client *c, const char *peer_ip)
{
	struct stun_addr peer;
	struct stun_msg m;
	struct req q;

	begin();
	stun_addr_of(&peer, peer_ip, 0);
	req_begin(&q, STUN_METHOD_CREATE_PERMISSION, STUN_CLASS_REQUEST);
	stun_add_xor_addr(&q.b, STUN_ATTR_XOR_PEER_ADDRESS, &peer);
	req_finish(&q, c, true, false);
	client_send(c, &q);
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_TURN_TO_CONTROL,
			  METRICS_TX_PACKETS));
	CU_ASSERT(C_MOVED(METRICS_TURN_PERMISSIONS));
	CU_ASSERT_FATAL(out_stun_to(c, q.tid, &m));
	CU_ASSERT(is_msg(&m, STUN_METHOD_CREATE_PERMISSION, STUN_CLASS_SUCCESS, 0));
	CU_ASSERT(signed_by(&m, c));
	CU_ASSERT(no_leak());
}

static size_t
send_indication(uint8_t *buf, size_t cap, const struct stun_addr *peer, const void *data,
		uint16_t len)
{
	struct stun_builder b;
	uint8_t tid[STUN_TID_LEN] = { 0x5e, 0x4d, 0x01 };

	stun_builder_init(&b, buf, cap, STUN_METHOD_SEND, STUN_CLASS_INDICATION, tid);
	stun_add_xor_addr(&b, STUN_ATTR_XOR_PEER_ADDRESS, peer);
	stun_add_attr(&b, STUN_ATTR_DATA, data, len);
	return stun_builder_finish(&b);
}

static void
client_send_indication(const struct client *c, const char *peer_ip, uint16_t peer_port,
		       const char *data)
{
	uint8_t buf[256];
	struct stun_addr peer;
	size_t n;

	stun_addr_of(&peer, peer_ip, peer_port);
	n = send_indication(buf, sizeof(buf), &peer, data, (uint16_t)strlen(data));
	CU_ASSERT_FATAL(n > 0);
	inject(P_CLIENT, client_frame(c, buf, n));
}

/* ---------------------------------------------------------------- case 1: ARP */

struct arp_case {
	const char *desc;
	unsigned int port;
	const struct rte_ether_addr *sha;
	const char *sip, *tip;
	enum metrics_counter outcome; /* ARP_REPLIED: a reply out the same port */
};

static const struct rte_ether_addr mac_stranger = { { 0x02, 0, 0, 0, 0x18, 0x50 } };

static const struct arp_case arp_cases[] = {
	{ "client A asks for 198.18.0.1 on the client port", P_CLIENT, &mac_a, "198.18.0.2", SRV4,
	  METRICS_ARP_REPLIED },
	{ "client B asks for 198.18.0.1 on the client port", P_CLIENT, &mac_b, "198.18.0.3", SRV4,
	  METRICS_ARP_REPLIED },
	{ "peer 198.19.0.2 asks for 198.19.0.1 on the peer port", P_PEER, &mac_peer, PEER, RELAY4,
	  METRICS_ARP_REPLIED },
	{ "peer 198.19.0.3 asks for 198.19.0.1 on the peer port", P_PEER, &mac_peer3, PEER_NOPERM,
	  RELAY4, METRICS_ARP_REPLIED },
	{ "a stranger asks for 198.18.0.99, not ours: not answered, not learned", P_CLIENT,
	  &mac_stranger, "198.18.0.50", "198.18.0.99", METRICS_DROP_ARP_NOT_OURS },
	{ "a stranger asks for 198.19.0.1 on the client port, not that port's", P_CLIENT,
	  &mac_stranger, "198.18.0.50", RELAY4, METRICS_DROP_ARP_NOT_OURS },
	{ "known A asks for another host: not answered, A refreshed (RFC 826 merge)", P_CLIENT,
	  &mac_a, "198.18.0.2", "198.18.0.99", METRICS_ARP_LEARNED },
};

static void
test_arp(void)
{
	for (unsigned int i = 0; i < RTE_DIM(arp_cases); i++) {
		const struct arp_case *k = &arp_cases[i];

		fprintf(stderr, "\n  [%s]\n", k->desc);
		begin();
		inject(k->port, eth_arp(T.pool, RTE_ARP_OP_REQUEST, &mac_bcast, k->sha, k->sip, NULL,
					k->tip));
		CU_ASSERT(C_QUIET());
		if (k->outcome != METRICS_ARP_REPLIED) {
			CU_ASSERT(sent(0, 0));
			CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, k->outcome));
			CU_ASSERT(no_leak());
			continue;
		}
		CU_ASSERT(sent(k->port == P_CLIENT, k->port == P_PEER));
		CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_ARP_REPLIED, METRICS_TX_PACKETS));
		if (T.nout[k->port] == 1)
			CU_ASSERT(out_arp(k->port, 0, RTE_ARP_OP_REPLY, k->sha, k->tip, k->sha, k->sip));
		CU_ASSERT(no_leak());
	}
}

/* ---------------------------------------------------------------- case 2: Binding */

static void
binding(const struct client *c)
{
	struct stun_addr mapped;
	struct stun_msg m;
	struct req q;

	begin();
	req_begin(&q, STUN_METHOD_BINDING, STUN_CLASS_REQUEST);
	req_finish(&q, c, false, true);
	client_send(c, &q);
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_STUN_BINDING_ANSWERED,
			  METRICS_TX_PACKETS));
	CU_ASSERT(C_QUIET());
	CU_ASSERT_FATAL(out_stun_to(c, q.tid, &m));
	CU_ASSERT(is_msg(&m, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, 0));
	CU_ASSERT(stun_get_xor_mapped_address(&m, &mapped) == STUN_OK &&
		  addr_is(&mapped, c->ip, c->port));
	CU_ASSERT(m.fingerprint >= 0 && m.fingerprint == (int)m.nattrs - 1 &&
		  stun_check_fingerprint(&m) == STUN_OK);
	CU_ASSERT(no_leak());
}

static void
test_binding_ipv4(void)
{
	binding(&A);
}

static void
test_binding_ipv6(void)
{
	binding(&A6);
}

/* ---------------------------------------------------------------- case 3: Allocate */

static void
test_allocate(void)
{
	allocate(&A);
}

/* ---------------------------------------------------------------- case 4: permission, Send */

static void
test_permission_send(void)
{
	struct want_udp w;
	struct fr_out o;

	permit(&A, PEER);

	begin();
	client_send_indication(&A, PEER, 5000, "hello");
	CU_ASSERT(sent(0, 1));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_RELAY_TO_PEER,
			  METRICS_TX_PACKETS));
	CU_ASSERT(C_QUIET());
	w = (struct want_udp){ P_PEER, &mac_peer, RELAY4, PEER, A.relayed.port, 5000 };
	CU_ASSERT(out_udp(0, &w, &o) && o.payload_len == 5 && memcmp(o.payload, "hello", 5) == 0);
	CU_ASSERT(no_leak());
}

/* ---------------------------------------------------------------- case 5: peer -> Data indication */

static void
test_peer_data_indication(void)
{
	struct want_udp w = { P_CLIENT, &mac_a, SRV4, A.ip, LISTEN, A.port };
	struct stun_addr peer;
	struct fr_out o;

	begin();
	inject(P_PEER, peer_frame(&mac_peer, PEER, 5000, A.relayed.port, "world!", 6));
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_RELAY_TO_CLIENT_DATA, METRICS_TX_PACKETS));
	CU_ASSERT(C_QUIET());
	stun_addr_of(&peer, PEER, 5000);
	CU_ASSERT(out_udp(0, &w, &o) && is_data_indication(&o, &peer, "world!", 6));
	CU_ASSERT(no_leak());

	/* A length already a multiple of 4 gets no padding. */
	begin();
	inject(P_PEER, peer_frame(&mac_peer, PEER, 5000, A.relayed.port, "four", 4));
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_RELAY_TO_CLIENT_DATA, METRICS_TX_PACKETS));
	CU_ASSERT(out_udp(0, &w, &o) && is_data_indication(&o, &peer, "four", 4));
	CU_ASSERT(no_leak());

	/* A short frame padded to 60 bytes and without a UDP checksum (legal over IPv4):
	 * the data is the UDP payload only, and the frame sent has a checksum. */
	struct fr_udp f = {
		.src_mac = &mac_peer, .dst_mac = &T.ports[P_PEER].mac, .src = PEER, .dst = RELAY4,
		.sport = 5000, .dport = A.relayed.port, .payload = "z", .len = 1,
		.defects = FR_ETH_PAD | FR_NO_UDP_CKSUM,
	};

	begin();
	inject(P_PEER, fr_udp_build(T.pool, &f));
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_RELAY_TO_CLIENT_DATA, METRICS_TX_PACKETS));
	CU_ASSERT(out_udp(0, &w, &o) && is_data_indication(&o, &peer, "z", 1));
	CU_ASSERT(no_leak());
}

/* ------------------------------------------- cases 3 and 5 for a client over IPv6 */

static void
test_ipv6_client(void)
{
	struct want_udp w = { P_CLIENT, &mac_a, SRV6, A6.ip, LISTEN, A6.port };
	struct stun_addr peer;
	struct fr_out o;

	allocate(&A6);
	CU_ASSERT(A6.relayed.port != A.relayed.port);
	permit(&A6, PEER);

	/* The client's IPv6 next hop is unknown: held, a solicitation goes out. */
	begin();
	inject(P_PEER, peer_frame(&mac_peer, PEER, 5000, A6.relayed.port, "via v6", 6));
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_RELAY_TO_CLIENT_DATA, METRICS_NDP_SOLICITED,
			  METRICS_NEIGH_PENDING, METRICS_TX_PACKETS));
	CU_ASSERT(T.lc->held_count == 1);
	if (T.nout[P_CLIENT] == 1)
		CU_ASSERT(fr_is_ns(T.out[P_CLIENT][0], &T.ports[P_CLIENT].mac, A6.ip));
	CU_ASSERT(no_leak());

	/* The client advertises itself. */
	begin();
	inject(P_CLIENT, eth_ipv6_na(T.pool, &mac_a, &T.ports[P_CLIENT].mac, A6.ip, SRV6));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_NDP_LEARNED));

	/* The retry sends the Data indication over IPv6. */
	begin();
	dp_relay_retry_held(T.lc, rte_rdtsc());
	collect();
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_NEIGH_HELD_SENT, METRICS_TX_PACKETS));
	CU_ASSERT(T.lc->held_count == 0);
	stun_addr_of(&peer, PEER, 5000);
	CU_ASSERT(out_udp(0, &w, &o) && is_data_indication(&o, &peer, "via v6", 6));
	CU_ASSERT(no_leak());

	/* And the client's Send indication goes out over IPv4 from its relayed address. */
	begin();
	client_send_indication(&A6, PEER, 5000, "from v6");
	CU_ASSERT(sent(0, 1));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_RELAY_TO_PEER,
			  METRICS_TX_PACKETS));
	w = (struct want_udp){ P_PEER, &mac_peer, RELAY4, PEER, A6.relayed.port, 5000 };
	CU_ASSERT(out_udp(0, &w, &o) && o.payload_len == 7 && memcmp(o.payload, "from v6", 7) == 0);
	CU_ASSERT(no_leak());
}

/* ---------------------------------------------------------------- case 6: channels */

static void
test_channel(void)
{
	static const uint8_t cd[] = { 0x40, 0x01, 0x00, 0x03, 'a', 'b', 'c', 0 };
	struct want_udp w;
	struct stun_channel_data ch;
	struct stun_addr peer;
	struct stun_msg m;
	struct fr_out o;
	struct req q;

	begin();
	stun_addr_of(&peer, PEER, 5000);
	req_begin(&q, STUN_METHOD_CHANNEL_BIND, STUN_CLASS_REQUEST);
	stun_add_channel_number(&q.b, 0x4001);
	stun_add_xor_addr(&q.b, STUN_ATTR_XOR_PEER_ADDRESS, &peer);
	req_finish(&q, &A, true, false);
	client_send(&A, &q);
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_TURN_TO_CONTROL,
			  METRICS_TX_PACKETS));
	CU_ASSERT(C_MOVED(METRICS_TURN_CHANNELS));
	CU_ASSERT_FATAL(out_stun_to(&A, q.tid, &m));
	CU_ASSERT(is_msg(&m, STUN_METHOD_CHANNEL_BIND, STUN_CLASS_SUCCESS, 0));
	CU_ASSERT(signed_by(&m, &A));

	/* ChannelData 0x4001 "abc" (padded to 4 as RFC 8656 §12.5 allows) -> UDP "abc". */
	begin();
	inject(P_CLIENT, client_frame(&A, cd, sizeof(cd)));
	CU_ASSERT(sent(0, 1));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_RELAY_TO_PEER,
			  METRICS_TX_PACKETS));
	CU_ASSERT(C_QUIET());
	w = (struct want_udp){ P_PEER, &mac_peer, RELAY4, PEER, A.relayed.port, 5000 };
	CU_ASSERT(out_udp(0, &w, &o) && o.payload_len == 3 && memcmp(o.payload, "abc", 3) == 0);

	/* The peer's "xyz" -> ChannelData 0x4001, length 3. */
	begin();
	inject(P_PEER, peer_frame(&mac_peer, PEER, 5000, A.relayed.port, "xyz", 3));
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_RELAY_TO_CLIENT_CHANNEL, METRICS_TX_PACKETS));
	w = (struct want_udp){ P_CLIENT, &mac_a, SRV4, A.ip, LISTEN, A.port };
	CU_ASSERT_FATAL(out_udp(0, &w, &o));
	CU_ASSERT(o.payload_len >= 7 && o.payload_len <= 8);
	CU_ASSERT(o.payload[0] == 0x40 && o.payload[1] == 0x01 && o.payload[2] == 0 &&
		  o.payload[3] == 3);
	CU_ASSERT(stun_channel_decode_max(o.payload, o.payload_len, STUN_CHANNEL_MAX_RFC5766, &ch) ==
			  STUN_OK && ch.channel == 0x4001 && ch.len == 3 &&
		  memcmp(ch.data, "xyz", 3) == 0);
	CU_ASSERT(no_leak());
}

/* ---------------------------------------------------------------- case 7: refusals */

static void
test_no_permission_no_channel(void)
{
	static const uint8_t cd[] = { 0x40, 0x02, 0x00, 0x03, 'a', 'b', 'c', 0 };

	/* A peer without a permission. */
	begin();
	inject(P_PEER, peer_frame(&mac_peer3, PEER_NOPERM, 5000, A.relayed.port, "spam", 4));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_DROP_RELAY_NO_PERMISSION));
	CU_ASSERT(C_QUIET());
	CU_ASSERT(no_leak());

	/* The client sending to it. */
	begin();
	client_send_indication(&A, PEER_NOPERM, 5000, "hello");
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED,
			  METRICS_DROP_RELAY_NO_PERMISSION));
	CU_ASSERT(no_leak());

	/* ChannelData on a channel that is not bound. */
	begin();
	inject(P_CLIENT, client_frame(&A, cd, sizeof(cd)));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_DROP_RELAY_NO_CHANNEL));
	CU_ASSERT(C_QUIET());
	CU_ASSERT(no_leak());

	/* UDP to a port of ours that is neither listening nor relayed. */
	begin();
	inject(P_PEER, peer_frame(&mac_peer, PEER, 5000, 9999, "x", 1));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_DROP_UDP_PORT));
	CU_ASSERT(no_leak());
}

/* ---------------------------------------------------------------- case 1b: next hop unknown */

static void
test_held_until_resolved(void)
{
	struct want_udp w;
	struct fr_out o;

	permit(&A, PEER_UNKNOWN);

	/* The datagram waits; an ARP request for the peer goes out instead. */
	begin();
	client_send_indication(&A, PEER_UNKNOWN, 6000, "held");
	CU_ASSERT(sent(0, 1));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_RELAY_TO_PEER,
			  METRICS_ARP_REQUESTED, METRICS_NEIGH_PENDING, METRICS_TX_PACKETS));
	CU_ASSERT(C_QUIET());
	CU_ASSERT(T.lc->held_count == 1);
	if (T.nout[P_PEER] == 1)
		CU_ASSERT(out_arp(P_PEER, 0, RTE_ARP_OP_REQUEST, &mac_bcast, RELAY4, NULL,
				  PEER_UNKNOWN));
	CU_ASSERT(no_leak());

	/*
	 * A pass before the answer: still held, nothing sent (the probe is
	 * rate-limited to one a second) and no counter moves, since this
	 * datagram was counted as neigh_pending when it was held. (Fails while
	 * net_udp_send counts NEIGH_PENDING again on every dp_relay_retry_held,
	 * i.e. on every worker pass: a lib bug, reported, not worked around.)
	 */
	begin();
	dp_relay_retry_held(T.lc, rte_rdtsc());
	collect();
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(T.lc->held_count == 1);
	CU_ASSERT(W_QUIET());
	CU_ASSERT(no_leak());

	/* The peer answers: learned, nothing sent yet. */
	begin();
	inject(P_PEER, eth_arp(T.pool, RTE_ARP_OP_REPLY, &T.ports[P_PEER].mac, &mac_peer4,
			       PEER_UNKNOWN, &T.ports[P_PEER].mac, RELAY4));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_ARP_LEARNED));
	CU_ASSERT(T.lc->held_count == 1);

	/* The next pass's retry sends it, to the MAC just learned. */
	begin();
	dp_relay_retry_held(T.lc, rte_rdtsc());
	collect();
	CU_ASSERT(sent(0, 1));
	CU_ASSERT(W_MOVED(METRICS_NEIGH_HELD_SENT, METRICS_TX_PACKETS));
	CU_ASSERT(C_QUIET());
	CU_ASSERT(T.lc->held_count == 0);
	w = (struct want_udp){ P_PEER, &mac_peer4, RELAY4, PEER_UNKNOWN, A.relayed.port, 6000 };
	CU_ASSERT(out_udp(0, &w, &o) && o.payload_len == 4 && memcmp(o.payload, "held", 4) == 0);
	CU_ASSERT(no_leak());
}

/* A next hop that never answers: the held datagram is dropped after a second. */
static void
test_held_unresolved_dropped(void)
{
	uint64_t t0;

	permit(&A, PEER_SILENT);
	begin();
	t0 = rte_rdtsc();
	client_send_indication(&A, PEER_SILENT, 6000, "lost");
	CU_ASSERT(sent(0, 1));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_RELAY_TO_PEER,
			  METRICS_ARP_REQUESTED, METRICS_NEIGH_PENDING, METRICS_TX_PACKETS));
	CU_ASSERT(T.lc->held_count == 1);
	if (T.nout[P_PEER] == 1)
		CU_ASSERT(out_arp(P_PEER, 0, RTE_ARP_OP_REQUEST, &mac_bcast, RELAY4, NULL,
				  PEER_SILENT));

	/* Two seconds on (the test's clock): dropped and counted, no UDP sent. */
	begin();
	dp_relay_retry_held(T.lc, t0 + 2 * rte_get_tsc_hz());
	collect();
	CU_ASSERT(T.lc->held_count == 0);
	/* The neighbour is probed again (one a second), the datagram is gone. */
	CU_ASSERT(sent(0, 1));
	if (T.nout[P_PEER] == 1)
		CU_ASSERT(out_arp(P_PEER, 0, RTE_ARP_OP_REQUEST, &mac_bcast, RELAY4, NULL,
				  PEER_SILENT));
	CU_ASSERT(W_MOVED(METRICS_DROP_NEIGH_UNRESOLVED, METRICS_ARP_REQUESTED, METRICS_TX_PACKETS));
	CU_ASSERT(no_leak());
}

/* ---------------------------------------------------------------- case 8: hairpin */

static void
test_hairpin(void)
{
	struct want_udp w = { P_CLIENT, &mac_b, SRV4, B.ip, LISTEN, B.port };
	struct fr_out o;
	uint8_t buf[256];
	size_t n;

	allocate(&B);
	CU_ASSERT_FATAL(B.relayed.port != A.relayed.port);
	permit(&A, RELAY4);

	/* B has no permission for A's relayed address yet: dropped. */
	begin();
	n = send_indication(buf, sizeof(buf), &B.relayed, "early", 5);
	inject(P_CLIENT, client_frame(&A, buf, n));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED,
			  METRICS_DROP_RELAY_NO_PERMISSION));
	CU_ASSERT(no_leak());

	permit(&B, RELAY4);
	begin();
	n = send_indication(buf, sizeof(buf), &B.relayed, "hairpin", 7);
	inject(P_CLIENT, client_frame(&A, buf, n));
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_RELAY_TO_CLIENT_DATA,
			  METRICS_RELAY_HAIRPIN, METRICS_TX_PACKETS));
	CU_ASSERT(C_QUIET());
	CU_ASSERT(out_udp(0, &w, &o) && is_data_indication(&o, &A.relayed, "hairpin", 7));
	CU_ASSERT(no_leak());
}

/* ---------------------------------------------------------------- case 9: garbage */

enum garbage_kind { G_UDP, G_RAW };

struct garbage_case {
	const char *desc;
	enum garbage_kind kind;
	const uint8_t *payload; /* G_UDP: the datagram from client A; G_RAW: the frame */
	uint16_t len;
	unsigned int defects;   /* FR_* */
	enum metrics_counter why;
	bool udp_received;      /* reached a listening port */
	int reason;             /* stun_decode slot, or -1 */
};

/* A valid Binding request (no attributes) for the defective copies below. */
static const uint8_t binding_req[20] = {
	0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
};
static const uint8_t stun_truncated[6] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12 };
/* A Send indication whose cookie is not 0x2112A442 (not a classic Binding either). */
static const uint8_t stun_bad_cookie[20] = {
	0x00, 0x16, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
};
/* Channel 0x4001 claims 200 bytes and carries 3. */
static const uint8_t channel_lying[8] = { 0x40, 0x01, 0x00, 0xc8, 'a', 'b', 'c', 0 };
static const uint8_t runt[10] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0 };

static const struct garbage_case garbage[] = {
	{ "truncated STUN header", G_UDP, stun_truncated, sizeof(stun_truncated), 0,
	  METRICS_DROP_STUN_DECODE, true, STUN_TRUNCATED_HEADER },
	{ "bad magic cookie", G_UDP, stun_bad_cookie, sizeof(stun_bad_cookie), 0,
	  METRICS_DROP_STUN_DECODE, true, STUN_BAD_COOKIE },
	{ "bad UDP checksum", G_UDP, binding_req, sizeof(binding_req), FR_BAD_UDP_CKSUM,
	  METRICS_DROP_UDP_CHECKSUM, false, -1 },
	{ "IPv4 options", G_UDP, binding_req, sizeof(binding_req), FR_IPV4_OPTIONS,
	  METRICS_DROP_IPV4_OPTIONS, false, -1 },
	{ "IPv4 fragment", G_UDP, binding_req, sizeof(binding_req), FR_IPV4_MF,
	  METRICS_DROP_IPV4_FRAGMENT, false, -1 },
	{ "runt frame", G_RAW, runt, sizeof(runt), 0, METRICS_DROP_ETH_SHORT, false, -1 },
	{ "ChannelData with a lying length", G_UDP, channel_lying, sizeof(channel_lying), 0,
	  METRICS_DROP_STUN_DECODE, true, STUN_CHANNEL_LENGTH },
};

static struct rte_mbuf *
garbage_frame(const struct garbage_case *g)
{
	struct fr_udp f = {
		.src_mac = A.mac, .dst_mac = &T.ports[P_CLIENT].mac, .src = A.ip, .dst = SRV4,
		.sport = A.port, .dport = LISTEN, .payload = g->payload, .len = g->len,
		.defects = g->defects,
	};

	return g->kind == G_RAW ? eth_raw(T.pool, g->payload, g->len) : fr_udp_build(T.pool, &f);
}

static void
test_garbage_interleaved(void)
{
	struct rte_mbuf *burst[2 * RTE_DIM(garbage) + 1];
	uint16_t n = 0;

	/* One at a time, each followed by a valid Binding request. */
	for (unsigned int i = 0; i < RTE_DIM(garbage); i++) {
		const struct garbage_case *g = &garbage[i];

		fprintf(stderr, "\n  [%s]\n", g->desc);
		begin();
		inject(P_CLIENT, garbage_frame(g));
		CU_ASSERT(sent(0, 0));
		if (g->udp_received) {
			CU_ASSERT(W_MOVED_WHY(g->reason, METRICS_RX_PACKETS, METRICS_UDP_RECEIVED,
					      g->why));
		} else {
			CU_ASSERT(W_MOVED_WHY(g->reason, METRICS_RX_PACKETS, g->why));
		}
		CU_ASSERT(C_QUIET());
		CU_ASSERT(no_leak());
		binding(&A);
	}

	/* All in one burst, a Binding request between each: only those are answered. */
	begin();
	for (unsigned int i = 0; i < RTE_DIM(garbage); i++) {
		burst[n++] = garbage_frame(&garbage[i]);
		burst[n++] = client_frame(&A, binding_req, sizeof(binding_req));
	}
	burst[n++] = client_frame(&A, binding_req, sizeof(binding_req));
	inject_burst(P_CLIENT, burst, n);
	CU_ASSERT(sent(RTE_DIM(garbage) + 1, 0));
	CU_ASSERT(T.lc->mx.counter[METRICS_STUN_BINDING_ANSWERED] -
		  T.snap_w.counter[METRICS_STUN_BINDING_ANSWERED] == RTE_DIM(garbage) + 1);
	CU_ASSERT(T.lc->mx.counter[METRICS_RX_PACKETS] - T.snap_w.counter[METRICS_RX_PACKETS] == n);
	for (unsigned int i = 0; i < RTE_DIM(garbage); i++)
		CU_ASSERT(T.lc->mx.counter[garbage[i].why] > T.snap_w.counter[garbage[i].why]);
	for (unsigned int i = 0; i < T.nout[P_CLIENT]; i++) {
		struct want_udp w = { P_CLIENT, &mac_a, SRV4, A.ip, LISTEN, A.port };
		struct stun_addr mapped;
		struct stun_msg m;
		struct fr_out o;

		CU_ASSERT(out_udp(i, &w, &o) && stun_decode(o.payload, o.payload_len, &m) == STUN_OK &&
			  is_msg(&m, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, 0) &&
			  memcmp(m.tid, binding_req + 8, STUN_TID_LEN) == 0 &&
			  stun_get_xor_mapped_address(&m, &mapped) == STUN_OK &&
			  addr_is(&mapped, A.ip, A.port));
	}
	CU_ASSERT(no_leak());
}

/* ---------------------------------------------------------------- case 10: Refresh 0 */

static void
test_refresh_zero(void)
{
	struct stun_msg m;
	uint32_t lifetime = 1;
	struct req q;

	begin();
	req_begin(&q, STUN_METHOD_REFRESH, STUN_CLASS_REQUEST);
	stun_add_u32(&q.b, STUN_ATTR_LIFETIME, 0);
	req_finish(&q, &A, true, false);
	client_send(&A, &q);
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_TURN_TO_CONTROL,
			  METRICS_TX_PACKETS));
	CU_ASSERT(C_MOVED(METRICS_TURN_DELETED));
	CU_ASSERT_FATAL(out_stun_to(&A, q.tid, &m));
	CU_ASSERT(is_msg(&m, STUN_METHOD_REFRESH, STUN_CLASS_SUCCESS, 0));
	CU_ASSERT(signed_by(&m, &A));
	CU_ASSERT(stun_get_lifetime(&m, &lifetime) == STUN_OK && lifetime == 0);

	/* Peer data to the old relayed port. */
	begin();
	inject(P_PEER, peer_frame(&mac_peer, PEER, 5000, A.relayed.port, "late", 4));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_DROP_PEER_NO_ALLOCATION));
	CU_ASSERT(C_QUIET());
	CU_ASSERT(no_leak());

	/* The client's own data has no allocation to go through either. */
	begin();
	client_send_indication(&A, PEER, 5000, "late");
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED,
			  METRICS_DROP_RELAY_NO_ALLOCATION));
	CU_ASSERT(no_leak());

	/* B is untouched: its peer's data still arrives. */
	permit(&B, PEER);
	begin();
	inject(P_PEER, peer_frame(&mac_peer, PEER, 5000, B.relayed.port, "still", 5));
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_RELAY_TO_CLIENT_DATA, METRICS_TX_PACKETS));
	begin();
	CU_ASSERT(no_leak());
}

/* ---------------------------------------------- case 12: the workers' flow cache */

/* A's host from two more ports: allocations written straight into the table. */
static struct client C = { .ip = "198.18.0.2", .server = SRV4, .port = 40030, .mac = &mac_a };
static struct client E = { .ip = "198.18.0.2", .server = SRV4, .port = 40031, .mac = &mac_a };

static struct table_alloc *
direct_allocation(const struct client *c, uint16_t channel, uint16_t peer_port)
{
	uint64_t now_ms = rte_get_tsc_cycles() / T.settings.tsc_per_ms;
	struct stun_addr client, server, peer;
	struct table_5tuple k;
	struct table_alloc *a;

	stun_addr_of(&client, c->ip, c->port);
	stun_addr_of(&server, c->server, LISTEN);
	stun_addr_of(&peer, PEER, peer_port);
	memset(&k, 0, sizeof(k));
	k.family = client.family;
	k.proto = TURN_PROTO_UDP;
	k.client_port = c->port;
	k.server_port = LISTEN;
	memcpy(k.client_addr, client.addr, sizeof(k.client_addr));
	memcpy(k.server_addr, server.addr, sizeof(k.server_addr));
	if (table_alloc_create(T.table, &k, STUN_FAMILY_IPV4, P_CLIENT, now_ms + 600000, &a) != 0)
		return NULL;
	if (channel != 0 &&
	    (table_perm_install(a, STUN_FAMILY_IPV4, peer.addr, now_ms + 300000, now_ms) != 0 ||
	     table_channel_bind(a, channel, &peer, now_ms + 600000, now_ms) != 0))
		return NULL;
	return a;
}

/* Delete the allocation and let the worker pass a quiescent state, so its entry is reused next. */
static void
delete_and_reclaim(struct table_alloc *a)
{
	table_alloc_delete(T.table, a);
	collect();
	CU_ASSERT(table_reclaim(T.table) >= 1);
}

/*
 * The worker caches where each 5-tuple's and relayed address's allocation
 * is. Between two packets of one flow its allocation is deleted, then its
 * table entry is reused, for the same 5-tuple and for another: every
 * packet goes by the allocation that holds its 5-tuple now, or is counted
 * as having none, never by the one that was cached.
 */
static void
test_flow_cache_reuse(void)
{
	static const uint8_t cd5[] = { 0x40, 0x05, 0x00, 0x04, 'o', 'n', 'e', '!' };
	static const uint8_t cd6[] = { 0x40, 0x06, 0x00, 0x04, 't', 'w', 'o', '!' };
	struct table_alloc *a, *b;
	struct want_udp w;
	struct fr_out o;
	uint16_t old_port;

	a = direct_allocation(&C, 0x4005, 5005);
	CU_ASSERT_FATAL(a != NULL);
	old_port = a->ids.relay.port;
	/* Both directions once, twice: the second of each is a cache hit (and counted so). */
	for (int i = 0; i < 2; i++) {
		begin();
		inject(P_CLIENT, client_frame(&C, cd5, sizeof(cd5)));
		CU_ASSERT(sent(0, 1));
		CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_RELAY_TO_PEER,
				  METRICS_TX_PACKETS));
		CU_ASSERT(CACHE_MOVED(i, 1 - i));
		w = (struct want_udp){ P_PEER, &mac_peer, RELAY4, PEER, old_port, 5005 };
		CU_ASSERT(out_udp(0, &w, &o) && o.payload_len == 4 && memcmp(o.payload, "one!", 4) == 0);
		begin();
		inject(P_PEER, peer_frame(&mac_peer, PEER, 5005, old_port, "back", 4));
		CU_ASSERT(sent(1, 0));
		CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_RELAY_TO_CLIENT_CHANNEL,
				  METRICS_TX_PACKETS));
		CU_ASSERT(CACHE_MOVED(i, 1 - i));
	}

	/* Deleted: both directions find no allocation; the cached entry fails its check (a miss). */
	delete_and_reclaim(a);
	begin();
	inject(P_CLIENT, client_frame(&C, cd5, sizeof(cd5)));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_DROP_RELAY_NO_ALLOCATION));
	CU_ASSERT(CACHE_MOVED(0, 1));
	begin();
	inject(P_PEER, peer_frame(&mac_peer, PEER, 5005, old_port, "late", 4));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_DROP_PEER_NO_ALLOCATION));
	CU_ASSERT(CACHE_MOVED(0, 1));

	/* The same entry, the same 5-tuple, a new allocation with no channel yet. */
	b = direct_allocation(&C, 0, 0);
	CU_ASSERT_PTR_EQUAL_FATAL(b, a);
	CU_ASSERT_NOT_EQUAL(b->ids.relay.port, old_port);
	begin();
	inject(P_CLIENT, client_frame(&C, cd5, sizeof(cd5)));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_DROP_RELAY_NO_CHANNEL));
	begin();
	inject(P_PEER, peer_frame(&mac_peer, PEER, 5005, old_port, "late", 4));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_DROP_PEER_NO_ALLOCATION));
	delete_and_reclaim(b);

	/* ... and with a channel of its own: relayed from its own relayed port. */
	b = direct_allocation(&C, 0x4006, 5006);
	CU_ASSERT_PTR_EQUAL_FATAL(b, a);
	begin();
	inject(P_CLIENT, client_frame(&C, cd6, sizeof(cd6)));
	CU_ASSERT(sent(0, 1));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_RELAY_TO_PEER,
			  METRICS_TX_PACKETS));
	w = (struct want_udp){ P_PEER, &mac_peer, RELAY4, PEER, b->ids.relay.port, 5006 };
	CU_ASSERT(out_udp(0, &w, &o) && o.payload_len == 4 && memcmp(o.payload, "two!", 4) == 0);
	begin();
	inject(P_CLIENT, client_frame(&C, cd5, sizeof(cd5)));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_DROP_RELAY_NO_CHANNEL));
	old_port = b->ids.relay.port;
	delete_and_reclaim(b);

	/* The entry reused by another client: C's packets have no allocation. */
	b = direct_allocation(&E, 0x4006, 5006);
	CU_ASSERT_PTR_EQUAL_FATAL(b, a);
	begin();
	inject(P_CLIENT, client_frame(&C, cd6, sizeof(cd6)));
	CU_ASSERT(sent(0, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_DROP_RELAY_NO_ALLOCATION));
	if (b->ids.relay.port != old_port) {
		begin();
		inject(P_PEER, peer_frame(&mac_peer, PEER, 5006, old_port, "late", 4));
		CU_ASSERT(sent(0, 0));
		CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_DROP_PEER_NO_ALLOCATION));
	}
	delete_and_reclaim(b);
	begin();
	CU_ASSERT(no_leak());
}

/* ---------------------------------------------- case 11: dual-stack allocation */

/*
 * One allocation with an IPv4 and an IPv6 relayed address (RFC 8656 §7.2)
 * used by an IPv4 client towards an IPv6 peer over a channel and an IPv4 peer
 * with an indication, all through the burst path: the IPv6 datagrams leave
 * from the IPv6 relayed address with a valid UDP checksum (mandatory in IPv6),
 * and the IPv6 peer's answer comes back to the IPv4 client as ChannelData.
 */
static void
test_dual_stack(void)
{
	static const uint8_t cd[] = { 0x40, 0x05, 0x00, 0x05, 'v', '6', 'o', 'u', 't', 0, 0, 0 };
	struct stun_channel_data ch;
	struct stun_addr peer6;
	struct want_udp w;
	struct stun_msg m;
	struct fr_out o;
	struct req q;

	allocate_family(&D, true);
	permit(&D, PEER6);
	permit(&D, PEER);

	begin();
	stun_addr_of(&peer6, PEER6, 5000);
	req_begin(&q, STUN_METHOD_CHANNEL_BIND, STUN_CLASS_REQUEST);
	stun_add_channel_number(&q.b, 0x4005);
	stun_add_xor_addr(&q.b, STUN_ATTR_XOR_PEER_ADDRESS, &peer6);
	req_finish(&q, &D, true, false);
	client_send(&D, &q);
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(C_MOVED(METRICS_TURN_CHANNELS));
	CU_ASSERT_FATAL(out_stun_to(&D, q.tid, &m));
	CU_ASSERT(is_msg(&m, STUN_METHOD_CHANNEL_BIND, STUN_CLASS_SUCCESS, 0));

	/* ChannelData to the IPv6 peer, whose neighbour is unknown: held, solicited. */
	begin();
	inject(P_CLIENT, client_frame(&D, cd, sizeof(cd)));
	CU_ASSERT(sent(0, 1));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_RELAY_TO_PEER,
			  METRICS_NDP_SOLICITED, METRICS_NEIGH_PENDING, METRICS_TX_PACKETS));
	if (T.nout[P_PEER] == 1)
		CU_ASSERT(fr_is_ns(T.out[P_PEER][0], &T.ports[P_PEER].mac, PEER6));
	CU_ASSERT(no_leak());

	begin();
	inject(P_PEER, eth_ipv6_na(T.pool, &mac_peer, &T.ports[P_PEER].mac, PEER6, RELAY6));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_NDP_LEARNED));
	begin();
	dp_relay_retry_held(T.lc, rte_rdtsc());
	collect();
	CU_ASSERT(sent(0, 1));
	w = (struct want_udp){ P_PEER, &mac_peer, RELAY6, PEER6, D.relayed6.port, 5000 };
	CU_ASSERT(out_udp(0, &w, &o) && o.family == AF_INET6 && o.payload_len == 5 &&
		  memcmp(o.payload, "v6out", 5) == 0);
	CU_ASSERT(no_leak());

	/* Now resolved: straight out, no hold. */
	begin();
	inject(P_CLIENT, client_frame(&D, cd, sizeof(cd)));
	CU_ASSERT(sent(0, 1));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_RELAY_TO_PEER,
			  METRICS_TX_PACKETS));
	CU_ASSERT(out_udp(0, &w, &o) && o.payload_len == 5);
	CU_ASSERT(no_leak());

	/* The IPv6 peer answers the IPv6 relayed address: ChannelData to the IPv4 client. */
	begin();
	inject(P_PEER, eth_ipv6_udp(T.pool, &mac_peer, &T.ports[P_PEER].mac, PEER6, 5000, RELAY6,
				    D.relayed6.port, "v6in", 4));
	CU_ASSERT(sent(1, 0));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_RELAY_TO_CLIENT_CHANNEL, METRICS_TX_PACKETS));
	w = (struct want_udp){ P_CLIENT, &mac_a, SRV4, D.ip, LISTEN, D.port };
	CU_ASSERT_FATAL(out_udp(0, &w, &o));
	CU_ASSERT(o.family == AF_INET);
	CU_ASSERT(stun_channel_decode_max(o.payload, o.payload_len, STUN_CHANNEL_MAX_RFC5766, &ch) ==
			  STUN_OK && ch.channel == 0x4005 && ch.len == 4 &&
		  memcmp(ch.data, "v6in", 4) == 0);
	CU_ASSERT(no_leak());

	/* The IPv6 peer sent to the IPv4 relayed port number on the IPv6 address: no allocation. */
	if (D.relayed.port != D.relayed6.port) {
		begin();
		inject(P_PEER, eth_ipv6_udp(T.pool, &mac_peer, &T.ports[P_PEER].mac, PEER6, 5000,
					    RELAY6, D.relayed.port, "stray", 5));
		CU_ASSERT(sent(0, 0));
		CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_DROP_PEER_NO_ALLOCATION));
		CU_ASSERT(no_leak());
	}

	/* And a Send indication to the IPv4 peer leaves from the IPv4 relayed address. */
	begin();
	client_send_indication(&D, PEER, 5000, "v4out");
	CU_ASSERT(sent(0, 1));
	CU_ASSERT(W_MOVED(METRICS_RX_PACKETS, METRICS_UDP_RECEIVED, METRICS_RELAY_TO_PEER,
			  METRICS_TX_PACKETS));
	w = (struct want_udp){ P_PEER, &mac_peer, RELAY4, PEER, D.relayed.port, 5000 };
	CU_ASSERT(out_udp(0, &w, &o) && o.payload_len == 5 && memcmp(o.payload, "v4out", 5) == 0);
	CU_ASSERT(no_leak());
}

/* ---------------------------------------------------------------- setup */

static int
port_create(unsigned int i, const char *v4, const char *v6)
{
	char name[RTE_RING_NAMESIZE];
	struct rte_eth_conf conf;
	struct net_port *np = &T.ports[i];
	int id;

	snprintf(name, sizeof(name), "dp_rx%u", i);
	T.rx[i] = rte_ring_create(name, 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "dp_tx%u", i);
	T.tx[i] = rte_ring_create(name, 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (T.rx[i] == NULL || T.tx[i] == NULL)
		return -1;
	snprintf(name, sizeof(name), "net_dp%u", i);
	id = rte_eth_from_rings(name, &T.rx[i], 1, &T.tx[i], 1, (unsigned int)rte_socket_id());
	if (id < 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure((uint16_t)id, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup((uint16_t)id, 0, 256, (unsigned int)rte_socket_id(), NULL,
				   T.pool) != 0 ||
	    rte_eth_tx_queue_setup((uint16_t)id, 0, 256, (unsigned int)rte_socket_id(), NULL) != 0 ||
	    rte_eth_dev_start((uint16_t)id) != 0)
		return -1;

	memset(np, 0, sizeof(*np));
	np->port_id = (uint16_t)id;
	if (rte_eth_macaddr_get((uint16_t)id, &np->mac) != 0)
		return -1;
	uint8_t a4[16];

	np->has_ipv4 = true;
	fr_addr(v4, a4);
	memcpy(&np->ipv4, a4, 4);
	np->ipv4_prefix = 24;
	np->has_ipv6 = true;
	fr_addr(v6, np->ipv6);
	np->ipv6_prefix = 64;
	net_ipv6_link_local(&np->mac, np->ipv6_ll);
	np->neigh = net_neigh_create(64, SOCKET_ID_ANY);
	return np->neigh != NULL ? 0 : -1;
}

/*
 * [eal] idle_sleep_us: off by default (a pass never sleeps); on, a worker
 * sleeps only after DP_IDLE_PASSES empty passes in a row, for at least the
 * configured time, and a pass that handled packets starts the count again.
 */
static void
test_idle_sleep(void)
{
	struct dp_settings *s = &T.settings;
	const uint64_t hz = rte_get_timer_hz();
	unsigned int slept = 0;

	begin();
	T.lc->idle_passes = 0;
	CU_ASSERT_EQUAL(s->idle_sleep_us, 0);
	for (unsigned int i = 0; i < 4 * DP_IDLE_PASSES; i++)
		slept += dp_idle(T.lc, 0);
	CU_ASSERT_EQUAL(slept, 0);

	s->idle_sleep_us = 2000;
	T.lc->idle_passes = 0;
	for (int round = 0; round < 2; round++) {
		for (unsigned int i = 0; i < DP_IDLE_PASSES; i++)
			slept += dp_idle(T.lc, 0);
		CU_ASSERT_EQUAL(slept, 0);

		uint64_t t0 = rte_get_timer_cycles();

		CU_ASSERT_TRUE(dp_idle(T.lc, 0));
		/* A lower bound only: a busy machine makes sleeps longer, never shorter. */
		CU_ASSERT(rte_get_timer_cycles() - t0 >= hz * 2000 / 1000000);
		CU_ASSERT_TRUE(dp_idle(T.lc, 0));
		/* Packets: awake again, for DP_IDLE_PASSES empty passes. */
		CU_ASSERT_FALSE(dp_idle(T.lc, 3));
		CU_ASSERT_EQUAL(T.lc->idle_passes, 0);
	}
	s->idle_sleep_us = 0;
}

static void
cidr(struct turn_cidr *c, const char *ip, uint8_t prefix)
{
	struct stun_addr a;

	stun_addr_of(&a, ip, 0);
	memset(c, 0, sizeof(*c));
	c->family = a.family;
	c->prefix = prefix;
	memcpy(c->addr, a.addr, 16);
}

static int
world_create(void)
{
	struct dp_settings *s = &T.settings;
	struct turn_server *srv = &s->turn;
	struct table_params tp;

	T.pool = rte_pktmbuf_pool_create("dp_test", POOL_SIZE, 0, DP_MBUF_PRIV_SIZE,
					 RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (T.pool == NULL || port_create(P_CLIENT, SRV4, SRV6) != 0 ||
	    port_create(P_PEER, RELAY4, RELAY6) != 0)
		return -1;
	/*
	 * net_ring gives every port the same MAC and cannot change it; the data
	 * plane only reads net_port.mac, so the peer port gets its own, which
	 * makes "sent from the right port's MAC" a real check.
	 */
	if (rte_is_same_ether_addr(&T.ports[P_CLIENT].mac, &T.ports[P_PEER].mac)) {
		T.ports[P_PEER].mac.addr_bytes[0] |= 0x02;
		T.ports[P_PEER].mac.addr_bytes[5] ^= 0x5a;
		net_ipv6_link_local(&T.ports[P_PEER].mac, T.ports[P_PEER].ipv6_ll);
	}

	memset(s, 0, sizeof(*s));
	s->listen_ports[s->listen_port_count++] = LISTEN;
	turn_server_init(srv, "dturn dataplane test");
	s->tsc_per_ms = rte_get_tsc_hz() / 1000;
	s->ports = T.ports;
	s->port_count = NPORTS;

	T.auth = rte_zmalloc("dp_auth", sizeof(*T.auth), RTE_CACHE_LINE_SIZE);
	if (T.auth == NULL || auth_init(T.auth, REALM, 3600) != 0 ||
	    auth_add_user(T.auth, &(struct auth_user_params){ .name = "alice",
							      .password = "secret123" }) != 0)
		return -1;

	memset(&tp, 0, sizeof(tp));
	tp.name = "dptest";
	tp.capacity = 16;
	tp.max_readers = 1;
	tp.socket = SOCKET_ID_ANY;
	tp.port_min = PORT_MIN;
	tp.port_max = PORT_MAX;
	tp.relay_addr_count = 2;
	tp.relay_addrs[0].family = STUN_FAMILY_IPV4;
	fr_addr(RELAY4, tp.relay_addrs[0].addr);
	tp.relay_addrs[0].port_index = P_PEER;
	tp.relay_addrs[1].family = STUN_FAMILY_IPV6;
	fr_addr(RELAY6, tp.relay_addrs[1].addr);
	tp.relay_addrs[1].port_index = P_PEER;
	tp.seed = 7;
	T.table = table_create(&tp);
	if (T.table == NULL) {
		fprintf(stderr, "table_create: %s\n", rte_strerror(rte_errno));
		return -1;
	}

	srv->auth = T.auth;
	srv->table = T.table;
	srv->channel_max = STUN_CHANNEL_MAX_RFC5766;
	cidr(&srv->policy.allowed[srv->policy.allowed_count++], "198.18.0.0", 15);
	cidr(&srv->policy.allowed[srv->policy.allowed_count++], "2001:db8::", 32);
	cidr(&srv->policy.own[srv->policy.own_count++], SRV4, 32);
	cidr(&srv->policy.own[srv->policy.own_count++], RELAY4, 32);
	cidr(&srv->policy.own[srv->policy.own_count++], RELAY6, 128);
	{
		char err[256];

		if (turn_policy_build(&srv->policy, SOCKET_ID_ANY, err, sizeof(err)) != 0) {
			fprintf(stderr, "turn_policy_build: %s\n", err);
			return -1;
		}
	}

	T.ctl = rte_zmalloc("dp_control", sizeof(*T.ctl), RTE_CACHE_LINE_SIZE);
	T.lc = rte_zmalloc("dp_lcore", sizeof(*T.lc), RTE_CACHE_LINE_SIZE);
	if (T.ctl == NULL || T.lc == NULL)
		return -1;
	T.ctl->settings = s;
	T.ctl->worker_count = 1;
	T.ctl->requests = rte_ring_create("dp_requests", DP_RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
	T.ctl->replies[0] = rte_ring_create("dp_replies_0", DP_RING_SIZE, SOCKET_ID_ANY,
					    RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (T.ctl->requests == NULL || T.ctl->replies[0] == NULL ||
	    turn_control_init(&T.ctl->turn, srv, tp.capacity, SOCKET_ID_ANY) != 0)
		return -1;

	T.lc->lcore_id = rte_lcore_id();
	T.lc->worker = 0;
	T.lc->port_count = NPORTS;
	for (unsigned int p = 0; p < NPORTS; p++) {
		T.lc->ports[p].port = &T.ports[p];
		T.lc->ports[p].queue = 0;
	}
	T.lc->pool = T.pool;
	T.lc->settings = s;
	T.lc->quit = &T.quit;
	T.lc->to_control = T.ctl->requests;
	T.lc->from_control = T.ctl->replies[0];
	T.lc->tid_state = 0x9e3779b97f4a7c15ull;
	if (table_reader_register(T.table, T.lc->worker) != 0)
		return -1;

	if (auth_key_long_term_md5((const uint8_t *)"alice", 5, (const uint8_t *)REALM,
				   strlen(REALM), (const uint8_t *)"secret123", 9, A.key) != 0)
		return -1;
	memcpy(B.key, A.key, sizeof(B.key));
	memcpy(A6.key, A.key, sizeof(A6.key));
	memcpy(D.key, A.key, sizeof(D.key));
	T.pool_free = rte_mempool_avail_count(T.pool);
	return 0;
}

static void
world_free(void)
{
	begin();
	dp_relay_drop_held(T.lc);
	table_reader_unregister(T.table, T.lc->worker);
	turn_control_free(&T.ctl->turn);
	for (unsigned int p = 0; p < NPORTS; p++) {
		rte_eth_dev_stop(T.ports[p].port_id);
		rte_eth_dev_close(T.ports[p].port_id);
		net_neigh_free(T.ports[p].neigh);
	}
	rte_ring_free(T.ctl->requests);
	rte_ring_free(T.ctl->replies[0]);
	table_free(T.table);
	rte_free(T.lc);
	rte_free(T.ctl);
	rte_free(T.auth);
	rte_mempool_free(T.pool);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal_argv[] = {
		argv[0], "--no-huge", "-m", "256", "--no-pci", "--no-telemetry",
		"--log-level=warning", prefix,
	};
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} cases[] = {
		{ "1 ARP requests answered, neighbours learned", test_arp },
		{ "2 Binding over IPv4 with FINGERPRINT", test_binding_ipv4 },
		{ "2 Binding over IPv6 with FINGERPRINT", test_binding_ipv6 },
		{ "3 Allocate: 401, then success", test_allocate },
		{ "4 CreatePermission, Send indication to the peer", test_permission_send },
		{ "5 peer datagram -> Data indication", test_peer_data_indication },
		{ "3+5 IPv6 client: Allocate, NDP, Data indication over IPv6", test_ipv6_client },
		{ "6 ChannelBind, ChannelData both ways", test_channel },
		{ "7 no permission, unbound channel", test_no_permission_no_channel },
		{ "1 unknown next hop: held, ARP, sent on retry", test_held_until_resolved },
		{ "1 unknown next hop that never answers: dropped after 1 s",
		  test_held_unresolved_dropped },
		{ "8 hairpin between two allocations", test_hairpin },
		{ "9 garbage interleaved with Binding requests", test_garbage_interleaved },
		{ "10 Refresh LIFETIME 0, then peer data", test_refresh_zero },
		{ "11 dual-stack allocation: IPv6 peer by channel, IPv4 peer by indication",
		  test_dual_stack },
		{ "12 flow cache: allocation deleted, entry reused between two packets",
		  test_flow_cache_reuse },
		{ "13 idle worker: sleeps only when configured, after a run of empty passes",
		  test_idle_sleep },
	};
	unsigned int failed;
	CU_pSuite suite;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=dturn-unit-dp-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (world_create() != 0) {
		fprintf(stderr, "cannot build the test world: %s\n", rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("dataplane", NULL, NULL);
	for (unsigned int i = 0; suite != NULL && i < RTE_DIM(cases); i++)
		CU_add_test(suite, cases[i].name, cases[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	printf("asserts: %u\n", CU_get_number_of_asserts());
	CU_cleanup_registry();
	world_free();
	rte_eal_cleanup();
	return failed == 0 ? 0 : 1;
}
