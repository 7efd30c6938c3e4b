/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Creation, reader registration and the index lookups of the shared table.
 */

#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "table_private.h"

/*
 * rte_hash needs at least one bucket of 8 entries; it also names rings after
 * the table ("RCU_HASH_RCU_<name>_c" must fit RTE_RING_NAMESIZE), hence
 * TABLE_NAME_MAX.
 */
#define TABLE_HASH_MIN_ENTRIES 8

static struct rte_hash *
index_create(const struct table_params *p, const char *suffix, uint32_t entries,
	     uint32_t key_len, uint32_t init_val, struct rte_rcu_qsbr *v)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = RTE_MAX(entries, (uint32_t)TABLE_HASH_MIN_ENTRIES),
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.hash_func_init_val = init_val,
		.socket_id = p->socket,
		/*
		 * One writer, lock-free readers; the extendable buckets make sure a
		 * crowded bucket never refuses an insert below capacity.
		 */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_hash_rcu_config rcu = {
		.v = v,
		.mode = RTE_HASH_QSBR_MODE_DQ,
		.dq_size = 0, /* default: every key slot, so the defer queue never fills */
	};
	struct rte_hash *h;

	snprintf(name, sizeof(name), "%s_%s", p->name, suffix);
	h = rte_hash_create(&hp);
	if (h == NULL)
		return NULL;
	if (rte_hash_rcu_qsbr_add(h, &rcu) != 0) {
		int err = rte_errno;

		rte_hash_free(h);
		rte_errno = err;
		return NULL;
	}
	return h;
}

static bool
params_valid(const struct table_params *p)
{
	unsigned int i;

	if (p == NULL || p->name == NULL || p->name[0] == '\0' ||
	    strlen(p->name) > TABLE_NAME_MAX)
		return false;
	if (p->capacity == 0 || p->capacity > RTE_HASH_ENTRIES_MAX / 2)
		return false;
	if (p->port_min == 0 || p->port_min > p->port_max)
		return false;
	if (p->relay_addr_count > TABLE_MAX_RELAY_ADDRS)
		return false;
	for (i = 0; i < p->relay_addr_count; i++)
		if (!table_family_valid(p->relay_addrs[i].family))
			return false;
	return true;
}

/* Into the open-addressed set (at most TABLE_MAX_RELAY_ADDRS of 64 slots: never full). */
static void
add_relay_v4(struct table *t, const uint8_t *addr)
{
	unsigned int h = table_relay_filter_bit(STUN_FAMILY_IPV4, addr);
	uint32_t a;

	memcpy(&a, addr, 4);
	for (; t->relay_v4_used & (UINT64_C(1) << h); h = (h + 1) & 63)
		if (t->relay_v4_slot[h] == a)
			return; /* listed twice */
	t->relay_v4_used |= UINT64_C(1) << h;
	t->relay_v4_slot[h] = a;
	t->relay_v4_count++;
}

struct table *
table_create(const struct table_params *p)
{
	struct table *t;
	unsigned int readers;
	size_t sz;
	uint32_t i, relay_keys;
	int err = ENOMEM;

	if (!params_valid(p)) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc_socket("table", sizeof(*t), RTE_CACHE_LINE_SIZE, p->socket);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	t->params = *p;
	t->params.name = NULL; /* the caller's string may not outlive us */
	t->capacity = p->capacity;
	t->prng = p->seed;

	readers = p->max_readers ? p->max_readers : 1;
	sz = rte_rcu_qsbr_get_memsize(readers);
	t->qsbr = rte_zmalloc_socket("table_qsbr", sz, RTE_CACHE_LINE_SIZE, p->socket);
	if (t->qsbr == NULL || rte_rcu_qsbr_init(t->qsbr, readers) != 0)
		goto fail;

	t->entries = rte_zmalloc_socket("table_entries", sizeof(*t->entries) * p->capacity,
					RTE_CACHE_LINE_SIZE, p->socket);
	t->owners = rte_zmalloc_socket("table_owners", sizeof(*t->owners) * p->capacity, 0,
				       p->socket);
	t->state = rte_zmalloc_socket("table_state", p->capacity, 0, p->socket);
	t->pair = rte_zmalloc_socket("table_pair", sizeof(uint32_t) * p->capacity, 0,
				     p->socket);
	t->pair_alt = rte_malloc_socket("table_pair_alt", sizeof(uint32_t) * p->capacity, 0,
					p->socket);
	t->families = rte_zmalloc_socket("table_families", p->capacity, 0, p->socket);
	t->free_stack = rte_malloc_socket("table_free", sizeof(uint32_t) * p->capacity, 0,
					  p->socket);
	t->pending = rte_malloc_socket("table_pending", sizeof(*t->pending) * p->capacity, 0,
				       p->socket);
	if (t->entries == NULL || t->owners == NULL || t->state == NULL || t->pair == NULL ||
	    t->pair_alt == NULL || t->families == NULL || t->free_stack == NULL ||
	    t->pending == NULL)
		goto fail;
	/* Popped from the top: entry 0 first. */
	for (i = 0; i < p->capacity; i++)
		t->free_stack[i] = p->capacity - 1 - i;
	t->nfree = p->capacity;

	for (unsigned int r = 0; r < t->params.relay_addr_count; r++) {
		const struct table_relay_addr *ra = &t->params.relay_addrs[r];

		if (ra->family == STUN_FAMILY_IPV4) {
			add_relay_v4(t, ra->addr);
		} else {
			memcpy(t->relay_v6[t->relay_v6_count++], ra->addr, 16);
			t->relay_filter |= UINT64_C(1) << table_relay_filter_bit(ra->family, ra->addr);
		}
	}
	if (table_pool_init(t) != 0)
		goto fail;

	t->by_client = index_create(p, "c", p->capacity, sizeof(struct table_5tuple),
				    (uint32_t)table_prng_next(&t->prng), t->qsbr);
	if (t->by_client == NULL) {
		err = rte_errno;
		goto fail;
	}
	/* With relayed addresses of both families, every allocation may be dual: two keys. */
	relay_keys = t->relay_v4_count > 0 && t->relay_v6_count > 0 ? 2 * p->capacity : p->capacity;
	t->by_relay = index_create(p, "r", relay_keys, sizeof(struct table_relay_key),
				   (uint32_t)table_prng_next(&t->prng), t->qsbr);
	if (t->by_relay == NULL) {
		err = rte_errno;
		goto fail;
	}
	if (table_caches_create(t, readers, p->capacity, relay_keys) != 0)
		goto fail;
	return t;
fail:
	table_free(t);
	rte_errno = err;
	return NULL;
}

void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->by_client);
	rte_hash_free(t->by_relay);
	table_pool_free(t);
	rte_free(t->pending);
	rte_free(t->free_stack);
	rte_free(t->pair);
	rte_free(t->pair_alt);
	rte_free(t->families);
	rte_free(t->state);
	rte_free(t->entries);
	rte_free(t->owners);
	rte_free(t->qsbr);
	table_caches_free(t);
	rte_free(t);
}

int
table_reader_register(struct table *t, unsigned int thread_id)
{
	int rc = rte_rcu_qsbr_thread_register(t->qsbr, thread_id);

	if (rc != 0)
		return -rte_errno;
	rte_rcu_qsbr_thread_online(t->qsbr, thread_id);
	return 0;
}

void
table_reader_unregister(struct table *t, unsigned int thread_id)
{
	rte_rcu_qsbr_thread_offline(t->qsbr, thread_id);
	rte_rcu_qsbr_thread_unregister(t->qsbr, thread_id);
}

void
table_reader_quiescent(struct table *t, unsigned int thread_id)
{
	table_tsan_release(t->qsbr);
	rte_rcu_qsbr_quiescent(t->qsbr, thread_id);
}

/* Blocks the writer until every online reader passed a quiescent state (a reload's swap). */
void
table_readers_synchronize(struct table *t)
{
	rte_rcu_qsbr_synchronize(t->qsbr, RTE_QSBR_THRID_INVALID);
	table_tsan_acquire(t->qsbr);
}

void
table_reader_offline(struct table *t, unsigned int thread_id)
{
	rte_rcu_qsbr_thread_offline(t->qsbr, thread_id);
}

void
table_reader_online(struct table *t, unsigned int thread_id)
{
	rte_rcu_qsbr_thread_online(t->qsbr, thread_id);
}

struct table_alloc *
table_lookup_client(const struct table *t, const struct table_5tuple *k)
{
	void *data;

	if (rte_hash_lookup_data(t->by_client, k, &data) < 0)
		return NULL;
	table_tsan_acquire(data);
	return data;
}

struct table_alloc *
table_lookup_relay(const struct table *t, const struct table_relay_key *k)
{
	void *data;

	if (rte_hash_lookup_data(t->by_relay, k, &data) < 0)
		return NULL;
	table_tsan_acquire(data);
	return data;
}

void
table_index_lookup_bulk(const struct rte_hash *h, const void **keys, unsigned int n,
			struct table_alloc **out)
{
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits;
	unsigned int done, i, m;

	for (done = 0; done < n; done += m) {
		m = RTE_MIN(n - done, (unsigned int)RTE_HASH_LOOKUP_BULK_MAX);
		hits = 0;
		rte_hash_lookup_bulk_data(h, keys + done, m, &hits, data);
		for (i = 0; i < m; i++) {
			out[done + i] = (hits >> i) & 1 ? data[i] : NULL;
			if (out[done + i] != NULL)
				table_tsan_acquire(out[done + i]);
		}
	}
}

void
table_lookup_client_bulk(const struct table *t, const struct table_5tuple **keys,
			 unsigned int n, struct table_alloc **out)
{
	table_index_lookup_bulk(t->by_client, (const void **)keys, n, out);
}

void
table_lookup_relay_bulk(const struct table *t, const struct table_relay_key **keys,
			unsigned int n, struct table_alloc **out)
{
	table_index_lookup_bulk(t->by_relay, (const void **)keys, n, out);
}

/* Asked for every relayed packet (hairpin test, peer classification): integer compares. */
bool
table_is_relay_addr(const struct table *t, uint8_t family, const uint8_t *addr)
{
	if (family == STUN_FAMILY_IPV4) {
		unsigned int h = table_relay_filter_bit(family, addr);
		uint32_t a;

		memcpy(&a, addr, 4);
		for (; t->relay_v4_used & (UINT64_C(1) << h); h = (h + 1) & 63)
			if (t->relay_v4_slot[h] == a)
				return true;
		return false;
	}
	if (!(t->relay_filter & (UINT64_C(1) << table_relay_filter_bit(family, addr))))
		return false;
	for (unsigned int i = 0; i < t->relay_v6_count; i++) {
		uint64_t x[2], y[2];

		memcpy(x, addr, 16);
		memcpy(y, t->relay_v6[i], 16);
		if (x[0] == y[0] && x[1] == y[1])
			return true;
	}
	return false;
}

bool
table_relay_port_in_range(const struct table *t, uint16_t port)
{
	return port >= t->params.port_min && port <= t->params.port_max;
}

uint32_t
table_count(const struct table *t)
{
	/* Also read by the management thread: a relaxed load, stale at worst. */
	return __atomic_load_n(&t->count, __ATOMIC_RELAXED);
}

uint32_t
table_capacity(const struct table *t)
{
	return t->capacity;
}

uint32_t
table_pending(const struct table *t)
{
	return __atomic_load_n(&t->pending_count, __ATOMIC_RELAXED);
}

uint32_t
table_relay_ports_free(const struct table *t, uint8_t family)
{
	return t->pool[table_pool_slot(family)].free;
}
