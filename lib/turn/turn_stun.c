/* SPDX-License-Identifier: BSD-3-Clause */
/* Dispatch of one STUN datagram on a listening port by method and class. */
#include <string.h>

#include "turn.h"

_Static_assert(METRICS_STUN_REASONS >= STUN_RESULT_MAX, "metrics must hold every stun_result");

void
turn_server_init(struct turn_server *srv, const char *software)
{
	size_t n = software != NULL ? strlen(software) : 0;

	if (n >= TURN_SOFTWARE_MAX)
		n = TURN_SOFTWARE_MAX - 1;
	memcpy(srv->software, software != NULL ? software : "", n);
	srv->software[n] = '\0';
	srv->software_len = (uint16_t)n;
}

static size_t
count_decode_failure(struct metrics_lcore *mx, enum stun_result r)
{
	metrics_inc(mx, METRICS_DROP_STUN_DECODE);
	if ((unsigned int)r < METRICS_STUN_REASONS)
		mx->stun_decode[r]++;
	return 0;
}

size_t
turn_handle_stun(const struct turn_server *srv, const uint8_t *dgram, size_t len,
		 const struct turn_endpoints *ep, uint8_t *out, size_t cap, struct metrics_lcore *mx)
{
	struct stun_msg msg;
	enum stun_result r = stun_decode(dgram, len, &msg);

	/* RFC 8489 §12: without the cookie it may still be an RFC 3489 Binding request. */
	if (r == STUN_BAD_COOKIE) {
		enum stun_result rc = stun_decode_classic(dgram, len, &msg);

		if (rc == STUN_OK && msg.method == STUN_METHOD_BINDING && msg.cls == STUN_CLASS_REQUEST)
			r = STUN_OK;
	}
	if (r != STUN_OK)
		return count_decode_failure(mx, r);

	if (msg.fingerprint >= 0 && stun_check_fingerprint(&msg) != STUN_OK) {
		metrics_inc(mx, METRICS_DROP_STUN_FINGERPRINT);
		return 0;
	}
	if (msg.cls == STUN_CLASS_SUCCESS || msg.cls == STUN_CLASS_ERROR) {
		metrics_inc(mx, METRICS_DROP_STUN_CLASS);
		return 0;
	}

	switch (msg.method) {
	case STUN_METHOD_BINDING:
		if (msg.cls == STUN_CLASS_INDICATION) {
			/* RFC 8489 §6.3.2: keep-alives; nothing to answer. */
			metrics_inc(mx, METRICS_STUN_INDICATION_ACCEPTED);
			return 0;
		}
		return turn_handle_binding(srv, &msg, ep, out, cap, mx);
	default:
		metrics_inc(mx, METRICS_DROP_STUN_METHOD);
		return 0;
	}
}
