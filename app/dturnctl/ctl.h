/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_CTL_H
#define DTURN_CTL_H

/*
 * dturnctl: the operator's client of the running dturn (docs/dturnctl.md).
 * It speaks DPDK's telemetry protocol on the daemon's local socket
 * (/var/run/dpdk/<file_prefix>/dpdk_telemetry.v2, SOCK_SEQPACKET): a JSON
 * greeting, then one "/command,params" string per request and one JSON
 * object per reply. The commands are served by app/dturn/dturn_mgmt.c.
 *
 * Parsing the command line and formatting replies are pure (ctl_args.c,
 * ctl_format.c) so tests/unit/dturnctl checks them without a daemon.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes, also documented in docs/dturnctl.md. */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_REFUSED = 1,     /* the daemon answered no (or answered nonsense) */
	CTL_EXIT_USAGE = 2,
	CTL_EXIT_UNREACHABLE = 3, /* no socket, nobody listening, or no answer in time */
};

enum ctl_cmd {
	CTL_STATS,
	CTL_LIST,
	CTL_SHOW,
	CTL_DELETE,
	CTL_REVOKE,
	CTL_RELOAD,
	CTL_DRAIN,
	CTL_LOG_LEVEL,
};

#define CTL_DEFAULT_PREFIX "dturn-demo"
#define CTL_PATH_MAX 512
#define CTL_REQUEST_MAX 256   /* one telemetry request, "/command,params" */
#define CTL_MAX_REQUESTS 2    /* stats asks for the counters and the status */

struct ctl_args {
	enum ctl_cmd cmd;
	bool json;                        /* print the raw replies */
	bool help;                        /* --help: print usage, exit 0 */
	double timeout_s;                 /* per reply */
	char socket_path[CTL_PATH_MAX];   /* resolved from --socket, --prefix or --config */
	char prefix[128];
	unsigned int request_count;
	char requests[CTL_MAX_REQUESTS][CTL_REQUEST_MAX];
};

/*
 * Parse argv into a: subcommand, options, and the telemetry requests they make.
 * Returns 0, or -1 with a one-line reason in err (a usage error: exit 2).
 * --config FILE is read here for its [eal] file_prefix.
 */
int ctl_parse_args(int argc, char **argv, struct ctl_args *a, char *err, size_t errlen);

/*
 * The [eal] file_prefix of a dturn config file: "dturn" when the file sets
 * none (the daemon's default). Returns 0, or -1 with the reason in err when
 * the file cannot be read or the value is not a plain name.
 */
int ctl_prefix_from_config(const char *path, char *out, size_t len, char *err, size_t errlen);

/* The usage text. */
void ctl_usage(FILE *out);

/*
 * Print the replies (JSON text, one per request of a) for a human, or as
 * they came with --json. Returns CTL_EXIT_OK, or CTL_EXIT_REFUSED with the
 * daemon's reason (or what was wrong with the reply) in err.
 */
int ctl_format(const struct ctl_args *a, const char *const *replies, FILE *out, char *err,
	       size_t errlen);

/* ctl_socket.c: one connection to the daemon. */
struct ctl_conn {
	int fd;
	size_t max_reply;
};

/* Connect and read the greeting: 0, or -1 with the reason in err (exit 3). */
int ctl_connect(struct ctl_conn *c, const char *path, double timeout_s, char *err, size_t errlen);
/* Send one request, read its reply into a malloc'd string: 0, or -1 (exit 3). */
int ctl_request(struct ctl_conn *c, const char *req, char **reply, char *err, size_t errlen);
void ctl_close(struct ctl_conn *c);

#endif
