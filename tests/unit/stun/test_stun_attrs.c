/* SPDX-License-Identifier: BSD-3-Clause */
/* Every typed accessor: what the encoder writes reads back, and bad values are named. */
#include <arpa/inet.h>
#include <string.h>

#include "test_stun_common.h"

static const uint8_t tid[STUN_TID_LEN] = { 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 1, 2, 3, 4, 5, 6 };

struct built {
	uint8_t buf[1024];
	struct stun_builder b;
	struct stun_msg m;
};

static void
begin(struct built *x, uint16_t method, uint8_t cls)
{
	stun_builder_init(&x->b, x->buf, sizeof(x->buf), method, cls, tid);
}

static void
finish(struct built *x)
{
	size_t n = stun_builder_finish(&x->b);

	CU_ASSERT_NOT_EQUAL_FATAL(n, 0);
	CU_ASSERT_EQUAL_FATAL(stun_decode(x->buf, n, &x->m), STUN_OK);
}

static struct stun_addr
addr(const char *ip, uint16_t port)
{
	struct stun_addr a = { .port = port };

	if (inet_pton(AF_INET, ip, a.addr) == 1)
		a.family = STUN_FAMILY_IPV4;
	else if (inet_pton(AF_INET6, ip, a.addr) == 1)
		a.family = STUN_FAMILY_IPV6;
	return a;
}

static int
addr_eq(const struct stun_addr *a, const struct stun_addr *b)
{
	return a->family == b->family && a->port == b->port &&
	       memcmp(a->addr, b->addr, a->family == STUN_FAMILY_IPV4 ? 4 : 16) == 0;
}

static void
test_addresses(void)
{
	struct built x;
	struct stun_addr p0 = addr("198.51.100.7", 5000), p1 = addr("2001:db8::42", 65535),
			 rel = addr("198.19.0.1", 49152), map = addr("2001:db8:18::2", 1),
			 alt = addr("192.0.2.9", 3478), got;

	begin(&x, STUN_METHOD_ALLOCATE, STUN_CLASS_SUCCESS);
	stun_add_xor_addr(&x.b, STUN_ATTR_XOR_PEER_ADDRESS, &p0);
	stun_add_xor_addr(&x.b, STUN_ATTR_XOR_PEER_ADDRESS, &p1);
	stun_add_xor_addr(&x.b, STUN_ATTR_XOR_RELAYED_ADDRESS, &rel);
	stun_add_xor_addr(&x.b, STUN_ATTR_XOR_MAPPED_ADDRESS, &map);
	stun_add_addr(&x.b, STUN_ATTR_MAPPED_ADDRESS, &map);
	stun_add_addr(&x.b, STUN_ATTR_ALTERNATE_SERVER, &alt);
	finish(&x);

	CU_ASSERT(stun_get_xor_peer_address(&x.m, 0, &got) == STUN_OK && addr_eq(&got, &p0));
	CU_ASSERT(stun_get_xor_peer_address(&x.m, 1, &got) == STUN_OK && addr_eq(&got, &p1));
	CU_ASSERT_EQUAL(stun_get_xor_peer_address(&x.m, 2, &got), STUN_ATTR_ABSENT);
	CU_ASSERT(stun_get_xor_relayed_address(&x.m, 0, &got) == STUN_OK && addr_eq(&got, &rel));
	CU_ASSERT(stun_get_xor_mapped_address(&x.m, &got) == STUN_OK && addr_eq(&got, &map));
	CU_ASSERT(stun_get_mapped_address(&x.m, &got) == STUN_OK && addr_eq(&got, &map));
	CU_ASSERT(stun_get_alternate_server(&x.m, &got) == STUN_OK && addr_eq(&got, &alt));
	/* The XOR really happened on the wire. */
	int i = stun_find(&x.m, STUN_ATTR_XOR_PEER_ADDRESS, 0);

	CU_ASSERT_NOT_EQUAL(memcmp(stun_attr_value(&x.m, &x.m.attrs[i]) + 4, p0.addr, 4), 0);
}

static void
test_bad_addresses(void)
{
	struct built x;
	static const uint8_t fam3[] = { 0, 3, 0x12, 0x34, 1, 2, 3, 4 };
	static const uint8_t v4_long[] = { 0, 1, 0x12, 0x34, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t v6_short[] = { 0, 2, 0x12, 0x34, 1, 2, 3, 4 };
	static const uint8_t tiny[] = { 0, 1 };
	struct stun_addr got;

	begin(&x, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS);
	stun_add_attr(&x.b, STUN_ATTR_XOR_MAPPED_ADDRESS, fam3, sizeof(fam3));
	stun_add_attr(&x.b, STUN_ATTR_XOR_PEER_ADDRESS, v4_long, sizeof(v4_long));
	stun_add_attr(&x.b, STUN_ATTR_XOR_PEER_ADDRESS, v6_short, sizeof(v6_short));
	stun_add_attr(&x.b, STUN_ATTR_MAPPED_ADDRESS, tiny, sizeof(tiny));
	finish(&x);
	CU_ASSERT_EQUAL(stun_get_xor_mapped_address(&x.m, &got), STUN_ADDR_FAMILY);
	CU_ASSERT_EQUAL(stun_get_xor_peer_address(&x.m, 0, &got), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_xor_peer_address(&x.m, 1, &got), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_mapped_address(&x.m, &got), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_alternate_server(&x.m, &got), STUN_ATTR_ABSENT);
	CU_ASSERT_EQUAL(stun_attr_addr(&x.m, 99, &got), STUN_ATTR_ABSENT);
	CU_ASSERT_EQUAL(stun_attr_addr(&x.m, -1, &got), STUN_ATTR_ABSENT);

	struct stun_addr bad = { .family = 9 };

	begin(&x, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS);
	CU_ASSERT_EQUAL(stun_add_xor_addr(&x.b, STUN_ATTR_XOR_MAPPED_ADDRESS, &bad), STUN_ADDR_FAMILY);
	CU_ASSERT_EQUAL(stun_builder_finish(&x.b), 0);
}

static void
test_strings(void)
{
	struct built x;
	struct stun_bytes b;
	char big[600];

	memset(big, 'u', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	begin(&x, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_string(&x.b, STUN_ATTR_USERNAME, "1700000000:alice");
	stun_add_string(&x.b, STUN_ATTR_REALM, "dturn.test");
	stun_add_string(&x.b, STUN_ATTR_NONCE, "n0nce");
	stun_add_string(&x.b, STUN_ATTR_SOFTWARE, "dturn");
	stun_add_string(&x.b, STUN_ATTR_ALTERNATE_DOMAIN, "relay.example");
	stun_add_attr(&x.b, STUN_ATTR_DATA, "\x00\x01\x02", 3);
	finish(&x);
	CU_ASSERT(stun_get_username(&x.m, &b) == STUN_OK && b.len == 16 && !memcmp(b.data, "1700000000:alice", 16));
	CU_ASSERT(stun_get_realm(&x.m, &b) == STUN_OK && b.len == 10);
	CU_ASSERT(stun_get_nonce(&x.m, &b) == STUN_OK && b.len == 5);
	CU_ASSERT(stun_get_software(&x.m, &b) == STUN_OK && b.len == 5);
	CU_ASSERT(stun_get_alternate_domain(&x.m, &b) == STUN_OK && b.len == 13);
	CU_ASSERT(stun_get_data(&x.m, &b) == STUN_OK && b.len == 3 && b.data[2] == 2);
	CU_ASSERT_EQUAL(stun_get_userhash(&x.m, &b), STUN_ATTR_ABSENT);

	begin(&x, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_string(&x.b, STUN_ATTR_USERNAME, big);     /* 599 > 508 bytes */
	stun_add_attr(&x.b, STUN_ATTR_USERHASH, big, 31);   /* must be 32 */
	finish(&x);
	CU_ASSERT_EQUAL(stun_get_username(&x.m, &b), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_userhash(&x.m, &b), STUN_ATTR_LENGTH);
}

static void
test_error_codes(void)
{
	struct built x;
	struct stun_error_code ec;
	uint8_t fam;
	static const uint8_t class7[] = { 0, 0, 7, 0 };
	static const uint8_t number100[] = { 0, 0, 4, 100 };
	static const uint8_t aec[] = { 0x02, 0, 4, 40, 'n', 'o' };

	begin(&x, STUN_METHOD_ALLOCATE, STUN_CLASS_ERROR);
	stun_add_error_code(&x.b, 438, "Stale Nonce");
	stun_add_attr(&x.b, STUN_ATTR_ADDRESS_ERROR_CODE, aec, sizeof(aec));
	finish(&x);
	CU_ASSERT(stun_get_error_code(&x.m, &ec) == STUN_OK && ec.code == 438 && ec.reason.len == 11);
	CU_ASSERT(stun_get_address_error_code(&x.m, &fam, &ec) == STUN_OK && fam == 2 && ec.code == 440);

	begin(&x, STUN_METHOD_ALLOCATE, STUN_CLASS_ERROR);
	stun_add_attr(&x.b, STUN_ATTR_ERROR_CODE, class7, sizeof(class7));
	stun_add_attr(&x.b, STUN_ATTR_ADDRESS_ERROR_CODE, number100, 2);
	finish(&x);
	CU_ASSERT_EQUAL(stun_get_error_code(&x.m, &ec), STUN_ATTR_VALUE);
	CU_ASSERT_EQUAL(stun_get_address_error_code(&x.m, &fam, &ec), STUN_ATTR_LENGTH);

	begin(&x, STUN_METHOD_ALLOCATE, STUN_CLASS_ERROR);
	stun_add_attr(&x.b, STUN_ATTR_ERROR_CODE, number100, sizeof(number100));
	finish(&x);
	CU_ASSERT_EQUAL(stun_get_error_code(&x.m, &ec), STUN_ATTR_VALUE);
}

static void
test_turn_scalars(void)
{
	struct built x;
	uint16_t ch;
	uint32_t life, edata;
	uint8_t proto, fam, itype, icode;
	uint64_t token;
	bool reserve;
	static const uint8_t even[] = { 0x80 };
	static const uint8_t token_v[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t icmp[] = { 0, 0, 3, 1, 0, 0, 5, 0xdc };

	begin(&x, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_channel_number(&x.b, 0x4001);
	stun_add_u32(&x.b, STUN_ATTR_LIFETIME, 600);
	stun_add_requested_transport(&x.b, 17);
	stun_add_u32(&x.b, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, 0x02000000);
	stun_add_u32(&x.b, STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, 0x02000000);
	stun_add_attr(&x.b, STUN_ATTR_EVEN_PORT, even, 1);
	stun_add_attr(&x.b, STUN_ATTR_RESERVATION_TOKEN, token_v, 8);
	stun_add_attr(&x.b, STUN_ATTR_DONT_FRAGMENT, NULL, 0);
	stun_add_attr(&x.b, STUN_ATTR_ICMP, icmp, sizeof(icmp));
	finish(&x);
	CU_ASSERT(stun_get_channel_number(&x.m, &ch) == STUN_OK && ch == 0x4001);
	CU_ASSERT(stun_get_lifetime(&x.m, &life) == STUN_OK && life == 600);
	CU_ASSERT(stun_get_requested_transport(&x.m, &proto) == STUN_OK && proto == 17);
	CU_ASSERT(stun_get_requested_address_family(&x.m, &fam) == STUN_OK && fam == 2);
	CU_ASSERT(stun_get_additional_address_family(&x.m, &fam) == STUN_OK && fam == 2);
	CU_ASSERT(stun_get_even_port(&x.m, &reserve) == STUN_OK && reserve);
	CU_ASSERT(stun_get_reservation_token(&x.m, &token) == STUN_OK && token == 0x0102030405060708ull);
	CU_ASSERT(stun_has_dont_fragment(&x.m));
	CU_ASSERT(stun_get_icmp(&x.m, &itype, &icode, &edata) == STUN_OK && itype == 3 && icode == 1 &&
		  edata == 1500);

	/* Wrong lengths for each fixed-size attribute. */
	begin(&x, STUN_METHOD_ALLOCATE, STUN_CLASS_REQUEST);
	stun_add_attr(&x.b, STUN_ATTR_CHANNEL_NUMBER, "\x40\x01", 2);
	stun_add_attr(&x.b, STUN_ATTR_LIFETIME, "\0\0\0\0\0", 5);
	stun_add_attr(&x.b, STUN_ATTR_REQUESTED_TRANSPORT, "\x11", 1);
	stun_add_attr(&x.b, STUN_ATTR_REQUESTED_ADDRESS_FAMILY, "\x01\0", 2);
	stun_add_attr(&x.b, STUN_ATTR_EVEN_PORT, "\x80\0\0\0", 4);
	stun_add_attr(&x.b, STUN_ATTR_RESERVATION_TOKEN, token_v, 7);
	stun_add_attr(&x.b, STUN_ATTR_ICMP, icmp, 4);
	finish(&x);
	CU_ASSERT_EQUAL(stun_get_channel_number(&x.m, &ch), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_lifetime(&x.m, &life), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_requested_transport(&x.m, &proto), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_requested_address_family(&x.m, &fam), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_even_port(&x.m, &reserve), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_reservation_token(&x.m, &token), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_icmp(&x.m, &itype, &icode, &edata), STUN_ATTR_LENGTH);
	CU_ASSERT_FALSE(stun_has_dont_fragment(&x.m));
}

static void
test_password_algorithms_and_unknown(void)
{
	struct built x;
	/* MD5 with no params, SHA-256 with 1 byte of params padded to 4 */
	static const uint8_t algs[] = { 0, 1, 0, 0, 0, 2, 0, 1, 0xaa, 0, 0, 0 };
	static const uint8_t algs_bad[] = { 0, 1, 0, 9, 0, 0 };
	static const uint16_t unknown[] = { 0x7f00, 0x0030 };
	struct stun_password_alg out[4];
	uint16_t types[4];
	unsigned int n;

	begin(&x, STUN_METHOD_ALLOCATE, STUN_CLASS_ERROR);
	stun_add_attr(&x.b, STUN_ATTR_PASSWORD_ALGORITHMS, algs, sizeof(algs));
	stun_add_attr(&x.b, STUN_ATTR_PASSWORD_ALGORITHM, algs, 4);
	stun_add_unknown_attributes(&x.b, unknown, 2);
	finish(&x);
	CU_ASSERT(stun_get_password_algorithms(&x.m, out, 4, &n) == STUN_OK && n == 2);
	CU_ASSERT(out[0].algorithm == 1 && out[0].params.len == 0);
	CU_ASSERT(out[1].algorithm == 2 && out[1].params.len == 1 && out[1].params.data[0] == 0xaa);
	CU_ASSERT(stun_get_password_algorithm(&x.m, &out[0]) == STUN_OK && out[0].algorithm == 1);
	CU_ASSERT(stun_get_unknown_attributes(&x.m, types, 4, &n) == STUN_OK && n == 2 &&
		  types[0] == 0x7f00 && types[1] == 0x0030);

	begin(&x, STUN_METHOD_ALLOCATE, STUN_CLASS_ERROR);
	stun_add_attr(&x.b, STUN_ATTR_PASSWORD_ALGORITHMS, algs_bad, sizeof(algs_bad));
	stun_add_attr(&x.b, STUN_ATTR_PASSWORD_ALGORITHM, algs, 8); /* trailing bytes */
	stun_add_attr(&x.b, STUN_ATTR_UNKNOWN_ATTRIBUTES, "\x7f\x00\x01", 3);
	finish(&x);
	CU_ASSERT_EQUAL(stun_get_password_algorithms(&x.m, out, 4, &n), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_password_algorithm(&x.m, &out[0]), STUN_ATTR_LENGTH);
	CU_ASSERT_EQUAL(stun_get_unknown_attributes(&x.m, types, 4, &n), STUN_ATTR_LENGTH);
}

int
register_stun_attr_tests(void)
{
	CU_pSuite s = CU_add_suite("stun_attrs", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "addresses round trip", test_addresses) ||
	    !CU_add_test(s, "bad addresses named", test_bad_addresses) ||
	    !CU_add_test(s, "strings and limits", test_strings) ||
	    !CU_add_test(s, "ERROR-CODE and ADDRESS-ERROR-CODE", test_error_codes) ||
	    !CU_add_test(s, "TURN scalar attributes", test_turn_scalars) ||
	    !CU_add_test(s, "PASSWORD-ALGORITHMS and UNKNOWN-ATTRIBUTES", test_password_algorithms_and_unknown))
		return -1;
	return 0;
}
