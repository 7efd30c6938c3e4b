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

		for (i = 0; i < p->relay_addr_count; i++)
			naddr += p->relay_addrs[i].family == family;
		pool->size = naddr * nports;
		pool->head = 0;
		pool->count = pool->size;
		if (pool->size == 0)
			continue;
		pool->ring = rte_malloc_socket("table_pool", sizeof(uint32_t) * pool->size, 0,
					       p->socket);
		if (pool->ring == NULL)
			return -ENOMEM;
		for (i = 0; i < p->relay_addr_count; i++) {
			if (p->relay_addrs[i].family != family)
				continue;
			for (j = 0; j < nports; j++)
				pool->ring[k++] = (uint32_t)i << 16 | (p->port_min + j);
		}
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
	rte_free(t->pool[0].ring);
	rte_free(t->pool[1].ring);
	t->pool[0].ring = t->pool[1].ring = NULL;
}

/* How far down the queue an even port is looked for (half the ports are even). */
#define EVEN_PORT_SEARCH 64

int
table_pool_take(struct table *t, uint8_t family, bool even, uint32_t *pair)
{
	struct table_pool *pool = &t->pool[table_pool_slot(family)];

	if (pool->size == 0)
		return -EAFNOSUPPORT;
	if (pool->count == 0)
		return -EADDRNOTAVAIL;
	if (even) {
		/* RFC 8656 §7.2 EVEN-PORT: swap the first even port found to the head. */
		uint32_t i, at = pool->head;

		for (i = 0; i < pool->count && i < EVEN_PORT_SEARCH; i++) {
			if ((pool->ring[at] & 1) == 0)
				break;
			at = at + 1 == pool->size ? 0 : at + 1;
		}
		if (i == pool->count || i == EVEN_PORT_SEARCH)
			return -EADDRNOTAVAIL;

		uint32_t tmp = pool->ring[at];

		pool->ring[at] = pool->ring[pool->head];
		pool->ring[pool->head] = tmp;
	}
	*pair = pool->ring[pool->head];
	pool->head = pool->head + 1 == pool->size ? 0 : pool->head + 1;
	pool->count--;
	return 0;
}

void
table_pool_put(struct table *t, uint8_t family, uint32_t pair)
{
	struct table_pool *pool = &t->pool[table_pool_slot(family)];
	uint32_t tail = pool->head + pool->count;

	if (tail >= pool->size)
		tail -= pool->size;
	pool->ring[tail] = pair;
	pool->count++;
}
