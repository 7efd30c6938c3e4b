/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TEST_STUN_COMMON_H
#define DTURN_TEST_STUN_COMMON_H

#include <CUnit/CUnit.h>

#include "stun.h"
#include "vectors.h"

/* Loaded once by main before the suites run. */
extern struct vector_set test_vectors;

/* The documented credentials of each vector (shared/testdata/README.md). */
#define SHORT_TERM_PASSWORD "VOkJxbRl1RmTxUk/WvJxBt"
#define LT_USER "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9"
#define LT_REALM "example.org"
#define LT_PASSWORD "TheMatrIX"

/* Key for the vector's MESSAGE-INTEGRITY(-SHA256): 0 and the key, or -1. */
int vector_key(const char *name, uint8_t *key, size_t *keylen);
const struct vector *need_vector(const char *name);

int register_stun_vector_tests(void);
int register_stun_negative_tests(void);
int register_stun_attr_tests(void);
int register_stun_property_tests(void);

#endif
