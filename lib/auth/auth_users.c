/* SPDX-License-Identifier: BSD-3-Clause */
/* Building struct auth at start-up (realm, users, REST secrets) and finding users. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth.h"

int
auth_init(struct auth *a, const char *realm, uint32_t nonce_lifetime_s)
{
	size_t rlen = realm != NULL ? strlen(realm) : 0;

	memset(a, 0, sizeof(*a));
	if (realm == NULL || rlen >= AUTH_REALM_MAX)
		return -1;
	memcpy(a->realm, realm, rlen);
	a->realm_len = (uint16_t)rlen;
	a->nonce_lifetime_s = nonce_lifetime_s;
	if (RAND_bytes(a->nonce_key, sizeof(a->nonce_key)) != 1)
		return -1;
	auth_set_nonce_key(a, a->nonce_key);
	return 0;
}

void
auth_set_nonce_key(struct auth *a, const uint8_t key[32])
{
	memmove(a->nonce_key, key, sizeof(a->nonce_key));
	stun_hmac_key_init(&a->nonce_hmac, STUN_HMAC_SHA256, a->nonce_key, sizeof(a->nonce_key));
}

int
auth_add_user(struct auth *a, const struct auth_user_params *u)
{
	size_t nlen = u->name != NULL ? strlen(u->name) : 0;
	const uint8_t *name = (const uint8_t *)u->name;
	const uint8_t *realm = (const uint8_t *)a->realm;
	struct auth_user nu;

	if (a->user_count >= AUTH_MAX_USERS || nlen == 0 || nlen >= AUTH_NAME_MAX)
		return -1;
	if (u->password == NULL && u->md5_key == NULL)
		return -1;
	if (auth_find_user(a, name, nlen) != NULL)
		return -1;

	memset(&nu, 0, sizeof(nu));
	memcpy(nu.name, u->name, nlen);
	if (u->password != NULL) {
		const uint8_t *pass = (const uint8_t *)u->password;
		size_t plen = strlen(u->password);

		if (auth_key_long_term_md5(name, nlen, realm, a->realm_len, pass, plen,
					   nu.md5_key) != 0 ||
		    auth_key_long_term_sha256(name, nlen, realm, a->realm_len, pass, plen,
					      nu.sha256_key) != 0)
			return -1;
		nu.has_sha256 = true;
	} else {
		memcpy(nu.md5_key, u->md5_key, AUTH_MD5_KEY_LEN);
	}
	if (auth_userhash(name, nlen, realm, a->realm_len, nu.userhash) != 0 ||
	    stun_hmac_key_init(&nu.mi_md5, STUN_HMAC_SHA1, nu.md5_key, AUTH_MD5_KEY_LEN) !=
		    STUN_OK ||
	    (nu.has_sha256 && stun_hmac_key_init(&nu.mi_sha256, STUN_HMAC_SHA256, nu.sha256_key,
						 AUTH_SHA256_KEY_LEN) != STUN_OK))
		return -1;

	a->users[a->user_count++] = nu;
	return 0;
}

int
auth_add_rest_secret(struct auth *a, const char *secret)
{
	size_t len = secret != NULL ? strlen(secret) : 0;

	if (a->secret_count >= AUTH_MAX_SECRETS || len == 0 || len >= AUTH_SECRET_MAX)
		return -1;
	if (stun_hmac_key_init(&a->secret_hmac[a->secret_count], STUN_HMAC_SHA1,
			       (const uint8_t *)secret, len) != STUN_OK)
		return -1;
	memcpy(a->secrets[a->secret_count], secret, len + 1);
	a->secret_count++;
	return 0;
}

const struct auth_user *
auth_find_user(const struct auth *a, const uint8_t *name, size_t len)
{
	if (len == 0 || len >= AUTH_NAME_MAX)
		return NULL;
	for (unsigned int i = 0; i < a->user_count; i++) {
		const struct auth_user *u = &a->users[i];

		/* strnlen, not name[len] == 0: a USERNAME may hold NUL bytes. */
		if (strnlen(u->name, AUTH_NAME_MAX) == len && memcmp(u->name, name, len) == 0)
			return u;
	}
	return NULL;
}

const struct auth_user *
auth_find_userhash(const struct auth *a, const uint8_t hash[AUTH_USERHASH_LEN])
{
	for (unsigned int i = 0; i < a->user_count; i++) {
		const struct auth_user *u = &a->users[i];

		if (CRYPTO_memcmp(u->userhash, hash, AUTH_USERHASH_LEN) == 0)
			return u;
	}
	return NULL;
}
