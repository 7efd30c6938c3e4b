/* SPDX-License-Identifier: BSD-3-Clause */
/* The Binding service: a client learns its reflexive transport address. */
#include <string.h>

#include "turn.h"

/* RFC 5780 §7.2 / RFC 3489 §11.2.4: CHANGE-REQUEST flags (change IP 0x4, change port 0x2). */
#define CHANGE_REQUEST_FLAGS 0x6

static bool
asks_for_change(const struct stun_msg *req)
{
	uint32_t flags;

	return stun_attr_u32(req, stun_find(req, STUN_ATTR_CHANGE_REQUEST, 0), &flags) == STUN_OK &&
	       (flags & CHANGE_REQUEST_FLAGS) != 0;
}

static void
add_software(struct stun_builder *b, const struct turn_server *srv)
{
	if (srv->software_len > 0)
		stun_add_attr(b, STUN_ATTR_SOFTWARE, srv->software, srv->software_len);
}

static size_t
finish(struct stun_builder *b, struct metrics_lcore *mx, enum metrics_counter answered)
{
	size_t n = stun_builder_finish(b);

	metrics_inc(mx, n > 0 ? answered : METRICS_DROP_STUN_ENCODE);
	return n;
}

size_t
turn_respond_unknown_attributes(const struct turn_server *srv, const struct stun_msg *req,
				uint8_t *out, size_t cap, struct metrics_lcore *mx)
{
	struct stun_builder b;

	stun_builder_init(&b, out, cap, req->method, STUN_CLASS_ERROR, req->tid);
	stun_add_error_code(&b, 420, stun_error_reason(420));
	stun_add_unknown_attributes(&b, req->unknown, req->nunknown);
	add_software(&b, srv);
	if (req->fingerprint >= 0)
		stun_add_fingerprint(&b);
	return finish(&b, mx, METRICS_STUN_ERROR_ANSWERED);
}

/* RFC 8489 §12.2: an RFC 3489 client reads MAPPED-ADDRESS and knows no FINGERPRINT. */
static size_t
respond_classic(const struct turn_server *srv, const struct stun_msg *req,
		const struct turn_endpoints *ep, uint8_t *out, size_t cap, struct metrics_lcore *mx)
{
	struct stun_builder b;

	/* There is no alternate address to answer from; silence is what a client
	 * expects from a server that cannot honour the change (RFC 3489 §10.1). */
	if (asks_for_change(req)) {
		metrics_inc(mx, METRICS_DROP_STUN_CHANGE_REQUEST);
		return 0;
	}
	/* No SOFTWARE: RFC 3489's SERVER attribute must be a multiple of 4 bytes
	 * long, and clients of that age reject the whole response otherwise. */
	stun_builder_init_classic(&b, out, cap, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, req->tid);
	stun_add_addr(&b, STUN_ATTR_MAPPED_ADDRESS, &ep->client);
	return finish(&b, mx, METRICS_STUN_CLASSIC_ANSWERED);
}

size_t
turn_handle_binding(const struct turn_server *srv, const struct stun_msg *req,
		    const struct turn_endpoints *ep, uint8_t *out, size_t cap,
		    struct metrics_lcore *mx)
{
	struct stun_builder b;

	if (req->classic)
		return respond_classic(srv, req, ep, out, cap, mx);
	if (req->nunknown > 0)
		return turn_respond_unknown_attributes(srv, req, out, cap, mx);
	/* RFC 5780 §7.2: no alternate address here, so the change cannot be honoured. */
	if (asks_for_change(req)) {
		static const uint16_t change_request = STUN_ATTR_CHANGE_REQUEST;

		stun_builder_init(&b, out, cap, req->method, STUN_CLASS_ERROR, req->tid);
		stun_add_error_code(&b, 420, stun_error_reason(420));
		stun_add_unknown_attributes(&b, &change_request, 1);
		add_software(&b, srv);
		if (req->fingerprint >= 0)
			stun_add_fingerprint(&b);
		return finish(&b, mx, METRICS_STUN_ERROR_ANSWERED);
	}

	stun_builder_init(&b, out, cap, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, req->tid);
	stun_add_xor_addr(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &ep->client);
	add_software(&b, srv);
	/* §14.7: a client that sent FINGERPRINT gets one back. */
	if (req->fingerprint >= 0)
		stun_add_fingerprint(&b);
	return finish(&b, mx, METRICS_STUN_BINDING_ANSWERED);
}
