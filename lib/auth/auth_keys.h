/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_AUTH_KEYS_H
#define DTURN_AUTH_KEYS_H

/*
 * Credential keys for MESSAGE-INTEGRITY(-SHA256) and USERHASH (RFC 8489 §9,
 * §14.4, §18.5). Inputs are taken as the bytes given: SASLprep/OpaqueString
 * processing of passwords is the caller's (configured passwords are stored
 * already prepared).
 */

#include <stddef.h>
#include <stdint.h>

#define AUTH_MD5_KEY_LEN 16
#define AUTH_SHA256_KEY_LEN 32
#define AUTH_USERHASH_LEN 32

/* §9.2.2: MD5(username ":" realm ":" password). Returns 0 or -1 on a crypto failure. */
int auth_key_long_term_md5(const uint8_t *user, size_t ulen, const uint8_t *realm, size_t rlen,
			   const uint8_t *pass, size_t plen, uint8_t key[AUTH_MD5_KEY_LEN]);

/* §9.2.2 with PASSWORD-ALGORITHM SHA-256: SHA-256(username ":" realm ":" password). */
int auth_key_long_term_sha256(const uint8_t *user, size_t ulen, const uint8_t *realm,
			      size_t rlen, const uint8_t *pass, size_t plen,
			      uint8_t key[AUTH_SHA256_KEY_LEN]);

/* §14.4: SHA-256(username ":" realm). */
int auth_userhash(const uint8_t *user, size_t ulen, const uint8_t *realm, size_t rlen,
		  uint8_t hash[AUTH_USERHASH_LEN]);

#endif
