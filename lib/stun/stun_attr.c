/* SPDX-License-Identifier: BSD-3-Clause */
/* Typed reads of attribute values (RFC 8489 §14, RFC 8656 §18). */
#include <string.h>

#include "stun.h"
#include "stun_wire.h"

/* Byte limits from the RFC texts ("fewer than 509 bytes", "at most 763 bytes"). */
#define USERNAME_MAX 508
#define TEXT_MAX 763
#define ALTERNATE_DOMAIN_MAX 255
#define USERHASH_LEN 32

static const struct stun_attr *
attr_at(const struct stun_msg *msg, int idx)
{
	if (idx < 0 || idx >= (int)msg->nattrs)
		return NULL;
	return &msg->attrs[idx];
}

/* §14.1 */
enum stun_result
stun_attr_addr(const struct stun_msg *msg, int idx, struct stun_addr *out)
{
	const struct stun_attr *a = attr_at(msg, idx);

	if (a == NULL)
		return STUN_ATTR_ABSENT;
	if (a->len < 4)
		return STUN_ATTR_LENGTH;

	const uint8_t *v = stun_attr_value(msg, a);
	uint8_t family = v[1];

	if (family == STUN_FAMILY_IPV4) {
		if (a->len != 8)
			return STUN_ATTR_LENGTH;
		memset(out->addr, 0, sizeof(out->addr));
		memcpy(out->addr, v + 4, 4);
	} else if (family == STUN_FAMILY_IPV6) {
		if (a->len != 20)
			return STUN_ATTR_LENGTH;
		memcpy(out->addr, v + 4, 16);
	} else {
		return STUN_ADDR_FAMILY;
	}
	out->family = family;
	out->port = stun_rd16(v + 2);
	return STUN_OK;
}

/* §14.2: port XOR the cookie's top half, address XOR cookie (and transaction id for IPv6). */
enum stun_result
stun_attr_xor_addr(const struct stun_msg *msg, int idx, struct stun_addr *out)
{
	struct stun_addr a;
	enum stun_result r = stun_attr_addr(msg, idx, &a);

	if (r != STUN_OK)
		return r;

	uint8_t mask[16];

	stun_wr32(mask, STUN_MAGIC_COOKIE);
	memcpy(mask + 4, msg->tid, STUN_TID_LEN);

	unsigned int n = a.family == STUN_FAMILY_IPV4 ? 4 : 16;

	for (unsigned int i = 0; i < n; i++)
		a.addr[i] ^= mask[i];
	a.port ^= (uint16_t)(STUN_MAGIC_COOKIE >> 16);
	*out = a;
	return STUN_OK;
}

enum stun_result
stun_attr_u32(const struct stun_msg *msg, int idx, uint32_t *out)
{
	const struct stun_attr *a = attr_at(msg, idx);

	if (a == NULL)
		return STUN_ATTR_ABSENT;
	if (a->len != 4)
		return STUN_ATTR_LENGTH;
	*out = stun_rd32(stun_attr_value(msg, a));
	return STUN_OK;
}

enum stun_result
stun_attr_bytes(const struct stun_msg *msg, int idx, struct stun_bytes *out)
{
	const struct stun_attr *a = attr_at(msg, idx);

	if (a == NULL)
		return STUN_ATTR_ABSENT;
	out->data = stun_attr_value(msg, a);
	out->len = a->len;
	return STUN_OK;
}

static enum stun_result
get_bytes_max(const struct stun_msg *msg, uint16_t type, uint16_t max, struct stun_bytes *out)
{
	struct stun_bytes b;
	enum stun_result r = stun_attr_bytes(msg, stun_find(msg, type, 0), &b);

	if (r != STUN_OK)
		return r;
	if (b.len > max)
		return STUN_ATTR_LENGTH;
	*out = b;
	return STUN_OK;
}

enum stun_result
stun_get_mapped_address(const struct stun_msg *msg, struct stun_addr *out)
{
	return stun_attr_addr(msg, stun_find(msg, STUN_ATTR_MAPPED_ADDRESS, 0), out);
}

enum stun_result
stun_get_alternate_server(const struct stun_msg *msg, struct stun_addr *out)
{
	return stun_attr_addr(msg, stun_find(msg, STUN_ATTR_ALTERNATE_SERVER, 0), out);
}

enum stun_result
stun_get_xor_mapped_address(const struct stun_msg *msg, struct stun_addr *out)
{
	return stun_attr_xor_addr(msg, stun_find(msg, STUN_ATTR_XOR_MAPPED_ADDRESS, 0), out);
}

enum stun_result
stun_get_xor_peer_address(const struct stun_msg *msg, unsigned int nth, struct stun_addr *out)
{
	return stun_attr_xor_addr(msg, stun_find(msg, STUN_ATTR_XOR_PEER_ADDRESS, nth), out);
}

enum stun_result
stun_get_xor_relayed_address(const struct stun_msg *msg, unsigned int nth, struct stun_addr *out)
{
	return stun_attr_xor_addr(msg, stun_find(msg, STUN_ATTR_XOR_RELAYED_ADDRESS, nth), out);
}

enum stun_result
stun_get_username(const struct stun_msg *msg, struct stun_bytes *out)
{
	return get_bytes_max(msg, STUN_ATTR_USERNAME, USERNAME_MAX, out);
}

/* §14.4 */
enum stun_result
stun_get_userhash(const struct stun_msg *msg, struct stun_bytes *out)
{
	struct stun_bytes b;
	enum stun_result r = get_bytes_max(msg, STUN_ATTR_USERHASH, USERHASH_LEN, &b);

	if (r != STUN_OK)
		return r;
	if (b.len != USERHASH_LEN)
		return STUN_ATTR_LENGTH;
	*out = b;
	return STUN_OK;
}

enum stun_result
stun_get_realm(const struct stun_msg *msg, struct stun_bytes *out)
{
	return get_bytes_max(msg, STUN_ATTR_REALM, TEXT_MAX, out);
}

enum stun_result
stun_get_nonce(const struct stun_msg *msg, struct stun_bytes *out)
{
	return get_bytes_max(msg, STUN_ATTR_NONCE, TEXT_MAX, out);
}

enum stun_result
stun_get_software(const struct stun_msg *msg, struct stun_bytes *out)
{
	return get_bytes_max(msg, STUN_ATTR_SOFTWARE, TEXT_MAX, out);
}

enum stun_result
stun_get_alternate_domain(const struct stun_msg *msg, struct stun_bytes *out)
{
	return get_bytes_max(msg, STUN_ATTR_ALTERNATE_DOMAIN, ALTERNATE_DOMAIN_MAX, out);
}

enum stun_result
stun_get_data(const struct stun_msg *msg, struct stun_bytes *out)
{
	return stun_attr_bytes(msg, stun_find(msg, STUN_ATTR_DATA, 0), out);
}

/* RFC 8656 §18.9 */
enum stun_result
stun_get_reservation_token(const struct stun_msg *msg, uint64_t *out)
{
	struct stun_bytes b;
	enum stun_result r = stun_attr_bytes(msg, stun_find(msg, STUN_ATTR_RESERVATION_TOKEN, 0), &b);

	if (r != STUN_OK)
		return r;
	if (b.len != 8)
		return STUN_ATTR_LENGTH;
	*out = ((uint64_t)stun_rd32(b.data) << 32) | stun_rd32(b.data + 4);
	return STUN_OK;
}

/* §14.8: 21 reserved bits, class (3..6) in 3 bits, number (0..99) in 8 bits, reason. */
static enum stun_result
read_error_code(const uint8_t *v, uint16_t len, struct stun_error_code *out)
{
	if (len < 4 || len - 4 > TEXT_MAX)
		return STUN_ATTR_LENGTH;

	uint8_t cls = v[2] & 0x07;
	uint8_t number = v[3];

	if (cls < 3 || cls > 6 || number > 99)
		return STUN_ATTR_VALUE;
	out->code = (uint16_t)(cls * 100 + number);
	out->reason.data = v + 4;
	out->reason.len = (uint16_t)(len - 4);
	return STUN_OK;
}

enum stun_result
stun_get_error_code(const struct stun_msg *msg, struct stun_error_code *out)
{
	struct stun_bytes b;
	enum stun_result r = stun_attr_bytes(msg, stun_find(msg, STUN_ATTR_ERROR_CODE, 0), &b);

	if (r != STUN_OK)
		return r;
	return read_error_code(b.data, b.len, out);
}

/* RFC 8656 §18.14: the family takes the first byte, the rest reads like ERROR-CODE. */
enum stun_result
stun_get_address_error_code(const struct stun_msg *msg, uint8_t *family, struct stun_error_code *out)
{
	struct stun_bytes b;
	enum stun_result r = stun_attr_bytes(msg, stun_find(msg, STUN_ATTR_ADDRESS_ERROR_CODE, 0), &b);

	if (r != STUN_OK)
		return r;
	r = read_error_code(b.data, b.len, out);
	if (r != STUN_OK)
		return r;
	*family = b.data[0];
	return STUN_OK;
}

/* RFC 8656 §18.1: 16-bit number, 16 bits RFFU. */
enum stun_result
stun_get_channel_number(const struct stun_msg *msg, uint16_t *out)
{
	uint32_t v;
	enum stun_result r = stun_attr_u32(msg, stun_find(msg, STUN_ATTR_CHANNEL_NUMBER, 0), &v);

	if (r == STUN_OK)
		*out = (uint16_t)(v >> 16);
	return r;
}

enum stun_result
stun_get_lifetime(const struct stun_msg *msg, uint32_t *out)
{
	return stun_attr_u32(msg, stun_find(msg, STUN_ATTR_LIFETIME, 0), out);
}

enum stun_result
stun_get_fingerprint(const struct stun_msg *msg, uint32_t *out)
{
	return stun_attr_u32(msg, msg->fingerprint, out);
}

/* The one-byte-then-RFFU shape of REQUESTED-TRANSPORT and the address-family attributes. */
static enum stun_result
get_first_byte_of_u32(const struct stun_msg *msg, uint16_t type, uint8_t *out)
{
	uint32_t v;
	enum stun_result r = stun_attr_u32(msg, stun_find(msg, type, 0), &v);

	if (r == STUN_OK)
		*out = (uint8_t)(v >> 24);
	return r;
}

/* RFC 8656 §18.11 */
enum stun_result
stun_get_requested_transport(const struct stun_msg *msg, uint8_t *protocol)
{
	return get_first_byte_of_u32(msg, STUN_ATTR_REQUESTED_TRANSPORT, protocol);
}

/* RFC 8656 §18.8 */
enum stun_result
stun_get_requested_address_family(const struct stun_msg *msg, uint8_t *family)
{
	return get_first_byte_of_u32(msg, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, family);
}

/* RFC 8656 §18.12 */
enum stun_result
stun_get_additional_address_family(const struct stun_msg *msg, uint8_t *family)
{
	return get_first_byte_of_u32(msg, STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, family);
}

/* RFC 8656 §18.10: one byte, the R bit first. */
enum stun_result
stun_get_even_port(const struct stun_msg *msg, bool *reserve_next)
{
	struct stun_bytes b;
	enum stun_result r = stun_attr_bytes(msg, stun_find(msg, STUN_ATTR_EVEN_PORT, 0), &b);

	if (r != STUN_OK)
		return r;
	if (b.len != 1)
		return STUN_ATTR_LENGTH;
	*reserve_next = (b.data[0] & 0x80) != 0;
	return STUN_OK;
}

/* RFC 8656 §18.13: 16 bits reserved, type, code, 32 bits of error data. */
enum stun_result
stun_get_icmp(const struct stun_msg *msg, uint8_t *type, uint8_t *code, uint32_t *error_data)
{
	struct stun_bytes b;
	enum stun_result r = stun_attr_bytes(msg, stun_find(msg, STUN_ATTR_ICMP, 0), &b);

	if (r != STUN_OK)
		return r;
	if (b.len != 8)
		return STUN_ATTR_LENGTH;
	*type = b.data[2];
	*code = b.data[3];
	*error_data = stun_rd32(b.data + 4);
	return STUN_OK;
}

bool
stun_has_dont_fragment(const struct stun_msg *msg)
{
	return stun_find(msg, STUN_ATTR_DONT_FRAGMENT, 0) >= 0;
}

/* §14.11/§14.12: algorithm (16), parameters length (16), parameters padded to 4. */
static enum stun_result
read_password_alg(const uint8_t *v, size_t len, struct stun_password_alg *out, size_t *used)
{
	if (len < 4)
		return STUN_ATTR_LENGTH;

	uint16_t plen = stun_rd16(v + 2);
	size_t padded = ((size_t)plen + 3) & ~(size_t)3;

	if (plen > len - 4)
		return STUN_ATTR_LENGTH;
	out->algorithm = stun_rd16(v);
	out->params.data = v + 4;
	out->params.len = plen;
	*used = 4 + (padded < len - 4 ? padded : len - 4);
	return STUN_OK;
}

enum stun_result
stun_get_password_algorithm(const struct stun_msg *msg, struct stun_password_alg *out)
{
	struct stun_bytes b;
	size_t used;
	struct stun_password_alg alg;
	enum stun_result r = stun_attr_bytes(msg, stun_find(msg, STUN_ATTR_PASSWORD_ALGORITHM, 0), &b);

	if (r != STUN_OK)
		return r;
	r = read_password_alg(b.data, b.len, &alg, &used);
	if (r != STUN_OK)
		return r;
	if (used != b.len)
		return STUN_ATTR_LENGTH;
	*out = alg;
	return STUN_OK;
}

enum stun_result
stun_get_password_algorithms(const struct stun_msg *msg, struct stun_password_alg *out,
			     unsigned int max, unsigned int *n)
{
	struct stun_bytes b;
	enum stun_result r = stun_attr_bytes(msg, stun_find(msg, STUN_ATTR_PASSWORD_ALGORITHMS, 0), &b);

	if (r != STUN_OK)
		return r;

	unsigned int count = 0;
	size_t pos = 0;

	while (pos < b.len) {
		struct stun_password_alg alg;
		size_t used;

		r = read_password_alg(b.data + pos, b.len - pos, &alg, &used);
		if (r != STUN_OK)
			return r;
		if (count < max)
			out[count] = alg;
		count++;
		pos += used;
	}
	*n = count;
	return STUN_OK;
}

enum stun_result
stun_get_unknown_attributes(const struct stun_msg *msg, uint16_t *out, unsigned int max,
			    unsigned int *n)
{
	struct stun_bytes b;
	enum stun_result r = stun_attr_bytes(msg, stun_find(msg, STUN_ATTR_UNKNOWN_ATTRIBUTES, 0), &b);

	if (r != STUN_OK)
		return r;
	if (b.len % 2 != 0)
		return STUN_ATTR_LENGTH;

	unsigned int count = b.len / 2;

	for (unsigned int i = 0; i < count && i < max; i++)
		out[i] = stun_rd16(b.data + 2 * i);
	*n = count;
	return STUN_OK;
}
