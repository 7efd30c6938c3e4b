/* SPDX-License-Identifier: BSD-3-Clause */
/* Building responses to TURN requests (RFC 8656 §7-§11, RFC 8489 §9.2.4). */
#include <string.h>

#include "turn_internal.h"

static enum metrics_counter
error_counter(uint16_t code)
{
	switch (code) {
	case 403: return METRICS_TURN_ERROR_403;
	case 437: return METRICS_TURN_ERROR_437;
	case 438: return METRICS_TURN_STALE_NONCE;
	case 440: return METRICS_TURN_ERROR_440;
	case 441: return METRICS_TURN_ERROR_441;
	case 442: return METRICS_TURN_ERROR_442;
	case 443: return METRICS_TURN_ERROR_443;
	case 486: return METRICS_TURN_ERROR_486;
	case 508: return METRICS_TURN_ERROR_508;
	case 401: return METRICS_TURN_AUTH_FAILED;
	case 420: return METRICS_STUN_ERROR_ANSWERED;
	case 400:
	default: return METRICS_TURN_ERROR_400;
	}
}

static void
add_software(struct stun_builder *b, const struct turn_server *srv)
{
	if (srv->software_len > 0)
		stun_add_attr(b, STUN_ATTR_SOFTWARE, srv->software, srv->software_len);
}

/* §9.2.4: a challenge carries the realm, a fresh nonce and the algorithms we offer. */
static void
add_challenge(struct turn_req *r, struct stun_builder *b)
{
	const struct auth *a = r->srv->auth;
	char nonce[AUTH_NONCE_MAX];
	uint8_t algs[16];
	size_t n = auth_nonce_make(a, &r->ep->client, r->clk->now_s, nonce, sizeof(nonce));
	size_t alen = auth_password_algorithms(algs, sizeof(algs));

	stun_add_attr(b, STUN_ATTR_REALM, a->realm, a->realm_len);
	stun_add_attr(b, STUN_ATTR_NONCE, nonce, (uint16_t)n);
	stun_add_attr(b, STUN_ATTR_PASSWORD_ALGORITHMS, algs, (uint16_t)alen);
}

static size_t
build_error(struct turn_req *r, uint16_t code, const char *reason)
{
	struct stun_builder b;

	stun_builder_init(&b, r->out, r->cap, r->msg->method, STUN_CLASS_ERROR, r->msg->tid);
	/*
	 * Whoever forges a source address can have a 401 or 438 sent there, so
	 * those carry no reason phrase (the code says it all) and, like every
	 * answer before authentication, no SOFTWARE: the relay is a poor reflector.
	 */
	stun_add_error_code(&b, code, code == 401 || code == 438 ? "" : reason);
	if (code == 401 || code == 438)
		add_challenge(r, &b);
	if (code == 420)
		stun_add_unknown_attributes(&b, r->msg->unknown, r->msg->nunknown);
	return turn_reply_finish(r, &b);
}

/* An error whose code alone leaves the client guessing which rule it broke. */
size_t
turn_reply_error_reason(struct turn_req *r, uint16_t code, const char *reason)
{
	metrics_inc(r->mx, error_counter(code));
	return build_error(r, code, reason);
}

size_t
turn_reply_error(struct turn_req *r, uint16_t code)
{
	return turn_reply_error_reason(r, code, stun_error_reason(code));
}

/* RFC 8489 §9.2.4: the first answer to a request without credentials. */
size_t
turn_reply_challenge(struct turn_req *r)
{
	metrics_inc(r->mx, METRICS_TURN_CHALLENGED);
	return build_error(r, 401, "");
}

void
turn_reply_begin_success(struct turn_req *r, struct stun_builder *b)
{
	stun_builder_init(b, r->out, r->cap, r->msg->method, STUN_CLASS_SUCCESS, r->msg->tid);
}

/* SOFTWARE, then the integrity the request used (§9.2.4), then FINGERPRINT if it had one. */
size_t
turn_reply_finish(struct turn_req *r, struct stun_builder *b)
{
	if (r->authenticated)
		add_software(b, r->srv);
	/* The key prepared while verifying the request, for the MAC the request used. */
	if (r->authenticated)
		stun_add_message_integrity_key(b, &r->id.hmac);
	if (r->msg->fingerprint >= 0)
		stun_add_fingerprint(b);

	size_t n = stun_builder_finish(b);

	if (n == 0)
		metrics_inc(r->mx, METRICS_DROP_STUN_ENCODE);
	return n;
}
