/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/table: semantics on the control thread, then the
 * concurrency test (one writer creating and deleting allocations, installing
 * permissions and channels, while two reader lcores look them up and check
 * that nothing is lost or torn).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "table.h"
#include "table_private.h" /* the flow cache's trial counters */

static unsigned int name_seq;

static struct table *
make_table(uint32_t capacity, uint16_t port_min, uint16_t port_max, unsigned int n4,
	   unsigned int n6, uint64_t seed, unsigned int readers)
{
	struct table_params p;
	char name[TABLE_NAME_MAX + 1];
	unsigned int i;

	memset(&p, 0, sizeof(p));
	snprintf(name, sizeof(name), "tt%u", name_seq++);
	p.name = name;
	p.capacity = capacity;
	p.max_readers = readers;
	p.socket = 0;
	p.port_min = port_min;
	p.port_max = port_max;
	p.seed = seed;
	for (i = 0; i < n4; i++) {
		struct table_relay_addr *r = &p.relay_addrs[p.relay_addr_count++];

		r->family = STUN_FAMILY_IPV4;
		r->addr[0] = 198, r->addr[1] = 18, r->addr[2] = 1, r->addr[3] = (uint8_t)(1 + i);
		r->port_index = (uint16_t)i;
	}
	for (i = 0; i < n6; i++) {
		struct table_relay_addr *r = &p.relay_addrs[p.relay_addr_count++];

		r->family = STUN_FAMILY_IPV6;
		r->addr[0] = 0x20, r->addr[1] = 0x01, r->addr[2] = 0x0d, r->addr[3] = 0xb8;
		r->addr[15] = (uint8_t)(1 + i);
		r->port_index = (uint16_t)(10 + i);
	}
	return table_create(&p);
}

static uint16_t
key_port(unsigned int i)
{
	return (uint16_t)(1024 + i);
}

static void
client_key(unsigned int i, struct table_5tuple *k)
{
	memset(k, 0, sizeof(*k));
	k->family = STUN_FAMILY_IPV4;
	k->proto = 17;
	k->client_port = key_port(i);
	k->server_port = 3478;
	k->client_addr[0] = 198, k->client_addr[1] = 18;
	k->client_addr[2] = (uint8_t)(2 + (i >> 8)), k->client_addr[3] = (uint8_t)i;
	k->server_addr[0] = 198, k->server_addr[1] = 18, k->server_addr[3] = 1;
}

static void
peer_addr(struct stun_addr *a, uint8_t last, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = STUN_FAMILY_IPV4;
	a->port = port;
	a->addr[0] = 198, a->addr[1] = 51, a->addr[2] = 100, a->addr[3] = last;
}

/* ---- single-thread semantics ---- */

static void
test_create_lookup_delete(void)
{
	struct table *t = make_table(64, 49152, 65535, 2, 1, 1, 1);
	const struct table_5tuple *keys[100];
	struct table_5tuple k[100];
	struct table_alloc *a, *b, *out[100];
	unsigned int i;

	CU_ASSERT_FATAL(t != NULL);
	client_key(1, &k[1]);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k[1], STUN_FAMILY_IPV4, 3, 1000, &a), 0);
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT_EQUAL(memcmp(&a->ids.client, &k[1], sizeof(k[1])), 0);
	CU_ASSERT_EQUAL(a->ids.client_port_index, 3);
	CU_ASSERT_EQUAL(a->ids.relay.family, STUN_FAMILY_IPV4);
	CU_ASSERT(table_relay_port_in_range(t, a->ids.relay.port));
	CU_ASSERT(table_is_relay_addr(t, STUN_FAMILY_IPV4, a->ids.relay.addr));
	CU_ASSERT_EQUAL(a->ids.relay_port_index, a->ids.relay.addr[3] - 1);
	CU_ASSERT_EQUAL(a->nperms, 0);
	CU_ASSERT_EQUAL(a->nchannels, 0);
	CU_ASSERT_EQUAL(table_owner(t, a)->username_len, 0);
	CU_ASSERT_PTR_EQUAL(table_lookup_client(t, &k[1]), a);
	CU_ASSERT_PTR_EQUAL(table_lookup_relay(t, &a->ids.relay), a);
	CU_ASSERT(table_alloc_live(a, 999));
	CU_ASSERT(!table_alloc_live(a, 1000));
	CU_ASSERT_EQUAL(table_alloc_expiry(a), 1000);
	table_alloc_set_expiry(a, 5000);
	CU_ASSERT(table_alloc_live(a, 4999));

	CU_ASSERT_EQUAL(table_alloc_create(t, &k[1], STUN_FAMILY_IPV4, 3, 1000, &b), -EEXIST);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k[1], STUN_FAMILY_IPV6, 3, 1000, &b), -EEXIST);
	CU_ASSERT_EQUAL(table_count(t), 1);

	client_key(2, &k[2]);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k[2], STUN_FAMILY_IPV6, 0, 1000, &b), 0);
	CU_ASSERT_EQUAL(b->ids.relay.family, STUN_FAMILY_IPV6);
	CU_ASSERT_EQUAL(b->ids.relay_port_index, 10);
	CU_ASSERT(table_is_relay_addr(t, STUN_FAMILY_IPV6, b->ids.relay.addr));
	CU_ASSERT_PTR_EQUAL(table_lookup_relay(t, &b->ids.relay), b);

	/* Bulk lookups of more than 64 keys. */
	for (i = 0; i < 100; i++) {
		client_key(i, &k[i]);
		keys[i] = &k[i];
		out[i] = (struct table_alloc *)(uintptr_t)1;
	}
	table_lookup_client_bulk(t, keys, 100, out);
	for (i = 0; i < 100; i++)
		CU_ASSERT_PTR_EQUAL(out[i], i == 1 ? a : i == 2 ? b : NULL);
	{
		const struct table_relay_key *rk[70];
		struct table_relay_key miss;
		struct table_alloc *rout[70];

		memset(&miss, 0, sizeof(miss));
		miss.family = STUN_FAMILY_IPV4;
		for (i = 0; i < 70; i++)
			rk[i] = i == 3 ? &a->ids.relay : i == 66 ? &b->ids.relay : &miss;
		table_lookup_relay_bulk(t, rk, 70, rout);
		for (i = 0; i < 70; i++)
			CU_ASSERT_PTR_EQUAL(rout[i], i == 3 ? a : i == 66 ? b : NULL);
	}

	table_alloc_delete(t, a);
	CU_ASSERT_PTR_NULL(table_lookup_client(t, &k[1]));
	CU_ASSERT_PTR_NULL(table_lookup_relay(t, &a->ids.relay));
	CU_ASSERT(!table_alloc_live(a, 0));
	CU_ASSERT_EQUAL(table_count(t), 1);
	table_alloc_delete(t, a); /* not live any more: no-op */
	CU_ASSERT_EQUAL(table_count(t), 1);
	CU_ASSERT_EQUAL(table_pending(t), 1);
	/* No reader registered: reclaimed at once. */
	CU_ASSERT_EQUAL(table_reclaim(t), 1);
	CU_ASSERT_EQUAL(table_pending(t), 0);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k[1], STUN_FAMILY_IPV4, 3, 1000, &a), 0);
	CU_ASSERT_PTR_EQUAL(table_lookup_client(t, &k[1]), a);

	/* Pool immutables. */
	{
		uint8_t x[16] = { 198, 18, 1, 3 };

		CU_ASSERT(!table_is_relay_addr(t, STUN_FAMILY_IPV4, x));
		x[3] = 2;
		CU_ASSERT(table_is_relay_addr(t, STUN_FAMILY_IPV4, x));
		CU_ASSERT(!table_is_relay_addr(t, STUN_FAMILY_IPV6, x));
		CU_ASSERT(table_relay_port_in_range(t, 49152));
		CU_ASSERT(table_relay_port_in_range(t, 65535));
		CU_ASSERT(!table_relay_port_in_range(t, 49151));
	}
	table_free(t);
}

static void
test_bad_params(void)
{
	struct table_params p;

	memset(&p, 0, sizeof(p));
	p.name = "waytoolongtablename";
	p.capacity = 8;
	p.port_min = 1000;
	p.port_max = 2000;
	CU_ASSERT_PTR_NULL(table_create(&p));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	p.name = "bad";
	p.port_min = 3000;
	CU_ASSERT_PTR_NULL(table_create(&p));
	p.port_min = 1000;
	p.capacity = 0;
	CU_ASSERT_PTR_NULL(table_create(&p));
	p.capacity = 8;
	p.relay_addr_count = 1;
	p.relay_addrs[0].family = 7;
	CU_ASSERT_PTR_NULL(table_create(&p));
	p.relay_addrs[0].family = STUN_FAMILY_IPV4;
	{
		struct table *t = table_create(&p);

		CU_ASSERT_PTR_NOT_NULL(t);
		table_free(t);
	}
}

/* Capacity is exact (not rounded), and every entry up to it can be found. */
static void
test_capacity(void)
{
	const uint32_t cap = 5000;
	struct table *t = make_table(cap, 1024, 65535, 1, 0, 7, 1);
	struct table_5tuple k;
	struct table_alloc *a;
	uint32_t i, found = 0, rfound = 0;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(table_capacity(t), cap);
	for (i = 0; i < cap; i++) {
		client_key(i, &k);
		CU_ASSERT_EQUAL_FATAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &a), 0);
	}
	client_key(cap, &k);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &a), -ENOSPC);
	/* -EEXIST wins over -ENOSPC (a retransmitted Allocate of a full relay). */
	client_key(17, &k);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &a), -EEXIST);
	for (i = 0; i < cap; i++) {
		client_key(i, &k);
		a = table_lookup_client(t, &k);
		found += a != NULL;
		if (a != NULL)
			rfound += table_lookup_relay(t, &a->ids.relay) == a;
	}
	CU_ASSERT_EQUAL(found, cap);
	CU_ASSERT_EQUAL(rfound, cap);
	CU_ASSERT_EQUAL(table_count(t), cap);
	table_free(t);
}

/*
 * A deleted entry (and its relayed port) is not handed out again before every
 * registered reader passed a quiescent state.
 */
static void
test_reuse_waits_for_readers(void)
{
	struct table *t = make_table(4, 50000, 50099, 1, 0, 3, 2);
	struct table_5tuple k;
	struct table_alloc *a[4], *n;
	uint16_t freed_port;
	unsigned int i;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(table_reader_register(t, 0), 0);
	CU_ASSERT_EQUAL(table_reader_register(t, 1), 0);
	for (i = 0; i < 3; i++) {
		client_key(i, &k);
		CU_ASSERT_EQUAL_FATAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &a[i]), 0);
	}
	table_reader_quiescent(t, 0);
	table_reader_quiescent(t, 1);
	freed_port = a[1]->ids.relay.port;
	table_alloc_delete(t, a[1]);
	/* The fourth slot is free: used, not a[1]'s. */
	client_key(10, &k);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &n), 0);
	CU_ASSERT_PTR_NOT_EQUAL(n, a[1]);
	CU_ASSERT_NOT_EQUAL(n->ids.relay.port, freed_port);
	/* Full until the readers move on. */
	client_key(11, &k);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &n), -ENOSPC);
	CU_ASSERT_EQUAL(table_pending(t), 1);
	table_reader_quiescent(t, 0);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &n), -ENOSPC);
	CU_ASSERT_EQUAL(table_sweep(t, 0, 4, NULL, NULL), 0);
	CU_ASSERT_EQUAL(table_pending(t), 1);
	table_reader_quiescent(t, 1);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &n), 0);
	CU_ASSERT_PTR_EQUAL(n, a[1]);
	CU_ASSERT_EQUAL(table_pending(t), 0);
	CU_ASSERT_PTR_EQUAL(table_lookup_client(t, &k), n);

	/* An offline reader does not hold anything back. */
	table_reader_offline(t, 1);
	table_alloc_delete(t, a[0]);
	table_reader_quiescent(t, 0);
	CU_ASSERT_EQUAL(table_reclaim(t), 1);
	table_reader_online(t, 1);
	table_reader_unregister(t, 0);
	table_reader_unregister(t, 1);
	table_free(t);
}

/* Every relayed address of a full pool is ours, nothing else is (the open-addressed IPv4 set). */
static void
test_relay_addr_set(void)
{
	struct table *t = make_table(4, 50000, 50001, TABLE_MAX_RELAY_ADDRS, 0, 1, 1);
	uint8_t a[16];
	unsigned int hits = 0;

	CU_ASSERT_FATAL(t != NULL);
	memset(a, 0, sizeof(a));
	a[0] = 198, a[1] = 18, a[2] = 1;
	for (unsigned int i = 0; i < 256; i++) {
		a[3] = (uint8_t)i;
		bool ours = i >= 1 && i <= TABLE_MAX_RELAY_ADDRS;

		CU_ASSERT_EQUAL(table_is_relay_addr(t, STUN_FAMILY_IPV4, a), ours);
		hits += ours;
	}
	CU_ASSERT_EQUAL(hits, TABLE_MAX_RELAY_ADDRS);
	a[2] = 2, a[3] = 1;
	CU_ASSERT(!table_is_relay_addr(t, STUN_FAMILY_IPV4, a));
	a[2] = 1;
	CU_ASSERT(!table_is_relay_addr(t, STUN_FAMILY_IPV6, a));
	table_free(t);
}

/* One key through reader 0's flow cache (a miss fills the slot, the next is a hit). */
static struct table_alloc *
cached_client(struct table *t, unsigned int reader, const struct table_5tuple *k)
{
	const struct table_5tuple *keys[1] = { k };
	struct table_alloc *out[1] = { (struct table_alloc *)(uintptr_t)1 };

	table_lookup_client_cached(t, reader, keys, 1, out);
	return out[0];
}

static struct table_alloc *
cached_relay(struct table *t, unsigned int reader, const struct table_relay_key *k)
{
	const struct table_relay_key *keys[1] = { k };
	struct table_alloc *out[1] = { (struct table_alloc *)(uintptr_t)1 };

	table_lookup_relay_cached(t, reader, keys, 1, out);
	return out[0];
}

/*
 * The readers' flow caches: a cached pointer to an entry that was deleted,
 * or reused for another key, is never returned; an entry reused for the
 * same key is that key's new allocation, as rte_hash says too.
 */
static void
test_flow_cache(void)
{
	struct table *t = make_table(4, 50000, 50099, 1, 0, 5, 1);
	const struct table_5tuple *keys[100];
	struct table_5tuple k1, k2, k[100];
	struct table_relay_key r1, r2;
	struct table_alloc *a, *b, *out[100], *bulk[100];
	unsigned int i;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(table_reader_register(t, 0), 0);
	client_key(1, &k1);
	client_key(2, &k2);
	CU_ASSERT_EQUAL_FATAL(table_alloc_create(t, &k1, STUN_FAMILY_IPV4, 0, 100, &a), 0);
	r1 = a->ids.relay;
	CU_ASSERT_PTR_EQUAL(cached_client(t, 0, &k1), a); /* miss, slot filled */
	CU_ASSERT_PTR_EQUAL(cached_client(t, 0, &k1), a); /* hit */
	CU_ASSERT_PTR_EQUAL(cached_relay(t, 0, &r1), a);
	CU_ASSERT_PTR_EQUAL(cached_relay(t, 0, &r1), a);
	CU_ASSERT_PTR_NULL(cached_client(t, 0, &k2));
	/* An id with no cache (not a reader of this table) is looked up in rte_hash. */
	CU_ASSERT_PTR_EQUAL(cached_client(t, 7, &k1), a);
	CU_ASSERT_PTR_EQUAL(cached_relay(t, 7, &r1), a);

	/* Deleted: the cached pointer still points at the entry, which is dead. */
	table_alloc_delete(t, a);
	CU_ASSERT_PTR_NULL(cached_client(t, 0, &k1));
	CU_ASSERT_PTR_NULL(cached_relay(t, 0, &r1));

	/* Reused for another client: k1's and r1's slots must not yield it. */
	CU_ASSERT_PTR_EQUAL(cached_client(t, 0, &k1), NULL);
	table_reader_quiescent(t, 0);
	CU_ASSERT_EQUAL(table_reclaim(t), 1);
	CU_ASSERT_EQUAL_FATAL(table_alloc_create(t, &k2, STUN_FAMILY_IPV4, 0, 200, &b), 0);
	CU_ASSERT_PTR_EQUAL_FATAL(b, a); /* the same entry, LIFO */
	r2 = b->ids.relay;
	CU_ASSERT(memcmp(&r1, &r2, sizeof(r1)) != 0); /* a freed port queues at the back */
	CU_ASSERT_PTR_NULL(cached_client(t, 0, &k1));
	CU_ASSERT_PTR_NULL(cached_relay(t, 0, &r1));
	CU_ASSERT_PTR_EQUAL(cached_client(t, 0, &k2), b);
	CU_ASSERT_PTR_EQUAL(cached_relay(t, 0, &r2), b);

	/* Reused for the same client again: the new allocation, with its own expiry. */
	CU_ASSERT_PTR_EQUAL(cached_client(t, 0, &k1), NULL);
	table_alloc_delete(t, b);
	table_reader_quiescent(t, 0);
	CU_ASSERT_EQUAL(table_reclaim(t), 1);
	CU_ASSERT_EQUAL_FATAL(table_alloc_create(t, &k1, STUN_FAMILY_IPV4, 0, 300, &a), 0);
	CU_ASSERT_PTR_EQUAL(a, b);
	CU_ASSERT_PTR_EQUAL(cached_client(t, 0, &k1), a);
	CU_ASSERT_EQUAL(table_alloc_expiry(cached_client(t, 0, &k1)), 300);
	CU_ASSERT_PTR_NULL(cached_client(t, 0, &k2));
	CU_ASSERT_PTR_NULL(cached_relay(t, 0, &r2));
	CU_ASSERT_PTR_EQUAL(cached_relay(t, 0, &a->ids.relay), a);

	/* More than one bulk chunk, hits and misses mixed: the same answers as rte_hash. */
	for (i = 0; i < 100; i++) {
		client_key(i, &k[i]);
		keys[i] = &k[i];
	}
	client_key(3, &k2);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k2, STUN_FAMILY_IPV4, 0, 300, &b), 0);
	for (unsigned int round = 0; round < 2; round++) {
		table_lookup_client_cached(t, 0, keys, 100, out);
		table_lookup_client_bulk(t, keys, 100, bulk);
		for (i = 0; i < 100; i++)
			CU_ASSERT_PTR_EQUAL(out[i], bulk[i]);
		CU_ASSERT_PTR_EQUAL(out[1], a);
		CU_ASSERT_PTR_EQUAL(out[3], b);
	}
	table_reader_unregister(t, 0);
	table_free(t);
}

/*
 * The cache is sized from the table (two ways per key the index can hold),
 * a looked-up key gets a way naming its entry, and a set with more live keys
 * than ways replaces ways and still answers as rte_hash does.
 */
static void
test_flow_cache_sets(void)
{
	struct table *t = make_table(4096, 50000, 59999, 1, 0, 9, 1);
	struct table_cache_index *ci;
	const struct table_5tuple *keys[64];
	struct table_5tuple k[64];
	struct table_alloc *a[64], *out[64];
	unsigned int i, w, round, ways_of_a0 = 0;
	uint32_t mask;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(table_reader_register(t, 0), 0);
	ci = &t->caches[0].client;
	CU_ASSERT_EQUAL(ci->set_mask + 1, 4096 * 2 / TABLE_CACHE_WAYS);
	CU_ASSERT_EQUAL(t->caches[0].relay.set_mask + 1, 4096 * 2 / TABLE_CACHE_WAYS);
	for (i = 0; i < 64; i++) {
		client_key(i, &k[i]);
		keys[i] = &k[i];
		CU_ASSERT_EQUAL_FATAL(table_alloc_create(t, &k[i], STUN_FAMILY_IPV4, 0, 100, &a[i]),
				      0);
	}
	CU_ASSERT_EQUAL(table_lookup_client_cached(t, 0, keys, 1, out), 0); /* a miss */
	CU_ASSERT_PTR_EQUAL(out[0], a[0]);
	CU_ASSERT_EQUAL(table_lookup_client_cached(t, 0, keys, 1, out), 1); /* a hit */
	CU_ASSERT_PTR_EQUAL(out[0], a[0]);
	for (uint32_t set = 0; set <= ci->set_mask; set++)
		for (w = 0; w < TABLE_CACHE_WAYS; w++)
			ways_of_a0 += ci->sets[set].entry[w] == (uint32_t)(a[0] - t->entries) + 1;
	CU_ASSERT_EQUAL(ways_of_a0, 1);

	/* All 64 keys into one set of 8 ways: replaced round after round, never wrong. */
	mask = ci->set_mask;
	ci->set_mask = 0;
	for (round = 0; round < 4; round++) {
		/* At most the 8 keys the set holds are hits. */
		CU_ASSERT(table_lookup_client_cached(t, 0, keys, 64, out) <= TABLE_CACHE_WAYS);
		for (i = 0; i < 64; i++)
			CU_ASSERT_PTR_EQUAL(out[i], a[i]);
	}
	for (w = 0; w < TABLE_CACHE_WAYS; w++) {
		CU_ASSERT(ci->sets[0].entry[w] != 0);
		for (unsigned int v = 0; v < w; v++)
			CU_ASSERT(ci->sets[0].entry[v] != ci->sets[0].entry[w]);
	}
	/* A deleted key held in the set is not answered from it. */
	i = ci->sets[0].entry[3] - 1 - (uint32_t)(a[0] - t->entries);
	CU_ASSERT_FATAL(i < 64 && a[i] == &t->entries[ci->sets[0].entry[3] - 1]);
	table_alloc_delete(t, a[i]);
	table_lookup_client_cached(t, 0, &keys[i], 1, out);
	CU_ASSERT_PTR_NULL(out[0]);
	ci->set_mask = mask;
	table_reader_unregister(t, 0);
	table_free(t);
}

/* A dual allocation's dropped family: its relayed address leaves the cache's answers too. */
static void
test_flow_cache_drop_family(void)
{
	struct table *t = make_table(4, 50000, 50009, 1, 1, 1, 1);
	struct table_relay_key r4, r6;
	struct table_5tuple k;
	struct table_alloc *a;
	uint32_t res;
	int e4, e6;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(table_reader_register(t, 0), 0);
	client_key(0, &k);
	CU_ASSERT_EQUAL_FATAL(table_alloc_create_dual(t, &k, 0, 0, 100, &a, &res, &e4, &e6), 0);
	r4 = a->ids.relay;
	r6 = a->relay_alt;
	CU_ASSERT_PTR_EQUAL(cached_relay(t, 0, &r6), a);
	CU_ASSERT_PTR_EQUAL(cached_relay(t, 0, &r6), a);
	CU_ASSERT_PTR_EQUAL(cached_relay(t, 0, &r4), a);
	CU_ASSERT_EQUAL(table_alloc_drop_family(t, a, STUN_FAMILY_IPV6), 0);
	CU_ASSERT_PTR_NULL(cached_relay(t, 0, &r6));
	CU_ASSERT_PTR_EQUAL(cached_relay(t, 0, &r4), a);
	CU_ASSERT_PTR_EQUAL(cached_client(t, 0, &k), a);
	table_reader_unregister(t, 0);
	table_free(t);
}

/* Relayed ports: a small pool runs out, and freed ports come back after quiescence. */
static void
test_pool_exhaustion(void)
{
	struct table *t = make_table(16, 50000, 50003, 1, 0, 5, 1);
	struct table_5tuple k;
	struct table_alloc *a[4], *n;
	uint16_t seen = 0, port;
	unsigned int i;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(table_relay_ports_free(t, STUN_FAMILY_IPV4), 4);
	CU_ASSERT_EQUAL(table_relay_ports_free(t, STUN_FAMILY_IPV6), 0);
	CU_ASSERT_EQUAL(table_reader_register(t, 0), 0);
	for (i = 0; i < 4; i++) {
		client_key(i, &k);
		CU_ASSERT_EQUAL_FATAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &a[i]), 0);
		seen |= (uint16_t)(1u << (a[i]->ids.relay.port - 50000));
	}
	CU_ASSERT_EQUAL(seen, 0xf);
	client_key(4, &k);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &n), -EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(table_count(t), 4);
	port = a[2]->ids.relay.port;
	table_alloc_delete(t, a[2]);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &n), -EADDRNOTAVAIL);
	table_reader_quiescent(t, 0);
	CU_ASSERT_EQUAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &n), 0);
	CU_ASSERT_EQUAL(n->ids.relay.port, port);
	table_reader_unregister(t, 0);
	table_free(t);
}

static void
test_family(void)
{
	struct table *t4 = make_table(8, 50000, 50010, 1, 0, 1, 1);
	struct table *t6 = make_table(8, 50000, 50010, 0, 1, 1, 1);
	struct table *t0 = make_table(8, 50000, 50010, 0, 0, 1, 1);
	struct table_5tuple k;
	struct table_alloc *a;

	CU_ASSERT_FATAL(t4 != NULL && t6 != NULL && t0 != NULL);
	client_key(0, &k);
	CU_ASSERT_EQUAL(table_alloc_create(t4, &k, STUN_FAMILY_IPV6, 0, 100, &a), -EAFNOSUPPORT);
	CU_ASSERT_EQUAL(table_alloc_create(t4, &k, 9, 0, 100, &a), -EAFNOSUPPORT);
	CU_ASSERT_EQUAL(table_alloc_create(t4, &k, STUN_FAMILY_IPV4, 0, 100, &a), 0);
	CU_ASSERT_EQUAL(table_alloc_create(t6, &k, STUN_FAMILY_IPV4, 0, 100, &a), -EAFNOSUPPORT);
	CU_ASSERT_EQUAL(table_alloc_create(t6, &k, STUN_FAMILY_IPV6, 0, 100, &a), 0);
	CU_ASSERT_EQUAL(table_alloc_create(t0, &k, STUN_FAMILY_IPV4, 0, 100, &a), -EAFNOSUPPORT);
	CU_ASSERT_EQUAL(table_count(t0), 0);
	table_free(t4);
	table_free(t6);
	table_free(t0);
}

/* Dual allocations: both keys published, one family dropped, ports back only with the entry. */
static void
test_dual(void)
{
	struct table *t = make_table(8, 50000, 50001, 1, 1, 1, 1);
	struct table *t4 = make_table(8, 50000, 50010, 1, 0, 1, 1);
	struct table *t0 = make_table(8, 50000, 50010, 0, 0, 1, 1);
	struct table_5tuple k, k2, k3;
	struct table_alloc *a, *b;
	uint16_t pi;
	uint32_t res;
	int e4, e6;

	CU_ASSERT_FATAL(t != NULL && t4 != NULL && t0 != NULL);
	client_key(0, &k);
	client_key(1, &k2);
	client_key(2, &k3);
	CU_ASSERT_EQUAL_FATAL(table_alloc_create_dual(t, &k, 0, 0, 100, &a, &res, &e4, &e6), 0);
	CU_ASSERT(e4 == 0 && e6 == 0);
	CU_ASSERT_EQUAL(a->ids.relay.family, STUN_FAMILY_IPV4);
	CU_ASSERT_EQUAL(a->relay_alt.family, STUN_FAMILY_IPV6);
	CU_ASSERT_PTR_EQUAL(table_lookup_relay(t, &a->ids.relay), a);
	CU_ASSERT_PTR_EQUAL(table_lookup_relay(t, &a->relay_alt), a);
	CU_ASSERT_PTR_EQUAL(table_alloc_relay_for(a, STUN_FAMILY_IPV6, &pi), &a->relay_alt);
	CU_ASSERT_EQUAL(pi, 10); /* make_table gives IPv6 addresses port indexes from 10 */
	CU_ASSERT_EQUAL(table_alloc_create_dual(t, &k, 0, 0, 100, &b, &res, &e4, &e6), -EEXIST);

	/* The second dual takes the last port of each family; a third gets none. */
	CU_ASSERT_EQUAL_FATAL(table_alloc_create_dual(t, &k2, 0, 0, 100, &b, &res, &e4, &e6), 0);
	CU_ASSERT_EQUAL(table_alloc_create_dual(t, &k3, 0, 0, 100, &b, &res, &e4, &e6),
			-EADDRNOTAVAIL);
	CU_ASSERT(e4 == -EADDRNOTAVAIL && e6 == -EADDRNOTAVAIL);

	/* Dropping: not the last family, not one it lacks. */
	CU_ASSERT_EQUAL(table_alloc_drop_family(t, a, STUN_FAMILY_IPV6), 0);
	CU_ASSERT_PTR_NULL(table_lookup_relay(t, &a->relay_alt));
	CU_ASSERT_PTR_EQUAL(table_lookup_relay(t, &a->ids.relay), a);
	CU_ASSERT_EQUAL(table_alloc_families(t, a), TABLE_FAMILY_BIT(STUN_FAMILY_IPV4));
	CU_ASSERT_EQUAL(table_alloc_drop_family(t, a, STUN_FAMILY_IPV6), -ENOENT);
	CU_ASSERT_EQUAL(table_alloc_drop_family(t, a, STUN_FAMILY_IPV4), -EINVAL);
	CU_ASSERT_EQUAL(table_alloc_drop_family(t, a, 7), -ENOENT);
	/* The dropped half's port stays with the entry until it is deleted and reclaimed. */
	CU_ASSERT_EQUAL(table_relay_ports_free(t, STUN_FAMILY_IPV6), 0);
	table_alloc_delete(t, a);
	CU_ASSERT_EQUAL(table_alloc_families(t, a), 0);
	table_reclaim(t);
	CU_ASSERT_EQUAL(table_relay_ports_free(t, STUN_FAMILY_IPV6), 1);
	CU_ASSERT_EQUAL(table_relay_ports_free(t, STUN_FAMILY_IPV4), 1);

	/* One family in the pool: that half, the other's reason; none: -EAFNOSUPPORT. */
	CU_ASSERT_EQUAL_FATAL(table_alloc_create_dual(t4, &k, 0, 0, 100, &a, &res, &e4, &e6), 0);
	CU_ASSERT(e4 == 0 && e6 == -EAFNOSUPPORT);
	CU_ASSERT_EQUAL(a->relay_alt.family, 0);
	CU_ASSERT_EQUAL(table_alloc_create_dual(t0, &k, 0, 0, 100, &a, &res, &e4, &e6),
			-EAFNOSUPPORT);
	CU_ASSERT_EQUAL(table_count(t0), 0);
	table_free(t);
	table_free(t4);
	table_free(t0);
}

static unsigned int
port_sequence(uint64_t seed, uint16_t *ports, unsigned int n)
{
	struct table *t = make_table(n, 40000, 40999, 1, 0, seed, 1);
	struct table_5tuple k;
	struct table_alloc *a;
	unsigned int i, ok = 0;

	if (t == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		client_key(i, &k);
		if (table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 100, &a) == 0) {
			ports[i] = a->ids.relay.port;
			ok++;
		}
	}
	table_free(t);
	return ok;
}

static void
test_ports_random(void)
{
	enum { N = 500 };
	static uint16_t p1[N], p2[N], p3[N];
	static uint8_t seen[1000];
	unsigned int i, steps = 0, rising = 0, same = 0;

	CU_ASSERT_EQUAL_FATAL(port_sequence(42, p1, N), N);
	CU_ASSERT_EQUAL_FATAL(port_sequence(42, p2, N), N);
	CU_ASSERT_EQUAL_FATAL(port_sequence(43, p3, N), N);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < N; i++) {
		CU_ASSERT(p1[i] >= 40000 && p1[i] <= 40999);
		if (p1[i] >= 40000 && p1[i] <= 40999) {
			CU_ASSERT_EQUAL(seen[p1[i] - 40000], 0);
			seen[p1[i] - 40000] = 1;
		}
		if (i > 0) {
			steps += p1[i] == p1[i - 1] + 1;
			rising += p1[i] > p1[i - 1];
		}
		same += p1[i] == p3[i];
	}
	/* Shuffled: almost no +1 steps, about as many rises as falls. */
	CU_ASSERT(steps < 10);
	CU_ASSERT(rising > N / 3 && rising < 2 * N / 3);
	/* The seed decides the order: same seed same order, other seed another one. */
	CU_ASSERT_EQUAL(memcmp(p1, p2, sizeof(p1)), 0);
	CU_ASSERT(same < 20);
}

static void
test_perms(void)
{
	struct table *t = make_table(8, 50000, 50010, 1, 0, 1, 1);
	struct table_5tuple k;
	struct table_alloc *a;
	struct table_alloc_state st;
	uint8_t x[16] = { 198, 51, 100, 1 }, y[16] = { 198, 51, 100, 2 };
	unsigned int i;

	CU_ASSERT_FATAL(t != NULL);
	client_key(0, &k);
	CU_ASSERT_EQUAL_FATAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, 1000000, &a), 0);
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, x, 0));
	CU_ASSERT_EQUAL(table_perm_install(a, STUN_FAMILY_IPV4, x, 1000, 0), 0);
	CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, x, 999));
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, x, 1000));
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, y, 0));
	/* The same first bytes as IPv6 are another address. */
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV6, x, 0));
	/* Refresh: same slot, new expiry. */
	CU_ASSERT_EQUAL(table_perm_install(a, STUN_FAMILY_IPV4, x, 2000, 500), 0);
	CU_ASSERT_EQUAL(a->nperms, 1);
	CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, x, 1999));
	CU_ASSERT_EQUAL(table_perm_install(a, 9, x, 2000, 500), -EINVAL);
	/* Fill: 15 more expiring at 1000, then -ENOSPC while none expired. */
	for (i = 0; i < TABLE_MAX_PERMS - 1; i++) {
		y[3] = (uint8_t)(10 + i);
		CU_ASSERT_EQUAL(table_perm_install(a, STUN_FAMILY_IPV4, y, 1000, 500), 0);
	}
	y[3] = 200;
	CU_ASSERT_EQUAL(table_perm_install(a, STUN_FAMILY_IPV4, y, 3000, 500), -ENOSPC);
	/* Once some expired, their slots are reused. */
	CU_ASSERT_EQUAL(table_perm_install(a, STUN_FAMILY_IPV4, y, 3000, 1000), 0);
	CU_ASSERT_EQUAL(a->nperms, TABLE_MAX_PERMS);
	CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, y, 1500));
	/* The sweep prunes expired ones. */
	CU_ASSERT_EQUAL(table_sweep(t, 1500, 8, NULL, NULL), 0);
	table_alloc_read_state(a, &st);
	CU_ASSERT_EQUAL(st.nperms, 2);
	CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, x, 1500));
	CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV4, y, 1500));
	y[3] = 10;
	CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV4, y, 0));
	/* IPv6 permission. */
	{
		uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };
		uint8_t v6b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 8 };

		CU_ASSERT_EQUAL(table_perm_install(a, STUN_FAMILY_IPV6, v6, 3000, 1500), 0);
		CU_ASSERT(table_permitted(a, STUN_FAMILY_IPV6, v6, 1500));
		CU_ASSERT(!table_permitted(a, STUN_FAMILY_IPV6, v6b, 1500));
	}
	table_free(t);
}

static void
test_channels(void)
{
	const uint64_t cool = TABLE_CHANNEL_COOLDOWN_MS;
	struct table *t = make_table(8, 50000, 50010, 1, 0, 1, 1);
	struct table_5tuple k;
	struct table_alloc *a, *b;
	struct stun_addr pa, pb, pa2, got;
	struct table_alloc_state st;
	uint16_t num;
	unsigned int i;

	CU_ASSERT_FATAL(t != NULL);
	client_key(0, &k);
	CU_ASSERT_EQUAL_FATAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, UINT64_MAX, &a), 0);
	peer_addr(&pa, 1, 5000);
	peer_addr(&pb, 2, 5000);
	peer_addr(&pa2, 1, 5001); /* same IP, other port: another peer */

	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4000, &pa, 600, 0), 0);
	CU_ASSERT(table_channel_peer(a, 0x4000, 100, &got));
	CU_ASSERT(got.family == pa.family && got.port == pa.port &&
		  memcmp(got.addr, pa.addr, 4) == 0);
	CU_ASSERT(table_channel_number(a, &pa, 100, &num));
	CU_ASSERT_EQUAL(num, 0x4000);
	CU_ASSERT(!table_channel_peer(a, 0x4001, 100, &got));
	CU_ASSERT(!table_channel_number(a, &pb, 100, &num));
	/* Same pair: refresh. */
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4000, &pa, 900, 100), 0);
	CU_ASSERT_EQUAL(a->nchannels, 1);
	CU_ASSERT(table_channel_peer(a, 0x4000, 700, &got));
	/* The number to another peer: -EBUSY; the peer to another number: -EEXIST. */
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4000, &pb, 900, 100), -EBUSY);
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4001, &pa, 900, 100), -EEXIST);
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4000, &pa2, 900, 100), -EBUSY);
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4001, &pa2, 900, 100), 0);
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x3fff, &pb, 900, 100), -EINVAL);
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x8000, &pb, 900, 100), -EINVAL);
	/* Expired: not usable, but reserved during the cooldown. */
	CU_ASSERT(!table_channel_peer(a, 0x4000, 900, &got));
	CU_ASSERT(!table_channel_number(a, &pa, 900, &num));
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4000, &pb, 2000, 1000), -EBUSY);
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4002, &pa, 2000, 1000), -EEXIST);
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4000, &pb, 2000, 900 + cool - 1), -EBUSY);
	/* ... and the sweep keeps it while reserved. */
	table_sweep(t, 900 + cool - 1, 8, NULL, NULL);
	table_alloc_read_state(a, &st);
	CU_ASSERT_EQUAL(st.nchannels, 2);
	/* Rebinding the same pair during the cooldown revives it. */
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4000, &pa, 2000, 1000), 0);
	CU_ASSERT(table_channel_peer(a, 0x4000, 1500, &got));
	/* After expiry + cooldown the number and the peer are free. */
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4000, &pb, 2000 + cool + 600, 2000 + cool), 0);
	CU_ASSERT(table_channel_peer(a, 0x4000, 2000 + cool, &got));
	CU_ASSERT_EQUAL(got.addr[3], 2);
	CU_ASSERT(!table_channel_number(a, &pa, 2000 + cool, &num));
	CU_ASSERT_EQUAL(table_channel_bind(a, 0x4005, &pa, 2000 + cool + 600, 2000 + cool), 0);

	/* -ENOSPC when every slot is bound or reserved. */
	client_key(1, &k);
	CU_ASSERT_EQUAL_FATAL(table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, UINT64_MAX, &b), 0);
	for (i = 0; i < TABLE_MAX_CHANNELS; i++) {
		struct stun_addr p;

		peer_addr(&p, 7, (uint16_t)(6000 + i));
		CU_ASSERT_EQUAL(table_channel_bind(b, (uint16_t)(0x4100 + i), &p, 1000, 0), 0);
	}
	peer_addr(&pb, 8, 6000);
	CU_ASSERT_EQUAL(table_channel_bind(b, 0x4200, &pb, 1000, 0), -ENOSPC);
	CU_ASSERT_EQUAL(table_channel_bind(b, 0x4200, &pb, 5000, 1000 + cool - 1), -ENOSPC);
	CU_ASSERT_EQUAL(table_channel_bind(b, 0x4200, &pb, 5000 + cool, 1000 + cool), 0);
	CU_ASSERT_EQUAL(b->nchannels, TABLE_MAX_CHANNELS);
	table_sweep(t, 1000 + cool, 8, NULL, NULL);
	table_alloc_read_state(b, &st);
	CU_ASSERT_EQUAL(st.nchannels, 1);
	CU_ASSERT_EQUAL(st.channels[0].number, 0x4200);
	table_free(t);
}

struct expire_log {
	struct table *t;
	unsigned int calls[256];
	unsigned int total;
	unsigned int still_published;
};

static void
on_expire(void *arg, struct table_alloc *a)
{
	struct expire_log *log = arg;
	unsigned int i = a->ids.client.client_port - key_port(0);

	if (i < 256)
		log->calls[i]++;
	log->total++;
	log->still_published += table_lookup_client(log->t, &a->ids.client) == a;
}

static void
test_sweep(void)
{
	const uint32_t cap = 200, budget = 16;
	struct table *t = make_table(cap, 50000, 59999, 1, 0, 1, 1);
	static struct expire_log log;
	struct table_5tuple k;
	struct table_alloc *a;
	unsigned int i, calls = 0, deleted = 0, d;

	CU_ASSERT_FATAL(t != NULL);
	memset(&log, 0, sizeof(log));
	log.t = t;
	for (i = 0; i < 100; i++) {
		client_key(i, &k);
		CU_ASSERT_EQUAL_FATAL(
			table_alloc_create(t, &k, STUN_FAMILY_IPV4, 0, i % 2 ? 1000 : 100, &a), 0);
	}
	CU_ASSERT_EQUAL(table_sweep(t, 500, 0, on_expire, &log), 0);
	/* A full pass is cap / budget calls; each deletes at most budget. */
	while (calls < (cap + budget - 1) / budget) {
		d = table_sweep(t, 500, budget, on_expire, &log);
		CU_ASSERT(d <= budget);
		deleted += d;
		calls++;
	}
	CU_ASSERT_EQUAL(deleted, 50);
	CU_ASSERT_EQUAL(log.total, 50);
	CU_ASSERT_EQUAL(log.still_published, 50);
	for (i = 0; i < 100; i++) {
		CU_ASSERT_EQUAL(log.calls[i], i % 2 ? 0u : 1u);
		client_key(i, &k);
		a = table_lookup_client(t, &k);
		CU_ASSERT((a != NULL) == (i % 2 == 1));
	}
	CU_ASSERT_EQUAL(table_count(t), 50);
	/* Another pass finds nothing more to do. */
	for (i = 0; i < cap / budget + 1; i++)
		CU_ASSERT_EQUAL(table_sweep(t, 500, budget, on_expire, &log), 0);
	CU_ASSERT_EQUAL(log.total, 50);
	/* Without a callback too. */
	CU_ASSERT_EQUAL(table_sweep(t, 5000, cap, NULL, NULL), 50);
	CU_ASSERT_EQUAL(table_count(t), 0);
	table_free(t);
}

/* ---- concurrency: one writer, two reader lcores ---- */

/*
 * Every field the writer stores is derived from the allocation's client port
 * (cp) so a reader can tell a torn or foreign value:
 *   expires (allocation, permission, channel) & 0xffff == cp, or 0 (deleted);
 *   permission addr = 10.<cp & 0xff>.<r>.<r ^ 0x5a>;
 *   channel n: peer 198.19.<n >> 8>.<n & 0xff>, port n ^ cp.
 * The writer's clock moves in steps of 65536 ms so those low bits stay free.
 */
#define CONC_KEYS 2048
#define CONC_STABLE 128
#define CONC_SECONDS 3

struct reader_stats {
	uint64_t passes, lookups, found, stable_lookups, lost, bad, relay_checks, state_reads;
	unsigned int id;
	int go, done; /* handshakes ThreadSanitizer can see (EAL launch/wait are not instrumented) */
	uint64_t rng;
} __rte_cache_aligned;

static struct table *conc_t;
static struct table_relay_key stable_relay[CONC_STABLE];
static struct reader_stats rstats[2];
static int conc_stop;

static uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void
channel_peer_for(uint16_t n, uint16_t cp, struct stun_addr *p)
{
	memset(p, 0, sizeof(*p));
	p->family = STUN_FAMILY_IPV4;
	p->port = n ^ cp;
	p->addr[0] = 198, p->addr[1] = 19, p->addr[2] = (uint8_t)(n >> 8);
	p->addr[3] = (uint8_t)n;
}

static bool
channel_ok(const struct table_channel *c, uint16_t cp)
{
	struct stun_addr want;

	if (c->number < 0x4000 || c->number > 0x4fff || (c->expires_ms & 0xffff) != cp)
		return false;
	channel_peer_for(c->number, cp, &want);
	return memcmp(&c->peer, &want, sizeof(want)) == 0;
}

static bool
perm_ok(const struct table_perm *p, uint16_t cp)
{
	static const uint8_t zero[12];

	return p->family == STUN_FAMILY_IPV4 && p->addr[0] == 10 &&
	       p->addr[1] == (uint8_t)cp && p->addr[3] == (uint8_t)(p->addr[2] ^ 0x5a) &&
	       memcmp(p->addr + 4, zero, sizeof(zero)) == 0 && (p->expires_ms & 0xffff) == cp;
}

/* Checks one entry found under key; returns the number of inconsistencies. */
static unsigned int
check_entry(struct reader_stats *s, const struct table_5tuple *key, struct table_alloc *a)
{
	struct table_alloc_state st;
	struct table_alloc *r;
	struct stun_addr peer, want;
	uint16_t cp = key->client_port, n, num;
	unsigned int bad = 0, i;

	if (memcmp(&a->ids.client, key, sizeof(*key)) != 0)
		bad++;
	if (!table_relay_port_in_range(conc_t, a->ids.relay.port) ||
	    !table_is_relay_addr(conc_t, a->ids.relay.family, a->ids.relay.addr))
		bad++;
	/* The relay index gives back this entry, or nothing if it was just deleted. */
	r = table_lookup_relay(conc_t, &a->ids.relay);
	s->relay_checks++;
	if (r != NULL && r != a)
		bad++;

	table_alloc_read_state(a, &st);
	s->state_reads++;
	if (st.expires_ms != 0 && (st.expires_ms & 0xffff) != cp)
		bad++;
	if (st.nperms > TABLE_MAX_PERMS || st.nchannels > TABLE_MAX_CHANNELS)
		bad++;
	for (i = 0; i < st.nperms && i < TABLE_MAX_PERMS; i++)
		bad += !perm_ok(&st.perms[i], cp);
	for (i = 0; i < st.nchannels && i < TABLE_MAX_CHANNELS; i++)
		bad += !channel_ok(&st.channels[i], cp);

	n = (uint16_t)(0x4000 + (rng_next(&s->rng) & 31));
	if (table_channel_peer(a, n, 0, &peer)) {
		channel_peer_for(n, cp, &want);
		bad += memcmp(&peer, &want, sizeof(want)) != 0;
	}
	channel_peer_for(n, cp, &want);
	if (table_channel_number(a, &want, 0, &num))
		bad += num != n;

	/* Still the same allocation: not reused while we hold it. */
	if (memcmp(&a->ids.client, key, sizeof(*key)) != 0)
		bad++;
	return bad;
}

static int
reader_main(void *arg)
{
	struct reader_stats *s = arg;
	struct table_5tuple keys[64];
	const struct table_5tuple *kp[64];
	struct table_alloc *out[64];
	unsigned int i;

	for (i = 0; i < 64; i++)
		kp[i] = &keys[i];
	while (!__atomic_load_n(&s->go, __ATOMIC_ACQUIRE))
		rte_pause();
	while (!__atomic_load_n(&conc_stop, __ATOMIC_ACQUIRE)) {
		/* A bulk of 64: 8 stable keys, 56 from the whole set. */
		for (i = 0; i < 64; i++) {
			unsigned int idx = i < 8 ? (unsigned int)(rng_next(&s->rng) % CONC_STABLE)
						 : (unsigned int)(rng_next(&s->rng) % CONC_KEYS);

			client_key(idx, &keys[i]);
		}
		/* Every other pass through this reader's flow cache, whose ways outlive passes. */
		if (s->passes & 1)
			table_lookup_client_cached(conc_t, s->id, kp, 64, out);
		else
			table_lookup_client_bulk(conc_t, kp, 64, out);
		for (i = 0; i < 64; i++) {
			bool stable = keys[i].client_port - key_port(0) < CONC_STABLE;

			s->lookups++;
			s->stable_lookups += stable;
			if (out[i] == NULL) {
				s->lost += stable;
				continue;
			}
			s->found++;
			s->bad += check_entry(s, &keys[i], out[i]);
		}
		/* Single lookups, client and relay side. */
		for (i = 0; i < 16; i++) {
			/* Every other one from the writer's hot set (permissions, channels). */
			unsigned int h = (unsigned int)(rng_next(&s->rng) % 64);
			unsigned int idx = i % 2 ? (unsigned int)(rng_next(&s->rng) % CONC_KEYS)
						 : h < 32 ? h : CONC_STABLE + h - 32;
			struct table_alloc *a;

			client_key(idx, &keys[0]);
			a = table_lookup_client(conc_t, &keys[0]);
			s->lookups++;
			if (a != NULL) {
				s->found++;
				s->bad += check_entry(s, &keys[0], a);
			} else if (idx < CONC_STABLE) {
				s->lost++;
			}
			if (idx < CONC_STABLE) {
				s->stable_lookups++;
				if (s->passes & 1) {
					const struct table_relay_key *rk = &stable_relay[idx];

					table_lookup_relay_cached(conc_t, s->id, &rk, 1, &a);
				} else {
					a = table_lookup_relay(conc_t, &stable_relay[idx]);
				}
				s->lookups++;
				s->stable_lookups++;
				if (a == NULL) {
					s->lost++;
				} else {
					s->found++;
					s->bad += memcmp(&a->ids.relay, &stable_relay[idx],
							 sizeof(stable_relay[idx])) != 0;
					s->bad += memcmp(&a->ids.client, &keys[0],
							 sizeof(keys[0])) != 0;
				}
			}
		}
		s->passes++;
		table_reader_quiescent(conc_t, s->id);
	}
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return 0;
}

struct writer_stats {
	uint64_t iterations, creates, deletes, create_fail, perms, perm_fail, binds, bind_fail,
		 sweeps, swept, expiries;
};

static struct table_alloc *live[CONC_KEYS];
static uint64_t fail_rc[256];

static void
on_conc_expire(void *arg, struct table_alloc *a)
{
	unsigned int idx = a->ids.client.client_port - key_port(0);

	if (idx < CONC_KEYS && live[idx] == a)
		live[idx] = NULL;
	(*(uint64_t *)arg)++;
}

static void
test_concurrent_readers(void)
{
	struct writer_stats w;
	uint64_t rng = 12345, tick = 16, end, swept = 0;
	struct table_5tuple k;
	unsigned int i, lc, n = 0;
	unsigned int lcores[2];
	uint64_t lookups = 0, found = 0, bad = 0, lost = 0, passes = 0, stable = 0;

	memset(&w, 0, sizeof(w));
	memset(live, 0, sizeof(live));
	memset(fail_rc, 0, sizeof(fail_rc));
	RTE_LCORE_FOREACH_WORKER(lc) {
		if (n < 2)
			lcores[n++] = lc;
	}
	CU_ASSERT_EQUAL_FATAL(n, 2);
	conc_t = make_table(CONC_KEYS, 49152, 65535, 1, 0, 99, 2);
	CU_ASSERT_FATAL(conc_t != NULL);

	/* Stable allocations: never deleted, never expire. */
	for (i = 0; i < CONC_STABLE; i++) {
		client_key(i, &k);
		CU_ASSERT_EQUAL_FATAL(table_alloc_create(conc_t, &k, STUN_FAMILY_IPV4, 0,
							 (1ull << 62) | key_port(i), &live[i]),
				      0);
		stable_relay[i] = live[i]->ids.relay;
	}
	__atomic_store_n(&conc_stop, 0, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++) {
		memset(&rstats[i], 0, sizeof(rstats[i]));
		rstats[i].id = i;
		rstats[i].rng = 1000 + i;
		CU_ASSERT_EQUAL_FATAL(table_reader_register(conc_t, i), 0);
		CU_ASSERT_EQUAL_FATAL(rte_eal_remote_launch(reader_main, &rstats[i], lcores[i]), 0);
	}
	for (i = 0; i < 2; i++)
		__atomic_store_n(&rstats[i].go, 1, __ATOMIC_RELEASE);

	end = rte_get_timer_cycles() + CONC_SECONDS * rte_get_timer_hz();
	while (rte_get_timer_cycles() < end) {
		uint64_t now = tick << 16;
		uint64_t r = rng_next(&rng);
		unsigned int idx, h;
		struct table_alloc *a;
		uint16_t cp;
		int rc;

		w.iterations++;
		if ((w.iterations & 1023) == 0)
			tick++;
		if ((r & 3) == 0) {
			/* Create or delete any non-stable allocation. */
			idx = CONC_STABLE + (unsigned int)((r >> 32) % (CONC_KEYS - CONC_STABLE));
			cp = key_port(idx);
			a = live[idx];
			if (a != NULL) {
				table_alloc_delete(conc_t, a);
				live[idx] = NULL;
				w.deletes++;
			} else {
				client_key(idx, &k);
				rc = table_alloc_create(conc_t, &k, STUN_FAMILY_IPV4, 0,
							((tick + 20 + ((r >> 8) & 15)) << 16) | cp,
							&live[idx]);
				if (rc == 0)
					w.creates++;
				else
					w.create_fail++, live[idx] = NULL, fail_rc[-rc & 255]++;
			}
			goto sweep;
		}
		/* Permissions and channels on a hot set: 32 stable and 32 other keys. */
		h = (unsigned int)((r >> 32) % 64);
		idx = h < 32 ? h : CONC_STABLE + h - 32;
		cp = key_port(idx);
		a = live[idx];
		if (a == NULL)
			goto sweep;
		if ((r & 3) == 1) {
			uint8_t addr[16] = { 10, (uint8_t)cp, (uint8_t)((r >> 8) & 31) };

			addr[3] = addr[2] ^ 0x5a;
			rc = table_perm_install(a, STUN_FAMILY_IPV4, addr,
						((tick + 1 + ((r >> 16) & 7)) << 16) | cp, now);
			w.perms++;
			w.perm_fail += rc != 0;
		} else if ((r & 3) == 2) {
			uint16_t num = (uint16_t)(0x4000 + ((r >> 8) & 31));
			struct stun_addr peer;

			channel_peer_for(num, cp, &peer);
			rc = table_channel_bind(a, num, &peer,
						((tick + 1 + ((r >> 16) & 3)) << 16) | cp, now);
			w.binds++;
			w.bind_fail += rc != 0;
		} else if (idx >= CONC_STABLE) {
			table_alloc_set_expiry(a, ((tick + 20) << 16) | cp);
		}
sweep:
		if ((w.iterations & 255) == 0) {
			w.swept += table_sweep(conc_t, now, 64, on_conc_expire, &swept);
			w.sweeps++;
		}
	}
	__atomic_store_n(&conc_stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++) {
		rte_eal_wait_lcore(lcores[i]);
		while (!__atomic_load_n(&rstats[i].done, __ATOMIC_ACQUIRE))
			rte_pause();
	}
	for (i = 0; i < 2; i++) {
		lookups += rstats[i].lookups;
		found += rstats[i].found;
		bad += rstats[i].bad;
		lost += rstats[i].lost;
		passes += rstats[i].passes;
		stable += rstats[i].stable_lookups;
		table_reader_unregister(conc_t, i);
	}
	printf("\n  concurrency %ds: writer %" PRIu64 " iterations, %" PRIu64 " creates, %" PRIu64
	       " deletes (+%" PRIu64 " swept), %" PRIu64 " create failures, %" PRIu64
	       " perm installs (%" PRIu64 " refused), %" PRIu64 " channel binds (%" PRIu64
	       " refused)\n",
	       CONC_SECONDS, w.iterations, w.creates, w.deletes, w.swept, w.create_fail, w.perms,
	       w.perm_fail, w.binds, w.bind_fail);
	printf("  readers: %" PRIu64 " passes, %" PRIu64 " lookups, %" PRIu64 " found, %" PRIu64
	       " stable lookups, %" PRIu64 " lost stable, %" PRIu64 " inconsistent\n",
	       passes, lookups, found, stable, lost, bad);
	printf("  reader0 %" PRIu64 " state reads, reader1 %" PRIu64 " state reads\n",
	       rstats[0].state_reads, rstats[1].state_reads);
	for (i = 0; i < 256; i++)
		if (fail_rc[i] != 0)
			printf("  create failures with -%u: %" PRIu64 "\n", i, fail_rc[i]);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(lost, 0);
	CU_ASSERT(found > 0);
	CU_ASSERT(stable > 0);
	CU_ASSERT(w.creates > 100);
	CU_ASSERT(w.deletes > 100);
	CU_ASSERT(rstats[0].passes > 0 && rstats[1].passes > 0);
	CU_ASSERT_EQUAL(swept, w.swept);

	/* Tear down: everything comes back, nothing leaked. */
	for (i = 0; i < CONC_KEYS; i++)
		if (live[i] != NULL)
			table_alloc_delete(conc_t, live[i]);
	CU_ASSERT_EQUAL(table_count(conc_t), 0);
	table_reclaim(conc_t);
	CU_ASSERT_EQUAL(table_pending(conc_t), 0);
	CU_ASSERT_EQUAL(table_relay_ports_free(conc_t, STUN_FAMILY_IPV4), 65535 - 49152 + 1);
	for (i = 0; i < CONC_KEYS; i++) {
		client_key(i, &k);
		CU_ASSERT_EQUAL(table_alloc_create(conc_t, &k, STUN_FAMILY_IPV4, 0, 1, &live[i]), 0);
	}
	table_free(conc_t);
	conc_t = NULL;
}

int
main(int argc, char **argv)
{
	char prefix[64], lcores[64];
	char *eal_argv[] = {
		argv[0], "--no-huge", "-m", "256", "--no-pci", "--no-telemetry",
		"--log-level=warning", prefix, lcores,
	};
	CU_pSuite s;
	unsigned int fails;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=dturn-unit-table-%d", (int)getpid());
	/* Three lcores on at most two CPUs: the writer and the readers. */
	snprintf(lcores, sizeof(lcores), "--lcores=0@0,1@0,2@%d",
		 sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0);
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("table", NULL, NULL);
	CU_add_test(s, "create, lookup, delete, -EEXIST", test_create_lookup_delete);
	CU_add_test(s, "invalid parameters", test_bad_params);
	CU_add_test(s, "capacity exact, -ENOSPC", test_capacity);
	CU_add_test(s, "reuse waits for readers", test_reuse_waits_for_readers);
	CU_add_test(s, "relayed addresses: all of a full pool, nothing else", test_relay_addr_set);
	CU_add_test(s, "flow cache: deleted and reused entries", test_flow_cache);
	CU_add_test(s, "flow cache: dropped relay family", test_flow_cache_drop_family);
	CU_add_test(s, "flow cache: sized from the table, full sets replace ways", test_flow_cache_sets);
	CU_add_test(s, "relayed port pool exhaustion", test_pool_exhaustion);
	CU_add_test(s, "relayed address family", test_family);
	CU_add_test(s, "dual allocations", test_dual);
	CU_add_test(s, "relayed ports shuffled", test_ports_random);
	CU_add_test(s, "permissions", test_perms);
	CU_add_test(s, "channel bindings", test_channels);
	CU_add_test(s, "sweep", test_sweep);
	CU_add_test(s, "one writer, two readers", test_concurrent_readers);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	rte_eal_cleanup();
	return fails == 0 ? 0 : 1;
}
