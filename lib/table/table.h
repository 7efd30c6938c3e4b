/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TABLE_H
#define DTURN_TABLE_H

/*
 * The shared allocation table (design.md, "The shared table").
 *
 * Two rte_hash indexes in lock-free read/write mode
 * (RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF) point at allocation entries:
 *   client 5-tuple          -> allocation   (ChannelData, Send, requests)
 *   relayed address + port  -> allocation   (peer datagrams, hairpin)
 * Permissions and channel bindings live inside the allocation, in small
 * fixed arrays guarded by a sequence counter: the one writer bumps it around
 * every change and readers retry, so no reader ever takes a lock.
 *
 * One writer: the control lcore. Every table_*_create/delete/set/install call
 * below must come from that one thread. Readers run on any worker lcore that
 * registered with table_reader_register() and reports quiescent states
 * (table_reader_quiescent) once per loop pass, even when idle; deleted
 * entries are reused only after every reader has passed one.
 *
 * Times are milliseconds on the caller's monotonic clock.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stun.h"

#define TABLE_MAX_PERMS 16
#define TABLE_MAX_CHANNELS 16
#define TABLE_MAX_RELAY_ADDRS 16
#define TABLE_USERNAME_MAX 128
#define TABLE_KEY_MAX 32
#define TABLE_RESPONSE_MAX 256
/* Longest table_params.name: rte_hash and rte_ring names are built from it. */
#define TABLE_NAME_MAX 12
/* RFC 8656 §12: an expired channel's number and peer stay reserved this long. */
#define TABLE_CHANNEL_COOLDOWN_MS (300u * 1000u)

/*
 * Keys are fully zeroed before filling so padding never differs. Their sizes
 * (48 and 32 bytes) are ones rte_hash compares with vector code; other sizes
 * fall back to memcmp on every probe.
 */
struct table_5tuple {
	uint8_t family; /* STUN_FAMILY_IPV4 / STUN_FAMILY_IPV6 */
	uint8_t proto;  /* 17: UDP; 6: TCP or TLS (a stream client, served through the stream link) */
	uint16_t client_port;
	uint16_t server_port;
	uint16_t pad;
	uint8_t client_addr[16];
	uint8_t server_addr[16];
	uint8_t pad2[8];
};

struct table_relay_key {
	uint8_t family;
	uint8_t pad;
	uint16_t port;
	uint8_t addr[16];
	uint8_t pad2[12];
};

_Static_assert(sizeof(struct table_5tuple) == 48, "rte_hash compares 48-byte keys fast");
_Static_assert(sizeof(struct table_relay_key) == 32, "rte_hash compares 32-byte keys fast");

struct table_perm {
	uint8_t family;
	uint8_t addr[16];
	uint64_t expires_ms;
};

struct table_channel {
	uint16_t number;        /* 0: slot free */
	struct stun_addr peer;
	uint64_t expires_ms;    /* bound while now < expires_ms; reserved until + cooldown */
};

/*
 * Fields the control lcore sets at creation and never changes while published.
 * A dual allocation (RFC 8656 §7.2, ADDITIONAL-ADDRESS-FAMILY) has a second
 * relayed address of the other family in the entry's relay_alt (family 0:
 * none; kept apart from ids for the entry's layout, and as immutable). When
 * one family of a dual allocation is deleted (a Refresh with
 * REQUESTED-ADDRESS-FAMILY and lifetime 0), its key leaves the relay index and
 * its permissions and channels go, but the addresses stay: readers never see
 * ids or relay_alt change.
 */
struct table_alloc_ids {
	struct table_5tuple client;
	struct table_relay_key relay;
	uint16_t client_port_index; /* the net port the client reaches us on */
	uint16_t relay_port_index;  /* the net port that owns the relayed address */
	uint16_t relay_alt_port_index;
};

/*
 * Control-lcore-only state: credentials fixed by the first Allocate (RFC 8656
 * §5), and the success response kept for retransmissions (§7.2).
 */
struct table_alloc_owner {
	char username[TABLE_USERNAME_MAX];
	uint16_t username_len;
	uint8_t key[TABLE_KEY_MAX];
	uint8_t key_len;
	bool sha256;             /* MESSAGE-INTEGRITY-SHA256 in use */
	uint8_t alloc_tid[STUN_TID_LEN];
	uint16_t alloc_response_len;
	uint8_t alloc_response[TABLE_RESPONSE_MAX];
	uint64_t alloc_response_expires_ms; /* RFC 8489 §6.3.1: 40 s transaction lifetime */
	uint32_t user_cookie;    /* the quota slot of the user, opaque to the table */
};

/*
 * What one allocation relayed one way (payload bytes and datagrams), for the
 * operator (dturnctl show). The workers that relay for the allocation add
 * with a relaxed load and store, no locked instruction: the client's
 * packets come to one worker, but peers' may come to several, and a rare
 * lost update between two of them is the accepted price.
 */
struct table_traffic_dir {
	uint64_t bytes;
	uint64_t packets;
};

/* Both ways, as table_traffic_read gives them. */
struct table_alloc_traffic {
	uint64_t to_peer_bytes;
	uint64_t to_peer_packets;
	uint64_t to_client_bytes;
	uint64_t to_client_packets;
};

/*
 * Permission i and channel i share a cache line: the two lists are
 * independent (nperms, nchannels), but a relayed datagram reads the first
 * entry of each, so the pair costs one line.
 */
struct table_slot {
	struct table_perm perm;
	struct table_channel channel;
};

/*
 * Laid out for what a relayed datagram touches (each line a cache miss at a
 * million allocations). Line 0: what a lookup checks (seq, expiry, the relay
 * families, the client 5-tuple). Line 1: the relayed address, the port
 * indexes and what client data writes (bw_state, to_peer), so that client
 * ChannelData or Send reads line 0, line 1 and the first slot, three lines.
 * Line 2: the other family's relayed address and to_client, so peer data
 * reads four (its relayed-address check and the port index on line 1, its
 * counters on line 2). Line 3: the first permission and the first channel;
 * the other slots follow.
 */
struct table_alloc {
	uint32_t seq;            /* odd while the writer changes anything but bw_state and the counters */
	uint8_t nperms;
	uint8_t nchannels;
	/* TABLE_FAMILY_BIT()s whose relayed address is still in the relay index. */
	uint8_t relay_families;
	uint64_t expires_ms;     /* 0: deleted (unpublished) */
	struct table_alloc_ids ids;
	/*
	 * The bandwidth bucket (lib/turn's turn_bandwidth_take): a field
	 * workers write, with compare-and-swap; 0 on creation means full.
	 */
	uint64_t bw_state;
	struct table_traffic_dir to_peer;   /* zeroed on creation */
	/* A dual allocation's second relayed address (struct table_alloc_ids). */
	struct table_relay_key relay_alt __attribute__((aligned(64)));
	struct table_traffic_dir to_client; /* zeroed on creation */
	/* perms[i] is slots[i].perm (i < nperms), channels[i] slots[i].channel (i < nchannels) */
	struct table_slot slots[TABLE_MAX_PERMS] __attribute__((aligned(64)));
} __attribute__((aligned(64)));

_Static_assert(TABLE_MAX_PERMS == TABLE_MAX_CHANNELS, "one slot holds a permission and a channel");
_Static_assert(sizeof(struct table_slot) == 64, "a slot is one cache line");
_Static_assert(offsetof(struct table_alloc, ids.relay) >= 64 &&
		       offsetof(struct table_alloc, to_peer) + sizeof(struct table_traffic_dir) <= 128,
	       "client data's relayed address, port indexes, bw_state and counters share line 1");
_Static_assert(offsetof(struct table_alloc, relay_alt) == 128 &&
		       offsetof(struct table_alloc, to_client) + sizeof(struct table_traffic_dir) <= 192,
	       "the second relayed address and peer data's counters share line 2");
_Static_assert(offsetof(struct table_alloc, slots) == 192, "the first slot is line 3");

/* A relaying worker counts len payload bytes one way (see struct table_traffic_dir). */
static inline void
table_traffic_add(struct table_traffic_dir *d, uint32_t len)
{
	__atomic_store_n(&d->bytes, __atomic_load_n(&d->bytes, __ATOMIC_RELAXED) + len,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&d->packets, __atomic_load_n(&d->packets, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
}

/* Any thread: the counters as they are now (each field read once, not as a set). */
static inline void
table_traffic_read(const struct table_alloc *a, struct table_alloc_traffic *out)
{
	out->to_peer_bytes = __atomic_load_n(&a->to_peer.bytes, __ATOMIC_RELAXED);
	out->to_peer_packets = __atomic_load_n(&a->to_peer.packets, __ATOMIC_RELAXED);
	out->to_client_bytes = __atomic_load_n(&a->to_client.bytes, __ATOMIC_RELAXED);
	out->to_client_packets = __atomic_load_n(&a->to_client.packets, __ATOMIC_RELAXED);
}

/* A relay key as the address it names (for STUN attributes and log lines). */
static inline void
table_relay_key_addr(const struct table_relay_key *k, struct stun_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = k->family;
	out->port = k->port;
	memcpy(out->addr, k->addr, sizeof(out->addr));
}

/* The relayed address of the family (and its net port), or NULL: none of that family. */
static inline const struct table_relay_key *
table_alloc_relay_for(const struct table_alloc *a, uint8_t family, uint16_t *port_index)
{
	if (a->ids.relay.family == family) {
		*port_index = a->ids.relay_port_index;
		return &a->ids.relay;
	}
	if (a->relay_alt.family == family) {
		*port_index = a->ids.relay_alt_port_index;
		return &a->relay_alt;
	}
	return NULL;
}

/* One relayed address of the pool and the net port that owns it. */
struct table_relay_addr {
	uint8_t family;
	uint8_t addr[16];
	uint16_t port_index;
};

struct table_params {
	const char *name;       /* prefix for rte_hash/rte_ring names; unique per process,
				 * at most TABLE_NAME_MAX characters */
	uint32_t capacity;      /* allocations */
	unsigned int max_readers; /* worker lcores that will look things up (RCU thread ids
				   * 0..max_readers-1) */
	int socket;
	uint16_t port_min, port_max; /* relayed port range, inclusive */
	unsigned int relay_addr_count;
	struct table_relay_addr relay_addrs[TABLE_MAX_RELAY_ADDRS];
	uint64_t seed;          /* random source for port choice */
};

struct table;

/* NULL and rte_errno set on failure. */
struct table *table_create(const struct table_params *p);
void table_free(struct table *t);

/* ---- readers: any registered lcore, never blocks ---- */

/*
 * thread_id: 0..max_readers-1, one per reader lcore. Register (which also puts
 * the reader online) before the first lookup, from any thread; from then on
 * the reader must call table_reader_quiescent() on every loop pass, even when
 * idle, or deleted entries and ports are never reused (creates end in -ENOSPC /
 * -EADDRNOTAVAIL). A pointer returned by a lookup is valid until that
 * reader's next table_reader_quiescent(). Returns 0 or -EINVAL.
 */
int table_reader_register(struct table *t, unsigned int thread_id);
void table_reader_unregister(struct table *t, unsigned int thread_id);
void table_reader_quiescent(struct table *t, unsigned int thread_id);
/* A reader about to block (or stop polling) goes offline; it holds no pointers then. */
void table_reader_offline(struct table *t, unsigned int thread_id);
void table_reader_online(struct table *t, unsigned int thread_id);
/*
 * Writer side: wait until every online reader has passed a quiescent state, so
 * no reader still holds a pointer read before the call (used to swap
 * read-mostly data such as the peer policy, see app/dturn/dturn_reload.c).
 */
void table_readers_synchronize(struct table *t);

struct table_alloc *table_lookup_client(const struct table *t, const struct table_5tuple *k);
struct table_alloc *table_lookup_relay(const struct table *t, const struct table_relay_key *k);
/*
 * Any n: done in rte_hash_lookup_bulk_data calls of up to 64 keys; out[i] NULL
 * when absent. A found entry may have been deleted meanwhile: check
 * table_alloc_live() before relaying.
 */
void table_lookup_client_bulk(const struct table *t, const struct table_5tuple **keys,
			      unsigned int n, struct table_alloc **out);
void table_lookup_relay_bulk(const struct table *t, const struct table_relay_key **keys,
			     unsigned int n, struct table_alloc **out);
/*
 * The same through the reader's own flow cache (set-associative, entry
 * indexes per reader, in front of rte_hash): a cached entry is used only
 * after checking, under the entry's seq, that the entry still holds this
 * key, is not deleted and (relay keys) still has that family's relayed
 * address. Entries are never freed, only reused after every reader passed a
 * quiescent state, so a stale pointer is always safe to read, and a reused
 * or deleted entry fails the check and the key goes to rte_hash. Only the
 * thread registered as reader may pass that id; any other id (>=
 * max_readers) is looked up without a cache. Returns how many of the n
 * keys the cache answered (the rest went to rte_hash).
 */
unsigned int table_lookup_client_cached(struct table *t, unsigned int reader,
					const struct table_5tuple **keys, unsigned int n,
					struct table_alloc **out);
unsigned int table_lookup_relay_cached(struct table *t, unsigned int reader,
				       const struct table_relay_key **keys, unsigned int n,
				       struct table_alloc **out);

/*
 * Consistent reads of the mutable part (retrying while the writer is inside).
 * A deleted allocation reads as expired (expires_ms 0).
 */
bool table_alloc_live(const struct table_alloc *a, uint64_t now_ms);
uint64_t table_alloc_expiry(const struct table_alloc *a);
bool table_permitted(const struct table_alloc *a, uint8_t family, const uint8_t *addr,
		     uint64_t now_ms);
/* A bound (not expired) channel's peer by number, or its number by peer. */
bool table_channel_peer(const struct table_alloc *a, uint16_t number, uint64_t now_ms,
			struct stun_addr *peer);
bool table_channel_number(const struct table_alloc *a, const struct stun_addr *peer,
			  uint64_t now_ms, uint16_t *number);
/*
 * What one relayed datagram needs from its allocation, read in one seq
 * section instead of one per question (the relay's hot paths):
 * table_route_channel: ChannelData from the client on channel number: the
 *   channel's peer (*peer), which must have a permission;
 * table_route_peer: data from peer: its permission, and the channel bound
 *   to it (*channel, 0 when none: a Data indication).
 */
enum table_route {
	TABLE_ROUTE_OK,
	TABLE_ROUTE_EXPIRED,       /* the allocation expired or was deleted */
	TABLE_ROUTE_NO_CHANNEL,    /* no bound channel of that number */
	TABLE_ROUTE_NO_PERMISSION, /* the peer has no permission */
};
enum table_route table_route_channel(const struct table_alloc *a, uint16_t number,
				     uint64_t now_ms, struct stun_addr *peer);
enum table_route table_route_peer(const struct table_alloc *a, const struct stun_addr *peer,
				  uint64_t now_ms, uint16_t *channel);
/* Whether addr is one of the pool's relayed addresses (hairpin, deny-own-address). */
bool table_is_relay_addr(const struct table *t, uint8_t family, const uint8_t *addr);
bool table_relay_port_in_range(const struct table *t, uint16_t port);

/* One consistent copy of everything under seq (telemetry, tests, debugging). */
struct table_alloc_state {
	uint64_t expires_ms;
	uint8_t nperms;
	uint8_t nchannels;
	struct table_perm perms[TABLE_MAX_PERMS];
	struct table_channel channels[TABLE_MAX_CHANNELS];
};
void table_alloc_read_state(const struct table_alloc *a, struct table_alloc_state *out);

/* ---- the writer: the control lcore only ---- */

/*
 * Create an allocation for client with a relayed address of the family,
 * published in both indexes. Returns 0, or -EEXIST (the 5-tuple has one),
 * -ENOSPC (capacity reached: 508), -EADDRNOTAVAIL (no free relayed port:
 * 508), -EAFNOSUPPORT (no relayed address of that family: 440).
 */
int table_alloc_create(struct table *t, const struct table_5tuple *client, uint8_t family,
		       uint16_t client_port_index, uint64_t expires_ms, struct table_alloc **out);
/*
 * The same with flags (RFC 8656 §7.2 EVEN-PORT): TABLE_CREATE_EVEN_PORT asks
 * for an even relayed port; TABLE_CREATE_RESERVE_NEXT also reserves the port
 * above it, returned in *reserved for table_alloc_create_reserved or
 * table_reservation_cancel. -EADDRNOTAVAIL when no such port is near the
 * pool's head.
 */
#define TABLE_CREATE_EVEN_PORT 0x1
#define TABLE_CREATE_RESERVE_NEXT 0x2
int table_alloc_create_flags(struct table *t, const struct table_5tuple *client, uint8_t family,
			     unsigned int flags, uint16_t client_port_index, uint64_t expires_ms,
			     struct table_alloc **out, uint32_t *reserved);
/* Create on a reserved port (RESERVATION-TOKEN); -ENOENT if it is not reserved. */
int table_alloc_create_reserved(struct table *t, const struct table_5tuple *client,
				uint8_t family, uint32_t reserved, uint16_t client_port_index,
				uint64_t expires_ms, struct table_alloc **out);
/*
 * A dual allocation (RFC 8656 §7.2): an IPv4 relayed address (with flags, as
 * table_alloc_create_flags) and an IPv6 one on any free port. When only one
 * family can be had, the allocation is made with that one and the other's
 * reason is left in *v4_err or *v6_err (-EAFNOSUPPORT: no relayed address of
 * the family, 440; -EADDRNOTAVAIL: no free port, 508); both 0 when both were
 * had. Returns 0, -EEXIST, -ENOSPC, or when neither family could be had, the
 * IPv4 reason (-EAFNOSUPPORT only if both are -EAFNOSUPPORT).
 */
int table_alloc_create_dual(struct table *t, const struct table_5tuple *client, unsigned int flags,
			    uint16_t client_port_index, uint64_t expires_ms,
			    struct table_alloc **out, uint32_t *reserved, int *v4_err, int *v6_err);
/* Families an allocation still has, as TABLE_FAMILY_BIT() bits (the writer's record). */
#define TABLE_FAMILY_BIT(family) ((family) == STUN_FAMILY_IPV6 ? 2u : 1u)
unsigned int table_alloc_families(const struct table *t, const struct table_alloc *a);
/*
 * Delete one family of a dual allocation (RFC 8656 §7.3): its relayed
 * address stops receiving, its permissions and channels go; the port returns
 * to the pool with the allocation. -ENOENT if the allocation does not have
 * the family, -EINVAL if it is the last one (delete the allocation instead).
 */
int table_alloc_drop_family(struct table *t, struct table_alloc *a, uint8_t family);
/* Give a reserved port back to the pool (the reservation expired). */
void table_reservation_cancel(struct table *t, uint8_t family, uint32_t reserved);
/*
 * The control lcore's own record for an allocation (credentials, the kept
 * response): kept apart from the entry so the workers' cache lines carry only
 * what they read. Zeroed when the allocation is created.
 */
struct table_alloc_owner *table_owner(struct table *t, const struct table_alloc *a);

/*
 * Unpublish now (it reads as expired from then on); the entry and its port are
 * reused after every reader moved on. Deleting an entry that is not live is a
 * no-op.
 */
void table_alloc_delete(struct table *t, struct table_alloc *a);
void table_alloc_set_expiry(struct table_alloc *a, uint64_t expires_ms);
/*
 * The live allocation in entry slot index (0..capacity-1), NULL when the slot
 * is free or pending: walking every slot is how the management commands
 * (dturnctl list, revoke) see all allocations. Writer only: slot states are
 * the writer's.
 */
struct table_alloc *table_alloc_at(struct table *t, uint32_t index);
/*
 * Install or refresh a permission (keyed by IP only, RFC 8656 §9): 0, -ENOSPC
 * (all slots hold unexpired permissions) or -EINVAL (bad family). An expired
 * slot is reused.
 */
int table_perm_install(struct table_alloc *a, uint8_t family, const uint8_t *addr,
		       uint64_t expires_ms, uint64_t now_ms);
/*
 * RFC 8656 §11.2 rules, checked here because the table holds the reservations:
 * returns 0 when bound or refreshed, -EBUSY if the number is bound or
 * reserved for another peer, -EEXIST if the peer is to another number (both
 * 400, with different reason phrases), -ENOSPC,
 * -EINVAL (number outside 0x4000-0x7FFF, the widest range any RFC allowed, or
 * bad peer family; which part of it is accepted is lib/turn's policy). A binding is
 * reserved until expires_ms + TABLE_CHANNEL_COOLDOWN_MS; rebinding the same
 * number to the same peer within that time refreshes it.
 */
int table_channel_bind(struct table_alloc *a, uint16_t number, const struct stun_addr *peer,
		       uint64_t expires_ms, uint64_t now_ms);

/*
 * Called for each allocation the sweep deletes, before it is unpublished
 * (owner and ids are still there). It must not delete the allocation itself.
 */
typedef void (*table_expire_fn)(void *arg, struct table_alloc *a);

/*
 * Examine budget entry slots (free or not), from where the last call
 * stopped: delete the allocations past their time (on_expire first), prune
 * expired permissions and channels past their cooldown. A full pass over the
 * table takes capacity / budget calls; the work per call is bounded by budget.
 * Also reclaims what readers no longer see. Returns how many allocations were
 * deleted (at most budget).
 */
unsigned int table_sweep(struct table *t, uint64_t now_ms, unsigned int budget,
			 table_expire_fn on_expire, void *arg);
/*
 * Return deleted entries and their ports to the free lists once every reader
 * passed a quiescent state; returns how many. table_sweep() and
 * table_alloc_create() call it themselves.
 */
unsigned int table_reclaim(struct table *t);

/* Counts for telemetry and /metrics: safe from any thread (relaxed loads, stale at worst). */
uint32_t table_count(const struct table *t);    /* live allocations */
uint32_t table_capacity(const struct table *t);
uint32_t table_pending(const struct table *t);  /* deleted, waiting for readers */
uint32_t table_relay_ports_free(const struct table *t, uint8_t family);

#endif
