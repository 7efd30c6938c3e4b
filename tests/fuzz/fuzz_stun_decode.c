/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the STUN and ChannelData decoders (lib/stun).
 * Properties checked on every input, beyond "no crash, no sanitizer report":
 * - a decoded view only points inside the input, and every typed accessor
 *   returns cleanly on every attribute index (and on bad ones);
 * - re-encoding the view with the builder (each attribute by value) and
 *   decoding that gives an equal view (the view drops what RFC 8489 §14.5
 *   ignores after MESSAGE-INTEGRITY, so views are compared, not bytes);
 * - the same for ChannelData, byte for byte without padding.
 */
#include "fuzz_common.h"

static volatile unsigned int sink;

static void
call_accessors(const struct stun_msg *m)
{
	struct stun_addr addr;
	struct stun_bytes b;
	struct stun_error_code ec;
	struct stun_password_alg algs[4];
	uint16_t types[4];
	unsigned int n;
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;
	uint8_t u8, u8b;
	bool flag;

	/* Every index, plus the ones just outside. */
	for (int i = -1; i <= (int)m->nattrs; i++) {
		if (stun_attr_addr(m, i, &addr) == STUN_OK)
			sink += addr.port + addr.addr[0];
		if (stun_attr_xor_addr(m, i, &addr) == STUN_OK)
			sink += addr.port + addr.addr[15];
		if (stun_attr_u32(m, i, &u32) == STUN_OK)
			sink += u32;
		if (stun_attr_bytes(m, i, &b) == STUN_OK) {
			FUZZ_ASSERT(b.data >= m->buf && b.data + b.len <= m->buf + m->len);
			sink += fuzz_touch(b.data, b.len);
		}
	}
	for (unsigned int i = 0; i < m->nattrs; i++) {
		const struct stun_attr *a = &m->attrs[i];

		FUZZ_ASSERT(a->offset >= STUN_HEADER_LEN + STUN_ATTR_HEADER_LEN);
		FUZZ_ASSERT((size_t)a->offset + a->len <= m->len);
		FUZZ_ASSERT(stun_find(m, a->type, 0) >= 0);
		sink += stun_attr_known(a->type);
		if (stun_attr_name(a->type) != NULL)
			sink += (unsigned int)strlen(stun_attr_name(a->type));
	}

	if (stun_get_mapped_address(m, &addr) == STUN_OK)
		sink += addr.port;
	if (stun_get_xor_mapped_address(m, &addr) == STUN_OK)
		sink += addr.port;
	for (unsigned int k = 0; k < 3; k++) {
		if (stun_get_xor_peer_address(m, k, &addr) == STUN_OK)
			sink += addr.port;
		if (stun_get_xor_relayed_address(m, k, &addr) == STUN_OK)
			sink += addr.port;
	}
	if (stun_get_alternate_server(m, &addr) == STUN_OK)
		sink += addr.port;

	enum stun_result (*const getters[])(const struct stun_msg *, struct stun_bytes *) = {
		stun_get_username, stun_get_userhash, stun_get_realm, stun_get_nonce,
		stun_get_software, stun_get_alternate_domain, stun_get_data,
	};
	for (size_t k = 0; k < sizeof(getters) / sizeof(getters[0]); k++)
		if (getters[k](m, &b) == STUN_OK)
			sink += fuzz_touch(b.data, b.len);

	if (stun_get_reservation_token(m, &u64) == STUN_OK)
		sink += (unsigned int)u64;
	if (stun_get_error_code(m, &ec) == STUN_OK) {
		FUZZ_ASSERT(ec.code >= 300 && ec.code <= 699);
		sink += fuzz_touch(ec.reason.data, ec.reason.len);
		sink += (unsigned int)strlen(stun_error_reason(ec.code));
	}
	if (stun_get_address_error_code(m, &u8, &ec) == STUN_OK)
		sink += u8 + fuzz_touch(ec.reason.data, ec.reason.len);
	if (stun_get_channel_number(m, &u16) == STUN_OK)
		sink += u16;
	if (stun_get_lifetime(m, &u32) == STUN_OK)
		sink += u32;
	if (stun_get_requested_transport(m, &u8) == STUN_OK)
		sink += u8;
	if (stun_get_requested_address_family(m, &u8) == STUN_OK)
		sink += u8;
	if (stun_get_additional_address_family(m, &u8) == STUN_OK)
		sink += u8;
	if (stun_get_even_port(m, &flag) == STUN_OK)
		sink += flag;
	if (stun_get_icmp(m, &u8, &u8b, &u32) == STUN_OK)
		sink += u8 + u8b + u32;
	if (stun_get_fingerprint(m, &u32) == STUN_OK)
		sink += u32;
	sink += stun_has_dont_fragment(m);
	if (stun_get_password_algorithm(m, &algs[0]) == STUN_OK)
		sink += algs[0].algorithm + fuzz_touch(algs[0].params.data, algs[0].params.len);
	if (stun_get_password_algorithms(m, algs, 4, &n) == STUN_OK)
		for (unsigned int k = 0; k < n && k < 4; k++)
			sink += fuzz_touch(algs[k].params.data, algs[k].params.len);
	if (stun_get_unknown_attributes(m, types, 4, &n) == STUN_OK)
		for (unsigned int k = 0; k < n && k < 4; k++)
			sink += types[k];
	sink += (unsigned int)strlen(stun_method_name(m->method));
	sink += (unsigned int)strlen(stun_class_name(m->cls));
}

/* Re-encode what the view holds and check the decoder reads the same back. */
static void
check_round_trip(const struct stun_msg *m)
{
	static uint8_t out[STUN_HEADER_LEN + 0x10000];
	struct stun_builder b;
	struct stun_msg again;

	stun_builder_init(&b, out, sizeof(out), m->method, m->cls, m->tid);
	FUZZ_ASSERT(b.err == STUN_OK);
	FUZZ_ASSERT(stun_type_make(m->method, m->cls) == m->type);
	for (unsigned int i = 0; i < m->nattrs; i++) {
		const struct stun_attr *a = &m->attrs[i];

		FUZZ_ASSERT(stun_add_attr(&b, a->type, stun_attr_value(m, a), a->len) == STUN_OK);
	}

	size_t len = stun_builder_finish(&b);

	/* The view never holds more than the datagram, so it always fits. */
	FUZZ_ASSERT(len >= STUN_HEADER_LEN && len <= m->len);

	enum stun_result r = stun_decode(out, len, &again);

	if (r != STUN_OK) {
		fprintf(stderr, "re-encoded message does not decode: %s\n", stun_result_name(r));
		abort();
	}
	FUZZ_ASSERT(fuzz_views_equal(m, &again));
}

static void
fuzz_stun(const uint8_t *data, size_t size)
{
	struct stun_msg m;
	enum stun_result r = stun_decode(data, size, &m);

	FUZZ_ASSERT((unsigned int)r < STUN_RESULT_MAX);
	sink += (unsigned int)strlen(stun_result_str(r)) + (unsigned int)strlen(stun_result_name(r));
	if (r != STUN_OK)
		return;
	FUZZ_ASSERT(stun_is_message(data, size));
	FUZZ_ASSERT(m.buf == data && m.len == size && m.nattrs <= STUN_MAX_ATTRS);
	FUZZ_ASSERT(m.nunknown <= STUN_MAX_UNKNOWN);
	call_accessors(&m);
	check_round_trip(&m);
}

static void
fuzz_channel(const uint8_t *data, size_t size)
{
	static uint8_t out[STUN_CHANNEL_HEADER_LEN + 0x10000];
	struct stun_channel_data cd, again;

	sink += stun_demux(data, size);
	if (stun_channel_decode(data, size, &cd) != STUN_OK)
		return;
	FUZZ_ASSERT(cd.channel >= 0x4000 && cd.channel <= 0x4FFF);
	FUZZ_ASSERT(cd.data == data + STUN_CHANNEL_HEADER_LEN);
	FUZZ_ASSERT((size_t)cd.len + STUN_CHANNEL_HEADER_LEN <= size);
	FUZZ_ASSERT(stun_demux(data, size) == STUN_DEMUX_CHANNEL);
	sink += fuzz_touch(cd.data, cd.len);

	stun_channel_header(out, cd.channel, cd.len);
	memcpy(out + STUN_CHANNEL_HEADER_LEN, cd.data, cd.len);
	FUZZ_ASSERT(stun_channel_decode(out, STUN_CHANNEL_HEADER_LEN + cd.len, &again) == STUN_OK);
	FUZZ_ASSERT(again.channel == cd.channel && again.len == cd.len &&
		    memcmp(again.data, cd.data, cd.len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_stun(data, size);
	fuzz_channel(data, size);
	return 0;
}
