/* SPDX-License-Identifier: BSD-3-Clause */
/* The checked vectors decode to their documented values, verify, and re-encode byte for byte. */
#include <arpa/inet.h>
#include <string.h>

#include "auth_keys.h"
#include "test_stun_common.h"

static const uint8_t rfc5769_tid[STUN_TID_LEN] = {
	0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
};

static struct stun_msg
decode_ok(const struct vector *v)
{
	struct stun_msg m;

	CU_ASSERT_EQUAL_FATAL(stun_decode(v->bytes, v->len, &m), STUN_OK);
	return m;
}

static void
assert_bytes(const struct stun_bytes *b, const void *want, size_t len)
{
	CU_ASSERT_EQUAL(b->len, len);
	if (b->len == len)
		CU_ASSERT_EQUAL(memcmp(b->data, want, len), 0);
}

static void
assert_verifies(const struct vector *v, const struct stun_msg *m)
{
	uint8_t key[64];
	size_t keylen;

	CU_ASSERT_EQUAL_FATAL(vector_key(v->name, key, &keylen), 0);
	if (m->integrity >= 0)
		CU_ASSERT_EQUAL(stun_check_integrity(m, key, keylen), STUN_OK);
	if (m->integrity_sha256 >= 0)
		CU_ASSERT_EQUAL(stun_check_integrity_sha256(m, key, keylen), STUN_OK);
	if (m->fingerprint >= 0)
		CU_ASSERT_EQUAL(stun_check_fingerprint(m), STUN_OK);
	CU_ASSERT(m->integrity >= 0 || m->integrity_sha256 >= 0);
}

static void
test_every_vector_decodes_and_verifies(void)
{
	for (unsigned int i = 0; i < test_vectors.count; i++) {
		struct stun_msg m = decode_ok(&test_vectors.v[i]);

		CU_ASSERT_EQUAL(m.nunknown, 0);
		CU_ASSERT_EQUAL(memcmp(m.tid, test_vectors.v[i].bytes + 8, STUN_TID_LEN), 0);
		assert_verifies(&test_vectors.v[i], &m);
	}
}

/* RFC 5769 §2.1 */
static void
test_rfc5769_request(void)
{
	const struct vector *v = need_vector("rfc5769-2.1-request");
	struct stun_msg m = decode_ok(v);
	struct stun_bytes b;
	uint32_t fp;

	CU_ASSERT_EQUAL(m.method, STUN_METHOD_BINDING);
	CU_ASSERT_EQUAL(m.cls, STUN_CLASS_REQUEST);
	CU_ASSERT_EQUAL(memcmp(m.tid, rfc5769_tid, STUN_TID_LEN), 0);
	CU_ASSERT_EQUAL(stun_get_software(&m, &b), STUN_OK);
	assert_bytes(&b, "STUN test client", 16);
	CU_ASSERT_EQUAL(stun_get_username(&m, &b), STUN_OK);
	assert_bytes(&b, "evtj:h6vY", 9);
	CU_ASSERT_EQUAL(stun_attr_bytes(&m, stun_find(&m, STUN_ATTR_ICE_CONTROLLED, 0), &b), STUN_OK);
	assert_bytes(&b, "\x93\x2f\xf9\xb1\x51\x26\x3b\x36", 8);

	uint32_t prio;

	CU_ASSERT_EQUAL(stun_attr_u32(&m, stun_find(&m, STUN_ATTR_PRIORITY, 0), &prio), STUN_OK);
	CU_ASSERT_EQUAL(prio, 0x6e0001ff);
	CU_ASSERT_EQUAL(stun_get_fingerprint(&m, &fp), STUN_OK);
	CU_ASSERT_EQUAL(fp, 0xe57a3bcf);
	CU_ASSERT_EQUAL(m.fingerprint, (int)m.nattrs - 1);
}

/* RFC 5769 §2.2 and §2.3 */
static void
test_rfc5769_responses(void)
{
	const struct vector *v4 = need_vector("rfc5769-2.2-ipv4-response");
	const struct vector *v6 = need_vector("rfc5769-2.3-ipv6-response");
	struct stun_msg m4 = decode_ok(v4), m6 = decode_ok(v6);
	struct stun_addr a;
	struct stun_bytes b;
	uint32_t fp;
	uint8_t want6[16];

	CU_ASSERT_EQUAL(m4.cls, STUN_CLASS_SUCCESS);
	CU_ASSERT_EQUAL(m4.method, STUN_METHOD_BINDING);
	CU_ASSERT_EQUAL(stun_get_software(&m4, &b), STUN_OK);
	assert_bytes(&b, "test vector", 11);
	CU_ASSERT_EQUAL(stun_get_xor_mapped_address(&m4, &a), STUN_OK);
	CU_ASSERT_EQUAL(a.family, STUN_FAMILY_IPV4);
	CU_ASSERT_EQUAL(a.port, 32853);
	CU_ASSERT_EQUAL(memcmp(a.addr, "\xc0\x00\x02\x01", 4), 0);
	CU_ASSERT_EQUAL(stun_get_fingerprint(&m4, &fp), STUN_OK);
	CU_ASSERT_EQUAL(fp, 0xc07d4c96);

	CU_ASSERT_EQUAL(stun_get_xor_mapped_address(&m6, &a), STUN_OK);
	CU_ASSERT_EQUAL(a.family, STUN_FAMILY_IPV6);
	CU_ASSERT_EQUAL(a.port, 32853);
	inet_pton(AF_INET6, "2001:db8:1234:5678:11:2233:4455:6677", want6);
	CU_ASSERT_EQUAL(memcmp(a.addr, want6, 16), 0);
	CU_ASSERT_EQUAL(stun_get_fingerprint(&m6, &fp), STUN_OK);
	CU_ASSERT_EQUAL(fp, 0xc8fb0b4c);
}

/* RFC 5769 §2.4 */
static void
test_rfc5769_long_term(void)
{
	const struct vector *v = need_vector("rfc5769-2.4-long-term-request");
	struct stun_msg m = decode_ok(v);
	struct stun_bytes b;

	CU_ASSERT_EQUAL(stun_get_username(&m, &b), STUN_OK);
	assert_bytes(&b, LT_USER, strlen(LT_USER));
	CU_ASSERT_EQUAL(stun_get_nonce(&m, &b), STUN_OK);
	assert_bytes(&b, "f//499k954d6OL34oL9FSTvy64sA", 28);
	CU_ASSERT_EQUAL(stun_get_realm(&m, &b), STUN_OK);
	assert_bytes(&b, LT_REALM, 11);
	CU_ASSERT_EQUAL(m.fingerprint, -1);
	CU_ASSERT_EQUAL(stun_check_fingerprint(&m), STUN_FINGERPRINT_ABSENT);
}

/* RFC 8489 Appendix B.1 (Errata 6268) */
static void
test_rfc8489_sha256_userhash(void)
{
	const struct vector *v = need_vector("rfc8489-B.1-sha256-userhash-request");
	struct stun_msg m = decode_ok(v);
	struct stun_bytes b;
	struct stun_password_alg alg;
	uint8_t hash[AUTH_USERHASH_LEN];

	CU_ASSERT_EQUAL(stun_get_userhash(&m, &b), STUN_OK);
	CU_ASSERT_EQUAL_FATAL(auth_userhash((const uint8_t *)LT_USER, strlen(LT_USER),
					    (const uint8_t *)LT_REALM, strlen(LT_REALM), hash), 0);
	assert_bytes(&b, hash, sizeof(hash));
	CU_ASSERT_EQUAL(stun_get_nonce(&m, &b), STUN_OK);
	assert_bytes(&b, "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA", 41);
	CU_ASSERT_EQUAL(stun_get_password_algorithm(&m, &alg), STUN_OK);
	CU_ASSERT_EQUAL(alg.algorithm, STUN_PASSWORD_ALGORITHM_SHA256);
	CU_ASSERT_EQUAL(alg.params.len, 0);
	CU_ASSERT_EQUAL(m.integrity, -1);
	CU_ASSERT(m.integrity_sha256 >= 0);
	CU_ASSERT_EQUAL(m.attrs[m.integrity_sha256].len, 32);
}

/* The encoder, given the RFC's inputs, writes the RFC's bytes. */
static void
test_encoder_rebuilds_rfc5769_responses(void)
{
	const struct vector *v4 = need_vector("rfc5769-2.2-ipv4-response");
	const struct vector *v6 = need_vector("rfc5769-2.3-ipv6-response");
	const uint8_t *key = (const uint8_t *)SHORT_TERM_PASSWORD;
	uint8_t buf[256];
	struct stun_builder b;
	struct stun_addr a = { .family = STUN_FAMILY_IPV4, .port = 32853 };

	memcpy(a.addr, "\xc0\x00\x02\x01", 4);
	stun_builder_init(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, rfc5769_tid);
	b.pad_byte = ' ';
	stun_add_string(&b, STUN_ATTR_SOFTWARE, "test vector");
	stun_add_xor_addr(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &a);
	stun_add_message_integrity(&b, key, strlen(SHORT_TERM_PASSWORD));
	stun_add_fingerprint(&b);
	CU_ASSERT_EQUAL(stun_builder_finish(&b), v4->len);
	CU_ASSERT_EQUAL(memcmp(buf, v4->bytes, v4->len), 0);

	a.family = STUN_FAMILY_IPV6;
	inet_pton(AF_INET6, "2001:db8:1234:5678:11:2233:4455:6677", a.addr);
	stun_builder_init(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, rfc5769_tid);
	b.pad_byte = ' ';
	stun_add_string(&b, STUN_ATTR_SOFTWARE, "test vector");
	stun_add_xor_addr(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &a);
	stun_add_message_integrity(&b, key, strlen(SHORT_TERM_PASSWORD));
	stun_add_fingerprint(&b);
	CU_ASSERT_EQUAL(stun_builder_finish(&b), v6->len);
	CU_ASSERT_EQUAL(memcmp(buf, v6->bytes, v6->len), 0);
}

/*
 * Every vector rebuilt from its decoded view: attributes by value, integrity
 * and fingerprint recomputed with the documented key and padding byte.
 */
static void
test_encoder_rebuilds_every_vector(void)
{
	for (unsigned int i = 0; i < test_vectors.count; i++) {
		const struct vector *v = &test_vectors.v[i];
		struct stun_msg m = decode_ok(v);
		uint8_t key[64], buf[512];
		size_t keylen;
		struct stun_builder b;

		CU_ASSERT_EQUAL_FATAL(vector_key(v->name, key, &keylen), 0);
		stun_builder_init(&b, buf, sizeof(buf), m.method, m.cls, m.tid);
		/* The RFC 5769 short-term vectors pad with spaces, the rest with zeros. */
		b.pad_byte = strncmp(v->name, "rfc5769-2.4", 11) != 0 &&
			     strncmp(v->name, "rfc5769", 7) == 0 ? ' ' : 0;
		for (unsigned int k = 0; k < m.nattrs; k++) {
			const struct stun_attr *a = &m.attrs[k];

			if (a->type == STUN_ATTR_MESSAGE_INTEGRITY)
				stun_add_message_integrity(&b, key, keylen);
			else if (a->type == STUN_ATTR_MESSAGE_INTEGRITY_SHA256)
				stun_add_message_integrity_sha256(&b, key, keylen);
			else if (a->type == STUN_ATTR_FINGERPRINT)
				stun_add_fingerprint(&b);
			else
				stun_add_attr(&b, a->type, stun_attr_value(&m, a), a->len);
		}
		CU_ASSERT_EQUAL(stun_builder_finish(&b), v->len);
		CU_ASSERT_EQUAL(memcmp(buf, v->bytes, v->len), 0);
	}
}

int
register_stun_vector_tests(void)
{
	CU_pSuite s = CU_add_suite("stun_vectors", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "every vector decodes and verifies", test_every_vector_decodes_and_verifies) ||
	    !CU_add_test(s, "RFC 5769 2.1 request fields", test_rfc5769_request) ||
	    !CU_add_test(s, "RFC 5769 2.2/2.3 response fields", test_rfc5769_responses) ||
	    !CU_add_test(s, "RFC 5769 2.4 long-term fields", test_rfc5769_long_term) ||
	    !CU_add_test(s, "RFC 8489 B.1 SHA-256 and USERHASH", test_rfc8489_sha256_userhash) ||
	    !CU_add_test(s, "encoder rebuilds RFC 5769 responses", test_encoder_rebuilds_rfc5769_responses) ||
	    !CU_add_test(s, "encoder rebuilds every vector", test_encoder_rebuilds_every_vector))
		return -1;
	return 0;
}
