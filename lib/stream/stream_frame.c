/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 8656 §12.5: on TCP and TLS each STUN message is delimited by the length
 * in its header and each ChannelData message by its Length field, padded to a
 * multiple of four bytes on the stream (the padding is not in Length).
 */
#include "stream_frame.h"

static uint16_t
read_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

struct stream_frame
stream_frame_next(const uint8_t *buf, size_t len, uint8_t channel_first_max, size_t max_msg)
{
	struct stream_frame f = { STREAM_FRAME_NEED_MORE, 0, 0 };

	if (len == 0)
		return f;
	if (buf[0] <= 3) {
		/* RFC 7983: 0-3 is STUN. The first two bits of a STUN message are 0. */
		if (len < 4)
			return f;
		size_t body = read_be16(buf + 2);

		if (body & 3) {
			f.kind = STREAM_FRAME_BAD_LENGTH;
			return f;
		}
		f.msg_len = STREAM_STUN_HEADER + body;
		f.frame_len = f.msg_len;
		f.kind = STREAM_FRAME_STUN;
	} else if (buf[0] >= 0x40 && buf[0] <= channel_first_max) {
		if (len < 4)
			return f;
		f.msg_len = STREAM_CHANNEL_HEADER + read_be16(buf + 2);
		f.frame_len = f.msg_len + stream_channel_padding(f.msg_len);
		f.kind = STREAM_FRAME_CHANNEL;
	} else {
		f.kind = STREAM_FRAME_GARBAGE;
		return f;
	}
	if (f.msg_len > max_msg) {
		f.kind = STREAM_FRAME_TOO_BIG;
		return f;
	}
	if (len < f.frame_len)
		f.kind = STREAM_FRAME_NEED_MORE;
	return f;
}

const char *
stream_frame_kind_name(enum stream_frame_kind k)
{
	switch (k) {
	case STREAM_FRAME_NEED_MORE: return "need-more";
	case STREAM_FRAME_STUN: return "stun";
	case STREAM_FRAME_CHANNEL: return "channel-data";
	case STREAM_FRAME_GARBAGE: return "garbage";
	case STREAM_FRAME_TOO_BIG: return "too-big";
	case STREAM_FRAME_BAD_LENGTH: return "bad-length";
	}
	return "unknown";
}
