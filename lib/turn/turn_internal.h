/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TURN_INTERNAL_H
#define DTURN_TURN_INTERNAL_H

/* Private to lib/turn: what the request handlers share. */

#include "turn.h"

/* One request being answered: the decoded message and who is asking. */
struct turn_req {
	struct turn_control *ctl;
	const struct turn_server *srv;
	const struct stun_msg *msg;
	const struct turn_endpoints *ep;
	const struct turn_clock *clk;
	struct auth_identity id;   /* valid once authenticated */
	bool authenticated;
	uint8_t *out;
	size_t cap;
	struct metrics_lcore *mx;
};

/* turn_reply.c: responses. Signed with the request's key once it authenticated. */
size_t turn_reply_error(struct turn_req *r, uint16_t code);
size_t turn_reply_error_reason(struct turn_req *r, uint16_t code, const char *reason);
size_t turn_reply_challenge(struct turn_req *r);
void turn_reply_begin_success(struct turn_req *r, struct stun_builder *b);
size_t turn_reply_finish(struct turn_req *r, struct stun_builder *b);

/* turn_request.c: RFC 8489 §9.2.4 with the RFC 8656 rules; true when it may go on. */
bool turn_authenticate(struct turn_req *r, size_t *reply_len);
void turn_count_failure(struct turn_req *r, uint16_t code);
/* Tell the app (turn_control.on_event) about an allocation; the owner record must still be there. */
void turn_event_allocation(struct turn_control *ctl, enum turn_event ev, const struct table_alloc *a);
/* The allocation of the request's 5-tuple, checked against the credentials (437, 441). */
struct table_alloc *turn_find_allocation(struct turn_req *r, size_t *reply_len);
/* max(default, min(requested, max)) seconds (RFC 8656 §7.2, §7.3). */
uint32_t turn_lifetime(const struct turn_server *srv, const struct stun_msg *msg, bool *zero);

size_t turn_handle_allocate(struct turn_req *r);
size_t turn_handle_refresh(struct turn_req *r);
size_t turn_handle_create_permission(struct turn_req *r);
size_t turn_handle_channel_bind(struct turn_req *r);

/* A peer address of a request checked for family and policy: 0, or the error code. */
uint16_t turn_check_peer(struct turn_req *r, const struct table_alloc *a, const struct stun_addr *peer);

/* turn_relay.c: §10.2 Send indication from a client. */
enum turn_verdict turn_handle_send(const struct turn_server *srv, const struct stun_msg *msg,
				   const struct turn_endpoints *ep, const struct turn_clock *clk,
				   struct turn_relay *rel, struct metrics_lcore *mx);

/* turn_control.c: RFC 8656 §7.2 reservations (EVEN-PORT R bit, RESERVATION-TOKEN). */
int turn_reservation_add(struct turn_control *ctl, uint8_t family, uint32_t pair, uint64_t now_ms,
			 uint64_t *token);
struct turn_reservation *turn_reservation_find(struct turn_control *ctl, uint64_t token,
					       uint64_t now_ms);
void turn_reservation_remove(struct turn_control *ctl, struct turn_reservation *r, bool give_back);
void turn_reservations_expire(struct turn_control *ctl, uint64_t now_ms);

/* turn_admin.c: the answer to an Allocate while draining (300 + ALTERNATE-SERVER, or 508). */
size_t turn_reply_drain(struct turn_req *r);

/* turn_quota.c (control lcore only) */
int turn_quota_take(struct turn_quota *q, const char *user, uint16_t len, uint32_t limit);
void turn_quota_release(struct turn_quota *q, const char *user, uint16_t len);
struct turn_quota *turn_quota_create(uint32_t capacity, int socket);
void turn_quota_free(struct turn_quota *q);

#endif
