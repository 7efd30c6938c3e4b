/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the control lcore pays per authenticated TURN request: the real
 * turn_handle_request() over a real table, real struct auth (a static user
 * and a REST secret) and the per-user quota, on pre-built requests from
 * distinct client 5-tuples. One round is, for every client:
 *
 *   challenge    Allocate without credentials: 401 with a fresh nonce
 *   allocate     Allocate (REQUESTED-TRANSPORT UDP, USERNAME, REALM, NONCE,
 *                MESSAGE-INTEGRITY, FINGERPRINT): success
 *   permission   CreatePermission for one peer: success
 *   channel      ChannelBind 0x4000 to that peer: success
 *   refresh      Refresh LIFETIME 600: success
 *   delete       Refresh LIFETIME 0: success, the allocation is gone
 *
 * Half the clients are the static user "alice" (MD5 key), half REST users
 * "<expiry>:user<i>" under the secret, each with its own username (so the
 * quota tracks one user per client, like REST sessions). Every request
 * carries a nonce made by auth_nonce_make for its client address at the
 * bench's fixed clock, so nothing goes stale. Between phases (outside the
 * timing) the one registered table reader passes a quiescent state, as a
 * worker would.
 *
 *   bench_allocate [--seconds S] [--clients N]      throughput table
 *   bench_allocate --callgrind ROUNDS [--clients N] one dump per phase and
 *       kind, named "<phase> <kind> <requests>", for valgrind --tool=callgrind
 *       --instr-atstart=no (see run.sh)
 *
 * Every response is checked (type, and a success or 401 where expected); a
 * wrong answer stops the run, so the figures never measure an error path.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#else
#define HAVE_CALLGRIND 0
#endif

#include "auth.h"
#include "metrics.h"
#include "stun.h"
#include "table.h"
#include "turn.h"

#define REALM "dturn.bench"
#define STATIC_USER "alice"
#define STATIC_PASS "secret123"
#define REST_SECRET "bench-rest-secret"
#define NOW_S 1700000000ull
#define NOW_MS 5000000ull
#define REST_EXPIRY (NOW_S + 86400)
#define LISTEN_V4 "198.19.0.1"
#define RELAY_V4 "198.19.0.2"
#define LISTEN_PORT 3478
#define CHANNEL 0x4000
#define MSG_MAX 512

enum phase { PH_CHALLENGE, PH_ALLOCATE, PH_PERMISSION, PH_CHANNEL, PH_REFRESH, PH_DELETE,
	     PH_COUNT };
static const char *const phase_names[PH_COUNT] = { "challenge", "allocate", "permission",
						   "channel", "refresh", "delete" };
enum kind { KIND_STATIC, KIND_REST, KIND_COUNT };
static const char *const kind_names[KIND_COUNT] = { "static", "rest" };

struct bench_req {
	uint8_t buf[MSG_MAX];
	uint16_t len;
	uint16_t want_type; /* the response's message type */
};

struct bench_client {
	struct turn_endpoints ep;
	char user[AUTH_USERNAME_MAX];
	uint16_t user_len;
	uint8_t key[AUTH_MD5_KEY_LEN];
	char nonce[AUTH_NONCE_MAX];
	uint16_t nonce_len;
	struct bench_req req[PH_COUNT];
};

static struct {
	struct auth auth;
	struct turn_server srv;
	struct turn_control ctl;
	struct table *table;
	struct metrics_lcore mx;
	struct turn_clock clk;
	struct bench_client *clients[KIND_COUNT];
	unsigned int n; /* clients per kind */
} B;

static volatile uint64_t sink;

static void
die(const char *what)
{
	fprintf(stderr, "bench_allocate: %s\n", what);
	exit(1);
}

static void
addr4(struct stun_addr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = STUN_FAMILY_IPV4;
	a->port = port;
	if (inet_pton(AF_INET, ip, a->addr) != 1)
		die("bad address");
}

static void
cidr4(struct turn_cidr *c, const char *ip, uint8_t prefix)
{
	struct stun_addr a;

	addr4(&a, ip, 0);
	memset(c, 0, sizeof(*c));
	c->family = a.family;
	c->prefix = prefix;
	memcpy(c->addr, a.addr, sizeof(c->addr));
}

static void
eal_init(const char *prog)
{
	char prefix[64];
	char *eal_argv[] = {
		(char *)prog, "--no-huge", "-m", "512", "--no-pci", "--no-telemetry", "-l", "0",
		"--log-level=warning", prefix,
	};

	snprintf(prefix, sizeof(prefix), "--file-prefix=dturn-bench-alloc-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		exit(2);
	}
}

static void
world_init(unsigned int n)
{
	static const uint8_t nonce_key[32] = { 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
					       15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
					       28, 29, 30, 31 };
	struct table_params p;
	uint32_t capacity = 4 * n + 64;

	B.n = n;
	B.clk.now_ms = NOW_MS;
	B.clk.now_s = NOW_S;
	if (auth_init(&B.auth, REALM, 3600) != 0)
		die("auth_init");
	auth_set_nonce_key(&B.auth, nonce_key);
	if (auth_add_user(&B.auth, &(struct auth_user_params){ .name = STATIC_USER,
							      .password = STATIC_PASS }) != 0 ||
	    auth_add_rest_secret(&B.auth, REST_SECRET) != 0)
		die("auth users");

	memset(&p, 0, sizeof(p));
	p.name = "balloc";
	p.capacity = capacity;
	p.max_readers = 1;
	p.socket = SOCKET_ID_ANY;
	p.port_min = 1024;
	p.port_max = 65535;
	p.relay_addr_count = 1;
	p.relay_addrs[0].family = STUN_FAMILY_IPV4;
	inet_pton(AF_INET, RELAY_V4, p.relay_addrs[0].addr);
	p.relay_addrs[0].port_index = 1;
	p.seed = 42;
	B.table = table_create(&p);
	if (B.table == NULL) {
		fprintf(stderr, "table_create: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	if (table_reader_register(B.table, 0) != 0)
		die("table_reader_register");

	turn_server_init(&B.srv, "dturn bench");
	B.srv.auth = &B.auth;
	B.srv.table = B.table;
	B.srv.lifetime_max_s = 3600;
	B.srv.allocations_per_user = 2 * n; /* a real limit, never reached */
	cidr4(&B.srv.policy.allowed[B.srv.policy.allowed_count++], "198.18.0.0", 15);
	cidr4(&B.srv.policy.own[B.srv.policy.own_count++], LISTEN_V4, 32);
	cidr4(&B.srv.policy.own[B.srv.policy.own_count++], RELAY_V4, 32);

	char err[256];

	if (turn_policy_build(&B.srv.policy, SOCKET_ID_ANY, err, sizeof(err)) != 0) {
		fprintf(stderr, "turn_policy_build: %s\n", err);
		exit(1);
	}
	if (turn_control_init(&B.ctl, &B.srv, capacity, SOCKET_ID_ANY) != 0)
		die("turn_control_init");
}

/* A request of client c: the method's attributes, then credentials, then FINGERPRINT. */
static void
build(struct bench_client *c, enum phase ph, uint32_t serial)
{
	struct bench_req *q = &c->req[ph];
	uint16_t method = STUN_METHOD_ALLOCATE;
	uint8_t tid[STUN_TID_LEN];
	struct stun_builder b;
	struct stun_addr peer;

	for (unsigned int i = 0; i < STUN_TID_LEN; i++)
		tid[i] = (uint8_t)(0xb0 + i);
	tid[7] = (uint8_t)ph;
	tid[8] = (uint8_t)(serial >> 24);
	tid[9] = (uint8_t)(serial >> 16);
	tid[10] = (uint8_t)(serial >> 8);
	tid[11] = (uint8_t)serial;
	switch (ph) {
	case PH_CHALLENGE:
	case PH_ALLOCATE: method = STUN_METHOD_ALLOCATE; break;
	case PH_PERMISSION: method = STUN_METHOD_CREATE_PERMISSION; break;
	case PH_CHANNEL: method = STUN_METHOD_CHANNEL_BIND; break;
	default: method = STUN_METHOD_REFRESH; break;
	}
	stun_builder_init(&b, q->buf, sizeof(q->buf), method, STUN_CLASS_REQUEST, tid);
	/* a peer in 198.18.0.0/15 per client, allowed by the policy above */
	addr4(&peer, "198.19.128.0", 50000);
	peer.addr[2] = (uint8_t)(128 + ((serial >> 8) & 0x7F));
	peer.addr[3] = (uint8_t)serial;
	switch (ph) {
	case PH_CHALLENGE:
	case PH_ALLOCATE:
		stun_add_requested_transport(&b, TURN_PROTO_UDP);
		break;
	case PH_PERMISSION:
		stun_add_xor_addr(&b, STUN_ATTR_XOR_PEER_ADDRESS, &peer);
		break;
	case PH_CHANNEL:
		stun_add_channel_number(&b, CHANNEL);
		stun_add_xor_addr(&b, STUN_ATTR_XOR_PEER_ADDRESS, &peer);
		break;
	case PH_REFRESH:
		stun_add_u32(&b, STUN_ATTR_LIFETIME, 600);
		break;
	case PH_DELETE:
		stun_add_u32(&b, STUN_ATTR_LIFETIME, 0);
		break;
	default:
		break;
	}
	if (ph != PH_CHALLENGE) {
		stun_add_attr(&b, STUN_ATTR_USERNAME, c->user, c->user_len);
		stun_add_attr(&b, STUN_ATTR_REALM, REALM, strlen(REALM));
		stun_add_attr(&b, STUN_ATTR_NONCE, c->nonce, c->nonce_len);
		stun_add_message_integrity(&b, c->key, sizeof(c->key));
	}
	stun_add_fingerprint(&b);
	q->len = (uint16_t)stun_builder_finish(&b);
	if (q->len == 0)
		die("request does not fit");
	q->want_type = stun_type_make(method, ph == PH_CHALLENGE ? STUN_CLASS_ERROR
								 : STUN_CLASS_SUCCESS);
}

static void
clients_init(void)
{
	for (int k = 0; k < KIND_COUNT; k++) {
		B.clients[k] = calloc(B.n, sizeof(struct bench_client));
		if (B.clients[k] == NULL)
			die("out of memory");
		for (unsigned int i = 0; i < B.n; i++) {
			struct bench_client *c = &B.clients[k][i];
			uint32_t serial = (uint32_t)(k * B.n + i);
			char pass[AUTH_REST_PASSWORD_LEN + 1];
			const char *pw = STATIC_PASS;

			/* 198.18.0.0/16 plus ports: a distinct 5-tuple per client */
			addr4(&c->ep.client, "198.18.0.0", (uint16_t)(20000 + (serial >> 16)));
			c->ep.client.addr[2] = (uint8_t)(serial >> 8);
			c->ep.client.addr[3] = (uint8_t)serial;
			addr4(&c->ep.local, LISTEN_V4, LISTEN_PORT);
			c->ep.port_index = 0;
			if (k == KIND_STATIC) {
				c->user_len = (uint16_t)strlen(STATIC_USER);
				memcpy(c->user, STATIC_USER, c->user_len);
			} else {
				c->user_len = (uint16_t)snprintf(c->user, sizeof(c->user),
								 "%llu:user%u",
								 (unsigned long long)REST_EXPIRY, i);
				if (auth_rest_password(REST_SECRET, (const uint8_t *)c->user,
						       c->user_len, pass, sizeof(pass)) == 0)
					die("auth_rest_password");
				pw = pass;
			}
			if (auth_key_long_term_md5((const uint8_t *)c->user, c->user_len,
						   (const uint8_t *)REALM, strlen(REALM),
						   (const uint8_t *)pw, strlen(pw), c->key) != 0)
				die("auth_key_long_term_md5");
			c->nonce_len = (uint16_t)auth_nonce_make(&B.auth, &c->ep.client, NOW_S,
								 c->nonce, sizeof(c->nonce));
			if (c->nonce_len == 0)
				die("auth_nonce_make");
			for (int ph = 0; ph < PH_COUNT; ph++)
				build(c, (enum phase)ph, serial);
		}
	}
}

/* One phase for every client of a kind: the code the figures measure. */
static void
run_phase(enum phase ph, enum kind k)
{
	uint8_t out[1024];
	uint64_t acc = 0;

	for (unsigned int i = 0; i < B.n; i++) {
		const struct bench_client *c = &B.clients[k][i];
		const struct bench_req *q = &c->req[ph];
		size_t n = turn_handle_request(&B.ctl, q->buf, q->len, &c->ep, &B.clk, out,
					       sizeof(out), &B.mx);

		if (n < STUN_HEADER_LEN || ((uint16_t)(out[0] << 8 | out[1])) != q->want_type) {
			struct stun_msg m;
			struct stun_error_code e = { 0 };

			if (n > 0 && stun_decode(out, n, &m) == STUN_OK)
				stun_get_error_code(&m, &e);
			fprintf(stderr, "bench_allocate: %s %s client %u: response length %zu, "
				"error %u\n", phase_names[ph], kind_names[k], i, n, e.code);
			exit(1);
		}
		acc += n;
	}
	sink += acc;
}

/* Outside the timing: the worker's quiescent state lets deleted entries be reused. */
static void
between_phases(void)
{
	table_reader_quiescent(B.table, 0);
}

static void
one_round(uint64_t cycles[PH_COUNT][KIND_COUNT])
{
	for (int ph = 0; ph < PH_COUNT; ph++) {
		for (int k = 0; k < KIND_COUNT; k++) {
			uint64_t t0 = rte_rdtsc_precise();

			run_phase((enum phase)ph, (enum kind)k);
			if (cycles != NULL)
				cycles[ph][k] += rte_rdtsc_precise() - t0;
			between_phases();
		}
	}
	if (table_count(B.table) != 0)
		die("allocations left after the delete phase");
}

static void
throughput(double seconds)
{
	uint64_t cycles[PH_COUNT][KIND_COUNT] = { { 0 } };
	uint64_t hz = rte_get_tsc_hz();
	uint64_t start, rounds = 0;

	one_round(NULL); /* warm caches, the crypto library and the table */
	start = rte_rdtsc();
	do {
		one_round(cycles);
		rounds++;
	} while ((double)(rte_rdtsc() - start) / (double)hz < seconds);

	printf("# tsc_hz %" PRIu64 " clients_per_kind %u rounds %" PRIu64 "\n", hz, B.n, rounds);
	printf("# phase kind requests cycles_per_request requests_per_s\n");
	for (int ph = 0; ph < PH_COUNT; ph++) {
		for (int k = 0; k < KIND_COUNT; k++) {
			uint64_t reqs = rounds * B.n;
			double cpr = (double)cycles[ph][k] / (double)reqs;

			printf("%s %s %" PRIu64 " %.0f %.0f\n", phase_names[ph], kind_names[k], reqs,
			       cpr, (double)hz / cpr);
		}
	}
}

static int
callgrind(unsigned long rounds)
{
#if HAVE_CALLGRIND
	one_round(NULL);
	for (int ph = 0; ph < PH_COUNT; ph++) {
		for (int k = 0; k < KIND_COUNT; k++) {
			char label[128];

			snprintf(label, sizeof(label), "%s %s %lu", phase_names[ph], kind_names[k],
				 rounds * B.n);
			CALLGRIND_ZERO_STATS;
			for (unsigned long r = 0; r < rounds; r++) {
				/* the phases before this one, uncounted, so this one finds its state */
				for (int p = 0; p < PH_COUNT; p++) {
					if (p == ph) {
						CALLGRIND_START_INSTRUMENTATION;
						run_phase((enum phase)p, (enum kind)k);
						CALLGRIND_STOP_INSTRUMENTATION;
					} else {
						run_phase((enum phase)p, (enum kind)k);
					}
					between_phases();
				}
			}
			CALLGRIND_DUMP_STATS_AT(label);
		}
	}
	if (!RUNNING_ON_VALGRIND)
		fprintf(stderr, "not running under valgrind: nothing was counted\n");
	return 0;
#else
	(void)rounds;
	fprintf(stderr, "built without <valgrind/callgrind.h>\n");
	return 2;
#endif
}

int
main(int argc, char **argv)
{
	double seconds = 1.0;
	unsigned long cg_rounds = 0;
	unsigned int n = 2048;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--seconds") == 0)
			seconds = atof(argv[i + 1]);
		else if (strcmp(argv[i], "--callgrind") == 0)
			cg_rounds = strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--clients") == 0)
			n = (unsigned int)strtoul(argv[i + 1], NULL, 10);
		else {
			fprintf(stderr, "usage: %s [--seconds S] [--clients N] [--callgrind ROUNDS]\n",
				argv[0]);
			return 2;
		}
	}
	if (n == 0 || n > 16384) {
		fprintf(stderr, "--clients: 1..16384\n");
		return 2;
	}
	eal_init(argv[0]);
	world_init(n);
	clients_init();

	int rc = cg_rounds > 0 ? callgrind(cg_rounds) : (throughput(seconds), 0);

	turn_control_free(&B.ctl);
	turn_policy_free(&B.srv.policy);
	table_free(B.table);
	for (int k = 0; k < KIND_COUNT; k++)
		free(B.clients[k]);
	rte_eal_cleanup();
	return rc;
}
