/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TEST_TURN_FIXTURE_H
#define DTURN_TEST_TURN_FIXTURE_H

/*
 * A whole TURN server for unit tests: EAL (--no-huge), a real table, a real
 * struct auth, a turn_server and a turn_control, driven by a clock the test
 * owns. Requests are built by the real encoder and answers decoded by the
 * real decoder. The checks return false (and say why on stderr) so the
 * CU_ASSERT that calls them reports the test's own line.
 */

#include <stdbool.h>
#include <stdint.h>

#include <CUnit/Basic.h>

#include "turn.h"

#define FX_REALM "dturn.test"
#define FX_NONCE_LIFETIME_S 3600
#define FX_START_S 1700000000ull
#define FX_START_MS 5000000ull
#define FX_CAPACITY 8
#define FX_LIFETIME_MAX_S 3600
#define FX_PORT_MIN 49152
#define FX_PORT_MAX 49200
#define FX_RELAY_V4 "198.19.0.1"
#define FX_RELAY_V6 "2001:db8:19::1"
#define FX_PORT_INDEX_CLIENT 0
#define FX_PORT_INDEX_RELAY_V4 1
#define FX_PORT_INDEX_RELAY_V6 2
#define FX_LISTEN_V4 "198.18.0.1"
#define FX_LISTEN_V6 "2001:db8:18::1"
#define FX_LISTEN_PORT 3478

struct fx_world {
	struct auth auth;
	struct turn_server srv;
	struct turn_control ctl;
	struct table *table;
	struct metrics_lcore mx;
	struct turn_clock clk;
};

extern struct fx_world W;

/* EAL for this process; 0 or -1. */
int fx_eal_init(const char *prog, const char *name);
/* CUnit per-test setup and teardown: a fresh world each test. */
/* A policy rule from text: "198.18.0.0", 15. */
void fx_cidr(struct turn_cidr *c, const char *ip, uint8_t prefix);
/* The shared built policy fx_setup copies into W.srv.policy (built on first use). */
const struct turn_policy *fx_policy(void);
/* Free its tables (EAL memory holds one policy at a time); fx_policy() builds it again. */
void fx_policy_release(void);
void fx_setup(void);
/* Replace W.table by an empty one whose pool has relayed addresses of these families only. */
void fx_table_families(bool v4, bool v6);
void fx_teardown(void);

struct fx_client {
	struct turn_endpoints ep;
	char user[AUTH_USERNAME_MAX];
	uint16_t user_len;
	uint8_t key[AUTH_SHA256_KEY_LEN];
	uint8_t key_len;
	bool sha256;              /* PASSWORD-ALGORITHM SHA-256 and MESSAGE-INTEGRITY-SHA256 */
	char nonce[AUTH_NONCE_MAX];
	uint16_t nonce_len;
	struct stun_addr relayed; /* from the Allocate success */
	struct stun_addr mapped;
	uint32_t lifetime;
};

void fx_addr(struct stun_addr *a, const char *ip, uint16_t port);
/* A client at ip:port with a static user's MD5 key (pass may be NULL: no key). */
void fx_client(struct fx_client *c, const char *ip, uint16_t port, const char *user,
	       const char *pass);
/* Switch the client to SHA-256 with the key derived from pass. */
void fx_client_sha256(struct fx_client *c, const char *pass);
/* A REST API user "expiry:name" whose password comes from secret. */
void fx_client_rest(struct fx_client *c, const char *ip, uint16_t port, uint64_t expiry,
		    const char *name, const char *secret);

/* Request flags for fx_finish. */
#define FX_AUTH 0x1          /* USERNAME, REALM, NONCE (+ algorithms), integrity */
#define FX_NO_REALM 0x2      /* with FX_AUTH: leave REALM out */
#define FX_FINGERPRINT 0x4

struct fx_req {
	struct stun_builder b;
	uint8_t buf[1024];
	size_t len;
	uint8_t tid[STUN_TID_LEN];
};

/* A new transaction id each time. */
void fx_begin(struct fx_req *q, uint16_t method, uint8_t cls);
size_t fx_finish(struct fx_req *q, const struct fx_client *c, unsigned int flags);

struct fx_resp {
	uint8_t buf[1024];
	size_t len;
	struct stun_msg m;
};

/*
 * The worker first (it must hand the request to the control lcore; counted
 * in a scratch block), then turn_handle_request. True when a response came
 * back and decodes.
 */
bool fx_send(const struct fx_req *q, const struct fx_client *c, struct fx_resp *r);

/* ---- counters ---- */
void fx_snap(struct metrics_lcore *s);
/* Exactly the listed counters moved, each by one per mention; nothing else. */
bool fx_moved_list(const struct metrics_lcore *before, unsigned int n,
		   const enum metrics_counter *c);
#define FX_MOVED(snap, ...)                                                               \
	fx_moved_list(snap, sizeof((enum metrics_counter[]){ __VA_ARGS__ }) /              \
				    sizeof(enum metrics_counter),                          \
		      (enum metrics_counter[]){ __VA_ARGS__ })
#define FX_NOTHING_MOVED(snap) fx_moved_list(snap, 0, NULL)

/* ---- response checks ---- */
bool fx_success(const struct fx_resp *r, uint16_t method);
bool fx_error(const struct fx_resp *r, uint16_t method, uint16_t code);
/* The error response's reason phrase is exactly reason. */
bool fx_error_reason(const struct fx_resp *r, const char *reason);
/* REALM, a fresh nonce of ours and PASSWORD-ALGORITHMS (MD5, SHA-256). */
bool fx_challenge(const struct fx_resp *r);
/* Signed with the client's key, by the client's algorithm only. */
bool fx_signed(const struct fx_resp *r, const struct fx_client *c);
bool fx_unsigned(const struct fx_resp *r);
/* FINGERPRINT present, last and right (expected) or absent. */
bool fx_fingerprint(const struct fx_resp *r, bool expected);
bool fx_lifetime(const struct fx_resp *r, uint32_t expected);
bool fx_addr_eq(const struct stun_addr *a, const struct stun_addr *b);

/* ---- the dance ---- */
/* Allocate without credentials: 401 with a challenge; keeps the nonce. */
bool fx_get_nonce(struct fx_client *c);
/* Nonce, then an authenticated Allocate (family 0: no REQUESTED-ADDRESS-FAMILY). */
bool fx_allocate(struct fx_client *c, uint8_t family);
/* Authenticated requests on an existing allocation (the client holds a nonce). */
bool fx_refresh(struct fx_client *c, int64_t lifetime, uint8_t family, struct fx_resp *r);
bool fx_permission(struct fx_client *c, const struct stun_addr *peers, unsigned int n,
		   struct fx_resp *r);
bool fx_channel_bind(struct fx_client *c, uint16_t number, const struct stun_addr *peer,
		     struct fx_resp *r);

/* The client's allocation in the table, or NULL. */
struct table_alloc *fx_alloc_of(const struct fx_client *c);

/* A Send indication to peer carrying data. */
size_t fx_send_indication(uint8_t *buf, size_t cap, const struct stun_addr *peer,
			  const void *data, uint16_t len);

/* Run the registry: 0 when every test passed. */
int fx_run(void);

#endif
