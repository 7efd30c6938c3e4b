/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_AUTH_PRIVATE_H
#define DTURN_AUTH_PRIVATE_H

/* Helpers shared by the files of lib/auth; not part of its API. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stun.h"

/*
 * The long-term key of a REST username under one secret, given as its
 * prepared HMAC-SHA1 key (struct auth's secret_hmac): the password is
 * base64(HMAC-SHA1(secret, username)), the key MD5 or SHA-256 of
 * username ":" realm ":" password (§9.2.2). Returns the key length, 0 on a
 * crypto failure.
 */
size_t auth_rest_key(const struct stun_hmac_key *secret, const uint8_t *username, size_t ulen,
		     const uint8_t *realm, size_t rlen, bool sha256, uint8_t *key);

#endif
