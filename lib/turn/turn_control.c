/* SPDX-License-Identifier: BSD-3-Clause */
/* The control lcore's own state and its expiry sweep. */
#include <string.h>

#include "turn_internal.h"

int
turn_control_init(struct turn_control *ctl, const struct turn_server *srv, uint32_t capacity,
		  int socket)
{
	memset(ctl, 0, sizeof(*ctl));
	ctl->srv = srv;
	ctl->quota = turn_quota_create(capacity, socket);
	return ctl->quota != NULL ? 0 : -1;
}

void
turn_control_free(struct turn_control *ctl)
{
	turn_quota_free(ctl->quota);
	ctl->quota = NULL;
}

struct sweep_ctx {
	struct turn_control *ctl;
	unsigned int expired;
};

static void
on_expire(void *arg, struct table_alloc *a)
{
	struct sweep_ctx *s = arg;

	turn_quota_release(s->ctl->quota, a->owner.username, a->owner.username_len);
	s->expired++;
}

unsigned int
turn_control_sweep(struct turn_control *ctl, const struct turn_clock *clk, unsigned int budget)
{
	struct sweep_ctx s = { .ctl = ctl };

	if (ctl->srv->table == NULL)
		return 0;
	table_sweep(ctl->srv->table, clk->now_ms, budget, on_expire, &s);
	return s.expired;
}
