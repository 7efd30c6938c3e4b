/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relayed address pool: every (relay address, port) pair of the
 * configured addresses and port range, per family, handed out in a shuffled
 * order (RFC 8656 §7.2: relayed ports should not be predictable).
 */

#include <errno.h>

#include <rte_malloc.h>

#include "table_private.h"

/* splitmix64: small, fast and good enough to shuffle ports; seeded from params. */
uint64_t
table_prng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) for n < 2^32 (multiply-shift; the bias is below 2^-32 * n). */
static uint32_t
prng_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)(((table_prng_next(state) >> 32) * (uint64_t)n) >> 32);
}

static uint32_t
bit_of(const struct table_pool *pool, const struct table *t, uint32_t pair)
{
	return pool->base[pair >> 16] + ((pair & 0xffff) - t->params.port_min);
}

static bool
bit_get(const uint64_t *bits, uint32_t i)
{
	return (bits[i / 64] >> (i % 64)) & 1;
}

static void
bit_set(uint64_t *bits, uint32_t i, bool v)
{
	if (v)
		bits[i / 64] |= UINT64_C(1) << (i % 64);
	else
		bits[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

int
table_pool_init(struct table *t)
{
	const struct table_params *p = &t->params;
	uint32_t nports = (uint32_t)p->port_max - p->port_min + 1;
	unsigned int f, i;

	for (f = 0; f < 2; f++) {
		uint8_t family = f == 0 ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6;
		struct table_pool *pool = &t->pool[f];
		uint32_t naddr = 0, k = 0, j;

		for (i = 0; i < p->relay_addr_count; i++) {
			if (p->relay_addrs[i].family != family)
				continue;
			pool->base[i] = naddr * nports;
			naddr++;
		}
		pool->size = naddr * nports;
		pool->head = 0;
		pool->queued = pool->size;
		pool->free = pool->size;
		if (pool->size == 0)
			continue;
		pool->ring = rte_malloc_socket("table_pool", sizeof(uint32_t) * pool->size, 0,
					       p->socket);
		pool->taken = rte_zmalloc_socket("table_pool_taken",
						 sizeof(uint64_t) * (pool->size / 64 + 1), 0, p->socket);
		pool->in_ring = rte_zmalloc_socket("table_pool_in_ring",
						   sizeof(uint64_t) * (pool->size / 64 + 1), 0,
						   p->socket);
		if (pool->ring == NULL || pool->taken == NULL || pool->in_ring == NULL)
			return -ENOMEM;
		for (i = 0; i < p->relay_addr_count; i++) {
			if (p->relay_addrs[i].family != family)
				continue;
			for (j = 0; j < nports; j++)
				pool->ring[k++] = (uint32_t)i << 16 | (p->port_min + j);
		}
		for (j = 0; j < pool->size; j++)
			bit_set(pool->in_ring, j, true);
		/* Fisher-Yates. */
		for (j = pool->size - 1; j > 0; j--) {
			uint32_t r = prng_below(&t->prng, j + 1);
			uint32_t tmp = pool->ring[j];

			pool->ring[j] = pool->ring[r];
			pool->ring[r] = tmp;
		}
	}
	return 0;
}

void
table_pool_free(struct table *t)
{
	for (unsigned int f = 0; f < 2; f++) {
		rte_free(t->pool[f].ring);
		rte_free(t->pool[f].taken);
		rte_free(t->pool[f].in_ring);
		t->pool[f].ring = NULL;
		t->pool[f].taken = NULL;
		t->pool[f].in_ring = NULL;
	}
}

/* How far down the queue a port fitting EVEN-PORT is looked for (half the ports are even). */
#define EVEN_PORT_SEARCH 64

static uint32_t
ring_next(const struct table_pool *pool, uint32_t at)
{
	return at + 1 == pool->size ? 0 : at + 1;
}

/* Drop entries at the head whose pair was reserved meanwhile; they are re-queued when freed. */
static void
skip_stale(struct table *t, struct table_pool *pool)
{
	while (pool->queued > 0) {
		uint32_t b = bit_of(pool, t, pool->ring[pool->head]);

		if (!bit_get(pool->taken, b))
			return;
		bit_set(pool->in_ring, b, false);
		pool->head = ring_next(pool, pool->head);
		pool->queued--;
	}
}

static bool
fits(struct table *t, const struct table_pool *pool, uint32_t pair, unsigned int flags)
{
	uint16_t port = (uint16_t)pair;

	if (bit_get(pool->taken, bit_of(pool, t, pair)))
		return false;
	if ((flags & (TABLE_CREATE_EVEN_PORT | TABLE_CREATE_RESERVE_NEXT)) && (port & 1))
		return false;
	if (flags & TABLE_CREATE_RESERVE_NEXT)
		return port < t->params.port_max && !bit_get(pool->taken, bit_of(pool, t, pair + 1));
	return true;
}

int
table_pool_take(struct table *t, uint8_t family, unsigned int flags, uint32_t *pair,
		uint32_t *reserved)
{
	struct table_pool *pool = &t->pool[table_pool_slot(family)];
	uint32_t i, at;

	if (pool->size == 0)
		return -EAFNOSUPPORT;
	skip_stale(t, pool);
	at = pool->head;
	for (i = 0; i < pool->queued && i < EVEN_PORT_SEARCH; i++) {
		if (fits(t, pool, pool->ring[at], flags))
			break;
		at = ring_next(pool, at);
	}
	if (pool->free == 0 || i == pool->queued || i == EVEN_PORT_SEARCH)
		return -EADDRNOTAVAIL;

	uint32_t p = pool->ring[at];

	pool->ring[at] = pool->ring[pool->head];
	pool->ring[pool->head] = p;
	pool->head = ring_next(pool, pool->head);
	pool->queued--;
	bit_set(pool->in_ring, bit_of(pool, t, p), false);
	bit_set(pool->taken, bit_of(pool, t, p), true);
	pool->free--;
	/* RFC 8656 §7.2: the next port is kept for a later Allocate with the token. */
	if (flags & TABLE_CREATE_RESERVE_NEXT) {
		bit_set(pool->taken, bit_of(pool, t, p + 1), true);
		pool->free--;
		*reserved = p + 1;
	}
	*pair = p;
	return 0;
}

int
table_pool_claim(struct table *t, uint8_t family, uint32_t pair)
{
	struct table_pool *pool = &t->pool[table_pool_slot(family)];

	if (pool->size == 0 || (pair >> 16) >= t->params.relay_addr_count ||
	    t->params.relay_addrs[pair >> 16].family != family ||
	    (pair & 0xffff) < t->params.port_min || (pair & 0xffff) > t->params.port_max ||
	    !bit_get(pool->taken, bit_of(pool, t, pair)))
		return -ENOENT;
	return 0;
}

void
table_pool_put(struct table *t, uint8_t family, uint32_t pair)
{
	struct table_pool *pool = &t->pool[table_pool_slot(family)];
	uint32_t b = bit_of(pool, t, pair);

	if (!bit_get(pool->taken, b))
		return;
	bit_set(pool->taken, b, false);
	pool->free++;
	if (bit_get(pool->in_ring, b))
		return; /* its old entry is still queued and is valid again */

	uint32_t tail = pool->head + pool->queued;

	if (tail >= pool->size)
		tail -= pool->size;
	pool->ring[tail] = pair;
	pool->queued++;
	bit_set(pool->in_ring, b, true);
}
