/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the config file parser (lib/conf: conf_scan, then
 * rte_cfgfile, then every key's parser and the validation). The input is the
 * file: written to a memfd and loaded through /proc/self/fd/<n> with
 * conf_load. No EAL: conf_load needs none. Properties beyond "no crash, no
 * ASan/UBSan/LeakSanitizer report":
 * - conf_load returns 0 with no error recorded, or -1 with at least one;
 * - every recorded error formats (conf_error_format) to a NUL-terminated
 *   string that fits, also into a tiny buffer, and names a line inside the
 *   file (or none);
 * - loading the same bytes twice gives the same verdict and the same errors
 *   (no state kept between calls).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf.h"

#define CONF_ASSERT(cond)                                                              \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,      \
				__LINE__, #cond);                                      \
			abort();                                                       \
		}                                                                      \
	} while (0)

static int fd = -1;
static char path[64];
static struct conf c1, c2;
static struct conf_errors e1, e2;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fd = memfd_create("dturn-fuzz-conf", 0);
	if (fd < 0) {
		perror("memfd_create");
		exit(1);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

static void
check_errors(const struct conf_errors *e, size_t lines)
{
	char buf[512], tiny[8];
	unsigned int kept = e->count < CONF_MAX_ERRORS ? e->count : CONF_MAX_ERRORS;

	for (unsigned int i = 0; i < kept; i++) {
		memset(buf, 'x', sizeof(buf));
		conf_error_format(&e->err[i], buf, sizeof(buf));
		CONF_ASSERT(memchr(buf, '\0', sizeof(buf)) != NULL);
		CONF_ASSERT(strlen(buf) > 0);
		memset(tiny, 'x', sizeof(tiny));
		conf_error_format(&e->err[i], tiny, sizeof(tiny));
		CONF_ASSERT(memchr(tiny, '\0', sizeof(tiny)) != NULL);
		CONF_ASSERT((size_t)e->err[i].line <= lines + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t lines = 0;
	int r1, r2;
	char a[512], b[512];

	if (size > 64 * 1024)
		return -1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	CONF_ASSERT(ftruncate(fd, 0) == 0);
	CONF_ASSERT(pwrite(fd, data, size, 0) == (ssize_t)size);

	r1 = conf_load(path, &c1, &e1);
	CONF_ASSERT(r1 == 0 || r1 == -1);
	CONF_ASSERT((r1 == 0) == (e1.count == 0));
	check_errors(&e1, lines);

	r2 = conf_load(path, &c2, &e2);
	CONF_ASSERT(r2 == r1 && e2.count == e1.count);
	for (unsigned int i = 0; i < e1.count && i < CONF_MAX_ERRORS; i++) {
		conf_error_format(&e1.err[i], a, sizeof(a));
		conf_error_format(&e2.err[i], b, sizeof(b));
		CONF_ASSERT(strcmp(a, b) == 0);
	}
	return 0;
}
