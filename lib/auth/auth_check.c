/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The server's check of a request under long-term credentials (RFC 8489
 * §9.2.4). Nothing here allocates except inside OpenSSL; keys live on the
 * stack and are wiped before returning.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "auth.h"
#include "auth_private.h"

/* §9.2.4: the PASSWORD-ALGORITHMS / PASSWORD-ALGORITHM pair, given that every
 * nonce we issue sets the "Password algorithms" feature bit. */
static enum auth_result
select_algorithm(const struct stun_msg *req, bool *sha256)
{
	int algs = stun_find(req, STUN_ATTR_PASSWORD_ALGORITHMS, 0);
	int alg = stun_find(req, STUN_ATTR_PASSWORD_ALGORITHM, 0);
	uint8_t ours[16];
	size_t ours_len = auth_password_algorithms(ours, sizeof(ours));
	struct stun_password_alg chosen;

	*sha256 = false;
	if (algs < 0) {
		/* An RFC 5389 client knows neither attribute: MD5, as it always was. */
		return alg < 0 ? AUTH_OK : AUTH_BAD_ALGORITHMS;
	}
	const struct stun_attr *at = &req->attrs[algs];

	/* The list must be exactly the one we sent, or someone bid it down. */
	if (at->len != ours_len || memcmp(stun_attr_value(req, at), ours, ours_len) != 0)
		return AUTH_BAD_ALGORITHMS;
	if (alg < 0 || stun_get_password_algorithm(req, &chosen) != STUN_OK ||
	    chosen.params.len != 0)
		return AUTH_BAD_ALGORITHMS;
	switch (chosen.algorithm) {
	case STUN_PASSWORD_ALGORITHM_MD5:
		return AUTH_OK;
	case STUN_PASSWORD_ALGORITHM_SHA256:
		*sha256 = true;
		return AUTH_OK;
	default:
		return AUTH_BAD_ALGORITHMS;
	}
}

/*
 * MESSAGE-INTEGRITY-SHA256 when present, else MESSAGE-INTEGRITY. prepared is
 * the key already made ready for HMAC (a static user's), or NULL; used gets
 * the prepared key the check ran with, for signing the answer.
 */
static bool
integrity_ok(const struct stun_msg *req, const uint8_t *key, size_t keylen,
	     const struct stun_hmac_key *prepared, struct stun_hmac_key *used, bool *sha256)
{
	enum stun_hmac_alg alg;

	*sha256 = req->integrity_sha256 >= 0;
	alg = *sha256 ? STUN_HMAC_SHA256 : STUN_HMAC_SHA1;
	if (prepared != NULL && prepared->alg == alg)
		*used = *prepared;
	else if (stun_hmac_key_init(used, alg, key, keylen) != STUN_OK)
		return false;
	return stun_check_integrity_key(req, used) == STUN_OK;
}

static void
fill_identity(struct auth_identity *id, const uint8_t *name, size_t nlen, const uint8_t *key,
	      size_t keylen, bool sha256, const struct stun_hmac_key *hmac)
{
	memcpy(id->username, name, nlen);
	id->username[nlen] = '\0';
	id->username_len = (uint16_t)nlen;
	memcpy(id->key, key, keylen);
	id->key_len = (uint8_t)keylen;
	id->sha256 = sha256;
	id->hmac = *hmac;
}

static enum auth_result
check_static_user(const struct stun_msg *req, const struct auth_user *u, bool sha256_key,
		  struct auth_identity *id)
{
	const uint8_t *key = sha256_key ? u->sha256_key : u->md5_key;
	size_t keylen = sha256_key ? AUTH_SHA256_KEY_LEN : AUTH_MD5_KEY_LEN;
	const struct stun_hmac_key *prepared = sha256_key ? &u->mi_sha256 : &u->mi_md5;
	struct stun_hmac_key used;
	enum auth_result r = AUTH_BAD_INTEGRITY;
	bool sha256_mi;

	/* A user configured by MD5 key alone has no SHA-256 key to check against. */
	if (sha256_key && !u->has_sha256)
		return AUTH_BAD_INTEGRITY;
	if (integrity_ok(req, key, keylen, prepared, &used, &sha256_mi)) {
		fill_identity(id, (const uint8_t *)u->name, strnlen(u->name, AUTH_NAME_MAX), key,
			      keylen, sha256_mi, &used);
		r = AUTH_OK;
	}
	stun_hmac_key_wipe(&used);
	return r;
}

static enum auth_result
check_rest_user(const struct auth *a, const struct stun_msg *req, const struct stun_bytes *user,
		uint64_t now_s, bool sha256_key, struct auth_identity *id)
{
	uint64_t expiry;
	uint8_t key[AUTH_SHA256_KEY_LEN];
	struct stun_hmac_key used;
	enum auth_result r = AUTH_BAD_INTEGRITY;

	if (a->secret_count == 0 || auth_rest_expiry(user->data, user->len, &expiry) != 0)
		return AUTH_UNKNOWN_USER;
	if (expiry < now_s)
		return AUTH_EXPIRED_USER;
	/* Every configured secret, so a rotation accepts the old and the new one. */
	for (unsigned int i = 0; i < a->secret_count; i++) {
		size_t keylen = auth_rest_key(&a->secret_hmac[i], user->data, user->len,
					      (const uint8_t *)a->realm, a->realm_len, sha256_key,
					      key);
		bool sha256_mi;

		if (keylen != 0 && integrity_ok(req, key, keylen, NULL, &used, &sha256_mi)) {
			fill_identity(id, user->data, user->len, key, keylen, sha256_mi, &used);
			r = AUTH_OK;
			break;
		}
	}
	OPENSSL_cleanse(key, sizeof(key));
	stun_hmac_key_wipe(&used);
	return r;
}

enum auth_result
auth_check_request(const struct auth *a, const struct stun_msg *req,
		   const struct stun_addr *client, uint64_t now_s, struct auth_identity *id)
{
	struct stun_bytes user = { 0 }, hash = { 0 }, realm, nonce;
	bool has_user, has_hash, sha256_key;
	enum auth_result r;

	if (req->integrity < 0 && req->integrity_sha256 < 0)
		return AUTH_NO_INTEGRITY;

	/* A malformed attribute counts as a missing one: 400 either way. */
	has_user = stun_get_username(req, &user) == STUN_OK;
	has_hash = !has_user && stun_get_userhash(req, &hash) == STUN_OK;
	if ((!has_user && !has_hash) || stun_get_realm(req, &realm) != STUN_OK ||
	    stun_get_nonce(req, &nonce) != STUN_OK)
		return AUTH_MISSING_ATTRS;

	if (realm.len != a->realm_len || memcmp(realm.data, a->realm, a->realm_len) != 0)
		return AUTH_WRONG_REALM;

	switch (auth_nonce_check(a, client, now_s, nonce.data, nonce.len)) {
	case AUTH_NONCE_OK:
		break;
	case AUTH_NONCE_STALE:
		return AUTH_STALE_NONCE;
	default:
		return AUTH_BAD_NONCE;
	}

	r = select_algorithm(req, &sha256_key);
	if (r != AUTH_OK)
		return r;

	if (has_hash) {
		/* Only static users have a userhash: a REST name cannot be recovered. */
		const struct auth_user *u = auth_find_userhash(a, hash.data);

		return u != NULL ? check_static_user(req, u, sha256_key, id) : AUTH_UNKNOWN_USER;
	}
	if (user.len > AUTH_USERNAME_MAX - 1)
		return AUTH_UNKNOWN_USER;

	const struct auth_user *u = auth_find_user(a, user.data, user.len);

	if (u != NULL)
		return check_static_user(req, u, sha256_key, id);
	return check_rest_user(a, req, &user, now_s, sha256_key, id);
}
