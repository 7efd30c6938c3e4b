/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 8656 §7.3: receiving a Refresh request. */
#include "turn_internal.h"

size_t
turn_handle_refresh(struct turn_req *r)
{
	size_t reply = 0;
	struct table_alloc *a = turn_find_allocation(r, &reply);
	uint8_t fam;
	bool zero;

	if (a == NULL)
		return reply;
	/* §7.3: a family that does not match the allocation's is 443. */
	bool one_family = stun_find(r->msg, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, 0) >= 0;
	unsigned int families = table_alloc_families(r->srv->table, a);

	if (one_family &&
	    (stun_get_requested_address_family(r->msg, &fam) != STUN_OK ||
	     (fam != STUN_FAMILY_IPV4 && fam != STUN_FAMILY_IPV6) ||
	     !(families & TABLE_FAMILY_BIT(fam))))
		return turn_reply_error(r, 443);

	uint32_t lifetime = turn_lifetime(r->srv, r->msg, &zero);

	/* §7.3: lifetime 0 with a family deletes that half of a dual allocation only. */
	if (zero && one_family && families != TABLE_FAMILY_BIT(fam)) {
		table_alloc_drop_family(r->srv->table, a, fam);
		metrics_inc(r->mx, METRICS_TURN_FAMILY_DELETED);
	} else if (zero) {
		const struct table_alloc_owner *o = table_owner(r->srv->table, a);

		turn_event_allocation(r->ctl, TURN_EVENT_DELETED, a);
		turn_quota_release(r->ctl->quota, o->username, o->username_len);
		table_alloc_delete(r->srv->table, a);
		metrics_inc(r->mx, METRICS_TURN_DELETED);
	} else {
		table_alloc_set_expiry(a, r->clk->now_ms + (uint64_t)lifetime * 1000);
		metrics_inc(r->mx, METRICS_TURN_REFRESHED);
	}

	struct stun_builder b;

	turn_reply_begin_success(r, &b);
	stun_add_u32(&b, STUN_ATTR_LIFETIME, lifetime);
	return turn_reply_finish(r, &b);
}
