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

/*
 * Raw sum of len bytes as they count inside a larger region when they start at
 * offset from its beginning: bytes at an odd offset land in the other half of
 * each 16-bit word, which is the same as swapping the bytes of their own sum.
 */
static inline uint16_t
net_cksum_at(const void *p, size_t len, size_t offset)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		uint16_t w;

		memcpy(&w, b + i, 2);
		sum += w;
	}
	if (i < len) {
		uint16_t w = 0;

		memcpy(&w, b + i, 1);
		sum += w;
	}

	uint16_t s = net_cksum_fold(sum);

	return (offset & 1) ? (uint16_t)((s << 8) | (s >> 8)) : s;
}

/*
 * Raw sum of n 32-bit words (4n bytes), as rte_raw_cksum would give it: one's
 * complement addition is associative over any word size (RFC 1071 §2(B)), so
 * a fixed-size header is summed in a few 32-bit loads without a loop when n
 * is a constant, where rte_raw_cksum walks 16-bit words with alignment checks.
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
 * The header checksum of a 20-byte IPv4 header (no options) whose
 * hdr_checksum field is still 0, ready to store.
 */
static inline uint16_t
net_cksum_ipv4_hdr(const void *ip)
{
	return (uint16_t)~net_cksum_words32(ip, 5);
}

/*
 * A UDP checksum, ready to store, from its parts: addr_sum is the raw sum of
 * the source and destination addresses (net_cksum_words32 over 2 words for
 * IPv4, 8 for IPv6, in the packet), udp the 8-byte header with dgram_len
 * filled and dgram_cksum 0, payload_sum the payload's raw sum. The rest of
 * the pseudo-header (RFC 768; RFC 8200 §8.1 has the same words for a length
 * below 65536) is the protocol number and the UDP length again.
 */
static inline uint16_t
net_cksum_udp_from_parts(uint16_t addr_sum, const void *udp, uint16_t payload_sum)
{
	static const uint8_t proto[2] = { 0, 17 }; /* the pseudo-header's zero byte and UDP */
	uint16_t len_be, proto_w;
	uint32_t s;

	memcpy(&len_be, (const uint8_t *)udp + 4, 2);
	memcpy(&proto_w, proto, 2);
	s = (uint32_t)addr_sum + proto_w + len_be + net_cksum_words32(udp, 2) + payload_sum;
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
