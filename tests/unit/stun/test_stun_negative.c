/* SPDX-License-Identifier: BSD-3-Clause */
/* Every malformed datagram is rejected with its own reason, never read past its length. */
#include <stdlib.h>
#include <string.h>

#include "test_stun_common.h"

static const uint8_t tid[STUN_TID_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

/* The prefix is copied to an exact-size heap block so ASan catches any over-read. */
static enum stun_result
decode_copy(const uint8_t *buf, size_t len, struct stun_msg *m)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	enum stun_result r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	if (len > 0)
		memcpy(copy, buf, len);
	r = stun_decode(copy, len, m);
	free(copy);
	return r;
}

static void
test_every_prefix_rejected(void)
{
	for (unsigned int i = 0; i < test_vectors.count; i++) {
		const struct vector *v = &test_vectors.v[i];

		for (size_t n = 0; n < v->len; n++) {
			struct stun_msg m;
			enum stun_result r = decode_copy(v->bytes, n, &m);

			CU_ASSERT_NOT_EQUAL(r, STUN_OK);
			CU_ASSERT(n >= STUN_HEADER_LEN ? r == STUN_LENGTH_SHORT : r == STUN_TRUNCATED_HEADER);
			CU_ASSERT_FALSE(stun_is_message(v->bytes, n));
		}
	}
}

/* A flip anywhere MESSAGE-INTEGRITY covers (header, values, padding, the MAC) is caught. */
static void
test_every_flip_fails_integrity(void)
{
	for (unsigned int i = 0; i < test_vectors.count; i++) {
		const struct vector *v = &test_vectors.v[i];
		struct stun_msg m;
		uint8_t key[64], buf[VECTOR_BYTES_MAX];
		size_t keylen;

		CU_ASSERT_EQUAL_FATAL(vector_key(v->name, key, &keylen), 0);
		CU_ASSERT_EQUAL_FATAL(stun_decode(v->bytes, v->len, &m), STUN_OK);

		int idx = m.integrity >= 0 ? m.integrity : m.integrity_sha256;
		size_t end = m.attrs[idx].offset + m.attrs[idx].len;

		for (size_t pos = 0; pos < end; pos++) {
			for (int mask = 0x01; mask <= 0x80; mask <<= 7) {
				struct stun_msg fm;
				enum stun_result r;

				memcpy(buf, v->bytes, v->len);
				buf[pos] ^= (uint8_t)mask;
				r = stun_decode(buf, v->len, &fm);
				if (r != STUN_OK)
					continue; /* rejected before integrity: also fine */
				if (idx == m.integrity)
					r = stun_check_integrity(&fm, key, keylen);
				else
					r = stun_check_integrity_sha256(&fm, key, keylen);
				CU_ASSERT_NOT_EQUAL(r, STUN_OK);
			}
		}
	}
}

static void
test_fingerprint_flip(void)
{
	for (unsigned int i = 0; i < test_vectors.count; i++) {
		const struct vector *v = &test_vectors.v[i];
		uint8_t buf[VECTOR_BYTES_MAX];
		struct stun_msg m;

		CU_ASSERT_EQUAL_FATAL(stun_decode(v->bytes, v->len, &m), STUN_OK);
		if (m.fingerprint < 0)
			continue;
		for (size_t pos = m.attrs[m.fingerprint].offset; pos < v->len; pos++) {
			memcpy(buf, v->bytes, v->len);
			buf[pos] ^= 0x01;
			CU_ASSERT_EQUAL_FATAL(stun_decode(buf, v->len, &m), STUN_OK);
			CU_ASSERT_EQUAL(stun_check_fingerprint(&m), STUN_FINGERPRINT_MISMATCH);
		}
	}
}

static void
test_trailing_bytes(void)
{
	for (unsigned int i = 0; i < test_vectors.count; i++) {
		const struct vector *v = &test_vectors.v[i];
		uint8_t buf[VECTOR_BYTES_MAX + 8] = { 0 };
		struct stun_msg m;

		memcpy(buf, v->bytes, v->len);
		for (size_t extra = 1; extra <= 8; extra++)
			CU_ASSERT_EQUAL(decode_copy(buf, v->len + extra, &m), STUN_TRAILING_BYTES);
	}
}

static void
test_length_field_off_by_four(void)
{
	for (unsigned int i = 0; i < test_vectors.count; i++) {
		const struct vector *v = &test_vectors.v[i];
		uint8_t buf[VECTOR_BYTES_MAX];
		struct stun_msg m;
		uint16_t mlen = (uint16_t)(v->len - STUN_HEADER_LEN);

		memcpy(buf, v->bytes, v->len);
		buf[2] = (uint8_t)((mlen + 4) >> 8);
		buf[3] = (uint8_t)(mlen + 4);
		CU_ASSERT_EQUAL(decode_copy(buf, v->len, &m), STUN_LENGTH_SHORT);
		buf[2] = (uint8_t)((mlen - 4) >> 8);
		buf[3] = (uint8_t)(mlen - 4);
		CU_ASSERT_EQUAL(decode_copy(buf, v->len, &m), STUN_TRAILING_BYTES);
		buf[2] = (uint8_t)((mlen + 2) >> 8);
		buf[3] = (uint8_t)(mlen + 2);
		CU_ASSERT_EQUAL(decode_copy(buf, v->len, &m), STUN_LENGTH_NOT_ALIGNED);
	}
}

static void
test_header_rules(void)
{
	const struct vector *v = need_vector("rfc5769-2.1-request");
	uint8_t buf[VECTOR_BYTES_MAX];
	struct stun_msg m;

	memcpy(buf, v->bytes, v->len);
	buf[4] ^= 0x01;
	CU_ASSERT_EQUAL(decode_copy(buf, v->len, &m), STUN_BAD_COOKIE);
	memcpy(buf, v->bytes, v->len);
	buf[0] |= 0x80;
	CU_ASSERT_EQUAL(decode_copy(buf, v->len, &m), STUN_NOT_STUN);
	buf[0] = 0x40;
	CU_ASSERT_EQUAL(decode_copy(buf, v->len, &m), STUN_NOT_STUN);
	CU_ASSERT_EQUAL(stun_decode(NULL, 20, &m), STUN_TRUNCATED_HEADER);
}

/* Hand-made messages: header + raw attribute bytes. */
static size_t
make_msg(uint8_t *buf, const uint8_t *attrs, size_t alen)
{
	buf[0] = 0x00;
	buf[1] = 0x01;
	buf[2] = (uint8_t)(alen >> 8);
	buf[3] = (uint8_t)alen;
	buf[4] = 0x21;
	buf[5] = 0x12;
	buf[6] = 0xa4;
	buf[7] = 0x42;
	memcpy(buf + 8, tid, STUN_TID_LEN);
	memcpy(buf + STUN_HEADER_LEN, attrs, alen);
	return STUN_HEADER_LEN + alen;
}

static void
test_attribute_framing(void)
{
	uint8_t buf[256];
	struct stun_msg m;
	/* SOFTWARE claiming 100 bytes in an 8-byte body */
	static const uint8_t overrun[] = { 0x80, 0x22, 0x00, 0x64, 'a', 'b', 'c', 'd' };
	/* length 5 needs 8 bytes of value+padding, only 4 are there */
	static const uint8_t pad_overrun[] = { 0x80, 0x22, 0x00, 0x05, 'a', 'b', 'c', 'd' };
	/* attribute header cut: 4 bytes of one attribute then 4 of a header... aligned body of 8
	 * with a zero-length attribute then a full header claiming 4 bytes */
	static const uint8_t hdr_overrun[] = { 0x80, 0x22, 0x00, 0x00, 0x80, 0x22, 0x00, 0x04 };
	static const uint8_t fp_not_last[] = { 0x80, 0x28, 0x00, 0x04, 0, 0, 0, 0,
					       0x80, 0x22, 0x00, 0x00 };
	static const uint8_t fp_length[] = { 0x80, 0x28, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t mi_length[] = { 0x00, 0x08, 0x00, 0x04, 0, 0, 0, 0 };
	static const uint8_t mi256_length[] = { 0x00, 0x1c, 0x00, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0,
						0, 0, 0, 0 };

	CU_ASSERT_EQUAL(decode_copy(buf, make_msg(buf, overrun, sizeof(overrun)), &m), STUN_ATTR_OVERRUN);
	CU_ASSERT_EQUAL(decode_copy(buf, make_msg(buf, pad_overrun, sizeof(pad_overrun)), &m),
			STUN_ATTR_OVERRUN);
	CU_ASSERT_EQUAL(decode_copy(buf, make_msg(buf, hdr_overrun, sizeof(hdr_overrun)), &m),
			STUN_ATTR_OVERRUN);
	CU_ASSERT_EQUAL(decode_copy(buf, make_msg(buf, fp_not_last, sizeof(fp_not_last)), &m),
			STUN_FINGERPRINT_NOT_LAST);
	CU_ASSERT_EQUAL(decode_copy(buf, make_msg(buf, fp_length, sizeof(fp_length)), &m),
			STUN_FINGERPRINT_LENGTH);
	CU_ASSERT_EQUAL(decode_copy(buf, make_msg(buf, mi_length, sizeof(mi_length)), &m),
			STUN_INTEGRITY_LENGTH);
	CU_ASSERT_EQUAL(decode_copy(buf, make_msg(buf, mi256_length, sizeof(mi256_length)), &m),
			STUN_INTEGRITY_LENGTH);
}

static void
test_too_many_attributes(void)
{
	uint8_t attrs[4 * (STUN_MAX_ATTRS + 1)], buf[STUN_HEADER_LEN + sizeof(attrs)];
	struct stun_msg m;

	for (unsigned int i = 0; i <= STUN_MAX_ATTRS; i++) {
		attrs[4 * i] = 0x80;
		attrs[4 * i + 1] = 0x22;
		attrs[4 * i + 2] = 0;
		attrs[4 * i + 3] = 0;
	}
	CU_ASSERT_EQUAL(decode_copy(buf, make_msg(buf, attrs, 4 * STUN_MAX_ATTRS), &m), STUN_OK);
	CU_ASSERT_EQUAL(m.nattrs, STUN_MAX_ATTRS);
	CU_ASSERT_EQUAL(decode_copy(buf, make_msg(buf, attrs, sizeof(attrs)), &m), STUN_TOO_MANY_ATTRS);
}

/* RFC 8489 §14.5/§14.6: what follows the integrity attributes is never acted on. */
static void
test_attributes_after_integrity_ignored(void)
{
	uint8_t buf[256];
	struct stun_builder b;
	struct stun_msg m;
	const uint8_t key[] = "k";

	stun_builder_init(&b, buf, sizeof(buf), STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST, tid);
	stun_add_string(&b, STUN_ATTR_USERNAME, "alice");
	stun_add_message_integrity(&b, key, 1);
	stun_add_string(&b, STUN_ATTR_REALM, "evil");          /* ignored */
	stun_add_u32(&b, STUN_ATTR_LIFETIME, 1);                /* ignored */
	stun_add_attr(&b, 0x7ffe, "x", 1);                      /* ignored, not even unknown */
	stun_add_message_integrity_sha256(&b, key, 1);          /* allowed after MI */
	stun_add_message_integrity(&b, key, 1);                 /* ignored after MI-SHA256 */
	stun_add_fingerprint(&b);
	CU_ASSERT_EQUAL_FATAL(stun_decode(buf, stun_builder_finish(&b), &m), STUN_OK);
	CU_ASSERT_EQUAL(stun_find(&m, STUN_ATTR_REALM, 0), -1);
	CU_ASSERT_EQUAL(stun_find(&m, STUN_ATTR_LIFETIME, 0), -1);
	CU_ASSERT_EQUAL(stun_find(&m, STUN_ATTR_MESSAGE_INTEGRITY, 1), -1);
	CU_ASSERT_EQUAL(m.nunknown, 0);
	CU_ASSERT_EQUAL(m.nattrs, 4);
	CU_ASSERT(m.integrity == 1 && m.integrity_sha256 == 2 && m.fingerprint == 3);
	CU_ASSERT_EQUAL(stun_check_integrity(&m, key, 1), STUN_OK);
	CU_ASSERT_EQUAL(stun_check_integrity_sha256(&m, key, 1), STUN_OK);
	CU_ASSERT_EQUAL(stun_check_fingerprint(&m), STUN_OK);
	CU_ASSERT_EQUAL(stun_check_integrity(&m, (const uint8_t *)"x", 1), STUN_INTEGRITY_MISMATCH);
}

static void
test_unknown_comprehension_required_listed(void)
{
	static const uint8_t attrs[] = { 0x7f, 0x00, 0x00, 0x00,  /* unknown, required */
					 0xc0, 0x00, 0x00, 0x00,  /* unknown, optional */
					 0x00, 0x2a, 0x00, 0x00 }; /* unknown, required */
	uint8_t buf[64];
	struct stun_msg m;

	CU_ASSERT_EQUAL_FATAL(decode_copy(buf, make_msg(buf, attrs, sizeof(attrs)), &m), STUN_OK);
	CU_ASSERT_EQUAL(m.nunknown, 2);
	CU_ASSERT_EQUAL(m.unknown[0], 0x7f00);
	CU_ASSERT_EQUAL(m.unknown[1], 0x002a);
}

/* RFC 8656 §12 */
static void
test_channel_data(void)
{
	struct stun_channel_data cd;
	uint8_t buf[16] = { 0x40, 0x00, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o', 0, 0, 0 };

	CU_ASSERT_EQUAL(stun_channel_decode(buf, 9, &cd), STUN_OK);
	CU_ASSERT(cd.channel == 0x4000 && cd.len == 5 && cd.data == buf + 4);
	CU_ASSERT_EQUAL(stun_channel_decode(buf, 12, &cd), STUN_OK); /* padded to 4 */
	CU_ASSERT_EQUAL(stun_channel_decode(buf, 13, &cd), STUN_CHANNEL_LENGTH);
	CU_ASSERT_EQUAL(stun_channel_decode(buf, 8, &cd), STUN_CHANNEL_LENGTH);
	CU_ASSERT_EQUAL(stun_channel_decode(buf, 3, &cd), STUN_CHANNEL_TRUNCATED);
	CU_ASSERT_EQUAL(stun_channel_decode(NULL, 0, &cd), STUN_CHANNEL_TRUNCATED);
	buf[0] = 0x3f;
	buf[1] = 0xff;
	CU_ASSERT_EQUAL(stun_channel_decode(buf, 9, &cd), STUN_CHANNEL_NUMBER);
	buf[0] = 0x50;
	buf[1] = 0x00;
	CU_ASSERT_EQUAL(stun_channel_decode(buf, 9, &cd), STUN_CHANNEL_NUMBER);
	buf[0] = 0x4f;
	buf[1] = 0xff;
	buf[2] = 0xff;
	buf[3] = 0xff;
	CU_ASSERT_EQUAL(stun_channel_decode(buf, 9, &cd), STUN_CHANNEL_LENGTH);

	uint8_t hdr[4];

	stun_channel_header(hdr, 0x4abc, 1200);
	CU_ASSERT(hdr[0] == 0x4a && hdr[1] == 0xbc && hdr[2] == 0x04 && hdr[3] == 0xb0);
}

/* RFC 7983 §7 */
static void
test_demux(void)
{
	for (unsigned int c = 0; c < 256; c++) {
		uint8_t b = (uint8_t)c;
		enum stun_demux want = c <= 3 ? STUN_DEMUX_STUN :
				       (c >= 64 && c <= 79) ? STUN_DEMUX_CHANNEL : STUN_DEMUX_OTHER;

		CU_ASSERT_EQUAL(stun_demux(&b, 1), want);
	}
	CU_ASSERT_EQUAL(stun_demux(NULL, 0), STUN_DEMUX_OTHER);
}

static void
test_builder_no_space(void)
{
	uint8_t buf[32];
	struct stun_builder b;

	stun_builder_init(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, tid);
	CU_ASSERT_EQUAL(stun_add_u32(&b, STUN_ATTR_LIFETIME, 1), STUN_OK);
	CU_ASSERT_EQUAL(stun_add_string(&b, STUN_ATTR_SOFTWARE, "too long for this"), STUN_NO_SPACE);
	/* Sticky: a later attribute that would fit is refused too. */
	CU_ASSERT_EQUAL(stun_add_u32(&b, STUN_ATTR_LIFETIME, 1), STUN_NO_SPACE);
	CU_ASSERT_EQUAL(stun_add_fingerprint(&b), STUN_NO_SPACE);
	CU_ASSERT_EQUAL(stun_builder_finish(&b), 0);
	stun_builder_init(&b, buf, 10, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, tid);
	CU_ASSERT_EQUAL(b.err, STUN_NO_SPACE);
	CU_ASSERT_EQUAL(stun_builder_finish(&b), 0);
}

static void
test_type_bits(void)
{
	static const uint16_t methods[] = { 0x001, 0x003, 0x004, 0x006, 0x007, 0x008, 0x009, 0xfff };

	for (unsigned int i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		for (uint8_t cls = 0; cls < 4; cls++) {
			uint16_t t = stun_type_make(methods[i], cls);

			CU_ASSERT_EQUAL(stun_type_method(t), methods[i]);
			CU_ASSERT_EQUAL(stun_type_class(t), cls);
			CU_ASSERT_EQUAL(t & 0xC000, 0);
		}
	CU_ASSERT_EQUAL(stun_type_make(STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST), 0x0003);
	CU_ASSERT_EQUAL(stun_type_make(STUN_METHOD_ALLOCATE, STUN_CLASS_SUCCESS), 0x0103);
	CU_ASSERT_EQUAL(stun_type_make(STUN_METHOD_ALLOCATE, STUN_CLASS_ERROR), 0x0113);
	CU_ASSERT_EQUAL(stun_type_make(STUN_METHOD_SEND, STUN_CLASS_INDICATION), 0x0016);
	CU_ASSERT_EQUAL(stun_type_make(STUN_METHOD_DATA, STUN_CLASS_INDICATION), 0x0017);
	CU_ASSERT_EQUAL(stun_type_make(STUN_METHOD_BINDING, STUN_CLASS_SUCCESS), 0x0101);
}

static void
test_result_names(void)
{
	for (int r = 0; r < STUN_RESULT_MAX; r++) {
		CU_ASSERT_PTR_NOT_NULL(stun_result_str((enum stun_result)r));
		CU_ASSERT_PTR_NOT_NULL(stun_result_name((enum stun_result)r));
	}
	CU_ASSERT_STRING_EQUAL(stun_result_name(STUN_BAD_COOKIE), "BAD_COOKIE");
	CU_ASSERT_STRING_EQUAL(stun_error_reason(438), "Stale Nonce");
	CU_ASSERT_STRING_EQUAL(stun_attr_name(STUN_ATTR_XOR_PEER_ADDRESS), "XOR-PEER-ADDRESS");
	CU_ASSERT_PTR_NULL(stun_attr_name(0x7f00));
}

/* RFC 8489 §12: what stun-client's `stun` really sends (captured here). */
static void
test_classic_rfc3489(void)
{
	static const uint8_t req[] = {
		0x00, 0x01, 0x00, 0x08, 0x01, 0xd8, 0xae, 0x4d, 0x74, 0x59, 0x6a, 0x0b, 0x0a, 0xdd,
		0x91, 0x13, 0x68, 0x45, 0xa8, 0x37, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	};
	struct stun_msg m;
	struct stun_builder b;
	uint8_t buf[64];
	struct stun_addr a = { .family = STUN_FAMILY_IPV4, .port = 40000 }, got;

	CU_ASSERT_EQUAL(stun_decode(req, sizeof(req), &m), STUN_BAD_COOKIE);
	CU_ASSERT_EQUAL_FATAL(stun_decode_classic(req, sizeof(req), &m), STUN_OK);
	CU_ASSERT(m.classic && m.method == STUN_METHOD_BINDING && m.cls == STUN_CLASS_REQUEST);
	CU_ASSERT_EQUAL(m.tid, req + 4);
	CU_ASSERT_EQUAL(stun_find(&m, STUN_ATTR_CHANGE_REQUEST, 0), 0);
	CU_ASSERT_EQUAL(m.nunknown, 0);
	CU_ASSERT_EQUAL(stun_decode_classic(req, sizeof(req) - 1, &m), STUN_LENGTH_SHORT);

	const struct vector *v = need_vector("rfc5769-2.1-request");

	CU_ASSERT_EQUAL(stun_decode_classic(v->bytes, v->len, &m), STUN_NOT_CLASSIC);

	memcpy(a.addr, "\xc6\x12\x00\x02", 4);
	stun_builder_init_classic(&b, buf, sizeof(buf), STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, req + 4);
	stun_add_addr(&b, STUN_ATTR_MAPPED_ADDRESS, &a);
	CU_ASSERT_EQUAL_FATAL(stun_builder_finish(&b), 32);
	CU_ASSERT_EQUAL(memcmp(buf + 4, req + 4, 16), 0);
	CU_ASSERT_EQUAL_FATAL(stun_decode_classic(buf, 32, &m), STUN_OK);
	CU_ASSERT(stun_get_mapped_address(&m, &got) == STUN_OK && got.port == 40000);
}

int
register_stun_negative_tests(void)
{
	CU_pSuite s = CU_add_suite("stun_negative", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "every prefix of every vector rejected", test_every_prefix_rejected) ||
	    !CU_add_test(s, "every flip in the protected range fails integrity", test_every_flip_fails_integrity) ||
	    !CU_add_test(s, "fingerprint flips detected", test_fingerprint_flip) ||
	    !CU_add_test(s, "trailing bytes rejected", test_trailing_bytes) ||
	    !CU_add_test(s, "length field +-4 and +2 rejected", test_length_field_off_by_four) ||
	    !CU_add_test(s, "cookie and leading bits", test_header_rules) ||
	    !CU_add_test(s, "attribute framing errors", test_attribute_framing) ||
	    !CU_add_test(s, "too many attributes", test_too_many_attributes) ||
	    !CU_add_test(s, "attributes after integrity ignored", test_attributes_after_integrity_ignored) ||
	    !CU_add_test(s, "unknown comprehension-required listed", test_unknown_comprehension_required_listed) ||
	    !CU_add_test(s, "ChannelData framing", test_channel_data) ||
	    !CU_add_test(s, "RFC 7983 demultiplexing", test_demux) ||
	    !CU_add_test(s, "builder runs out of space", test_builder_no_space) ||
	    !CU_add_test(s, "message type bits", test_type_bits) ||
	    !CU_add_test(s, "result and attribute names", test_result_names) ||
	    !CU_add_test(s, "RFC 3489 classic Binding", test_classic_rfc3489))
		return -1;
	return 0;
}
