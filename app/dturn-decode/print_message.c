/* SPDX-License-Identifier: BSD-3-Clause */
/* One message: demultiplex by the first byte (RFC 7983), print it, say the verdict. */
#include <string.h>

#include "decode.h"

void
verdict_fail(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->kind != VERDICT_OK)
		return;
	v->kind = VERDICT_FAIL;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
}

void
verdict_note(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->note[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(v->note, sizeof(v->note), fmt, ap);
	va_end(ap);
}

void
detail(const struct decode_opts *opts, const char *fmt, ...)
{
	va_list ap;

	if (opts->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/* RFC 8656 §12.4 */
static void
print_channel(const struct decode_opts *opts, const char *name, const uint8_t *buf, size_t len,
	      struct verdict *v)
{
	struct stun_channel_data cd;
	enum stun_result r = stun_channel_decode(buf, len, &cd);
	char hex[2 * HEX_SHOWN_MAX + 64];

	if (r != STUN_OK) {
		v->kind = VERDICT_ERROR;
		snprintf(v->why, sizeof(v->why), "%s (%s)", stun_result_str(r), stun_result_name(r));
		return;
	}
	detail(opts, "%s: ChannelData channel 0x%04x, length %u", name, cd.channel, cd.len);
	if (len - STUN_CHANNEL_HEADER_LEN > cd.len)
		detail(opts, ", %zu bytes of padding", len - STUN_CHANNEL_HEADER_LEN - cd.len);
	detail(opts, "\n  data: %s\n",
	       cd.len > 0 ? fmt_hex(hex, sizeof(hex), cd.data, cd.len, HEX_SHOWN_MAX) : "(empty)");
}

static const char *
other_kind(uint8_t b)
{
	/* RFC 7983 §7 */
	if (b >= 16 && b <= 19)
		return "ZRTP";
	if (b >= 20 && b <= 63)
		return "DTLS";
	if (b >= 80 && b <= 127)
		return "a channel number RFC 5766 allowed and RFC 8656 reserves";
	if (b >= 128 && b <= 191)
		return "RTP/RTCP";
	return "nothing RFC 7983 assigns";
}

enum verdict_kind
print_message(const struct decode_opts *opts, const char *name, const uint8_t *buf, size_t len)
{
	struct verdict v;

	memset(&v, 0, sizeof(v));
	switch (stun_demux(buf, len)) {
	case STUN_DEMUX_CHANNEL:
		print_channel(opts, name, buf, len, &v);
		break;
	case STUN_DEMUX_STUN:
		print_stun(opts, name, buf, len, &v);
		break;
	case STUN_DEMUX_OTHER:
	default:
		/* Empty input, or a first byte that is neither: say what it looks
		 * like, then let the decoder that fits best give the reason. */
		if (len > 0)
			detail(opts, "%s: first byte 0x%02x is not STUN or ChannelData "
			       "(RFC 7983: %s)\n", name, buf[0], other_kind(buf[0]));
		if (len > 0 && buf[0] >= 0x40 && buf[0] <= 0x7F)
			print_channel(opts, name, buf, len, &v);
		else
			print_stun(opts, name, buf, len, &v);
		break;
	}

	switch (v.kind) {
	case VERDICT_OK:
		if (v.note[0] != '\0')
			printf("%s: ok (%s)\n", name, v.note);
		else
			printf("%s: ok\n", name);
		break;
	case VERDICT_FAIL:
		printf("%s: FAIL: %s\n", name, v.why);
		break;
	case VERDICT_ERROR:
	default:
		printf("%s: error: %s\n", name, v.why);
		break;
	}
	return v.kind;
}
