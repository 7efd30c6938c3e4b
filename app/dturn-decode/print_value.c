/* SPDX-License-Identifier: BSD-3-Clause */
/* Values as text: hex, quoted strings with escapes, addresses. */
#include <arpa/inet.h>
#include <string.h>

#include "decode.h"

/* Appends to out[0..cap) at *pos, truncating; out stays NUL-terminated. */
static void
put(char *out, size_t cap, size_t *pos, const char *s, size_t n)
{
	if (*pos >= cap)
		return;
	if (n > cap - 1 - *pos)
		n = cap - 1 - *pos;
	memcpy(out + *pos, s, n);
	*pos += n;
	out[*pos] = '\0';
}

char *
fmt_hex(char *out, size_t cap, const uint8_t *data, size_t len, size_t shown_max)
{
	static const char digits[] = "0123456789abcdef";
	size_t pos = 0;
	size_t shown = len < shown_max ? len : shown_max;

	if (cap == 0)
		return out;
	out[0] = '\0';
	for (size_t i = 0; i < shown; i++) {
		char two[2] = { digits[data[i] >> 4], digits[data[i] & 0xF] };

		put(out, cap, &pos, two, 2);
	}
	if (shown < len) {
		char more[64];
		int n = snprintf(more, sizeof(more), "... (%zu more bytes)", len - shown);

		put(out, cap, &pos, more, (size_t)n);
	}
	return out;
}

/* Length of a well-formed UTF-8 sequence of a printable character at p, or 0. */
static size_t
utf8_printable_len(const uint8_t *p, size_t avail)
{
	size_t n;
	uint32_t cp;

	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		cp = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		cp = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF, C1 controls and bidi overrides. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0xA0 || (cp >= 0x202A && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return n;
}

char *
fmt_quoted(char *out, size_t cap, const uint8_t *data, size_t len)
{
	size_t pos = 0;

	if (cap == 0)
		return out;
	out[0] = '\0';
	put(out, cap, &pos, "\"", 1);
	for (size_t i = 0; i < len; i++) {
		uint8_t c = data[i];
		char esc[8];
		size_t u;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(out, cap, &pos, esc, 2);
		} else if (c >= 0x20 && c < 0x7F) {
			put(out, cap, &pos, (const char *)&data[i], 1);
		} else if (c >= 0x80 && (u = utf8_printable_len(data + i, len - i)) > 0) {
			put(out, cap, &pos, (const char *)&data[i], u);
			i += u - 1;
		} else if (c == '\n') {
			put(out, cap, &pos, "\\n", 2);
		} else if (c == '\r') {
			put(out, cap, &pos, "\\r", 2);
		} else if (c == '\t') {
			put(out, cap, &pos, "\\t", 2);
		} else {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			put(out, cap, &pos, esc, 4);
		}
	}
	put(out, cap, &pos, "\"", 1);
	return out;
}

char *
fmt_addr(char *out, size_t cap, const struct stun_addr *a)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->family == STUN_FAMILY_IPV6) {
		inet_ntop(AF_INET6, a->addr, ip, sizeof(ip));
		snprintf(out, cap, "[%s]:%u", ip, a->port);
	} else {
		inet_ntop(AF_INET, a->addr, ip, sizeof(ip));
		snprintf(out, cap, "%s:%u", ip, a->port);
	}
	return out;
}
