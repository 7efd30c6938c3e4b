/* SPDX-License-Identifier: BSD-3-Clause */
/* Dispatch of one STUN datagram on a listening port by method and class. */
#include <string.h>

#include "turn_internal.h"

_Static_assert(METRICS_STUN_REASONS >= STUN_RESULT_MAX, "metrics must hold every stun_result");

void
turn_server_init(struct turn_server *srv, const char *software)
{
	size_t n = software != NULL ? strlen(software) : 0;

	memset(srv, 0, sizeof(*srv));
	srv->lifetime_max_s = 3600;
	srv->channel_max = STUN_CHANNEL_MAX;
	if (n >= TURN_SOFTWARE_MAX)
		n = TURN_SOFTWARE_MAX - 1;
	memcpy(srv->software, software != NULL ? software : "", n);
	srv->software[n] = '\0';
	srv->software_len = (uint16_t)n;
}

static void
count_decode_failure(struct metrics_lcore *mx, enum stun_result r)
{
	metrics_inc(mx, METRICS_DROP_STUN_DECODE);
	if ((unsigned int)r < METRICS_STUN_REASONS)
		mx->stun_decode[r]++;
}

enum turn_verdict
turn_handle_stun(const struct turn_server *srv, const uint8_t *dgram, size_t len,
		 const struct turn_endpoints *ep, const struct turn_clock *clk, uint8_t *out,
		 size_t cap, size_t *reply_len, struct turn_relay *rel, struct metrics_lcore *mx)
{
	struct stun_msg msg;
	enum stun_result r;

	*reply_len = 0;
	/* Before any decoding: a source that kept failing authentication gets nothing. */
	if (srv->box != NULL && turn_source_blocked(srv->box, &ep->client, clk->now_ms)) {
		metrics_inc(mx, METRICS_DROP_SOURCE_BLOCKED);
		return TURN_VERDICT_DROP;
	}
	r = stun_decode(dgram, len, &msg);
	/* RFC 8489 §12: without the cookie it may still be an RFC 3489 Binding request. */
	if (r == STUN_BAD_COOKIE) {
		enum stun_result rc = stun_decode_classic(dgram, len, &msg);

		if (rc == STUN_OK && msg.method == STUN_METHOD_BINDING && msg.cls == STUN_CLASS_REQUEST)
			r = STUN_OK;
	}
	if (r != STUN_OK) {
		count_decode_failure(mx, r);
		return TURN_VERDICT_DROP;
	}
	if (msg.fingerprint >= 0 && stun_check_fingerprint(&msg) != STUN_OK) {
		metrics_inc(mx, METRICS_DROP_STUN_FINGERPRINT);
		return TURN_VERDICT_DROP;
	}
	if (msg.cls == STUN_CLASS_SUCCESS || msg.cls == STUN_CLASS_ERROR) {
		metrics_inc(mx, METRICS_DROP_STUN_CLASS);
		return TURN_VERDICT_DROP;
	}

	switch (msg.method) {
	case STUN_METHOD_BINDING:
		if (msg.cls == STUN_CLASS_INDICATION) {
			/* RFC 8489 §6.3.2: keep-alives; nothing to answer. */
			metrics_inc(mx, METRICS_STUN_INDICATION_ACCEPTED);
			return TURN_VERDICT_DROP;
		}
		*reply_len = turn_handle_binding(srv, &msg, ep, out, cap, mx);
		return *reply_len > 0 ? TURN_VERDICT_REPLY : TURN_VERDICT_DROP;
	case STUN_METHOD_SEND:
		if (msg.cls != STUN_CLASS_INDICATION)
			break;
		return turn_handle_send(srv, &msg, ep, clk, rel, mx);
	case STUN_METHOD_ALLOCATE:
	case STUN_METHOD_REFRESH:
	case STUN_METHOD_CREATE_PERMISSION:
	case STUN_METHOD_CHANNEL_BIND:
		if (msg.cls != STUN_CLASS_REQUEST)
			break;
		if (srv->auth == NULL || srv->table == NULL) {
			metrics_inc(mx, METRICS_DROP_CONTROL_NO_TURN);
			return TURN_VERDICT_DROP;
		}
		metrics_inc(mx, METRICS_TURN_TO_CONTROL);
		return TURN_VERDICT_CONTROL;
	default:
		break;
	}
	metrics_inc(mx, METRICS_DROP_STUN_METHOD);
	return TURN_VERDICT_DROP;
}
