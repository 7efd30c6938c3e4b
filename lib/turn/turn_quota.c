/* SPDX-License-Identifier: BSD-3-Clause */
/* Allocations per user (RFC 8656 §7.2: 486), kept by the control lcore only. */
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "turn_internal.h"

struct turn_quota {
	struct rte_hash *users; /* username (zero-padded) -> count */
};

struct quota_key {
	char name[TABLE_USERNAME_MAX];
};

static void
make_key(struct quota_key *k, const char *user, uint16_t len)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->name, user, len < sizeof(k->name) ? len : sizeof(k->name));
}

struct turn_quota *
turn_quota_create(uint32_t capacity, int socket)
{
	struct turn_quota *q = rte_zmalloc_socket("turn_quota", sizeof(*q), 0, socket);
	char name[RTE_HASH_NAMESIZE];

	if (q == NULL)
		return NULL;
	snprintf(name, sizeof(name), "quota_%p", (void *)q);

	struct rte_hash_parameters p = {
		.name = name,
		.entries = capacity < 8 ? 8 : capacity,
		.key_len = sizeof(struct quota_key),
		.hash_func = rte_jhash,
		.socket_id = socket,
	};

	q->users = rte_hash_create(&p);
	if (q->users == NULL) {
		rte_free(q);
		return NULL;
	}
	return q;
}

void
turn_quota_free(struct turn_quota *q)
{
	if (q == NULL)
		return;
	rte_hash_free(q->users);
	rte_free(q);
}

int
turn_quota_take(struct turn_quota *q, const char *user, uint16_t len, uint32_t limit)
{
	struct quota_key k;
	void *data = NULL;
	uintptr_t count = 0;

	make_key(&k, user, len);
	if (rte_hash_lookup_data(q->users, &k, &data) >= 0)
		count = (uintptr_t)data;
	if (limit != 0 && count >= limit)
		return -1;
	return rte_hash_add_key_data(q->users, &k, (void *)(count + 1)) == 0 ? 0 : -1;
}

void
turn_quota_release(struct turn_quota *q, const char *user, uint16_t len)
{
	struct quota_key k;
	void *data = NULL;

	make_key(&k, user, len);
	if (rte_hash_lookup_data(q->users, &k, &data) < 0)
		return;

	uintptr_t count = (uintptr_t)data;

	if (count <= 1)
		rte_hash_del_key(q->users, &k);
	else
		rte_hash_add_key_data(q->users, &k, (void *)(count - 1));
}
