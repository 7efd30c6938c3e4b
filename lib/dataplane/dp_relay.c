/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Relayed data leaves in the mbuf it arrived in: cut down to the data, then
 * the ChannelData header or Data indication header prepended (RFC 8656
 * §11.4, §12.4), then fresh UDP/IP/Ethernet headers from lib/net.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "dataplane.h"
#include "net_cksum.h"

/* xorshift64: transaction ids of Data indications only need to differ (RFC 8489 §6). */
static void
next_tid(uint64_t *s, uint8_t tid[STUN_TID_LEN])
{
	for (unsigned int i = 0; i < STUN_TID_LEN; i += 4) {
		*s ^= *s << 13;
		*s ^= *s >> 7;
		*s ^= *s << 17;
		memcpy(tid + i, s, 4);
	}
}

/* Frame the data for the client; 0 or -1 (counted). */
static int
frame_for_client(struct dp_lcore *lc, struct rte_mbuf *m, const struct turn_relay *rel,
		 uint16_t *hdr_sum)
{
	uint32_t len = rel->data_len;

	if (rel->channel != 0) {
		uint8_t *h = (uint8_t *)rte_pktmbuf_prepend(m, STUN_CHANNEL_HEADER_LEN);

		if (h == NULL)
			goto too_big;
		stun_channel_header(h, rel->channel, (uint16_t)len);
		/* From the values, not by loading the bytes just stored (net_cksum.h). */
		*hdr_sum = net_cksum_fold((uint32_t)rte_cpu_to_be_16(rel->channel) +
					  rte_cpu_to_be_16((uint16_t)len));
		return 0;
	}

	uint8_t hdr[64], tid[STUN_TID_LEN];
	size_t hlen;
	uint32_t pad = (4 - (len & 3)) & 3;

	next_tid(&lc->tid_state, tid);
	hlen = turn_data_indication_header(hdr, sizeof(hdr), &rel->peer, len, tid);
	if (hlen == 0)
		goto too_big;

	uint8_t *h = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)hlen);

	if (h == NULL)
		goto too_big;
	memcpy(h, hdr, hlen);
	*hdr_sum = net_cksum_at(hdr, hlen, 0); /* the zero padding adds nothing */
	if (pad > 0) {
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)pad);

		if (p == NULL)
			goto too_big;
		memset(p, 0, pad);
	}
	return 0;
too_big:
	metrics_inc(&lc->mx, METRICS_DROP_RELAY_TOO_BIG);
	return -1;
}

static int
send_relayed(struct dp_lcore *lc, struct rte_mbuf *m, const struct turn_relay *rel,
	     int32_t sum, uint64_t now_tsc)
{
	struct dp_port_queue *out = &lc->ports[rel->port_index];
	struct rte_mbuf *probe = NULL;
	int ret = net_udp_send_sum(out->port, m,
				   rel->dst.family == STUN_FAMILY_IPV4 ? AF_INET : AF_INET6,
				   rel->src.addr, rel->src.port, rel->dst.addr, rel->dst.port,
				   lc->pool, &probe, &lc->mx, now_tsc, sum, &lc->neigh_cache);

	if (probe != NULL)
		dp_tx_enqueue(lc, out, probe);
	if (ret == 0)
		dp_tx_enqueue(lc, out, m);
	return ret;
}

/* Keep a datagram whose next hop is being resolved, rather than lose the first of a flow. */
static void
hold(struct dp_lcore *lc, struct rte_mbuf *m, const struct turn_relay *rel, int32_t sum,
     uint64_t now_tsc)
{
	if (lc->held_count == DP_HOLD) {
		/* The queue is full: this one is dropped at once, counted only as a drop. */
		metrics_inc(&lc->mx, METRICS_DROP_NEIGH_UNRESOLVED);
		rte_pktmbuf_free(m);
		return;
	}

	struct dp_held *h = &lc->held[lc->held_count++];

	metrics_inc(&lc->mx, METRICS_NEIGH_PENDING);
	h->m = m;
	h->since_tsc = now_tsc;
	h->rel = *rel;
	h->sum = sum;
}

void
dp_relay_retry_held(struct dp_lcore *lc, uint64_t now_tsc)
{
	unsigned int kept = 0;
	uint64_t limit = lc->settings->tsc_per_ms * 1000;

	lc->neigh_cache.port = NULL; /* a retry asks the neighbour table afresh */

	for (unsigned int i = 0; i < lc->held_count; i++) {
		struct dp_held *h = &lc->held[i];
		int ret = send_relayed(lc, h->m, &h->rel, h->sum, now_tsc);

		if (ret == 0) {
			metrics_inc(&lc->mx, METRICS_NEIGH_HELD_SENT);
			continue;
		}
		if (ret == -EAGAIN && now_tsc - h->since_tsc < limit) {
			lc->held[kept++] = *h;
			continue;
		}
		if (ret == -EAGAIN)
			metrics_inc(&lc->mx, METRICS_DROP_NEIGH_UNRESOLVED);
		rte_pktmbuf_free(h->m);
	}
	lc->held_count = kept;
}

void
dp_relay_drop_held(struct dp_lcore *lc)
{
	for (unsigned int i = 0; i < lc->held_count; i++)
		rte_pktmbuf_free(lc->held[i].m);
	lc->held_count = 0;
}

/*
 * The one's complement sum of the relayed bytes, from the sum lib/net kept
 * while verifying the datagram: what lies before and after the data is
 * subtracted (a few header bytes), so the payload is never summed twice.
 * -1 when no sum was kept (offloaded or absent checksum).
 */
static int32_t
data_sum(const struct net_udp_info *info, const uint8_t *payload, const struct turn_relay *rel)
{
	uint32_t end = rel->data_offset + rel->data_len;

	if (!info->payload_sum_valid || end > info->payload_len)
		return -1;
	uint16_t s = info->payload_sum;

	/*
	 * Most relayed data has nothing after it (ChannelData) or before it (peer
	 * data); before ChannelData's data is its 4-byte header, one word.
	 */
	if (rel->data_offset == STUN_CHANNEL_HEADER_LEN)
		s = net_cksum_sub(s, net_cksum_words32(payload, 1));
	else if (rel->data_offset > 0)
		s = net_cksum_sub(s, net_cksum_at(payload, rel->data_offset, 0));
	if (end < info->payload_len)
		s = net_cksum_sub(s, net_cksum_at(payload + end, info->payload_len - end, end));
	/* Counted at data_offset; the data starts a datagram of its own (offset 0). */
	if (rel->data_offset & 1)
		s = (uint16_t)((s << 8) | (s >> 8));
	return s;
}

/*
 * Cut m down to its first len bytes (len <= pkt_len). rte_pktmbuf_trim finds
 * the last segment through m->next, on the mbuf's second cache line, which
 * nothing else on the relay path reads: a single segment is cut in place.
 */
static int
cut_to(struct rte_mbuf *m, uint32_t len)
{
	if (m->nb_segs == 1) {
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		return 0;
	}
	return rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - len));
}

void
dp_relay(struct dp_lcore *lc, struct rte_mbuf *m, const struct net_udp_info *info,
	 const struct turn_relay *rel, uint64_t now_tsc)
{
	uint32_t start = (uint32_t)info->payload_offset + rel->data_offset;
	int32_t sum = -1;
	uint16_t hdr_sum = 0;

	if (rel->port_index < lc->port_count && start + rel->data_len <= m->pkt_len)
		sum = data_sum(info, rte_pktmbuf_mtod_offset(m, const uint8_t *, info->payload_offset),
			       rel);
	if (rel->port_index >= lc->port_count || start + rel->data_len > m->pkt_len ||
	    rte_pktmbuf_adj(m, (uint16_t)start) == NULL ||
	    cut_to(m, rel->data_len) != 0) {
		metrics_inc(&lc->mx, METRICS_DROP_RELAY_TOO_BIG);
		rte_pktmbuf_free(m);
		return;
	}
	if (rel->to_client) {
		if (frame_for_client(lc, m, rel, &hdr_sum) != 0) {
			rte_pktmbuf_free(m);
			return;
		}
		if (sum >= 0)
			sum = net_cksum_add((uint16_t)sum, hdr_sum);
	}

	int ret = send_relayed(lc, m, rel, sum, now_tsc);

	if (ret == -EAGAIN)
		hold(lc, m, rel, sum, now_tsc);
	else if (ret != 0)
		rte_pktmbuf_free(m);
}
