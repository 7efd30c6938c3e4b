/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 8656 §11.2: receiving a ChannelBind request. */
#include <errno.h>

#include "turn_internal.h"

size_t
turn_handle_channel_bind(struct turn_req *r)
{
	size_t reply = 0;
	struct table_alloc *a = turn_find_allocation(r, &reply);
	struct stun_addr peer;
	uint16_t number, code;

	if (a == NULL)
		return reply;
	if (stun_get_channel_number(r->msg, &number) != STUN_OK)
		return turn_reply_error_reason(r, 400, "Missing or malformed CHANNEL-NUMBER");
	if (number < 0x4000 || number > r->srv->channel_max)
		return turn_reply_error_reason(r, 400, "Channel number out of range");
	if (stun_get_xor_peer_address(r->msg, 0, &peer) != STUN_OK)
		return turn_reply_error_reason(r, 400, "Missing or malformed XOR-PEER-ADDRESS");
	code = turn_check_peer(r, a, &peer);
	if (code != 0)
		return turn_reply_error(r, code);

	uint64_t now = r->clk->now_ms;
	int ret = table_channel_bind(a, number, &peer, now + TURN_CHANNEL_LIFETIME * 1000ull, now);

	/* §11.2: a number serves one peer, a peer one number, until expiry plus 5 minutes. */
	if (ret == -EBUSY)
		return turn_reply_error_reason(r, 400, "Channel number bound to another peer");
	if (ret == -EEXIST)
		return turn_reply_error_reason(r, 400, "Peer bound to another channel number");
	/* §11.2: a binding also installs or refreshes the peer's permission. */
	if (ret != 0 ||
	    table_perm_install(a, peer.family, peer.addr, now + TURN_PERMISSION_LIFETIME * 1000ull, now) != 0)
		return turn_reply_error(r, 508);

	struct stun_builder b;

	metrics_inc(r->mx, METRICS_TURN_CHANNELS);
	turn_reply_begin_success(r, &b);
	return turn_reply_finish(r, &b);
}
