/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The telemetry socket (DPDK 22.11 lib/telemetry): SOCK_SEQPACKET, so one
 * read is one message. On connect the daemon sends a greeting
 * {"version": ..., "pid": ..., "max_output_len": N}; each request is the
 * command string, each reply one JSON object of at most N bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl.h"

#define GREETING_MAX 1024
#define REPLY_DEFAULT 16384

/* One message, NUL-terminated, into buf of cap bytes; its length or -1. */
static ssize_t
read_message(int fd, char *buf, size_t cap, char *err, size_t errlen)
{
	ssize_t n = recv(fd, buf, cap - 1, 0);

	if (n < 0) {
		snprintf(err, errlen, "%s", errno == EAGAIN || errno == EWOULDBLOCK
			 ? "dturn did not answer in time (try --timeout)" : strerror(errno));
		return -1;
	}
	if (n == 0) {
		snprintf(err, errlen, "dturn closed the connection (too many clients, or stopping)");
		return -1;
	}
	buf[n] = '\0';
	return n;
}

int
ctl_connect(struct ctl_conn *c, const char *path, double timeout_s, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = {
		.tv_sec = (time_t)timeout_s,
		.tv_usec = (suseconds_t)((timeout_s - (double)(time_t)timeout_s) * 1e6),
	};
	char greeting[GREETING_MAX];
	json_error_t jerr;
	json_t *g;

	c->fd = -1;
	c->max_reply = REPLY_DEFAULT;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (c->fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		snprintf(err, errlen, "cannot reach dturn at %s: %s (is it running with that file prefix?)",
			 path, strerror(errno));
		ctl_close(c);
		return -1;
	}
	if (read_message(c->fd, greeting, sizeof(greeting), err, errlen) < 0) {
		ctl_close(c);
		return -1;
	}
	g = json_loads(greeting, 0, &jerr);
	if (g == NULL || !json_is_object(g)) {
		snprintf(err, errlen, "%s does not greet like a DPDK telemetry socket", path);
		json_decref(g);
		ctl_close(c);
		return -1;
	}
	if (json_integer_value(json_object_get(g, "max_output_len")) > 0)
		c->max_reply = (size_t)json_integer_value(json_object_get(g, "max_output_len"));
	json_decref(g);
	return 0;
}

int
ctl_request(struct ctl_conn *c, const char *req, char **reply, char *err, size_t errlen)
{
	char *buf = malloc(c->max_reply + 1);

	*reply = NULL;
	if (buf == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (send(c->fd, req, strlen(req), 0) < 0) {
		snprintf(err, errlen, "sending %s: %s", req, strerror(errno));
		free(buf);
		return -1;
	}
	if (read_message(c->fd, buf, c->max_reply + 1, err, errlen) < 0) {
		free(buf);
		return -1;
	}
	*reply = buf;
	return 0;
}

void
ctl_close(struct ctl_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
