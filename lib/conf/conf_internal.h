/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_CONF_INTERNAL_H
#define DTURN_CONF_INTERNAL_H

/* Layout shared by the files of lib/conf; not part of the public API. */

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

struct rte_cfgfile;

/*
 * rte_cfgfile reads a line into a CFG_NAME_LEN + CFG_VALUE_LEN + 4 byte
 * buffer and fails the whole file past that; keys keep 63 bytes, values 255.
 * The scanner enforces the same limits so it can say which line is at fault.
 */
#define CONF_LINE_MAX   318
#define CONF_KEY_MAX    63
#define CONF_VALUE_MAX  255
#define CONF_FILE_MAX   (1024 * 1024)

enum conf_section_kind {
	CONF_SECTION_UNKNOWN = 0,  /* reported once at its header; keys skipped */
	CONF_SECTION_EAL,
	CONF_SECTION_LOG,
	CONF_SECTION_PORT,
	CONF_SECTION_STUN,
	CONF_SECTION_TURN,
	CONF_SECTION_USERS,
	CONF_SECTION_REST,
	CONF_SECTION_MGMT,
	CONF_SECTION_STREAM,
};

struct conf_scan_section {
	char name[CONF_KEY_MAX + 1];  /* as rte_cfgfile stores it */
	unsigned int line;
	enum conf_section_kind kind;
	bool skip;                    /* header was wrong: its keys are not checked */
};

struct conf_scan_entry {
	unsigned int section;         /* index into conf_scan.sections */
	unsigned int nth;             /* occurrence of this key in its section */
	unsigned int line;
	char key[CONF_KEY_MAX + 1];
	char value[CONF_VALUE_MAX + 1];
	bool failed;                  /* reported already: later checks stay quiet */
};

/* What the raw text says, with line numbers; built before rte_cfgfile reads it. */
struct conf_scan {
	struct conf_scan_section *sections;
	unsigned int section_count;
	unsigned int section_cap;
	struct conf_scan_entry *entries;
	unsigned int entry_count;
	unsigned int entry_cap;
	/* A line rte_cfgfile would reject or read differently: skip semantics. */
	bool rte_unsafe;
};

/* Everything conf_load's steps share; lives on conf_load's stack. */
struct conf_ctx {
	const char *file;
	struct conf *conf;
	struct conf_errors *errs;
	struct conf_scan scan;
};

/* conf_error.c */
void conf_err(struct conf_ctx *ctx, unsigned int line, const char *key,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void conf_verr(struct conf_ctx *ctx, unsigned int line, const char *key,
	       const char *fmt, va_list ap);

/* conf_scan.c: returns -1 only when the file cannot be read at all. */
int conf_scan_file(struct conf_ctx *ctx);
void conf_scan_free(struct conf_scan *scan);
/* Line of the first occurrence of key in section index section, or 0. */
unsigned int conf_scan_key_line(const struct conf_scan *scan, unsigned int section,
				const char *key);
/* Whether key appears in a section of this kind with a value that was rejected. */
bool conf_scan_key_failed(const struct conf_scan *scan, enum conf_section_kind kind,
			  const char *key);
/* Index of the nth well-formed section of a kind, or -1. */
int conf_scan_find_section(const struct conf_scan *scan, enum conf_section_kind kind,
			   unsigned int nth);

/* conf_value.c: strict parsers; on failure they write why into msg. */
int conf_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		    char *msg, size_t len);
int conf_parse_ipv4(const char *s, uint32_t *out, char *msg, size_t len);
int conf_parse_ipv6(const char *s, uint8_t out[16], char *msg, size_t len);
/* "addr/prefix" with prefix in [min_prefix, max]; host bits kept. */
int conf_parse_ipv4_prefix(const char *s, unsigned int min_prefix, uint32_t *addr,
			   uint8_t *prefix, char *msg, size_t len);
int conf_parse_ipv6_prefix(const char *s, unsigned int min_prefix, uint8_t addr[16],
			   uint8_t *prefix, char *msg, size_t len);
/* A peer rule: v4 or v6 CIDR, or a bare address as a host rule; host bits must be 0. */
int conf_parse_cidr(const char *s, struct conf_cidr *out, char *msg, size_t len);
/* EAL --lcores syntax; counts lcores and finds the lowest. */
int conf_parse_lcores(const char *s, unsigned int *count, unsigned int *lowest,
		      char *msg, size_t len);
/* PCI address, with or without domain, normalised to "dddd:bb:dd.f". */
int conf_parse_pci(const char *s, char *out, size_t out_len, char *msg, size_t len);
/*
 * Split a comma list in place: items are trimmed, empty items are an error.
 * Returns the number of items or -1 (also when there are more than max).
 */
int conf_split_list(char *s, char **items, unsigned int max, char *msg, size_t len);
/*
 * A list of UDP/TCP ports (1-65535, each once) into out[max], max at most
 * CONF_PORT_LIST_MAX; *count set only on success. 0, or -1 with msg.
 */
#define CONF_PORT_LIST_MAX 8
int conf_parse_port_list(char *v, uint16_t *out, unsigned int max, unsigned int *count, char *msg,
			 size_t len);
bool conf_ipv4_in_prefix(uint32_t a, uint32_t net, unsigned int prefix);
bool conf_ipv6_in_prefix(const uint8_t a[16], const uint8_t net[16], unsigned int prefix);

/* conf_parse.c: fills ctx->conf from rte_cfgfile, one record at a time. */
void conf_parse_entries(struct conf_ctx *ctx, struct rte_cfgfile *cfg);

/* conf_validate.c: checks between keys and sections, fills derived defaults. */
void conf_validate(struct conf_ctx *ctx);

/* "port client" -> display name of a key: "port client.ipv4". */
void conf_key_name(char *buf, size_t len, const char *section, const char *key);

#endif
