/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_STREAM_H
#define DTURN_STREAM_H

/*
 * TURN over TCP and TLS (RFC 8656 §3.1, §12.5), docs/architecture.md "Streams".
 *
 * The exception path: each wire port with an IPv4 address gets a tap port
 * (net_tap) whose kernel interface carries that address; the workers steer
 * TCP for the stream listening ports to it (lib/dataplane/dp_kernel.c) and
 * send what the kernel answers, so the kernel terminates the connections.
 *
 * The stream thread (a pthread, not an EAL lcore) serves them with epoll and
 * OpenSSL, cuts each stream into STUN and ChannelData messages (lib/stream)
 * and exchanges them with the workers over the stream link: a net_ring port
 * whose queue i is a pair of rte_rings to and from worker i. The link carries
 * each message as a UDP datagram from the client's address and TCP port to
 * the listening address and port, and lib/net marks the link's datagrams as
 * transport 6, so their allocations are keyed with proto 6 in the shared
 * table and everything the workers send to such a client (Binding answers,
 * the control lcore's answers, relayed peer data) leaves through the link's
 * TX ring to the stream thread, which writes it to the connection.
 */

#include <stdbool.h>
#include <stdint.h>

#include <pthread.h>

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "conf.h"
#include "dataplane.h"
#include "metrics.h"
#include "stream_buf.h"

#define DTURN_STREAM_MAX_LISTENERS (2 * CONF_MAX_STREAM_PORTS * CONF_MAX_PORTS)
/* The largest message the link carries (a datagram's payload); longer ones cut the connection. */
#define DTURN_STREAM_MAX_MESSAGE 1500
#define DTURN_STREAM_IN_CAP 2048

struct ssl_ctx_st;
struct ssl_st;

struct dturn_stream_conn {
	int fd;                  /* -1: slot free */
	struct ssl_st *ssl;      /* NULL: plain TCP */
	bool handshaking;        /* TLS handshake not finished */
	bool got_message;        /* a first whole message was read */
	bool want_out;           /* EPOLLOUT armed */
	uint16_t worker;         /* its messages go to this worker's ring (keeps their order) */
	uint16_t local_port;
	uint16_t client_port;
	uint32_t local_ip;       /* network order */
	uint32_t client_ip;
	uint64_t opened_ms;
	uint64_t last_rx_ms;
	uint32_t next_free;      /* free list */
	size_t in_len;
	uint8_t in[DTURN_STREAM_IN_CAP];
	struct stream_buf out;
};

/* A connection that closed: its allocation (5-tuple proto 6) goes with it (RFC 8656 §3.1). */
struct dturn_stream_closed {
	uint32_t client_ip;      /* network order */
	uint32_t local_ip;
	uint16_t client_port;    /* host order */
	uint16_t local_port;
};

struct dturn_stream_listener {
	int fd;
	bool tls;
	uint32_t ip;             /* network order */
	uint16_t port;
};

struct dturn_stream {
	struct conf_stream conf;
	uint8_t channel_first_max;        /* 0x4F, or 0x7F with RFC 5766 channels */
	unsigned int worker_count;
	struct rte_mempool *pool;
	uint16_t link_port_id;
	struct rte_ether_addr link_mac;   /* the link port's MAC: frames to the workers */
	struct rte_ether_addr self_mac;   /* the stream thread's side of the link */
	struct rte_ring *to_workers[DP_MAX_WORKERS];   /* the link's RX rings */
	struct rte_ring *from_workers[DP_MAX_WORKERS]; /* the link's TX rings */
	/* Closed connections' addresses (struct dturn_stream_closed), for the control
	 * lcore to delete their allocations: it is the table's one writer. */
	struct rte_ring *closed;
	unsigned int listener_count;
	struct dturn_stream_listener listeners[DTURN_STREAM_MAX_LISTENERS];
	int epfd;
	struct ssl_ctx_st *tls;           /* NULL: no TLS port */
	struct dturn_stream_conn *conns;  /* conf.max_connections slots */
	uint32_t free_head;               /* UINT32_MAX: none */
	unsigned int open_count;
	struct rte_hash *by_addr;         /* (client, local) -> slot */
	struct rte_hash *per_source;      /* client IP -> open connections */
	uint64_t next_sweep_ms;
	pthread_t thread;
	bool thread_started;
	volatile bool quit;
	/* SIGHUP: the control lcore stores new paths, then sets reload (release). */
	int reload;
	char pending_cert[CONF_PATH_LEN];
	char pending_key[CONF_PATH_LEN];
	struct metrics_lcore mx;          /* the stream thread's counters (/dturn/stats) */
};

struct dturn_app;

/*
 * dturn_stream.c: with [stream] ports configured, after the wire ports are
 * up and before the workers launch: taps, the link, listening sockets, TLS,
 * the thread. Appends the taps and the link to app->ports. 0, or -1 logged.
 */
int dturn_stream_start(struct dturn_app *app);
/* After the workers stopped, before the ports close. Safe when never started. */
void dturn_stream_stop(struct dturn_app *app);
/*
 * On the control lcore, every pass: delete the allocations of connections
 * that closed (counted in stream_alloc_closed). Returns how many it took.
 */
unsigned int dturn_stream_poll(struct dturn_app *app);
/* On the control lcore after a good reload: the thread reloads the certificate and key. */
void dturn_stream_reload(struct dturn_app *app);

/* dturn_stream_tap.c: tap <tap_name><index> carrying wire's IPv4 address, NOARP, IPv6 off; its port id. */
int dturn_stream_tap_create(const char *tap_name, unsigned int index, const struct net_port *wire,
			    uint16_t *port_id);

/* dturn_stream_tls.c: a TLS 1.2/1.3 server context from PEM files, NULL (logged) on error. */
struct ssl_ctx_st *dturn_stream_tls_load(const char *cert, const char *key);
void dturn_stream_tls_free(struct ssl_ctx_st *ctx);

/* dturn_stream_conn.c: the thread's body; arg is the struct dturn_stream. */
void *dturn_stream_main(void *arg);

#endif
