/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT (lib/stun).
 * - The checks never crash on any decoded message, with a fixed key.
 * - Rebuilding the message's other attributes and adding MESSAGE-INTEGRITY,
 *   MESSAGE-INTEGRITY-SHA256 and FINGERPRINT with the builder gives a message
 *   whose three checks all pass, and fail with another key.
 */
#include "fuzz_common.h"

static const uint8_t key[] = "VOkJxbRl1RmTxUk/WvJxBt";
static const uint8_t other_key[] = "TheMatrIX";
static volatile unsigned int sink;

static void
check_rebuilt(const struct stun_msg *m)
{
	static uint8_t out[STUN_HEADER_LEN + 0x10000];
	struct stun_builder b;
	struct stun_msg again;
	unsigned int kept = 0;

	stun_builder_init(&b, out, sizeof(out), m->method, m->cls, m->tid);
	for (unsigned int i = 0; i < m->nattrs; i++) {
		const struct stun_attr *a = &m->attrs[i];

		if (a->type == STUN_ATTR_MESSAGE_INTEGRITY ||
		    a->type == STUN_ATTR_MESSAGE_INTEGRITY_SHA256 ||
		    a->type == STUN_ATTR_FINGERPRINT)
			continue;
		stun_add_attr(&b, a->type, stun_attr_value(m, a), a->len);
		kept++;
	}
	stun_add_message_integrity(&b, key, sizeof(key) - 1);
	stun_add_message_integrity_sha256(&b, key, sizeof(key) - 1);
	stun_add_fingerprint(&b);

	size_t len = stun_builder_finish(&b);

	/* Too big for the 16-bit length or the view: nothing to check. */
	if (len == 0 || kept + 3 > STUN_MAX_ATTRS)
		return;
	FUZZ_ASSERT(stun_decode(out, len, &again) == STUN_OK);
	FUZZ_ASSERT(stun_check_integrity(&again, key, sizeof(key) - 1) == STUN_OK);
	FUZZ_ASSERT(stun_check_integrity_sha256(&again, key, sizeof(key) - 1) == STUN_OK);
	FUZZ_ASSERT(stun_check_fingerprint(&again) == STUN_OK);
	FUZZ_ASSERT(stun_check_integrity(&again, other_key, sizeof(other_key) - 1) ==
		    STUN_INTEGRITY_MISMATCH);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stun_msg m;

	if (stun_decode(data, size, &m) != STUN_OK)
		return 0;
	sink += stun_check_integrity(&m, key, sizeof(key) - 1);
	sink += stun_check_integrity(&m, NULL, 0);
	sink += stun_check_integrity_sha256(&m, key, sizeof(key) - 1);
	sink += stun_check_fingerprint(&m);
	check_rebuilt(&m);
	return 0;
}
