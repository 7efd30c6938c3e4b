/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TEST_VECTORS_H
#define DTURN_TEST_VECTORS_H

/* The checked STUN vectors in tests/vectors/stun-vectors.hex, one `NAME HEX` a line. */

#include <stddef.h>
#include <stdint.h>

#define VECTORS_MAX 16
#define VECTOR_BYTES_MAX 512

struct vector {
	char name[64];
	uint8_t bytes[VECTOR_BYTES_MAX];
	size_t len;
};

struct vector_set {
	struct vector v[VECTORS_MAX];
	unsigned int count;
};

/* 0 on success, -1 with a message on stderr. */
int vectors_load(const char *path, struct vector_set *set);
const struct vector *vectors_find(const struct vector_set *set, const char *name);

#endif
