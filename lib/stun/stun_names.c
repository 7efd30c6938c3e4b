/* SPDX-License-Identifier: BSD-3-Clause */
/* Names and reason phrases for people and counters. */
#include "stun.h"

static const char *const result_texts[STUN_RESULT_MAX] = {
#define RESULT_TEXT(id, text) [STUN_##id] = text,
	STUN_RESULTS(RESULT_TEXT)
#undef RESULT_TEXT
};

static const char *const result_names[STUN_RESULT_MAX] = {
#define RESULT_NAME(id, text) [STUN_##id] = #id,
	STUN_RESULTS(RESULT_NAME)
#undef RESULT_NAME
};

const char *
stun_result_str(enum stun_result r)
{
	return (unsigned int)r < STUN_RESULT_MAX ? result_texts[r] : "unknown result";
}

const char *
stun_result_name(enum stun_result r)
{
	return (unsigned int)r < STUN_RESULT_MAX ? result_names[r] : "UNKNOWN";
}

const char *
stun_method_name(uint16_t method)
{
	switch (method) {
	case STUN_METHOD_BINDING: return "Binding";
	case STUN_METHOD_ALLOCATE: return "Allocate";
	case STUN_METHOD_REFRESH: return "Refresh";
	case STUN_METHOD_SEND: return "Send";
	case STUN_METHOD_DATA: return "Data";
	case STUN_METHOD_CREATE_PERMISSION: return "CreatePermission";
	case STUN_METHOD_CHANNEL_BIND: return "ChannelBind";
	default: return "unknown";
	}
}

const char *
stun_class_name(uint8_t cls)
{
	switch (cls) {
	case STUN_CLASS_REQUEST: return "request";
	case STUN_CLASS_INDICATION: return "indication";
	case STUN_CLASS_SUCCESS: return "success response";
	case STUN_CLASS_ERROR: return "error response";
	default: return "unknown";
	}
}

const char *
stun_attr_name(uint16_t type)
{
	switch (type) {
#define ATTR_NAME(id, code, name) case code: return name;
	STUN_ATTRS(ATTR_NAME)
#undef ATTR_NAME
	default: return NULL;
	}
}

bool
stun_attr_known(uint16_t type)
{
	return stun_attr_name(type) != NULL;
}

/* RFC 8489 §14.8, RFC 8656 §18.14 and §19 */
const char *
stun_error_reason(uint16_t code)
{
	switch (code) {
	case 300: return "Try Alternate";
	case 400: return "Bad Request";
	case 401: return "Unauthenticated";
	case 403: return "Forbidden";
	case 405: return "Mobility Forbidden";
	case 420: return "Unknown Attribute";
	case 437: return "Allocation Mismatch";
	case 438: return "Stale Nonce";
	case 440: return "Address Family not Supported";
	case 441: return "Wrong Credentials";
	case 442: return "Unsupported Transport Protocol";
	case 443: return "Peer Address Family Mismatch";
	case 486: return "Allocation Quota Reached";
	case 500: return "Server Error";
	case 508: return "Insufficient Capacity";
	default: return "Unknown Error";
	}
}
