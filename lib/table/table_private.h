/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TABLE_PRIVATE_H
#define DTURN_TABLE_PRIVATE_H

/*
 * Layout of the table, shared by its .c files only.
 *
 * Writer-only state (free lists, pending list, pool rings, cursor) is touched
 * by the control lcore alone and needs no atomics. What readers see is the
 * rte_hash indexes, the immutable ids of a published entry, and the
 * seq-protected mutable part (table_seq_* below).
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_pause.h>

#include "table.h"

struct rte_hash;
struct rte_rcu_qsbr;

enum table_entry_state {
	TABLE_ENTRY_FREE = 0,    /* on the free stack */
	TABLE_ENTRY_LIVE = 1,    /* published in both indexes */
	TABLE_ENTRY_PENDING = 2, /* unpublished, waiting for readers to quiesce */
};

/* An entry (and its relayed port) deleted at token, reusable once readers passed it. */
struct table_pending {
	uint64_t token;
	uint32_t index;
};

/*
 * Free (relay address index, port) pairs of one family, packed as
 * addr_index << 16 | port, in a FIFO ring: shuffled at creation so ports come
 * out in an unpredictable order (RFC 8656 §7.2), and freed pairs queue at the
 * back so a port just released is the last to be handed out again.
 */
struct table_pool {
	uint32_t *ring;
	uint32_t size;    /* pairs of this family: addresses x ports */
	uint32_t head;
	uint32_t queued;  /* entries in the ring, some possibly taken since (stale) */
	uint32_t free;    /* pairs neither held by an allocation nor reserved */
	uint64_t *taken;  /* bit per pair: held or reserved (RFC 8656 §7.2 R bit) */
	uint64_t *in_ring; /* bit per pair: has an entry in the ring */
	uint32_t base[TABLE_MAX_RELAY_ADDRS]; /* first bit index of each relay address */
};

/*
 * A reader's flow cache (table_cache.c): set-associative, TABLE_CACHE_WAYS
 * ways to a 64-byte set, each way a tag of the key's hash and the index + 1
 * of the entry rte_hash gave for it (0: empty). A lookup reads the one set
 * line its hash picks, where rte_hash reads a bucket line (two, prefetched)
 * and a key line or two: at a million allocations those are cache misses.
 * Sized from its index's capacity, two ways per key, so even a reader that
 * sees every allocation keeps nearly all of them. Written by its reader only;
 * the writer never touches it.
 */
#define TABLE_CACHE_WAYS 8
#define TABLE_CACHE_MIN_SETS 64

struct table_cache_set {
	uint32_t tag[TABLE_CACHE_WAYS];   /* bit 0 always set: an empty way (0) never matches */
	uint32_t entry[TABLE_CACHE_WAYS]; /* entry index + 1; 0: empty */
};

_Static_assert(sizeof(struct table_cache_set) == 64, "a set is one cache line");
_Static_assert(TABLE_CACHE_WAYS == 8, "find_way compares two groups of 4 tags");

struct table_cache_index {
	struct table_cache_set *sets;
	uint32_t set_mask;
	uint32_t victim;   /* which way a miss replaces in a full set (round robin) */
};

/* One per reader, on lines of its own (readers are on different cores). */
struct table_flow_cache {
	struct table_cache_index client;
	struct table_cache_index relay;
} __attribute__((aligned(64)));

struct table {
	/*
	 * What the workers read, written only by table_create: the writer's
	 * stores to its own state below must not invalidate these lines in the
	 * workers' caches (every burst reads the indexes, the flow caches and
	 * the relayed-address set).
	 */
	struct table_params params;
	struct table_flow_cache *caches; /* one per reader thread id */
	unsigned int cache_count;
	struct rte_hash *by_client;
	struct rte_hash *by_relay;
	struct rte_rcu_qsbr *qsbr;
	struct table_alloc *entries; /* capacity of them */
	uint32_t capacity;
	/*
	 * The relayed addresses again, laid out for the per-packet "is it ours"
	 * test (every peer datagram's destination, every client datagram's
	 * peer). IPv4: an open-addressed set of 64 slots, starting at
	 * table_relay_filter_bit, probing upwards; a slot is used when its bit
	 * in relay_v4_used is set. A peer that is not ours (almost always, from
	 * a client) mostly lands on an unused slot: one test.
	 */
	unsigned int relay_v4_count;
	uint64_t relay_v4_used;
	uint32_t relay_v4_slot[64];
	unsigned int relay_v6_count;
	uint8_t relay_v6[TABLE_MAX_RELAY_ADDRS][16];
	/* IPv6: a bit per relayed address (table_relay_filter_bit) before a walk of the list. */
	uint64_t relay_filter;

	/* The writer's own state (the control lcore), from a line of its own. */
	uint8_t *state __attribute__((aligned(64))); /* enum table_entry_state per entry */
	uint32_t *pair;              /* pool pair held by each entry */
	uint32_t *pair_alt;          /* a dual allocation's IPv6 pair, TABLE_NO_PAIR if none */
	uint8_t *families;           /* TABLE_FAMILY_BIT()s each live entry still has */
	struct table_alloc_owner *owners; /* the control lcore's record of each entry */
	uint32_t *free_stack;        /* free entry indexes */
	uint32_t nfree;
	struct table_pending *pending; /* FIFO ring of capacity slots, tokens ascending */
	uint32_t pending_head;
	uint32_t pending_count;
	uint32_t count;              /* live entries */
	uint32_t sweep_cursor;
	struct table_pool pool[2];   /* [0] IPv4, [1] IPv6 */
	uint64_t prng;
};

static inline unsigned int
table_addr_len(uint8_t family)
{
	return family == STUN_FAMILY_IPV6 ? 16 : 4;
}

/* Which bit of relay_filter an address sets: a multiplicative hash of its low 4 bytes. */
static inline unsigned int
table_relay_filter_bit(uint8_t family, const uint8_t *addr)
{
	uint32_t w;

	memcpy(&w, addr + (family == STUN_FAMILY_IPV6 ? 12 : 0), 4);
	return (uint32_t)(w * UINT32_C(0x9E3779B1)) >> 26;
}

static inline bool
table_family_valid(uint8_t family)
{
	return family == STUN_FAMILY_IPV4 || family == STUN_FAMILY_IPV6;
}

/* Fixed-size compares: a memcmp of a variable length is a libc call per packet. */
static inline bool
table_addr_eq(uint8_t family, const uint8_t *a, const uint8_t *b)
{
	if (family == STUN_FAMILY_IPV6)
		return memcmp(a, b, 16) == 0;
	return memcmp(a, b, 4) == 0;
}

static inline bool
table_peer_eq(const struct stun_addr *x, const struct stun_addr *y)
{
	return x->family == y->family && x->port == y->port &&
	       table_addr_eq(x->family, x->addr, y->addr);
}

/*
 * The sequence counter (a seqlock without the writer lock: there is one
 * writer). Same protocol as rte_seqcount in DPDK 22.11: the writer makes seq
 * odd, a release fence keeps the data stores after it, the data changes, and a
 * release store makes seq even again. A reader loads seq with acquire, waits
 * while it is odd, copies what it needs into locals, and after an acquire
 * fence checks seq did not move; otherwise it retries.
 */
static inline void
table_seq_write_begin(struct table_alloc *a)
{
	uint32_t s = __atomic_load_n(&a->seq, __ATOMIC_RELAXED);

	__atomic_store_n(&a->seq, s + 1, __ATOMIC_RELAXED);
	rte_atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void
table_seq_write_end(struct table_alloc *a)
{
	uint32_t s = __atomic_load_n(&a->seq, __ATOMIC_RELAXED);

	__atomic_store_n(&a->seq, s + 1, __ATOMIC_RELEASE);
}

static inline uint32_t
table_seq_read_begin(const struct table_alloc *a)
{
	uint32_t s;

	while ((s = __atomic_load_n(&a->seq, __ATOMIC_ACQUIRE)) & 1)
		rte_pause();
	return s;
}

static inline bool
table_seq_read_retry(const struct table_alloc *a, uint32_t s)
{
	rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&a->seq, __ATOMIC_RELAXED) != s;
}

/*
 * ThreadSanitizer sees neither the release store with which rte_hash (an
 * uninstrumented shared library) publishes an entry nor the reader counters
 * librte_rcu reads when rte_hash reclaims its key slots. In a -fsanitize=thread
 * build these annotations state those two happens-before edges; otherwise
 * they compile to nothing.
 */
#if defined(__SANITIZE_THREAD__)
#define TABLE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TABLE_TSAN 1
#endif
#endif
#ifdef TABLE_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define table_tsan_acquire(p) __tsan_acquire((void *)(uintptr_t)(p))
#define table_tsan_release(p) __tsan_release((void *)(uintptr_t)(p))
#else
#define table_tsan_acquire(p) do { } while (0)
#define table_tsan_release(p) do { } while (0)
#endif

#define TABLE_NO_PAIR UINT32_MAX

/* table.c: rte_hash_lookup_bulk_data in chunks of 64; out[i] NULL when absent. */
void table_index_lookup_bulk(const struct rte_hash *h, const void **keys, unsigned int n,
			     struct table_alloc **out);

/* table_cache.c: each reader's flow caches, sized for the keys each index holds at most. */
int table_caches_create(struct table *t, unsigned int readers, uint32_t client_keys,
			uint32_t relay_keys);
void table_caches_free(struct table *t);

/* table_pool.c */
uint64_t table_prng_next(uint64_t *state);
int table_pool_init(struct table *t);
void table_pool_free(struct table *t);
int table_pool_take(struct table *t, uint8_t family, unsigned int flags, uint32_t *pair,
		    uint32_t *reserved);
/* Hand out a pair reserved earlier (it stays taken); -ENOENT if it is not reserved. */
int table_pool_claim(struct table *t, uint8_t family, uint32_t pair);
void table_pool_put(struct table *t, uint8_t family, uint32_t pair);

static inline unsigned int
table_pool_slot(uint8_t family)
{
	return family == STUN_FAMILY_IPV6 ? 1 : 0;
}

#endif
