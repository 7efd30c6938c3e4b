/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stream thread: accepts TURN connections over TCP and TLS, cuts each
 * byte stream into STUN and ChannelData messages (lib/stream, RFC 8656
 * §12.5), hands every message to a worker over the stream link as a UDP
 * datagram from the client's address and TCP port, and writes back what the
 * workers send such a client, ChannelData padded to four bytes. It also
 * answers the link's ARP requests for its pretend router, and enforces the
 * [stream] limits, counting every connection it cuts by reason.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "dturn_app.h"
#include "dturn_stream.h"
#include "stream_frame.h"

#define EVENTS 64
#define SWEEP_MS 100
#define HDR_LEN (sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + \
		 sizeof(struct rte_udp_hdr))

struct conn_key {
	uint32_t client_ip;
	uint32_t local_ip;
	uint16_t client_port;
	uint16_t local_port;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
key_of(struct conn_key *k, uint32_t client_ip, uint16_t client_port, uint32_t local_ip,
       uint16_t local_port)
{
	memset(k, 0, sizeof(*k));
	k->client_ip = client_ip;
	k->local_ip = local_ip;
	k->client_port = client_port;
	k->local_port = local_port;
}

static unsigned int
source_count(struct dturn_stream *s, uint32_t ip)
{
	void *data;

	return rte_hash_lookup_data(s->per_source, &ip, &data) >= 0 ? (unsigned int)(uintptr_t)data : 0;
}

static void
source_add(struct dturn_stream *s, uint32_t ip, int delta)
{
	unsigned int n = source_count(s, ip);

	n = (unsigned int)((int)n + delta);
	if (n == 0)
		rte_hash_del_key(s->per_source, &ip);
	else
		rte_hash_add_key_data(s->per_source, &ip, (void *)(uintptr_t)n);
}

static void
conn_close(struct dturn_stream *s, struct dturn_stream_conn *c, enum metrics_counter why)
{
	struct conn_key k;
	uint32_t slot = (uint32_t)(c - s->conns);

	struct dturn_stream_closed gone = { c->client_ip, c->local_ip, c->client_port,
					    c->local_port };

	metrics_inc(&s->mx, why);
	if (why != METRICS_STREAM_CLOSED)
		metrics_inc(&s->mx, METRICS_STREAM_CLOSED);
	/* Full ring: the allocation then lives until its lifetime ends; counted. */
	if (c->got_message && rte_ring_sp_enqueue_elem(s->closed, &gone, sizeof(gone)) != 0)
		metrics_inc(&s->mx, METRICS_DROP_STREAM_RING_FULL);
	key_of(&k, c->client_ip, c->client_port, c->local_ip, c->local_port);
	rte_hash_del_key(s->by_addr, &k);
	source_add(s, c->client_ip, -1);
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	close(c->fd);
	stream_buf_free(&c->out);
	c->ssl = NULL;
	c->fd = -1;
	c->next_free = s->free_head;
	s->free_head = slot;
	s->open_count--;
}

static void
set_want_out(struct dturn_stream *s, struct dturn_stream_conn *c, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0),
				  .data.u64 = (uint64_t)(c - s->conns) };

	if (c->want_out == on)
		return;
	c->want_out = on;
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Write what is buffered. Returns 0, or -1 when the connection was closed. */
static int
conn_flush(struct dturn_stream *s, struct dturn_stream_conn *c)
{
	while (!stream_buf_empty(&c->out)) {
		ssize_t n;

		if (c->ssl != NULL) {
			/*
			 * One message per TLS record: a stream needs no such thing, but
			 * clients that take one SSL_read for one message (coturn's uclient)
			 * exist. A record that could not be written is retried with the
			 * same length, as OpenSSL requires; the buffer holds only whole
			 * messages, so the first one's length is there to read again.
			 */
			struct stream_frame f = stream_frame_next(stream_buf_peek(&c->out), c->out.len,
								  0x7F, DTURN_STREAM_IN_CAP);
			size_t n1 = f.kind == STREAM_FRAME_STUN || f.kind == STREAM_FRAME_CHANNEL ?
					    f.frame_len : c->out.len;

			ERR_clear_error();
			int r = SSL_write(c->ssl, stream_buf_peek(&c->out), (int)n1);

			if (r <= 0) {
				int e = SSL_get_error(c->ssl, r);

				if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
					break;
				conn_close(s, c, METRICS_STREAM_CUT_TLS);
				return -1;
			}
			n = r;
		} else {
			n = send(c->fd, stream_buf_peek(&c->out), c->out.len, MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				break;
			if (n < 0) {
				conn_close(s, c, METRICS_STREAM_CLOSED);
				return -1;
			}
		}
		stream_buf_consume(&c->out, (size_t)n);
	}
	set_want_out(s, c, !stream_buf_empty(&c->out));
	return 0;
}

/* A message from a worker for this connection: buffer it (padded) and write. */
static void
conn_send(struct dturn_stream *s, struct dturn_stream_conn *c, const uint8_t *p, size_t n)
{
	size_t pad = n > 0 && p[0] >= 0x40 ? stream_channel_padding(n) : 0;

	if (c->handshaking) {
		/* Nothing can be for a client that has not finished its handshake. */
		metrics_inc(&s->mx, METRICS_DROP_STREAM_NO_CONN);
		return;
	}
	if (stream_buf_append(&c->out, p, n, pad) != 0) {
		conn_close(s, c, METRICS_STREAM_CUT_BUFFER);
		return;
	}
	metrics_inc(&s->mx, METRICS_STREAM_TX_MESSAGES);
	conn_flush(s, c);
}

/* One message from the client, as a UDP datagram on the link to its worker. */
static void
inject(struct dturn_stream *s, struct dturn_stream_conn *c, const uint8_t *msg, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->pool);

	if (m == NULL) {
		metrics_inc(&s->mx, METRICS_DROP_MBUF_ALLOC);
		return;
	}
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(HDR_LEN + len));

	if (p == NULL) {
		metrics_inc(&s->mx, METRICS_DROP_NET_TOO_BIG);
		rte_pktmbuf_free(m);
		return;
	}
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	eth->dst_addr = s->link_mac;
	eth->src_addr = s->self_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + sizeof(*udp) + len));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = c->client_ip;
	ip->dst_addr = c->local_ip;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(c->client_port);
	udp->dst_port = rte_cpu_to_be_16(c->local_port);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + len));
	udp->dgram_cksum = 0; /* RFC 768: none; the stream was checked by TCP or TLS */
	memcpy(udp + 1, msg, len);
	if (rte_ring_sp_enqueue(s->to_workers[c->worker], m) != 0) {
		metrics_inc(&s->mx, METRICS_DROP_STREAM_RING_FULL);
		rte_pktmbuf_free(m);
		return;
	}
	metrics_inc(&s->mx, METRICS_STREAM_RX_MESSAGES);
}

/* Cut every whole message out of the input buffer. Returns -1 when the connection was cut. */
static int
conn_frames(struct dturn_stream *s, struct dturn_stream_conn *c)
{
	size_t off = 0;

	for (;;) {
		struct stream_frame f = stream_frame_next(c->in + off, c->in_len - off,
							  s->channel_first_max,
							  DTURN_STREAM_MAX_MESSAGE);

		if (f.kind == STREAM_FRAME_NEED_MORE)
			break;
		if (f.kind == STREAM_FRAME_GARBAGE || f.kind == STREAM_FRAME_BAD_LENGTH) {
			conn_close(s, c, METRICS_STREAM_CUT_GARBAGE);
			return -1;
		}
		if (f.kind == STREAM_FRAME_TOO_BIG) {
			conn_close(s, c, METRICS_STREAM_CUT_TOO_BIG);
			return -1;
		}
		inject(s, c, c->in + off, f.msg_len);
		c->got_message = true;
		off += f.frame_len;
	}
	if (off > 0) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
	return 0;
}

static void
conn_handshake(struct dturn_stream *s, struct dturn_stream_conn *c)
{
	ERR_clear_error();
	int r = SSL_accept(c->ssl);

	if (r == 1) {
		c->handshaking = false;
		metrics_inc(&s->mx, METRICS_STREAM_TLS_HANDSHAKES);
		set_want_out(s, c, false);
		return;
	}
	int e = SSL_get_error(c->ssl, r);

	if (e == SSL_ERROR_WANT_READ)
		set_want_out(s, c, false);
	else if (e == SSL_ERROR_WANT_WRITE)
		set_want_out(s, c, true);
	else
		conn_close(s, c, METRICS_STREAM_CUT_TLS);
}

static void
conn_readable(struct dturn_stream *s, struct dturn_stream_conn *c, uint64_t now)
{
	if (c->ssl != NULL && c->handshaking) {
		conn_handshake(s, c);
		if (c->fd < 0 || c->handshaking)
			return;
	}
	for (;;) {
		size_t room = sizeof(c->in) - c->in_len;
		ssize_t n;

		if (c->ssl != NULL) {
			ERR_clear_error();
			int r = SSL_read(c->ssl, c->in + c->in_len, (int)room);

			if (r <= 0) {
				int e = SSL_get_error(c->ssl, r);

				if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
					return;
				conn_close(s, c, e == SSL_ERROR_ZERO_RETURN ? METRICS_STREAM_CLOSED :
									      METRICS_STREAM_CUT_TLS);
				return;
			}
			n = r;
		} else {
			n = recv(c->fd, c->in + c->in_len, room, 0);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				return;
			if (n <= 0) {
				conn_close(s, c, METRICS_STREAM_CLOSED);
				return;
			}
		}
		c->in_len += (size_t)n;
		c->last_rx_ms = now;
		if (conn_frames(s, c) != 0)
			return;
		/* Plain TCP: level-triggered epoll calls again for the rest. TLS may hold
		 * decrypted bytes the socket no longer shows, so it reads until WANT_READ. */
		if (c->ssl == NULL)
			return;
	}
}

static void
accept_one(struct dturn_stream *s, const struct dturn_stream_listener *l, uint64_t now)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = accept4(l->fd, (struct sockaddr *)&sin, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (sin.sin_family != AF_INET || s->free_head == UINT32_MAX) {
		metrics_inc(&s->mx, METRICS_STREAM_CUT_FULL);
		close(fd);
		return;
	}
	if (source_count(s, sin.sin_addr.s_addr) >= s->conf.connections_per_source) {
		metrics_inc(&s->mx, METRICS_STREAM_CUT_PER_SOURCE);
		close(fd);
		return;
	}

	uint32_t slot = s->free_head;
	struct dturn_stream_conn *c = &s->conns[slot];
	struct conn_key k;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = slot };

	c->fd = fd;
	c->ssl = NULL;
	c->client_ip = sin.sin_addr.s_addr;
	c->client_port = ntohs(sin.sin_port);
	c->local_ip = l->ip;
	c->local_port = l->port;
	c->worker = (uint16_t)(slot % s->worker_count);
	c->opened_ms = now;
	c->last_rx_ms = now;
	c->in_len = 0;
	c->got_message = false;
	c->want_out = false;
	c->handshaking = false;
	stream_buf_init(&c->out, s->conf.max_buffered_bytes);
	if (l->tls) {
		c->ssl = SSL_new(s->tls);
		if (c->ssl == NULL || SSL_set_fd(c->ssl, fd) != 1) {
			SSL_free(c->ssl);
			c->ssl = NULL;
			metrics_inc(&s->mx, METRICS_STREAM_CUT_TLS);
			close(fd);
			c->fd = -1;
			return;
		}
		c->handshaking = true;
	}
	key_of(&k, c->client_ip, c->client_port, c->local_ip, c->local_port);
	if (rte_hash_add_key_data(s->by_addr, &k, (void *)(uintptr_t)slot) < 0 ||
	    epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		rte_hash_del_key(s->by_addr, &k);
		SSL_free(c->ssl);
		c->ssl = NULL;
		metrics_inc(&s->mx, METRICS_STREAM_CUT_FULL);
		close(fd);
		c->fd = -1;
		return;
	}
	s->free_head = c->next_free;
	s->open_count++;
	source_add(s, c->client_ip, +1);
	metrics_inc(&s->mx, METRICS_STREAM_ACCEPTED);
}

/* The link's ARP request for the pretend router: answered in the same mbuf. */
static void
answer_arp(struct dturn_stream *s, struct rte_mbuf *m, unsigned int q)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	struct rte_arp_ipv4 *d = &arp->arp_data;

	if (m->data_len < sizeof(*eth) + sizeof(*arp) ||
	    arp->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST)) {
		rte_pktmbuf_free(m);
		return;
	}
	rte_be32_t asked = d->arp_tip;

	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	d->arp_tha = d->arp_sha;
	d->arp_tip = d->arp_sip;
	d->arp_sha = s->self_mac;
	d->arp_sip = asked;
	eth->dst_addr = s->link_mac;
	eth->src_addr = s->self_mac;
	if (rte_ring_sp_enqueue(s->to_workers[q], m) != 0)
		rte_pktmbuf_free(m);
}

/* A frame a worker sent on the link: to a stream client, or an ARP request. */
static void
from_worker(struct dturn_stream *s, struct rte_mbuf *m, unsigned int q)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	if (m->data_len >= sizeof(*eth) && eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
		answer_arp(s, m, q);
		return;
	}
	if (!rte_pktmbuf_is_contiguous(m) || m->data_len < HDR_LEN ||
	    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		rte_pktmbuf_free(m); /* IPv6 is not served on streams yet */
		return;
	}
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);
	uint16_t ulen = rte_be_to_cpu_16(udp->dgram_len);
	struct conn_key k;
	void *data;

	if (ip->next_proto_id != IPPROTO_UDP || ulen < sizeof(*udp) ||
	    sizeof(*eth) + sizeof(*ip) + ulen > m->data_len) {
		rte_pktmbuf_free(m);
		return;
	}
	key_of(&k, ip->dst_addr, rte_be_to_cpu_16(udp->dst_port), ip->src_addr,
	       rte_be_to_cpu_16(udp->src_port));
	if (rte_hash_lookup_data(s->by_addr, &k, &data) < 0) {
		metrics_inc(&s->mx, METRICS_DROP_STREAM_NO_CONN);
		rte_pktmbuf_free(m);
		return;
	}
	conn_send(s, &s->conns[(uintptr_t)data], (const uint8_t *)(udp + 1), ulen - sizeof(*udp));
	rte_pktmbuf_free(m);
}

static unsigned int
drain_workers(struct dturn_stream *s)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int total = 0;

	for (unsigned int q = 0; q < s->worker_count; q++) {
		unsigned int n = rte_ring_sc_dequeue_burst(s->from_workers[q], (void **)pkts,
							   DP_BURST, NULL);

		for (unsigned int i = 0; i < n; i++)
			from_worker(s, pkts[i], q);
		total += n;
	}
	return total;
}

/* Handshake and idle timeouts, by timestamps checked every SWEEP_MS. */
static void
sweep(struct dturn_stream *s, uint64_t now)
{
	uint64_t hs = (uint64_t)s->conf.handshake_timeout * 1000;
	uint64_t idle = (uint64_t)s->conf.idle_timeout * 1000;

	unsigned int open = s->open_count, seen = 0;

	/* Stops after the last open connection: the cost follows what is open. */
	for (uint32_t i = 0; i < s->conf.max_connections && seen < open; i++) {
		struct dturn_stream_conn *c = &s->conns[i];

		if (c->fd < 0)
			continue;
		seen++;
		if ((c->handshaking || !c->got_message) && now - c->opened_ms >= hs)
			conn_close(s, c, METRICS_STREAM_CUT_HANDSHAKE);
		else if (now - c->last_rx_ms >= idle)
			conn_close(s, c, METRICS_STREAM_CUT_IDLE);
	}
}

static void
reload_tls(struct dturn_stream *s)
{
	if (__atomic_load_n(&s->reload, __ATOMIC_ACQUIRE) == 0)
		return;

	SSL_CTX *ctx = dturn_stream_tls_load(s->pending_cert, s->pending_key);

	if (ctx != NULL) {
		/* Open connections keep their reference to the old context. */
		SSL_CTX_free(s->tls);
		s->tls = ctx;
		RTE_LOG(NOTICE, DTURN, "stream: TLS certificate %s reloaded\n", s->pending_cert);
	} else {
		RTE_LOG(ERR, DTURN, "stream: TLS reload failed; the old certificate stays\n");
	}
	__atomic_store_n(&s->reload, 0, __ATOMIC_RELEASE);
}

void *
dturn_stream_main(void *arg)
{
	struct dturn_stream *s = arg;
	struct epoll_event ev[EVENTS];
	unsigned int busy = 0;

	while (!__atomic_load_n(&s->quit, __ATOMIC_ACQUIRE)) {
		/* The rings cannot wake epoll: wait 1 ms at most, none while busy. */
		int n = epoll_wait(s->epfd, ev, EVENTS, busy > 0 ? 0 : 1);
		uint64_t now = now_ms();

		for (int i = 0; i < n; i++) {
			uint64_t id = ev[i].data.u64;

			if (id >> 32) {
				accept_one(s, &s->listeners[(uint32_t)id], now);
				continue;
			}
			struct dturn_stream_conn *c = &s->conns[id];

			if (c->fd < 0)
				continue;
			if ((ev[i].events & EPOLLOUT) && c->handshaking)
				conn_handshake(s, c);
			else if (ev[i].events & EPOLLOUT)
				conn_flush(s, c);
			if (c->fd >= 0 && (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				conn_readable(s, c, now);
		}
		busy = drain_workers(s) + (n > 0 ? (unsigned int)n : 0);
		if (now >= s->next_sweep_ms) {
			sweep(s, now);
			reload_tls(s);
			s->next_sweep_ms = now + SWEEP_MS;
		}
	}
	for (uint32_t i = 0; i < s->conf.max_connections; i++)
		if (s->conns[i].fd >= 0)
			conn_close(s, &s->conns[i], METRICS_STREAM_CLOSED);
	return NULL;
}
