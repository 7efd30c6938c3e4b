/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/auth: every enum auth_result path of auth_check_request, driven by
 * requests built with the real codec and signed with the right (or wrong)
 * key; stateless nonces; REST API credentials; the RFC 8489 B.1 vector.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "auth.h"
#include "stun.h"

#define REALM "dturn.test"
#define LIFETIME 600
#define NOW UINT64_C(1767225600) /* 2026-01-01T00:00:00Z */
#define SECRET1 "rest-secret-one"
#define SECRET2 "rest-secret-two"

static const char *vectors_path = "tests/vectors/stun-vectors.hex";
static struct auth A;       /* users alice (password), bob (MD5 key only); both secrets */
static struct auth A_norest; /* no REST secret */
static const struct stun_addr CLIENT = { STUN_FAMILY_IPV4, 50000, { 198, 18, 0, 2 } };
static const struct stun_addr CLIENT6 = { STUN_FAMILY_IPV6, 50000,
					  { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
static const uint8_t NONCE_KEY[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

static uint8_t ALICE_MD5[AUTH_MD5_KEY_LEN], ALICE_SHA256[AUTH_SHA256_KEY_LEN];
static uint8_t BOB_MD5[AUTH_MD5_KEY_LEN], ALICE_HASH[AUTH_USERHASH_LEN];

enum mi { MI_NONE, MI_SHA1, MI_SHA256, MI_BOTH };

struct req {
	const char *username;     /* NULL: no USERNAME */
	const uint8_t *userhash;  /* NULL: no USERHASH */
	const char *realm;        /* NULL: no REALM */
	const char *nonce;        /* NULL: no NONCE; "" a fresh one for CLIENT at NOW */
	bool algs;                /* PASSWORD-ALGORITHMS as offered */
	const uint8_t *algs_value; /* instead of the offered list */
	size_t algs_len;
	uint16_t alg;             /* PASSWORD-ALGORITHM, 0 for none */
	uint16_t alg_params;      /* length of parameters to give it */
	enum mi mi;
	const uint8_t *key;
	size_t keylen;
};

static char fresh_nonce[AUTH_NONCE_MAX];
static uint8_t msgbuf[1024];
static struct stun_msg msg;

/* Build the request, decode it into msg. */
static void
build(const struct req *r)
{
	static const uint8_t tid[STUN_TID_LEN] = { 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6,
						   0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac };
	struct stun_builder b;

	stun_builder_init(&b, msgbuf, sizeof(msgbuf), STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST,
			  tid);
	stun_add_requested_transport(&b, 17);
	if (r->username != NULL)
		stun_add_string(&b, STUN_ATTR_USERNAME, r->username);
	if (r->userhash != NULL)
		stun_add_attr(&b, STUN_ATTR_USERHASH, r->userhash, AUTH_USERHASH_LEN);
	if (r->realm != NULL)
		stun_add_string(&b, STUN_ATTR_REALM, r->realm);
	if (r->nonce != NULL)
		stun_add_string(&b, STUN_ATTR_NONCE, r->nonce[0] ? r->nonce : fresh_nonce);
	if (r->algs_value != NULL) {
		stun_add_attr(&b, STUN_ATTR_PASSWORD_ALGORITHMS, r->algs_value,
			      (uint16_t)r->algs_len);
	} else if (r->algs) {
		uint8_t v[16];
		size_t n = auth_password_algorithms(v, sizeof(v));

		stun_add_attr(&b, STUN_ATTR_PASSWORD_ALGORITHMS, v, (uint16_t)n);
	}
	if (r->alg != 0) {
		uint8_t v[8] = { (uint8_t)(r->alg >> 8), (uint8_t)r->alg,
				 (uint8_t)(r->alg_params >> 8), (uint8_t)r->alg_params };

		stun_add_attr(&b, STUN_ATTR_PASSWORD_ALGORITHM, v, (uint16_t)(4 + r->alg_params));
	}
	if (r->mi == MI_SHA1 || r->mi == MI_BOTH)
		stun_add_message_integrity(&b, r->key, r->keylen);
	if (r->mi == MI_SHA256 || r->mi == MI_BOTH)
		stun_add_message_integrity_sha256(&b, r->key, r->keylen);
	stun_add_fingerprint(&b);

	size_t len = stun_builder_finish(&b);

	CU_ASSERT_FATAL(len > 0);
	CU_ASSERT_FATAL(stun_decode(msgbuf, len, &msg) == STUN_OK);
}

static enum auth_result
check_on(const struct auth *a, const struct req *r, uint64_t now, struct auth_identity *id)
{
	struct auth_identity scratch;

	build(r);
	return auth_check_request(a, &msg, &CLIENT, now, id != NULL ? id : &scratch);
}

static enum auth_result
check(const struct req *r)
{
	return check_on(&A, r, NOW, NULL);
}

/* The classic RFC 5389 request from alice: MD5 key, MESSAGE-INTEGRITY. */
static struct req
alice_md5(void)
{
	return (struct req){ .username = "alice", .realm = REALM, .nonce = "", .mi = MI_SHA1,
			     .key = ALICE_MD5, .keylen = sizeof(ALICE_MD5) };
}

/* The RFC 8489 request from alice: SHA-256 key, MESSAGE-INTEGRITY-SHA256. */
static struct req
alice_sha256(void)
{
	return (struct req){ .username = "alice", .realm = REALM, .nonce = "", .algs = true,
			     .alg = STUN_PASSWORD_ALGORITHM_SHA256, .mi = MI_SHA256,
			     .key = ALICE_SHA256, .keylen = sizeof(ALICE_SHA256) };
}

static void
key_md5(const char *user, const char *pass, uint8_t key[AUTH_MD5_KEY_LEN])
{
	CU_ASSERT_FATAL(auth_key_long_term_md5((const uint8_t *)user, strlen(user),
					       (const uint8_t *)REALM, strlen(REALM),
					       (const uint8_t *)pass, strlen(pass), key) == 0);
}

static void
key_sha256(const char *user, const char *pass, uint8_t key[AUTH_SHA256_KEY_LEN])
{
	CU_ASSERT_FATAL(auth_key_long_term_sha256((const uint8_t *)user, strlen(user),
						  (const uint8_t *)REALM, strlen(REALM),
						  (const uint8_t *)pass, strlen(pass), key) == 0);
}

/* ---- static users ---- */

static void
test_static_md5_ok(void)
{
	struct req r = alice_md5();
	struct auth_identity id;

	memset(&id, 0xEE, sizeof(id));
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_STRING_EQUAL(id.username, "alice");
	CU_ASSERT_EQUAL(id.username_len, 5);
	CU_ASSERT_EQUAL(id.key_len, AUTH_MD5_KEY_LEN);
	CU_ASSERT_EQUAL(memcmp(id.key, ALICE_MD5, AUTH_MD5_KEY_LEN), 0);
	CU_ASSERT_FALSE(id.sha256);
	/* The nonce stays good until its lifetime is over, inclusive. */
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW + LIFETIME, NULL), AUTH_OK);
}

static void
test_static_sha256_ok(void)
{
	struct req r = alice_sha256();
	struct auth_identity id;

	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_STRING_EQUAL(id.username, "alice");
	CU_ASSERT_EQUAL(id.key_len, AUTH_SHA256_KEY_LEN);
	CU_ASSERT_EQUAL(memcmp(id.key, ALICE_SHA256, AUTH_SHA256_KEY_LEN), 0);
	CU_ASSERT_TRUE(id.sha256);

	/* SHA-256 chosen but signed with MESSAGE-INTEGRITY (HMAC-SHA1): still the SHA-256 key. */
	r.mi = MI_SHA1;
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_EQUAL(id.key_len, AUTH_SHA256_KEY_LEN);
	CU_ASSERT_FALSE(id.sha256);

	/* Both integrity attributes: the SHA-256 one decides and the answer uses it. */
	r.mi = MI_BOTH;
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_TRUE(id.sha256);

	/* SHA-256 chosen but the MD5 key used: the wrong key. */
	r.mi = MI_SHA256;
	r.key = ALICE_MD5;
	r.keylen = sizeof(ALICE_MD5);
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_INTEGRITY);
}

static void
test_md5_algorithm_with_sha256_integrity(void)
{
	/* PASSWORD-ALGORITHM MD5 keyed, MESSAGE-INTEGRITY-SHA256 computed with that key. */
	struct req r = alice_md5();
	struct auth_identity id;

	r.algs = true;
	r.alg = STUN_PASSWORD_ALGORITHM_MD5;
	r.mi = MI_SHA256;
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_EQUAL(id.key_len, AUTH_MD5_KEY_LEN);
	CU_ASSERT_TRUE(id.sha256);

	/* Without PASSWORD-ALGORITHM(S) a classic client gets MD5 for MI-SHA256 too. */
	r.algs = false;
	r.alg = 0;
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_TRUE(id.sha256);
}

static void
test_userhash(void)
{
	struct req r = alice_sha256();
	struct auth_identity id;

	r.username = NULL;
	r.userhash = ALICE_HASH;
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_STRING_EQUAL(id.username, "alice");
	CU_ASSERT_EQUAL(id.username_len, 5);
	CU_ASSERT_TRUE(id.sha256);

	/* USERHASH with the classic MD5 key works as well. */
	struct req m = alice_md5();

	m.username = NULL;
	m.userhash = ALICE_HASH;
	CU_ASSERT_EQUAL(check(&m), AUTH_OK);

	/* A hash nobody has. */
	uint8_t other[AUTH_USERHASH_LEN];

	memcpy(other, ALICE_HASH, sizeof(other));
	other[31] ^= 1;
	r.userhash = other;
	CU_ASSERT_EQUAL(check(&r), AUTH_UNKNOWN_USER);
}

static void
test_userhash_not_for_rest(void)
{
	/* A REST user's hash cannot be matched: the server cannot invert it. */
	const char *user = "1767229200:carol";
	uint8_t hash[AUTH_USERHASH_LEN];
	uint8_t key[AUTH_MD5_KEY_LEN];
	char pass[AUTH_REST_PASSWORD_LEN + 1];

	CU_ASSERT_FATAL(auth_userhash((const uint8_t *)user, strlen(user), (const uint8_t *)REALM,
				      strlen(REALM), hash) == 0);
	CU_ASSERT_FATAL(auth_rest_password(SECRET1, (const uint8_t *)user, strlen(user), pass,
					   sizeof(pass)) == AUTH_REST_PASSWORD_LEN);
	key_md5(user, pass, key);
	struct req r = { .userhash = hash, .realm = REALM, .nonce = "", .mi = MI_SHA1,
			 .key = key, .keylen = sizeof(key) };

	CU_ASSERT_EQUAL(check(&r), AUTH_UNKNOWN_USER);
}

static void
test_md5_key_only_user(void)
{
	struct req r = alice_md5();
	struct auth_identity id;

	r.username = "bob";
	r.key = BOB_MD5;
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_STRING_EQUAL(id.username, "bob");
	CU_ASSERT_EQUAL(memcmp(id.key, BOB_MD5, AUTH_MD5_KEY_LEN), 0);

	/* MD5 chosen explicitly: fine. */
	r.algs = true;
	r.alg = STUN_PASSWORD_ALGORITHM_MD5;
	CU_ASSERT_EQUAL(check(&r), AUTH_OK);

	/* SHA-256 chosen: bob has no SHA-256 key, so nothing can verify. */
	uint8_t bob_sha[AUTH_SHA256_KEY_LEN];

	key_sha256("bob", "bobpw", bob_sha);
	r.alg = STUN_PASSWORD_ALGORITHM_SHA256;
	r.mi = MI_SHA256;
	r.key = bob_sha;
	r.keylen = sizeof(bob_sha);
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_INTEGRITY);
}

static void
test_wrong_password(void)
{
	uint8_t k5[AUTH_MD5_KEY_LEN], k256[AUTH_SHA256_KEY_LEN];
	struct req r = alice_md5();

	key_md5("alice", "not-alices", k5);
	r.key = k5;
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_INTEGRITY);

	struct req s = alice_sha256();

	key_sha256("alice", "not-alices", k256);
	s.key = k256;
	CU_ASSERT_EQUAL(check(&s), AUTH_BAD_INTEGRITY);
}

static void
test_tampered_message(void)
{
	struct req r = alice_md5();

	build(&r);
	/* The REQUESTED-TRANSPORT protocol byte, covered by MESSAGE-INTEGRITY. */
	int idx = stun_find(&msg, STUN_ATTR_REQUESTED_TRANSPORT, 0);

	CU_ASSERT_FATAL(idx >= 0);
	msgbuf[msg.attrs[idx].offset] ^= 0x01;

	struct auth_identity id;

	CU_ASSERT_EQUAL(auth_check_request(&A, &msg, &CLIENT, NOW, &id), AUTH_BAD_INTEGRITY);
}

static void
test_unknown_user(void)
{
	struct req r = alice_md5();
	char longname[AUTH_USERNAME_MAX + 8];

	r.username = "mallory";
	CU_ASSERT_EQUAL(check(&r), AUTH_UNKNOWN_USER);
	r.username = "alic";
	CU_ASSERT_EQUAL(check(&r), AUTH_UNKNOWN_USER);
	r.username = "alicee";
	CU_ASSERT_EQUAL(check(&r), AUTH_UNKNOWN_USER);

	/* Longer than AUTH_USERNAME_MAX - 1, even in REST form. */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	memcpy(longname, "1767229200:", 11);
	r.username = longname;
	CU_ASSERT_EQUAL(check(&r), AUTH_UNKNOWN_USER);
	/* Exactly AUTH_USERNAME_MAX - 1 is looked at (and here is a REST name that fails MI). */
	longname[AUTH_USERNAME_MAX - 1] = '\0';
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_INTEGRITY);
}

static void
test_username_with_nul(void)
{
	/* "bob\0" must not match "bob". */
	static const uint8_t name[] = { 'b', 'o', 'b', 0 };

	CU_ASSERT_PTR_NOT_NULL(auth_find_user(&A, name, 3));
	CU_ASSERT_PTR_NULL(auth_find_user(&A, name, 4));
}

static void
test_wrong_realm(void)
{
	struct req r = alice_md5();

	r.realm = "other.test";
	CU_ASSERT_EQUAL(check(&r), AUTH_WRONG_REALM);
	r.realm = "dturn.tes";
	CU_ASSERT_EQUAL(check(&r), AUTH_WRONG_REALM);
	r.realm = "DTURN.TEST";
	CU_ASSERT_EQUAL(check(&r), AUTH_WRONG_REALM);
}

static void
test_missing_attrs(void)
{
	struct req r = alice_md5();

	r.realm = NULL;
	CU_ASSERT_EQUAL(check(&r), AUTH_MISSING_ATTRS);
	r = alice_md5();
	r.nonce = NULL;
	CU_ASSERT_EQUAL(check(&r), AUTH_MISSING_ATTRS);
	r = alice_md5();
	r.username = NULL;
	CU_ASSERT_EQUAL(check(&r), AUTH_MISSING_ATTRS);
	/* Missing attributes are reported before a wrong realm. */
	r.realm = "other.test";
	CU_ASSERT_EQUAL(check(&r), AUTH_MISSING_ATTRS);
}

static void
test_no_integrity(void)
{
	struct req r = alice_md5();

	r.mi = MI_NONE;
	CU_ASSERT_EQUAL(check(&r), AUTH_NO_INTEGRITY);
	/* The first request of a client: nothing at all. */
	struct req bare = { 0 };

	CU_ASSERT_EQUAL(check(&bare), AUTH_NO_INTEGRITY);
}

/* ---- nonces ---- */

static void
test_nonce_format(void)
{
	char n[AUTH_NONCE_MAX], n2[AUTH_NONCE_MAX];
	size_t len = auth_nonce_make(&A, &CLIENT, NOW, n, sizeof(n));

	CU_ASSERT(len > 13 && len < AUTH_NONCE_MAX);
	CU_ASSERT_EQUAL(strlen(n), len);
	/* §9.2: cookie, then the feature set with "Password algorithms" (erratum 6290: 0x000001). */
	CU_ASSERT_EQUAL(strncmp(n, "obMatJos2AAAB", 13), 0);
	for (size_t i = 0; i < len; i++)
		CU_ASSERT(n[i] > 0x20 && n[i] < 0x7f && n[i] != '"' && n[i] != '\\');
	CU_ASSERT_EQUAL(auth_nonce_check(&A, &CLIENT, NOW, (const uint8_t *)n, len),
			AUTH_NONCE_OK);

	/* Deterministic for one key, time and client; different for another client or time. */
	CU_ASSERT_EQUAL(auth_nonce_make(&A, &CLIENT, NOW, n2, sizeof(n2)), len);
	CU_ASSERT_STRING_EQUAL(n, n2);
	auth_nonce_make(&A, &CLIENT6, NOW, n2, sizeof(n2));
	CU_ASSERT_STRING_NOT_EQUAL(n, n2);
	auth_nonce_make(&A, &CLIENT, NOW + 1, n2, sizeof(n2));
	CU_ASSERT_STRING_NOT_EQUAL(n, n2);

	/* Too small a buffer: nothing. */
	CU_ASSERT_EQUAL(auth_nonce_make(&A, &CLIENT, NOW, n2, len), 0);
	CU_ASSERT_EQUAL(auth_nonce_make(&A, &CLIENT, NOW, n2, len + 1), len);

	/* Another process (another nonce key) does not accept it. */
	CU_ASSERT_EQUAL(auth_nonce_check(&A_norest, &CLIENT, NOW, (const uint8_t *)n, len),
			AUTH_NONCE_INVALID);
}

static void
test_nonce_other_client(void)
{
	struct stun_addr other = CLIENT;
	struct req r = alice_md5();
	char n[AUTH_NONCE_MAX];

	/* Issued to another address. */
	other.addr[3] = 3;
	auth_nonce_make(&A, &other, NOW, n, sizeof(n));
	r.nonce = n;
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_NONCE);
	/* Another port. */
	other = CLIENT;
	other.port = 50001;
	auth_nonce_make(&A, &other, NOW, n, sizeof(n));
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_NONCE);
	/* Another family. */
	auth_nonce_make(&A, &CLIENT6, NOW, n, sizeof(n));
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_NONCE);
	CU_ASSERT_EQUAL(auth_nonce_check(&A, &CLIENT6, NOW, (const uint8_t *)n, strlen(n)),
			AUTH_NONCE_OK);

	/* Bytes past the IPv4 address do not take part for an IPv4 client. */
	other = CLIENT;
	other.addr[10] = 0x55;
	auth_nonce_make(&A, &other, NOW, n, sizeof(n));
	CU_ASSERT_EQUAL(check(&r), AUTH_OK);
}

static void
test_nonce_tampered(void)
{
	char n[AUTH_NONCE_MAX], t[AUTH_NONCE_MAX];
	size_t len = auth_nonce_make(&A, &CLIENT, NOW, n, sizeof(n));
	struct req r = alice_md5();

	r.nonce = t;
	/* Every single character changed, one at a time. */
	for (size_t i = 0; i < len; i++) {
		memcpy(t, n, sizeof(t));
		t[i] = t[i] == 'a' ? 'b' : 'a';
		CU_ASSERT_EQUAL(check(&r), AUTH_BAD_NONCE);
	}
	/* Upper-case hex is not what we wrote. */
	memcpy(t, n, sizeof(t));
	for (size_t i = 13; i < len; i++)
		if (t[i] >= 'a' && t[i] <= 'f')
			t[i] = (char)(t[i] - 'a' + 'A');
	if (strcmp(t, n) != 0)
		CU_ASSERT_EQUAL(check(&r), AUTH_BAD_NONCE);
	/* Truncated, extended, foreign. */
	memcpy(t, n, sizeof(t));
	t[len - 1] = '\0';
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_NONCE);
	memcpy(t, n, sizeof(t));
	t[len] = '0';
	t[len + 1] = '\0';
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_NONCE);
	r.nonce = "f//499k954d6OL34oL9FSTvy64sA";
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_NONCE);
	r.nonce = "obMatJos2AAAB";
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_NONCE);
}

static void
test_nonce_stale(void)
{
	struct req r = alice_md5();
	char n[AUTH_NONCE_MAX];

	CU_ASSERT_EQUAL(check_on(&A, &r, NOW + LIFETIME + 1, NULL), AUTH_STALE_NONCE);
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW + 100000, NULL), AUTH_STALE_NONCE);
	/* A stale nonce with a bad password is still reported stale: 438, then retry. */
	uint8_t k[AUTH_MD5_KEY_LEN];

	key_md5("alice", "wrong", k);
	r.key = k;
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW + LIFETIME + 1, NULL), AUTH_STALE_NONCE);

	/* Issued in the future (the clock stepped back): a few seconds pass, more is stale. */
	r = alice_md5();
	r.nonce = n;
	auth_nonce_make(&A, &CLIENT, NOW + 5, n, sizeof(n));
	CU_ASSERT_EQUAL(check(&r), AUTH_OK);
	auth_nonce_make(&A, &CLIENT, NOW + 60, n, sizeof(n));
	CU_ASSERT_EQUAL(check(&r), AUTH_STALE_NONCE);
	CU_ASSERT_EQUAL(auth_nonce_check(&A, &CLIENT, NOW, (const uint8_t *)n, strlen(n)),
			AUTH_NONCE_STALE);
}

/* ---- PASSWORD-ALGORITHMS / PASSWORD-ALGORITHM ---- */

static void
test_password_algorithms_value(void)
{
	static const uint8_t expect[] = { 0, 1, 0, 0, 0, 2, 0, 0 };
	uint8_t v[16];

	CU_ASSERT_EQUAL(auth_password_algorithms(v, sizeof(v)), sizeof(expect));
	CU_ASSERT_EQUAL(memcmp(v, expect, sizeof(expect)), 0);
	CU_ASSERT_EQUAL(auth_password_algorithms(v, 7), 0);
}

static void
test_bad_algorithms(void)
{
	static const uint8_t reversed[] = { 0, 2, 0, 0, 0, 1, 0, 0 };
	static const uint8_t sha_only[] = { 0, 2, 0, 0 };
	struct req r;

	/* PASSWORD-ALGORITHMS without PASSWORD-ALGORITHM. */
	r = alice_sha256();
	r.alg = 0;
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_ALGORITHMS);
	/* PASSWORD-ALGORITHM without PASSWORD-ALGORITHMS. */
	r = alice_sha256();
	r.algs = false;
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_ALGORITHMS);
	r = alice_md5();
	r.alg = STUN_PASSWORD_ALGORITHM_MD5;
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_ALGORITHMS);
	/* A list other than the one offered (reordered, or trimmed: a bid-down). */
	r = alice_sha256();
	r.algs_value = reversed;
	r.algs_len = sizeof(reversed);
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_ALGORITHMS);
	r.algs_value = sha_only;
	r.algs_len = sizeof(sha_only);
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_ALGORITHMS);
	/* An algorithm that was not offered. */
	r = alice_sha256();
	r.alg = 0x0003;
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_ALGORITHMS);
	/* Parameters where the offered algorithm has none. */
	r = alice_sha256();
	r.alg_params = 4;
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_ALGORITHMS);
	/* The algorithm check comes after the nonce check (a foreign nonce says nothing). */
	r = alice_sha256();
	r.alg = 0;
	r.nonce = "not-ours";
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_NONCE);
}

/* ---- REST API ---- */

static void
rest_req(struct req *r, const char *user, const char *secret, bool sha256, uint8_t *key)
{
	char pass[AUTH_REST_PASSWORD_LEN + 1];

	CU_ASSERT_FATAL(auth_rest_password(secret, (const uint8_t *)user, strlen(user), pass,
					   sizeof(pass)) == AUTH_REST_PASSWORD_LEN);
	if (sha256) {
		key_sha256(user, pass, key);
		*r = (struct req){ .username = user, .realm = REALM, .nonce = "", .algs = true,
				   .alg = STUN_PASSWORD_ALGORITHM_SHA256, .mi = MI_SHA256,
				   .key = key, .keylen = AUTH_SHA256_KEY_LEN };
	} else {
		key_md5(user, pass, key);
		*r = (struct req){ .username = user, .realm = REALM, .nonce = "", .mi = MI_SHA1,
				   .key = key, .keylen = AUTH_MD5_KEY_LEN };
	}
}

static void
test_rest_password_kat(void)
{
	/* printf '%s' "1767225600:alice" | openssl dgst -binary -sha1 -hmac "rest-secret-one" | base64 */
	const char *user = "1767225600:alice";
	char pass[AUTH_REST_PASSWORD_LEN + 1];

	CU_ASSERT_EQUAL(auth_rest_password(SECRET1, (const uint8_t *)user, strlen(user), pass,
					   sizeof(pass)),
			AUTH_REST_PASSWORD_LEN);
	CU_ASSERT_STRING_EQUAL(pass, "4Z3GAod5eu92gNK2JTTKoODfLAg=");
	/* The same with an empty username: printf '%s' "" | openssl dgst ... */
	CU_ASSERT_EQUAL(auth_rest_password(SECRET1, (const uint8_t *)"", 0, pass, sizeof(pass)),
			AUTH_REST_PASSWORD_LEN);
	CU_ASSERT_STRING_EQUAL(pass, "OkGcDGFzDmhVQbKWBgssAWPZ3iQ=");
	/* No room for the NUL. */
	CU_ASSERT_EQUAL(auth_rest_password(SECRET1, (const uint8_t *)user, strlen(user), pass,
					   AUTH_REST_PASSWORD_LEN),
			0);
}

static void
test_rest_expiry_parse(void)
{
	uint64_t e = 0;

	CU_ASSERT_EQUAL(auth_rest_expiry((const uint8_t *)"1767225600:alice", 16, &e), 0);
	CU_ASSERT_EQUAL(e, UINT64_C(1767225600));
	CU_ASSERT_EQUAL(auth_rest_expiry((const uint8_t *)"42", 2, &e), 0);
	CU_ASSERT_EQUAL(e, 42);
	CU_ASSERT_EQUAL(auth_rest_expiry((const uint8_t *)"42:", 3, &e), 0);
	CU_ASSERT_EQUAL(auth_rest_expiry((const uint8_t *)"18446744073709551615:x", 22, &e), 0);
	CU_ASSERT_EQUAL(e, UINT64_MAX);
	CU_ASSERT_EQUAL(auth_rest_expiry((const uint8_t *)"18446744073709551616:x", 22, &e), -1);
	CU_ASSERT_EQUAL(auth_rest_expiry((const uint8_t *)":alice", 6, &e), -1);
	CU_ASSERT_EQUAL(auth_rest_expiry((const uint8_t *)"alice:1767225600", 16, &e), -1);
	CU_ASSERT_EQUAL(auth_rest_expiry((const uint8_t *)"12ab:alice", 10, &e), -1);
	CU_ASSERT_EQUAL(auth_rest_expiry((const uint8_t *)"-5:alice", 8, &e), -1);
	CU_ASSERT_EQUAL(auth_rest_expiry((const uint8_t *)"", 0, &e), -1);
}

static void
test_rest_valid(void)
{
	uint8_t key[AUTH_SHA256_KEY_LEN];
	struct auth_identity id;
	struct req r;

	rest_req(&r, "1767229200:carol", SECRET1, false, key);
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_STRING_EQUAL(id.username, "1767229200:carol");
	CU_ASSERT_EQUAL(id.username_len, 16);
	CU_ASSERT_EQUAL(id.key_len, AUTH_MD5_KEY_LEN);
	CU_ASSERT_EQUAL(memcmp(id.key, key, AUTH_MD5_KEY_LEN), 0);
	CU_ASSERT_FALSE(id.sha256);
	/* Valid up to and including its expiry second. */
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, NULL), AUTH_OK);

	rest_req(&r, "1767229200:carol", SECRET1, true, key);
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_EQUAL(id.key_len, AUTH_SHA256_KEY_LEN);
	CU_ASSERT_EQUAL(memcmp(id.key, key, AUTH_SHA256_KEY_LEN), 0);
	CU_ASSERT_TRUE(id.sha256);

	/* A bare expiry, as coturn accepts. */
	rest_req(&r, "1767229200", SECRET1, false, key);
	CU_ASSERT_EQUAL(check(&r), AUTH_OK);
	/* Expiring exactly now. */
	rest_req(&r, "1767225600:carol", SECRET1, false, key);
	CU_ASSERT_EQUAL(check(&r), AUTH_OK);
}

static void
test_rest_expired(void)
{
	uint8_t key[AUTH_SHA256_KEY_LEN];
	struct req r;

	rest_req(&r, "1767225599:carol", SECRET1, false, key);
	CU_ASSERT_EQUAL(check(&r), AUTH_EXPIRED_USER);
	/* Expired is said before integrity is checked: even with a wrong secret. */
	rest_req(&r, "1767225599:carol", "nobody-knows", false, key);
	CU_ASSERT_EQUAL(check(&r), AUTH_EXPIRED_USER);
}

static void
test_rest_rotated_secret(void)
{
	uint8_t key[AUTH_SHA256_KEY_LEN];
	struct auth_identity id;
	struct req r;

	rest_req(&r, "1767229200:dave", SECRET2, false, key);
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_EQUAL(memcmp(id.key, key, AUTH_MD5_KEY_LEN), 0);
	rest_req(&r, "1767229200:dave", SECRET2, true, key);
	CU_ASSERT_EQUAL(check_on(&A, &r, NOW, &id), AUTH_OK);
	CU_ASSERT_EQUAL(memcmp(id.key, key, AUTH_SHA256_KEY_LEN), 0);
}

static void
test_rest_unknown_secret(void)
{
	uint8_t key[AUTH_SHA256_KEY_LEN];
	struct req r;

	/* The username is well-formed REST and unexpired, so it is tried under every
	 * secret; none verifies. A wrong secret and a wrong password are the same
	 * thing to the server: AUTH_BAD_INTEGRITY (401), not AUTH_UNKNOWN_USER. */
	rest_req(&r, "1767229200:carol", "rest-secret-three", false, key);
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_INTEGRITY);
	rest_req(&r, "1767229200:carol", "rest-secret-three", true, key);
	CU_ASSERT_EQUAL(check(&r), AUTH_BAD_INTEGRITY);

	/* Without any secret configured a REST-looking name is just an unknown user. */
	rest_req(&r, "1767229200:carol", SECRET1, false, key);
	CU_ASSERT_EQUAL(check_on(&A_norest, &r, NOW, NULL), AUTH_BAD_NONCE); /* other key */
	{
		char n[AUTH_NONCE_MAX];

		auth_nonce_make(&A_norest, &CLIENT, NOW, n, sizeof(n));
		r.nonce = n;
		CU_ASSERT_EQUAL(check_on(&A_norest, &r, NOW, NULL), AUTH_UNKNOWN_USER);
	}
	/* Not REST-shaped: unknown. */
	rest_req(&r, "carol:1767229200", SECRET1, false, key);
	CU_ASSERT_EQUAL(check(&r), AUTH_UNKNOWN_USER);
	rest_req(&r, ":carol", SECRET1, false, key);
	CU_ASSERT_EQUAL(check(&r), AUTH_UNKNOWN_USER);
}

static void
test_static_name_before_rest(void)
{
	/* A static user whose name looks like an expired REST name is still static. */
	static struct auth s;
	uint8_t key[AUTH_MD5_KEY_LEN];
	struct auth_user_params p = { .name = "1000:eve", .password = "evepw" };
	char n[AUTH_NONCE_MAX];

	CU_ASSERT_FATAL(auth_init(&s, REALM, LIFETIME) == 0);
	CU_ASSERT_FATAL(auth_add_user(&s, &p) == 0);
	CU_ASSERT_FATAL(auth_add_rest_secret(&s, SECRET1) == 0);
	auth_nonce_make(&s, &CLIENT, NOW, n, sizeof(n));
	key_md5("1000:eve", "evepw", key);
	struct req r = { .username = "1000:eve", .realm = REALM, .nonce = n, .mi = MI_SHA1,
			 .key = key, .keylen = sizeof(key) };

	CU_ASSERT_EQUAL(check_on(&s, &r, NOW, NULL), AUTH_OK);
	r.username = "1000:eva";
	CU_ASSERT_EQUAL(check_on(&s, &r, NOW, NULL), AUTH_EXPIRED_USER);
}

/* ---- set-up ---- */

static void
test_setup_limits(void)
{
	static struct auth s, s2;
	char name[AUTH_NAME_MAX + 1];
	uint8_t k[AUTH_MD5_KEY_LEN] = { 0 };
	struct auth_user_params p = { .name = name, .password = "pw" };

	CU_ASSERT_EQUAL(auth_init(&s, REALM, LIFETIME), 0);
	CU_ASSERT_EQUAL(auth_init(&s2, REALM, LIFETIME), 0);
	/* Random per process (here: per init). */
	CU_ASSERT_NOT_EQUAL(memcmp(s.nonce_key, s2.nonce_key, sizeof(s.nonce_key)), 0);
	CU_ASSERT_EQUAL(s.realm_len, strlen(REALM));
	CU_ASSERT_STRING_EQUAL(s.realm, REALM);
	CU_ASSERT_EQUAL(s.nonce_lifetime_s, LIFETIME);

	for (unsigned int i = 0; i < AUTH_MAX_USERS; i++) {
		snprintf(name, sizeof(name), "user%u", i);
		CU_ASSERT_EQUAL(auth_add_user(&s, &p), 0);
	}
	snprintf(name, sizeof(name), "one-too-many");
	CU_ASSERT_EQUAL(auth_add_user(&s, &p), -1);
	CU_ASSERT_EQUAL(s.user_count, AUTH_MAX_USERS);

	CU_ASSERT_EQUAL(auth_init(&s, REALM, LIFETIME), 0);
	memset(name, 'n', AUTH_NAME_MAX);
	name[AUTH_NAME_MAX] = '\0';
	CU_ASSERT_EQUAL(auth_add_user(&s, &p), -1); /* 64 characters: no room for the NUL */
	name[AUTH_NAME_MAX - 1] = '\0';
	CU_ASSERT_EQUAL(auth_add_user(&s, &p), 0); /* 63 */
	CU_ASSERT_EQUAL(auth_add_user(&s, &p), -1); /* the same name twice */
	p.name = "";
	CU_ASSERT_EQUAL(auth_add_user(&s, &p), -1);
	p.name = "nokey";
	p.password = NULL;
	CU_ASSERT_EQUAL(auth_add_user(&s, &p), -1); /* neither password nor key */
	p.md5_key = k;
	CU_ASSERT_EQUAL(auth_add_user(&s, &p), 0);
	CU_ASSERT_FALSE(s.users[s.user_count - 1].has_sha256);
	CU_ASSERT_TRUE(s.users[0].has_sha256);

	for (unsigned int i = 0; i < AUTH_MAX_SECRETS; i++)
		CU_ASSERT_EQUAL(auth_add_rest_secret(&s, SECRET1), 0);
	CU_ASSERT_EQUAL(auth_add_rest_secret(&s, SECRET2), -1);
	CU_ASSERT_EQUAL(auth_init(&s, REALM, LIFETIME), 0);
	CU_ASSERT_EQUAL(auth_add_rest_secret(&s, ""), -1);

	char longrealm[AUTH_REALM_MAX + 1];

	memset(longrealm, 'r', AUTH_REALM_MAX);
	longrealm[AUTH_REALM_MAX] = '\0';
	CU_ASSERT_EQUAL(auth_init(&s, longrealm, LIFETIME), -1);
	longrealm[AUTH_REALM_MAX - 1] = '\0';
	CU_ASSERT_EQUAL(auth_init(&s, longrealm, LIFETIME), 0);
}

static void
test_user_keys(void)
{
	const struct auth_user *u = auth_find_user(&A, (const uint8_t *)"alice", 5);

	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL(memcmp(u->md5_key, ALICE_MD5, AUTH_MD5_KEY_LEN), 0);
	CU_ASSERT_EQUAL(memcmp(u->sha256_key, ALICE_SHA256, AUTH_SHA256_KEY_LEN), 0);
	CU_ASSERT_EQUAL(memcmp(u->userhash, ALICE_HASH, AUTH_USERHASH_LEN), 0);
	CU_ASSERT_PTR_EQUAL(auth_find_userhash(&A, ALICE_HASH), u);
}

static void
test_result_names(void)
{
	const char *seen[AUTH_BAD_INTEGRITY + 1];

	for (int r = AUTH_OK; r <= AUTH_BAD_INTEGRITY; r++) {
		seen[r] = auth_result_str((enum auth_result)r);
		CU_ASSERT_PTR_NOT_NULL_FATAL(seen[r]);
		CU_ASSERT_STRING_NOT_EQUAL(seen[r], "unknown auth result");
		for (int q = 0; q < r; q++)
			CU_ASSERT_STRING_NOT_EQUAL(seen[q], seen[r]);
	}
	CU_ASSERT_STRING_EQUAL(auth_result_str((enum auth_result)99), "unknown auth result");
}

/* ---- RFC 8489 Appendix B.1 (with erratum 6268) ---- */

static int
load_vector(const char *name, uint8_t *out, size_t cap, size_t *len)
{
	FILE *f = fopen(vectors_path, "r");
	char line[4096];
	size_t nlen = strlen(name);
	int found = -1;

	if (f == NULL)
		return -1;
	while (found != 0 && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, name, nlen) != 0 || line[nlen] != ' ')
			continue;
		const char *h = line + nlen + 1;

		*len = 0;
		while (h[0] != '\0' && h[1] != '\0' && h[0] != '\n' && *len < cap) {
			unsigned int b;

			if (sscanf(h, "%2x", &b) != 1)
				break;
			out[(*len)++] = (uint8_t)b;
			h += 2;
		}
		found = 0;
	}
	fclose(f);
	return found;
}

static void
test_rfc8489_b1(void)
{
	/* User U+30DE U+30C8 U+30EA U+30C3 U+30AF U+30B9 in UTF-8, password "TheMatrIX"
	 * after OpaqueString, realm example.org. */
	static const char user[] = "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf"
				   "\xe3\x82\xb9";
	static struct auth b1;
	struct auth_user_params p = { .name = user, .password = "TheMatrIX" };
	uint8_t buf[512];
	size_t len = 0;
	struct stun_msg m;
	struct stun_bytes hash;

	CU_ASSERT_FATAL(load_vector("rfc8489-B.1-sha256-userhash-request", buf, sizeof(buf),
				    &len) == 0);
	CU_ASSERT_FATAL(stun_decode(buf, len, &m) == STUN_OK);
	CU_ASSERT_FATAL(auth_init(&b1, "example.org", LIFETIME) == 0);
	CU_ASSERT_FATAL(auth_add_user(&b1, &p) == 0);

	/* USERHASH: the vector's value finds the user auth_add_user made. */
	CU_ASSERT_FATAL(stun_get_userhash(&m, &hash) == STUN_OK);
	const struct auth_user *u = auth_find_userhash(&b1, hash.data);

	CU_ASSERT_PTR_EQUAL_FATAL(u, &b1.users[0]);
	CU_ASSERT_TRUE(u->has_sha256);
	/* MESSAGE-INTEGRITY-SHA256 verifies with its SHA-256 key, and not with the MD5 one. */
	CU_ASSERT_EQUAL(stun_check_integrity_sha256(&m, u->sha256_key, AUTH_SHA256_KEY_LEN),
			STUN_OK);
	CU_ASSERT_NOT_EQUAL(stun_check_integrity_sha256(&m, u->md5_key, AUTH_MD5_KEY_LEN),
			    STUN_OK);

	/* Through the full check its nonce is not one of ours: everything before the nonce
	 * passes (integrity present, attributes there, realm right), then 401. */
	struct auth_identity id;

	CU_ASSERT_EQUAL(auth_check_request(&b1, &m, &CLIENT, NOW, &id), AUTH_BAD_NONCE);
}

#define TEST(fn, name) { name, fn }

static const struct {
	const char *name;
	CU_TestFunc fn;
} tests[] = {
	TEST(test_static_md5_ok, "static user, MD5, MESSAGE-INTEGRITY"),
	TEST(test_static_sha256_ok, "static user, SHA-256, MESSAGE-INTEGRITY-SHA256"),
	TEST(test_md5_algorithm_with_sha256_integrity, "MD5 key with MESSAGE-INTEGRITY-SHA256"),
	TEST(test_userhash, "USERHASH instead of USERNAME"),
	TEST(test_userhash_not_for_rest, "USERHASH of a REST user is unknown"),
	TEST(test_md5_key_only_user, "user configured by MD5 key only"),
	TEST(test_wrong_password, "wrong password -> BAD_INTEGRITY"),
	TEST(test_tampered_message, "message changed after signing -> BAD_INTEGRITY"),
	TEST(test_unknown_user, "unknown and over-long usernames -> UNKNOWN_USER"),
	TEST(test_username_with_nul, "USERNAME with a NUL byte does not match"),
	TEST(test_wrong_realm, "wrong realm -> WRONG_REALM"),
	TEST(test_missing_attrs, "missing realm, nonce, username -> MISSING_ATTRS"),
	TEST(test_no_integrity, "no integrity -> NO_INTEGRITY"),
	TEST(test_nonce_format, "nonce format and determinism"),
	TEST(test_nonce_other_client, "nonce of another address, port, family -> BAD_NONCE"),
	TEST(test_nonce_tampered, "tampered nonce -> BAD_NONCE"),
	TEST(test_nonce_stale, "stale or future nonce -> STALE_NONCE"),
	TEST(test_password_algorithms_value, "PASSWORD-ALGORITHMS value"),
	TEST(test_bad_algorithms, "PASSWORD-ALGORITHM(S) mismatches -> BAD_ALGORITHMS"),
	TEST(test_rest_password_kat, "REST password known answer"),
	TEST(test_rest_expiry_parse, "REST username expiry parsing"),
	TEST(test_rest_valid, "REST user, MD5 and SHA-256"),
	TEST(test_rest_expired, "REST user expired -> EXPIRED_USER"),
	TEST(test_rest_rotated_secret, "REST user under the second secret"),
	TEST(test_rest_unknown_secret, "REST user under an unknown secret -> BAD_INTEGRITY"),
	TEST(test_static_name_before_rest, "static user name wins over REST form"),
	TEST(test_setup_limits, "auth_init, auth_add_user, auth_add_rest_secret limits"),
	TEST(test_user_keys, "static user keys and userhash"),
	TEST(test_result_names, "auth_result_str"),
	TEST(test_rfc8489_b1, "RFC 8489 B.1 SHA-256 key and USERHASH"),
};

static int
setup(void)
{
	struct auth_user_params alice = { .name = "alice", .password = "alicepw" };
	struct auth_user_params bob = { .name = "bob", .md5_key = BOB_MD5 };

	if (auth_key_long_term_md5((const uint8_t *)"alice", 5, (const uint8_t *)REALM,
				   strlen(REALM), (const uint8_t *)"alicepw", 7, ALICE_MD5) != 0 ||
	    auth_key_long_term_sha256((const uint8_t *)"alice", 5, (const uint8_t *)REALM,
				      strlen(REALM), (const uint8_t *)"alicepw", 7,
				      ALICE_SHA256) != 0 ||
	    auth_key_long_term_md5((const uint8_t *)"bob", 3, (const uint8_t *)REALM,
				   strlen(REALM), (const uint8_t *)"bobpw", 5, BOB_MD5) != 0 ||
	    auth_userhash((const uint8_t *)"alice", 5, (const uint8_t *)REALM, strlen(REALM),
			  ALICE_HASH) != 0)
		return -1;
	if (auth_init(&A, REALM, LIFETIME) != 0 || auth_init(&A_norest, REALM, LIFETIME) != 0)
		return -1;
	auth_set_nonce_key(&A, NONCE_KEY);
	if (auth_add_user(&A, &alice) != 0 || auth_add_user(&A, &bob) != 0 ||
	    auth_add_user(&A_norest, &alice) != 0 || auth_add_rest_secret(&A, SECRET1) != 0 ||
	    auth_add_rest_secret(&A, SECRET2) != 0)
		return -1;
	if (auth_nonce_make(&A, &CLIENT, NOW, fresh_nonce, sizeof(fresh_nonce)) == 0)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		vectors_path = argv[1];
	if (setup() != 0) {
		fprintf(stderr, "auth test set-up failed\n");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	CU_pSuite s = CU_add_suite("auth", NULL, NULL);

	if (s == NULL)
		return 1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
