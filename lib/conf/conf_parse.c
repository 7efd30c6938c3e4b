/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conf_load: scan the raw text (conf_scan.c), let rte_cfgfile read it, then
 * hand every value rte_cfgfile read to its key's parser (conf_keys.c) with
 * the line the scan found for it, and finish with the checks that span keys
 * (conf_validate.c).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>
#include <rte_log.h>

#include "conf_keys.h"

_Static_assert(CONF_LOG_EMERG == RTE_LOG_EMERG && CONF_LOG_DEBUG == RTE_LOG_DEBUG,
	       "conf_log_level must keep the RTE_LOG_* numbers");
_Static_assert(CONF_KEY_MAX + 1 == CFG_NAME_LEN && CONF_VALUE_MAX + 1 == CFG_VALUE_LEN,
	       "the scanner's limits must be rte_cfgfile's");

void
conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->eal.lcores, sizeof(c->eal.lcores), "0-1");
	c->eal.lcore_count = 2;
	c->eal.main_lcore = 0;
	c->eal.memory = CONF_MEMORY_AUTO;
	c->eal.memory_mb = 512;
	snprintf(c->eal.file_prefix, sizeof(c->eal.file_prefix), "dturn");
	c->eal.mbufs = 16383;
	c->log.level = CONF_LOG_INFO;
	c->stun.listen_ports[0] = 3478;
	c->stun.listen_port_count = 1;
	snprintf(c->stun.software, sizeof(c->stun.software), "dturn");
	c->turn.relay_port_min = 49152;
	c->turn.relay_port_max = 65535;
	c->turn.max_allocations = 65536;
	c->turn.allocations_per_user = 0;
	c->turn.lifetime_max = 3600;
	c->turn.nonce_lifetime = 600;
	c->turn.auth_failure_rate = 5;
	c->turn.auth_failure_burst = 20;
	c->turn.auth_block_time = 60;
	c->turn.channel_max = 0x4FFF;
	c->mgmt.http_enabled = true;
	c->mgmt.http_family = AF_INET;
	c->mgmt.http_ipv4 = htonl(INADDR_LOOPBACK);
	c->mgmt.http_port = 9641;
	c->stream.max_connections = 1024;
	c->stream.connections_per_source = 16;
	c->stream.handshake_timeout = 10;
	c->stream.idle_timeout = 300;
	c->stream.max_buffered_bytes = 256 * 1024;
	snprintf(c->stream.tap_name, sizeof(c->stream.tap_name), "%s", "dturn-tcp");
}

static void
conf_port_defaults(struct conf_port *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->mtu = 1500;
}

static const struct conf_key_def *
conf_find_key(const struct conf_key_def *defs, const char *key)
{
	for (; defs != NULL && defs->key != NULL; defs++)
		if (strcmp(defs->key, key) == 0)
			return defs;
	return NULL;
}

/* The value rte_cfgfile read for the nth occurrence of key, or NULL. */
static const char *
conf_rte_value(const struct rte_cfgfile_entry *ents, int n, const char *key, unsigned int nth)
{
	for (int i = 0; i < n; i++)
		if (strcmp(ents[i].name, key) == 0 && nth-- == 0)
			return ents[i].value;
	return NULL;
}

static void
conf_parse_entry(struct conf_ctx *ctx, const struct conf_scan_section *sec,
		 struct conf_scan_entry *ent, const char *value, struct conf_port *port)
{
	const struct conf_key_def *def = NULL;
	struct conf_key_ctx k = { .conf = ctx->conf, .port = port, .key = ent->key };
	char name[CONF_KEY_MAX * 2 + 2];
	char v[CONF_VALUE_MAX + 1];
	char msg[sizeof(ctx->errs->err[0].msg)];
	unsigned int max = 1;

	conf_key_name(name, sizeof(name), sec->name, ent->key);
	if (sec->kind != CONF_SECTION_USERS) {
		def = conf_find_key(conf_keys_of(sec->kind), ent->key);
		if (def == NULL) {
			ent->failed = true;
			conf_err(ctx, ent->line, name, "unknown key in [%s]", sec->name);
			return;
		}
		max = def->max;
	}
	if (max == 1 && ent->nth > 0) {
		ent->failed = true;
		conf_err(ctx, ent->line, name, "duplicate key (first at line %u)",
			 conf_scan_key_line(&ctx->scan, ent->section, ent->key));
		return;
	}
	if (ent->nth >= max) {
		ent->failed = true;
		conf_err(ctx, ent->line, name, "repeated too often (at most %u times)", max);
		return;
	}
	snprintf(v, sizeof(v), "%s", value);
	msg[0] = '\0';
	if ((def != NULL ? def->parse(&k, v, msg, sizeof(msg)) :
			   conf_user_entry(&k, v, msg, sizeof(msg))) < 0) {
		ent->failed = true;
		conf_err(ctx, ent->line, name, "%s", msg);
	}
}

static void
conf_parse_section(struct conf_ctx *ctx, struct rte_cfgfile *cfg, unsigned int si)
{
	const struct conf_scan_section *sec = &ctx->scan.sections[si];
	struct conf *c = ctx->conf;
	struct conf_port *port = NULL;
	struct rte_cfgfile_entry *ents = NULL;
	char rte_name[CFG_NAME_LEN];
	/* Index 0 is rte_cfgfile's GLOBAL section (CFG_FLAG_GLOBAL_SECTION). */
	int rte_index = (int)si + 1;
	int n;

	if (sec->kind == CONF_SECTION_PORT) {
		if (c->port_count == CONF_MAX_PORTS) {
			conf_err(ctx, sec->line, sec->name, "too many ports (at most %d)",
				 CONF_MAX_PORTS);
			return;
		}
		port = &c->ports[c->port_count++];
		conf_port_defaults(port, sec->name + strcspn(sec->name, " \t") +
					 strspn(sec->name + strcspn(sec->name, " \t"), " \t"));
	}

	n = rte_cfgfile_section_num_entries_by_index(cfg, rte_name, rte_index);
	if (n < 0 || strcmp(rte_name, sec->name) != 0) {
		conf_err(ctx, sec->line, sec->name, "rte_cfgfile read this section differently");
		return;
	}
	if (n > 0) {
		ents = calloc((size_t)n, sizeof(*ents));
		if (ents == NULL) {
			conf_err(ctx, sec->line, sec->name, "out of memory");
			return;
		}
		n = rte_cfgfile_section_entries_by_index(cfg, rte_index, rte_name, ents, n);
	}

	for (unsigned int i = 0; i < ctx->scan.entry_count; i++) {
		struct conf_scan_entry *ent = &ctx->scan.entries[i];
		const char *value;

		if (ent->section != si)
			continue;
		value = conf_rte_value(ents, n, ent->key, ent->nth);
		/* Both readers must agree, or a line number could point at the wrong value. */
		if (value == NULL || strcmp(value, ent->value) != 0) {
			conf_err(ctx, ent->line, ent->key, "rte_cfgfile read this line differently");
			continue;
		}
		conf_parse_entry(ctx, sec, ent, value, port);
	}
	free(ents);
}

void
conf_parse_entries(struct conf_ctx *ctx, struct rte_cfgfile *cfg)
{
	for (unsigned int si = 0; si < ctx->scan.section_count; si++)
		if (!ctx->scan.sections[si].skip)
			conf_parse_section(ctx, cfg, si);
}

int
conf_load(const char *path, struct conf *out, struct conf_errors *errs)
{
	struct conf_ctx ctx = { .file = path, .conf = out, .errs = errs };
	struct rte_cfgfile *cfg;

	memset(errs, 0, sizeof(*errs));
	conf_defaults(out);
	if (conf_scan_file(&ctx) < 0) {
		conf_scan_free(&ctx.scan);
		return -1;
	}
	/*
	 * A line rte_cfgfile cannot read fails the whole file; the scan has
	 * already said which line, so the semantic checks wait for a fix.
	 */
	if (!ctx.scan.rte_unsafe) {
		cfg = rte_cfgfile_load(path, CFG_FLAG_GLOBAL_SECTION | CFG_FLAG_EMPTY_VALUES);
		if (cfg == NULL) {
			conf_err(&ctx, 0, "", "rte_cfgfile could not read the file");
		} else {
			conf_parse_entries(&ctx, cfg);
			rte_cfgfile_close(cfg);
			conf_validate(&ctx);
		}
	}
	conf_scan_free(&ctx.scan);
	return errs->count == 0 ? 0 : -1;
}
