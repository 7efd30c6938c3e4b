/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_STUN_TYPES_H
#define DTURN_STUN_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* RFC 8489 §5 */
#define STUN_MAGIC_COOKIE 0x2112A442u
#define STUN_HEADER_LEN 20
#define STUN_TID_LEN 12
#define STUN_ATTR_HEADER_LEN 4
/* A decoder view holds at most this many attributes; more is a counted rejection. */
#define STUN_MAX_ATTRS 48
#define STUN_MAX_UNKNOWN 16
#define STUN_HMAC_SHA1_LEN 20
#define STUN_HMAC_SHA256_LEN 32
#define STUN_FINGERPRINT_XOR 0x5354554Eu
#define STUN_CHANNEL_HEADER_LEN 4

enum stun_class {
	STUN_CLASS_REQUEST = 0,
	STUN_CLASS_INDICATION = 1,
	STUN_CLASS_SUCCESS = 2,
	STUN_CLASS_ERROR = 3,
};

/* RFC 8489 §18.2 and RFC 8656 §17 */
enum stun_method {
	STUN_METHOD_BINDING = 0x001,
	STUN_METHOD_ALLOCATE = 0x003,
	STUN_METHOD_REFRESH = 0x004,
	STUN_METHOD_SEND = 0x006,
	STUN_METHOD_DATA = 0x007,
	STUN_METHOD_CREATE_PERMISSION = 0x008,
	STUN_METHOD_CHANNEL_BIND = 0x009,
};

/*
 * Every attribute the codec knows, as (id, code, name). Codes below 0x8000
 * are comprehension-required (RFC 8489 §14); any other such code is listed
 * in stun_msg.unknown so a server can answer 420.
 */
#define STUN_ATTRS(X) \
	X(MAPPED_ADDRESS,            0x0001, "MAPPED-ADDRESS") \
	X(CHANGE_REQUEST,            0x0003, "CHANGE-REQUEST") \
	X(USERNAME,                  0x0006, "USERNAME") \
	X(MESSAGE_INTEGRITY,         0x0008, "MESSAGE-INTEGRITY") \
	X(ERROR_CODE,                0x0009, "ERROR-CODE") \
	X(UNKNOWN_ATTRIBUTES,        0x000A, "UNKNOWN-ATTRIBUTES") \
	X(CHANNEL_NUMBER,            0x000C, "CHANNEL-NUMBER") \
	X(LIFETIME,                  0x000D, "LIFETIME") \
	X(XOR_PEER_ADDRESS,          0x0012, "XOR-PEER-ADDRESS") \
	X(DATA,                      0x0013, "DATA") \
	X(REALM,                     0x0014, "REALM") \
	X(NONCE,                     0x0015, "NONCE") \
	X(XOR_RELAYED_ADDRESS,       0x0016, "XOR-RELAYED-ADDRESS") \
	X(REQUESTED_ADDRESS_FAMILY,  0x0017, "REQUESTED-ADDRESS-FAMILY") \
	X(EVEN_PORT,                 0x0018, "EVEN-PORT") \
	X(REQUESTED_TRANSPORT,       0x0019, "REQUESTED-TRANSPORT") \
	X(DONT_FRAGMENT,             0x001A, "DONT-FRAGMENT") \
	X(MESSAGE_INTEGRITY_SHA256,  0x001C, "MESSAGE-INTEGRITY-SHA256") \
	X(PASSWORD_ALGORITHM,        0x001D, "PASSWORD-ALGORITHM") \
	X(USERHASH,                  0x001E, "USERHASH") \
	X(XOR_MAPPED_ADDRESS,        0x0020, "XOR-MAPPED-ADDRESS") \
	X(RESERVATION_TOKEN,         0x0022, "RESERVATION-TOKEN") \
	X(PRIORITY,                  0x0024, "PRIORITY") \
	X(USE_CANDIDATE,             0x0025, "USE-CANDIDATE") \
	X(PADDING,                   0x0026, "PADDING") \
	X(RESPONSE_PORT,             0x0027, "RESPONSE-PORT") \
	X(ADDITIONAL_ADDRESS_FAMILY, 0x8000, "ADDITIONAL-ADDRESS-FAMILY") \
	X(ADDRESS_ERROR_CODE,        0x8001, "ADDRESS-ERROR-CODE") \
	X(PASSWORD_ALGORITHMS,       0x8002, "PASSWORD-ALGORITHMS") \
	X(ALTERNATE_DOMAIN,          0x8003, "ALTERNATE-DOMAIN") \
	X(ICMP,                      0x8004, "ICMP") \
	X(SOFTWARE,                  0x8022, "SOFTWARE") \
	X(ALTERNATE_SERVER,          0x8023, "ALTERNATE-SERVER") \
	X(FINGERPRINT,               0x8028, "FINGERPRINT") \
	X(ICE_CONTROLLED,            0x8029, "ICE-CONTROLLED") \
	X(ICE_CONTROLLING,           0x802A, "ICE-CONTROLLING") \
	X(RESPONSE_ORIGIN,           0x802B, "RESPONSE-ORIGIN") \
	X(OTHER_ADDRESS,             0x802C, "OTHER-ADDRESS")

enum stun_attr_type {
#define STUN_ATTR_ENUM(id, code, name) STUN_ATTR_##id = code,
	STUN_ATTRS(STUN_ATTR_ENUM)
#undef STUN_ATTR_ENUM
};

/*
 * Why a datagram or an attribute was rejected: one list generates the enum,
 * the names printed by tools and the per-reason drop counters.
 */
#define STUN_RESULTS(X) \
	X(OK,                   "ok") \
	X(TRUNCATED_HEADER,     "shorter than the 20-byte STUN header") \
	X(NOT_STUN,             "first two bits are not zero") \
	X(BAD_COOKIE,           "magic cookie is not 0x2112A442") \
	X(NOT_CLASSIC,          "has the magic cookie, so is not an RFC 3489 message") \
	X(LENGTH_NOT_ALIGNED,   "message length is not a multiple of 4") \
	X(LENGTH_SHORT,         "datagram is shorter than the message length says") \
	X(TRAILING_BYTES,       "datagram has bytes after the message length") \
	X(ATTR_OVERRUN,         "attribute value or padding runs past the end") \
	X(TOO_MANY_ATTRS,       "more attributes than the decoder keeps") \
	X(FINGERPRINT_NOT_LAST, "an attribute follows FINGERPRINT") \
	X(FINGERPRINT_LENGTH,   "FINGERPRINT length is not 4") \
	X(INTEGRITY_LENGTH,     "MESSAGE-INTEGRITY(-SHA256) has a wrong length") \
	X(ATTR_ABSENT,          "attribute absent") \
	X(ATTR_LENGTH,          "attribute length wrong for its type") \
	X(ADDR_FAMILY,          "address family is neither IPv4 nor IPv6") \
	X(ATTR_VALUE,           "attribute value out of range") \
	X(CHANNEL_TRUNCATED,    "shorter than the 4-byte ChannelData header") \
	X(CHANNEL_NUMBER,       "channel number outside the allowed range (0x4000-0x4FFF)") \
	X(CHANNEL_LENGTH,       "ChannelData length disagrees with the datagram") \
	X(INTEGRITY_ABSENT,     "no MESSAGE-INTEGRITY to verify") \
	X(INTEGRITY_MISMATCH,   "MESSAGE-INTEGRITY does not verify") \
	X(FINGERPRINT_ABSENT,   "no FINGERPRINT to verify") \
	X(FINGERPRINT_MISMATCH, "FINGERPRINT does not verify") \
	X(NO_SPACE,             "message does not fit the buffer") \
	X(CRYPTO,               "the crypto library failed")

enum stun_result {
#define STUN_RESULT_ENUM(id, text) STUN_##id,
	STUN_RESULTS(STUN_RESULT_ENUM)
#undef STUN_RESULT_ENUM
	STUN_RESULT_MAX
};

/* Address families as STUN encodes them (RFC 8489 §14.1). */
enum stun_family {
	STUN_FAMILY_IPV4 = 0x01,
	STUN_FAMILY_IPV6 = 0x02,
};

/* RFC 8489 §18.5 */
enum stun_password_algorithm {
	STUN_PASSWORD_ALGORITHM_MD5 = 0x0001,
	STUN_PASSWORD_ALGORITHM_SHA256 = 0x0002,
};

/* RFC 7983 §7: what the first byte of a datagram on a TURN port says it is. */
enum stun_demux {
	STUN_DEMUX_STUN,        /* 0-3 */
	STUN_DEMUX_CHANNEL,     /* 64-79 */
	STUN_DEMUX_OTHER,       /* DTLS, ZRTP, RTP or nothing we serve */
};

#endif
