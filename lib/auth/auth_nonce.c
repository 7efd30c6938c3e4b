/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stateless nonces (RFC 8489 §9.2.2) and the PASSWORD-ALGORITHMS we offer.
 *
 * A nonce is 41 printable characters (it goes into every 401, so it is kept
 * short: a 401 is what anyone can get back for a forged source address):
 *   "obMatJos2"   the nonce cookie (§9.2)
 *   "AAAB"        base64 of the 24-bit security feature set with "Password
 *                 algorithms" (bit 0) set. Verified erratum 6290 numbers the
 *                 bits from the least significant side, so bit 0 is 0x000001
 *                 (the published text's most-significant reading would give
 *                 "gAAA"). Only we read this value back, so either way our
 *                 own nonces check; clients only learn that we negotiate.
 *   8 hex         the issue time, the low 32 bits of Unix seconds, lowercase
 *                 (ages are taken modulo 2^32, so the wrap in 2106 is harmless)
 *   20 hex        the first 10 bytes of HMAC-SHA256(nonce_key, time (8 bytes,
 *                 big-endian) || family || address (4 or 16 bytes) || port
 *                 (2 bytes, big-endian)), lowercase
 * Nothing is stored: a nonce proves by itself that we issued it, when, and
 * to which client transport address.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "auth.h"

#define NONCE_PREFIX "obMatJos2AAAB"
#define NONCE_PREFIX_LEN (sizeof(NONCE_PREFIX) - 1)
#define NONCE_TIME_HEX 8
/* 80 bits: forging a nonce for a chosen address means guessing them. */
#define NONCE_MAC_BYTES 10
#define NONCE_LEN (NONCE_PREFIX_LEN + NONCE_TIME_HEX + 2 * NONCE_MAC_BYTES)
#define NONCE_TIME_MASK ((UINT64_C(1) << (4 * NONCE_TIME_HEX)) - 1)
/* A nonce issued this far in the future (a clock stepped back) is stale, not forged. */
#define NONCE_FUTURE_SLACK_S 5

_Static_assert(NONCE_LEN < AUTH_NONCE_MAX, "nonce must fit AUTH_NONCE_MAX with its NUL");

static const char hex_digits[] = "0123456789abcdef";

static void
hex_encode(const uint8_t *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex_digits[in[i] >> 4];
		out[2 * i + 1] = hex_digits[in[i] & 0xF];
	}
}

/* The hex characters of the nonce MAC for (time, client); 0 or -1. */
static int
nonce_mac_hex(const struct auth *a, const struct stun_addr *client, uint64_t t,
	      char out[2 * NONCE_MAC_BYTES])
{
	uint8_t msg[8 + 1 + 16 + 2];
	size_t alen = client->family == STUN_FAMILY_IPV4 ? 4 : 16;
	size_t n = 0;
	uint8_t mac[STUN_HMAC_MAX_LEN];

	for (int i = 7; i >= 0; i--)
		msg[n++] = (uint8_t)(t >> (8 * i));
	msg[n++] = client->family;
	memcpy(msg + n, client->addr, alen);
	n += alen;
	msg[n++] = (uint8_t)(client->port >> 8);
	msg[n++] = (uint8_t)client->port;

	/* nonce_hmac is nonce_key prepared once (auth_set_nonce_key). */
	if (stun_hmac_key_mac(&a->nonce_hmac, msg, n, NULL, 0, mac, sizeof(mac)) <
	    NONCE_MAC_BYTES)
		return -1;
	hex_encode(mac, NONCE_MAC_BYTES, out);
	OPENSSL_cleanse(mac, sizeof(mac));
	return 0;
}

size_t
auth_nonce_make(const struct auth *a, const struct stun_addr *client, uint64_t now_s,
		char *out, size_t cap)
{
	uint64_t t = now_s & NONCE_TIME_MASK;
	char *p = out + NONCE_PREFIX_LEN;

	if (cap < NONCE_LEN + 1)
		return 0;
	memcpy(out, NONCE_PREFIX, NONCE_PREFIX_LEN);
	for (int i = NONCE_TIME_HEX - 1; i >= 0; i--)
		*p++ = hex_digits[(t >> (4 * i)) & 0xF];
	if (nonce_mac_hex(a, client, t, p) != 0)
		return 0;
	out[NONCE_LEN] = '\0';
	return NONCE_LEN;
}

static int
hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* we write lowercase only: anything else is not ours */
}

enum auth_nonce_result
auth_nonce_check(const struct auth *a, const struct stun_addr *client, uint64_t now_s,
		 const uint8_t *nonce, size_t len)
{
	char mac[2 * NONCE_MAC_BYTES];
	uint64_t t = 0;

	if (len != NONCE_LEN || memcmp(nonce, NONCE_PREFIX, NONCE_PREFIX_LEN) != 0)
		return AUTH_NONCE_INVALID;
	for (size_t i = 0; i < NONCE_TIME_HEX; i++) {
		int v = hex_value(nonce[NONCE_PREFIX_LEN + i]);

		if (v < 0)
			return AUTH_NONCE_INVALID;
		t = (t << 4) | (uint64_t)v;
	}
	if (nonce_mac_hex(a, client, t, mac) != 0 ||
	    CRYPTO_memcmp(mac, nonce + NONCE_PREFIX_LEN + NONCE_TIME_HEX, sizeof(mac)) != 0)
		return AUTH_NONCE_INVALID;

	/* Ages modulo 2^32: a nonce from just before the wrap is still seconds old after it. */
	uint32_t age = (uint32_t)((now_s & NONCE_TIME_MASK) - t);

	if (age > UINT32_MAX - NONCE_FUTURE_SLACK_S)
		return AUTH_NONCE_OK; /* at most a few seconds ahead: a clock stepped back */
	if (age > a->nonce_lifetime_s)
		return AUTH_NONCE_STALE;
	return AUTH_NONCE_OK;
}

size_t
auth_password_algorithms(uint8_t *out, size_t cap)
{
	/* §14.11: each entry is algorithm (2 bytes), parameters length (2), parameters. */
	static const uint8_t value[] = {
		0x00, 0x01, 0x00, 0x00, /* MD5, no parameters */
		0x00, 0x02, 0x00, 0x00, /* SHA-256, no parameters */
	};

	if (cap < sizeof(value))
		return 0;
	memcpy(out, value, sizeof(value));
	return sizeof(value);
}
