/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_FUZZ_COMMON_H
#define DTURN_FUZZ_COMMON_H

/* Shared by the libFuzzer harnesses of lib/stun. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stun.h"

/* A broken property: say which and abort, so libFuzzer keeps the input. */
#define FUZZ_ASSERT(cond)                                                              \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,      \
				__LINE__, #cond);                                      \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* Read every byte of a returned span so ASan checks it lies inside the input. */
static inline unsigned int
fuzz_touch(const uint8_t *p, size_t n)
{
	unsigned int sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i];
	return sum;
}

/* Two views of (possibly different) buffers say the same thing. */
static inline bool
fuzz_views_equal(const struct stun_msg *a, const struct stun_msg *b)
{
	if (a->type != b->type || a->method != b->method || a->cls != b->cls ||
	    memcmp(a->tid, b->tid, STUN_TID_LEN) != 0 || a->nattrs != b->nattrs ||
	    a->integrity != b->integrity || a->integrity_sha256 != b->integrity_sha256 ||
	    a->fingerprint != b->fingerprint || a->nunknown != b->nunknown ||
	    memcmp(a->unknown, b->unknown, a->nunknown * sizeof(a->unknown[0])) != 0)
		return false;
	for (unsigned int i = 0; i < a->nattrs; i++) {
		const struct stun_attr *x = &a->attrs[i], *y = &b->attrs[i];

		if (x->type != y->type || x->len != y->len ||
		    memcmp(stun_attr_value(a, x), stun_attr_value(b, y), x->len) != 0)
			return false;
	}
	return true;
}

#endif
