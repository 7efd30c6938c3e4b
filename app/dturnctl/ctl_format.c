/* SPDX-License-Identifier: BSD-3-Clause */
/* dturnctl's replies: checked, then printed for a human (or raw with --json). */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"

static int
refuse(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return CTL_EXIT_REFUSED;
}

/*
 * The value of one reply, {"<command>": value}: an object, unless the daemon
 * refused ({"error": why}) or does not know the command (null).
 */
static int
reply_value(const char *request, const char *text, json_t **root, json_t **value, char *err,
	    size_t errlen)
{
	char cmd[CTL_REQUEST_MAX];
	json_error_t jerr;
	json_t *e;

	snprintf(cmd, sizeof(cmd), "%s", request);
	cmd[strcspn(cmd, ",")] = '\0';
	*root = json_loads(text != NULL ? text : "", 0, &jerr);
	if (*root == NULL || !json_is_object(*root))
		return refuse(err, errlen, "%s: dturn's reply is not JSON: %.80s", cmd, text);
	*value = json_object_get(*root, cmd);
	if (*value == NULL || json_is_null(*value))
		return refuse(err, errlen, "%s: dturn does not serve this command "
			      "(an older dturn, or the command failed)", cmd);
	if (!json_is_object(*value))
		return refuse(err, errlen, "%s: unexpected reply %.80s", cmd, text);
	e = json_object_get(*value, "error");
	if (json_is_string(e))
		return refuse(err, errlen, "%s", json_string_value(e));
	return CTL_EXIT_OK;
}

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "-";
}

static json_int_t
num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void
print_status(json_t *v, FILE *out)
{
	json_t *users = json_object_get(v, "revoked_users");
	size_t i;
	json_t *u;

	fprintf(out, "draining:       %s\n", num(v, "draining") ? "yes" : "no");
	fprintf(out, "alternate:      %s\n", str(v, "alternate_server"));
	fprintf(out, "allocations:    %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
		" (%" JSON_INTEGER_FORMAT " deleted, waiting for the workers)\n",
		num(v, "allocations"), num(v, "capacity"), num(v, "pending"));
	fprintf(out, "log level:      %s\n", str(v, "log_level"));
	fprintf(out, "revoked users:");
	if (json_array_size(users) == 0)
		fprintf(out, " none");
	json_array_foreach(users, i, u)
		fprintf(out, " %s", json_string_value(u) != NULL ? json_string_value(u) : "?");
	fprintf(out, "\n");
}

static void
print_counters(json_t *v, FILE *out)
{
	const char *key;
	json_t *val;

	fprintf(out, "counters (non-zero):\n");
	json_object_foreach(v, key, val)
		if (json_integer_value(val) != 0)
			fprintf(out, "  %-32s %" JSON_INTEGER_FORMAT "\n", key, json_integer_value(val));
}

static void
print_list(json_t *v, FILE *out)
{
	json_int_t matched = num(v, "matched");
	size_t shown = 0;
	const char *key;
	json_t *a;

	fprintf(out, "%-24s %-24s %-20s %8s %5s %8s\n", "RELAYED (ID)", "CLIENT", "USER", "EXPIRES",
		"PERMS", "CHANNELS");
	json_object_foreach(v, key, a) {
		if (!json_is_object(a))
			continue;
		fprintf(out, "%-24s %-24s %-20s %7" JSON_INTEGER_FORMAT "s %5" JSON_INTEGER_FORMAT
			" %8" JSON_INTEGER_FORMAT "\n", str(a, "id"), str(a, "client"), str(a, "user"),
			num(a, "expires_in"), num(a, "permissions"), num(a, "channels"));
		shown++;
	}
	fprintf(out, "%" JSON_INTEGER_FORMAT " allocation%s", matched, matched == 1 ? "" : "s");
	if ((json_int_t)shown < matched)
		fprintf(out, ", %zu shown (narrow with --user or --client)", shown);
	fprintf(out, "\n");
}

static void
print_strings(json_t *arr, const char *title, FILE *out)
{
	size_t i;
	json_t *s;

	fprintf(out, "%-14s  %zu\n", title, json_array_size(arr));
	json_array_foreach(arr, i, s)
		fprintf(out, "  %s\n", json_string_value(s) != NULL ? json_string_value(s) : "?");
}

static void
print_show(json_t *v, FILE *out)
{
	fprintf(out, "relayed (id):   %s\n", str(v, "id"));
	if (json_object_get(v, "relayed_alt") != NULL)
		fprintf(out, "relayed (alt):  %s\n", str(v, "relayed_alt"));
	fprintf(out, "client:         %s\n", str(v, "client"));
	fprintf(out, "server:         %s\n", str(v, "server"));
	if (json_object_get(v, "transport") != NULL)
		fprintf(out, "transport:      %s\n", str(v, "transport"));
	fprintf(out, "user:           %s\n", str(v, "user"));
	fprintf(out, "expires in:     %" JSON_INTEGER_FORMAT " s\n", num(v, "expires_in"));
	fprintf(out, "to peers:       %" JSON_INTEGER_FORMAT " bytes in %" JSON_INTEGER_FORMAT
		" datagrams\n", num(v, "to_peer_bytes"), num(v, "to_peer_packets"));
	fprintf(out, "to the client:  %" JSON_INTEGER_FORMAT " bytes in %" JSON_INTEGER_FORMAT
		" datagrams\n", num(v, "to_client_bytes"), num(v, "to_client_packets"));
	print_strings(json_object_get(v, "permission_list"), "permissions:", out);
	print_strings(json_object_get(v, "channel_list"), "channels:", out);
}

static void
print_one(const struct ctl_args *a, json_t *v, FILE *out)
{
	switch (a->cmd) {
	case CTL_STATS:
		break;
	case CTL_LIST:
		print_list(v, out);
		break;
	case CTL_SHOW:
		print_show(v, out);
		break;
	case CTL_DELETE:
		fprintf(out, "deleted %s\n", str(v, "deleted"));
		break;
	case CTL_REVOKE:
		fprintf(out, "revoked %s: %" JSON_INTEGER_FORMAT " allocation%s deleted; "
			"its requests get 401 until a reload\n", str(v, "revoked"), num(v, "deleted"),
			num(v, "deleted") == 1 ? "" : "s");
		break;
	case CTL_RELOAD:
		fprintf(out, "reloaded %s\n", str(v, "reloaded"));
		break;
	case CTL_DRAIN:
		fprintf(out, "draining: %s (alternate server %s), %" JSON_INTEGER_FORMAT
			" allocation%s running\n", num(v, "draining") ? "on" : "off",
			str(v, "alternate_server"), num(v, "allocations"),
			num(v, "allocations") == 1 ? "" : "s");
		break;
	case CTL_LOG_LEVEL:
		fprintf(out, "log level: %s\n", str(v, "log_level"));
		break;
	}
}

int
ctl_format(const struct ctl_args *a, const char *const *replies, FILE *out, char *err,
	   size_t errlen)
{
	json_t *roots[CTL_MAX_REQUESTS] = { NULL };
	json_t *values[CTL_MAX_REQUESTS] = { NULL };
	int rc = CTL_EXIT_OK;

	for (unsigned int i = 0; i < a->request_count && rc == CTL_EXIT_OK; i++) {
		if (a->json)
			fprintf(out, "%s\n", replies[i] != NULL ? replies[i] : "");
		rc = reply_value(a->requests[i], replies[i], &roots[i], &values[i], err, errlen);
	}
	if (rc == CTL_EXIT_OK && !a->json) {
		if (a->cmd == CTL_STATS) {
			print_status(values[0], out);
			print_counters(values[1], out);
		} else {
			print_one(a, values[0], out);
		}
	}
	for (unsigned int i = 0; i < a->request_count; i++)
		json_decref(roots[i]);
	return rc;
}
