/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Strict value parsers. strtoul and friends accept signs, spaces, and
 * trailing junk; a config typo must not turn into a surprising number, so
 * numbers and addresses are read here digit by digit or through inet_pton.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <rte_config.h>

#include "conf_internal.h"

int
conf_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		char *msg, size_t len)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p == '\0') {
		snprintf(msg, len, "empty value (expected a number %lu..%lu)",
			 (unsigned long)min, (unsigned long)max);
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		/* Saturate rather than wrap: anything this big is out of range anyway. */
		if (v > (UINT64_MAX - 9) / 10)
			v = UINT64_MAX;
		else
			v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p != '\0' || p == s) {
		snprintf(msg, len, "not a number (got '%.40s', expected digits only, %lu..%lu)",
			 s, (unsigned long)min, (unsigned long)max);
		return -1;
	}
	if (v < min || v > max) {
		snprintf(msg, len, "out of range (got '%.40s', expected %lu..%lu)",
			 s, (unsigned long)min, (unsigned long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int
conf_parse_ipv4(const char *s, uint32_t *out, char *msg, size_t len)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		snprintf(msg, len, "bad IPv4 address (got '%.60s', expected e.g. 198.18.0.1)", s);
		return -1;
	}
	*out = a.s_addr;
	return 0;
}

int
conf_parse_ipv6(const char *s, uint8_t out[16], char *msg, size_t len)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1) {
		snprintf(msg, len, "bad IPv6 address (got '%.60s', expected e.g. 2001:db8::1)", s);
		return -1;
	}
	memcpy(out, a.s6_addr, 16);
	return 0;
}

/* Split "addr/prefix" into addr (copied to buf) and the prefix length. */
static int
conf_split_prefix(const char *s, char *buf, size_t buf_len, unsigned int min,
		  unsigned int max, bool required, unsigned int *prefix,
		  char *msg, size_t len)
{
	const char *slash = strchr(s, '/');
	char num[16];
	uint64_t v;

	if (slash == NULL) {
		if (required) {
			snprintf(msg, len, "missing prefix length (got '%.60s', expected address/%u..%u)",
				 s, min, max);
			return -1;
		}
		snprintf(buf, buf_len, "%s", s);
		*prefix = max;
		return 0;
	}
	if ((size_t)(slash - s) >= buf_len || strlen(slash + 1) >= sizeof(num)) {
		snprintf(msg, len, "bad address/prefix (got '%.60s')", s);
		return -1;
	}
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	snprintf(num, sizeof(num), "%s", slash + 1);
	if (conf_parse_uint(num, min, max, &v, msg, len) < 0) {
		snprintf(msg, len, "bad prefix length (got '%.60s', expected /%u..%u)", s, min, max);
		return -1;
	}
	*prefix = (unsigned int)v;
	return 0;
}

int
conf_parse_ipv4_prefix(const char *s, unsigned int min_prefix, uint32_t *addr,
		       uint8_t *prefix, char *msg, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int p;

	if (conf_split_prefix(s, a, sizeof(a), min_prefix, 32, true, &p, msg, len) < 0)
		return -1;
	if (conf_parse_ipv4(a, addr, msg, len) < 0)
		return -1;
	*prefix = (uint8_t)p;
	return 0;
}

int
conf_parse_ipv6_prefix(const char *s, unsigned int min_prefix, uint8_t addr[16],
		       uint8_t *prefix, char *msg, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int p;

	if (conf_split_prefix(s, a, sizeof(a), min_prefix, 128, true, &p, msg, len) < 0)
		return -1;
	if (conf_parse_ipv6(a, addr, msg, len) < 0)
		return -1;
	*prefix = (uint8_t)p;
	return 0;
}

static uint32_t
conf_ipv4_mask(unsigned int prefix)
{
	return prefix == 0 ? 0 : htonl(UINT32_MAX << (32 - prefix));
}

bool
conf_ipv4_in_prefix(uint32_t a, uint32_t net, unsigned int prefix)
{
	uint32_t m = conf_ipv4_mask(prefix);

	return (a & m) == (net & m);
}

bool
conf_ipv6_in_prefix(const uint8_t a[16], const uint8_t net[16], unsigned int prefix)
{
	unsigned int full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, net, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ net[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

int
conf_parse_cidr(const char *s, struct conf_cidr *out, char *msg, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int p;
	bool v6 = strchr(s, ':') != NULL;

	memset(out, 0, sizeof(*out));
	if (conf_split_prefix(s, a, sizeof(a), 0, v6 ? 128 : 32, false, &p, msg, len) < 0)
		return -1;
	out->prefix = (uint8_t)p;
	if (v6) {
		uint8_t net[16] = { 0 };

		out->family = AF_INET6;
		if (conf_parse_ipv6(a, out->addr.ipv6, msg, len) < 0)
			return -1;
		for (unsigned int i = 0; i < p / 8; i++)
			net[i] = out->addr.ipv6[i];
		if (p % 8 != 0)
			net[p / 8] = out->addr.ipv6[p / 8] & (uint8_t)(0xff << (8 - p % 8));
		if (memcmp(net, out->addr.ipv6, 16) != 0) {
			char want[INET6_ADDRSTRLEN];

			inet_ntop(AF_INET6, net, want, sizeof(want));
			snprintf(msg, len, "host bits set (got '%.60s', expected %s/%u)", s, want, p);
			return -1;
		}
	} else {
		uint32_t net;

		out->family = AF_INET;
		if (conf_parse_ipv4(a, &out->addr.ipv4, msg, len) < 0)
			return -1;
		net = out->addr.ipv4 & conf_ipv4_mask(p);
		if (net != out->addr.ipv4) {
			char want[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &net, want, sizeof(want));
			snprintf(msg, len, "host bits set (got '%.60s', expected %s/%u)", s, want, p);
			return -1;
		}
	}
	return 0;
}

/* Reads decimal digits; caps the value so a long run cannot overflow. */
static const char *
conf_lcore_num(const char *p, unsigned long *v)
{
	const char *start = p;

	*v = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		*v = *v > 100000 ? *v : *v * 10 + (unsigned long)(*p - '0');
	return p == start ? NULL : p;
}

/* Reads a number, a-b range or (list) of them; marks ids in seen when given. */
static const char *
conf_lcore_set(const char *p, bool *seen, unsigned int *count, char *msg, size_t len)
{
	bool group = *p == '(';

	if (group)
		p++;
	for (;;) {
		unsigned long lo, hi;

		p = conf_lcore_num(p, &lo);
		if (p == NULL)
			return NULL;
		hi = lo;
		if (*p == '-') {
			p = conf_lcore_num(p + 1, &hi);
			if (p == NULL || hi < lo)
				return NULL;
		}
		if (seen != NULL) {
			if (hi >= RTE_MAX_LCORE) {
				snprintf(msg, len, "lcore %lu too high, at most %d", hi,
					 RTE_MAX_LCORE - 1);
				return NULL;
			}
			for (unsigned long i = lo; i <= hi; i++) {
				if (seen[i]) {
					snprintf(msg, len, "lcore %lu named twice", i);
					return NULL;
				}
				seen[i] = true;
				(*count)++;
			}
		}
		if (!group)
			return p;
		if (*p == ')')
			return p + 1;
		if (*p != ',')
			return NULL;
		p++;
	}
}

int
conf_parse_lcores(const char *s, unsigned int *count, unsigned int *lowest,
		  char *msg, size_t len)
{
	bool seen[RTE_MAX_LCORE] = { false };
	const char *p = s;

	*count = 0;
	msg[0] = '\0';
	if (strspn(s, "0123456789,-@()") != strlen(s) || *s == '\0') {
		snprintf(msg, len,
			 "bad lcore list (got '%.60s', expected digits and , - @ ( ) only, e.g. 0-1)",
			 s);
		return -1;
	}
	/* EAL --lcores grammar: set[@cpuset] separated by ','; a set may be (a,b-c). */
	for (;;) {
		p = conf_lcore_set(p, seen, count, msg, len);
		if (p != NULL && *p == '@')
			p = conf_lcore_set(p + 1, NULL, NULL, msg, len);
		if (p == NULL) {
			if (msg[0] == '\0')
				snprintf(msg, len,
					 "bad lcore list (got '%.60s', expected EAL --lcores syntax, e.g. 0-1 or 0,2@4)",
					 s);
			else {
				char why[64];

				snprintf(why, sizeof(why), "%s", msg);
				snprintf(msg, len, "bad lcore list (got '%.60s': %s)", s, why);
			}
			return -1;
		}
		if (*p == '\0')
			break;
		if (*p != ',') {
			snprintf(msg, len, "bad lcore list (got '%.60s', expected EAL --lcores syntax)", s);
			return -1;
		}
		p++;
	}
	for (unsigned int i = 0; i < RTE_MAX_LCORE; i++) {
		if (seen[i]) {
			*lowest = i;
			break;
		}
	}
	return 0;
}

static int
conf_hex_field(const char *s, size_t digits_min, size_t digits_max, unsigned long max,
	       unsigned long *out, const char **end)
{
	size_t n = 0;
	unsigned long v = 0;

	while (isxdigit((unsigned char)s[n]) && n <= digits_max) {
		char c = (char)tolower((unsigned char)s[n]);

		v = v * 16 + (unsigned long)(c <= '9' ? c - '0' : c - 'a' + 10);
		n++;
	}
	if (n < digits_min || n > digits_max || v > max)
		return -1;
	*out = v;
	*end = s + n;
	return 0;
}

int
conf_parse_pci(const char *s, char *out, size_t out_len, char *msg, size_t len)
{
	unsigned long dom = 0, bus, dev, fn;
	const char *p = s;
	int colons = 0;

	for (const char *q = s; *q != '\0'; q++)
		colons += *q == ':';
	if (colons == 2) {
		if (conf_hex_field(p, 4, 4, 0xffff, &dom, &p) < 0 || *p++ != ':')
			goto bad;
	} else if (colons != 1) {
		goto bad;
	}
	if (conf_hex_field(p, 2, 2, 0xff, &bus, &p) < 0 || *p++ != ':' ||
	    conf_hex_field(p, 2, 2, 0x1f, &dev, &p) < 0 || *p++ != '.' ||
	    conf_hex_field(p, 1, 1, 7, &fn, &p) < 0 || *p != '\0')
		goto bad;
	snprintf(out, out_len, "%04lx:%02lx:%02lx.%lx", dom, bus, dev, fn);
	return 0;
bad:
	snprintf(msg, len, "bad PCI address (got '%.60s', expected dddd:bb:dd.f, e.g. 0000:01:00.0)", s);
	return -1;
}

int
conf_split_list(char *s, char **items, unsigned int max, char *msg, size_t len)
{
	unsigned int n = 0;
	char *p = s;

	for (;;) {
		char *comma = strchr(p, ',');
		char *item, *e;

		if (comma != NULL)
			*comma = '\0';
		item = p;
		while (isspace((unsigned char)*item))
			item++;
		e = item + strlen(item);
		while (e > item && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*item == '\0') {
			snprintf(msg, len, "empty item in list (item %u)", n + 1);
			return -1;
		}
		if (n == max) {
			snprintf(msg, len, "too many items (at most %u)", max);
			return -1;
		}
		items[n++] = item;
		if (comma == NULL)
			return (int)n;
		p = comma + 1;
	}
}

int
conf_parse_port_list(char *v, uint16_t *out, unsigned int max, unsigned int *count, char *msg,
		     size_t len)
{
	char *items[CONF_PORT_LIST_MAX];
	uint16_t ports[CONF_PORT_LIST_MAX];
	int n;

	if (max > CONF_PORT_LIST_MAX)
		max = CONF_PORT_LIST_MAX;
	n = conf_split_list(v, items, max, msg, len);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		uint64_t port;

		if (conf_parse_uint(items[i], 1, 65535, &port, msg, len) < 0)
			return -1;
		ports[i] = (uint16_t)port;
		for (int j = 0; j < i; j++) {
			if (ports[j] == ports[i]) {
				snprintf(msg, len, "port %u listed twice", ports[i]);
				return -1;
			}
		}
	}
	memcpy(out, ports, (size_t)n * sizeof(ports[0]));
	*count = (unsigned int)n;
	return 0;
}
