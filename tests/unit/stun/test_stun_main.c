/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "auth_keys.h"
#include "test_stun_common.h"

struct vector_set test_vectors;

const struct vector *
need_vector(const char *name)
{
	const struct vector *v = vectors_find(&test_vectors, name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	return v;
}

int
vector_key(const char *name, uint8_t *key, size_t *keylen)
{
	if (strncmp(name, "rfc5769-2.4", 11) == 0) {
		*keylen = AUTH_MD5_KEY_LEN;
		return auth_key_long_term_md5((const uint8_t *)LT_USER, strlen(LT_USER),
					      (const uint8_t *)LT_REALM, strlen(LT_REALM),
					      (const uint8_t *)LT_PASSWORD, strlen(LT_PASSWORD), key);
	}
	if (strncmp(name, "rfc8489-B.1", 11) == 0) {
		*keylen = AUTH_SHA256_KEY_LEN;
		return auth_key_long_term_sha256((const uint8_t *)LT_USER, strlen(LT_USER),
						 (const uint8_t *)LT_REALM, strlen(LT_REALM),
						 (const uint8_t *)LT_PASSWORD, strlen(LT_PASSWORD),
						 key);
	}
	if (strncmp(name, "rfc5769-", 8) == 0) {
		*keylen = strlen(SHORT_TERM_PASSWORD);
		memcpy(key, SHORT_TERM_PASSWORD, *keylen);
		return 0;
	}
	return -1;
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "tests/vectors/stun-vectors.hex";

	if (vectors_load(path, &test_vectors) != 0 || test_vectors.count < 5) {
		fprintf(stderr, "cannot load the STUN vectors from %s\n", path);
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (register_stun_vector_tests() != 0 || register_stun_negative_tests() != 0 ||
	    register_stun_attr_tests() != 0 || register_stun_property_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();

	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
