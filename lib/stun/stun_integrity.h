/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_STUN_INTEGRITY_H
#define DTURN_STUN_INTEGRITY_H

/* Private to lib/stun: shared by the checker and the encoder. */

#include <stddef.h>
#include <stdint.h>

#include "stun_types.h"

/* HMAC(digest) over hdr (20 bytes) then body; digest is "SHA1" or "SHA256". */
enum stun_result stun_hmac(const char *digest, const uint8_t *key, size_t keylen,
			   const uint8_t *hdr, const uint8_t *body, size_t bodylen, uint8_t *out,
			   size_t outcap);

#endif
