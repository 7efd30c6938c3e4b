/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "stream_buf.h"

#define STREAM_BUF_FIRST 4096

void
stream_buf_init(struct stream_buf *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
}

void
stream_buf_free(struct stream_buf *b)
{
	free(b->data);
	stream_buf_init(b, b->cap);
}

int
stream_buf_append(struct stream_buf *b, const uint8_t *p, size_t n, size_t pad)
{
	size_t need = n + pad;

	if (need > b->cap || b->len > b->cap - need)
		return -1;
	if (b->start + b->len + need > b->size) {
		/* Move the unsent bytes to the front before growing. */
		if (b->start > 0 && b->len > 0)
			memmove(b->data, b->data + b->start, b->len);
		b->start = 0;
		if (b->len + need > b->size) {
			size_t size = b->size == 0 ? STREAM_BUF_FIRST : b->size;

			while (size < b->len + need)
				size *= 2;
			uint8_t *d = realloc(b->data, size);

			if (d == NULL)
				return -2;
			b->data = d;
			b->size = size;
		}
	}
	memcpy(b->data + b->start + b->len, p, n);
	memset(b->data + b->start + b->len + n, 0, pad);
	b->len += need;
	return 0;
}

void
stream_buf_consume(struct stream_buf *b, size_t n)
{
	if (n >= b->len) {
		b->start = 0;
		b->len = 0;
		return;
	}
	b->start += n;
	b->len -= n;
}
