/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_STUN_INTEGRITY_H
#define DTURN_STUN_INTEGRITY_H

/* Private to lib/stun: shared by the checker and the encoder. */

#include <stddef.h>
#include <stdint.h>

#include "stun.h"
#include "stun_types.h"

/*
 * HMAC(alg) over hdr (20 bytes) then body, with the raw key prepared on the
 * stack for this one call (and wiped after). Writes the full MAC (20 or 32
 * bytes) to out.
 */
enum stun_result stun_hmac(enum stun_hmac_alg alg, const uint8_t *key, size_t keylen,
			   const uint8_t *hdr, const uint8_t *body, size_t bodylen, uint8_t *out,
			   size_t outcap);

#endif
