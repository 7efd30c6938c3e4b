/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 8656 §12.5 stream framing and the capped output buffer. */
#include <string.h>

#include <CUnit/Basic.h>

#include "stream_buf.h"
#include "stream_frame.h"

#define MAX_MSG 1500

/* A Binding request header with a body of body bytes. */
static size_t
stun_msg(uint8_t *out, uint16_t body)
{
	memset(out, 0, 20 + body);
	out[0] = 0x00;
	out[1] = 0x01;
	out[2] = (uint8_t)(body >> 8);
	out[3] = (uint8_t)body;
	out[4] = 0x21;
	out[5] = 0x12;
	out[6] = 0xa4;
	out[7] = 0x42;
	return 20u + body;
}

static size_t
channel_msg(uint8_t *out, uint16_t channel, uint16_t len)
{
	out[0] = (uint8_t)(channel >> 8);
	out[1] = (uint8_t)channel;
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	memset(out + 4, 0xab, len);
	return 4u + len;
}

static void
test_empty_and_partial_header(void)
{
	uint8_t b[64];

	stun_msg(b, 8);
	for (size_t n = 0; n < 4; n++)
		CU_ASSERT_EQUAL(stream_frame_next(b, n, 0x4f, MAX_MSG).kind, STREAM_FRAME_NEED_MORE);
	channel_msg(b, 0x4001, 5);
	for (size_t n = 0; n < 4; n++)
		CU_ASSERT_EQUAL(stream_frame_next(b, n, 0x4f, MAX_MSG).kind, STREAM_FRAME_NEED_MORE);
}

static void
test_stun_whole_and_partial(void)
{
	uint8_t b[128];
	size_t n = stun_msg(b, 24);

	for (size_t i = 4; i < n; i++) {
		struct stream_frame f = stream_frame_next(b, i, 0x4f, MAX_MSG);

		CU_ASSERT_EQUAL(f.kind, STREAM_FRAME_NEED_MORE);
		CU_ASSERT_EQUAL(f.frame_len, n); /* known once the header is in */
	}
	struct stream_frame f = stream_frame_next(b, n, 0x4f, MAX_MSG);

	CU_ASSERT_EQUAL(f.kind, STREAM_FRAME_STUN);
	CU_ASSERT_EQUAL(f.msg_len, 44);
	CU_ASSERT_EQUAL(f.frame_len, 44);
}

/* Two messages back to back in one read: the first is found, the rest stays. */
static void
test_two_messages_in_one_read(void)
{
	uint8_t b[256];
	size_t n1 = stun_msg(b, 8);
	size_t n2 = channel_msg(b + n1, 0x4000, 3);
	struct stream_frame f = stream_frame_next(b, n1 + n2 + 1, 0x4f, MAX_MSG);

	CU_ASSERT_EQUAL(f.kind, STREAM_FRAME_STUN);
	CU_ASSERT_EQUAL(f.frame_len, n1);
	/* The ChannelData's padding (1 byte) is part of its frame. */
	f = stream_frame_next(b + n1, n2, 0x4f, MAX_MSG);
	CU_ASSERT_EQUAL(f.kind, STREAM_FRAME_NEED_MORE);
	f = stream_frame_next(b + n1, n2 + 1, 0x4f, MAX_MSG);
	CU_ASSERT_EQUAL(f.kind, STREAM_FRAME_CHANNEL);
	CU_ASSERT_EQUAL(f.msg_len, 7);
	CU_ASSERT_EQUAL(f.frame_len, 8);
}

static void
test_channel_padding(void)
{
	uint8_t b[64];

	for (uint16_t len = 0; len < 9; len++) {
		size_t n = channel_msg(b, 0x4abc & 0x4fff, len);
		size_t pad = (4 - (n % 4)) % 4;

		memset(b + n, 0, 4);
		struct stream_frame f = stream_frame_next(b, n + pad, 0x4f, MAX_MSG);

		CU_ASSERT_EQUAL(f.kind, STREAM_FRAME_CHANNEL);
		CU_ASSERT_EQUAL(f.msg_len, n);
		CU_ASSERT_EQUAL(f.frame_len, n + pad);
		CU_ASSERT_EQUAL(f.frame_len % 4, 0);
		CU_ASSERT_EQUAL(stream_channel_padding(n), pad);
	}
}

/* Channels 0x5000-0x7FFF only when RFC 5766 numbering is on. */
static void
test_rfc5766_channels(void)
{
	uint8_t b[16];
	size_t n = channel_msg(b, 0x6000, 4);

	CU_ASSERT_EQUAL(stream_frame_next(b, n, 0x4f, MAX_MSG).kind, STREAM_FRAME_GARBAGE);
	CU_ASSERT_EQUAL(stream_frame_next(b, n, 0x7f, MAX_MSG).kind, STREAM_FRAME_CHANNEL);
}

static void
test_garbage(void)
{
	/* TLS ClientHello on the plain TCP port, HTTP, RTP (128-191), zeros after 0x80. */
	const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x00, 0x10 };
	const uint8_t http[] = "POST / HTTP/1.1\r\n";
	const uint8_t get[] = "GET / HTTP/1.1\r\n";
	const uint8_t rtp[] = { 0x80, 0x00, 0x00, 0x01 };

	CU_ASSERT_EQUAL(stream_frame_next(tls, sizeof(tls), 0x4f, MAX_MSG).kind, STREAM_FRAME_GARBAGE);
	CU_ASSERT_EQUAL(stream_frame_next(http, 1, 0x4f, MAX_MSG).kind, STREAM_FRAME_GARBAGE);
	CU_ASSERT_EQUAL(stream_frame_next(rtp, sizeof(rtp), 0x7f, MAX_MSG).kind, STREAM_FRAME_GARBAGE);
	/* 'G' is 0x47, a ChannelData first byte: "GET " reads as channel 0x4745 of 0x5420 bytes. */
	CU_ASSERT_EQUAL(stream_frame_next(get, 4, 0x4f, MAX_MSG).kind, STREAM_FRAME_TOO_BIG);
}

static void
test_too_big_before_body(void)
{
	uint8_t b[8] = { 0x00, 0x01, 0x05, 0xf0, 0x21, 0x12, 0xa4, 0x42 }; /* body 1520 */
	uint8_t c[4] = { 0x40, 0x00, 0xff, 0xff };

	CU_ASSERT_EQUAL(stream_frame_next(b, 4, 0x4f, MAX_MSG).kind, STREAM_FRAME_TOO_BIG);
	CU_ASSERT_EQUAL(stream_frame_next(c, 4, 0x4f, MAX_MSG).kind, STREAM_FRAME_TOO_BIG);
	/* At the limit exactly: fine. */
	c[2] = (MAX_MSG - 4) >> 8;
	c[3] = (MAX_MSG - 4) & 0xff;
	CU_ASSERT_EQUAL(stream_frame_next(c, 4, 0x4f, MAX_MSG).kind, STREAM_FRAME_NEED_MORE);
}

static void
test_stun_bad_length(void)
{
	uint8_t b[32];

	stun_msg(b, 8);
	b[3] = 9;
	CU_ASSERT_EQUAL(stream_frame_next(b, 29, 0x4f, MAX_MSG).kind, STREAM_FRAME_BAD_LENGTH);
}

static void
test_buf_cap_and_order(void)
{
	struct stream_buf b;
	uint8_t data[3000];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	stream_buf_init(&b, 5000);
	CU_ASSERT_EQUAL(stream_buf_append(&b, data, 3000, 0), 0);
	CU_ASSERT_EQUAL(stream_buf_append(&b, data, 1999, 1), 0);
	CU_ASSERT_EQUAL(b.len, 5000);
	/* Full: one more byte is refused, nothing appended. */
	CU_ASSERT_EQUAL(stream_buf_append(&b, data, 1, 0), -1);
	CU_ASSERT_EQUAL(b.len, 5000);
	CU_ASSERT_EQUAL(stream_buf_peek(&b)[10], 10);
	stream_buf_consume(&b, 2999);
	CU_ASSERT_EQUAL(stream_buf_peek(&b)[0], (uint8_t)2999);
	CU_ASSERT_EQUAL(stream_buf_peek(&b)[1], 0);
	/* After sending, room again; the unsent bytes keep their order. */
	CU_ASSERT_EQUAL(stream_buf_append(&b, data + 7, 100, 0), 0);
	CU_ASSERT_EQUAL(b.len, 2001 + 100);
	CU_ASSERT_EQUAL(stream_buf_peek(&b)[2001 - 1], 0); /* the pad byte */
	CU_ASSERT_EQUAL(stream_buf_peek(&b)[2001], 7);
	stream_buf_consume(&b, b.len);
	CU_ASSERT_TRUE(stream_buf_empty(&b));
	stream_buf_free(&b);
}

static void
test_buf_single_over_cap(void)
{
	struct stream_buf b;
	uint8_t data[64] = { 0 };

	stream_buf_init(&b, 63);
	CU_ASSERT_EQUAL(stream_buf_append(&b, data, 64, 0), -1);
	CU_ASSERT_EQUAL(stream_buf_append(&b, data, 60, 4), -1);
	CU_ASSERT_EQUAL(stream_buf_append(&b, data, 60, 3), 0);
	stream_buf_free(&b);
}

int
main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("stream", NULL, NULL);
	CU_add_test(s, "empty and partial header", test_empty_and_partial_header);
	CU_add_test(s, "STUN whole and partial", test_stun_whole_and_partial);
	CU_add_test(s, "two messages in one read", test_two_messages_in_one_read);
	CU_add_test(s, "ChannelData padding", test_channel_padding);
	CU_add_test(s, "RFC 5766 channels", test_rfc5766_channels);
	CU_add_test(s, "garbage", test_garbage);
	CU_add_test(s, "too big before the body", test_too_big_before_body);
	CU_add_test(s, "STUN length not a multiple of 4", test_stun_bad_length);
	CU_add_test(s, "buffer cap and order", test_buf_cap_and_order);
	CU_add_test(s, "buffer single append over cap", test_buf_single_over_cap);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned int failed = CU_get_number_of_failures();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
