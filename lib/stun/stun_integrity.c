/* SPDX-License-Identifier: BSD-3-Clause */
/* MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT (RFC 8489 §14.5-§14.7). */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <zlib.h>

#include "stun.h"
#include "stun_integrity.h"
#include "stun_wire.h"

/*
 * HMAC over a 20-byte header whose length field has been adjusted, followed
 * by the message body up to the integrity attribute. Streaming both parts
 * avoids copying the message to patch its header.
 */
enum stun_result
stun_hmac(const char *digest, const uint8_t *key, size_t keylen, const uint8_t *hdr,
	  const uint8_t *body, size_t bodylen, uint8_t *out, size_t outcap)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[2] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
		OSSL_PARAM_construct_end(),
	};
	/* An empty key is legal for HMAC but OpenSSL wants a non-NULL pointer. */
	static const uint8_t empty_key[1];
	size_t outlen = 0;
	int ok = ctx != NULL &&
		 EVP_MAC_init(ctx, keylen > 0 ? key : empty_key, keylen, params) == 1 &&
		 EVP_MAC_update(ctx, hdr, STUN_HEADER_LEN) == 1 &&
		 (bodylen == 0 || EVP_MAC_update(ctx, body, bodylen) == 1) &&
		 EVP_MAC_final(ctx, out, &outlen, outcap) == 1;

	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? STUN_OK : STUN_CRYPTO;
}

/* Verify the integrity attribute at index idx, covering everything before it. */
static enum stun_result
check_hmac(const struct stun_msg *msg, int idx, const char *digest, const uint8_t *key,
	   size_t keylen)
{
	const struct stun_attr *a = &msg->attrs[idx];
	size_t attr_start = a->offset - STUN_ATTR_HEADER_LEN;
	uint8_t hdr[STUN_HEADER_LEN];
	uint8_t mac[EVP_MAX_MD_SIZE];

	/* The length field counts up to the end of the integrity attribute itself. */
	memcpy(hdr, msg->buf, STUN_HEADER_LEN);
	stun_wr16(hdr + 2, (uint16_t)(attr_start + STUN_ATTR_HEADER_LEN + a->len - STUN_HEADER_LEN));

	enum stun_result r = stun_hmac(digest, key, keylen, hdr, msg->buf + STUN_HEADER_LEN,
				       attr_start - STUN_HEADER_LEN, mac, sizeof(mac));
	if (r != STUN_OK)
		return r;
	if (CRYPTO_memcmp(mac, msg->buf + a->offset, a->len) != 0)
		return STUN_INTEGRITY_MISMATCH;
	return STUN_OK;
}

enum stun_result
stun_check_integrity(const struct stun_msg *msg, const uint8_t *key, size_t keylen)
{
	if (msg->integrity < 0)
		return STUN_INTEGRITY_ABSENT;
	return check_hmac(msg, msg->integrity, "SHA1", key, keylen);
}

enum stun_result
stun_check_integrity_sha256(const struct stun_msg *msg, const uint8_t *key, size_t keylen)
{
	if (msg->integrity_sha256 < 0)
		return STUN_INTEGRITY_ABSENT;
	return check_hmac(msg, msg->integrity_sha256, "SHA256", key, keylen);
}

uint32_t
stun_fingerprint_value(const uint8_t *buf, size_t len)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	/* zlib takes uInt lengths; STUN messages are far below 4 GiB. */
	crc = crc32(crc, buf, (uInt)len);
	return (uint32_t)crc ^ STUN_FINGERPRINT_XOR;
}

enum stun_result
stun_check_fingerprint(const struct stun_msg *msg)
{
	if (msg->fingerprint < 0)
		return STUN_FINGERPRINT_ABSENT;

	const struct stun_attr *a = &msg->attrs[msg->fingerprint];
	size_t attr_start = a->offset - STUN_ATTR_HEADER_LEN;

	/* FINGERPRINT is last, so the header's length already ends at it. */
	if (stun_fingerprint_value(msg->buf, attr_start) != stun_rd32(msg->buf + a->offset))
		return STUN_FINGERPRINT_MISMATCH;
	return STUN_OK;
}
