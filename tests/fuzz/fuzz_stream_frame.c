/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the RFC 8656 §12.5 stream framing (lib/stream):
 * the input after byte 0 is what a TURN TCP/TLS client sent; byte 0 picks
 * the channel range (bit 0: RFC 5766's 0x7F first byte, else 0x4F) and the
 * size of the reads the stream arrives in (bits 1-7: 1..128 bytes).
 * Properties beyond "no crash, no ASan/UBSan report":
 * - reading the stream whole or in reads of any size finds the same messages
 *   (offsets, kinds, lengths) and stops at the same verdict: a partial read
 *   only ever means "read more";
 * - a STUN message's frame is its length, a multiple of 4 plus 20; a
 *   ChannelData frame is its message padded to 4 (0..3 bytes); no message
 *   is longer than the limit;
 * - the output buffer (stream_buf) given every message found, with its
 *   padding, under a cap, refuses only past the cap and holds the messages
 *   it took, in order, byte for byte (they frame again as the same messages).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream_buf.h"
#include "stream_frame.h"

#define MAX_MSG 1500
#define MAX_FOUND 4096

struct found {
	size_t off;
	enum stream_frame_kind kind;
	size_t msg_len, frame_len;
};

static void
fail(const char *what)
{
	fprintf(stderr, "property failed: %s\n", what);
	abort();
}

/* Frame the stream as it arrives in reads of chunk bytes; returns messages found. */
static size_t
frame_stream(const uint8_t *s, size_t n, size_t chunk, uint8_t first_max, struct found *out,
	     enum stream_frame_kind *end)
{
	size_t have = 0, off = 0, count = 0;

	*end = STREAM_FRAME_NEED_MORE;
	while (off < n || have > off) {
		if (have < n)
			have = have + chunk < n ? have + chunk : n;
		for (;;) {
			struct stream_frame f = stream_frame_next(s + off, have - off, first_max, MAX_MSG);

			if (f.kind == STREAM_FRAME_NEED_MORE)
				break;
			if (f.kind != STREAM_FRAME_STUN && f.kind != STREAM_FRAME_CHANNEL) {
				*end = f.kind;
				return count;
			}
			if (count < MAX_FOUND)
				out[count] = (struct found){ off, f.kind, f.msg_len, f.frame_len };
			count++;
			off += f.frame_len;
		}
		if (have == n)
			break;
	}
	return count;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct found whole[MAX_FOUND], parts[MAX_FOUND];
	enum stream_frame_kind end_whole, end_parts;

	if (size < 1)
		return 0;

	uint8_t first_max = (data[0] & 1) ? 0x7F : 0x4F;
	size_t chunk = (size_t)(data[0] >> 1) + 1;
	const uint8_t *s = data + 1;
	size_t n = size - 1;
	size_t nw = frame_stream(s, n, n > 0 ? n : 1, first_max, whole, &end_whole);
	size_t np = frame_stream(s, n, chunk, first_max, parts, &end_parts);

	if (nw != np || end_whole != end_parts)
		fail("reads of another size found other messages");
	for (size_t i = 0; i < nw && i < MAX_FOUND; i++) {
		const struct found *f = &whole[i];

		if (memcmp(f, &parts[i], sizeof(*f)) != 0)
			fail("a message differs between whole and partial reads");
		if (f->msg_len > MAX_MSG || f->frame_len < f->msg_len || f->off + f->frame_len > n)
			fail("message length out of bounds");
		if (f->kind == STREAM_FRAME_STUN &&
		    (f->frame_len != f->msg_len || f->msg_len < 20 || (f->msg_len - 20) % 4 != 0 ||
		     s[f->off] > 3))
			fail("STUN frame not its header's length");
		if (f->kind == STREAM_FRAME_CHANNEL &&
		    (f->frame_len % 4 != 0 || f->frame_len - f->msg_len > 3 || s[f->off] < 0x40 ||
		     s[f->off] > first_max))
			fail("ChannelData frame not padded to 4");
	}

	/* The output buffer: every message with its padding, under a cap from the input. */
	static size_t taken[MAX_FOUND];
	struct stream_buf b;
	size_t cap = 4096 + (size_t)data[0] * 16, queued = 0, ntaken = 0;

	stream_buf_init(&b, cap);
	for (size_t i = 0; i < nw && i < MAX_FOUND; i++) {
		const struct found *f = &whole[i];
		size_t pad = f->frame_len - f->msg_len;
		int r = stream_buf_append(&b, s + f->off, f->msg_len, pad);

		if ((r == 0) != (queued + f->frame_len <= cap))
			fail("stream_buf refused below its cap or took past it");
		if (r == 0) {
			queued += f->frame_len;
			taken[ntaken++] = i;
		}
		if (b.len != queued)
			fail("stream_buf length");
	}
	/* What was queued reads back as the same messages. */
	enum stream_frame_kind end_buf;
	static struct found back[MAX_FOUND];
	size_t nb = frame_stream(stream_buf_peek(&b), b.len, b.len > 0 ? b.len : 1, first_max, back,
				 &end_buf);

	if (end_buf != STREAM_FRAME_NEED_MORE || nb != ntaken)
		fail("queued messages do not frame again");
	for (size_t i = 0; i < nb && i < MAX_FOUND; i++) {
		const struct found *w = &whole[taken[i]];

		if (back[i].msg_len != w->msg_len || back[i].kind != w->kind ||
		    memcmp(stream_buf_peek(&b) + back[i].off, s + w->off, w->msg_len) != 0)
			fail("queued messages changed");
	}
	stream_buf_free(&b);
	return 0;
}
