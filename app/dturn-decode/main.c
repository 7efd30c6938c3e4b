/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dturn-decode: decode STUN and ChannelData messages given as hex.
 * Exit status: 0 every message decoded and every check made passed,
 * 1 a message did not decode or a check failed, 2 usage error.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

enum exit_status {
	EXIT_ALL_OK = 0,
	EXIT_SOME_FAILED = 1,
	EXIT_USAGE = 2,
};

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [options] [HEX ...]\n"
		"Decode STUN and ChannelData messages given as hex: from the arguments, or\n"
		"one a line on standard input when no HEX argument is given. Blank lines and\n"
		"lines starting with '#' are skipped; whitespace and 0x prefixes are allowed;\n"
		"a line 'NAME HEX' (as in tests/vectors/stun-vectors.hex) prints NAME.\n"
		"\n"
		"Options:\n"
		"  --user U       long-term username (default: the message's USERNAME)\n"
		"  --realm R      long-term realm (default: the message's REALM)\n"
		"  --password P   long-term password: MESSAGE-INTEGRITY is checked with\n"
		"                 MD5(U:R:P), MESSAGE-INTEGRITY-SHA256 with SHA-256(U:R:P),\n"
		"                 or both with the message's PASSWORD-ALGORITHM;\n"
		"                 with --user, USERHASH is checked against SHA-256(U:R)\n"
		"  --key K        short-term credentials: the key is the bytes of K\n"
		"  -q, --quiet    print only the verdict line of each message\n"
		"  -h, --help     this text\n"
		"\n"
		"Exit status: 0 all decoded and every check that could be made passed;\n"
		"1 a message failed to decode or a check failed; 2 usage error.\n",
		prog);
}

/* Decode one line of text (an argument or a line of stdin). */
static enum verdict_kind
decode_text(const struct decode_opts *opts, const char *text, size_t len,
	    const char *default_name, bool *skipped)
{
	struct hex_message m;
	enum hex_status s = hex_parse_line(text, len, &m);
	const char *name = m.name != NULL ? m.name : default_name;
	enum verdict_kind k;

	*skipped = false;
	switch (s) {
	case HEX_OK:
		k = print_message(opts, name, m.bytes, m.len);
		break;
	case HEX_SKIP:
		*skipped = true;
		k = VERDICT_OK;
		break;
	case HEX_BAD_DIGIT: {
		unsigned char c = (unsigned char)m.bad_char;

		if (c >= 0x20 && c < 0x7F)
			printf("%s: error: bad hex: '%c' at column %zu is not a hex digit\n", name,
			       c, m.bad_pos + 1);
		else
			printf("%s: error: bad hex: byte 0x%02x at column %zu is not a hex digit\n",
			       name, c, m.bad_pos + 1);
		k = VERDICT_ERROR;
		break;
	}
	case HEX_ODD:
	case HEX_NO_MEMORY:
	default:
		printf("%s: error: bad hex: %s\n", name, hex_status_str(s));
		k = VERDICT_ERROR;
		break;
	}
	hex_message_free(&m);
	return k;
}

static enum verdict_kind
worst(enum verdict_kind a, enum verdict_kind b)
{
	return a > b ? a : b;
}

static enum verdict_kind
decode_stdin(const struct decode_opts *opts)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	enum verdict_kind all = VERDICT_OK;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		char name[32];
		bool skipped;

		lineno++;
		snprintf(name, sizeof(name), "line %lu", lineno);
		all = worst(all, decode_text(opts, line, (size_t)n, name, &skipped));
		if (!skipped)
			fflush(stdout);
	}
	free(line);
	if (ferror(stdin)) {
		fprintf(stderr, "dturn-decode: error reading standard input\n");
		all = worst(all, VERDICT_ERROR);
	}
	return all;
}

int
main(int argc, char **argv)
{
	enum { OPT_USER = 256, OPT_REALM, OPT_PASSWORD, OPT_KEY };
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, OPT_USER },
		{ "realm", required_argument, NULL, OPT_REALM },
		{ "password", required_argument, NULL, OPT_PASSWORD },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct decode_opts opts;
	int c;

	memset(&opts, 0, sizeof(opts));
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_USER: opts.user = optarg; break;
		case OPT_REALM: opts.realm = optarg; break;
		case OPT_PASSWORD: opts.password = optarg; break;
		case OPT_KEY: opts.key = optarg; break;
		case 'q': opts.quiet = true; break;
		case 'h':
			usage(stdout, argv[0]);
			return EXIT_ALL_OK;
		default:
			fprintf(stderr, "Try '%s --help'.\n", argv[0]);
			return EXIT_USAGE;
		}
	}
	if (opts.key != NULL && (opts.user != NULL || opts.realm != NULL || opts.password != NULL)) {
		fprintf(stderr, "dturn-decode: --key (short-term) and --user/--realm/--password "
			"(long-term) exclude each other\n");
		return EXIT_USAGE;
	}
	if (opts.realm != NULL && opts.password == NULL) {
		fprintf(stderr, "dturn-decode: --realm needs --password\n");
		return EXIT_USAGE;
	}

	enum verdict_kind all = VERDICT_OK;

	if (optind == argc) {
		all = decode_stdin(&opts);
	} else {
		for (int i = optind; i < argc; i++) {
			char name[32];
			bool skipped;

			snprintf(name, sizeof(name), "arg %d", i - optind + 1);
			all = worst(all, decode_text(&opts, argv[i], strlen(argv[i]), name,
						     &skipped));
		}
	}
	return all == VERDICT_OK ? EXIT_ALL_OK : EXIT_SOME_FAILED;
}
