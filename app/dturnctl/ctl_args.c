/* SPDX-License-Identifier: BSD-3-Clause */
/* dturnctl's command line: which daemon, which command, which telemetry requests. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const struct {
	const char *name;
	enum ctl_cmd cmd;
	unsigned int min_args, max_args;
} commands[] = {
	{ "stats", CTL_STATS, 0, 0 },
	{ "list", CTL_LIST, 0, 0 },
	{ "show", CTL_SHOW, 1, 1 },
	{ "delete", CTL_DELETE, 1, 1 },
	{ "revoke", CTL_REVOKE, 1, 1 },
	{ "reload", CTL_RELOAD, 0, 0 },
	{ "drain", CTL_DRAIN, 0, 1 },
	{ "log-level", CTL_LOG_LEVEL, 0, 1 },
};

void
ctl_usage(FILE *out)
{
	fprintf(out,
		"usage: dturnctl [--prefix P | --socket PATH | --config FILE] [--json] [--timeout S] COMMAND\n"
		"commands:\n"
		"  stats                              status and non-zero counters\n"
		"  list [--user U] [--client IP[:port]]  allocations (id = relayed IP:port)\n"
		"  show ID                            one allocation: permissions, channels\n"
		"  delete ID                          delete an allocation now\n"
		"  revoke USER                        delete USER's allocations, refuse it until reload\n"
		"  reload                             re-read the configuration file\n"
		"  drain [on|off]                     refuse new allocations (or allocate again)\n"
		"  log-level [LEVEL]                  show or set: emerg alert crit err warning notice info debug\n"
		"The daemon is found by its EAL file prefix (default " CTL_DEFAULT_PREFIX
		", or [eal] file_prefix of --config).\n"
		"Exit: 0 ok, 1 dturn refused, 2 usage, 3 dturn not reachable. See docs/dturnctl.md.\n");
}

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A value that goes into a request: printable, no comma (the parameter separator). */
static bool
plain(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)s[i]) || s[i] == ',')
			return false;
	return true;
}

static bool
plain_name(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return false;
	return *s != '\0';
}

int
ctl_prefix_from_config(const char *path, char *out, size_t len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[512];
	bool in_eal = false;

	if (f == NULL)
		return fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
	snprintf(out, len, "dturn");
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = line, *e;

		while (isspace((unsigned char)*s))
			s++;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
			;
		*e = '\0';
		if (*s == '[') {
			in_eal = strcmp(s, "[eal]") == 0;
			continue;
		}
		if (!in_eal || strncmp(s, "file_prefix", 11) != 0)
			continue;
		s += 11;
		while (isspace((unsigned char)*s))
			s++;
		if (*s != '=')
			continue;
		s++;
		while (isspace((unsigned char)*s))
			s++;
		if (!plain_name(s) || strlen(s) >= len) {
			fclose(f);
			return fail(err, errlen, "%s: [eal] file_prefix '%.60s' is not a plain name",
				    path, s);
		}
		snprintf(out, len, "%s", s);
	}
	fclose(f);
	return 0;
}

static int
add_request(struct ctl_args *a, char *err, size_t errlen, const char *cmd, const char *param)
{
	int n;

	if (a->request_count == CTL_MAX_REQUESTS)
		return fail(err, errlen, "internal: too many requests");
	n = param != NULL && param[0] != '\0'
		    ? snprintf(a->requests[a->request_count], CTL_REQUEST_MAX, "%s,%s", cmd, param)
		    : snprintf(a->requests[a->request_count], CTL_REQUEST_MAX, "%s", cmd);
	if (n < 0 || n >= CTL_REQUEST_MAX)
		return fail(err, errlen, "arguments too long");
	a->request_count++;
	return 0;
}

static const char *const levels[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

/* The telemetry requests of the command with its positional arguments. */
static int
build_requests(struct ctl_args *a, char **pos, unsigned int npos, const char *user,
	       const char *client, char *err, size_t errlen)
{
	char filter[CTL_REQUEST_MAX];

	switch (a->cmd) {
	case CTL_STATS:
		if (add_request(a, err, errlen, "/dturn/status", NULL) != 0)
			return -1;
		return add_request(a, err, errlen, "/dturn/stats", NULL);
	case CTL_LIST:
		filter[0] = '\0';
		if (user != NULL)
			snprintf(filter, sizeof(filter), "user=%s", user);
		if (client != NULL)
			snprintf(filter + strlen(filter), sizeof(filter) - strlen(filter), "%sclient=%s",
				 user != NULL ? "," : "", client);
		return add_request(a, err, errlen, "/dturn/alloc/list", filter);
	case CTL_SHOW:
	case CTL_DELETE:
		if (!plain(pos[0], 64))
			return fail(err, errlen, "bad allocation id '%.60s' (the relayed IP:port, as list shows it)",
				    pos[0]);
		return add_request(a, err, errlen,
				   a->cmd == CTL_SHOW ? "/dturn/alloc/show" : "/dturn/alloc/delete",
				   pos[0]);
	case CTL_REVOKE:
		if (!plain(pos[0], 128))
			return fail(err, errlen, "bad user name '%.60s'", pos[0]);
		return add_request(a, err, errlen, "/dturn/user/revoke", pos[0]);
	case CTL_RELOAD:
		return add_request(a, err, errlen, "/dturn/reload", NULL);
	case CTL_DRAIN:
		if (npos == 1 && strcmp(pos[0], "on") != 0 && strcmp(pos[0], "off") != 0)
			return fail(err, errlen, "drain takes on or off, not '%.20s'", pos[0]);
		return add_request(a, err, errlen, "/dturn/drain", npos == 1 ? pos[0] : NULL);
	case CTL_LOG_LEVEL:
		if (npos == 1) {
			bool known = false;

			for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
				known = known || strcmp(pos[0], levels[i]) == 0;
			if (!known)
				return fail(err, errlen, "unknown log level '%.20s' (emerg alert crit err "
					    "warning notice info debug)", pos[0]);
		}
		return add_request(a, err, errlen, "/dturn/log_level", npos == 1 ? pos[0] : NULL);
	}
	return fail(err, errlen, "internal: no such command");
}

/* The value of --opt VALUE or --opt=VALUE at argv[*i]; NULL (and err) when missing. */
static const char *
opt_value(int argc, char **argv, int *i, const char *opt, char *err, size_t errlen)
{
	size_t n = strlen(opt);

	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc) {
		fail(err, errlen, "%s needs a value", opt);
		return NULL;
	}
	return argv[++*i];
}

static bool
is_opt(const char *arg, const char *opt)
{
	size_t n = strlen(opt);

	return strncmp(arg, opt, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

int
ctl_parse_args(int argc, char **argv, struct ctl_args *a, char *err, size_t errlen)
{
	const char *prefix = NULL, *sock = NULL, *config = NULL, *user = NULL, *client = NULL;
	char *pos[8];
	unsigned int npos = 0;
	const char *name = NULL;
	int found = -1;

	memset(a, 0, sizeof(*a));
	a->timeout_s = 5.0;
	const struct {
		const char *opt;
		const char **slot;
	} valued[] = {
		{ "--prefix", &prefix }, { "--socket", &sock }, { "--config", &config },
		{ "--user", &user }, { "--client", &client },
	};

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int v = -1;

		if (strcmp(arg, "--json") == 0) {
			a->json = true;
			continue;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			a->help = true;
			return 0;
		}
		for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
			if (is_opt(arg, valued[k].opt))
				v = (int)k;
		if (v >= 0) {
			if (*valued[v].slot != NULL)
				return fail(err, errlen, "%s given twice", valued[v].opt);
			*valued[v].slot = opt_value(argc, argv, &i, valued[v].opt, err, errlen);
			if (*valued[v].slot == NULL)
				return -1;
			continue;
		}
		if (is_opt(arg, "--timeout")) {
			const char *t = opt_value(argc, argv, &i, "--timeout", err, errlen);
			char *end;

			if (t == NULL)
				return -1;
			a->timeout_s = strtod(t, &end);
			if (*t == '\0' || *end != '\0' || !(a->timeout_s > 0 && a->timeout_s <= 3600))
				return fail(err, errlen, "--timeout takes seconds, 0 to 3600, not '%.20s'", t);
			continue;
		}
		if (arg[0] == '-' && arg[1] != '\0')
			return fail(err, errlen, "unknown option '%.40s'", arg);
		if (npos == sizeof(pos) / sizeof(pos[0]))
			return fail(err, errlen, "too many arguments");
		pos[npos++] = argv[i];
	}
	if (npos == 0)
		return fail(err, errlen, "no command given");
	name = pos[0];
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (strcmp(name, commands[c].name) == 0)
			found = (int)c;
	if (found < 0)
		return fail(err, errlen, "unknown command '%.40s'", name);
	a->cmd = commands[found].cmd;
	npos--;
	if (npos < commands[found].min_args || npos > commands[found].max_args)
		return fail(err, errlen, "%s takes %s", name,
			    commands[found].max_args == 0 ? "no argument" :
			    commands[found].min_args == 1 ? "one argument" : "at most one argument");
	if ((user != NULL || client != NULL) && a->cmd != CTL_LIST)
		return fail(err, errlen, "--user and --client go with list only");
	if (user != NULL && !plain(user, 128))
		return fail(err, errlen, "bad user name '%.60s'", user);
	if (client != NULL && !plain(client, 64))
		return fail(err, errlen, "bad client address '%.60s'", client);
	if ((prefix != NULL) + (sock != NULL) + (config != NULL) > 1)
		return fail(err, errlen, "give at most one of --prefix, --socket and --config");
	if (prefix != NULL && (!plain_name(prefix) || strlen(prefix) >= sizeof(a->prefix)))
		return fail(err, errlen, "bad file prefix '%.60s'", prefix);
	if (sock != NULL) {
		if (strlen(sock) >= sizeof(a->socket_path))
			return fail(err, errlen, "socket path too long");
		snprintf(a->socket_path, sizeof(a->socket_path), "%s", sock);
	} else {
		if (config != NULL) {
			if (ctl_prefix_from_config(config, a->prefix, sizeof(a->prefix), err, errlen) != 0)
				return -1;
		} else {
			snprintf(a->prefix, sizeof(a->prefix), "%s",
				 prefix != NULL ? prefix : CTL_DEFAULT_PREFIX);
		}
		snprintf(a->socket_path, sizeof(a->socket_path), "/var/run/dpdk/%s/dpdk_telemetry.v2",
			 a->prefix);
	}
	return build_requests(a, pos + 1, npos, user, client, err, errlen);
}
