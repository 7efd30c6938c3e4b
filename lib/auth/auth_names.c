/* SPDX-License-Identifier: BSD-3-Clause */
#include "auth.h"

const char *
auth_result_str(enum auth_result r)
{
	switch (r) {
	case AUTH_OK:
		return "ok";
	case AUTH_NO_INTEGRITY:
		return "no MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256";
	case AUTH_MISSING_ATTRS:
		return "USERNAME or USERHASH, REALM or NONCE missing";
	case AUTH_BAD_ALGORITHMS:
		return "PASSWORD-ALGORITHMS or PASSWORD-ALGORITHM missing or not the offered ones";
	case AUTH_WRONG_REALM:
		return "REALM is not this server's";
	case AUTH_STALE_NONCE:
		return "nonce expired";
	case AUTH_BAD_NONCE:
		return "nonce not issued by this server to this client";
	case AUTH_UNKNOWN_USER:
		return "unknown user";
	case AUTH_EXPIRED_USER:
		return "REST username past its expiry";
	case AUTH_BAD_INTEGRITY:
		return "message integrity does not verify";
	}
	return "unknown auth result";
}
