/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 8656 §9.2: receiving a CreatePermission request. */
#include <errno.h>

#include "turn_internal.h"

#define MAX_PEERS_PER_REQUEST TABLE_MAX_PERMS

size_t
turn_handle_create_permission(struct turn_req *r)
{
	size_t reply = 0;
	struct table_alloc *a = turn_find_allocation(r, &reply);
	struct stun_addr peers[MAX_PEERS_PER_REQUEST];
	unsigned int n = 0;

	if (a == NULL)
		return reply;
	/* Every address is checked before any is installed: all or nothing (§9.2). */
	for (;; n++) {
		struct stun_addr p;
		enum stun_result res = stun_get_xor_peer_address(r->msg, n, &p);

		if (res == STUN_ATTR_ABSENT)
			break;
		if (res != STUN_OK || n == MAX_PEERS_PER_REQUEST)
			return turn_reply_error(r, res != STUN_OK ? 400 : 508);

		uint16_t code = turn_check_peer(r, a, &p);

		if (code != 0)
			return turn_reply_error(r, code);
		peers[n] = p;
	}
	if (n == 0)
		return turn_reply_error(r, 400);

	uint64_t expires = r->clk->now_ms + TURN_PERMISSION_LIFETIME * 1000ull;

	for (unsigned int i = 0; i < n; i++)
		if (table_perm_install(a, peers[i].family, peers[i].addr, expires, r->clk->now_ms) != 0)
			return turn_reply_error(r, 508);

	struct stun_builder b;

	metrics_inc(r->mx, METRICS_TURN_PERMISSIONS);
	turn_reply_begin_success(r, &b);
	return turn_reply_finish(r, &b);
}
