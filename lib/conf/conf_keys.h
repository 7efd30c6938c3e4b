/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_CONF_KEYS_H
#define DTURN_CONF_KEYS_H

/* The schema: which keys each section takes and the parser of each. */

#include <stddef.h>

#include "conf_internal.h"

struct conf_key_ctx {
	struct conf *conf;
	struct conf_port *port;  /* the [port NAME] being read, else NULL */
	const char *key;         /* the key as written (the user name in [users]) */
};

/* Parse v (a modifiable copy) into k->conf; on error fill msg and return -1. */
typedef int (*conf_key_fn)(struct conf_key_ctx *k, char *v, char *msg, size_t len);

struct conf_key_def {
	const char *key;
	conf_key_fn parse;
	unsigned int max;  /* times the key may appear in its section; 1 = not repeatable */
};

/* Keys of a section kind, ended by { NULL }; NULL for [users] and unknown sections. */
const struct conf_key_def *conf_keys_of(enum conf_section_kind kind);

/* Parser for one [users] line. */
int conf_user_entry(struct conf_key_ctx *k, char *v, char *msg, size_t len);

#endif
