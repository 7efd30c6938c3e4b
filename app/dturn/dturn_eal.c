/* SPDX-License-Identifier: BSD-3-Clause */
/* Turning the [eal] section into rte_eal_init arguments. */
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "dturn_app.h"

#define EAL_ARGS_MAX 64

/* Free 2 MB hugepage memory and a mounted hugetlbfs, or 0. */
static unsigned long
hugepage_mb_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long free_pages = 0, size_kb = 0;
	bool mounted = false;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		sscanf(line, "HugePages_Free: %lu", &free_pages);
		sscanf(line, "Hugepagesize: %lu kB", &size_kb);
	}
	fclose(f);
	f = fopen("/proc/mounts", "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, " hugetlbfs ") != NULL)
			mounted = true;
	fclose(f);
	return mounted ? free_pages * size_kb / 1024 : 0;
}

static const char *const eal_log_levels[] = {
	[CONF_LOG_EMERG] = "emerg", [CONF_LOG_ALERT] = "alert", [CONF_LOG_CRIT] = "crit",
	[CONF_LOG_ERR] = "error", [CONF_LOG_WARNING] = "warning", [CONF_LOG_NOTICE] = "notice",
	[CONF_LOG_INFO] = "info", [CONF_LOG_DEBUG] = "debug",
};

int
dturn_eal_init(struct dturn_app *app, const char *argv0)
{
	const struct conf_eal *e = &app->conf.eal;
	char args[EAL_ARGS_MAX][CONF_DEVARGS_LEN + 16];
	char *argv[EAL_ARGS_MAX + 1];
	int argc = 0;
	unsigned long huge_mb = hugepage_mb_available();

#define ARG(...) snprintf(args[argc++], sizeof(args[0]), __VA_ARGS__)
	ARG("%s", argv0);
	ARG("--lcores=%s", e->lcores);
	ARG("--main-lcore=%u", e->main_lcore);
	ARG("--file-prefix=%s", e->file_prefix);
	ARG("-m");
	ARG("%u", e->memory_mb);
	switch (e->memory) {
	case CONF_MEMORY_HUGEPAGES:
		app->no_huge = false;
		break;
	case CONF_MEMORY_NO_HUGE:
		app->no_huge = true;
		break;
	case CONF_MEMORY_AUTO:
	default:
		app->no_huge = huge_mb < e->memory_mb;
		break;
	}
	if (app->no_huge)
		ARG("--no-huge");
	if (e->pci_count == 0)
		ARG("--no-pci");
	for (unsigned int i = 0; i < e->pci_count; i++)
		ARG("--allow=%s", e->pci[i]);
	for (unsigned int i = 0; i < e->vdev_count; i++)
		ARG("--vdev=%s", e->vdev[i]);
	/* DPDK's own libraries and drivers are chatty at info: keep them at notice
	 * unless the operator asked for debug. */
	const char *lib_level = app->conf.log.level >= CONF_LOG_DEBUG ? "debug" :
				app->conf.log.level >= CONF_LOG_NOTICE ? "notice" :
				eal_log_levels[app->conf.log.level];

	ARG("--log-level=lib.*:%s", lib_level);
	ARG("--log-level=pmd.*:%s", lib_level);
	ARG("--log-level=user1:%s", eal_log_levels[app->conf.log.level]);
#undef ARG

	for (int i = 0; i < argc; i++)
		argv[i] = args[i];
	argv[argc] = NULL;

	int ret = rte_eal_init(argc, argv);

	if (ret < 0) {
		fprintf(stderr, "dturn: EAL initialisation failed%s%s (see the EAL messages above)\n",
			rte_errno != 0 ? ": " : "", rte_errno != 0 ? rte_strerror(rte_errno) : "");
		return -1;
	}
	/*
	 * Live capture: dpdk-dumpcap, a secondary process with the same
	 * --file-prefix, asks this (primary) process over EAL's multi-process
	 * channel to copy the ports' packets into its ring (docs/metrics.md).
	 * Optional: without it dturn serves, only capture is refused.
	 */
	if (rte_pdump_init() != 0)
		RTE_LOG(WARNING, DTURN, "rte_pdump_init failed (%s): dpdk-dumpcap cannot capture\n",
			rte_strerror(rte_errno));
	RTE_LOG(INFO, DTURN, "EAL up: lcores %s, %u MB %s (%lu MB of hugepages free)\n", e->lcores,
		e->memory_mb, app->no_huge ? "without hugepages" : "in hugepages", huge_mb);
	return 0;
}
