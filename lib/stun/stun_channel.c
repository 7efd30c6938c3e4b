/* SPDX-License-Identifier: BSD-3-Clause */
/* ChannelData framing (RFC 8656 §12) and first-byte demultiplexing (RFC 7983). */
#include "stun.h"
#include "stun_wire.h"

/* RFC 7983 §7: 0-3 STUN, 16-19 ZRTP, 20-63 DTLS, 64-79 TURN channel, 128-191 RTP/RTCP. */
enum stun_demux
stun_demux(const uint8_t *buf, size_t len)
{
	if (buf == NULL || len == 0)
		return STUN_DEMUX_OTHER;
	if (buf[0] <= 3)
		return STUN_DEMUX_STUN;
	if (buf[0] >= 64 && buf[0] <= 79)
		return STUN_DEMUX_CHANNEL;
	return STUN_DEMUX_OTHER;
}

/* RFC 8656 §12.4, §12.5 */
enum stun_result
stun_channel_decode(const uint8_t *buf, size_t len, struct stun_channel_data *out)
{
	return stun_channel_decode_max(buf, len, STUN_CHANNEL_MAX, out);
}

enum stun_result
stun_channel_decode_max(const uint8_t *buf, size_t len, uint16_t max_channel,
			struct stun_channel_data *out)
{
	if (buf == NULL || len < STUN_CHANNEL_HEADER_LEN)
		return STUN_CHANNEL_TRUNCATED;

	uint16_t channel = stun_rd16(buf);
	uint16_t dlen = stun_rd16(buf + 2);
	size_t avail = len - STUN_CHANNEL_HEADER_LEN;

	if (channel < 0x4000 || channel > max_channel)
		return STUN_CHANNEL_NUMBER;
	/* Over UDP the sender may pad to 4 bytes; anything beyond that is a lie. */
	if (dlen > avail || avail - dlen > 3)
		return STUN_CHANNEL_LENGTH;
	out->channel = channel;
	out->len = dlen;
	out->data = buf + STUN_CHANNEL_HEADER_LEN;
	return STUN_OK;
}

void
stun_channel_header(uint8_t *hdr, uint16_t channel, uint16_t len)
{
	stun_wr16(hdr, channel);
	stun_wr16(hdr + 2, len);
}
