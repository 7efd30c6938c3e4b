/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_LOG_TEXT_H
#define DTURN_LOG_TEXT_H

/*
 * Text that came from the wire (a USERNAME, a REALM) made safe for one log
 * line: printable ASCII is kept, every other byte (a newline could forge a
 * second line, an escape sequence could drive a terminal) and the backslash
 * itself become \xNN, and at most max input bytes are shown, then "...".
 */

#include <stddef.h>

/*
 * Writes a NUL-terminated string into out (cap bytes, at least 1); text NULL
 * or n 0 gives "(none)". Never writes a partial escape. Returns the length.
 */
size_t log_text_safe(char *out, size_t cap, const char *text, size_t n, size_t max);

#endif
