/* SPDX-License-Identifier: BSD-3-Clause */
/* Building a message into a caller's buffer (RFC 8489 §5, §14). */
#include <string.h>

#include "stun.h"
#include "stun_integrity.h"
#include "stun_wire.h"

static void
set_length(struct stun_builder *b)
{
	stun_wr16(b->buf + 2, (uint16_t)(b->len - STUN_HEADER_LEN));
}

void
stun_builder_init(struct stun_builder *b, uint8_t *buf, size_t cap, uint16_t method, uint8_t cls,
		  const uint8_t tid[STUN_TID_LEN])
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->pad_byte = 0;
	b->err = STUN_OK;
	if (buf == NULL || cap < STUN_HEADER_LEN) {
		b->err = STUN_NO_SPACE;
		return;
	}
	stun_wr16(buf, stun_type_make(method, cls));
	stun_wr16(buf + 2, 0);
	stun_wr32(buf + 4, STUN_MAGIC_COOKIE);
	memcpy(buf + 8, tid, STUN_TID_LEN);
	b->len = STUN_HEADER_LEN;
}

/* RFC 8489 §12: a response to an RFC 3489 client echoes its 16-byte id and has no cookie. */
void
stun_builder_init_classic(struct stun_builder *b, uint8_t *buf, size_t cap, uint16_t method,
			  uint8_t cls, const uint8_t tid[STUN_CLASSIC_TID_LEN])
{
	stun_builder_init(b, buf, cap, method, cls, tid + 4);
	if (b->err == STUN_OK)
		memcpy(buf + 4, tid, STUN_CLASSIC_TID_LEN);
}

/* Reserve an attribute of len value bytes plus padding; NULL once anything failed. */
static uint8_t *
reserve_attr(struct stun_builder *b, uint16_t type, uint16_t len)
{
	size_t padded = ((size_t)len + 3) & ~(size_t)3;

	if (b->err != STUN_OK)
		return NULL;
	/* The 16-bit message length must still hold the result. */
	if (b->cap - b->len < STUN_ATTR_HEADER_LEN + padded ||
	    b->len + STUN_ATTR_HEADER_LEN + padded - STUN_HEADER_LEN > 0xFFFC) {
		b->err = STUN_NO_SPACE;
		return NULL;
	}

	uint8_t *p = b->buf + b->len;

	stun_wr16(p, type);
	stun_wr16(p + 2, len);
	memset(p + STUN_ATTR_HEADER_LEN + len, b->pad_byte, padded - len);
	b->len += STUN_ATTR_HEADER_LEN + padded;
	set_length(b);
	return p + STUN_ATTR_HEADER_LEN;
}

enum stun_result
stun_add_attr(struct stun_builder *b, uint16_t type, const void *value, uint16_t len)
{
	uint8_t *v = reserve_attr(b, type, len);

	if (v == NULL)
		return b->err;
	if (len > 0)
		memcpy(v, value, len);
	return STUN_OK;
}

enum stun_result
stun_add_u32(struct stun_builder *b, uint16_t type, uint32_t value)
{
	uint8_t v[4];

	stun_wr32(v, value);
	return stun_add_attr(b, type, v, sizeof(v));
}

/* §14.1 */
enum stun_result
stun_add_addr(struct stun_builder *b, uint16_t type, const struct stun_addr *a)
{
	uint16_t alen = a->family == STUN_FAMILY_IPV6 ? 16 : 4;
	uint8_t *v;

	if (a->family != STUN_FAMILY_IPV4 && a->family != STUN_FAMILY_IPV6) {
		if (b->err == STUN_OK)
			b->err = STUN_ADDR_FAMILY;
		return b->err;
	}
	v = reserve_attr(b, type, (uint16_t)(4 + alen));
	if (v == NULL)
		return b->err;
	v[0] = 0;
	v[1] = a->family;
	stun_wr16(v + 2, a->port);
	memcpy(v + 4, a->addr, alen);
	return STUN_OK;
}

/* §14.2: XORed with the cookie and, for IPv6, the transaction id of this message. */
enum stun_result
stun_add_xor_addr(struct stun_builder *b, uint16_t type, const struct stun_addr *a)
{
	struct stun_addr x = *a;
	uint8_t mask[16];

	if (b->err != STUN_OK)
		return b->err;
	stun_wr32(mask, STUN_MAGIC_COOKIE);
	memcpy(mask + 4, b->buf + 8, STUN_TID_LEN);
	for (unsigned int i = 0; i < 16; i++)
		x.addr[i] ^= mask[i];
	x.port ^= (uint16_t)(STUN_MAGIC_COOKIE >> 16);
	return stun_add_addr(b, type, &x);
}

enum stun_result
stun_add_string(struct stun_builder *b, uint16_t type, const char *s)
{
	size_t n = strlen(s);

	if (n > 0xFFFF) {
		if (b->err == STUN_OK)
			b->err = STUN_NO_SPACE;
		return b->err;
	}
	return stun_add_attr(b, type, s, (uint16_t)n);
}

/* §14.8 */
enum stun_result
stun_add_error_code(struct stun_builder *b, uint16_t code, const char *reason)
{
	size_t n = reason != NULL ? strlen(reason) : 0;
	uint8_t *v;

	if (n > 763)
		n = 763;
	v = reserve_attr(b, STUN_ATTR_ERROR_CODE, (uint16_t)(4 + n));
	if (v == NULL)
		return b->err;
	v[0] = 0;
	v[1] = 0;
	v[2] = (uint8_t)(code / 100);
	v[3] = (uint8_t)(code % 100);
	if (n > 0)
		memcpy(v + 4, reason, n);
	return STUN_OK;
}

/* §14.9 */
enum stun_result
stun_add_unknown_attributes(struct stun_builder *b, const uint16_t *types, unsigned int n)
{
	uint8_t *v;

	if (n > 0x7FFF) {
		if (b->err == STUN_OK)
			b->err = STUN_NO_SPACE;
		return b->err;
	}
	v = reserve_attr(b, STUN_ATTR_UNKNOWN_ATTRIBUTES, (uint16_t)(2 * n));
	if (v == NULL)
		return b->err;
	for (unsigned int i = 0; i < n; i++)
		stun_wr16(v + 2 * i, types[i]);
	return STUN_OK;
}

/* RFC 8656 §18.1 */
enum stun_result
stun_add_channel_number(struct stun_builder *b, uint16_t channel)
{
	return stun_add_u32(b, STUN_ATTR_CHANNEL_NUMBER, (uint32_t)channel << 16);
}

/* RFC 8656 §18.11 */
enum stun_result
stun_add_requested_transport(struct stun_builder *b, uint8_t protocol)
{
	return stun_add_u32(b, STUN_ATTR_REQUESTED_TRANSPORT, (uint32_t)protocol << 24);
}

/* The header's length already counts the attribute being filled in, as §14.5 wants. */
static enum stun_result
add_hmac(struct stun_builder *b, uint16_t type, uint16_t maclen, const struct stun_hmac_key *k)
{
	uint8_t *v = reserve_attr(b, type, maclen);
	uint8_t mac[STUN_HMAC_MAX_LEN];
	size_t covered;

	if (v == NULL)
		return b->err;
	covered = (size_t)(v - STUN_ATTR_HEADER_LEN - b->buf);
	if (stun_hmac_key_mac(k, b->buf, STUN_HEADER_LEN, b->buf + STUN_HEADER_LEN,
			      covered - STUN_HEADER_LEN, mac, sizeof(mac)) < maclen) {
		b->err = STUN_CRYPTO;
		return b->err;
	}
	memcpy(v, mac, maclen);
	return STUN_OK;
}

/* The one-call forms: the raw key prepared on the stack, wiped after. */
static enum stun_result
add_hmac_raw(struct stun_builder *b, uint16_t type, enum stun_hmac_alg alg, uint16_t maclen,
	     const uint8_t *key, size_t keylen)
{
	struct stun_hmac_key k;
	enum stun_result r;

	if (b->err != STUN_OK)
		return b->err;
	r = stun_hmac_key_init(&k, alg, key, keylen);
	if (r == STUN_OK)
		r = add_hmac(b, type, maclen, &k);
	else
		b->err = r;
	stun_hmac_key_wipe(&k);
	return r;
}

enum stun_result
stun_add_message_integrity(struct stun_builder *b, const uint8_t *key, size_t keylen)
{
	return add_hmac_raw(b, STUN_ATTR_MESSAGE_INTEGRITY, STUN_HMAC_SHA1, STUN_HMAC_SHA1_LEN, key,
			    keylen);
}

enum stun_result
stun_add_message_integrity_sha256(struct stun_builder *b, const uint8_t *key, size_t keylen)
{
	return add_hmac_raw(b, STUN_ATTR_MESSAGE_INTEGRITY_SHA256, STUN_HMAC_SHA256,
			    STUN_HMAC_SHA256_LEN, key, keylen);
}

enum stun_result
stun_add_message_integrity_key(struct stun_builder *b, const struct stun_hmac_key *k)
{
	if (b->err != STUN_OK)
		return b->err;
	switch (k->alg) {
	case STUN_HMAC_SHA1:
		return add_hmac(b, STUN_ATTR_MESSAGE_INTEGRITY, STUN_HMAC_SHA1_LEN, k);
	case STUN_HMAC_SHA256:
		return add_hmac(b, STUN_ATTR_MESSAGE_INTEGRITY_SHA256, STUN_HMAC_SHA256_LEN, k);
	default:
		b->err = STUN_CRYPTO;
		return b->err;
	}
}

/* §14.7 */
enum stun_result
stun_add_fingerprint(struct stun_builder *b)
{
	uint8_t *v = reserve_attr(b, STUN_ATTR_FINGERPRINT, 4);

	if (v == NULL)
		return b->err;
	stun_wr32(v, stun_fingerprint_value(b->buf, (size_t)(v - STUN_ATTR_HEADER_LEN - b->buf)));
	return STUN_OK;
}

size_t
stun_builder_finish(const struct stun_builder *b)
{
	return b->err == STUN_OK ? b->len : 0;
}
