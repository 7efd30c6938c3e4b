/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One line of input -> an optional name and the message bytes.
 * Accepted: "HEX", "0xHEX", hex with whitespace anywhere ("00 01 00 58 ..."),
 * each group optionally 0x-prefixed, and "NAME HEX" as in
 * tests/vectors/stun-vectors.hex. Blank lines and '#' comments are skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool
is_0x_at(const char *text, size_t len, size_t i)
{
	return i + 1 < len && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X');
}

/* Whether text[b..e) is one group of hex digits, optionally 0x-prefixed. */
static bool
is_hex_token(const char *text, size_t b, size_t e)
{
	if (is_0x_at(text, e, b))
		b += 2;
	if (b == e)
		return false;
	for (size_t i = b; i < e; i++)
		if (hex_value(text[i]) < 0)
			return false;
	return true;
}

static char *
copy_name(const char *text, size_t len)
{
	char *name = malloc(len + 1);

	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		name[i] = c >= 0x20 && c < 0x7F ? (char)c : '?';
	}
	name[len] = '\0';
	return name;
}

enum hex_status
hex_parse_line(const char *text, size_t len, struct hex_message *out)
{
	size_t b = 0;

	memset(out, 0, sizeof(*out));
	while (b < len && is_space(text[b]))
		b++;
	if (b == len || text[b] == '#')
		return HEX_SKIP;

	/* "NAME HEX": a first group that is not hex, followed by more text. */
	size_t e = b;

	while (e < len && !is_space(text[e]))
		e++;

	size_t rest = e;

	while (rest < len && is_space(text[rest]))
		rest++;
	if (rest < len && !is_hex_token(text, b, e)) {
		out->name = copy_name(text + b, e - b);
		if (out->name == NULL)
			return HEX_NO_MEMORY;
		b = rest;
	}

	out->bytes = malloc((len - b) / 2 + 1);
	if (out->bytes == NULL) {
		hex_message_free(out);
		return HEX_NO_MEMORY;
	}

	size_t ndigits = 0;
	int high = 0;
	bool group_start = true;

	for (size_t i = b; i < len; i++) {
		char c = text[i];

		if (is_space(c)) {
			group_start = true;
			continue;
		}
		if (group_start && is_0x_at(text, len, i)) {
			i++;
			group_start = false;
			continue;
		}
		group_start = false;

		int v = hex_value(c);

		if (v < 0) {
			out->bad_pos = i;
			out->bad_char = c;
			return HEX_BAD_DIGIT;
		}
		if (ndigits % 2 == 0)
			high = v;
		else
			out->bytes[out->len++] = (uint8_t)(high << 4 | v);
		ndigits++;
	}
	if (ndigits % 2 != 0)
		return HEX_ODD;
	return HEX_OK;
}

void
hex_message_free(struct hex_message *m)
{
	free(m->name);
	free(m->bytes);
	m->name = NULL;
	m->bytes = NULL;
	m->len = 0;
}

const char *
hex_status_str(enum hex_status s)
{
	switch (s) {
	case HEX_OK: return "ok";
	case HEX_SKIP: return "nothing to decode";
	case HEX_ODD: return "odd number of hex digits";
	case HEX_BAD_DIGIT: return "not a hex digit";
	case HEX_NO_MEMORY: return "out of memory";
	default: return "unknown";
	}
}
