/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Each reader's flow cache in front of the two rte_hash indexes: a hit costs
 * a multiply-hash of the key, one set line and the entry's first line (read
 * anyway to relay) instead of rte_hash's CRC, two bucket lines and the key's
 * line or two. With the cache sized from the table (table_caches_create), a
 * reader keeps its flows however many there are, so a relayed datagram's
 * memory traffic stays nearly flat from a thousand allocations to a million.
 *
 * Why a stale way is never used: entries live in one array that is never
 * freed, so a cached index always names some entry. Before using it
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
 * looked up in rte_hash and the way refilled.
 */

#include <stddef.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "table_private.h"

#define CACHE_BULK 64

_Static_assert(offsetof(struct table_alloc, ids) + sizeof(struct table_5tuple) <= 64,
	       "seq, expiry and the client key share the entry's first line");

/*
 * A multiplicative hash of a key's 64-bit words, finished with MurmurHash3's
 * fmix64: the low bits pick the set, the high the tag. Without the finish a
 * word's high bytes reach only the high bits, so relayed addresses that
 * differ in their last bytes shared sets (16 addresses x one port -> one set).
 */
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
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	return h ^ (h >> 33);
}

/* Bit 0 set: an empty way (tag 0) never matches. */
static inline uint32_t
key_tag(uint64_t h)
{
	return (uint32_t)(h >> 32) | 1;
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
		r = a->ids.relay.family == k->family ? &a->ids.relay : &a->relay_alt;
		same = a->expires_ms != 0 &&
		       (a->relay_families & TABLE_FAMILY_BIT(k->family)) != 0 &&
		       words_eq(r, k, RELAY_WORDS);
	} while (table_seq_read_retry(a, s));
	return same;
}

/* The first way of the set whose tag matches, or -1. */
static inline int
find_way(const struct table_cache_set *set, uint32_t tag)
{
	unsigned int match = 0;

#if defined(__SSE2__)
	/* Two compares of 4 tags (sets are 64-byte aligned): a quarter of the loop's instructions. */
	const __m128i t = _mm_set1_epi32((int)tag);
	const __m128i lo = _mm_cmpeq_epi32(_mm_load_si128((const __m128i *)&set->tag[0]), t);
	const __m128i hi = _mm_cmpeq_epi32(_mm_load_si128((const __m128i *)&set->tag[4]), t);

	match = (unsigned int)_mm_movemask_ps(_mm_castsi128_ps(lo)) |
		(unsigned int)_mm_movemask_ps(_mm_castsi128_ps(hi)) << 4;
#else
	for (unsigned int w = 0; w < TABLE_CACHE_WAYS; w++)
		match |= (unsigned int)(set->tag[w] == tag) << w;
#endif
	return match != 0 ? __builtin_ctz(match) : -1;
}

/* Where a miss goes: an empty way, else the next of the round robin. */
static inline unsigned int
way_to_fill(struct table_cache_index *ci, const struct table_cache_set *set)
{
	for (unsigned int w = 0; w < TABLE_CACHE_WAYS; w++)
		if (set->entry[w] == 0)
			return w;
	return ci->victim++ % TABLE_CACHE_WAYS;
}

/*
 * Up to CACHE_BULK keys in passes, so that the cache misses of the whole
 * chunk overlap: hash and prefetch every set, then match tags and prefetch
 * the lines of each candidate entry the check reads, then check the
 * candidates; rte_hash answers the rest in one bulk call and their ways are
 * filled. (Prefetching here all four lines a relayed datagram reads
 * measured slower at a million allocations: more misses in flight than the
 * core tracks.)
 */
static unsigned int
lookup_chunk(struct table_alloc *entries, const struct rte_hash *h, struct table_cache_index *ci,
	     const void **keys, unsigned int n, unsigned int words, bool relay,
	     bool (*holds)(const struct table_alloc *, const void *), struct table_alloc **out)
{
	uint64_t hv[CACHE_BULK];
	int8_t way[CACHE_BULK];
	const void *miss_keys[CACHE_BULK];
	struct table_alloc *found[CACHE_BULK];
	uint8_t miss_idx[CACHE_BULK];
	unsigned int i, nm = 0;

	for (i = 0; i < n; i++) {
		hv[i] = key_hash(keys[i], words);
		rte_prefetch0(&ci->sets[hv[i] & ci->set_mask]);
	}
	for (i = 0; i < n; i++) {
		const struct table_cache_set *set = &ci->sets[hv[i] & ci->set_mask];

		way[i] = (int8_t)find_way(set, key_tag(hv[i]));
		out[i] = NULL;
		if (way[i] >= 0 && set->entry[way[i]] != 0) {
			out[i] = &entries[set->entry[way[i]] - 1];
			rte_prefetch0(out[i]);
			if (relay) /* holds_relay reads the relayed addresses' line too */
				rte_prefetch0(&out[i]->ids.relay);
		}
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
		struct table_cache_set *set;
		unsigned int w;

		i = miss_idx[j];
		out[i] = found[j];
		if (found[j] == NULL)
			continue;
		set = &ci->sets[hv[i] & ci->set_mask];
		/* A way whose tag matched but whose entry failed the check is this key's to reuse. */
		w = way[i] >= 0 ? (unsigned int)way[i] : way_to_fill(ci, set);
		set->tag[w] = key_tag(hv[i]);
		set->entry[w] = (uint32_t)(found[j] - entries) + 1;
	}
	return n - nm;
}

static unsigned int
lookup_cached(struct table *t, const struct rte_hash *h, struct table_cache_index *ci,
	      const void **keys, unsigned int n, unsigned int words, bool relay,
	      bool (*holds)(const struct table_alloc *, const void *), struct table_alloc **out)
{
	unsigned int hits = 0;

	for (unsigned int done = 0; done < n; done += CACHE_BULK)
		hits += lookup_chunk(t->entries, h, ci, keys + done,
				     RTE_MIN(n - done, (unsigned int)CACHE_BULK), words, relay, holds,
				     out + done);
	return hits;
}

unsigned int
table_lookup_client_cached(struct table *t, unsigned int reader,
			   const struct table_5tuple **keys, unsigned int n,
			   struct table_alloc **out)
{
	if (reader >= t->cache_count) {
		table_lookup_client_bulk(t, keys, n, out);
		return 0;
	}
	return lookup_cached(t, t->by_client, &t->caches[reader].client, (const void **)keys, n,
			     CLIENT_WORDS, false, holds_client, out);
}

unsigned int
table_lookup_relay_cached(struct table *t, unsigned int reader,
			  const struct table_relay_key **keys, unsigned int n,
			  struct table_alloc **out)
{
	if (reader >= t->cache_count) {
		table_lookup_relay_bulk(t, keys, n, out);
		return 0;
	}
	return lookup_cached(t, t->by_relay, &t->caches[reader].relay, (const void **)keys, n,
			     RELAY_WORDS, true, holds_relay, out);
}

/* Two ways per key the index can hold, in whole sets, a power of two of them. */
static int
cache_index_create(struct table_cache_index *ci, uint32_t keys, int socket)
{
	uint64_t sets = rte_align64pow2(((uint64_t)keys * 2 + TABLE_CACHE_WAYS - 1) /
					TABLE_CACHE_WAYS);

	sets = RTE_MAX(sets, (uint64_t)TABLE_CACHE_MIN_SETS);
	/* Zeroed: every way empty until its reader fills it. */
	ci->sets = rte_zmalloc_socket("table_cache_sets", sets * sizeof(struct table_cache_set),
				      RTE_CACHE_LINE_SIZE, socket);
	if (ci->sets == NULL)
		return -1;
	ci->set_mask = (uint32_t)(sets - 1);
	ci->victim = 0;
	return 0;
}

int
table_caches_create(struct table *t, unsigned int readers, uint32_t client_keys,
		    uint32_t relay_keys)
{
	int socket = t->params.socket;

	t->caches = rte_zmalloc_socket("table_caches", sizeof(*t->caches) * readers,
				       RTE_CACHE_LINE_SIZE, socket);
	if (t->caches == NULL)
		return -1;
	t->cache_count = readers;
	for (unsigned int r = 0; r < readers; r++)
		if (cache_index_create(&t->caches[r].client, client_keys, socket) != 0 ||
		    cache_index_create(&t->caches[r].relay, relay_keys, socket) != 0)
			return -1;
	return 0;
}

void
table_caches_free(struct table *t)
{
	if (t->caches == NULL)
		return;
	for (unsigned int r = 0; r < t->cache_count; r++) {
		rte_free(t->caches[r].client.sets);
		rte_free(t->caches[r].relay.sets);
	}
	rte_free(t->caches);
	t->caches = NULL;
	t->cache_count = 0;
}
