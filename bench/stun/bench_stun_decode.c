/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What decoding costs: for each test vector (and a ChannelData message),
 * decode it in a loop and report decodes per second, then the same with the
 * FINGERPRINT check and with the MESSAGE-INTEGRITY(-SHA256) check added.
 *
 *   bench_stun_decode VECTORS [--seconds S]      throughput table
 *   bench_stun_decode VECTORS --callgrind N      N iterations of each case between
 *       CALLGRIND_START/STOP_INSTRUMENTATION, one CALLGRIND_DUMP_STATS_AT per
 *       case named "<vector> <mode>"; run under
 *       valgrind --tool=callgrind --instr-atstart=no (see run.sh)
 *
 * Timings come from clock_gettime(CLOCK_MONOTONIC); a volatile sink keeps the
 * compiler from dropping the decodes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#else
#define HAVE_CALLGRIND 0
#endif

#include "auth_keys.h"
#include "stun.h"

#define MAX_CASES 32
#define MAX_MSG 2048

/* Credentials of tests/vectors/stun-vectors.hex (see shared/testdata/README.md). */
static const char short_term_password[] = "VOkJxbRl1RmTxUk/WvJxBt";
static const char lt_user[] = "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9";
static const char lt_realm[] = "example.org";
static const char lt_password[] = "TheMatrIX";

enum bench_mode { MODE_DECODE, MODE_FINGERPRINT, MODE_INTEGRITY, MODE_COUNT };
static const char *const mode_names[MODE_COUNT] = { "decode", "decode+fingerprint",
						    "decode+integrity" };

struct bench_case {
	char name[96];
	uint8_t msg[MAX_MSG];
	size_t len;
	bool channel;      /* ChannelData, not STUN */
	bool fingerprint;  /* has FINGERPRINT */
	bool integrity;    /* has an integrity attribute we hold the key for */
	bool sha256;       /* MESSAGE-INTEGRITY-SHA256 rather than MESSAGE-INTEGRITY */
	uint8_t key[32];
	size_t keylen;
};

static volatile uint32_t sink;

static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The key for a vector's integrity attribute, as the test data README gives it. */
static void
set_key(struct bench_case *c, const struct stun_msg *m)
{
	struct stun_bytes b;

	c->sha256 = m->integrity < 0 && m->integrity_sha256 >= 0;
	c->integrity = m->integrity >= 0 || m->integrity_sha256 >= 0;
	if (!c->integrity)
		return;
	if (stun_get_realm(m, &b) != STUN_OK) {
		/* short-term: the key is the password */
		c->keylen = strlen(short_term_password);
		memcpy(c->key, short_term_password, c->keylen);
	} else if (c->sha256) {
		auth_key_long_term_sha256((const uint8_t *)lt_user, strlen(lt_user),
					  (const uint8_t *)lt_realm, strlen(lt_realm),
					  (const uint8_t *)lt_password, strlen(lt_password), c->key);
		c->keylen = AUTH_SHA256_KEY_LEN;
	} else {
		auth_key_long_term_md5((const uint8_t *)lt_user, strlen(lt_user),
				       (const uint8_t *)lt_realm, strlen(lt_realm),
				       (const uint8_t *)lt_password, strlen(lt_password), c->key);
		c->keylen = AUTH_MD5_KEY_LEN;
	}
}

static enum stun_result
check_integrity(const struct bench_case *c, const struct stun_msg *m)
{
	return c->sha256 ? stun_check_integrity_sha256(m, c->key, c->keylen)
			 : stun_check_integrity(m, c->key, c->keylen);
}

static unsigned int
load_cases(const char *path, struct bench_case *cases)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned int n = 0;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (getline(&line, &cap, f) > 0 && n < MAX_CASES - 1) {
		struct bench_case *c = &cases[n];
		char *hex = strchr(line, ' ');
		struct stun_msg m;

		if (line[0] == '#' || hex == NULL)
			continue;
		memset(c, 0, sizeof(*c));
		snprintf(c->name, sizeof(c->name), "%.*s", (int)(hex - line), line);
		for (hex++; hex_digit(hex[0]) >= 0 && hex_digit(hex[1]) >= 0 && c->len < MAX_MSG;
		     hex += 2)
			c->msg[c->len++] = (uint8_t)(hex_digit(hex[0]) << 4 | hex_digit(hex[1]));
		if (stun_decode(c->msg, c->len, &m) != STUN_OK) {
			fprintf(stderr, "%s: does not decode\n", c->name);
			exit(1);
		}
		c->fingerprint = m.fingerprint >= 0;
		set_key(c, &m);
		if ((c->fingerprint && stun_check_fingerprint(&m) != STUN_OK) ||
		    (c->integrity && check_integrity(c, &m) != STUN_OK)) {
			fprintf(stderr, "%s: a check fails, the benchmark would measure a "
				"failure path\n", c->name);
			exit(1);
		}
		n++;
	}
	free(line);
	fclose(f);

	/* A ChannelData message of a typical relayed payload (100 bytes, as uclient's). */
	struct bench_case *c = &cases[n++];

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "channeldata-100");
	c->channel = true;
	c->len = STUN_CHANNEL_HEADER_LEN + 100;
	stun_channel_header(c->msg, 0x4000, 100);
	for (size_t i = STUN_CHANNEL_HEADER_LEN; i < c->len; i++)
		c->msg[i] = (uint8_t)i;
	return n;
}

static bool
mode_applies(const struct bench_case *c, enum bench_mode mode)
{
	switch (mode) {
	case MODE_DECODE: return true;
	case MODE_FINGERPRINT: return !c->channel && c->fingerprint;
	case MODE_INTEGRITY: return !c->channel && c->integrity;
	default: return false;
	}
}

/* n iterations of one case; the body the timings and instruction counts measure. */
static void
run_iterations(const struct bench_case *c, enum bench_mode mode, unsigned long n)
{
	uint32_t acc = 0;

	if (c->channel) {
		struct stun_channel_data cd;

		for (unsigned long i = 0; i < n; i++)
			if (stun_channel_decode(c->msg, c->len, &cd) == STUN_OK)
				acc += cd.len;
		sink += acc;
		return;
	}

	struct stun_msg m;

	for (unsigned long i = 0; i < n; i++) {
		if (stun_decode(c->msg, c->len, &m) != STUN_OK)
			continue;
		acc += m.nattrs;
		if (mode == MODE_FINGERPRINT)
			acc += stun_check_fingerprint(&m);
		else if (mode == MODE_INTEGRITY)
			acc += check_integrity(c, &m);
	}
	sink += acc;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Operations per second: batches until min_seconds have passed. */
static double
measure(const struct bench_case *c, enum bench_mode mode, double min_seconds)
{
	unsigned long batch = mode == MODE_INTEGRITY ? 1000 : 100000;
	unsigned long total = 0;
	double start, elapsed;

	run_iterations(c, mode, batch / 10); /* warm caches and the crypto library */
	start = now_seconds();
	do {
		run_iterations(c, mode, batch);
		total += batch;
		elapsed = now_seconds() - start;
	} while (elapsed < min_seconds);
	return (double)total / elapsed;
}

static void
throughput(struct bench_case *cases, unsigned int n, double min_seconds)
{
	printf("# vector bytes decodes/s decode+fingerprint/s decode+integrity/s\n");
	for (unsigned int i = 0; i < n; i++) {
		printf("%s %zu", cases[i].name, cases[i].len);
		for (int mode = 0; mode < MODE_COUNT; mode++) {
			if (mode_applies(&cases[i], (enum bench_mode)mode))
				printf(" %.0f", measure(&cases[i], (enum bench_mode)mode, min_seconds));
			else
				printf(" -");
			fflush(stdout);
		}
		printf("\n");
	}
}

static int
callgrind(struct bench_case *cases, unsigned int n, unsigned long iterations)
{
#if HAVE_CALLGRIND
	for (unsigned int i = 0; i < n; i++) {
		for (int mode = 0; mode < MODE_COUNT; mode++) {
			char label[256];

			if (!mode_applies(&cases[i], (enum bench_mode)mode))
				continue;
			run_iterations(&cases[i], (enum bench_mode)mode, 10); /* first-call setup */
			snprintf(label, sizeof(label), "%.95s %s %lu", cases[i].name, mode_names[mode],
				 iterations);
			CALLGRIND_ZERO_STATS;
			CALLGRIND_START_INSTRUMENTATION;
			run_iterations(&cases[i], (enum bench_mode)mode, iterations);
			CALLGRIND_STOP_INSTRUMENTATION;
			CALLGRIND_DUMP_STATS_AT(label);
		}
	}
	if (!RUNNING_ON_VALGRIND)
		fprintf(stderr, "not running under valgrind: nothing was counted\n");
	return 0;
#else
	fprintf(stderr, "built without <valgrind/callgrind.h>\n");
	return 2;
#endif
}

int
main(int argc, char **argv)
{
	static struct bench_case cases[MAX_CASES];
	double seconds = 0.5;
	unsigned long cg_iterations = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s VECTORS [--seconds S | --callgrind N]\n", argv[0]);
		return 2;
	}
	for (int i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--seconds") == 0)
			seconds = atof(argv[i + 1]);
		else if (strcmp(argv[i], "--callgrind") == 0)
			cg_iterations = strtoul(argv[i + 1], NULL, 10);
	}

	unsigned int n = load_cases(argv[1], cases);

	if (cg_iterations > 0)
		return callgrind(cases, n, cg_iterations);
	throughput(cases, n, seconds);
	return 0;
}
