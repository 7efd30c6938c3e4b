/* SPDX-License-Identifier: BSD-3-Clause */
/* dturnctl: manage a running dturn over its telemetry socket (docs/dturnctl.md). */
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"

int
main(int argc, char **argv)
{
	struct ctl_args a;
	struct ctl_conn c;
	char *replies[CTL_MAX_REQUESTS] = { NULL };
	char err[512];
	int rc = CTL_EXIT_OK;

	if (ctl_parse_args(argc, argv, &a, err, sizeof(err)) != 0) {
		fprintf(stderr, "dturnctl: %s\n", err);
		ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (a.help) {
		ctl_usage(stdout);
		return CTL_EXIT_OK;
	}
	if (ctl_connect(&c, a.socket_path, a.timeout_s, err, sizeof(err)) != 0) {
		fprintf(stderr, "dturnctl: %s\n", err);
		return CTL_EXIT_UNREACHABLE;
	}
	for (unsigned int i = 0; i < a.request_count; i++) {
		if (ctl_request(&c, a.requests[i], &replies[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "dturnctl: %s\n", err);
			rc = CTL_EXIT_UNREACHABLE;
			break;
		}
	}
	ctl_close(&c);
	if (rc == CTL_EXIT_OK) {
		rc = ctl_format(&a, (const char *const *)replies, stdout, err, sizeof(err));
		if (rc != CTL_EXIT_OK)
			fprintf(stderr, "dturnctl: %s\n", err);
	}
	for (unsigned int i = 0; i < a.request_count; i++)
		free(replies[i]);
	return rc;
}
