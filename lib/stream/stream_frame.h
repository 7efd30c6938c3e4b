/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_STREAM_FRAME_H
#define DTURN_STREAM_FRAME_H

/*
 * RFC 8656 §12.5 framing of STUN and ChannelData on a byte stream (TURN over
 * TCP and TLS). A pure function of the bytes buffered so far, like the codec:
 * no state survives between calls, so a partial read only means "call again
 * with more bytes". Plain C11, no DPDK: unit-tested and fuzzable alone.
 */

#include <stddef.h>
#include <stdint.h>

/* STUN header; ChannelData header (RFC 8656 §12.4). */
#define STREAM_STUN_HEADER 20
#define STREAM_CHANNEL_HEADER 4

enum stream_frame_kind {
	STREAM_FRAME_NEED_MORE, /* a message has started: read more bytes */
	STREAM_FRAME_STUN,      /* a STUN message of msg_len bytes (frame_len == msg_len) */
	STREAM_FRAME_CHANNEL,   /* ChannelData: msg_len bytes, frame_len with the padding */
	STREAM_FRAME_GARBAGE,   /* first byte neither STUN nor ChannelData (RFC 7983) */
	STREAM_FRAME_TOO_BIG,   /* longer than the caller's limit */
	STREAM_FRAME_BAD_LENGTH,/* a STUN length that is not a multiple of 4 */
};

struct stream_frame {
	enum stream_frame_kind kind;
	size_t msg_len;   /* the message itself, as it would be one UDP datagram */
	size_t frame_len; /* what it occupies on the stream: consume this many bytes */
};

/*
 * What the first message of buf[0..len) is. channel_first_max is the highest
 * first byte of a ChannelData message: 0x4F (RFC 8656 channels 0x4000-0x4FFF)
 * or 0x7F (RFC 5766 channels up to 0x7FFF). max_msg bounds msg_len: a message
 * announcing more is STREAM_FRAME_TOO_BIG before its bytes arrive, so a
 * connection never buffers more than one message of max_msg bytes.
 */
struct stream_frame stream_frame_next(const uint8_t *buf, size_t len, uint8_t channel_first_max,
				      size_t max_msg);

/* Bytes of zero padding a ChannelData message of msg_len bytes takes on a stream. */
static inline size_t
stream_channel_padding(size_t msg_len)
{
	return (4 - (msg_len & 3)) & 3;
}

/* The name of a frame kind, for logs and tests. */
const char *stream_frame_kind_name(enum stream_frame_kind k);

#endif
