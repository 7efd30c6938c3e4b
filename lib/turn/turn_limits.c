/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "turn_limits.h"

/*
 * A source is a transport address (IP and port), not an IP: TURN clients sit
 * behind NATs that many users share (CGNAT, offices), and one client that
 * keeps failing must not silence its neighbours. Each new port needs its own
 * 401 round trip for a nonce bound to it, so guessing from many ports pays.
 */
static unsigned int
slot_of(const struct stun_addr *a)
{
	uint32_t words[6] = { a->family, a->port };

	memcpy(&words[2], a->addr, 16);
	return rte_jhash_32b(words, 6, 0x7d0b) % TURN_PENALTY_SLOTS;
}

static bool
same_source(uint8_t family, const uint8_t *addr, uint16_t port, const struct stun_addr *a)
{
	return family == a->family && port == a->port &&
	       memcmp(addr, a->addr, a->family == STUN_FAMILY_IPV4 ? 4 : 16) == 0;
}

bool
turn_source_blocked(const struct turn_penalty_box *box, const struct stun_addr *src,
		    uint64_t now_ms)
{
	const struct turn_penalty_slot *s;
	uint32_t seq;
	bool hit;

	if (box == NULL)
		return false;
	s = &box->slot[slot_of(src)];
	do {
		seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		hit = (seq & 1) == 0 && s->until_ms > now_ms &&
		      same_source(s->family, s->addr, s->port, src);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (__atomic_load_n(&s->seq, __ATOMIC_RELAXED) != seq || (seq & 1) != 0);
	return hit;
}

static void
box_put(struct turn_penalty_box *box, const struct stun_addr *src, uint64_t until_ms)
{
	struct turn_penalty_slot *s = &box->slot[slot_of(src)];

	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	s->family = src->family;
	memset(s->addr, 0, sizeof(s->addr));
	memcpy(s->addr, src->addr, src->family == STUN_FAMILY_IPV4 ? 4 : 16);
	s->port = src->port;
	s->until_ms = until_ms;
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELEASE);
}

/* Tokens in thousandths, so a refill of a few per second stays exact. */
struct bucket {
	uint64_t milli_tokens;
	uint64_t last_ms;
};

struct source_key {
	uint8_t family;
	uint8_t pad;
	uint16_t port;
	uint8_t addr[16];
};

struct turn_failures {
	struct turn_limits_params p;
	struct rte_hash *index;  /* source -> slot in buckets */
	struct bucket *buckets;
	uint32_t capacity;
	uint32_t sweep_at;
};

struct turn_failures *
turn_failures_create(const struct turn_limits_params *p, uint32_t sources, int socket)
{
	struct turn_failures *f = rte_zmalloc_socket("turn_failures", sizeof(*f), 0, socket);
	char name[RTE_HASH_NAMESIZE];

	if (f == NULL)
		return NULL;
	f->p = *p;
	f->capacity = sources < 64 ? 64 : sources;
	snprintf(name, sizeof(name), "failures_%p", (void *)f);

	struct rte_hash_parameters hp = {
		.name = name,
		.entries = f->capacity,
		.key_len = sizeof(struct source_key),
		.hash_func = rte_jhash,
		.socket_id = socket,
	};

	f->index = rte_hash_create(&hp);
	f->buckets = rte_zmalloc_socket("turn_failure_buckets", sizeof(struct bucket) * f->capacity,
					0, socket);
	if (f->index == NULL || f->buckets == NULL) {
		turn_failures_free(f);
		return NULL;
	}
	return f;
}

void
turn_failures_free(struct turn_failures *f)
{
	if (f == NULL)
		return;
	rte_hash_free(f->index);
	rte_free(f->buckets);
	rte_free(f);
}

static void
key_of(struct source_key *k, const struct stun_addr *a)
{
	memset(k, 0, sizeof(*k));
	k->family = a->family;
	k->port = a->port;
	memcpy(k->addr, a->addr, a->family == STUN_FAMILY_IPV4 ? 4 : 16);
}

static void
refill(const struct turn_limits_params *p, struct bucket *b, uint64_t now_ms)
{
	uint64_t full = (uint64_t)p->failure_burst * 1000;

	if (now_ms > b->last_ms) {
		b->milli_tokens += (now_ms - b->last_ms) * p->failures_per_s;
		if (b->milli_tokens > full)
			b->milli_tokens = full;
	}
	b->last_ms = now_ms;
}

bool
turn_failure_record(struct turn_failures *f, struct turn_penalty_box *box,
		    const struct stun_addr *src, uint64_t now_ms)
{
	struct source_key k;
	int32_t pos;
	struct bucket *b;

	if (f == NULL || box == NULL || f->p.failures_per_s == 0)
		return false;
	key_of(&k, src);
	pos = rte_hash_lookup(f->index, &k);
	if (pos < 0) {
		/* A full index forgets the oldest-looking sources at the next sweep. */
		pos = rte_hash_add_key(f->index, &k);
		if (pos < 0)
			return false;
		b = &f->buckets[pos];
		b->milli_tokens = (uint64_t)f->p.failure_burst * 1000;
		b->last_ms = now_ms;
	}
	b = &f->buckets[pos];
	refill(&f->p, b, now_ms);
	if (b->milli_tokens >= 1000) {
		b->milli_tokens -= 1000;
		return false;
	}
	box_put(box, src, now_ms + (uint64_t)f->p.block_s * 1000);
	/* Out of the box it starts again with a full bucket's patience, not none. */
	b->milli_tokens = (uint64_t)f->p.failure_burst * 1000;
	b->last_ms = now_ms + (uint64_t)f->p.block_s * 1000;
	return true;
}

void
turn_failures_sweep(struct turn_failures *f, uint64_t now_ms)
{
	const void *key;
	void *data;
	uint32_t iter = f != NULL ? f->sweep_at : 0;

	if (f == NULL || f->p.failures_per_s == 0)
		return;
	/* A bucket that has refilled completely carries no memory worth keeping. */
	for (unsigned int n = 0; n < 256; n++) {
		int32_t pos = rte_hash_iterate(f->index, &key, &data, &iter);

		if (pos < 0) {
			iter = 0;
			break;
		}

		struct bucket *b = &f->buckets[pos];

		refill(&f->p, b, now_ms);
		if (b->milli_tokens >= (uint64_t)f->p.failure_burst * 1000)
			rte_hash_del_key(f->index, key);
	}
	f->sweep_at = iter;
}

/* state: tokens in the low 32 bits, the time of the last take (ms, low 32 bits) above. */
bool
turn_bandwidth_take(uint64_t *state, uint32_t rate, uint32_t burst, uint32_t len, uint64_t now_ms)
{
	uint64_t old = __atomic_load_n(state, __ATOMIC_RELAXED);
	uint32_t now32 = (uint32_t)now_ms;

	for (;;) {
		uint64_t tokens;
		uint32_t last = (uint32_t)(old >> 32), stamp = now32;

		if (old == 0) {
			tokens = burst;
		} else {
			uint32_t elapsed = now32 - last; /* wraps correctly */
			uint64_t added = (uint64_t)elapsed * rate / 1000;

			/* Less than a byte's worth of time stays on the clock, not lost. */
			if (added == 0)
				stamp = last;
			tokens = (uint32_t)old + added;
			if (tokens > burst)
				tokens = burst;
		}
		if (tokens < len)
			return false;
		tokens -= len;

		/* 0 means "full" to a new allocation: keep a taken-from state non-zero. */
		uint64_t next = ((uint64_t)stamp << 32) | tokens;

		if (next == 0)
			next = 1ull << 32;
		if (__atomic_compare_exchange_n(state, &old, next, true, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return true;
	}
}
