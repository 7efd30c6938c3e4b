/* SPDX-License-Identifier: BSD-3-Clause */
/* The control lcore's own state and its expiry sweep. */
#include <string.h>

#include <rte_random.h>

#include "turn_internal.h"

int
turn_control_init(struct turn_control *ctl, const struct turn_server *srv, uint32_t capacity,
		  int socket)
{
	memset(ctl, 0, sizeof(*ctl));
	ctl->srv = srv;
	ctl->token_state = rte_rand() | 1;
	ctl->quota = turn_quota_create(capacity, socket);
	return ctl->quota != NULL ? 0 : -1;
}

void
turn_control_free(struct turn_control *ctl)
{
	turn_quota_free(ctl->quota);
	ctl->quota = NULL;
	turn_failures_free(ctl->failures);
	ctl->failures = NULL;
}

struct sweep_ctx {
	struct turn_control *ctl;
	unsigned int expired;
};

static void
on_expire(void *arg, struct table_alloc *a)
{
	struct sweep_ctx *s = arg;

	const struct table_alloc_owner *o = table_owner(s->ctl->srv->table, a);

	turn_event_allocation(s->ctl, TURN_EVENT_EXPIRED, a);
	turn_quota_release(s->ctl->quota, o->username, o->username_len);
	s->expired++;
}

unsigned int
turn_control_sweep(struct turn_control *ctl, const struct turn_clock *clk, unsigned int budget)
{
	struct sweep_ctx s = { .ctl = ctl };

	if (ctl->srv->table == NULL)
		return 0;
	turn_reservations_expire(ctl, clk->now_ms);
	turn_failures_sweep(ctl->failures, clk->now_ms);
	table_sweep(ctl->srv->table, clk->now_ms, budget, on_expire, &s);
	return s.expired;
}

/* Tokens are unguessable enough for a 30 s reservation: rte_rand mixed per control lcore. */
int
turn_reservation_add(struct turn_control *ctl, uint8_t family, uint32_t pair, uint64_t now_ms,
		     uint64_t *token)
{
	for (unsigned int i = 0; i < TURN_RESERVATIONS_MAX; i++) {
		struct turn_reservation *r = &ctl->reservations[i];

		if (r->token != 0)
			continue;
		do {
			ctl->token_state ^= rte_rand();
			r->token = ctl->token_state;
		} while (r->token == 0);
		r->family = family;
		r->pair = pair;
		r->expires_ms = now_ms + TURN_RESERVATION_LIFETIME_MS;
		ctl->reservation_count++;
		*token = r->token;
		return 0;
	}
	return -1;
}

struct turn_reservation *
turn_reservation_find(struct turn_control *ctl, uint64_t token, uint64_t now_ms)
{
	if (token == 0 || ctl->reservation_count == 0)
		return NULL;
	for (unsigned int i = 0; i < TURN_RESERVATIONS_MAX; i++) {
		struct turn_reservation *r = &ctl->reservations[i];

		if (r->token == token)
			return now_ms < r->expires_ms ? r : NULL;
	}
	return NULL;
}

void
turn_reservation_remove(struct turn_control *ctl, struct turn_reservation *r, bool give_back)
{
	if (give_back && ctl->srv->table != NULL)
		table_reservation_cancel(ctl->srv->table, r->family, r->pair);
	memset(r, 0, sizeof(*r));
	ctl->reservation_count--;
}

void
turn_reservations_expire(struct turn_control *ctl, uint64_t now_ms)
{
	for (unsigned int i = 0; i < TURN_RESERVATIONS_MAX && ctl->reservation_count > 0; i++) {
		struct turn_reservation *r = &ctl->reservations[i];

		if (r->token != 0 && now_ms >= r->expires_ms)
			turn_reservation_remove(ctl, r, true);
	}
}
