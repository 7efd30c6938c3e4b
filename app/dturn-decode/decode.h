/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_DECODE_H
#define DTURN_DECODE_H

/*
 * dturn-decode: prints STUN and ChannelData messages given as hex, for
 * operators. Private to app/dturn-decode.
 *
 * main.c          arguments, the input loop and the exit status
 * hex_input.c     one line of text -> optional name and message bytes
 * print_message.c demultiplexing (RFC 7983), ChannelData and the verdict line
 * print_stun.c    a STUN header and its attributes, integrity and fingerprint checks
 * print_value.c   hex, quoted strings and addresses
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stun.h"

/* Credentials and output options from the command line. */
struct decode_opts {
	const char *user;     /* long-term; NULL: take USERNAME from the message */
	const char *realm;    /* long-term; NULL: take REALM from the message */
	const char *password; /* long-term password (key = H(user:realm:password)) */
	const char *key;      /* short-term: the key is these bytes */
	bool quiet;           /* verdict lines only */
};

enum verdict_kind {
	VERDICT_OK,    /* decoded; every check that could be made passed */
	VERDICT_FAIL,  /* decoded, but a check or an attribute value failed */
	VERDICT_ERROR, /* did not decode */
};

/* What is said about one message on its last line. The first failure wins. */
struct verdict {
	enum verdict_kind kind;
	char why[256];  /* for FAIL and ERROR */
	char note[256]; /* for OK: checks that could not be made */
};

void verdict_fail(struct verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void verdict_note(struct verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- hex_input.c ---- */

enum hex_status {
	HEX_OK,
	HEX_SKIP,      /* blank line or comment */
	HEX_ODD,       /* an odd number of hex digits */
	HEX_BAD_DIGIT, /* a character that is neither hex nor whitespace */
	HEX_NO_MEMORY,
};

struct hex_message {
	char *name;     /* from a "NAME HEX" line, or NULL; printable ASCII only */
	uint8_t *bytes; /* malloc'ed */
	size_t len;
	size_t bad_pos; /* for HEX_BAD_DIGIT: offset in the text */
	char bad_char;
};

/* Parse text[0..len) (no NUL needed; a NUL inside is a bad digit). */
enum hex_status hex_parse_line(const char *text, size_t len, struct hex_message *out);
void hex_message_free(struct hex_message *m);
const char *hex_status_str(enum hex_status s);

/* ---- print_message.c ---- */

/* Decode and print one message; returns its verdict kind. */
enum verdict_kind print_message(const struct decode_opts *opts, const char *name,
				const uint8_t *buf, size_t len);

/* A detail line: printed unless --quiet. */
void detail(const struct decode_opts *opts, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- print_stun.c ---- */

void print_stun(const struct decode_opts *opts, const char *name, const uint8_t *buf,
		size_t len, struct verdict *v);

/* ---- print_value.c ----
 * Each writes into a caller's buffer of cap bytes (always NUL-terminated,
 * truncated if it must be) and returns it. */

#define VALUE_TEXT_MAX 4096
#define HEX_SHOWN_MAX 64 /* bytes of a long value shown before "..." */

char *fmt_hex(char *out, size_t cap, const uint8_t *data, size_t len, size_t shown_max);
char *fmt_quoted(char *out, size_t cap, const uint8_t *data, size_t len);
char *fmt_addr(char *out, size_t cap, const struct stun_addr *a);

#endif
