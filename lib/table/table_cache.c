/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Each reader's flow cache in front of the two rte_hash indexes: most of a
 * worker's datagrams belong to flows it saw a moment ago, and a hit costs a
 * multiply-hash of the key, one slot and the entry's first line (read
 * anyway to relay) instead of rte_hash's CRC, bucket and key compare.
 *
 * Why a stale slot is never used: entries live in one array that is never
 * freed, so a cached pointer always points at some entry. Before using it
 * the reader checks, inside one seq read section, that the entry is not
 * deleted (expires_ms != 0: table_alloc_delete marks it so before taking
 * its keys out), still holds this very key (a reused entry was refilled
 * under seq by create_with_pair, so it holds another key or is this key's
 * new allocation, which is what rte_hash would answer too) and, for a relay
 * key, still has that family's relayed address (table_alloc_drop_family
 * clears relay_families under seq). An entry that passed the check was
 * published while this reader was inside its read-side section, so it
 * cannot be reused before the reader's next table_reader_quiescent(): the
 * same guarantee a pointer from rte_hash has. Whatever fails the check is
 * looked up in rte_hash and the slot refilled.
 */

#include <stddef.h>

#include <rte_hash.h>
#include <rte_prefetch.h>

#include "table_private.h"

#define CACHE_MASK (TABLE_CACHE_SLOTS - 1)
#define CACHE_BULK 64

_Static_assert((TABLE_CACHE_SLOTS & CACHE_MASK) == 0, "TABLE_CACHE_SLOTS: a power of two");
_Static_assert(offsetof(struct table_alloc, ids) + sizeof(struct table_5tuple) <= 64,
	       "seq, expiry and the client key share the entry's first line");

/* A multiplicative hash of a key's 64-bit words: the low bits pick the slot, the high the tag. */
static inline uint64_t
key_hash(const void *key, unsigned int words)
{
	const uint8_t *b = key;
	uint64_t h = 0;

	for (unsigned int i = 0; i < words; i++) {
		uint64_t w;

		memcpy(&w, b + 8 * i, 8);
		h = (h ^ w) * UINT64_C(0x9E3779B97F4A7C15);
	}
	return h ^ (h >> 29);
}

static inline uint32_t
key_tag(uint64_t h)
{
	return (uint32_t)(h >> 32);
}

static inline bool
words_eq(const void *x, const void *y, unsigned int words)
{
	const uint8_t *a = x, *b = y;
	uint64_t diff = 0;

	for (unsigned int i = 0; i < words; i++) {
		uint64_t u, v;

		memcpy(&u, a + 8 * i, 8);
		memcpy(&v, b + 8 * i, 8);
		diff |= u ^ v;
	}
	return diff == 0;
}

#define CLIENT_WORDS (sizeof(struct table_5tuple) / 8)
#define RELAY_WORDS (sizeof(struct table_relay_key) / 8)

/* Whether a is still the published allocation of client key k. */
static bool
holds_client(const struct table_alloc *a, const void *key)
{
	bool same;
	uint32_t s;

	do {
		s = table_seq_read_begin(a);
		same = a->expires_ms != 0 && words_eq(&a->ids.client, key, CLIENT_WORDS);
	} while (table_seq_read_retry(a, s));
	return same;
}

/* Whether a is still the published allocation of relayed address k. */
static bool
holds_relay(const struct table_alloc *a, const void *key)
{
	const struct table_relay_key *k = key;
	bool same;
	uint32_t s;

	do {
		const struct table_relay_key *r;

		s = table_seq_read_begin(a);
		r = a->ids.relay.family == k->family ? &a->ids.relay : &a->ids.relay_alt;
		same = a->expires_ms != 0 &&
		       (a->relay_families & TABLE_FAMILY_BIT(k->family)) != 0 &&
		       words_eq(r, k, RELAY_WORDS);
	} while (table_seq_read_retry(a, s));
	return same;
}

/* Up to CACHE_BULK keys: slots first, rte_hash for the rest in one bulk call; returns the hits. */
static unsigned int
lookup_chunk(const struct rte_hash *h, struct table_cache_slot *slots, const void **keys,
	     unsigned int n, unsigned int words,
	     bool (*holds)(const struct table_alloc *, const void *), struct table_alloc **out)
{
	uint64_t hv[CACHE_BULK];
	const void *miss_keys[CACHE_BULK];
	struct table_alloc *found[CACHE_BULK];
	uint8_t miss_idx[CACHE_BULK];
	unsigned int i, nm = 0;

	for (i = 0; i < n; i++) {
		const struct table_cache_slot *s;

		hv[i] = key_hash(keys[i], words);
		s = &slots[hv[i] & CACHE_MASK];
		out[i] = s->tag == key_tag(hv[i]) ? s->a : NULL;
		if (out[i] != NULL)
			rte_prefetch0(out[i]);
	}
	for (i = 0; i < n; i++) {
		if (out[i] != NULL && holds(out[i], keys[i])) {
			table_tsan_acquire(out[i]);
			continue;
		}
		miss_keys[nm] = keys[i];
		miss_idx[nm++] = (uint8_t)i;
	}
	if (nm == 0)
		return n;
	table_index_lookup_bulk(h, miss_keys, nm, found);
	for (unsigned int j = 0; j < nm; j++) {
		struct table_cache_slot *s;

		i = miss_idx[j];
		out[i] = found[j];
		if (found[j] == NULL)
			continue;
		s = &slots[hv[i] & CACHE_MASK];
		s->a = found[j];
		s->tag = key_tag(hv[i]);
	}
	return n - nm;
}

/* Through the cache while it earns its keep (see TABLE_CACHE_TRIAL), else rte_hash alone. */
static void
lookup_cached(const struct rte_hash *h, struct table_cache_index *ci, const void **keys,
	      unsigned int n, unsigned int words,
	      bool (*holds)(const struct table_alloc *, const void *), struct table_alloc **out)
{
	if (ci->bypass > 0) {
		ci->bypass -= RTE_MIN(ci->bypass, n);
		table_index_lookup_bulk(h, keys, n, out);
		return;
	}
	for (unsigned int done = 0; done < n; done += CACHE_BULK)
		ci->hits += lookup_chunk(h, ci->slot, keys + done,
					 RTE_MIN(n - done, (unsigned int)CACHE_BULK), words, holds,
					 out + done);
	ci->lookups += n;
	if (ci->lookups >= TABLE_CACHE_TRIAL) {
		if (ci->hits < ci->lookups / 2)
			ci->bypass = TABLE_CACHE_BYPASS;
		ci->lookups = ci->hits = 0;
	}
}

void
table_lookup_client_cached(struct table *t, unsigned int reader,
			   const struct table_5tuple **keys, unsigned int n,
			   struct table_alloc **out)
{
	if (reader >= t->cache_count) {
		table_lookup_client_bulk(t, keys, n, out);
		return;
	}
	lookup_cached(t->by_client, &t->caches[reader].client, (const void **)keys, n,
		      CLIENT_WORDS, holds_client, out);
}

void
table_lookup_relay_cached(struct table *t, unsigned int reader,
			  const struct table_relay_key **keys, unsigned int n,
			  struct table_alloc **out)
{
	if (reader >= t->cache_count) {
		table_lookup_relay_bulk(t, keys, n, out);
		return;
	}
	lookup_cached(t->by_relay, &t->caches[reader].relay, (const void **)keys, n, RELAY_WORDS,
		      holds_relay, out);
}
