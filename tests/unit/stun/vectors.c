/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "vectors.h"

static int
hex_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
vectors_load(const char *path, struct vector_set *set)
{
	FILE *f = fopen(path, "r");
	char line[2 * VECTOR_BYTES_MAX + 128];

	if (f == NULL) {
		perror(path);
		return -1;
	}
	set->count = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		char name[64], hex[2 * VECTOR_BYTES_MAX + 2];

		if (sscanf(line, "%63s %1025s", name, hex) != 2)
			continue;
		if (set->count == VECTORS_MAX) {
			fprintf(stderr, "%s: more than %d vectors\n", path, VECTORS_MAX);
			fclose(f);
			return -1;
		}

		struct vector *v = &set->v[set->count];
		size_t n = strlen(hex);

		if (n % 2 != 0) {
			fprintf(stderr, "%s: %s: odd hex length\n", path, name);
			fclose(f);
			return -1;
		}
		for (size_t i = 0; i < n / 2; i++) {
			int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);

			if (hi < 0 || lo < 0) {
				fprintf(stderr, "%s: %s: bad hex\n", path, name);
				fclose(f);
				return -1;
			}
			v->bytes[i] = (uint8_t)(hi << 4 | lo);
		}
		snprintf(v->name, sizeof(v->name), "%s", name);
		v->len = n / 2;
		set->count++;
	}
	fclose(f);
	return 0;
}

const struct vector *
vectors_find(const struct vector_set *set, const char *name)
{
	for (unsigned int i = 0; i < set->count; i++)
		if (strcmp(set->v[i].name, name) == 0)
			return &set->v[i];
	return NULL;
}
