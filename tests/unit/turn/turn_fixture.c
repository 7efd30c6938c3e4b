/* SPDX-License-Identifier: BSD-3-Clause */
/* The TURN test world and the request/response helpers (see turn_fixture.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "turn_fixture.h"

struct fx_world W;

static unsigned int table_serial;
static uint32_t tid_serial;

int
fx_eal_init(const char *prog, const char *name)
{
	char prefix[64];
	char *eal_argv[] = {
		(char *)prog, "--no-huge", "-m", "256", "--no-pci", "--no-telemetry",
		"--log-level=warning", prefix,
	};

	snprintf(prefix, sizeof(prefix), "--file-prefix=dturn-unit-%s-%d", name, (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

void
fx_addr(struct stun_addr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->port = port;
	if (inet_pton(AF_INET, ip, a->addr) == 1) {
		a->family = STUN_FAMILY_IPV4;
	} else if (inet_pton(AF_INET6, ip, a->addr) == 1) {
		a->family = STUN_FAMILY_IPV6;
	} else {
		fprintf(stderr, "bad address %s\n", ip);
		CU_FAIL_FATAL("bad address in a test");
	}
}

void
fx_cidr(struct turn_cidr *c, const char *ip, uint8_t prefix)
{
	struct stun_addr a;

	fx_addr(&a, ip, 0);
	memset(c, 0, sizeof(*c));
	c->family = a.family;
	c->prefix = prefix;
	memcpy(c->addr, a.addr, sizeof(c->addr));
}

static void
relay_addr(struct table_relay_addr *r, const char *ip, uint16_t port_index)
{
	struct stun_addr a;

	fx_addr(&a, ip, 0);
	memset(r, 0, sizeof(*r));
	r->family = a.family;
	memcpy(r->addr, a.addr, sizeof(r->addr));
	r->port_index = port_index;
}

/*
 * The test relay's peer policy, as dturn.conf's demo would give it: the test
 * peers' ranges opened, our listening and relayed IPv4 addresses as our own.
 * Built once (130 MB of LPM tables) and shared, read-only, by every test.
 */
static struct turn_policy fx_shared_policy;

const struct turn_policy *
fx_policy(void)
{
	struct turn_policy *p = &fx_shared_policy;
	char err[256];

	if (p->lpm4 != NULL)
		return p;
	memset(p, 0, sizeof(*p));
	fx_cidr(&p->allowed[p->allowed_count++], "198.18.0.0", 15);
	fx_cidr(&p->allowed[p->allowed_count++], "2001:db8::", 32);
	fx_cidr(&p->own[p->own_count++], FX_LISTEN_V4, 32);
	fx_cidr(&p->own[p->own_count++], FX_RELAY_V4, 32);
	if (turn_policy_build(p, SOCKET_ID_ANY, err, sizeof(err)) != 0) {
		fprintf(stderr, "turn_policy_build: %s\n", err);
		CU_FAIL_FATAL("cannot build the test peer policy");
	}
	return p;
}

void
fx_policy_release(void)
{
	turn_policy_free(&fx_shared_policy);
}

void
fx_table_families(bool v4, bool v6)
{
	char name[TABLE_NAME_MAX + 1];
	struct table_params p;

	table_free(W.table);
	memset(&p, 0, sizeof(p));
	snprintf(name, sizeof(name), "tt%u", table_serial++);
	p.name = name;
	p.capacity = FX_CAPACITY;
	p.max_readers = 1;
	p.socket = SOCKET_ID_ANY;
	p.port_min = FX_PORT_MIN;
	p.port_max = FX_PORT_MAX;
	if (v4)
		relay_addr(&p.relay_addrs[p.relay_addr_count++], FX_RELAY_V4, FX_PORT_INDEX_RELAY_V4);
	if (v6)
		relay_addr(&p.relay_addrs[p.relay_addr_count++], FX_RELAY_V6, FX_PORT_INDEX_RELAY_V6);
	p.seed = 42;
	W.table = table_create(&p);
	if (W.table == NULL)
		fprintf(stderr, "table_create: %s\n", rte_strerror(rte_errno));
	CU_ASSERT_PTR_NOT_NULL_FATAL(W.table);
	W.srv.table = W.table;
}

void
fx_setup(void)
{
	static const uint8_t nonce_key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
					       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
					       31, 32 };
	uint8_t bob_key[AUTH_MD5_KEY_LEN];

	memset(&W, 0, sizeof(W));
	W.clk.now_ms = FX_START_MS;
	W.clk.now_s = FX_START_S;

	CU_ASSERT_EQUAL_FATAL(auth_init(&W.auth, FX_REALM, FX_NONCE_LIFETIME_S), 0);
	auth_set_nonce_key(&W.auth, nonce_key);
	CU_ASSERT_EQUAL_FATAL(auth_add_user(&W.auth, &(struct auth_user_params){
		.name = "alice", .password = "secret123" }), 0);
	CU_ASSERT_EQUAL_FATAL(auth_add_user(&W.auth, &(struct auth_user_params){
		.name = "carol", .password = "carol-pw" }), 0);
	CU_ASSERT_EQUAL_FATAL(auth_key_long_term_md5((const uint8_t *)"bob", 3,
						     (const uint8_t *)FX_REALM, strlen(FX_REALM),
						     (const uint8_t *)"hunter2", 7, bob_key), 0);
	CU_ASSERT_EQUAL_FATAL(auth_add_user(&W.auth, &(struct auth_user_params){
		.name = "bob", .md5_key = bob_key }), 0);
	CU_ASSERT_EQUAL_FATAL(auth_add_rest_secret(&W.auth, "old-secret"), 0);
	CU_ASSERT_EQUAL_FATAL(auth_add_rest_secret(&W.auth, "new-secret"), 0);

	fx_table_families(true, true);

	turn_server_init(&W.srv, "dturn test");
	W.srv.auth = &W.auth;
	W.srv.table = W.table;
	W.srv.lifetime_max_s = FX_LIFETIME_MAX_S;
	W.srv.allocations_per_user = 0;
	W.srv.policy = *fx_policy();
	CU_ASSERT_EQUAL_FATAL(turn_control_init(&W.ctl, &W.srv, FX_CAPACITY, SOCKET_ID_ANY), 0);
}

void
fx_teardown(void)
{
	turn_control_free(&W.ctl);
	table_free(W.table);
	W.table = NULL;
}

void
fx_client(struct fx_client *c, const char *ip, uint16_t port, const char *user, const char *pass)
{
	memset(c, 0, sizeof(*c));
	fx_addr(&c->ep.client, ip, port);
	fx_addr(&c->ep.local, c->ep.client.family == STUN_FAMILY_IPV4 ? FX_LISTEN_V4 : FX_LISTEN_V6,
		FX_LISTEN_PORT);
	c->ep.port_index = FX_PORT_INDEX_CLIENT;
	c->user_len = (uint16_t)strlen(user);
	memcpy(c->user, user, c->user_len);
	if (pass != NULL) {
		CU_ASSERT_EQUAL_FATAL(auth_key_long_term_md5((const uint8_t *)c->user, c->user_len,
							     (const uint8_t *)FX_REALM,
							     strlen(FX_REALM),
							     (const uint8_t *)pass, strlen(pass),
							     c->key), 0);
		c->key_len = AUTH_MD5_KEY_LEN;
	}
}

void
fx_client_sha256(struct fx_client *c, const char *pass)
{
	CU_ASSERT_EQUAL_FATAL(auth_key_long_term_sha256((const uint8_t *)c->user, c->user_len,
							(const uint8_t *)FX_REALM, strlen(FX_REALM),
							(const uint8_t *)pass, strlen(pass), c->key),
			      0);
	c->key_len = AUTH_SHA256_KEY_LEN;
	c->sha256 = true;
}

void
fx_client_rest(struct fx_client *c, const char *ip, uint16_t port, uint64_t expiry,
	       const char *name, const char *secret)
{
	char user[AUTH_USERNAME_MAX], pass[AUTH_REST_PASSWORD_LEN + 1];

	snprintf(user, sizeof(user), "%llu:%s", (unsigned long long)expiry, name);
	CU_ASSERT_EQUAL_FATAL(auth_rest_password(secret, (const uint8_t *)user, strlen(user), pass,
						 sizeof(pass)), AUTH_REST_PASSWORD_LEN);
	fx_client(c, ip, port, user, pass);
}

void
fx_begin(struct fx_req *q, uint16_t method, uint8_t cls)
{
	memset(q, 0, sizeof(*q));
	tid_serial++;
	for (unsigned int i = 0; i < STUN_TID_LEN; i++)
		q->tid[i] = (uint8_t)(0xa0 + i);
	q->tid[8] = (uint8_t)(tid_serial >> 24);
	q->tid[9] = (uint8_t)(tid_serial >> 16);
	q->tid[10] = (uint8_t)(tid_serial >> 8);
	q->tid[11] = (uint8_t)tid_serial;
	stun_builder_init(&q->b, q->buf, sizeof(q->buf), method, cls, q->tid);
}

size_t
fx_finish(struct fx_req *q, const struct fx_client *c, unsigned int flags)
{
	if (flags & FX_AUTH) {
		stun_add_attr(&q->b, STUN_ATTR_USERNAME, c->user, c->user_len);
		if (!(flags & FX_NO_REALM))
			stun_add_attr(&q->b, STUN_ATTR_REALM, FX_REALM, strlen(FX_REALM));
		stun_add_attr(&q->b, STUN_ATTR_NONCE, c->nonce, c->nonce_len);
		if (c->sha256) {
			static const uint8_t algs[] = { 0, 1, 0, 0, 0, 2, 0, 0 };
			static const uint8_t alg[] = { 0, 2, 0, 0 };

			stun_add_attr(&q->b, STUN_ATTR_PASSWORD_ALGORITHMS, algs, sizeof(algs));
			stun_add_attr(&q->b, STUN_ATTR_PASSWORD_ALGORITHM, alg, sizeof(alg));
			stun_add_message_integrity_sha256(&q->b, c->key, c->key_len);
		} else {
			stun_add_message_integrity(&q->b, c->key, c->key_len);
		}
	}
	if (flags & FX_FINGERPRINT)
		stun_add_fingerprint(&q->b);
	q->len = stun_builder_finish(&q->b);
	CU_ASSERT_NOT_EQUAL_FATAL(q->len, 0);
	return q->len;
}

bool
fx_send(const struct fx_req *q, const struct fx_client *c, struct fx_resp *r)
{
	struct metrics_lcore scratch;
	struct turn_relay rel;
	uint8_t out[1024];
	size_t n = 0;
	enum turn_verdict v;

	memset(&scratch, 0, sizeof(scratch));
	memset(r, 0, sizeof(*r));
	v = turn_handle_stun(&W.srv, q->buf, q->len, &c->ep, &W.clk, out, sizeof(out), &n, &rel,
			     &scratch);
	if (v != TURN_VERDICT_CONTROL || scratch.counter[METRICS_TURN_TO_CONTROL] != 1) {
		fprintf(stderr, "worker verdict %d, not CONTROL\n", (int)v);
		return false;
	}
	r->len = turn_handle_request(&W.ctl, q->buf, q->len, &c->ep, &W.clk, r->buf,
				     sizeof(r->buf), &W.mx);
	if (r->len == 0) {
		fprintf(stderr, "no response\n");
		return false;
	}
	if (stun_decode(r->buf, r->len, &r->m) != STUN_OK) {
		fprintf(stderr, "response does not decode\n");
		return false;
	}
	if (memcmp(r->m.tid, q->tid, STUN_TID_LEN) != 0) {
		fprintf(stderr, "response transaction id differs\n");
		return false;
	}
	return true;
}

void
fx_snap(struct metrics_lcore *s)
{
	memcpy(s, &W.mx, sizeof(*s));
}

bool
fx_moved_list(const struct metrics_lcore *before, unsigned int n, const enum metrics_counter *c)
{
	bool ok = true;

	for (int i = 0; i < METRICS_COUNTER_MAX; i++) {
		uint64_t want = 0;

		for (unsigned int j = 0; j < n; j++)
			want += c[j] == (enum metrics_counter)i;
		if (W.mx.counter[i] - before->counter[i] != want) {
			fprintf(stderr, "counter %s moved by %llu, expected %llu\n",
				metrics_counter_name((enum metrics_counter)i),
				(unsigned long long)(W.mx.counter[i] - before->counter[i]),
				(unsigned long long)want);
			ok = false;
		}
	}
	for (int i = 0; i < METRICS_STUN_REASONS; i++)
		if (W.mx.stun_decode[i] != before->stun_decode[i]) {
			fprintf(stderr, "stun_decode[%d] moved\n", i);
			ok = false;
		}
	return ok;
}

static bool
is_class(const struct fx_resp *r, uint16_t method, uint8_t cls)
{
	if (r->len == 0 || r->m.method != method || r->m.cls != cls) {
		fprintf(stderr, "response method 0x%x class %u, expected 0x%x class %u\n",
			r->m.method, r->m.cls, method, cls);
		return false;
	}
	return true;
}

bool
fx_success(const struct fx_resp *r, uint16_t method)
{
	struct stun_error_code ec;

	if (!is_class(r, method, STUN_CLASS_SUCCESS)) {
		if (r->len > 0 && stun_get_error_code(&r->m, &ec) == STUN_OK)
			fprintf(stderr, "  error %u\n", ec.code);
		return false;
	}
	return stun_find(&r->m, STUN_ATTR_ERROR_CODE, 0) < 0;
}

bool
fx_error(const struct fx_resp *r, uint16_t method, uint16_t code)
{
	struct stun_error_code ec;

	if (!is_class(r, method, STUN_CLASS_ERROR))
		return false;
	if (stun_get_error_code(&r->m, &ec) != STUN_OK || ec.code != code) {
		fprintf(stderr, "ERROR-CODE %u, expected %u\n", ec.code, code);
		return false;
	}
	return true;
}

bool
fx_error_reason(const struct fx_resp *r, const char *reason)
{
	struct stun_error_code ec;
	size_t n = strlen(reason);

	if (stun_get_error_code(&r->m, &ec) != STUN_OK)
		return false;
	if (ec.reason.len != n || memcmp(ec.reason.data, reason, n) != 0) {
		fprintf(stderr, "reason phrase '%.*s', expected '%s'\n", (int)ec.reason.len,
			(const char *)ec.reason.data, reason);
		return false;
	}
	return true;
}

bool
fx_challenge(const struct fx_resp *r)
{
	static const uint8_t algs[] = { 0, 1, 0, 0, 0, 2, 0, 0 };
	struct stun_bytes realm, nonce;
	int idx = stun_find(&r->m, STUN_ATTR_PASSWORD_ALGORITHMS, 0);

	if (stun_get_realm(&r->m, &realm) != STUN_OK || realm.len != strlen(FX_REALM) ||
	    memcmp(realm.data, FX_REALM, realm.len) != 0) {
		fprintf(stderr, "REALM missing or wrong\n");
		return false;
	}
	if (stun_get_nonce(&r->m, &nonce) != STUN_OK || nonce.len != 41 ||
	    memcmp(nonce.data, "obMatJos2AAAB", 13) != 0) {
		fprintf(stderr, "NONCE missing or not ours\n");
		return false;
	}
	if (idx < 0 || r->m.attrs[idx].len != sizeof(algs) ||
	    memcmp(stun_attr_value(&r->m, &r->m.attrs[idx]), algs, sizeof(algs)) != 0) {
		fprintf(stderr, "PASSWORD-ALGORITHMS missing or wrong\n");
		return false;
	}
	return true;
}

bool
fx_signed(const struct fx_resp *r, const struct fx_client *c)
{
	if (c->sha256) {
		if (r->m.integrity >= 0 || r->m.integrity_sha256 < 0 ||
		    stun_check_integrity_sha256(&r->m, c->key, c->key_len) != STUN_OK) {
			fprintf(stderr, "MESSAGE-INTEGRITY-SHA256 missing or wrong\n");
			return false;
		}
		return true;
	}
	if (r->m.integrity_sha256 >= 0 || r->m.integrity < 0 ||
	    stun_check_integrity(&r->m, c->key, c->key_len) != STUN_OK) {
		fprintf(stderr, "MESSAGE-INTEGRITY missing or wrong\n");
		return false;
	}
	return true;
}

bool
fx_unsigned(const struct fx_resp *r)
{
	if (r->m.integrity >= 0 || r->m.integrity_sha256 >= 0) {
		fprintf(stderr, "response signed, expected unsigned\n");
		return false;
	}
	return true;
}

bool
fx_fingerprint(const struct fx_resp *r, bool expected)
{
	if (!expected)
		return r->m.fingerprint == -1;
	return r->m.fingerprint == (int)r->m.nattrs - 1 && stun_check_fingerprint(&r->m) == STUN_OK;
}

bool
fx_lifetime(const struct fx_resp *r, uint32_t expected)
{
	uint32_t v = 0;

	if (stun_get_lifetime(&r->m, &v) != STUN_OK || v != expected) {
		fprintf(stderr, "LIFETIME %u, expected %u\n", v, expected);
		return false;
	}
	return true;
}

bool
fx_addr_eq(const struct stun_addr *a, const struct stun_addr *b)
{
	size_t n = a->family == STUN_FAMILY_IPV4 ? 4 : 16;

	return a->family == b->family && a->port == b->port && memcmp(a->addr, b->addr, n) == 0;
}

bool
fx_get_nonce(struct fx_client *c)
{
	struct metrics_lcore snap;
	struct fx_req q;
	struct fx_resp r;
	struct stun_bytes nonce;

	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_requested_transport(&q.b, TURN_PROTO_UDP);
	fx_finish(&q, c, 0);
	if (!fx_send(&q, c, &r) || !fx_error(&r, STUN_METHOD_ALLOCATE, 401) || !fx_challenge(&r) ||
	    !fx_unsigned(&r) || !FX_MOVED(&snap, METRICS_TURN_CHALLENGED))
		return false;
	if (stun_get_nonce(&r.m, &nonce) != STUN_OK || nonce.len >= sizeof(c->nonce))
		return false;
	memcpy(c->nonce, nonce.data, nonce.len);
	c->nonce_len = nonce.len;
	return true;
}

bool
fx_allocate(struct fx_client *c, uint8_t family)
{
	struct metrics_lcore snap;
	struct fx_req q;
	struct fx_resp r;

	if (!fx_get_nonce(c))
		return false;
	fx_snap(&snap);
	fx_begin(&q, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_requested_transport(&q.b, TURN_PROTO_UDP);
	if (family != 0)
		stun_add_u32(&q.b, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, (uint32_t)family << 24);
	fx_finish(&q, c, FX_AUTH);
	if (!fx_send(&q, c, &r) || !fx_success(&r, STUN_METHOD_ALLOCATE) || !fx_signed(&r, c) ||
	    !FX_MOVED(&snap, METRICS_TURN_ALLOCATED))
		return false;
	if (stun_get_xor_relayed_address(&r.m, 0, &c->relayed) != STUN_OK ||
	    stun_get_xor_mapped_address(&r.m, &c->mapped) != STUN_OK ||
	    stun_get_lifetime(&r.m, &c->lifetime) != STUN_OK)
		return false;
	return true;
}

bool
fx_refresh(struct fx_client *c, int64_t lifetime, uint8_t family, struct fx_resp *r)
{
	struct fx_req q;

	fx_begin(&q, STUN_METHOD_REFRESH, STUN_CLASS_REQUEST);
	if (lifetime >= 0)
		stun_add_u32(&q.b, STUN_ATTR_LIFETIME, (uint32_t)lifetime);
	if (family != 0)
		stun_add_u32(&q.b, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, (uint32_t)family << 24);
	fx_finish(&q, c, FX_AUTH);
	return fx_send(&q, c, r);
}

bool
fx_permission(struct fx_client *c, const struct stun_addr *peers, unsigned int n,
	      struct fx_resp *r)
{
	struct fx_req q;

	fx_begin(&q, STUN_METHOD_CREATE_PERMISSION, STUN_CLASS_REQUEST);
	for (unsigned int i = 0; i < n; i++)
		stun_add_xor_addr(&q.b, STUN_ATTR_XOR_PEER_ADDRESS, &peers[i]);
	fx_finish(&q, c, FX_AUTH);
	return fx_send(&q, c, r);
}

bool
fx_channel_bind(struct fx_client *c, uint16_t number, const struct stun_addr *peer,
		struct fx_resp *r)
{
	struct fx_req q;

	fx_begin(&q, STUN_METHOD_CHANNEL_BIND, STUN_CLASS_REQUEST);
	stun_add_channel_number(&q.b, number);
	if (peer != NULL)
		stun_add_xor_addr(&q.b, STUN_ATTR_XOR_PEER_ADDRESS, peer);
	fx_finish(&q, c, FX_AUTH);
	return fx_send(&q, c, r);
}

struct table_alloc *
fx_alloc_of(const struct fx_client *c)
{
	struct table_5tuple k;

	turn_client_key(&k, &c->ep);
	return table_lookup_client(W.table, &k);
}

size_t
fx_send_indication(uint8_t *buf, size_t cap, const struct stun_addr *peer, const void *data,
		   uint16_t len)
{
	struct stun_builder b;
	uint8_t tid[STUN_TID_LEN] = { 0x5e, 0x4d };

	stun_builder_init(&b, buf, cap, STUN_METHOD_SEND, STUN_CLASS_INDICATION, tid);
	if (peer != NULL)
		stun_add_xor_addr(&b, STUN_ATTR_XOR_PEER_ADDRESS, peer);
	if (data != NULL)
		stun_add_attr(&b, STUN_ATTR_DATA, data, len);
	return stun_builder_finish(&b);
}

int
fx_run(void)
{
	unsigned int failed;

	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
