/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "conf_internal.h"

void
conf_verr(struct conf_ctx *ctx, unsigned int line, const char *key,
	  const char *fmt, va_list ap)
{
	struct conf_errors *errs = ctx->errs;

	/* Keep counting past the array so the caller can say "and N more". */
	if (errs->count < CONF_MAX_ERRORS) {
		struct conf_error *e = &errs->err[errs->count];

		snprintf(e->file, sizeof(e->file), "%s", ctx->file);
		e->line = line;
		snprintf(e->key, sizeof(e->key), "%s", key != NULL ? key : "");
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	}
	errs->count++;
}

void
conf_err(struct conf_ctx *ctx, unsigned int line, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(ctx, line, key, fmt, ap);
	va_end(ap);
}

void
conf_key_name(char *buf, size_t len, const char *section, const char *key)
{
	if (key == NULL || key[0] == '\0')
		snprintf(buf, len, "%s", section);
	else
		snprintf(buf, len, "%s.%s", section, key);
}

void
conf_error_format(const struct conf_error *e, char *buf, size_t len)
{
	char where[300];

	if (len == 0)
		return;
	if (e->line > 0)
		snprintf(where, sizeof(where), "%s:%u", e->file, e->line);
	else
		snprintf(where, sizeof(where), "%s", e->file);
	if (e->key[0] != '\0')
		snprintf(buf, len, "%s: %s: %s", where, e->key, e->msg);
	else
		snprintf(buf, len, "%s: %s", where, e->msg);
}
