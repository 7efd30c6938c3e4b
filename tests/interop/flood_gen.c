/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flood_gen: a bounded, paced, deterministic generator of malformed UDP
 * datagrams for tests/interop/flood.sh. Plain sockets and sendmmsg; no
 * dependency beyond libc.
 *
 *   flood_gen client DST_IP DST_PORT COUNT RATE SEED
 *   flood_gen peer   DST_IP LO-HI    COUNT RATE SEED [EXCLUDE_PORT,...]
 *
 * Datagram i belongs to category CAT[i % 20] (a fixed table below), so the
 * count of each category is known from COUNT alone; the bytes inside come
 * from a xorshift generator seeded with SEED, so a run is repeatable. RATE
 * is datagrams per second (sent in bursts of 8 on a fixed schedule). At the
 * end it prints one line per category:
 *   category <name> <sent> <the dturn counter it must end in>
 * and "sent <N> in <seconds> s". Exit 0 when every datagram was sent.
 *
 * client mix (to the STUN port):
 *   random       first byte 128-255 then random bytes -> drop_demux_other
 *   truncated    a Binding request cut to 1-19 bytes -> drop_stun_decode
 *   bitflip      Binding request + SOFTWARE + FINGERPRINT, one bit of the
 *                SOFTWARE value flipped -> drop_stun_fingerprint
 *   bad_cookie   an Allocate request with a wrong magic cookie -> drop_stun_decode
 *   lying_length header length 4..1024 bytes longer than the datagram -> drop_stun_decode
 *   attr_past_end last attribute's length runs past the message -> drop_stun_decode
 *   many_attrs   200 zero-length attributes (more than a view holds) -> drop_stun_decode
 *   bad_integrity a Refresh request with USERNAME/REALM/NONCE and a wrong
 *                MESSAGE-INTEGRITY -> turn_to_control (or drop_control_full)
 *   unbound_channel ChannelData on a channel 0x4000-0x4FFF from a 5-tuple with
 *                no allocation -> drop_relay_no_allocation
 * peer mix (to the relayed address):
 *   peer_relayed_port random bytes to a port in LO-HI that is not in EXCLUDE
 *                (the live allocations) -> drop_peer_no_allocation
 *   peer_other_port  random bytes to a port in 20000-29999 -> drop_udp_port
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BURST 8
#define MAXLEN 1400
#define COOKIE 0x2112A442u

enum cat {
	C_RANDOM, C_TRUNCATED, C_BITFLIP, C_BAD_COOKIE, C_LYING_LENGTH, C_ATTR_PAST_END,
	C_MANY_ATTRS, C_BAD_INTEGRITY, C_UNBOUND_CHANNEL, C_PEER_RELAYED, C_PEER_OTHER, C_MAX
};

static const char *const cat_name[C_MAX] = {
	"random", "truncated", "bitflip", "bad_cookie", "lying_length", "attr_past_end",
	"many_attrs", "bad_integrity", "unbound_channel", "peer_relayed_port", "peer_other_port",
};
static const char *const cat_counter[C_MAX] = {
	"drop_demux_other", "drop_stun_decode", "drop_stun_fingerprint", "drop_stun_decode",
	"drop_stun_decode", "drop_stun_decode", "drop_stun_decode",
	"turn_to_control+drop_control_full", "drop_relay_no_allocation",
	"drop_peer_no_allocation", "drop_udp_port",
};

/* The fixed mixes: 20 slots each. */
static const enum cat client_mix[20] = {
	C_RANDOM, C_RANDOM, C_RANDOM, C_TRUNCATED, C_TRUNCATED, C_BITFLIP, C_BITFLIP,
	C_BAD_COOKIE, C_BAD_COOKIE, C_LYING_LENGTH, C_LYING_LENGTH, C_ATTR_PAST_END,
	C_ATTR_PAST_END, C_MANY_ATTRS, C_BAD_INTEGRITY, C_UNBOUND_CHANNEL, C_UNBOUND_CHANNEL,
	C_UNBOUND_CHANNEL, C_UNBOUND_CHANNEL, C_RANDOM,
};
static const enum cat peer_mix[20] = {
	C_PEER_RELAYED, C_PEER_RELAYED, C_PEER_RELAYED, C_PEER_RELAYED, C_PEER_RELAYED,
	C_PEER_RELAYED, C_PEER_RELAYED, C_PEER_RELAYED, C_PEER_RELAYED, C_PEER_RELAYED,
	C_PEER_RELAYED, C_PEER_RELAYED, C_PEER_RELAYED, C_PEER_RELAYED, C_PEER_RELAYED,
	C_PEER_RELAYED, C_PEER_RELAYED, C_PEER_RELAYED, C_PEER_OTHER, C_PEER_OTHER,
};

static uint64_t rng;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* CRC-32 (ISO-HDLC), as FINGERPRINT uses (RFC 8489 §14.7). */
static uint32_t
crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/* A STUN header: type, body length, cookie, random transaction id. */
static size_t
hdr(uint8_t *p, uint16_t type, uint16_t len, uint32_t cookie)
{
	wr16(p, type);
	wr16(p + 2, len);
	wr32(p + 4, cookie);
	rnd_bytes(p + 8, 12);
	return 20;
}

static size_t
attr(uint8_t *p, uint16_t type, const void *v, uint16_t len)
{
	size_t pad = (4 - len % 4) % 4;

	wr16(p, type);
	wr16(p + 2, len);
	memcpy(p + 4, v, len);
	memset(p + 4 + len, 0, pad);
	return 4 + len + pad;
}

/* A Binding request with SOFTWARE and a correct FINGERPRINT; *soft = offset of the value. */
static size_t
binding_with_fingerprint(uint8_t *p, size_t *soft)
{
	static const char sw[] = "dturn-flood-gen 1";
	size_t n = hdr(p, 0x0001, 0, COOKIE);
	uint32_t crc;

	*soft = n + 4;
	n += attr(p + n, 0x8022, sw, sizeof(sw) - 1);
	wr16(p + 2, (uint16_t)(n - 20 + 8));
	crc = crc32_of(p, n) ^ 0x5354554Eu;
	n += attr(p + n, 0x8028, (uint8_t[4]){ (uint8_t)(crc >> 24), (uint8_t)(crc >> 16),
					     (uint8_t)(crc >> 8), (uint8_t)crc }, 4);
	return n;
}

static size_t
make(enum cat c, uint8_t *p)
{
	size_t n, soft;

	switch (c) {
	case C_RANDOM:
		n = 1 + rnd() % 200;
		rnd_bytes(p, n);
		p[0] = (uint8_t)(128 + rnd() % 128);
		return n;
	case C_TRUNCATED:
		binding_with_fingerprint(p, &soft);
		return 1 + rnd() % 19;
	case C_BITFLIP:
		n = binding_with_fingerprint(p, &soft);
		p[soft + rnd() % 17] ^= (uint8_t)(1u << (rnd() % 8));
		return n;
	case C_BAD_COOKIE:
		n = hdr(p, 0x0003, 8, COOKIE ^ (uint32_t)(1 + rnd() % 0xffffffffu));
		n += attr(p + n, 0x0019, "\x11\0\0\0", 4);
		return n;
	case C_LYING_LENGTH: {
		size_t body = 4 * (rnd() % 8);

		n = hdr(p, 0x0001, 0, COOKIE);
		rnd_bytes(p + n, body);
		n += body;
		wr16(p + 2, (uint16_t)(body + 4 * (1 + rnd() % 256)));
		return n;
	}
	case C_ATTR_PAST_END: {
		n = hdr(p, 0x0001, 0, COOKIE);
		n += attr(p + n, 0x8022, "flood", 5);
		/* An attribute header whose length reaches past the message. */
		wr16(p + n, 0x0006);
		wr16(p + n + 2, (uint16_t)(8 + rnd() % 1000));
		memset(p + n + 4, 'u', 4);
		n += 8;
		wr16(p + 2, (uint16_t)(n - 20));
		return n;
	}
	case C_MANY_ATTRS:
		n = hdr(p, 0x0001, 200 * 4, COOKIE);
		for (int i = 0; i < 200; i++) {
			wr16(p + n, (uint16_t)(0x8000 + 0x100 + i)); /* optional, unknown */
			wr16(p + n + 2, 0);
			n += 4;
		}
		return n;
	case C_BAD_INTEGRITY: {
		uint8_t mi[20];

		n = hdr(p, 0x0004, 0, COOKIE);
		n += attr(p + n, 0x0006, "alice", 5);
		n += attr(p + n, 0x0014, "dturn.test", 10);
		n += attr(p + n, 0x0015, "0123456789abcdef0123", 20);
		rnd_bytes(mi, sizeof(mi));
		n += attr(p + n, 0x0008, mi, sizeof(mi));
		wr16(p + 2, (uint16_t)(n - 20));
		return n;
	}
	case C_UNBOUND_CHANNEL: {
		uint16_t len = (uint16_t)(rnd() % 160);

		wr16(p, (uint16_t)(0x4000 + rnd() % 0x1000));
		wr16(p + 2, len);
		rnd_bytes(p + 4, len);
		n = 4u + len;
		while (n % 4)
			p[n++] = 0;
		return n;
	}
	case C_PEER_RELAYED:
	case C_PEER_OTHER:
	default:
		n = 1 + rnd() % 300;
		rnd_bytes(p, n);
		return n;
	}
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sleep_until(double t)
{
	double d = t - now_s();

	if (d > 0) {
		struct timespec ts = { (time_t)d, (long)((d - (time_t)d) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

static int
usage(void)
{
	fprintf(stderr, "usage: flood_gen client DST_IP DST_PORT COUNT RATE SEED\n"
			"       flood_gen peer DST_IP LO-HI COUNT RATE SEED [EXCLUDE,...]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static uint8_t buf[BURST][MAXLEN];
	struct sockaddr_in dst[BURST];
	struct mmsghdr msg[BURST];
	struct iovec iov[BURST];
	uint64_t sent_cat[C_MAX] = { 0 };
	unsigned int lo = 0, hi = 0, dport = 0, nexcl = 0;
	unsigned int excl[64];
	struct in_addr addr;
	bool peer;
	uint64_t count, sent = 0;
	double rate, t0;
	int fd;

	if (argc < 7)
		return usage();
	peer = strcmp(argv[1], "peer") == 0;
	if (!peer && strcmp(argv[1], "client") != 0)
		return usage();
	if (inet_pton(AF_INET, argv[2], &addr) != 1)
		return usage();
	if (peer) {
		if (sscanf(argv[3], "%u-%u", &lo, &hi) != 2 || lo > hi || hi > 65535)
			return usage();
		for (char *s = argc > 7 ? argv[7] : NULL, *tok; s != NULL && (tok = strsep(&s, ","));)
			if (*tok && nexcl < 64)
				excl[nexcl++] = (unsigned int)atoi(tok);
	} else {
		dport = (unsigned int)atoi(argv[3]);
	}
	count = strtoull(argv[4], NULL, 10);
	rate = atof(argv[5]);
	rng = strtoull(argv[6], NULL, 10) * 0x9E3779B97F4A7C15ull | 1;
	if (count == 0 || rate <= 0)
		return usage();

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	int sz = 4 << 20;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	sz = 1 << 16; /* replies (Binding 4xx, 401) are not read: keep the backlog small */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));

	t0 = now_s();
	while (sent < count) {
		unsigned int n = count - sent < BURST ? (unsigned int)(count - sent) : BURST;

		sleep_until(t0 + (double)sent / rate);
		for (unsigned int k = 0; k < n; k++) {
			uint64_t i = sent + k;
			enum cat c = peer ? peer_mix[i % 20] : client_mix[i % 20];
			unsigned int port = dport;

			if (c == C_PEER_RELAYED) {
				bool bad;

				do {
					port = lo + (unsigned int)(rnd() % (hi - lo + 1));
					bad = false;
					for (unsigned int e = 0; e < nexcl; e++)
						bad |= excl[e] == port;
				} while (bad);
			} else if (c == C_PEER_OTHER) {
				port = 20000 + (unsigned int)(rnd() % 10000);
			}
			memset(&dst[k], 0, sizeof(dst[k]));
			dst[k].sin_family = AF_INET;
			dst[k].sin_addr = addr;
			dst[k].sin_port = htons((uint16_t)port);
			iov[k].iov_base = buf[k];
			iov[k].iov_len = make(c, buf[k]);
			memset(&msg[k], 0, sizeof(msg[k]));
			msg[k].msg_hdr.msg_name = &dst[k];
			msg[k].msg_hdr.msg_namelen = sizeof(dst[k]);
			msg[k].msg_hdr.msg_iov = &iov[k];
			msg[k].msg_hdr.msg_iovlen = 1;
			sent_cat[c]++;
		}
		for (unsigned int done = 0; done < n;) {
			int r = sendmmsg(fd, msg + done, n - done, 0);

			if (r < 0) {
				if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN ||
				    errno == ECONNREFUSED)
					continue;
				perror("sendmmsg");
				return 1;
			}
			done += (unsigned int)r;
		}
		sent += n;
	}
	double t = now_s() - t0;

	for (int c = 0; c < C_MAX; c++)
		if (sent_cat[c] != 0)
			printf("category %s %llu %s\n", cat_name[c], (unsigned long long)sent_cat[c],
			       cat_counter[c]);
	printf("sent %llu in %.1f s (%.0f/s)\n", (unsigned long long)sent, t, sent / t);
	close(fd);
	return 0;
}
