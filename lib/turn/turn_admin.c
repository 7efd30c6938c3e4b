/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What an operator does to the running relay (dturnctl, through the control
 * lcore's mailbox): delete an allocation, revoke a user, drain. Control lcore
 * only, like every other writer of the table.
 */
#include <errno.h>
#include <string.h>

#include "turn_internal.h"

void
turn_admin_delete(struct turn_control *ctl, struct table_alloc *a, struct metrics_lcore *mx)
{
	const struct table_alloc_owner *o = table_owner(ctl->srv->table, a);

	/* The same steps as Refresh with LIFETIME 0: workers see it dead at once. */
	turn_event_allocation(ctl, TURN_EVENT_ADMIN_DELETED, a);
	turn_quota_release(ctl->quota, o->username, o->username_len);
	table_alloc_delete(ctl->srv->table, a);
	metrics_inc(mx, METRICS_TURN_ADMIN_DELETED);
}

/* name is user, or "<digits>:user" (a TURN REST username for user). */
static bool
name_is_user(const char *name, size_t len, const char *user)
{
	size_t ulen = strlen(user);
	size_t i = 0;

	if (len == ulen)
		return memcmp(name, user, len) == 0;
	if (len < ulen + 2 || name[len - ulen - 1] != ':' || memcmp(name + len - ulen, user, ulen) != 0)
		return false;
	for (i = 0; i < len - ulen - 1; i++)
		if (name[i] < '0' || name[i] > '9')
			return false;
	return true;
}

bool
turn_admin_owner_is(const struct table_alloc_owner *o, const char *user)
{
	return name_is_user(o->username, o->username_len, user);
}

bool
turn_admin_revoked(const struct turn_control *ctl, const char *username, uint16_t len)
{
	for (unsigned int i = 0; i < ctl->revoked_count; i++)
		if (name_is_user(username, len, ctl->revoked[i]))
			return true;
	return false;
}

int
turn_admin_revoke(struct turn_control *ctl, const char *user, struct metrics_lcore *mx)
{
	size_t len = strlen(user);
	bool listed = false;
	int deleted = 0;

	if (len == 0 || len >= TABLE_USERNAME_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < ctl->revoked_count && !listed; i++)
		listed = strcmp(ctl->revoked[i], user) == 0;
	if (!listed) {
		if (ctl->revoked_count == TURN_REVOKED_MAX)
			return -ENOSPC;
		memcpy(ctl->revoked[ctl->revoked_count++], user, len + 1);
	}
	if (ctl->srv->table == NULL)
		return 0;
	for (uint32_t i = 0; i < table_capacity(ctl->srv->table); i++) {
		struct table_alloc *a = table_alloc_at(ctl->srv->table, i);

		if (a != NULL && turn_admin_owner_is(table_owner(ctl->srv->table, a), user)) {
			turn_admin_delete(ctl, a, mx);
			deleted++;
		}
	}
	return deleted;
}

void
turn_admin_unrevoke_all(struct turn_control *ctl)
{
	memset(ctl->revoked, 0, sizeof(ctl->revoked));
	ctl->revoked_count = 0;
}

/*
 * RFC 8489 §10 / RFC 8656 §7.2 while draining: 300 Try Alternate with
 * ALTERNATE-SERVER when one is configured, signed like any answer after
 * authentication; else 508, which clients take as "try later or elsewhere"
 * (a 403 would tell them the request itself is forbidden).
 */
size_t
turn_reply_drain(struct turn_req *r)
{
	struct stun_builder b;

	metrics_inc(r->mx, METRICS_TURN_DRAIN_REFUSED);
	if (r->srv->alternate_server.family == 0)
		return turn_reply_error(r, 508);
	stun_builder_init(&b, r->out, r->cap, r->msg->method, STUN_CLASS_ERROR, r->msg->tid);
	stun_add_error_code(&b, 300, stun_error_reason(300));
	stun_add_addr(&b, STUN_ATTR_ALTERNATE_SERVER, &r->srv->alternate_server);
	return turn_reply_finish(r, &b);
}
