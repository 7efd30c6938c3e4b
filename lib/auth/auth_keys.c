/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MD5 and SHA-256 through OpenSSL's block functions rather than EVP: a REST
 * request derives its key on every request, and EVP_MD_fetch plus an
 * EVP_MD_CTX cost several times the hashing itself (see stun_integrity.c for
 * the figures). OpenSSL 3.0 deprecates these functions without removing them.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <stdbool.h>

#include <openssl/crypto.h>
#include <openssl/md5.h>
#include <openssl/sha.h>

#include "auth_keys.h"

/* Digest of the parts joined by ':' without building the joined string. */
static int
digest_joined(bool sha256, const uint8_t *const parts[], const size_t lens[], unsigned int n,
	      uint8_t *out)
{
	union {
		MD5_CTX md5;
		SHA256_CTX sha256;
	} c;
	int ok = sha256 ? SHA256_Init(&c.sha256) : MD5_Init(&c.md5);

	for (unsigned int i = 0; ok == 1 && i < n; i++) {
		if (i > 0)
			ok = sha256 ? SHA256_Update(&c.sha256, ":", 1) : MD5_Update(&c.md5, ":", 1);
		if (ok == 1 && lens[i] > 0)
			ok = sha256 ? SHA256_Update(&c.sha256, parts[i], lens[i])
				    : MD5_Update(&c.md5, parts[i], lens[i]);
	}
	if (ok == 1)
		ok = sha256 ? SHA256_Final(out, &c.sha256) : MD5_Final(out, &c.md5);
	OPENSSL_cleanse(&c, sizeof(c));
	return ok == 1 ? 0 : -1;
}

int
auth_key_long_term_md5(const uint8_t *user, size_t ulen, const uint8_t *realm, size_t rlen,
		       const uint8_t *pass, size_t plen, uint8_t key[AUTH_MD5_KEY_LEN])
{
	const uint8_t *parts[] = { user, realm, pass };
	const size_t lens[] = { ulen, rlen, plen };

	return digest_joined(false, parts, lens, 3, key);
}

int
auth_key_long_term_sha256(const uint8_t *user, size_t ulen, const uint8_t *realm, size_t rlen,
			  const uint8_t *pass, size_t plen, uint8_t key[AUTH_SHA256_KEY_LEN])
{
	const uint8_t *parts[] = { user, realm, pass };
	const size_t lens[] = { ulen, rlen, plen };

	return digest_joined(true, parts, lens, 3, key);
}

int
auth_userhash(const uint8_t *user, size_t ulen, const uint8_t *realm, size_t rlen,
	      uint8_t hash[AUTH_USERHASH_LEN])
{
	const uint8_t *parts[] = { user, realm };
	const size_t lens[] = { ulen, rlen };

	return digest_joined(true, parts, lens, 2, hash);
}
