/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "log_text.h"

size_t
log_text_safe(char *out, size_t cap, const char *text, size_t n, size_t max)
{
	size_t o = 0, i;

	if (cap == 0)
		return 0;
	if (text == NULL || n == 0) {
		snprintf(out, cap, "(none)");
		return strlen(out);
	}
	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= cap)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= cap)
				break;
			snprintf(out + o, cap - o, "\\x%02x", c);
			o += 4;
		}
	}
	if (i < n && o + 3 < cap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return o;
}
