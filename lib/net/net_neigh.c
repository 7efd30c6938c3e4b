/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared neighbour table: open addressing with linear probing, lock-free for
 * readers. A 16-byte key cannot be compare-and-swapped portably, so a slot is
 * claimed by CAS on its state word (EMPTY -> CLAIMING), the key is written, and
 * a release store publishes READY. Readers skip CLAIMING slots (a miss costs
 * one probe, never a wait). The MAC and its valid bit share one 64-bit word so
 * no reader sees half of an old MAC and half of a new one. Slots are never
 * freed, which is what lets readers hold entry pointers without RCU.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_random.h>

#include "net.h"
#include "net_priv.h"

#define NEIGH_REACHABLE_S 300	/* RFC 4861 leaves it to us; ARP caches use minutes */
#define NEIGH_STALE_GRACE_S 5	/* keep using a stale MAC this long while re-probing */
#define NEIGH_MAX_PROBE 32	/* slots scanned per lookup before giving up */

#define NEIGH_MAC_VALID (UINT64_C(1) << 63)

enum neigh_slot_state { SLOT_EMPTY, SLOT_CLAIMING, SLOT_READY };

struct net_neigh_entry {
	uint32_t state;		/* enum neigh_slot_state, atomic */
	uint8_t key[16];	/* written once while CLAIMING */
	uint64_t mac_word;	/* NEIGH_MAC_VALID | 48-bit MAC, atomic */
	uint64_t updated_tsc;	/* when the MAC was last confirmed, atomic */
	uint64_t probe_tsc;	/* when a probe was last sent, 0 = never, atomic */
} __rte_cache_aligned;

struct net_neigh_table {
	uint32_t mask;
	uint32_t seed;
	uint64_t reachable_tsc;
	uint64_t stale_tsc;	/* reachable + grace */
	uint64_t probe_interval_tsc;
	uint64_t full;		/* atomic */
	struct net_neigh_entry slot[];
};

struct net_neigh_table *
net_neigh_create(unsigned int capacity, int socket)
{
	struct net_neigh_table *t;
	uint64_t hz = rte_get_tsc_hz();
	uint32_t n;

	if (capacity == 0 || capacity > (1u << 24)) {
		rte_errno = EINVAL;
		return NULL;
	}
	n = rte_align32pow2(capacity);
	t = rte_zmalloc_socket("net_neigh", sizeof(*t) + (size_t)n * sizeof(t->slot[0]),
			       RTE_CACHE_LINE_SIZE, socket);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	t->mask = n - 1;
	/* A random seed keeps on-link senders from choosing colliding addresses. */
	t->seed = (uint32_t)rte_rand();
	t->reachable_tsc = NEIGH_REACHABLE_S * hz;
	t->stale_tsc = (NEIGH_REACHABLE_S + NEIGH_STALE_GRACE_S) * hz;
	t->probe_interval_tsc = hz;
	return t;
}

void
net_neigh_free(struct net_neigh_table *t)
{
	rte_free(t);
}

void
net_neigh_stats(const struct net_neigh_table *t, struct net_neigh_stats *out)
{
	out->full = __atomic_load_n(&t->full, __ATOMIC_RELAXED);
}

static uint32_t
neigh_hash(const struct net_neigh_table *t, const uint8_t key[16])
{
	uint64_t a, b;

	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	return rte_hash_crc_8byte(b, rte_hash_crc_8byte(a, t->seed));
}

struct net_neigh_entry *
net_neigh_lookup(struct net_neigh_table *t, const uint8_t key[16])
{
	uint32_t i = neigh_hash(t, key), n;

	for (n = 0; n < NEIGH_MAX_PROBE && n <= t->mask; n++, i++) {
		struct net_neigh_entry *e = &t->slot[i & t->mask];
		uint32_t st = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);

		if (st == SLOT_EMPTY)
			return NULL;
		if (st == SLOT_READY && memcmp(e->key, key, 16) == 0)
			return e;
	}
	return NULL;
}

static inline bool
key16_eq(const uint8_t *a, const uint8_t *b)
{
	uint64_t x[2], y[2];

	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return x[0] == y[0] && x[1] == y[1];
}

struct net_neigh_entry *
net_neigh_get(struct net_neigh_table *t, const uint8_t key[16])
{
	/* Asked for every relayed datagram: two word compares, not a libc call. */
	uint32_t i = neigh_hash(t, key), n;

	for (n = 0; n < NEIGH_MAX_PROBE && n <= t->mask; n++, i++) {
		struct net_neigh_entry *e = &t->slot[i & t->mask];
		uint32_t st = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);

		if (st == SLOT_EMPTY) {
			uint32_t expected = SLOT_EMPTY;

			if (__atomic_compare_exchange_n(&e->state, &expected, SLOT_CLAIMING,
							false, __ATOMIC_ACQUIRE,
							__ATOMIC_ACQUIRE)) {
				memcpy(e->key, key, 16);
				__atomic_store_n(&e->state, SLOT_READY, __ATOMIC_RELEASE);
				return e;
			}
			st = expected;
		}
		/*
		 * Another lcore is writing this slot's key: a writer must know it
		 * before moving on, or the same key could land in two slots. The
		 * claimer does a 16-byte copy, so this waits a few cycles at most.
		 */
		while (st == SLOT_CLAIMING) {
			rte_pause();
			st = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);
		}
		if (key16_eq(e->key, key))
			return e;
	}
	__atomic_fetch_add(&t->full, 1, __ATOMIC_RELAXED);
	return NULL;
}

void
net_neigh_update(struct net_neigh_entry *e, const struct rte_ether_addr *mac, uint64_t now_tsc)
{
	uint64_t w = NEIGH_MAC_VALID;
	unsigned int i;

	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		w |= (uint64_t)mac->addr_bytes[i] << (8 * i);
	__atomic_store_n(&e->mac_word, w, __ATOMIC_RELAXED);
	__atomic_store_n(&e->updated_tsc, now_tsc, __ATOMIC_RELAXED);
}

bool
net_neigh_learn(struct net_neigh_table *t, const uint8_t key[16],
		const struct rte_ether_addr *mac, bool create, uint64_t now_tsc)
{
	struct net_neigh_entry *e;

	if (t == NULL)
		return false;
	e = create ? net_neigh_get(t, key) : net_neigh_lookup(t, key);
	if (e == NULL)
		return false;
	net_neigh_update(e, mac, now_tsc);
	return true;
}

enum net_neigh_state
net_neigh_resolve(const struct net_neigh_table *t, const struct net_neigh_entry *e,
		  uint64_t now_tsc, struct rte_ether_addr *mac)
{
	uint64_t w = __atomic_load_n(&e->mac_word, __ATOMIC_RELAXED);
	uint64_t age = now_tsc - __atomic_load_n(&e->updated_tsc, __ATOMIC_RELAXED);
	unsigned int i;

	if (!(w & NEIGH_MAC_VALID) || age >= t->stale_tsc)
		return NET_NEIGH_NONE;
	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		mac->addr_bytes[i] = (uint8_t)(w >> (8 * i));
	return age >= t->reachable_tsc ? NET_NEIGH_STALE : NET_NEIGH_REACHABLE;
}

bool
net_neigh_probe_due(const struct net_neigh_table *t, struct net_neigh_entry *e, uint64_t now_tsc)
{
	uint64_t last = __atomic_load_n(&e->probe_tsc, __ATOMIC_RELAXED);
	uint64_t stamp = now_tsc == 0 ? 1 : now_tsc;	/* 0 is reserved for "never" */

	if (last != 0 && now_tsc - last < t->probe_interval_tsc)
		return false;
	/* Only the lcore whose CAS wins sends: one probe a second per neighbour. */
	return __atomic_compare_exchange_n(&e->probe_tsc, &last, stamp, false,
					   __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}
