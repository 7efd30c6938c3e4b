/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_STREAM_BUF_H
#define DTURN_STREAM_BUF_H

/*
 * A connection's bytes waiting for a slow socket: one linear buffer with a
 * hard cap ([stream] max_buffered_bytes). Appending beyond the cap fails, and
 * the caller cuts the connection off (a slow reader must not grow memory).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stream_buf {
	uint8_t *data;  /* malloc'd on first use, grown by doubling up to cap */
	size_t size;    /* allocated */
	size_t start;   /* first unsent byte */
	size_t len;     /* unsent bytes from start */
	size_t cap;     /* the limit on len */
};

void stream_buf_init(struct stream_buf *b, size_t cap);
void stream_buf_free(struct stream_buf *b);

/*
 * Append n bytes of p and then pad zero bytes. Returns 0, -1 when len would
 * pass the cap (nothing appended), -2 when memory ran out.
 */
int stream_buf_append(struct stream_buf *b, const uint8_t *p, size_t n, size_t pad);

/* The unsent bytes (never NULL, even before the first append), and dropping n of them once sent. */
static inline const uint8_t *
stream_buf_peek(const struct stream_buf *b)
{
	static const uint8_t none[1];

	return b->data != NULL ? b->data + b->start : none;
}
void stream_buf_consume(struct stream_buf *b, size_t n);

static inline bool
stream_buf_empty(const struct stream_buf *b)
{
	return b->len == 0;
}

#endif
