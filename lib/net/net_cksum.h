/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_NET_CKSUM_H
#define DTURN_NET_CKSUM_H

/*
 * Incremental Internet checksum updates (RFC 1624), for rewriting a field of a
 * packet without summing the whole packet again: about 20 cycles instead of
 * hundreds for a full UDP checksum. The one's complement sum does not depend on
 * byte order as long as old and new values use the same one, so callers pass
 * fields exactly as they sit in the packet.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Fold a 32-bit one's complement accumulator to 16 bits. */
static inline uint16_t
net_cksum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for one 16-bit word m -> m'. */
static inline uint16_t
net_cksum_update16(uint16_t cksum, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum = (uint16_t)~cksum;

	sum += (uint16_t)~old_word;
	sum += new_word;
	return (uint16_t)~net_cksum_fold(sum);
}

/* The same for a 32-bit field such as an IPv4 address. */
static inline uint16_t
net_cksum_update32(uint16_t cksum, uint32_t old_val, uint32_t new_val)
{
	uint32_t sum = (uint16_t)~cksum;

	sum += (uint16_t)~(old_val >> 16);
	sum += (uint16_t)~(old_val & 0xffff);
	sum += new_val >> 16;
	sum += new_val & 0xffff;
	return (uint16_t)~net_cksum_fold(sum);
}

/* The same for any even-length byte field (an IPv6 address: len 16). */
static inline uint16_t
net_cksum_update_bytes(uint16_t cksum, const void *old_bytes, const void *new_bytes, size_t len)
{
	const uint8_t *o = old_bytes, *n = new_bytes;
	uint32_t sum = (uint16_t)~cksum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		uint16_t ow, nw;

		memcpy(&ow, o + i, 2);
		memcpy(&nw, n + i, 2);
		sum += (uint16_t)~ow;
		sum += nw;
	}
	return (uint16_t)~net_cksum_fold(sum);
}

/* One's complement a + b, and a - b (RFC 1071 arithmetic on raw sums). */
static inline uint16_t
net_cksum_add(uint16_t a, uint16_t b)
{
	return net_cksum_fold((uint32_t)a + b);
}

static inline uint16_t
net_cksum_sub(uint16_t a, uint16_t b)
{
	return net_cksum_fold((uint32_t)a + (uint16_t)~b);
}

/* sum += q with the carry out of 64 bits counted in *carry (an add and an adc). */
static inline uint64_t
net_cksum_add64(uint64_t sum, uint64_t q, uint64_t *carry)
{
	*carry += __builtin_add_overflow(sum, q, &sum);
	return sum;
}

/*
 * The bulk of a sum, 32 bytes a round, into *sum and *carry; returns the
 * bytes done (a multiple of 32). On x86-64 the carries ride the carry flag
 * through an adc chain (one instruction per 8 bytes instead of an add and
 * an adc), and only each round's last carry is counted.
 */
static inline size_t
net_cksum_raw32(const uint8_t *b, size_t len, uint64_t *sum, uint64_t *carry)
{
	size_t i = 0;

	for (; i + 32 <= len; i += 32) {
		uint64_t q0, q1, q2, q3;

		memcpy(&q0, b + i, 8);
		memcpy(&q1, b + i + 8, 8);
		memcpy(&q2, b + i + 16, 8);
		memcpy(&q3, b + i + 24, 8);
#if defined(__x86_64__) && defined(__GNUC__)
		uint64_t s = *sum;

		__asm__("addq %[q0], %[s]\n\t"
			"adcq %[q1], %[s]\n\t"
			"adcq %[q2], %[s]\n\t"
			"adcq %[q3], %[s]\n\t"
			"adcq $0, %[c]"
			: [s] "+r"(s), [c] "+r"(*carry)
			: [q0] "rm"(q0), [q1] "rm"(q1), [q2] "rm"(q2), [q3] "rm"(q3)
			: "cc");
		*sum = s;
#else
		*sum = net_cksum_add64(*sum, q0, carry);
		*sum = net_cksum_add64(*sum, q1, carry);
		*sum = net_cksum_add64(*sum, q2, carry);
		*sum = net_cksum_add64(*sum, q3, carry);
#endif
	}
	return i;
}

/*
 * Raw sum of len bytes, the value rte_raw_cksum gives, 8 bytes per add where
 * rte_raw_cksum takes 2: one's complement addition is associative over any
 * word size (RFC 1071 §2(B)), since 2^16, 2^32 and 2^64 are all 1 modulo
 * 0xffff, so a carry out of 64 bits counts as 1 and is added back at the
 * end. A trailing odd byte counts as the first byte of a zero-padded word,
 * as in rte_raw_cksum.
 */
static inline uint16_t
net_cksum_raw(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t sum = 0, carry = 0;
	/* Four words a round: the loop's own compare and branch cost as much as an add. */
	size_t i = net_cksum_raw32(b, len, &sum, &carry);

	for (; i + 8 <= len; i += 8) {
		uint64_t q;

		memcpy(&q, b + i, 8);
		sum = net_cksum_add64(sum, q, &carry);
	}
	if (i + 4 <= len) {
		uint32_t w;

		memcpy(&w, b + i, 4);
		sum = net_cksum_add64(sum, w, &carry);
		i += 4;
	}
	if (i + 2 <= len) {
		uint16_t w;

		memcpy(&w, b + i, 2);
		sum = net_cksum_add64(sum, w, &carry);
		i += 2;
	}
	if (i < len) {
		uint16_t w = 0;

		memcpy(&w, b + i, 1);
		sum = net_cksum_add64(sum, w, &carry);
	}
	uint64_t again = 0;

	sum = net_cksum_add64(sum, carry, &again);
	sum += again; /* if it wrapped, sum is now below carry: no further carry */
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return net_cksum_fold((uint32_t)sum);
}

/*
 * Raw sum of len bytes as they count inside a larger region when they start at
 * offset from its beginning: bytes at an odd offset land in the other half of
 * each 16-bit word, which is the same as swapping the bytes of their own sum.
 */
static inline uint16_t
net_cksum_at(const void *p, size_t len, size_t offset)
{
	uint16_t s = net_cksum_raw(p, len);

	return (offset & 1) ? (uint16_t)((s << 8) | (s >> 8)) : s;
}

/*
 * Raw sum of n 32-bit words (4n bytes) for a fixed-size header: with n a
 * constant the loop unrolls into n loads and adds, and a 64-bit accumulator
 * cannot overflow, so no carries to keep.
 */
static inline uint16_t
net_cksum_words32(const void *p, unsigned int n)
{
	const uint8_t *b = p;
	uint64_t sum = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t w;

		memcpy(&w, b + 4 * i, 4);
		sum += w;
	}
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return net_cksum_fold((uint32_t)sum);
}

/*
 * Building headers: their checksums from the field values (in registers, as
 * they sit in the packet, i.e. network order), never by reading back the
 * header just stored: a wide load over narrow stores that have not retired
 * cannot be forwarded from them and stalls (perf showed 40% of the header
 * build on one such load).
 */

/* The sum of a 4-byte field's two 16-bit words (an IPv4 address). */
static inline uint32_t
net_cksum_val32(uint32_t v)
{
	return (v & 0xffff) + (v >> 16);
}

/*
 * The header checksum of a 20-byte IPv4 header, ready to store: fixed_sum
 * is the raw sum of its other fields (version, TOS, id, fragment, TTL,
 * protocol), addr_sum the sum of both addresses' words.
 */
static inline uint16_t
net_cksum_ipv4_hdr_from(uint16_t fixed_sum, uint16_t total_length, uint32_t addr_sum)
{
	return (uint16_t)~net_cksum_fold((uint32_t)fixed_sum + total_length + addr_sum);
}

/*
 * A UDP checksum, ready to store, from the raw sum of the source and
 * destination addresses (addr_sum: 4 words for IPv4, 16 for IPv6), the
 * ports, the UDP length and the payload's raw sum. The pseudo-header (RFC
 * 768; RFC 8200 §8.1 has the same words for a length below 65536) adds the
 * protocol and the length once more.
 */
static inline uint16_t
net_cksum_udp_from(uint32_t addr_sum, uint16_t src_port, uint16_t dst_port, uint16_t dgram_len,
		   uint16_t payload_sum)
{
	static const uint8_t proto[2] = { 0, 17 }; /* the pseudo-header's zero byte and UDP */
	uint16_t proto_w;
	uint32_t s;

	memcpy(&proto_w, proto, 2);
	s = addr_sum + proto_w + 2u * dgram_len + src_port + dst_port + payload_sum;
	s = (uint16_t)~net_cksum_fold(s);
	return s == 0 ? 0xffff : (uint16_t)s; /* RFC 768: 0 would mean "no checksum" */
}

/*
 * A UDP checksum that computes to 0 is sent as 0xffff (RFC 768): 0 means "no
 * checksum". Apply after an incremental update of a UDP checksum.
 */
static inline uint16_t
net_cksum_udp_nonzero(uint16_t cksum)
{
	return cksum == 0 ? 0xffff : cksum;
}

#endif
