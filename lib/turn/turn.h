/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_TURN_H
#define DTURN_TURN_H

/*
 * STUN and TURN semantics (RFC 8489, RFC 8656) on plain buffers and
 * addresses, no mbufs, so every handler runs in unit tests without a NIC.
 *
 * Two sides:
 *  - worker side (any lcore, read-only on the table): Binding, and the relay
 *    decisions for Send indications, ChannelData and peer datagrams;
 *  - control side (the one writer lcore): Allocate, Refresh,
 *    CreatePermission and ChannelBind, which change the table.
 * Every outcome is counted in the caller's per-lcore metrics.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "metrics.h"
#include "stun.h"
#include "table.h"
#include "turn_limits.h"
#include "turn_policy.h"

#define TURN_SOFTWARE_MAX 128
#define TURN_PROTO_UDP 17
#define TURN_PROTO_TCP 6 /* TURN over TCP or TLS: the client's side only (RFC 8656 §3.1) */

/* RFC 8656 §3.x defaults (seconds). */
#define TURN_ALLOCATION_LIFETIME_DEFAULT 600
#define TURN_PERMISSION_LIFETIME 300
#define TURN_CHANNEL_LIFETIME 600
/* RFC 8489 §6.3.1: how long a retransmitted Allocate gets the same answer. */
#define TURN_TRANSACTION_LIFETIME_MS 40000

/* Server-wide settings, read-only once the workers run. */
struct turn_server {
	char software[TURN_SOFTWARE_MAX]; /* SOFTWARE attribute; empty: not sent */
	uint16_t software_len;
	const struct auth *auth;          /* NULL: no TURN service, Binding only */
	struct table *table;
	struct turn_policy policy;
	/* A reload's policy (app/dturn/dturn_reload.c): once set, used instead of
	 * policy. Published with a release store; read through turn_server_policy(). */
	const struct turn_policy *reloaded_policy;
	uint16_t channel_max;             /* STUN_CHANNEL_MAX or STUN_CHANNEL_MAX_RFC5766 */
	uint32_t lifetime_max_s;
	uint32_t allocations_per_user;    /* 0: unlimited */
	struct turn_penalty_box *box;     /* sources refused for failing auth; NULL: off */
	uint32_t bandwidth_rate;          /* bytes/s per allocation, both ways; 0: off */
	uint32_t bandwidth_burst;         /* bytes */
	struct stun_addr alternate_server; /* [turn] alternate_server; family 0: none */
};

/* Where a datagram came from and arrived at. */
struct turn_endpoints {
	struct stun_addr client; /* the source: the client's reflexive address */
	struct stun_addr local;  /* the destination: our address and listening port */
	uint16_t port_index;     /* the net port it arrived on */
	uint8_t proto;           /* the client's transport: 17 (0 reads as 17), or 6 for TCP/TLS */
};

/* Both clocks a handler needs: monotonic for lifetimes, wall for REST and nonces. */
struct turn_clock {
	uint64_t now_ms;
	uint64_t now_s;
};

/* The peer policy in force: a reloaded one if any, else the start-up one. */
static inline const struct turn_policy *
turn_server_policy(const struct turn_server *srv)
{
	const struct turn_policy *p = __atomic_load_n(&srv->reloaded_policy, __ATOMIC_ACQUIRE);

	return p != NULL ? p : &srv->policy;
}

/* Fill a turn_server: software may be NULL or empty. */
void turn_server_init(struct turn_server *srv, const char *software);

/* ---- worker side ---- */

enum turn_verdict {
	TURN_VERDICT_DROP,     /* counted; free the packet */
	TURN_VERDICT_REPLY,    /* a response of the returned length is in out */
	TURN_VERDICT_CONTROL,  /* a request that changes the table: hand it to the control lcore */
	TURN_VERDICT_RELAY,    /* data to forward: see struct turn_relay */
};

/*
 * Where relayed data goes. To a peer: UDP from the allocation's relayed
 * address to peer. To a client: from the listening address the client uses,
 * as ChannelData when channel != 0, else as a Data indication whose
 * XOR-PEER-ADDRESS is peer.
 */
struct turn_relay {
	bool to_client;
	uint16_t port_index;          /* net port to send on */
	struct stun_addr src;         /* our address and port */
	struct stun_addr dst;         /* peer, or client */
	struct stun_addr peer;        /* to_client: the peer the data came from */
	uint16_t channel;             /* to_client: 0 = Data indication */
	uint32_t data_offset;         /* the bytes to relay, inside the datagram */
	uint32_t data_len;
};

/*
 * Handle one datagram that RFC 7983 demultiplexing called STUN on a listening
 * port. On TURN_VERDICT_REPLY the response is in out (*reply_len bytes); on
 * TURN_VERDICT_RELAY rel says where the data goes.
 */
enum turn_verdict turn_handle_stun(const struct turn_server *srv, const uint8_t *dgram,
				   size_t len, const struct turn_endpoints *ep,
				   const struct turn_clock *clk, uint8_t *out, size_t cap,
				   size_t *reply_len, struct turn_relay *rel,
				   struct metrics_lcore *mx);

/* RFC 8656 §12.6: ChannelData from a client. */
enum turn_verdict turn_handle_channel_data(const struct turn_server *srv, const uint8_t *dgram,
					   size_t len, const struct turn_endpoints *ep,
					   const struct turn_clock *clk, struct turn_relay *rel,
					   struct metrics_lcore *mx);

/*
 * The same when the caller looked the allocation up already (bulk lookups of
 * a burst): a is table_lookup_client's answer for the sender's 5-tuple.
 */
enum turn_verdict turn_handle_channel_data_found(const struct turn_server *srv,
						 struct table_alloc *a, const uint8_t *dgram,
						 size_t len, const struct turn_clock *clk,
						 struct turn_relay *rel, struct metrics_lcore *mx);

/*
 * RFC 8656 §11.3 / §12.7: a datagram from a peer to a relayed address. dst
 * is the relayed address and port it reached.
 */
enum turn_verdict turn_handle_peer_data(const struct turn_server *srv,
					const struct stun_addr *peer, const struct stun_addr *dst,
					uint32_t data_len, const struct turn_clock *clk,
					struct turn_relay *rel, struct metrics_lcore *mx);

/* The same with table_lookup_relay's answer for dst already at hand. */
enum turn_verdict turn_handle_peer_data_found(const struct turn_server *srv, struct table_alloc *a,
					      const struct stun_addr *peer, uint32_t data_len,
					      const struct turn_clock *clk, struct turn_relay *rel,
					      struct metrics_lcore *mx);

/*
 * RFC 8656 §11.4: the Data indication header (20-byte STUN header,
 * XOR-PEER-ADDRESS, DATA attribute header) for data_len bytes from peer.
 * Returns its length; the caller appends the data and pads it to 4 bytes.
 */
size_t turn_data_indication_header(uint8_t *out, size_t cap, const struct stun_addr *peer,
				   uint32_t data_len, const uint8_t tid[STUN_TID_LEN]);

/* RFC 8489 §6.3 (and §12 for RFC 3489 clients): answer a Binding request. */
size_t turn_handle_binding(const struct turn_server *srv, const struct stun_msg *req,
			   const struct turn_endpoints *ep, uint8_t *out, size_t cap,
			   struct metrics_lcore *mx);

/* RFC 8489 §6.3.1.1: a 420 naming the unknown comprehension-required attributes. */
size_t turn_respond_unknown_attributes(const struct turn_server *srv, const struct stun_msg *req,
				       uint8_t *out, size_t cap, struct metrics_lcore *mx);

/* ---- control side (the table's one writer) ---- */

struct turn_quota;

/* RFC 8656 §7.2: a port kept for 30 s for the Allocate that presents the token. */
#define TURN_RESERVATIONS_MAX 1024
#define TURN_RESERVATION_LIFETIME_MS 30000
struct turn_reservation {
	uint64_t token;       /* 0: slot free */
	uint64_t expires_ms;
	uint32_t pair;        /* the table's pool pair */
	uint8_t family;
};

/* What turn_control.on_event reports. */
enum turn_event {
	TURN_EVENT_ALLOCATED,      /* Allocate succeeded */
	TURN_EVENT_DELETED,        /* Refresh with LIFETIME 0 */
	TURN_EVENT_EXPIRED,        /* the sweep found it past its lifetime */
	TURN_EVENT_ADMIN_DELETED,  /* dturnctl delete or revoke */
	TURN_EVENT_AUTH_FAILED,    /* credentials sent and refused */
	TURN_EVENT_MAX
};

struct turn_event_info {
	const struct stun_addr *client;  /* the request's source (client of a) */
	const char *user;                /* as the owner record or the request holds it */
	size_t user_len;
	uint16_t code;                   /* TURN_EVENT_AUTH_FAILED: the error answered */
};

/* Users a management command revoked, until the next reload. */
#define TURN_REVOKED_MAX 32

/* The control lcore's state besides the table: per-user counts, reservations. */
struct turn_control {
	const struct turn_server *srv;
	struct turn_quota *quota;
	struct turn_failures *failures;   /* NULL: no limit on failed authentications */
	struct turn_penalty_box *box;     /* the same box srv points to, writable here */
	/* A failed authentication just put src in the penalty box: the app logs it
	 * (rate-limited, app/dturn/dturn_events.c). NULL: not told. */
	void (*on_blocked)(void *arg, const struct stun_addr *src);
	void *on_blocked_arg;
	/* An allocation was made or ended (while its owner record is still there), or a
	 * request with credentials failed (a = NULL; user as sent, code 401/438/441):
	 * the app logs one line each, rate-limited (app/dturn/dturn_events.c). NULL: not told. */
	void (*on_event)(void *arg, enum turn_event ev, const struct table_alloc *a,
			 const struct turn_event_info *info);
	void *on_event_arg;
	uint64_t token_state;
	unsigned int reservation_count;
	struct turn_reservation reservations[TURN_RESERVATIONS_MAX];
	/* Management (turn_admin.c): draining refuses new Allocates; revoked users get 401. */
	bool draining;
	unsigned int revoked_count;
	char revoked[TURN_REVOKED_MAX][TABLE_USERNAME_MAX];
};

int turn_control_init(struct turn_control *ctl, const struct turn_server *srv,
		      uint32_t capacity, int socket);
void turn_control_free(struct turn_control *ctl);

/*
 * Handle a request that turn_handle_stun sent to the control lcore: Allocate,
 * Refresh, CreatePermission or ChannelBind. Returns the response length in
 * out (0: nothing to send, counted).
 */
size_t turn_handle_request(struct turn_control *ctl, const uint8_t *dgram, size_t len,
			   const struct turn_endpoints *ep, const struct turn_clock *clk,
			   uint8_t *out, size_t cap, struct metrics_lcore *mx);

/* Expire allocations, permissions and channels; bounded work per call. */
unsigned int turn_control_sweep(struct turn_control *ctl, const struct turn_clock *clk,
				unsigned int budget);

/*
 * ---- management (turn_admin.c; control lcore only, like the handlers) ----
 * What dturnctl asks of the running relay, through app/dturn/dturn_mgmt.c.
 */

/* Delete one allocation now, as Refresh with LIFETIME 0 does (quota released), counted. */
void turn_admin_delete(struct turn_control *ctl, struct table_alloc *a, struct metrics_lcore *mx);
/*
 * Whether an allocation's owner is user: its username is user, or a TURN REST
 * username "<expiry digits>:user" for it.
 */
bool turn_admin_owner_is(const struct table_alloc_owner *o, const char *user);
/*
 * Revoke user: delete every allocation it owns and answer its requests 401
 * until turn_admin_unrevoke_all (a reload). Returns the allocations deleted,
 * or -ENOSPC when TURN_REVOKED_MAX users are revoked already, -EINVAL for an
 * empty or too long name. Revoking a revoked user again deletes what is left.
 */
int turn_admin_revoke(struct turn_control *ctl, const char *user, struct metrics_lcore *mx);
bool turn_admin_revoked(const struct turn_control *ctl, const char *username, uint16_t len);
void turn_admin_unrevoke_all(struct turn_control *ctl);

/* The 5-tuple key of a client's allocation. */
void turn_client_key(struct table_5tuple *k, const struct turn_endpoints *ep);

#endif
