/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_CONF_H
#define DTURN_CONF_H

/*
 * The dturn config file: an INI file read with rte_cfgfile, checked line by
 * line so every problem is reported as "file:line: section.key: message".
 * No call here prints, exits or needs EAL; none keeps state between calls.
 */

#include <stddef.h>

#include "conf_types.h"

/*
 * Fill c with the built-in defaults (the values docs/configuration.md lists).
 * There are no ports, users or REST secrets by default.
 */
void conf_defaults(struct conf *c);

/*
 * Read and check the config file at path into out (defaults first, then the
 * file). Every error found is recorded in errs (which is cleared first), not
 * only the first; errs->count keeps counting past CONF_MAX_ERRORS.
 * Returns 0 when the file is valid, -1 when errs holds at least one error;
 * out is then partly filled and must not be used.
 */
int conf_load(const char *path, struct conf *out, struct conf_errors *errs);

/*
 * Write e into buf as "file:line: key: message" (line and key are left out
 * when they are 0 or empty). Always NUL-terminates when len > 0; truncates.
 */
void conf_error_format(const struct conf_error *e, char *buf, size_t len);

/*
 * Index into c->ports of the first port whose prefix (ipv4 = addr/len or
 * ipv6 = addr/len) holds addr, or -1. family is AF_INET (addr: 4 bytes,
 * network order) or AF_INET6 (16 bytes). In a loaded conf every relay address
 * lies in exactly one port's prefix: that port owns it and sends from it.
 */
int conf_port_of_address(const struct conf *c, int family, const void *addr);

/* Name of a log level as written in the file ("info"), or NULL if invalid. */
const char *conf_log_level_name(enum conf_log_level level);

#endif
