/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TURN_H
#define DTURN_TURN_H

/*
 * STUN and TURN semantics on one datagram that arrived on a listening port.
 * Written against plain buffers and addresses (no mbufs), so every handler
 * runs in unit tests without a NIC. Each outcome is counted in the caller's
 * per-lcore metrics.
 */

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "stun.h"

#define TURN_SOFTWARE_MAX 128

/* Server-wide settings, read-only once the workers run. */
struct turn_server {
	char software[TURN_SOFTWARE_MAX]; /* SOFTWARE attribute; empty: not sent */
	uint16_t software_len;
};

/* Where a datagram came from and arrived at. */
struct turn_endpoints {
	struct stun_addr client; /* the source: the client's reflexive address */
	struct stun_addr local;  /* the destination: our address and listening port */
};

/*
 * Handle one datagram that RFC 7983 demultiplexing called STUN. Writes the
 * response (if any) into out and returns its length; 0 means nothing is sent
 * (an indication, or a drop that has been counted).
 */
size_t turn_handle_stun(const struct turn_server *srv, const uint8_t *dgram, size_t len,
			const struct turn_endpoints *ep, uint8_t *out, size_t cap,
			struct metrics_lcore *mx);

/* RFC 8489 §6.3 (and §12 for RFC 3489 clients): answer a Binding request. */
size_t turn_handle_binding(const struct turn_server *srv, const struct stun_msg *req,
			   const struct turn_endpoints *ep, uint8_t *out, size_t cap,
			   struct metrics_lcore *mx);

/* RFC 8489 §6.3.1.1: a 420 naming the unknown comprehension-required attributes. */
size_t turn_respond_unknown_attributes(const struct turn_server *srv, const struct stun_msg *req,
				       uint8_t *out, size_t cap, struct metrics_lcore *mx);

/* Fill a turn_server from its settings. */
void turn_server_init(struct turn_server *srv, const char *software);

#endif
