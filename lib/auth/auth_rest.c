/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TURN REST API credentials (draft-uberti-behave-turn-rest-00 §2.2): the
 * username is "expiry:user" with expiry in Unix seconds, the password
 * base64(HMAC-SHA1(shared secret, username)).
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth.h"
#include "auth_private.h"

#define SHA1_LEN 20

/* base64(HMAC-SHA1(secret, username)) with the secret already prepared. */
static size_t
rest_password(const struct stun_hmac_key *secret, const uint8_t *username, size_t ulen,
	      char *out, size_t cap)
{
	uint8_t mac[STUN_HMAC_MAX_LEN];

	if (cap < AUTH_REST_PASSWORD_LEN + 1)
		return 0;
	if (stun_hmac_key_mac(secret, username, ulen, NULL, 0, mac, sizeof(mac)) != SHA1_LEN)
		return 0;
	/* EVP_EncodeBlock writes 4 characters per 3 bytes and a NUL: 28 + 1 here. */
	int n = EVP_EncodeBlock((unsigned char *)out, mac, SHA1_LEN);

	OPENSSL_cleanse(mac, sizeof(mac));
	return n == AUTH_REST_PASSWORD_LEN ? (size_t)n : 0;
}

size_t
auth_rest_password(const char *secret, const uint8_t *username, size_t ulen, char *out,
		   size_t cap)
{
	struct stun_hmac_key k;
	size_t n = 0;

	if (stun_hmac_key_init(&k, STUN_HMAC_SHA1, (const uint8_t *)secret, strlen(secret)) ==
	    STUN_OK)
		n = rest_password(&k, username, ulen, out, cap);
	stun_hmac_key_wipe(&k);
	return n;
}

int
auth_rest_expiry(const uint8_t *username, size_t ulen, uint64_t *expiry)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; i < ulen && username[i] >= '0' && username[i] <= '9'; i++) {
		unsigned int d = username[i] - '0';

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (i == 0 || (i < ulen && username[i] != ':'))
		return -1;
	*expiry = v;
	return 0;
}

size_t
auth_rest_key(const struct stun_hmac_key *secret, const uint8_t *username, size_t ulen,
	      const uint8_t *realm, size_t rlen, bool sha256, uint8_t *key)
{
	char pass[AUTH_REST_PASSWORD_LEN + 1];
	size_t plen = rest_password(secret, username, ulen, pass, sizeof(pass));
	int r;

	if (plen == 0)
		return 0;
	if (sha256)
		r = auth_key_long_term_sha256(username, ulen, realm, rlen, (const uint8_t *)pass,
					      plen, key);
	else
		r = auth_key_long_term_md5(username, ulen, realm, rlen, (const uint8_t *)pass,
					   plen, key);
	OPENSSL_cleanse(pass, sizeof(pass));
	if (r != 0)
		return 0;
	return sha256 ? AUTH_SHA256_KEY_LEN : AUTH_MD5_KEY_LEN;
}
