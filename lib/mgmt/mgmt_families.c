/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which counters of the one list are members of a labelled Prometheus family.
 * A counter added to METRICS_COUNTERS needs no line here: it is exported as
 * dturn_<name>_total, or joins its family by its name's prefix (drop_*,
 * turn_error_*), so the exposition never misses a counter.
 */
#include <stdio.h>
#include <string.h>

#include "mgmt.h"

/* Counters whose family is not given by a prefix. */
static const struct {
	enum metrics_counter c;
	const char *family;
	const char *labels;
} members[] = {
	{ METRICS_RX_PACKETS, "packets", "direction=\"rx\"" },
	{ METRICS_TX_PACKETS, "packets", "direction=\"tx\"" },
	{ METRICS_TX_DROPPED, "drops", "reason=\"tx_queue_full\"" },
	{ METRICS_RELAY_TO_PEER, "relayed_packets", "path=\"to_peer\"" },
	{ METRICS_RELAY_TO_CLIENT_CHANNEL, "relayed_packets", "path=\"to_client_channel\"" },
	{ METRICS_RELAY_TO_CLIENT_DATA, "relayed_packets", "path=\"to_client_data\"" },
	{ METRICS_RELAY_HAIRPIN, "relayed_packets", "path=\"hairpin\"" },
	{ METRICS_TURN_CHALLENGED, "auth_failures", "code=\"401\",reason=\"challenged\"" },
	{ METRICS_TURN_AUTH_FAILED, "auth_failures", "code=\"401\",reason=\"wrong_credentials\"" },
	{ METRICS_TURN_STALE_NONCE, "auth_failures", "code=\"438\",reason=\"stale_nonce\"" },
};

static const struct {
	const char *family;
	const char *help;
} family_help[] = {
	{ "packets", "frames received from (rx) and handed to (tx) the ports by dturn's lcores" },
	{ "drops", "packets dropped, by reason (the drop_<reason> counters of /dturn/stats)" },
	{ "relayed_packets", "datagrams relayed, by path (to_peer, to_client_channel, to_client_data, hairpin)" },
	{ "auth_failures", "requests refused for their credentials, by code; challenged is the normal first 401 that hands out a nonce" },
	{ "turn_errors", "TURN requests answered with an error response, by code" },
};

static const char *
help_of(const char *family)
{
	for (unsigned int i = 0; i < sizeof(family_help) / sizeof(family_help[0]); i++)
		if (strcmp(family_help[i].family, family) == 0)
			return family_help[i].help;
	return "";
}

void
mgmt_counter_family(enum metrics_counter c, struct mgmt_family *out)
{
	const char *name = metrics_counter_name(c);

	for (unsigned int i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		if (members[i].c != c)
			continue;
		snprintf(out->name, sizeof(out->name), "dturn_%s_total", members[i].family);
		snprintf(out->labels, sizeof(out->labels), "%s", members[i].labels);
		out->help = help_of(members[i].family);
		return;
	}
	if (strncmp(name, "drop_", 5) == 0) {
		snprintf(out->name, sizeof(out->name), "dturn_drops_total");
		snprintf(out->labels, sizeof(out->labels), "reason=\"%s\"", name + 5);
		out->help = help_of("drops");
	} else if (strncmp(name, "turn_error_", 11) == 0) {
		snprintf(out->name, sizeof(out->name), "dturn_turn_errors_total");
		snprintf(out->labels, sizeof(out->labels), "code=\"%s\"", name + 11);
		out->help = help_of("turn_errors");
	} else {
		snprintf(out->name, sizeof(out->name), "dturn_%s_total", name);
		out->labels[0] = '\0';
		out->help = metrics_counter_help(c);
	}
}
