/* SPDX-License-Identifier: BSD-3-Clause */
#include <openssl/evp.h>

#include "auth_keys.h"

/* Digest of the parts joined by ':' without building the joined string. */
static int
digest_joined(const char *md_name, const uint8_t *const parts[], const size_t lens[],
	      unsigned int n, uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_MD *md = EVP_MD_fetch(NULL, md_name, NULL);
	int ok = ctx != NULL && md != NULL && EVP_DigestInit_ex(ctx, md, NULL) == 1;

	for (unsigned int i = 0; ok && i < n; i++) {
		if (i > 0)
			ok = EVP_DigestUpdate(ctx, ":", 1) == 1;
		if (ok && lens[i] > 0)
			ok = EVP_DigestUpdate(ctx, parts[i], lens[i]) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL) == 1;
	EVP_MD_free(md);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
auth_key_long_term_md5(const uint8_t *user, size_t ulen, const uint8_t *realm, size_t rlen,
		       const uint8_t *pass, size_t plen, uint8_t key[AUTH_MD5_KEY_LEN])
{
	const uint8_t *parts[] = { user, realm, pass };
	const size_t lens[] = { ulen, rlen, plen };

	return digest_joined("MD5", parts, lens, 3, key);
}

int
auth_key_long_term_sha256(const uint8_t *user, size_t ulen, const uint8_t *realm, size_t rlen,
			  const uint8_t *pass, size_t plen, uint8_t key[AUTH_SHA256_KEY_LEN])
{
	const uint8_t *parts[] = { user, realm, pass };
	const size_t lens[] = { ulen, rlen, plen };

	return digest_joined("SHA256", parts, lens, 3, key);
}

int
auth_userhash(const uint8_t *user, size_t ulen, const uint8_t *realm, size_t rlen,
	      uint8_t hash[AUTH_USERHASH_LEN])
{
	const uint8_t *parts[] = { user, realm };
	const size_t lens[] = { ulen, rlen };

	return digest_joined("SHA256", parts, lens, 2, hash);
}
