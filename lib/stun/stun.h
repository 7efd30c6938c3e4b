/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_STUN_H
#define DTURN_STUN_H

/*
 * The STUN/TURN/ChannelData codec.
 *
 * Decoding is a pure function of one datagram's bytes: stun_decode() fills a
 * view that points into the caller's buffer and owns nothing. There is no
 * decoder object, no heap and no global, so no input can change how the next
 * one is read. Nothing here reads past the length it is given.
 *
 * Return convention: functions returning enum stun_result give STUN_OK on
 * success and the reason otherwise; outputs are written only on STUN_OK.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stun_types.h"

struct stun_attr {
	uint16_t type;
	uint16_t len;    /* value length, without padding */
	uint32_t offset; /* of the value, from the start of the message */
};

struct stun_msg {
	const uint8_t *buf; /* the datagram; the view is valid while it is */
	uint32_t len;       /* 20 + message length */
	uint16_t type;      /* raw message type */
	uint16_t method;    /* enum stun_method value (12 bits) */
	uint8_t cls;        /* enum stun_class */
	const uint8_t *tid; /* 12 bytes inside buf (16 when classic) */
	bool classic;       /* RFC 3489 message: no magic cookie */
	uint16_t nattrs;
	/* Attributes acted on: those after MESSAGE-INTEGRITY(-SHA256) other than
	 * the ones RFC 8489 §14.5/§14.6 allow are left out. */
	struct stun_attr attrs[STUN_MAX_ATTRS];
	int16_t integrity;        /* index in attrs, -1 if absent */
	int16_t integrity_sha256; /* index in attrs, -1 if absent */
	int16_t fingerprint;      /* index in attrs, -1 if absent */
	uint16_t nunknown;        /* comprehension-required attributes not understood */
	uint16_t unknown[STUN_MAX_UNKNOWN];
};

struct stun_addr {
	uint8_t family; /* enum stun_family */
	uint16_t port;  /* host order */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
};

struct stun_bytes {
	const uint8_t *data;
	uint16_t len;
};

struct stun_error_code {
	uint16_t code; /* 300..699 */
	struct stun_bytes reason;
};

struct stun_channel_data {
	uint16_t channel;
	uint16_t len;
	const uint8_t *data;
};

/* ---- decoding (stun_decode.c) ---- */

/* RFC 8489 §5, §14: frame one datagram into a view. */
enum stun_result stun_decode(const uint8_t *buf, size_t len, struct stun_msg *msg);

/* RFC 8489 §12: the same framing for an RFC 3489 message, which has no magic
 * cookie (a message with the cookie is refused with STUN_NOT_CLASSIC). Only a
 * Binding request is served this way, answered with MAPPED-ADDRESS. */
enum stun_result stun_decode_classic(const uint8_t *buf, size_t len, struct stun_msg *msg);
#define STUN_CLASSIC_TID_LEN 16

/* A quick look that tells whether buf could be a STUN message (RFC 8489 §5, §7.3). */
bool stun_is_message(const uint8_t *buf, size_t len);

/* Index of the n-th (0-based) attribute of a type, or -1. */
int stun_find(const struct stun_msg *msg, uint16_t type, unsigned int nth);

static inline const uint8_t *
stun_attr_value(const struct stun_msg *msg, const struct stun_attr *a)
{
	return msg->buf + a->offset;
}

/* RFC 8489 §5: method and class in and out of the 14-bit message type. */
static inline uint16_t
stun_type_make(uint16_t method, uint8_t cls)
{
	return (uint16_t)(((method & 0xF80) << 2) | ((method & 0x070) << 1) | (method & 0x00F) |
			  ((cls & 0x2) << 7) | ((cls & 0x1) << 4));
}

static inline uint16_t
stun_type_method(uint16_t type)
{
	return (uint16_t)(((type & 0x3E00) >> 2) | ((type & 0x00E0) >> 1) | (type & 0x000F));
}

static inline uint8_t
stun_type_class(uint16_t type)
{
	return (uint8_t)(((type & 0x0100) >> 7) | ((type & 0x0010) >> 4));
}

/* ---- typed attribute accessors (stun_attr.c) ----
 * Each takes the attribute's index (from stun_find) or, for the _get forms,
 * finds the first one. */

enum stun_result stun_attr_addr(const struct stun_msg *msg, int idx, struct stun_addr *out);
enum stun_result stun_attr_xor_addr(const struct stun_msg *msg, int idx, struct stun_addr *out);
enum stun_result stun_attr_u32(const struct stun_msg *msg, int idx, uint32_t *out);
enum stun_result stun_attr_bytes(const struct stun_msg *msg, int idx, struct stun_bytes *out);

enum stun_result stun_get_mapped_address(const struct stun_msg *msg, struct stun_addr *out);
enum stun_result stun_get_xor_mapped_address(const struct stun_msg *msg, struct stun_addr *out);
enum stun_result stun_get_xor_peer_address(const struct stun_msg *msg, unsigned int nth,
					   struct stun_addr *out);
enum stun_result stun_get_xor_relayed_address(const struct stun_msg *msg, unsigned int nth,
					      struct stun_addr *out);
enum stun_result stun_get_alternate_server(const struct stun_msg *msg, struct stun_addr *out);
enum stun_result stun_get_username(const struct stun_msg *msg, struct stun_bytes *out);
enum stun_result stun_get_userhash(const struct stun_msg *msg, struct stun_bytes *out);
enum stun_result stun_get_realm(const struct stun_msg *msg, struct stun_bytes *out);
enum stun_result stun_get_nonce(const struct stun_msg *msg, struct stun_bytes *out);
enum stun_result stun_get_software(const struct stun_msg *msg, struct stun_bytes *out);
enum stun_result stun_get_alternate_domain(const struct stun_msg *msg, struct stun_bytes *out);
enum stun_result stun_get_data(const struct stun_msg *msg, struct stun_bytes *out);
enum stun_result stun_get_reservation_token(const struct stun_msg *msg, uint64_t *out);
enum stun_result stun_get_error_code(const struct stun_msg *msg, struct stun_error_code *out);
enum stun_result stun_get_channel_number(const struct stun_msg *msg, uint16_t *out);
enum stun_result stun_get_lifetime(const struct stun_msg *msg, uint32_t *out);
enum stun_result stun_get_requested_transport(const struct stun_msg *msg, uint8_t *protocol);
enum stun_result stun_get_requested_address_family(const struct stun_msg *msg, uint8_t *family);
enum stun_result stun_get_additional_address_family(const struct stun_msg *msg, uint8_t *family);
enum stun_result stun_get_address_error_code(const struct stun_msg *msg, uint8_t *family,
					     struct stun_error_code *out);
enum stun_result stun_get_even_port(const struct stun_msg *msg, bool *reserve_next);
enum stun_result stun_get_icmp(const struct stun_msg *msg, uint8_t *type, uint8_t *code,
			       uint32_t *error_data);
enum stun_result stun_get_fingerprint(const struct stun_msg *msg, uint32_t *out);
bool stun_has_dont_fragment(const struct stun_msg *msg);

/* PASSWORD-ALGORITHM and each entry of PASSWORD-ALGORITHMS (RFC 8489 §14.11, §14.12). */
struct stun_password_alg {
	uint16_t algorithm;
	struct stun_bytes params;
};
enum stun_result stun_get_password_algorithm(const struct stun_msg *msg,
					     struct stun_password_alg *out);
/* Fills up to max entries; *n gets how many the attribute holds. */
enum stun_result stun_get_password_algorithms(const struct stun_msg *msg,
					      struct stun_password_alg *out, unsigned int max,
					      unsigned int *n);
/* UNKNOWN-ATTRIBUTES (RFC 8489 §14.9): up to max types, *n gets the count. */
enum stun_result stun_get_unknown_attributes(const struct stun_msg *msg, uint16_t *out,
					     unsigned int max, unsigned int *n);

/* ---- ChannelData and demultiplexing (stun_channel.c) ---- */

/* RFC 7983 §7: classify a datagram on a TURN port by its first byte. */
enum stun_demux stun_demux(const uint8_t *buf, size_t len);

/* RFC 8656 §12.4/§12.5: frame a ChannelData message. Over UDP the data may be
 * followed by up to 3 bytes of padding. */
enum stun_result stun_channel_decode(const uint8_t *buf, size_t len, struct stun_channel_data *out);
/* The same accepting channels up to max_channel: STUN_CHANNEL_MAX_RFC5766
 * (0x7FFF) for RFC 5766 clients, which RFC 8656 narrowed to 0x4FFF. */
#define STUN_CHANNEL_MAX 0x4FFF
#define STUN_CHANNEL_MAX_RFC5766 0x7FFF
enum stun_result stun_channel_decode_max(const uint8_t *buf, size_t len, uint16_t max_channel,
					 struct stun_channel_data *out);
/* Write the 4-byte ChannelData header. */
void stun_channel_header(uint8_t *hdr, uint16_t channel, uint16_t len);

/* ---- integrity and fingerprint (stun_integrity.c) ---- */

/* RFC 8489 §14.5: HMAC-SHA1 over the message up to MESSAGE-INTEGRITY, with
 * the length field adjusted to end at it. */
enum stun_result stun_check_integrity(const struct stun_msg *msg, const uint8_t *key, size_t keylen);
/* RFC 8489 §14.6: the same with HMAC-SHA256, possibly truncated (16..32 bytes). */
enum stun_result stun_check_integrity_sha256(const struct stun_msg *msg, const uint8_t *key,
					     size_t keylen);
/*
 * A prepared HMAC key (RFC 2104): the hash states after the inner and the
 * outer padded key block, computed once by stun_hmac_key_init(). It is plain
 * memory (no heap, no pointers, nothing fetched): the owner may copy it, keep
 * it read-only beside the key it came from (struct auth does, for its static
 * users, REST secrets and nonce key) and share it between lcores. Each HMAC
 * with it then hashes only the message, saving two compression blocks and
 * every set-up of the one-call forms above and below, which prepare the key
 * on the stack each time.
 */
enum stun_hmac_alg {
	STUN_HMAC_SHA1 = 1,   /* MESSAGE-INTEGRITY, REST passwords */
	STUN_HMAC_SHA256 = 2, /* MESSAGE-INTEGRITY-SHA256, nonces */
};
#define STUN_HMAC_STATE_SIZE 224
#define STUN_HMAC_MAX_LEN 32
struct stun_hmac_key {
	uint8_t alg; /* enum stun_hmac_alg; 0 until initialised */
	_Alignas(8) uint8_t state[STUN_HMAC_STATE_SIZE];
};
/* STUN_OK, or STUN_CRYPTO for an unknown alg. Keys longer than 64 bytes are
 * hashed first, as RFC 2104 says. */
enum stun_result stun_hmac_key_init(struct stun_hmac_key *k, enum stun_hmac_alg alg,
				    const uint8_t *key, size_t keylen);
/* Wipe a prepared key (it stands for the key itself). */
void stun_hmac_key_wipe(struct stun_hmac_key *k);
/* HMAC over a then b (either may be empty) into out; returns the MAC length
 * (20 or 32), 0 when cap is too small or k is not initialised. */
size_t stun_hmac_key_mac(const struct stun_hmac_key *k, const uint8_t *a, size_t alen,
			 const uint8_t *b, size_t blen, uint8_t *out, size_t cap);
/* stun_check_integrity() (SHA1 key) or stun_check_integrity_sha256() (SHA256
 * key) with a prepared key: the same results, byte for byte. */
enum stun_result stun_check_integrity_key(const struct stun_msg *msg,
					  const struct stun_hmac_key *k);

/* RFC 8489 §14.7: CRC-32 of the message up to FINGERPRINT, XORed with 0x5354554E. */
enum stun_result stun_check_fingerprint(const struct stun_msg *msg);
uint32_t stun_fingerprint_value(const uint8_t *buf, size_t len);

/* ---- encoding (stun_encode.c) ---- */

/*
 * Builds one message into a caller's buffer. The first failure (no space)
 * sticks in err and turns later calls into no-ops, so a handler can add
 * everything and check once. The header length is kept current after every
 * attribute.
 */
struct stun_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	uint8_t pad_byte; /* 0 by default; RFC 5769 vectors pad with spaces */
	enum stun_result err;
};

void stun_builder_init(struct stun_builder *b, uint8_t *buf, size_t cap, uint16_t method,
		       uint8_t cls, const uint8_t tid[STUN_TID_LEN]);
void stun_builder_init_classic(struct stun_builder *b, uint8_t *buf, size_t cap, uint16_t method,
			       uint8_t cls, const uint8_t tid[STUN_CLASSIC_TID_LEN]);
enum stun_result stun_add_attr(struct stun_builder *b, uint16_t type, const void *value,
			       uint16_t len);
enum stun_result stun_add_u32(struct stun_builder *b, uint16_t type, uint32_t value);
enum stun_result stun_add_addr(struct stun_builder *b, uint16_t type, const struct stun_addr *a);
enum stun_result stun_add_xor_addr(struct stun_builder *b, uint16_t type,
				   const struct stun_addr *a);
enum stun_result stun_add_string(struct stun_builder *b, uint16_t type, const char *s);
enum stun_result stun_add_error_code(struct stun_builder *b, uint16_t code, const char *reason);
enum stun_result stun_add_unknown_attributes(struct stun_builder *b, const uint16_t *types,
					     unsigned int n);
enum stun_result stun_add_channel_number(struct stun_builder *b, uint16_t channel);
enum stun_result stun_add_requested_transport(struct stun_builder *b, uint8_t protocol);
/* RFC 8489 §14.5/§14.6/§14.7: each must come after every attribute it covers. */
enum stun_result stun_add_message_integrity(struct stun_builder *b, const uint8_t *key,
					    size_t keylen);
enum stun_result stun_add_message_integrity_sha256(struct stun_builder *b, const uint8_t *key,
						   size_t keylen);
/* MESSAGE-INTEGRITY (SHA1 key) or MESSAGE-INTEGRITY-SHA256 (SHA256 key) with a
 * prepared key: the same bytes as the forms above with the raw key. */
enum stun_result stun_add_message_integrity_key(struct stun_builder *b,
						const struct stun_hmac_key *k);
enum stun_result stun_add_fingerprint(struct stun_builder *b);
/* Length of the finished message, or 0 if anything failed (see b->err). */
size_t stun_builder_finish(const struct stun_builder *b);

/* ---- names for people (stun_names.c) ---- */

const char *stun_result_str(enum stun_result r);
const char *stun_result_name(enum stun_result r); /* identifier, for counters */
const char *stun_method_name(uint16_t method);
const char *stun_class_name(uint8_t cls);
const char *stun_attr_name(uint16_t type); /* NULL if unknown */
bool stun_attr_known(uint16_t type);
/* RFC 8489 §14.8 and RFC 8656 §18.14 reason phrases. */
const char *stun_error_reason(uint16_t code);

#endif
