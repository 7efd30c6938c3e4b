/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TURN_LIMITS_H
#define DTURN_TURN_LIMITS_H

/*
 * Rate limits that protect the relay (hardening issue, "Limits"):
 *
 * - Sources (transport addresses: IP and port) whose requests keep failing authentication (401 with
 *   credentials, 438, 441) drain a per-source token bucket kept by the
 *   control lcore; an empty bucket puts the source in the penalty box,
 *   and the workers then stop answering its STUN requests for a while, on
 *   the fast path, before anything is decoded or handed on.
 * - Each allocation may have a bandwidth limit: a token bucket of bytes
 *   shared by every worker relaying for it, taken with one compare-and-swap.
 */

#include <stdbool.h>
#include <stdint.h>

#include "stun.h"

/* Slots of the penalty box: direct-mapped by address hash; a collision lets one go early. */
#define TURN_PENALTY_SLOTS 4096

struct turn_penalty_slot {
	uint32_t seq;          /* odd while the control lcore rewrites the slot */
	uint8_t family;
	uint16_t port;
	uint8_t addr[16];
	uint64_t until_ms;
};

/* Written by the control lcore only; read by every worker without locks. */
struct turn_penalty_box {
	struct turn_penalty_slot slot[TURN_PENALTY_SLOTS];
};

struct turn_limits_params {
	uint32_t failures_per_s;  /* bucket refill; 0 turns the limiter off */
	uint32_t failure_burst;   /* bucket size */
	uint32_t block_s;         /* time in the penalty box */
};

struct turn_failures; /* per-source buckets, control lcore only */

/* Worker side: is this source in the penalty box now? */
bool turn_source_blocked(const struct turn_penalty_box *box, const struct stun_addr *src,
			 uint64_t now_ms);

/* Control side. */
struct turn_failures *turn_failures_create(const struct turn_limits_params *p, uint32_t sources,
					   int socket);
void turn_failures_free(struct turn_failures *f);
/* One failed authentication from src; true when this put src in the box. */
bool turn_failure_record(struct turn_failures *f, struct turn_penalty_box *box,
			 const struct stun_addr *src, uint64_t now_ms);
/* Forget buckets that have been full for a while (bounded work). */
void turn_failures_sweep(struct turn_failures *f, uint64_t now_ms);

/*
 * Per-allocation bandwidth: take len bytes from the bucket packed in *state
 * (rate bytes/s, burst bytes); false when there are not enough. state 0 is a
 * full bucket (a new allocation).
 */
bool turn_bandwidth_take(uint64_t *state, uint32_t rate, uint32_t burst, uint32_t len,
			 uint64_t now_ms);

#endif
