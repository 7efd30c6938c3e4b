/* SPDX-License-Identifier: BSD-3-Clause */
/* MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT (RFC 8489 §14.5-§14.7). */

/*
 * HMAC (RFC 2104) is built here on OpenSSL's SHA1_* and SHA256_* block
 * functions, not on EVP_MAC. Measured on this machine (OpenSSL 3.0.x, SHA-NI,
 * HMAC-SHA1 over 100 bytes, cycles per MAC): EVP_MAC fetched every call
 * 5,900; fetched once into a new EVP_MAC_CTX 4,600; one EVP_MAC_CTX reused
 * with EVP_MAC_init(key) 2,100; EVP_MAC_CTX_dup of a keyed context 2,400;
 * a reused EVP_MD_CTX 1,250; SHA1_Init/Update/Final 800, and 450 from a
 * prepared key (struct stun_hmac_key). Provider dispatch, not hashing, was
 * the cost. The block functions are the same assembly the default provider
 * runs, need no fetched object and no heap, so every function below stays a
 * pure function of its arguments with no state to own or share. OpenSSL 3.0
 * marks them deprecated (not removed), hence the define before any OpenSSL
 * header; bench/allocate measures what this buys.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <stddef.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <zlib.h>

#include "stun.h"
#include "stun_integrity.h"
#include "stun_wire.h"

#define HMAC_BLOCK 64 /* SHA-1 and SHA-256 alike */

union hash_ctx {
	SHA_CTX sha1;
	SHA256_CTX sha256;
};

/* What struct stun_hmac_key holds: the states after the ipad and opad blocks. */
struct hmac_state {
	union hash_ctx inner;
	union hash_ctx outer;
};

_Static_assert(sizeof(struct hmac_state) <= STUN_HMAC_STATE_SIZE,
	       "STUN_HMAC_STATE_SIZE too small for the hash states");
_Static_assert(_Alignof(struct hmac_state) <= 8, "stun_hmac_key.state is 8-byte aligned");

static size_t
hash_len(uint8_t alg)
{
	switch (alg) {
	case STUN_HMAC_SHA1: return SHA_DIGEST_LENGTH;
	case STUN_HMAC_SHA256: return SHA256_DIGEST_LENGTH;
	default: return 0;
	}
}

static void
hash_init(uint8_t alg, union hash_ctx *c)
{
	if (alg == STUN_HMAC_SHA1)
		SHA1_Init(&c->sha1);
	else
		SHA256_Init(&c->sha256);
}

static void
hash_update(uint8_t alg, union hash_ctx *c, const uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	if (alg == STUN_HMAC_SHA1)
		SHA1_Update(&c->sha1, p, n);
	else
		SHA256_Update(&c->sha256, p, n);
}

static void
hash_final(uint8_t alg, union hash_ctx *c, uint8_t *out)
{
	if (alg == STUN_HMAC_SHA1)
		SHA1_Final(out, &c->sha1);
	else
		SHA256_Final(out, &c->sha256);
}

enum stun_result
stun_hmac_key_init(struct stun_hmac_key *k, enum stun_hmac_alg alg, const uint8_t *key,
		   size_t keylen)
{
	size_t n = hash_len((uint8_t)alg);
	uint8_t block[HMAC_BLOCK];
	struct hmac_state s;

	memset(k, 0, sizeof(*k));
	if (n == 0)
		return STUN_CRYPTO;
	memset(block, 0, sizeof(block));
	if (keylen > HMAC_BLOCK) {
		/* RFC 2104 §2: a key longer than a block is replaced by its hash. */
		hash_init((uint8_t)alg, &s.inner);
		hash_update((uint8_t)alg, &s.inner, key, keylen);
		hash_final((uint8_t)alg, &s.inner, block);
	} else if (keylen > 0) {
		memcpy(block, key, keylen);
	}
	for (size_t i = 0; i < HMAC_BLOCK; i++)
		block[i] ^= 0x36;
	hash_init((uint8_t)alg, &s.inner);
	hash_update((uint8_t)alg, &s.inner, block, HMAC_BLOCK);
	for (size_t i = 0; i < HMAC_BLOCK; i++)
		block[i] ^= 0x36 ^ 0x5c;
	hash_init((uint8_t)alg, &s.outer);
	hash_update((uint8_t)alg, &s.outer, block, HMAC_BLOCK);
	memcpy(k->state, &s, sizeof(s));
	k->alg = (uint8_t)alg;
	OPENSSL_cleanse(block, sizeof(block));
	OPENSSL_cleanse(&s, sizeof(s));
	return STUN_OK;
}

void
stun_hmac_key_wipe(struct stun_hmac_key *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

size_t
stun_hmac_key_mac(const struct stun_hmac_key *k, const uint8_t *a, size_t alen,
		  const uint8_t *b, size_t blen, uint8_t *out, size_t cap)
{
	size_t n = hash_len(k->alg);
	uint8_t inner[STUN_HMAC_MAX_LEN];
	struct hmac_state s;

	if (n == 0 || cap < n)
		return 0;
	/* A copy of the prepared states; after both finals it holds only the two digests. */
	memcpy(&s, k->state, sizeof(s));
	hash_update(k->alg, &s.inner, a, alen);
	hash_update(k->alg, &s.inner, b, blen);
	hash_final(k->alg, &s.inner, inner);
	hash_update(k->alg, &s.outer, inner, n);
	hash_final(k->alg, &s.outer, out);
	return n;
}

/*
 * HMAC over a 20-byte header whose length field has been adjusted, followed
 * by the message body up to the integrity attribute. Streaming both parts
 * avoids copying the message to patch its header.
 */
enum stun_result
stun_hmac(enum stun_hmac_alg alg, const uint8_t *key, size_t keylen, const uint8_t *hdr,
	  const uint8_t *body, size_t bodylen, uint8_t *out, size_t outcap)
{
	struct stun_hmac_key k;
	enum stun_result r = stun_hmac_key_init(&k, alg, key, keylen);

	if (r == STUN_OK && stun_hmac_key_mac(&k, hdr, STUN_HEADER_LEN, body, bodylen, out,
					      outcap) == 0)
		r = STUN_CRYPTO;
	stun_hmac_key_wipe(&k);
	return r;
}

/* Verify the integrity attribute at index idx, covering everything before it. */
static enum stun_result
check_hmac(const struct stun_msg *msg, int idx, const struct stun_hmac_key *k)
{
	const struct stun_attr *a = &msg->attrs[idx];
	size_t attr_start = a->offset - STUN_ATTR_HEADER_LEN;
	uint8_t hdr[STUN_HEADER_LEN];
	uint8_t mac[STUN_HMAC_MAX_LEN];
	size_t n;

	/* The length field counts up to the end of the integrity attribute itself. */
	memcpy(hdr, msg->buf, STUN_HEADER_LEN);
	stun_wr16(hdr + 2, (uint16_t)(attr_start + STUN_ATTR_HEADER_LEN + a->len - STUN_HEADER_LEN));

	n = stun_hmac_key_mac(k, hdr, STUN_HEADER_LEN, msg->buf + STUN_HEADER_LEN,
			      attr_start - STUN_HEADER_LEN, mac, sizeof(mac));
	if (n == 0)
		return STUN_CRYPTO;
	if (a->len > n || CRYPTO_memcmp(mac, msg->buf + a->offset, a->len) != 0)
		return STUN_INTEGRITY_MISMATCH;
	return STUN_OK;
}

/* The one-call forms: the raw key prepared on the stack, wiped after. */
static enum stun_result
check_raw(const struct stun_msg *msg, int idx, enum stun_hmac_alg alg, const uint8_t *key,
	  size_t keylen)
{
	struct stun_hmac_key k;
	enum stun_result r = stun_hmac_key_init(&k, alg, key, keylen);

	if (r == STUN_OK)
		r = check_hmac(msg, idx, &k);
	stun_hmac_key_wipe(&k);
	return r;
}

enum stun_result
stun_check_integrity(const struct stun_msg *msg, const uint8_t *key, size_t keylen)
{
	if (msg->integrity < 0)
		return STUN_INTEGRITY_ABSENT;
	return check_raw(msg, msg->integrity, STUN_HMAC_SHA1, key, keylen);
}

enum stun_result
stun_check_integrity_sha256(const struct stun_msg *msg, const uint8_t *key, size_t keylen)
{
	if (msg->integrity_sha256 < 0)
		return STUN_INTEGRITY_ABSENT;
	return check_raw(msg, msg->integrity_sha256, STUN_HMAC_SHA256, key, keylen);
}

enum stun_result
stun_check_integrity_key(const struct stun_msg *msg, const struct stun_hmac_key *k)
{
	int idx;

	switch (k->alg) {
	case STUN_HMAC_SHA1: idx = msg->integrity; break;
	case STUN_HMAC_SHA256: idx = msg->integrity_sha256; break;
	default: return STUN_CRYPTO;
	}
	if (idx < 0)
		return STUN_INTEGRITY_ABSENT;
	return check_hmac(msg, idx, k);
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
