/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A STUN message: header line, one line per attribute with its decoded value,
 * and the FINGERPRINT, MESSAGE-INTEGRITY(-SHA256) and USERHASH checks.
 * Every value is read through lib/stun's accessors, so the tool shows what
 * the relay itself would read.
 */
#include <string.h>

#include "auth_keys.h"
#include "decode.h"

/* Long-term credentials resolved for one message. */
struct creds {
	const uint8_t *user, *realm;
	size_t ulen, rlen;
	const char *missing; /* why the long-term key cannot be made, or NULL */
};

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A view holding only attrs[i], so the find-the-first accessors read that one. */
static void
single_attr_view(const struct stun_msg *msg, unsigned int i, struct stun_msg *one)
{
	*one = *msg;
	one->attrs[0] = msg->attrs[i];
	one->nattrs = 1;
	one->integrity = -1;
	one->integrity_sha256 = -1;
	one->fingerprint = msg->attrs[i].type == STUN_ATTR_FINGERPRINT ? 0 : -1;
	one->nunknown = 0;
}

static const char *
attr_label(uint16_t type, char *buf, size_t cap)
{
	const char *name = stun_attr_name(type);

	if (name != NULL)
		return name;
	snprintf(buf, cap, "0x%04X (unknown, comprehension-%s)", type,
		 type < 0x8000 ? "required" : "optional");
	return buf;
}

static void
resolve_creds(const struct decode_opts *opts, const struct stun_msg *msg, struct creds *c)
{
	struct stun_bytes b;

	memset(c, 0, sizeof(*c));
	if (opts->user != NULL) {
		c->user = (const uint8_t *)opts->user;
		c->ulen = strlen(opts->user);
	} else if (stun_get_username(msg, &b) == STUN_OK) {
		c->user = b.data;
		c->ulen = b.len;
	}
	if (opts->realm != NULL) {
		c->realm = (const uint8_t *)opts->realm;
		c->rlen = strlen(opts->realm);
	} else if (stun_get_realm(msg, &b) == STUN_OK) {
		c->realm = b.data;
		c->rlen = b.len;
	}
	if (c->user == NULL)
		c->missing = "no --user and no USERNAME";
	else if (c->realm == NULL)
		c->missing = "no --realm and no REALM";
}

/* The long-term key by password algorithm; returns its length or 0. */
static size_t
long_term_key(const struct decode_opts *opts, const struct creds *c, uint16_t alg, uint8_t *key)
{
	const uint8_t *p = (const uint8_t *)opts->password;
	size_t plen = strlen(opts->password);

	if (alg == STUN_PASSWORD_ALGORITHM_SHA256)
		return auth_key_long_term_sha256(c->user, c->ulen, c->realm, c->rlen, p, plen,
						 key) == 0 ? AUTH_SHA256_KEY_LEN : 0;
	return auth_key_long_term_md5(c->user, c->ulen, c->realm, c->rlen, p, plen, key) == 0 ?
		       AUTH_MD5_KEY_LEN : 0;
}

static enum stun_result
check_mac(const struct stun_msg *msg, bool sha256, const uint8_t *key, size_t keylen)
{
	return sha256 ? stun_check_integrity_sha256(msg, key, keylen)
		      : stun_check_integrity(msg, key, keylen);
}

static const char *
alg_name(uint16_t alg)
{
	switch (alg) {
	case STUN_PASSWORD_ALGORITHM_MD5: return "MD5";
	case STUN_PASSWORD_ALGORITHM_SHA256: return "SHA-256";
	default: return "unknown algorithm";
	}
}

/*
 * MESSAGE-INTEGRITY(-SHA256). Short-term: the key is --key. Long-term: the
 * PASSWORD-ALGORITHM of the message picks the key if it has one; otherwise
 * MD5 for MESSAGE-INTEGRITY and SHA-256 for MESSAGE-INTEGRITY-SHA256. On a
 * mismatch the other key is tried, to tell a wrong password from a wrong
 * algorithm.
 */
static void
integrity_text(const struct decode_opts *opts, const struct stun_msg *msg, bool sha256,
	       char *out, size_t cap, struct verdict *v)
{
	const char *what = sha256 ? "MESSAGE-INTEGRITY-SHA256" : "MESSAGE-INTEGRITY";
	enum stun_result r;

	if (opts->key != NULL) {
		r = check_mac(msg, sha256, (const uint8_t *)opts->key, strlen(opts->key));
		if (r == STUN_OK) {
			snprintf(out, cap, "verified (short-term key)");
			return;
		}
		snprintf(out, cap, "FAIL: %s (%s)", stun_result_str(r), stun_result_name(r));
		verdict_fail(v, "%s: %s (%s)", what, stun_result_str(r), stun_result_name(r));
		return;
	}
	if (opts->password == NULL) {
		snprintf(out, cap, "not checked (no credentials)");
		verdict_note(v, "%s not checked: no credentials", what);
		return;
	}

	struct creds c;

	resolve_creds(opts, msg, &c);
	if (c.missing != NULL) {
		snprintf(out, cap, "not checked (%s)", c.missing);
		verdict_note(v, "%s not checked: %s", what, c.missing);
		return;
	}

	struct stun_password_alg pa;
	uint16_t alg = sha256 ? STUN_PASSWORD_ALGORITHM_SHA256 : STUN_PASSWORD_ALGORITHM_MD5;

	if (stun_get_password_algorithm(msg, &pa) == STUN_OK &&
	    (pa.algorithm == STUN_PASSWORD_ALGORITHM_MD5 ||
	     pa.algorithm == STUN_PASSWORD_ALGORITHM_SHA256))
		alg = pa.algorithm;

	uint8_t key[AUTH_SHA256_KEY_LEN];
	size_t keylen = long_term_key(opts, &c, alg, key);

	r = keylen > 0 ? check_mac(msg, sha256, key, keylen) : STUN_CRYPTO;
	if (r == STUN_OK) {
		snprintf(out, cap, "verified (long-term, %s key)", alg_name(alg));
		return;
	}

	uint16_t other = alg == STUN_PASSWORD_ALGORITHM_MD5 ? STUN_PASSWORD_ALGORITHM_SHA256
							     : STUN_PASSWORD_ALGORITHM_MD5;
	size_t otherlen = long_term_key(opts, &c, other, key);
	bool other_ok = otherlen > 0 && check_mac(msg, sha256, key, otherlen) == STUN_OK;

	snprintf(out, cap, "FAIL: %s (%s) with the long-term %s key%s%s", stun_result_str(r),
		 stun_result_name(r), alg_name(alg), other_ok ? "; verifies with the " : "",
		 other_ok ? alg_name(other) : "");
	verdict_fail(v, "%s: %s (%s)", what, stun_result_str(r), stun_result_name(r));
}

static void
fingerprint_text(const struct stun_msg *msg, unsigned int i, char *out, size_t cap,
		 struct verdict *v)
{
	const struct stun_attr *a = &msg->attrs[i];
	const uint8_t *val = stun_attr_value(msg, a);
	uint32_t got = (uint32_t)val[0] << 24 | (uint32_t)val[1] << 16 | (uint32_t)val[2] << 8 |
		       val[3];
	enum stun_result r = stun_check_fingerprint(msg);

	if (r == STUN_OK) {
		snprintf(out, cap, "%08x (verified)", got);
		return;
	}
	snprintf(out, cap, "%08x (MISMATCH: expected %08x)", got,
		 stun_fingerprint_value(msg->buf, a->offset - STUN_ATTR_HEADER_LEN));
	verdict_fail(v, "FINGERPRINT: %s (%s)", stun_result_str(r), stun_result_name(r));
}

static void
userhash_text(const struct decode_opts *opts, const struct stun_msg *one, char *out, size_t cap,
	      struct verdict *v, const struct stun_msg *msg)
{
	struct stun_bytes b;
	char hex[2 * 32 + 1];
	enum stun_result r = stun_get_userhash(one, &b);

	if (r != STUN_OK) {
		snprintf(out, cap, "invalid: %s (%s)", stun_result_str(r), stun_result_name(r));
		verdict_fail(v, "USERHASH: %s (%s)", stun_result_str(r), stun_result_name(r));
		return;
	}
	fmt_hex(hex, sizeof(hex), b.data, b.len, 32);
	if (opts->user == NULL) {
		snprintf(out, cap, "%s (not checked: no --user)", hex);
		return;
	}

	struct creds c;
	uint8_t h[AUTH_USERHASH_LEN];

	resolve_creds(opts, msg, &c);
	if (c.missing != NULL) {
		snprintf(out, cap, "%s (not checked: %s)", hex, c.missing);
		return;
	}
	if (auth_userhash(c.user, c.ulen, c.realm, c.rlen, h) != 0) {
		snprintf(out, cap, "%s (FAIL: %s)", hex, stun_result_str(STUN_CRYPTO));
		verdict_fail(v, "USERHASH: %s", stun_result_str(STUN_CRYPTO));
	} else if (memcmp(h, b.data, sizeof(h)) == 0) {
		snprintf(out, cap, "%s (matches SHA-256(user:realm))", hex);
	} else {
		snprintf(out, cap, "%s (MISMATCH: SHA-256(user:realm) differs)", hex);
		verdict_fail(v, "USERHASH does not match SHA-256(user:realm)");
	}
}

static const char *
family_name(uint8_t family)
{
	switch (family) {
	case STUN_FAMILY_IPV4: return "IPv4";
	case STUN_FAMILY_IPV6: return "IPv6";
	default: return "unknown family";
	}
}

static const char *
transport_name(uint8_t proto)
{
	switch (proto) {
	case 17: return "UDP";
	case 6: return "TCP";
	default: return "unknown protocol";
	}
}

static void
error_code_text(const struct stun_error_code *ec, char *out, size_t cap)
{
	char reason[VALUE_TEXT_MAX - 256]; /* 763 bytes, each at most 4 escaped */

	fmt_quoted(reason, sizeof(reason), ec->reason.data, ec->reason.len);
	snprintf(out, cap, "%u %s (standard reason: %s)", ec->code, reason,
		 stun_error_reason(ec->code));
}

static void
password_alg_text(const struct stun_password_alg *pa, char *out, size_t cap)
{
	char params[VALUE_TEXT_MAX / 4];

	if (pa->params.len == 0) {
		snprintf(out, cap, "%s (0x%04x)", alg_name(pa->algorithm), pa->algorithm);
		return;
	}
	fmt_hex(params, sizeof(params), pa->params.data, pa->params.len, HEX_SHOWN_MAX);
	snprintf(out, cap, "%s (0x%04x) params %s", alg_name(pa->algorithm), pa->algorithm, params);
}

static void
list_append(char *out, size_t cap, const char *item)
{
	size_t n = strlen(out);
	size_t add = strlen(item);

	if (n > 0 && n + 2 < cap) {
		memcpy(out + n, ", ", 2);
		n += 2;
	}
	if (add > cap - 1 - n)
		add = cap - 1 - n;
	memcpy(out + n, item, add);
	out[n + add] = '\0';
}

/*
 * The value of attrs[i] as text. Returns the accessor's result so an
 * attribute whose value is malformed for its type fails the message.
 */
static enum stun_result
value_text(const struct decode_opts *opts, const struct stun_msg *msg, unsigned int i, char *out,
	   size_t cap, struct verdict *v)
{
	const struct stun_attr *a = &msg->attrs[i];
	const uint8_t *val = stun_attr_value(msg, a);
	struct stun_msg one;
	struct stun_addr addr;
	struct stun_bytes b;
	struct stun_error_code ec;
	uint32_t u32;
	uint8_t u8;
	enum stun_result r = STUN_OK;
	char tmp[VALUE_TEXT_MAX - 128];

	single_attr_view(msg, i, &one);
	out[0] = '\0';
	switch (a->type) {
	case STUN_ATTR_MAPPED_ADDRESS:
	case STUN_ATTR_ALTERNATE_SERVER:
	case STUN_ATTR_RESPONSE_ORIGIN:
	case STUN_ATTR_OTHER_ADDRESS:
		r = stun_attr_addr(msg, (int)i, &addr);
		if (r == STUN_OK)
			fmt_addr(out, cap, &addr);
		break;
	case STUN_ATTR_XOR_MAPPED_ADDRESS:
	case STUN_ATTR_XOR_PEER_ADDRESS:
	case STUN_ATTR_XOR_RELAYED_ADDRESS:
		r = stun_attr_xor_addr(msg, (int)i, &addr);
		if (r == STUN_OK)
			fmt_addr(out, cap, &addr);
		break;
	case STUN_ATTR_USERNAME:
	case STUN_ATTR_REALM:
	case STUN_ATTR_NONCE:
	case STUN_ATTR_SOFTWARE:
	case STUN_ATTR_ALTERNATE_DOMAIN:
		r = a->type == STUN_ATTR_USERNAME ? stun_get_username(&one, &b)
		    : a->type == STUN_ATTR_REALM  ? stun_get_realm(&one, &b)
		    : a->type == STUN_ATTR_NONCE  ? stun_get_nonce(&one, &b)
		    : a->type == STUN_ATTR_SOFTWARE ? stun_get_software(&one, &b)
						    : stun_get_alternate_domain(&one, &b);
		if (r == STUN_OK)
			fmt_quoted(out, cap, b.data, b.len);
		break;
	case STUN_ATTR_ERROR_CODE:
		r = stun_get_error_code(&one, &ec);
		if (r == STUN_OK)
			error_code_text(&ec, out, cap);
		break;
	case STUN_ATTR_ADDRESS_ERROR_CODE:
		r = stun_get_address_error_code(&one, &u8, &ec);
		if (r == STUN_OK) {
			error_code_text(&ec, tmp, sizeof(tmp));
			snprintf(out, cap, "%s (0x%02x): %s", family_name(u8), u8, tmp);
		}
		break;
	case STUN_ATTR_UNKNOWN_ATTRIBUTES: {
		uint16_t types[STUN_MAX_ATTRS];
		unsigned int n = 0;

		r = stun_get_unknown_attributes(&one, types, STUN_MAX_ATTRS, &n);
		for (unsigned int k = 0; r == STUN_OK && k < n && k < STUN_MAX_ATTRS; k++) {
			char label[64];

			list_append(out, cap, attr_label(types[k], label, sizeof(label)));
		}
		if (r == STUN_OK && n > STUN_MAX_ATTRS) {
			snprintf(tmp, sizeof(tmp), "... (%u in all)", n);
			list_append(out, cap, tmp);
		}
		if (r == STUN_OK && n == 0)
			snprintf(out, cap, "(none)");
		break;
	}
	case STUN_ATTR_CHANNEL_NUMBER: {
		uint16_t ch;

		r = stun_get_channel_number(&one, &ch);
		if (r == STUN_OK)
			snprintf(out, cap, "0x%04x", ch);
		break;
	}
	case STUN_ATTR_LIFETIME:
		r = stun_get_lifetime(&one, &u32);
		if (r == STUN_OK)
			snprintf(out, cap, "%u s", u32);
		break;
	case STUN_ATTR_REQUESTED_TRANSPORT:
		r = stun_get_requested_transport(&one, &u8);
		if (r == STUN_OK)
			snprintf(out, cap, "%s(%u)", transport_name(u8), u8);
		break;
	case STUN_ATTR_REQUESTED_ADDRESS_FAMILY:
	case STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY:
		r = a->type == STUN_ATTR_REQUESTED_ADDRESS_FAMILY
			    ? stun_get_requested_address_family(&one, &u8)
			    : stun_get_additional_address_family(&one, &u8);
		if (r == STUN_OK)
			snprintf(out, cap, "%s (0x%02x)", family_name(u8), u8);
		break;
	case STUN_ATTR_EVEN_PORT: {
		bool reserve;

		r = stun_get_even_port(&one, &reserve);
		if (r == STUN_OK)
			snprintf(out, cap, "R=%d (%s)", reserve, reserve ? "reserve the next port"
								: "no reservation");
		break;
	}
	case STUN_ATTR_RESERVATION_TOKEN: {
		uint64_t token;

		r = stun_get_reservation_token(&one, &token);
		if (r == STUN_OK)
			snprintf(out, cap, "%016llx", (unsigned long long)token);
		break;
	}
	case STUN_ATTR_ICMP: {
		uint8_t type, code;

		r = stun_get_icmp(&one, &type, &code, &u32);
		if (r == STUN_OK)
			snprintf(out, cap, "type %u code %u data 0x%08x", type, code, u32);
		break;
	}
	case STUN_ATTR_PASSWORD_ALGORITHM: {
		struct stun_password_alg pa;

		r = stun_get_password_algorithm(&one, &pa);
		if (r == STUN_OK)
			password_alg_text(&pa, out, cap);
		break;
	}
	case STUN_ATTR_PASSWORD_ALGORITHMS: {
		struct stun_password_alg algs[8];
		unsigned int n = 0;

		r = stun_get_password_algorithms(&one, algs, 8, &n);
		for (unsigned int k = 0; r == STUN_OK && k < n && k < 8; k++) {
			password_alg_text(&algs[k], tmp, sizeof(tmp));
			list_append(out, cap, tmp);
		}
		if (r == STUN_OK && n > 8) {
			snprintf(tmp, sizeof(tmp), "... (%u in all)", n);
			list_append(out, cap, tmp);
		}
		if (r == STUN_OK && n == 0)
			snprintf(out, cap, "(none)");
		break;
	}
	case STUN_ATTR_USERHASH:
		userhash_text(opts, &one, out, cap, v, msg);
		return STUN_OK; /* userhash_text judges the value itself */
	case STUN_ATTR_PRIORITY:
		r = stun_attr_u32(msg, (int)i, &u32);
		if (r == STUN_OK)
			snprintf(out, cap, "%u", u32);
		break;
	case STUN_ATTR_RESPONSE_PORT:
		r = stun_attr_u32(msg, (int)i, &u32);
		if (r == STUN_OK)
			snprintf(out, cap, "port %u", u32 >> 16);
		break;
	case STUN_ATTR_CHANGE_REQUEST:
		r = stun_attr_u32(msg, (int)i, &u32);
		if (r == STUN_OK)
			snprintf(out, cap, "0x%08x (change IP %s, change port %s)", u32,
				 u32 & 0x4 ? "yes" : "no", u32 & 0x2 ? "yes" : "no");
		break;
	case STUN_ATTR_DONT_FRAGMENT:
	case STUN_ATTR_USE_CANDIDATE:
		if (a->len == 0)
			snprintf(out, cap, "(flag)");
		else
			fmt_hex(out, cap, val, a->len, HEX_SHOWN_MAX);
		break;
	case STUN_ATTR_PADDING:
		snprintf(out, cap, "(%u bytes of padding)", a->len);
		break;
	case STUN_ATTR_FINGERPRINT:
		fingerprint_text(msg, i, out, cap, v);
		break;
	case STUN_ATTR_MESSAGE_INTEGRITY:
	case STUN_ATTR_MESSAGE_INTEGRITY_SHA256: {
		char hex[2 * STUN_HMAC_SHA256_LEN + 1];

		fmt_hex(hex, sizeof(hex), val, a->len, STUN_HMAC_SHA256_LEN);
		integrity_text(opts, msg, a->type == STUN_ATTR_MESSAGE_INTEGRITY_SHA256, tmp,
			       sizeof(tmp), v);
		snprintf(out, cap, "%s %s", hex, tmp);
		break;
	}
	default: /* DATA, ICE-CONTROLLED/ING and anything unknown */
		if (a->len == 0)
			snprintf(out, cap, "(empty)");
		else
			fmt_hex(out, cap, val, a->len, HEX_SHOWN_MAX);
		break;
	}
	return r;
}

static void
print_header(const struct decode_opts *opts, const char *name, const struct stun_msg *msg)
{
	char tid[2 * STUN_TID_LEN + 1];
	char method[32];
	const char *mname = stun_method_name(msg->method);

	if (strcmp(mname, "unknown") == 0)
		snprintf(method, sizeof(method), "method 0x%03x", msg->method);
	else
		snprintf(method, sizeof(method), "%s", mname);
	fmt_hex(tid, sizeof(tid), msg->tid, STUN_TID_LEN, STUN_TID_LEN);
	detail(opts, "%s: STUN %s %s, type 0x%04x, length %u, transaction id %s\n", name, method,
	       stun_class_name(msg->cls), msg->type, (unsigned int)(msg->len - STUN_HEADER_LEN),
	       tid);
}

void
print_stun(const struct decode_opts *opts, const char *name, const uint8_t *buf, size_t len,
	   struct verdict *v)
{
	struct stun_msg msg;
	enum stun_result r = stun_decode(buf, len, &msg);

	if (r != STUN_OK) {
		v->kind = VERDICT_ERROR;
		snprintf(v->why, sizeof(v->why), "%s (%s)", stun_result_str(r), stun_result_name(r));
		return;
	}
	print_header(opts, name, &msg);

	/* Walk the wire's attributes beside the view: the view leaves out those
	 * after MESSAGE-INTEGRITY(-SHA256) that RFC 8489 §14.5/§14.6 ignore. */
	unsigned int i = 0;
	size_t pos = STUN_HEADER_LEN;
	char value[VALUE_TEXT_MAX];
	char label[64];

	while (pos + STUN_ATTR_HEADER_LEN <= len) {
		uint16_t type = rd16(buf + pos);
		uint16_t alen = rd16(buf + pos + 2);
		const char *lab = attr_label(type, label, sizeof(label));

		if (i < msg.nattrs && msg.attrs[i].offset == pos + STUN_ATTR_HEADER_LEN) {
			r = value_text(opts, &msg, i, value, sizeof(value), v);
			if (r != STUN_OK) {
				snprintf(value, sizeof(value), "invalid: %s (%s)",
					 stun_result_str(r), stun_result_name(r));
				verdict_fail(v, "%s: %s (%s)", lab, stun_result_str(r),
					     stun_result_name(r));
			}
			detail(opts, "  %s, length %u: %s\n", lab, alen, value);
			i++;
		} else {
			detail(opts, "  %s, length %u: ignored (after MESSAGE-INTEGRITY, RFC 8489 "
			       "14.5)\n", lab, alen);
		}
		pos += STUN_ATTR_HEADER_LEN + (((size_t)alen + 3) & ~(size_t)3);
	}
	for (unsigned int k = 0; k < msg.nunknown; k++) {
		snprintf(label, sizeof(label), "0x%04X", msg.unknown[k]);
		detail(opts, "  note: comprehension-required attribute %s not understood "
		       "(a server answers 420)\n", label);
	}
}
