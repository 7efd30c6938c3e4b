/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for ChannelData from a client: stun_channel_decode_max
 * and turn_handle_channel_data over a real table (fuzz_world.h: two
 * allocations, channels 0x4000 and 0x4001 bound, a permission for their peer).
 * Input byte 0 picks the sender and the channel range, the rest is the
 * datagram:
 *   bits 0-1: 0 = 198.18.0.2:40000 (has an allocation), 1 = [2001:db8:18::2]:40002
 *             (has one), 2 = 198.18.0.99:40000 (none), 3 = the IPv4 client from
 *             the wrong port 40001 (none)
 *   bit 2:    channel_max 0x4FFF (RFC 8656) instead of 0x7FFF (RFC 5766)
 * Properties beyond "no crash, no ASan/UBSan report":
 * - the decoder agrees with RFC 8656 §12.4/12.5 computed here independently
 *   (number range, length, at most 3 bytes of padding), and its data is
 *   inside the datagram;
 * - every call moves exactly one outcome counter; a decode failure is the
 *   DROP_STUN_DECODE counter plus its stun_decode[] reason;
 * - a relay decision is for a bound channel of an allocation that exists,
 *   goes to that channel's peer from the allocation's relayed address, and
 *   its data is exactly the ChannelData payload.
 */
#include "fuzz_world.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	fw_init((*argv)[0]);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct turn_clock clk = { .now_ms = FW_NOW_MS, .now_s = FW_NOW_S };
	struct metrics_lcore before = FW.mx;
	struct stun_channel_data cd;
	struct turn_endpoints ep;
	struct turn_relay rel;
	enum stun_result r;
	enum turn_verdict v;
	uint16_t max;
	bool want_ok;
	int which;
	uint8_t *copy;

	if (size < 1)
		return -1;
	uint8_t sel = data[0];

	data++;
	size--;
	max = (sel & 4) ? STUN_CHANNEL_MAX : STUN_CHANNEL_MAX_RFC5766;
	/* An exact-size copy, so ASan sees any read past the datagram. */
	copy = malloc(size ? size : 1);
	FW_ASSERT(copy != NULL);
	memcpy(copy, data, size);

	r = stun_channel_decode_max(copy, size, max, &cd);
	want_ok = size >= 4;
	if (want_ok) {
		uint16_t ch = (uint16_t)(copy[0] << 8 | copy[1]);
		uint16_t len = (uint16_t)(copy[2] << 8 | copy[3]);

		want_ok = ch >= 0x4000 && ch <= max && (size_t)len + 4 <= size &&
			  size - 4 - len <= 3;
	}
	FW_ASSERT((r == STUN_OK) == want_ok);
	if (r == STUN_OK) {
		FW_ASSERT(cd.data == copy + 4);
		FW_ASSERT((size_t)cd.len + 4 <= size);
	}

	memset(&ep, 0, sizeof(ep));
	switch (sel & 3) {
	case 0:
		fw_stun_addr(&ep.client, STUN_FAMILY_IPV4, "198.18.0.2", 40000);
		fw_stun_addr(&ep.local, STUN_FAMILY_IPV4, "198.18.0.1", FW_LISTEN);
		break;
	case 1:
		fw_stun_addr(&ep.client, STUN_FAMILY_IPV6, "2001:db8:18::2", 40002);
		fw_stun_addr(&ep.local, STUN_FAMILY_IPV6, "2001:db8:18::1", FW_LISTEN);
		break;
	case 2:
		fw_stun_addr(&ep.client, STUN_FAMILY_IPV4, "198.18.0.99", 40000);
		fw_stun_addr(&ep.local, STUN_FAMILY_IPV4, "198.18.0.1", FW_LISTEN);
		break;
	default:
		fw_stun_addr(&ep.client, STUN_FAMILY_IPV4, "198.18.0.2", 40001);
		fw_stun_addr(&ep.local, STUN_FAMILY_IPV4, "198.18.0.1", FW_LISTEN);
		break;
	}
	FW.srv.channel_max = max;
	memset(&rel, 0xa5, sizeof(rel));
	v = turn_handle_channel_data(&FW.srv, copy, size, &ep, &clk, &rel, &FW.mx);
	FW.srv.channel_max = STUN_CHANNEL_MAX_RFC5766;

	if (fw_outcomes_since(&before, &which) != 1) {
		fprintf(stderr, "verdict %d moved these counters:\n", (int)v);
		fw_dump_moved(&before);
		FW_ASSERT(!"ChannelData moved exactly one outcome counter");
	}
	if (r != STUN_OK) {
		FW_ASSERT(v == TURN_VERDICT_DROP && which == METRICS_DROP_STUN_DECODE);
		FW_ASSERT(FW.mx.stun_decode[r] == before.stun_decode[r] + 1);
	}
	FW_ASSERT(v == TURN_VERDICT_DROP || v == TURN_VERDICT_RELAY);
	if (v == TURN_VERDICT_RELAY) {
		uint8_t f = ep.client.family;
		char peer[INET6_ADDRSTRLEN];
		struct stun_addr want;

		FW_ASSERT(r == STUN_OK && (sel & 3) <= 1);
		FW_ASSERT(cd.channel == 0x4000 || cd.channel == 0x4001);
		FW_ASSERT(!rel.to_client);
		FW_ASSERT(rel.data_offset == 4 && rel.data_len == cd.len);
		FW_ASSERT((uint64_t)rel.data_offset + rel.data_len <= size);
		snprintf(peer, sizeof(peer), "%s", f == STUN_FAMILY_IPV4 ? "198.18.0.3" : "2001:db8:18::3");
		fw_stun_addr(&want, f, peer, cd.channel == 0x4000 ? 5000 : 5001);
		FW_ASSERT(rel.dst.family == f && rel.dst.port == want.port &&
			  memcmp(rel.dst.addr, want.addr, 16) == 0);
		FW_ASSERT(rel.src.family == f && table_is_relay_addr(FW.table, f, rel.src.addr));
		FW_ASSERT(table_relay_port_in_range(FW.table, rel.src.port));
	}
	free(copy);
	return 0;
}
