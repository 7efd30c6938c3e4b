/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The raw-text pass. rte_cfgfile gives no line numbers and silently skips
 * lines it does not understand, so this pass reads the same text the same
 * way first: it rejects what rte_cfgfile would skip or misread, and records
 * the line of every (section, key) so later errors can point at it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"

/* rte_cfgfile's comment character; it cannot be changed per file. */
#define CONF_COMMENT ';'

static const struct {
	const char *name;
	enum conf_section_kind kind;
} conf_fixed_sections[] = {
	{ "eal", CONF_SECTION_EAL },
	{ "log", CONF_SECTION_LOG },
	{ "stun", CONF_SECTION_STUN },
	{ "turn", CONF_SECTION_TURN },
	{ "users", CONF_SECTION_USERS },
	{ "rest", CONF_SECTION_REST },
	{ "mgmt", CONF_SECTION_MGMT },
	{ "stream", CONF_SECTION_STREAM },
};

/* Trim isspace() at both ends, as rte_cfgfile's _strip() does. */
static char *
conf_strip(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* rte_cfgfile turns "\;" into ";" inside values. */
static void
conf_unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r != '\0'; r++) {
		if (r[0] == '\\' && r[1] == CONF_COMMENT)
			r++;
		*w++ = *r;
	}
	*w = '\0';
}

static int
conf_grow(void **arr, unsigned int *cap, size_t elem)
{
	unsigned int ncap = *cap == 0 ? 16 : *cap * 2;
	void *n = realloc(*arr, (size_t)ncap * elem);

	if (n == NULL)
		return -1;
	*arr = n;
	*cap = ncap;
	return 0;
}

static bool
conf_port_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CONF_PORT_NAME_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Decide what a section header names; reports and returns UNKNOWN if nothing. */
static enum conf_section_kind
conf_section_kind_of(struct conf_ctx *ctx, unsigned int line, const char *name)
{
	for (size_t i = 0; i < sizeof(conf_fixed_sections) / sizeof(conf_fixed_sections[0]); i++)
		if (strcmp(name, conf_fixed_sections[i].name) == 0)
			return conf_fixed_sections[i].kind;

	if (strncmp(name, "port", 4) == 0 && (name[4] == '\0' || isspace((unsigned char)name[4]))) {
		const char *p = name + 4;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0') {
			conf_err(ctx, line, "port", "a port section needs a name: [port NAME]");
			return CONF_SECTION_UNKNOWN;
		}
		if (!conf_port_name_ok(p)) {
			conf_err(ctx, line, name,
				 "bad port name (got '%.40s', expected 1 to 15 of a-z 0-9 _ -)", p);
			return CONF_SECTION_UNKNOWN;
		}
		return CONF_SECTION_PORT;
	}
	conf_err(ctx, line, name,
		 "unknown section (expected eal, log, port NAME, stun, turn, users or rest)");
	return CONF_SECTION_UNKNOWN;
}

static int
conf_scan_header(struct conf_ctx *ctx, unsigned int line, char *text)
{
	struct conf_scan *scan = &ctx->scan;
	struct conf_scan_section *sec;
	char *close = strchr(text, ']');
	char *name;

	if (close == NULL) {
		conf_err(ctx, line, "", "unterminated section header (missing ']')");
		scan->rte_unsafe = true;
		return 0;
	}
	*close = '\0';
	name = conf_strip(text + 1);

	if (scan->section_count == scan->section_cap &&
	    conf_grow((void **)&scan->sections, &scan->section_cap, sizeof(*sec)) < 0)
		return -1;
	/* Every header rte_cfgfile sees gets a slot, even a bad one, so indexes match. */
	sec = &scan->sections[scan->section_count++];
	memset(sec, 0, sizeof(*sec));
	sec->line = line;
	snprintf(sec->name, sizeof(sec->name), "%s", name);
	sec->skip = true;

	if (*conf_strip(close + 1) != '\0')
		conf_err(ctx, line, name, "unexpected text after ']'");
	if (strlen(name) > CONF_KEY_MAX) {
		conf_err(ctx, line, "", "section name too long (at most %d bytes)", CONF_KEY_MAX);
		return 0;
	}
	if (name[0] == '\0') {
		conf_err(ctx, line, "", "empty section name '[]'");
		return 0;
	}
	for (unsigned int i = 0; i + 1 < scan->section_count; i++) {
		if (strcmp(scan->sections[i].name, name) == 0) {
			conf_err(ctx, line, name, "duplicate section (first at line %u)",
				 scan->sections[i].line);
			return 0;
		}
	}
	sec->kind = conf_section_kind_of(ctx, line, name);
	sec->skip = sec->kind == CONF_SECTION_UNKNOWN;
	return 0;
}

static bool
conf_key_chars_ok(const char *k)
{
	for (; *k != '\0'; k++) {
		unsigned char c = (unsigned char)*k;

		if (c <= ' ' || c == 0x7f || c == '[' || c == ']')
			return false;
	}
	return true;
}

static int
conf_scan_entry(struct conf_ctx *ctx, unsigned int line, char *text, char *eq)
{
	struct conf_scan *scan = &ctx->scan;
	struct conf_scan_section *sec;
	struct conf_scan_entry *ent;
	char *key, *value;

	*eq = '\0';
	key = conf_strip(text);
	value = conf_strip(eq + 1);
	conf_unescape(value);

	if (key[0] == '\0') {
		conf_err(ctx, line, "", "syntax error: missing key before '='");
		return 0;
	}
	if (strlen(key) > CONF_KEY_MAX) {
		conf_err(ctx, line, "", "key too long (at most %d bytes)", CONF_KEY_MAX);
		return 0;
	}
	if (!conf_key_chars_ok(key)) {
		conf_err(ctx, line, "",
			 "syntax error: bad key '%.63s' (no spaces or brackets in a key)", key);
		return 0;
	}
	if (scan->section_count == 0) {
		conf_err(ctx, line, key, "key outside a section (put a [section] line above it)");
		return 0;
	}
	sec = &scan->sections[scan->section_count - 1];
	if (sec->skip)
		return 0;
	if (strlen(value) > CONF_VALUE_MAX) {
		char name[CONF_KEY_MAX * 2 + 2];

		conf_key_name(name, sizeof(name), sec->name, key);
		conf_err(ctx, line, name, "value too long (at most %d bytes)", CONF_VALUE_MAX);
		return 0;
	}

	if (scan->entry_count == scan->entry_cap &&
	    conf_grow((void **)&scan->entries, &scan->entry_cap, sizeof(*ent)) < 0)
		return -1;
	ent = &scan->entries[scan->entry_count++];
	memset(ent, 0, sizeof(*ent));
	ent->section = scan->section_count - 1;
	ent->line = line;
	snprintf(ent->key, sizeof(ent->key), "%s", key);
	snprintf(ent->value, sizeof(ent->value), "%s", value);
	for (unsigned int i = 0; i + 1 < scan->entry_count; i++)
		if (scan->entries[i].section == ent->section &&
		    strcmp(scan->entries[i].key, key) == 0)
			ent->nth++;
	return 0;
}

static int
conf_scan_line_text(struct conf_ctx *ctx, unsigned int line, char *raw, size_t raw_len)
{
	char *cut, *text, *eq;

	if (memchr(raw, '\0', raw_len) != NULL) {
		conf_err(ctx, line, "", "line contains a NUL byte");
		ctx->scan.rte_unsafe = true;
		return 0;
	}
	if (raw_len > CONF_LINE_MAX) {
		conf_err(ctx, line, "", "line too long (%zu bytes, at most %d)",
			 raw_len, CONF_LINE_MAX);
		ctx->scan.rte_unsafe = true;
		return 0;
	}
	/* rte_cfgfile looks at the first ';' only: escaped, the line has no comment. */
	cut = strchr(raw, CONF_COMMENT);
	if (cut != NULL && (cut == raw || cut[-1] != '\\'))
		*cut = '\0';
	text = conf_strip(raw);

	if (text[0] == '\0' || text[0] == '#')
		return 0;
	if (text[0] == '[')
		return conf_scan_header(ctx, line, text);
	eq = strchr(text, '=');
	if (eq != NULL)
		return conf_scan_entry(ctx, line, text, eq);
	conf_err(ctx, line, "",
		 "syntax error: expected '[section]', 'key = value' or a comment (got '%.60s')",
		 text);
	return 0;
}

int
conf_scan_file(struct conf_ctx *ctx)
{
	FILE *f = fopen(ctx->file, "r");
	char *buf;
	size_t n;
	int rc = 0;

	if (f == NULL) {
		conf_err(ctx, 0, "", "cannot open: %s", strerror(errno));
		return -1;
	}
	buf = malloc(CONF_FILE_MAX + 2);
	if (buf == NULL) {
		fclose(f);
		conf_err(ctx, 0, "", "out of memory");
		return -1;
	}
	n = fread(buf, 1, CONF_FILE_MAX + 1, f);
	if (ferror(f)) {
		conf_err(ctx, 0, "", "cannot read: %s", strerror(errno));
		rc = -1;
	} else if (n > CONF_FILE_MAX) {
		conf_err(ctx, 0, "", "file too large (more than %d bytes)", CONF_FILE_MAX);
		rc = -1;
	}
	fclose(f);

	if (rc == 0) {
		unsigned int line = 0;
		size_t pos = 0;

		buf[n] = '\0';
		while (pos < n && rc == 0) {
			char *nl = memchr(buf + pos, '\n', n - pos);
			size_t end = nl != NULL ? (size_t)(nl - buf) : n;

			buf[end] = '\0';
			line++;
			rc = conf_scan_line_text(ctx, line, buf + pos, end - pos);
			pos = end + 1;
		}
		if (rc < 0)
			conf_err(ctx, line, "", "out of memory");
	}
	free(buf);
	return rc;
}

void
conf_scan_free(struct conf_scan *scan)
{
	free(scan->sections);
	free(scan->entries);
	memset(scan, 0, sizeof(*scan));
}

unsigned int
conf_scan_key_line(const struct conf_scan *scan, unsigned int section, const char *key)
{
	for (unsigned int i = 0; i < scan->entry_count; i++)
		if (scan->entries[i].section == section && strcmp(scan->entries[i].key, key) == 0)
			return scan->entries[i].line;
	return 0;
}

bool
conf_scan_key_failed(const struct conf_scan *scan, enum conf_section_kind kind, const char *key)
{
	for (unsigned int i = 0; i < scan->entry_count; i++) {
		const struct conf_scan_entry *e = &scan->entries[i];

		if (e->failed && scan->sections[e->section].kind == kind && strcmp(e->key, key) == 0)
			return true;
	}
	return false;
}

int
conf_scan_find_section(const struct conf_scan *scan, enum conf_section_kind kind, unsigned int nth)
{
	for (unsigned int i = 0; i < scan->section_count; i++)
		if (scan->sections[i].kind == kind && !scan->sections[i].skip && nth-- == 0)
			return (int)i;
	return -1;
}
