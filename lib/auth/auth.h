/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_AUTH_H
#define DTURN_AUTH_H

/*
 * Long-term credentials (RFC 8489 §9.2) for TURN: static users, TURN REST API
 * secrets (draft-uberti-behave-turn-rest: username "expiry:user", password
 * base64(HMAC-SHA1(secret, username))), stateless nonces, and the
 * MESSAGE-INTEGRITY / MESSAGE-INTEGRITY-SHA256 check of a request.
 *
 * struct auth is built at start-up and only read afterwards, so any lcore
 * may call every function here — except that a config reload
 * (app/dturn/dturn_reload.c) rewrites it in place on the control lcore: in
 * dturn only that lcore reads it (workers just test the pointer for NULL). Nothing keeps per-client state: a nonce
 * carries its own timestamp and an HMAC binding it to the client's address.
 * Times are Unix seconds (REST usernames carry wall-clock expiries).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth_keys.h"
#include "stun.h"

#define AUTH_MAX_USERS 64
#define AUTH_MAX_SECRETS 4
#define AUTH_NAME_MAX 64
#define AUTH_REALM_MAX 128
#define AUTH_SECRET_MAX 256
#define AUTH_NONCE_MAX 64
#define AUTH_USERNAME_MAX 128 /* longest USERNAME accepted (REST: "expiry:user") */

struct auth_user {
	char name[AUTH_NAME_MAX];
	uint8_t md5_key[AUTH_MD5_KEY_LEN];
	bool has_sha256;        /* only when the plaintext password is configured */
	uint8_t sha256_key[AUTH_SHA256_KEY_LEN];
	uint8_t userhash[AUTH_USERHASH_LEN];
	/* The keys prepared for HMAC once (see struct stun_hmac_key): MD5 key for
	 * MESSAGE-INTEGRITY, SHA-256 key (when has_sha256) for MESSAGE-INTEGRITY-SHA256. */
	struct stun_hmac_key mi_md5;
	struct stun_hmac_key mi_sha256;
};

struct auth {
	char realm[AUTH_REALM_MAX];
	uint16_t realm_len;
	unsigned int user_count;
	struct auth_user users[AUTH_MAX_USERS];
	unsigned int secret_count;
	char secrets[AUTH_MAX_SECRETS][AUTH_SECRET_MAX];
	uint32_t nonce_lifetime_s;
	uint8_t nonce_key[32];  /* random per process: nonces do not survive a restart */
	/* Prepared once, read-only after: HMAC-SHA1 of each secret (REST passwords)
	 * and HMAC-SHA256 of nonce_key. Set only through the functions below. */
	struct stun_hmac_key secret_hmac[AUTH_MAX_SECRETS];
	struct stun_hmac_key nonce_hmac;
};

/* What a user line of the config gives: the plaintext password or the MD5 key. */
struct auth_user_params {
	const char *name;
	const char *password;   /* NULL when only md5_key is known */
	const uint8_t *md5_key; /* used when password is NULL */
};

/* Returns 0, or -1 when the random nonce key cannot be drawn or a digest fails. */
int auth_init(struct auth *a, const char *realm, uint32_t nonce_lifetime_s);
int auth_add_user(struct auth *a, const struct auth_user_params *u);
int auth_add_rest_secret(struct auth *a, const char *secret);
/* For tests and benchmarks: a fixed nonce key instead of a random one. */
void auth_set_nonce_key(struct auth *a, const uint8_t key[32]);

/* A static user by exact name, or by its USERHASH (§14.4); NULL if none. */
const struct auth_user *auth_find_user(const struct auth *a, const uint8_t *name, size_t len);
const struct auth_user *auth_find_userhash(const struct auth *a,
					   const uint8_t hash[AUTH_USERHASH_LEN]);

/*
 * RFC 8489 §9.2.2: a nonce starting with the "obMatJos2" cookie and the
 * security-feature bits (password algorithms supported), then a timestamp and
 * an HMAC over (timestamp, client address and port). Returns its length
 * (< AUTH_NONCE_MAX), 0 if cap is too small.
 */
size_t auth_nonce_make(const struct auth *a, const struct stun_addr *client, uint64_t now_s,
		       char *out, size_t cap);

enum auth_nonce_result {
	AUTH_NONCE_OK,
	AUTH_NONCE_STALE,   /* ours, but older than nonce_lifetime_s: 438 */
	AUTH_NONCE_INVALID, /* not ours, or for another client address: 401 */
};
enum auth_nonce_result auth_nonce_check(const struct auth *a, const struct stun_addr *client,
					uint64_t now_s, const uint8_t *nonce, size_t len);

/* The PASSWORD-ALGORITHMS value this server offers (MD5, SHA-256), for 401s. */
size_t auth_password_algorithms(uint8_t *out, size_t cap);

enum auth_result {
	AUTH_OK,
	AUTH_NO_INTEGRITY,    /* no MESSAGE-INTEGRITY(-SHA256): 401 with realm and nonce */
	AUTH_MISSING_ATTRS,   /* integrity but no USERNAME/USERHASH, REALM or NONCE: 400 */
	AUTH_BAD_ALGORITHMS,  /* PASSWORD-ALGORITHM(S) absent/mismatched where §9.2.4 needs them: 400 */
	AUTH_WRONG_REALM,     /* 401 */
	AUTH_STALE_NONCE,     /* 438 with a fresh nonce */
	AUTH_BAD_NONCE,       /* 401 */
	AUTH_UNKNOWN_USER,    /* 401 */
	AUTH_EXPIRED_USER,    /* REST username past its expiry: 401 */
	AUTH_BAD_INTEGRITY,   /* 401 */
};

const char *auth_result_str(enum auth_result r);

/* Who a verified request came from and the key to sign the response with. */
struct auth_identity {
	char username[AUTH_USERNAME_MAX];
	uint16_t username_len;
	uint8_t key[AUTH_SHA256_KEY_LEN];
	uint8_t key_len;
	bool sha256;            /* verified with MESSAGE-INTEGRITY-SHA256: answer the same */
	/* key prepared for the MAC the request was verified with (SHA256 when
	 * sha256): stun_add_message_integrity_key(b, &id->hmac) signs the answer
	 * with the same bytes as the raw key, without preparing it again. */
	struct stun_hmac_key hmac;
};

/*
 * RFC 8489 §9.2.4: the server's checks of a request with long-term
 * credentials, in the RFC's order. On AUTH_OK id is filled.
 */
enum auth_result auth_check_request(const struct auth *a, const struct stun_msg *req,
				    const struct stun_addr *client, uint64_t now_s,
				    struct auth_identity *id);

/* The REST API password for a username under one secret (for tests and tools):
 * base64 of the 20-byte HMAC-SHA1, 28 characters. Returns its length, 0 when
 * cap cannot hold it and the NUL or the HMAC fails. */
#define AUTH_REST_PASSWORD_LEN 28
size_t auth_rest_password(const char *secret, const uint8_t *username, size_t ulen, char *out,
			  size_t cap);

/* The expiry of a REST username: "expiry:user" (or a bare "expiry", as coturn
 * accepts), expiry in decimal Unix seconds. Returns 0, or -1 if it is not one. */
int auth_rest_expiry(const uint8_t *username, size_t ulen, uint64_t *expiry);

#endif
