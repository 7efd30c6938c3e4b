/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Framing of one STUN datagram into a view (RFC 8489 §5, §14). The only state
 * is on the stack of this call; the result depends on nothing but buf[0..len).
 */
#include <string.h>

#include "stun.h"
#include "stun_wire.h"

/* Where the walk is relative to the integrity attributes (RFC 8489 §14.5, §14.6). */
enum integrity_state {
	BEFORE_INTEGRITY,
	AFTER_SHA1,   /* only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT still count */
	AFTER_SHA256, /* only FINGERPRINT still counts */
};

static enum stun_result
check_header(const uint8_t *buf, size_t len, bool classic)
{
	if (len < STUN_HEADER_LEN)
		return STUN_TRUNCATED_HEADER;
	if ((buf[0] & 0xC0) != 0)
		return STUN_NOT_STUN;
	if (!classic && stun_rd32(buf + 4) != STUN_MAGIC_COOKIE)
		return STUN_BAD_COOKIE;

	size_t mlen = stun_rd16(buf + 2);

	if (mlen % 4 != 0)
		return STUN_LENGTH_NOT_ALIGNED;
	if (len < STUN_HEADER_LEN + mlen)
		return STUN_LENGTH_SHORT;
	if (len > STUN_HEADER_LEN + mlen)
		return STUN_TRAILING_BYTES;
	return STUN_OK;
}

bool
stun_is_message(const uint8_t *buf, size_t len)
{
	return buf != NULL && check_header(buf, len, false) == STUN_OK;
}

/* Whether an attribute at this point of the message is acted on at all. */
static bool
attr_counts(enum integrity_state state, uint16_t type)
{
	switch (state) {
	case BEFORE_INTEGRITY:
		return true;
	case AFTER_SHA1:
		return type == STUN_ATTR_MESSAGE_INTEGRITY_SHA256;
	case AFTER_SHA256:
	default:
		return false;
	}
}

static enum stun_result
record_attr(struct stun_msg *msg, uint16_t type, uint16_t alen, size_t pos)
{
	if (msg->nattrs >= STUN_MAX_ATTRS)
		return STUN_TOO_MANY_ATTRS;

	struct stun_attr *a = &msg->attrs[msg->nattrs];

	a->type = type;
	a->len = alen;
	a->offset = (uint32_t)(pos + STUN_ATTR_HEADER_LEN);
	msg->nattrs++;

	/* RFC 8489 §14: 0x0000-0x7FFF must be understood or the request fails with 420. */
	if (type < 0x8000 && !stun_attr_known(type) && msg->nunknown < STUN_MAX_UNKNOWN)
		msg->unknown[msg->nunknown++] = type;
	return STUN_OK;
}

static enum stun_result
decode(const uint8_t *buf, size_t len, struct stun_msg *msg, bool classic)
{
	if (buf == NULL)
		return STUN_TRUNCATED_HEADER;

	enum stun_result r = check_header(buf, len, classic);

	if (r != STUN_OK)
		return r;

	msg->buf = buf;
	msg->classic = classic;
	msg->len = (uint32_t)len;
	msg->type = stun_rd16(buf);
	msg->method = stun_type_method(msg->type);
	msg->cls = stun_type_class(msg->type);
	msg->tid = classic ? buf + 4 : buf + 8;
	msg->nattrs = 0;
	msg->integrity = -1;
	msg->integrity_sha256 = -1;
	msg->fingerprint = -1;
	msg->nunknown = 0;

	enum integrity_state state = BEFORE_INTEGRITY;
	size_t pos = STUN_HEADER_LEN;

	/* The body length is a multiple of 4 and so is every padded attribute,
	 * so a whole attribute header is always there when pos < len. */
	while (pos < len) {
		uint16_t type = stun_rd16(buf + pos);
		uint16_t alen = stun_rd16(buf + pos + 2);
		size_t padded = ((size_t)alen + 3) & ~(size_t)3;

		if (padded > len - pos - STUN_ATTR_HEADER_LEN)
			return STUN_ATTR_OVERRUN;
		if (msg->fingerprint >= 0)
			return STUN_FINGERPRINT_NOT_LAST; /* §14.7 */

		if (type == STUN_ATTR_FINGERPRINT) {
			if (alen != 4)
				return STUN_FINGERPRINT_LENGTH;
			msg->fingerprint = (int16_t)msg->nattrs;
			r = record_attr(msg, type, alen, pos);
		} else if (!attr_counts(state, type)) {
			r = STUN_OK; /* framed, never acted on */
		} else if (type == STUN_ATTR_MESSAGE_INTEGRITY) {
			if (alen != STUN_HMAC_SHA1_LEN)
				return STUN_INTEGRITY_LENGTH;
			msg->integrity = (int16_t)msg->nattrs;
			state = AFTER_SHA1;
			r = record_attr(msg, type, alen, pos);
		} else if (type == STUN_ATTR_MESSAGE_INTEGRITY_SHA256) {
			/* §14.6: 16 to 32 bytes, a multiple of 4 */
			if (alen < 16 || alen > STUN_HMAC_SHA256_LEN || alen % 4 != 0)
				return STUN_INTEGRITY_LENGTH;
			msg->integrity_sha256 = (int16_t)msg->nattrs;
			state = AFTER_SHA256;
			r = record_attr(msg, type, alen, pos);
		} else {
			r = record_attr(msg, type, alen, pos);
		}
		if (r != STUN_OK)
			return r;
		pos += STUN_ATTR_HEADER_LEN + padded;
	}
	return STUN_OK;
}

enum stun_result
stun_decode(const uint8_t *buf, size_t len, struct stun_msg *msg)
{
	return decode(buf, len, msg, false);
}

/* RFC 8489 §12: an RFC 3489 client sends no cookie; its 16-byte id starts at byte 4. */
enum stun_result
stun_decode_classic(const uint8_t *buf, size_t len, struct stun_msg *msg)
{
	if (buf != NULL && len >= 8 && stun_rd32(buf + 4) == STUN_MAGIC_COOKIE)
		return STUN_NOT_CLASSIC;
	return decode(buf, len, msg, true);
}

int
stun_find(const struct stun_msg *msg, uint16_t type, unsigned int nth)
{
	for (unsigned int i = 0; i < msg->nattrs; i++) {
		if (msg->attrs[i].type != type)
			continue;
		if (nth == 0)
			return (int)i;
		nth--;
	}
	return -1;
}
