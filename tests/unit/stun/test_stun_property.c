/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The property dturn exists for: no input changes how the next one is read.
 * Random and mutated datagrams are interleaved with the valid vectors, and
 * every valid vector must decode to the same view, and verify, every time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_stun_common.h"

#define ROUNDS 200000

/* xorshift64*: deterministic, so a failure reproduces from the printed seed. */
static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* A view's content without the pointers into the buffer. */
static int
same_view(const struct stun_msg *a, const struct stun_msg *b)
{
	return a->len == b->len && a->type == b->type && a->method == b->method &&
	       a->cls == b->cls && memcmp(a->tid, b->tid, STUN_TID_LEN) == 0 &&
	       a->nattrs == b->nattrs &&
	       memcmp(a->attrs, b->attrs, a->nattrs * sizeof(a->attrs[0])) == 0 &&
	       a->integrity == b->integrity && a->integrity_sha256 == b->integrity_sha256 &&
	       a->fingerprint == b->fingerprint && a->nunknown == b->nunknown &&
	       memcmp(a->unknown, b->unknown, a->nunknown * sizeof(a->unknown[0])) == 0;
}

static size_t
mutate(uint64_t *seed, uint8_t *buf, size_t len, size_t cap)
{
	unsigned int n = 1 + next_rand(seed) % 8;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t r = next_rand(seed);
		size_t pos = len > 0 ? (r >> 8) % len : 0;

		switch (r % 6) {
		case 0: /* flip a bit */
			if (len > 0)
				buf[pos] ^= (uint8_t)(1u << ((r >> 40) % 8));
			break;
		case 1: /* set a byte */
			if (len > 0)
				buf[pos] = (uint8_t)(r >> 48);
			break;
		case 2: /* truncate */
			len = pos;
			break;
		case 3: /* grow with random bytes */
			while (len < cap && (next_rand(seed) & 7) != 0)
				buf[len++] = (uint8_t)next_rand(seed);
			break;
		case 4: /* rewrite the message length field to agree with the datagram */
			if (len >= 4) {
				buf[2] = (uint8_t)((len - STUN_HEADER_LEN) >> 8);
				buf[3] = (uint8_t)(len - STUN_HEADER_LEN);
			}
			break;
		default: /* rewrite an attribute length somewhere */
			if (len >= STUN_HEADER_LEN + 4) {
				size_t p = STUN_HEADER_LEN + (((r >> 8) % (len - STUN_HEADER_LEN)) & ~(size_t)3);

				if (p + 3 < len) {
					buf[p + 2] = (uint8_t)(r >> 32);
					buf[p + 3] = (uint8_t)(r >> 40);
				}
			}
			break;
		}
	}
	return len;
}

static void
test_garbage_never_poisons_the_next_packet(void)
{
	struct stun_msg ref[VECTORS_MAX];
	uint8_t key[VECTORS_MAX][64];
	size_t keylen[VECTORS_MAX];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned long decoded_garbage = 0, checked = 0, failures = 0;

	for (unsigned int i = 0; i < test_vectors.count; i++) {
		CU_ASSERT_EQUAL_FATAL(stun_decode(test_vectors.v[i].bytes, test_vectors.v[i].len, &ref[i]), STUN_OK);
		CU_ASSERT_EQUAL_FATAL(vector_key(test_vectors.v[i].name, key[i], &keylen[i]), 0);
	}

	for (unsigned long round = 0; round < ROUNDS; round++) {
		uint8_t buf[1600];
		size_t len;
		struct stun_msg m;
		struct stun_channel_data cd;
		uint64_t r = next_rand(&seed);

		if (r % 3 == 0) { /* pure noise, sometimes with a STUN-looking header */
			len = next_rand(&seed) % sizeof(buf);
			for (size_t k = 0; k < len; k++)
				buf[k] = (uint8_t)next_rand(&seed);
			if (len >= 8 && (r & 8)) {
				buf[0] &= 0x3f;
				memcpy(buf + 4, "\x21\x12\xa4\x42", 4);
				buf[2] = (uint8_t)((len - STUN_HEADER_LEN) >> 8);
				buf[3] = (uint8_t)(len - STUN_HEADER_LEN);
			}
		} else { /* a mutated vector */
			const struct vector *v = &test_vectors.v[(r >> 8) % test_vectors.count];

			memcpy(buf, v->bytes, v->len);
			len = mutate(&seed, buf, v->len, sizeof(buf));
		}
		if (stun_decode(buf, len, &m) == STUN_OK) {
			decoded_garbage++;
			/* Whatever decodes stays inside the datagram. */
			for (unsigned int k = 0; k < m.nattrs; k++)
				if (m.attrs[k].offset + m.attrs[k].len > len)
					failures++;
			(void)stun_check_fingerprint(&m);
			(void)stun_check_integrity(&m, key[0], keylen[0]);
		}
		(void)stun_channel_decode(buf, len, &cd);

		/* Then a valid vector, which must read exactly as it always does. */
		unsigned int vi = (unsigned int)(next_rand(&seed) % test_vectors.count);
		const struct vector *v = &test_vectors.v[vi];

		if (stun_decode(v->bytes, v->len, &m) != STUN_OK || !same_view(&m, &ref[vi]))
			failures++;
		/* Integrity is the expensive check: sample it. */
		if (round % 64 == 0) {
			enum stun_result ri = m.integrity >= 0 ? stun_check_integrity(&m, key[vi], keylen[vi])
							      : stun_check_integrity_sha256(&m, key[vi], keylen[vi]);
			if (ri != STUN_OK || (m.fingerprint >= 0 && stun_check_fingerprint(&m) != STUN_OK))
				failures++;
		}
		checked++;
	}
	printf("\n    %lu valid decodes checked after %d garbage datagrams (%lu of them framed as STUN), "
	       "%lu failures\n", checked, ROUNDS, decoded_garbage, failures);
	CU_ASSERT_EQUAL(failures, 0);
	CU_ASSERT_EQUAL(checked, ROUNDS);
}

int
register_stun_property_tests(void)
{
	CU_pSuite s = CU_add_suite("stun_property", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "200k garbage datagrams never poison a valid one",
				      test_garbage_never_poisons_the_next_packet))
		return -1;
	return 0;
}
