/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/conf: the shipped files load, every key reads back, and every kind of
 * mistake is reported at the right line and key. Each case writes its text
 * to a temporary file because conf_load reads files, as the daemon does.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "conf.h"

/* 5 lines: a valid minimal file; text appended to it starts at line 6. */
#define BASE \
	"[eal]\n" \
	"vdev = net_ring0\n" \
	"[port a]\n" \
	"device = net_ring0\n" \
	"ipv4 = 198.18.0.1/24\n"

/* BASE without its [eal] section, for cases that write their own. */
#define PORT_A \
	"[port a]\n" \
	"device = net_ring0\n" \
	"ipv4 = 198.18.0.1/24\n"

struct tmp_conf {
	char path[64];
};

static void
tmp_write(struct tmp_conf *t, const char *text)
{
	int fd;
	size_t n = strlen(text);

	snprintf(t->path, sizeof(t->path), "/tmp/dturn-conf-test-XXXXXX");
	fd = mkstemp(t->path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, text, n) == (ssize_t)n);
	close(fd);
}

static void
print_errors(const struct conf_errors *errs)
{
	char buf[768];

	for (unsigned int i = 0; i < errs->count && i < CONF_MAX_ERRORS; i++) {
		conf_error_format(&errs->err[i], buf, sizeof(buf));
		fprintf(stderr, "    %s\n", buf);
	}
}

static int
load_text(const char *text, struct conf *c, struct conf_errors *errs)
{
	struct tmp_conf t;
	int rc;

	tmp_write(&t, text);
	rc = conf_load(t.path, c, errs);
	unlink(t.path);
	return rc;
}

static bool
has_error(const struct conf_errors *errs, unsigned int line, const char *key, const char *needle)
{
	for (unsigned int i = 0; i < errs->count && i < CONF_MAX_ERRORS; i++) {
		const struct conf_error *e = &errs->err[i];

		if (e->line == line && strcmp(e->key, key) == 0 && strstr(e->msg, needle) != NULL)
			return true;
	}
	return false;
}

/* The text must give exactly one error, at line and key, saying needle. */
#define EXPECT_ONE(text, line, key, needle) \
	expect_errors((text), 1, (line), (key), (needle), __LINE__)

static void
expect_errors(const char *text, unsigned int count, unsigned int line, const char *key,
	      const char *needle, int src_line)
{
	static struct conf c;
	struct conf_errors errs;
	int rc = load_text(text, &c, &errs);
	bool found = has_error(&errs, line, key, needle);

	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(errs.count, count);
	CU_ASSERT_TRUE(found);
	if (errs.count != count || !found) {
		fprintf(stderr, "\n  test_conf.c:%d: wanted %u error(s), line %u key '%s' '%s'; got:\n",
			src_line, count, line, key, needle);
		print_errors(&errs);
	}
}

static void
expect_ok(const char *text, struct conf *c)
{
	struct conf_errors errs;
	int rc = load_text(text, c, &errs);

	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(errs.count, 0);
	if (rc != 0)
		print_errors(&errs);
}

static uint32_t
v4(const char *s)
{
	struct in_addr a;

	CU_ASSERT_FATAL(inet_pton(AF_INET, s, &a) == 1);
	return a.s_addr;
}

static bool
v6_eq(const uint8_t a[16], const char *s)
{
	uint8_t b[16];

	return inet_pton(AF_INET6, s, b) == 1 && memcmp(a, b, 16) == 0;
}

/* Shipped files */

static void
test_shipped_files(void)
{
	static struct conf c;
	struct conf_errors errs;
	const char *files[] = { "config/dturn.conf", "config/dturn-demo.conf" };

	for (unsigned int i = 0; i < 2; i++) {
		int rc = conf_load(files[i], &c, &errs);

		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_EQUAL(errs.count, 0);
		if (rc != 0)
			print_errors(&errs);
	}
}

static void
test_template_values(void)
{
	static struct conf c;
	struct conf_errors errs;

	CU_ASSERT_EQUAL_FATAL(conf_load("config/dturn.conf", &c, &errs), 0);
	CU_ASSERT_EQUAL(c.eal.pci_count, 1);
	CU_ASSERT_STRING_EQUAL(c.eal.pci[0], "0000:01:00.0");
	CU_ASSERT_EQUAL(c.eal.vdev_count, 0);
	CU_ASSERT_EQUAL(c.port_count, 1);
	CU_ASSERT_STRING_EQUAL(c.ports[0].device, "0000:01:00.0");
	CU_ASSERT_EQUAL(c.user_count, 0);
	CU_ASSERT_EQUAL(c.rest_secret_count, 0);
	CU_ASSERT_EQUAL(c.turn.allow_peer_count, 0);
	CU_ASSERT_EQUAL(c.turn.deny_peer_count, 0);
	CU_ASSERT_STRING_EQUAL(c.turn.realm, "");
	/* Everything else in the template is the default. */
	CU_ASSERT_STRING_EQUAL(c.eal.lcores, "0-1");
	CU_ASSERT_EQUAL(c.eal.memory_mb, 512);
	CU_ASSERT_EQUAL(c.eal.mbufs, 16383);
	CU_ASSERT_EQUAL(c.eal.idle_sleep_us, 0);
	CU_ASSERT_EQUAL(c.turn.max_allocations, 65536);
	CU_ASSERT_EQUAL(c.turn.channel_max, 0x4FFF);
}

static void
test_demo_values(void)
{
	static struct conf c;
	struct conf_errors errs;
	const struct conf_turn *t = &c.turn;

	CU_ASSERT_EQUAL_FATAL(conf_load("config/dturn-demo.conf", &c, &errs), 0);
	CU_ASSERT_STRING_EQUAL(c.eal.lcores, "0-1");
	CU_ASSERT_EQUAL(c.eal.lcore_count, 2);
	CU_ASSERT_EQUAL(c.eal.main_lcore, 0);
	CU_ASSERT_EQUAL(c.eal.memory, CONF_MEMORY_AUTO);
	CU_ASSERT_EQUAL(c.eal.memory_mb, 512);
	CU_ASSERT_STRING_EQUAL(c.eal.file_prefix, "dturn-demo");
	CU_ASSERT_EQUAL_FATAL(c.eal.vdev_count, 2);
	CU_ASSERT_STRING_EQUAL(c.eal.vdev[0], "net_af_packet0,iface=dt-cli,qpairs=1");
	CU_ASSERT_STRING_EQUAL(c.eal.vdev[1], "net_af_packet1,iface=dt-peer,qpairs=1");
	CU_ASSERT_STRING_EQUAL(c.eal.vdev_name[1], "net_af_packet1");
	CU_ASSERT_EQUAL(c.eal.pci_count, 0);
	CU_ASSERT_EQUAL_FATAL(c.port_count, 2);
	CU_ASSERT_STRING_EQUAL(c.ports[0].name, "client");
	CU_ASSERT_STRING_EQUAL(c.ports[0].device, "net_af_packet0");
	CU_ASSERT_EQUAL(c.ports[0].ipv4, v4("198.18.0.1"));
	CU_ASSERT_EQUAL(c.ports[0].ipv4_prefix, 24);
	CU_ASSERT_TRUE(v6_eq(c.ports[0].ipv6, "2001:db8:18::1"));
	CU_ASSERT_EQUAL(c.ports[0].ipv6_prefix, 64);
	CU_ASSERT_STRING_EQUAL(c.ports[1].name, "peer");
	CU_ASSERT_EQUAL(c.ports[1].ipv4, v4("198.19.0.1"));
	CU_ASSERT_EQUAL(c.stun.listen_port_count, 1);
	CU_ASSERT_EQUAL(c.stun.listen_ports[0], 3478);
	CU_ASSERT_STRING_EQUAL(t->realm, "dturn.test");
	CU_ASSERT_EQUAL(t->relay_ipv4_count, 1);
	CU_ASSERT_EQUAL(t->relay_ipv4[0], v4("198.19.0.1"));
	CU_ASSERT_EQUAL(t->relay_ipv6_count, 1);
	CU_ASSERT_TRUE(v6_eq(t->relay_ipv6[0], "2001:db8:19::1"));
	CU_ASSERT_EQUAL_FATAL(t->allow_peer_count, 2);
	CU_ASSERT_EQUAL(t->allow_peers[0].family, AF_INET);
	CU_ASSERT_EQUAL(t->allow_peers[0].addr.ipv4, v4("198.18.0.0"));
	CU_ASSERT_EQUAL(t->allow_peers[0].prefix, 15);
	CU_ASSERT_EQUAL(t->allow_peers[1].family, AF_INET6);
	CU_ASSERT_EQUAL(t->allow_peers[1].prefix, 32);
	CU_ASSERT_EQUAL_FATAL(c.user_count, 1);
	CU_ASSERT_STRING_EQUAL(c.users[0].name, "alice");
	CU_ASSERT_EQUAL(c.users[0].kind, CONF_USER_PASSWORD);
	CU_ASSERT_STRING_EQUAL(c.users[0].password, "secret123");
	CU_ASSERT_EQUAL_FATAL(c.rest_secret_count, 1);
	CU_ASSERT_STRING_EQUAL(c.rest_secrets[0], "dturn-test-secret");
}

/* Defaults */

static void
test_defaults(void)
{
	static struct conf c;

	memset(&c, 0xa5, sizeof(c));
	conf_defaults(&c);
	CU_ASSERT_STRING_EQUAL(c.eal.lcores, "0-1");
	CU_ASSERT_EQUAL(c.eal.lcore_count, 2);
	CU_ASSERT_EQUAL(c.eal.main_lcore, 0);
	CU_ASSERT_EQUAL(c.eal.memory, CONF_MEMORY_AUTO);
	CU_ASSERT_EQUAL(c.eal.memory_mb, 512);
	CU_ASSERT_STRING_EQUAL(c.eal.file_prefix, "dturn");
	CU_ASSERT_EQUAL(c.eal.vdev_count, 0);
	CU_ASSERT_EQUAL(c.eal.pci_count, 0);
	CU_ASSERT_EQUAL(c.eal.mbufs, 16383);
	CU_ASSERT_EQUAL(c.log.level, CONF_LOG_INFO);
	CU_ASSERT_EQUAL(c.port_count, 0);
	CU_ASSERT_EQUAL(c.stun.listen_port_count, 1);
	CU_ASSERT_EQUAL(c.stun.listen_ports[0], 3478);
	CU_ASSERT_STRING_EQUAL(c.stun.software, "dturn");
	CU_ASSERT_STRING_EQUAL(c.turn.realm, "");
	CU_ASSERT_EQUAL(c.turn.relay_port_min, 49152);
	CU_ASSERT_EQUAL(c.turn.relay_port_max, 65535);
	CU_ASSERT_EQUAL(c.turn.relay_ipv4_count, 0);
	CU_ASSERT_EQUAL(c.turn.relay_ipv6_count, 0);
	CU_ASSERT_EQUAL(c.turn.max_allocations, 65536);
	CU_ASSERT_EQUAL(c.turn.allocations_per_user, 0);
	CU_ASSERT_EQUAL(c.turn.lifetime_max, 3600);
	CU_ASSERT_EQUAL(c.turn.nonce_lifetime, 600);
	CU_ASSERT_EQUAL(c.turn.allow_peer_count, 0);
	CU_ASSERT_EQUAL(c.turn.deny_peer_count, 0);
	CU_ASSERT_EQUAL(c.turn.channel_max, 0x4FFF);
	CU_ASSERT_EQUAL(c.user_count, 0);
	CU_ASSERT_EQUAL(c.rest_secret_count, 0);
	CU_ASSERT_STRING_EQUAL(conf_log_level_name(c.log.level), "info");
}

static void
test_minimal_file_defaults(void)
{
	static struct conf c;

	expect_ok(BASE, &c);
	CU_ASSERT_EQUAL(c.eal.memory_mb, 512);
	CU_ASSERT_EQUAL(c.ports[0].mtu, 1500);
	CU_ASSERT_FALSE(c.ports[0].has_ipv6);
	/* No relay_ipv4 line: every port's ipv4 relays. */
	CU_ASSERT_EQUAL(c.turn.relay_ipv4_count, 1);
	CU_ASSERT_EQUAL(c.turn.relay_ipv4[0], v4("198.18.0.1"));
	CU_ASSERT_EQUAL(c.turn.relay_ipv6_count, 0);
}

/* Every key, set away from its default, reads back. */
static void
test_every_key(void)
{
	static struct conf c;
	const struct conf_turn *t = &c.turn;
	static const uint8_t md5[16] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
					 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10 };

	expect_ok("# a '#' comment = with an equals sign, before any section\n"
		  "[eal]\n"
		  "lcores = 1,3-4@(5,6)   ; trailing comment\n"
		  "memory = no-huge\n"
		  "memory_mb = 1024\n"
		  "file_prefix = Test_1-x\n"
		  "vdev = net_ring0\n"
		  "vdev = net_ring1\n"
		  "pci = 01:00.1\n"
		  "pci = 0000:02:1F.7\n"
		  "mbufs = 4194303\n"
		  "idle_sleep_us = 10000\n"
		  "[log]\n"
		  "level = debug\n"
		  "[port a]\n"
		  "device = net_ring0\n"
		  "ipv4 = 198.18.0.1/24\n"
		  "ipv4_gateway = 198.18.0.254\n"
		  "ipv6 = 2001:db8:18::1/64\n"
		  "ipv6_gateway = fe80::1\n"
		  "mtu = 9000\n"
		  "[port b-2]\n"
		  "device = 0000:01:00.1\n"
		  "ipv6 = 2001:db8:19::1/48\n"
		  "ipv6_gateway = 2001:db8:19::fe\n"
		  "[stun]\n"
		  "listen_ports = 3478, 5349\n"
		  "software =\n"
		  "[turn]\n"
		  "realm = example.test\n"
		  "relay_ports = 40000-40999\n"
		  "relay_ipv4 = 198.18.0.1\n"
		  "relay_ipv6 = 2001:db8:19::1, 2001:db8:18::1\n"
		  "max_allocations = 4194304\n"
		  "allocations_per_user = 10\n"
		  "lifetime_max = 600\n"
		  "nonce_lifetime = 30\n"
		  "allow-peer = 198.18.0.0/15, 2001:db8::/32\n"
		  "deny-peer = 203.0.113.0/24\n"
		  "allow-peer = 192.0.2.7\n"
		  "channel_numbers = rfc5766\n"
		  "[users]\n"
		  "alice = secret123\n"
		  "bob = md5:0123456789ABCDEFfedcba9876543210\n"
		  "carol = se\\;cret\n"
		  "[rest]\n"
		  "secret = one\n"
		  "secret = two\n", &c);

	CU_ASSERT_STRING_EQUAL(c.eal.lcores, "1,3-4@(5,6)");
	CU_ASSERT_EQUAL(c.eal.lcore_count, 3);
	CU_ASSERT_EQUAL(c.eal.main_lcore, 1);
	CU_ASSERT_EQUAL(c.eal.memory, CONF_MEMORY_NO_HUGE);
	CU_ASSERT_EQUAL(c.eal.memory_mb, 1024);
	CU_ASSERT_STRING_EQUAL(c.eal.file_prefix, "Test_1-x");
	CU_ASSERT_EQUAL(c.eal.vdev_count, 2);
	CU_ASSERT_STRING_EQUAL(c.eal.vdev_name[1], "net_ring1");
	CU_ASSERT_EQUAL_FATAL(c.eal.pci_count, 2);
	CU_ASSERT_STRING_EQUAL(c.eal.pci[0], "0000:01:00.1");
	CU_ASSERT_STRING_EQUAL(c.eal.pci[1], "0000:02:1f.7");
	CU_ASSERT_EQUAL(c.eal.mbufs, 4194303);
	CU_ASSERT_EQUAL(c.eal.idle_sleep_us, 10000);
	CU_ASSERT_EQUAL(c.log.level, CONF_LOG_DEBUG);

	CU_ASSERT_EQUAL_FATAL(c.port_count, 2);
	CU_ASSERT_TRUE(c.ports[0].has_ipv4_gateway);
	CU_ASSERT_EQUAL(c.ports[0].ipv4_gateway, v4("198.18.0.254"));
	CU_ASSERT_TRUE(c.ports[0].has_ipv6_gateway);
	CU_ASSERT_TRUE(v6_eq(c.ports[0].ipv6_gateway, "fe80::1"));
	CU_ASSERT_EQUAL(c.ports[0].mtu, 9000);
	CU_ASSERT_STRING_EQUAL(c.ports[1].name, "b-2");
	CU_ASSERT_STRING_EQUAL(c.ports[1].device, "0000:01:00.1");
	CU_ASSERT_FALSE(c.ports[1].has_ipv4);
	CU_ASSERT_EQUAL(c.ports[1].ipv6_prefix, 48);
	CU_ASSERT_TRUE(v6_eq(c.ports[1].ipv6_gateway, "2001:db8:19::fe"));

	CU_ASSERT_EQUAL(c.stun.listen_port_count, 2);
	CU_ASSERT_EQUAL(c.stun.listen_ports[1], 5349);
	CU_ASSERT_STRING_EQUAL(c.stun.software, "");

	CU_ASSERT_STRING_EQUAL(t->realm, "example.test");
	CU_ASSERT_EQUAL(t->relay_port_min, 40000);
	CU_ASSERT_EQUAL(t->relay_port_max, 40999);
	CU_ASSERT_EQUAL(t->relay_ipv4_count, 1);
	CU_ASSERT_EQUAL(t->relay_ipv6_count, 2);
	CU_ASSERT_TRUE(v6_eq(t->relay_ipv6[1], "2001:db8:18::1"));
	CU_ASSERT_EQUAL(t->max_allocations, 4194304);
	CU_ASSERT_EQUAL(t->allocations_per_user, 10);
	CU_ASSERT_EQUAL(t->lifetime_max, 600);
	CU_ASSERT_EQUAL(t->nonce_lifetime, 30);
	CU_ASSERT_EQUAL_FATAL(t->allow_peer_count, 3);
	CU_ASSERT_EQUAL(t->allow_peers[2].prefix, 32);
	CU_ASSERT_EQUAL(t->allow_peers[2].addr.ipv4, v4("192.0.2.7"));
	CU_ASSERT_EQUAL_FATAL(t->deny_peer_count, 1);
	CU_ASSERT_EQUAL(t->deny_peers[0].addr.ipv4, v4("203.0.113.0"));
	CU_ASSERT_EQUAL(t->deny_peers[0].prefix, 24);
	CU_ASSERT_EQUAL(t->channel_max, 0x7FFF);

	CU_ASSERT_EQUAL_FATAL(c.user_count, 3);
	CU_ASSERT_EQUAL(c.users[1].kind, CONF_USER_MD5_KEY);
	CU_ASSERT_STRING_EQUAL(c.users[1].name, "bob");
	CU_ASSERT_EQUAL(memcmp(c.users[1].md5_key, md5, 16), 0);
	CU_ASSERT_STRING_EQUAL(c.users[2].password, "se;cret");
	CU_ASSERT_EQUAL(c.rest_secret_count, 2);
	CU_ASSERT_STRING_EQUAL(c.rest_secrets[1], "two");
}

/* Syntax */

static void
test_syntax_errors(void)
{
	EXPECT_ONE(BASE "[turn]\nmax_allocations 10\n", 7, "", "syntax error");
	EXPECT_ONE(BASE "[turn]\n= 10\n", 7, "", "missing key");
	EXPECT_ONE("lcores = 0-1\n" BASE, 1, "lcores", "outside a section");
	EXPECT_ONE(BASE "[eall]\nlcores = 0-1\n", 6, "eall", "unknown section");
	EXPECT_ONE(BASE "[turn\nrealm = x\n", 6, "", "unterminated section");
	EXPECT_ONE(BASE "[turn] extra\n", 6, "turn", "after ']'");
	EXPECT_ONE(BASE "[port a]\n", 6, "port a", "duplicate section (first at line 3)");
	EXPECT_ONE(BASE "[port]\n", 6, "port", "needs a name");
	EXPECT_ONE(BASE "[port Client]\n", 6, "port Client", "bad port name");
	EXPECT_ONE(BASE "[]\n", 6, "", "empty section name");
	EXPECT_ONE(BASE "[turn]\nre alm = x\n", 7, "", "bad key");
}

static void
test_long_line(void)
{
	char text[1024];

	snprintf(text, sizeof(text), BASE "[stun]\nsoftware = %0400d\n", 7);
	EXPECT_ONE(text, 7, "", "line too long");
}

static void
test_unknown_and_duplicate_keys(void)
{
	EXPECT_ONE(BASE "[eal]\n", 6, "eal", "duplicate section (first at line 1)");
	EXPECT_ONE("[eal]\nlcore = 0-1\nvdev = net_ring0\n[port a]\ndevice = net_ring0\n"
		   "ipv4 = 198.18.0.1/24\n", 2, "eal.lcore", "unknown key");
	EXPECT_ONE(BASE "mtux = 1500\n", 6, "port a.mtux", "unknown key");
	EXPECT_ONE(BASE "ipv4 = 198.18.0.2/24\n", 6, "port a.ipv4", "duplicate key (first at line 5)");
	EXPECT_ONE(BASE "[turn]\nrealm = a\nrealm = b\n", 8, "turn.realm",
		   "duplicate key (first at line 7)");
	EXPECT_ONE(BASE "[turn]\nrealm = r\n[users]\nalice = a\nbob = b\nalice = c\n", 11,
		   "users.alice", "duplicate key (first at line 9)");
}

/* Numbers */

static void
test_number_errors(void)
{
	EXPECT_ONE(BASE "[turn]\nmax_allocations = lots\n", 7, "turn.max_allocations",
		   "not a number (got 'lots'");
	EXPECT_ONE(BASE "[turn]\nmax_allocations = 0\n", 7, "turn.max_allocations",
		   "out of range (got '0', expected 1..4194304)");
	EXPECT_ONE(BASE "[turn]\nlifetime_max = 86401\n", 7, "turn.lifetime_max", "out of range");
	EXPECT_ONE(BASE "[turn]\nnonce_lifetime = 600s\n", 7, "turn.nonce_lifetime",
		   "not a number (got '600s'");
	EXPECT_ONE(BASE "[turn]\nchannel_numbers = rfc1234\n", 7, "turn.channel_numbers", "expected rfc8656 or rfc5766");
	EXPECT_ONE(BASE "[turn]\nchannel_numbers = RFC8656\n", 7, "turn.channel_numbers", "unknown channel range");
	EXPECT_ONE(BASE "[turn]\nmax_allocations = 99999999999999999999999999\n", 7,
		   "turn.max_allocations", "out of range");
	EXPECT_ONE(BASE "[turn]\nmax_allocations = 4294967297\n", 7,
		   "turn.max_allocations", "out of range");
	EXPECT_ONE(BASE "[turn]\nallocations_per_user =\n", 7, "turn.allocations_per_user",
		   "empty value");
	EXPECT_ONE(BASE "mtu = 575\n", 6, "port a.mtu", "out of range");
	EXPECT_ONE("[eal]\nmemory_mb = 63\nvdev = net_ring0\n" PORT_A, 2, "eal.memory_mb", "out of range");
	EXPECT_ONE("[eal]\nmbufs = 4194304\nvdev = net_ring0\n" PORT_A, 2, "eal.mbufs", "out of range");
	EXPECT_ONE("[eal]\nidle_sleep_us = 10001\nvdev = net_ring0\n" PORT_A, 2, "eal.idle_sleep_us",
		   "out of range (got '10001', expected 0..10000)");
	EXPECT_ONE("[eal]\nidle_sleep_us = -1\nvdev = net_ring0\n" PORT_A, 2, "eal.idle_sleep_us",
		   "not a number (got '-1'");
	EXPECT_ONE("[eal]\nidle_sleep_us = 100us\nvdev = net_ring0\n" PORT_A, 2, "eal.idle_sleep_us",
		   "not a number (got '100us'");
	EXPECT_ONE("[eal]\nidle_sleep_us =\nvdev = net_ring0\n" PORT_A, 2, "eal.idle_sleep_us", "empty value");
	EXPECT_ONE(BASE "[turn]\nrelay_ports = 1000-2000\n", 7, "turn.relay_ports", "bad range");
	EXPECT_ONE(BASE "[turn]\nrelay_ports = 50000-40000\n", 7, "turn.relay_ports", "lo <= hi");
	EXPECT_ONE(BASE "[turn]\nrelay_ports = 50000\n", 7, "turn.relay_ports", "bad range");
	EXPECT_ONE(BASE "[stun]\nlisten_ports = 3478,3478\n", 7, "stun.listen_ports", "twice");
	EXPECT_ONE(BASE "[stun]\nlisten_ports = 1,2,3,4,5\n", 7, "stun.listen_ports", "at most 4");
	EXPECT_ONE(BASE "[stun]\nlisten_ports = 3478,\n", 7, "stun.listen_ports", "empty item");
	EXPECT_ONE(BASE "[stun]\nlisten_ports = 0\n", 7, "stun.listen_ports", "out of range");
	EXPECT_ONE(BASE "[stun]\nlisten_ports = 50000\n", 7, "stun.listen_ports",
		   "inside turn.relay_ports");
}

/* [eal] and [log] words */

static void
test_eal_errors(void)
{
	EXPECT_ONE("[eal]\nlcores = 0\nvdev = net_ring0\n" PORT_A, 2, "eal.lcores", "at least 2");
	EXPECT_ONE("[eal]\nlcores = 0-1x\nvdev = net_ring0\n" PORT_A, 2, "eal.lcores", "bad lcore list");
	EXPECT_ONE("[eal]\nlcores = 0-1,1\nvdev = net_ring0\n" PORT_A, 2, "eal.lcores", "named twice");
	EXPECT_ONE("[eal]\nlcores = 0,999\nvdev = net_ring0\n" PORT_A, 2, "eal.lcores", "too high");
	EXPECT_ONE("[eal]\nlcores = 0-1@\nvdev = net_ring0\n" PORT_A, 2, "eal.lcores", "bad lcore list");
	EXPECT_ONE("[eal]\nmemory = huge\nvdev = net_ring0\n" PORT_A, 2, "eal.memory", "auto, hugepages or no-huge");
	EXPECT_ONE("[eal]\nfile_prefix = a/b\nvdev = net_ring0\n" PORT_A, 2, "eal.file_prefix", "bad file prefix");
	EXPECT_ONE("[eal]\nfile_prefix = 0123456789012345678901234567890123\nvdev = net_ring0\n" PORT_A, 2,
		   "eal.file_prefix", "bad file prefix");
	EXPECT_ONE("[eal]\npci = 0000:01:00\nvdev = net_ring0\n" PORT_A, 2, "eal.pci", "bad PCI address");
	EXPECT_ONE("[eal]\nvdev = net_ring0 ,x=1\nvdev = net_ring0\n" PORT_A, 2, "eal.vdev", "bad vdev");
	EXPECT_ONE("[eal]\nvdev = net_ring0\nvdev = net_ring0\n" PORT_A, 3, "eal.vdev", "given twice");
	EXPECT_ONE(BASE "[log]\nlevel = verbose\n", 7, "log.level", "unknown level");
}

/*
 * allow-peer / deny-peer: 64 rules in all, on one line or one per line
 * (rte_cfgfile keeps the '-' in the key), mixed; rule 65 is an error.
 */
static void
peer_rule_limits(void)
{
	static char text[8192];
	static struct conf c;
	size_t n = 0;

	/* 64 one per line. */
	n = (size_t)snprintf(text, sizeof(text), BASE "[turn]\n");
	for (int i = 0; i < CONF_MAX_PEER_RULES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "deny-peer = 1.%d.0.0/16\n", i);
	expect_ok(text, &c);
	CU_ASSERT_EQUAL(c.turn.deny_peer_count, CONF_MAX_PEER_RULES);
	CU_ASSERT_EQUAL(c.turn.deny_peers[63].addr.ipv4, v4("1.63.0.0"));
	/* One more line. */
	snprintf(text + n, sizeof(text) - n, "deny-peer = 2.0.0.0/8\n");
	EXPECT_ONE(text, 7 + CONF_MAX_PEER_RULES, "turn.deny-peer", "repeated too often (at most 64");

	/* Three lines of 20, then 4 on a fourth: 64; a fifth on that line is one too many. */
	n = (size_t)snprintf(text, sizeof(text), BASE "[turn]\n");
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s1.%d.0.0/16%s",
				      i % 20 == 0 ? "allow-peer = " : "", i, i % 20 == 19 ? "\n" : ",");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "allow-peer = 2.0.0.0/8, 3.0.0.0/8, "
			      "4.0.0.0/8, 2001:db8::/32\n");
	expect_ok(text, &c);
	CU_ASSERT_EQUAL(c.turn.allow_peer_count, CONF_MAX_PEER_RULES);
	CU_ASSERT_EQUAL(c.turn.allow_peers[59].addr.ipv4, v4("1.59.0.0"));
	CU_ASSERT_EQUAL(c.turn.allow_peers[63].family, AF_INET6);
	snprintf(text + n - 1, sizeof(text) - n + 1, ", 5.0.0.0/8\n");
	EXPECT_ONE(text, 10, "turn.allow-peer", "at most 64 over all allow-peer");
	/* An empty line adds nothing and removes nothing. */
	expect_ok(BASE "[turn]\nallow-peer = 198.18.0.0/15\nallow-peer =\n", &c);
	CU_ASSERT_EQUAL(c.turn.allow_peer_count, 1);
}

/* Repeatable keys stop at their limit. */
static void
test_too_many_repeats(void)
{
	char text[2048];
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "[eal]\n");
	for (int i = 0; i < 9; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "vdev = net_ring%d\n", i);
	snprintf(text + n, sizeof(text) - n,
		 "[port a]\ndevice = net_ring0\nipv4 = 198.18.0.1/24\n");
	EXPECT_ONE(text, 10, "eal.vdev", "at most 8 times");

	EXPECT_ONE(BASE "[rest]\nrealm_is_in_turn = x\n", 7, "rest.realm_is_in_turn", "unknown key");
	EXPECT_ONE(BASE "[turn]\nrealm = r\n[rest]\nsecret = 1\nsecret = 2\nsecret = 3\n"
		   "secret = 4\nsecret = 5\n", 13, "rest.secret", "at most 4 times");
	EXPECT_ONE(BASE "[turn]\nrelay_ipv4 = 198.18.0.1,198.18.0.1\n", 7, "turn.relay_ipv4",
		   "twice");
	peer_rule_limits();
}

/* Addresses */

static void
test_address_errors(void)
{
	const char *head = "[eal]\nvdev = net_ring0\n[port a]\ndevice = net_ring0\n";
	char text[512];

#define PORT(extra) (snprintf(text, sizeof(text), "%s%s", head, extra), text)
	EXPECT_ONE(PORT("ipv4 = 198.18.0.300/24\n"), 5, "port a.ipv4", "bad IPv4 address");
	EXPECT_ONE(PORT("ipv4 = 198.18.0.1/33\n"), 5, "port a.ipv4", "bad prefix length");
	EXPECT_ONE(PORT("ipv4 = 198.18.0.1/0\n"), 5, "port a.ipv4", "bad prefix length");
	EXPECT_ONE(PORT("ipv4 = 198.18.0.1/2x\n"), 5, "port a.ipv4", "bad prefix length");
	EXPECT_ONE(PORT("ipv4 = 198.18.0.1\n"), 5, "port a.ipv4", "missing prefix length");
	EXPECT_ONE(PORT("ipv4 = 198.18.0.0/24\n"), 5, "port a.ipv4", "network or broadcast");
	EXPECT_ONE(PORT("ipv4 = 224.0.0.1/24\n"), 5, "port a.ipv4", "not a unicast");
	EXPECT_ONE(PORT("ipv6 = 2001:db8::1/129\n"), 5, "port a.ipv6", "bad prefix length");
	EXPECT_ONE(PORT("ipv6 = 2001:db8::g/64\n"), 5, "port a.ipv6", "bad IPv6 address");
	EXPECT_ONE(PORT("ipv6 = fe80::1/64\n"), 5, "port a.ipv6", "link-local");
	EXPECT_ONE(PORT("ipv6 = ff02::1/64\n"), 5, "port a.ipv6", "multicast");
	/* Gateways */
	EXPECT_ONE(PORT("ipv4 = 198.18.0.1/24\nipv4_gateway = 198.19.0.1\n"), 6,
		   "port a.ipv4_gateway", "not inside the port's prefix (got '198.19.0.1'");
	EXPECT_ONE(PORT("ipv4_gateway = 198.18.0.254\nipv4 = 198.18.0.1/24\nipv4_gateway = 1.2.3.4\n"),
		   7, "port a.ipv4_gateway", "duplicate key (first at line 5)");
	EXPECT_ONE(PORT("ipv4 = 198.18.0.1/24\nipv4_gateway = 198.18.0.1\n"), 6,
		   "port a.ipv4_gateway", "own address");
	EXPECT_ONE(PORT("ipv4 = 198.18.0.1/24\nipv4_gateway = 198.18.0.\n"), 6,
		   "port a.ipv4_gateway", "bad IPv4 address");
	EXPECT_ONE(PORT("ipv6 = 2001:db8:18::1/64\nipv4_gateway = 198.18.0.254\n"), 6,
		   "port a.ipv4_gateway", "needs ipv4");
	EXPECT_ONE(PORT("ipv6 = 2001:db8:18::1/64\nipv6_gateway = 2001:db8:19::1\n"), 6,
		   "port a.ipv6_gateway", "not on-link");
	EXPECT_ONE(PORT("ipv4 = 198.18.0.1/24\nipv6_gateway = fe80::1\n"), 6,
		   "port a.ipv6_gateway", "needs ipv6");
	EXPECT_ONE(PORT("ipv6 = 2001:db8:18::1/64\nmtu = 1000\n"), 6, "port a.mtu",
		   "too small for IPv6");
	/* Peer rules */
	EXPECT_ONE(BASE "[turn]\nallow-peer = 198.18.0.1/15\n", 7, "turn.allow-peer",
		   "host bits set (got '198.18.0.1/15', expected 198.18.0.0/15)");
	EXPECT_ONE(BASE "[turn]\ndeny-peer = 2001:db8::1/32\n", 7, "turn.deny-peer",
		   "expected 2001:db8::/32");
	EXPECT_ONE(BASE "[turn]\ndeny-peer = 203.0.113.0/24, nonsense\n", 7,
		   "turn.deny-peer", "bad IPv4 address (got 'nonsense'");
	/* The names before the hardening issue say what to write instead. */
	EXPECT_ONE(BASE "[turn]\nallowed_peers = 198.18.0.0/15\n", 7, "turn.allowed_peers",
		   "renamed: write allow-peer");
	EXPECT_ONE(BASE "[turn]\ndenied_peers = 203.0.113.0/24\n", 7, "turn.denied_peers",
		   "renamed: write deny-peer");
	EXPECT_ONE(BASE "[turn]\nallow_peer = 198.18.0.0/15\n", 7, "turn.allow_peer",
		   "unknown key");
#undef PORT
}

/* Ports and relays, checked across sections */

static void
test_port_errors(void)
{
	EXPECT_ONE(BASE "[port b]\ndevice = net_ring1\nipv4 = 198.19.0.1/24\n", 7,
		   "port b.device", "not a device of [eal]");
	EXPECT_ONE(BASE "[port b]\ndevice = net_ring0\nipv4 = 198.19.0.1/24\n", 7,
		   "port b.device", "already used by [port a]");
	EXPECT_ONE("[eal]\nvdev = net_ring0\n[port a]\ndevice = net_ring0\nmtu = 1500\n", 3,
		   "port a", "no address");
	EXPECT_ONE("[eal]\nvdev = net_ring0\n[port a]\nipv4 = 198.18.0.1/24\n", 3,
		   "port a", "no device");
	EXPECT_ONE("[eal]\nvdev = net_ring0\n", 0, "port", "at least one port");
	EXPECT_ONE("[eal]\npci = 0000:01:00.0\n[port a]\ndevice = 0000:01:00.1\n"
		   "ipv4 = 198.18.0.1/24\n", 4, "port a.device", "got '0000:01:00.1'");
	EXPECT_ONE(BASE "[turn]\nrelay_ipv4 = 198.19.0.1\n", 7, "turn.relay_ipv4",
		   "not inside any port's prefix (got '198.19.0.1', expected an address in 198.18.0.1/24 of [port a])");
	EXPECT_ONE(BASE "[turn]\nrelay_ipv4 = 198.18.0.1, 198.18.1.1\n", 7, "turn.relay_ipv4",
		   "not inside any port's prefix (got '198.18.1.1'");
	EXPECT_ONE(BASE "[turn]\nrelay_ipv6 = 2001:db8:18::1\n", 7, "turn.relay_ipv6",
		   "not inside any port's prefix (got '2001:db8:18::1', expected an address in the ipv6 prefix of a [port])");
	EXPECT_ONE(BASE "ipv6 = 2001:db8:18::1/64\n[turn]\nrelay_ipv6 = 2001:db8:19::5\n", 8,
		   "turn.relay_ipv6", "expected an address in 2001:db8:18::1/64 of [port a]");
	/* Two ports: an address outside both names no single prefix. */
	EXPECT_ONE("[eal]\nvdev = net_ring0\nvdev = net_ring1\n" PORT_A
		   "[port b]\ndevice = net_ring1\nipv4 = 198.19.0.1/24\n"
		   "[turn]\nrelay_ipv4 = 198.20.0.1\n", 11, "turn.relay_ipv4",
		   "expected an address in the ipv4 prefix of a [port]");
	/* Overlapping prefixes: reported once, at the port (an address would belong to two). */
	EXPECT_ONE("[eal]\nvdev = net_ring0\nvdev = net_ring1\n" PORT_A
		   "[port b]\ndevice = net_ring1\nipv4 = 198.18.0.129/25\n"
		   "[turn]\nrelay_ipv4 = 198.18.0.200\n", 9, "port b.ipv4",
		   "prefix overlaps the one of [port a]");
	EXPECT_ONE("[eal]\nvdev = net_ring0\nvdev = net_ring1\n"
		   "[port a]\ndevice = net_ring0\nipv6 = 2001:db8:18::1/48\n"
		   "[port b]\ndevice = net_ring1\nipv6 = 2001:db8:18:1::1/64\n"
		   "[turn]\nrelay_ipv6 = 2001:db8:18:1::7\n", 9, "port b.ipv6",
		   "prefix overlaps the one of [port a]");
	EXPECT_ONE(BASE "[turn]\nrelay_ipv4 = 198.18.0.255\n", 7, "turn.relay_ipv4",
		   "network or broadcast address (got '198.18.0.255'");
	EXPECT_ONE(BASE "[turn]\nrelay_ipv4 = 198.18.0.0\n", 7, "turn.relay_ipv4",
		   "network or broadcast address");
	EXPECT_ONE(BASE "ipv4_gateway = 198.18.0.254\n[turn]\nrelay_ipv4 = 198.18.0.254\n", 8,
		   "turn.relay_ipv4", "is the gateway of [port a] (got '198.18.0.254'");
	EXPECT_ONE(BASE "ipv6 = 2001:db8:18::1/64\nipv6_gateway = 2001:db8:18::fe\n"
		   "[turn]\nrelay_ipv6 = 2001:db8:18::fe\n", 9, "turn.relay_ipv6",
		   "is the gateway of [port a]");
	EXPECT_ONE(BASE "[turn]\nrelay_ipv4 = 198.18.0.1.1\n", 7, "turn.relay_ipv4",
		   "bad IPv4 address");
}

/* Relay addresses need not be a port's own: any host address of one port's prefix. */
static void
test_relay_in_prefix(void)
{
	static struct conf c;
	const struct conf_turn *t = &c.turn;

	/* Two relay addresses inside port a's /24, one of them not the port's address. */
	expect_ok(BASE "[turn]\nrelay_ipv4 = 198.18.0.1, 198.18.0.10\n", &c);
	CU_ASSERT_EQUAL(t->relay_ipv4_count, 2);
	CU_ASSERT_EQUAL(t->relay_ipv4[0], v4("198.18.0.1"));
	CU_ASSERT_EQUAL(t->relay_ipv4[1], v4("198.18.0.10"));

	/* Neither is the port's address; IPv6 likewise inside its /64. */
	expect_ok(BASE "ipv6 = 2001:db8:18::1/64\n"
		  "[turn]\nrelay_ipv4 = 198.18.0.20, 198.18.0.21\n"
		  "relay_ipv6 = 2001:db8:18::a, 2001:db8:18::1:b\n", &c);
	CU_ASSERT_EQUAL(t->relay_ipv4_count, 2);
	CU_ASSERT_EQUAL(t->relay_ipv4[1], v4("198.18.0.21"));
	CU_ASSERT_EQUAL(t->relay_ipv6_count, 2);
	CU_ASSERT_TRUE(v6_eq(t->relay_ipv6[1], "2001:db8:18::1:b"));

	/* Two ports: each address inside one of them; /31 has no network or broadcast address. */
	expect_ok("[eal]\nvdev = net_ring0\nvdev = net_ring1\n" PORT_A
		  "[port b]\ndevice = net_ring1\nipv4 = 198.19.0.0/31\n"
		  "[turn]\nrelay_ipv4 = 198.18.0.77, 198.19.0.1, 198.19.0.0\n", &c);
	CU_ASSERT_EQUAL(t->relay_ipv4_count, 3);
}

/* Credentials */

static void
test_credential_errors(void)
{
	EXPECT_ONE(BASE "[users]\nalice = secret123\n", 7, "users.alice", "need a realm");
	EXPECT_ONE(BASE "[rest]\nsecret = s\n", 7, "rest.secret", "need a realm");
	EXPECT_ONE(BASE "[turn]\nrealm = r\n[users]\nbob = md5:0123\n", 9, "users.bob",
		   "bad md5 key");
	EXPECT_ONE(BASE "[turn]\nrealm = r\n[users]\nbob = md5:0123456789abcdef0123456789abcdeg\n",
		   9, "users.bob", "bad md5 key");
	EXPECT_ONE(BASE "[turn]\nrealm = r\n[users]\nbob =\n", 9, "users.bob", "empty password");
	EXPECT_ONE(BASE "[turn]\nrealm = r\n[users]\nb:ob = x\n", 9, "users.b:ob", "':'");
	EXPECT_ONE(BASE "[turn]\nrealm = r\n[rest]\nsecret =\n", 9, "rest.secret", "empty secret");
	EXPECT_ONE(BASE "[turn]\nrealm = a\"b\n", 7, "turn.realm", "not allowed");
}

static void
test_secret_not_echoed(void)
{
	static struct conf c;
	struct conf_errors errs;

	CU_ASSERT_EQUAL(load_text(BASE "[turn]\nrealm = r\n[users]\nbob = md5:topsecret\n",
				  &c, &errs), -1);
	CU_ASSERT_EQUAL_FATAL(errs.count, 1);
	CU_ASSERT_PTR_NULL(strstr(errs.err[0].msg, "topsecret"));
}

/* Files */

static void
test_missing_file(void)
{
	static struct conf c;
	struct conf_errors errs;
	char buf[512];

	CU_ASSERT_EQUAL(conf_load("/tmp/dturn-conf-test-does-not-exist.conf", &c, &errs), -1);
	CU_ASSERT_EQUAL_FATAL(errs.count, 1);
	CU_ASSERT_EQUAL(errs.err[0].line, 0);
	CU_ASSERT_STRING_EQUAL(errs.err[0].key, "");
	conf_error_format(&errs.err[0], buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "/tmp/dturn-conf-test-does-not-exist.conf: "
			       "cannot open: No such file or directory");

	CU_ASSERT_EQUAL(conf_load("/tmp", &c, &errs), -1);
	CU_ASSERT_EQUAL(errs.count, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errs.err[0].msg, "cannot read"));
}

static void
test_comments_and_blank_lines(void)
{
	static struct conf c;

	expect_ok("\n; comment\n   # another = comment\n\t\n"
		  "[eal]   ; the eal\r\n"
		  "  vdev=net_ring0  \r\n"
		  "memory_mb = 256 ; trailing comment\n"
		  "[ port a ]\n"
		  "device = net_ring0\n"
		  "ipv4 = 198.18.0.1/24", &c);  /* no final newline */
	CU_ASSERT_EQUAL(c.eal.memory_mb, 256);
	CU_ASSERT_STRING_EQUAL(c.ports[0].name, "a");
	CU_ASSERT_EQUAL(c.turn.relay_ipv4[0], v4("198.18.0.1"));
}

/* Every error of a file is reported, each at its own line. */
static void
test_many_errors(void)
{
	static struct conf c;
	struct conf_errors errs;
	const char *text =
		"[eal]\n"                          /* 1 */
		"memory_mb = 10\n"                 /* 2: out of range */
		"vdev = net_ring0\n"               /* 3 */
		"bogus\n"                          /* 4: syntax */
		"[port a]\n"                       /* 5 */
		"device = net_ring0\n"             /* 6 */
		"ipv4 = 198.18.0.1/24\n"           /* 7 */
		"ipv4_gateway = 10.0.0.1\n"        /* 8: off prefix */
		"[stun]\n"                         /* 9 */
		"software = a\n"                   /* 10 */
		"software = b\n"                   /* 11: duplicate */
		"[turn]\n"                         /* 12 */
		"lifetime_max = 1h\n"              /* 13: junk */
		"relay_ipv4 = 198.19.0.9\n"        /* 14: in no port's prefix */
		"[nope]\n"                         /* 15: unknown section */
		"ignored = 1\n"                    /* 16: inside unknown section: not reported */
		"[users]\n"                        /* 17 */
		"alice = x\n";                     /* 18: no realm */

	CU_ASSERT_EQUAL(load_text(text, &c, &errs), -1);
	CU_ASSERT_EQUAL(errs.count, 8);
	CU_ASSERT_TRUE(has_error(&errs, 2, "eal.memory_mb", "out of range"));
	CU_ASSERT_TRUE(has_error(&errs, 4, "", "syntax error"));
	CU_ASSERT_TRUE(has_error(&errs, 8, "port a.ipv4_gateway", "not inside"));
	CU_ASSERT_TRUE(has_error(&errs, 11, "stun.software", "duplicate key"));
	CU_ASSERT_TRUE(has_error(&errs, 13, "turn.lifetime_max", "not a number"));
	CU_ASSERT_TRUE(has_error(&errs, 14, "turn.relay_ipv4", "not inside any port's prefix"));
	CU_ASSERT_TRUE(has_error(&errs, 15, "nope", "unknown section"));
	CU_ASSERT_TRUE(has_error(&errs, 18, "users.alice", "realm"));
	if (errs.count != 8)
		print_errors(&errs);
}

static void
test_error_overflow(void)
{
	static struct conf c;
	struct conf_errors errs;
	char text[4096];
	size_t n = (size_t)snprintf(text, sizeof(text), BASE "[turn]\n");

	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "typo%d = 1\n", i);
	CU_ASSERT_EQUAL(load_text(text, &c, &errs), -1);
	CU_ASSERT_EQUAL(errs.count, 40);
	CU_ASSERT_EQUAL(errs.err[CONF_MAX_ERRORS - 1].line, 7 + CONF_MAX_ERRORS - 1);
	CU_ASSERT_STRING_EQUAL(errs.err[0].key, "turn.typo0");
}

static void
test_error_format(void)
{
	struct conf_error e = { .file = "dturn.conf", .line = 12, .key = "eal.mbufs",
				.msg = "out of range (got '5', expected 1023..4194303)" };
	char buf[512], small[8];

	conf_error_format(&e, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
		"dturn.conf:12: eal.mbufs: out of range (got '5', expected 1023..4194303)");
	e.key[0] = '\0';
	conf_error_format(&e, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "dturn.conf:12: out of range (got '5', expected 1023..4194303)");
	conf_error_format(&e, small, sizeof(small));
	CU_ASSERT_STRING_EQUAL(small, "dturn.c");
}

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "shipped files load", test_shipped_files },
		{ "template values", test_template_values },
		{ "demo values", test_demo_values },
		{ "defaults", test_defaults },
		{ "minimal file keeps defaults", test_minimal_file_defaults },
		{ "every key reads back", test_every_key },
		{ "comments and blank lines", test_comments_and_blank_lines },
		{ "syntax errors", test_syntax_errors },
		{ "over-long line", test_long_line },
		{ "unknown and duplicate keys", test_unknown_and_duplicate_keys },
		{ "number errors", test_number_errors },
		{ "eal and log errors", test_eal_errors },
		{ "too many repeats", test_too_many_repeats },
		{ "address errors", test_address_errors },
		{ "port and relay errors", test_port_errors },
		{ "relay addresses inside a port's prefix", test_relay_in_prefix },
		{ "credential errors", test_credential_errors },
		{ "secrets not echoed", test_secret_not_echoed },
		{ "missing file", test_missing_file },
		{ "many errors in one file", test_many_errors },
		{ "error count past the array", test_error_overflow },
		{ "error format", test_error_format },
	};
	CU_pSuite suite;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("conf", NULL, NULL);
	for (size_t i = 0; suite != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
