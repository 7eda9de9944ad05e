// SPDX-License-Identifier: GPL-2.0
/*
 * Segment header parsing and building (RFC 9293 section 3.1). Nothing here
 * touches a socket: a malformed header is rejected with a verdict that says
 * why, and the caller counts and drops it.
 */
#include <kunit/visibility.h>
#include <linux/string.h>
#include <net/checksum.h>

#include "xtcp/segment.h"

static const char * const xtcp_seg_verdict_names[XTCP_SEG_VERDICTS] = {
	[XTCP_SEG_OK]		= "ok",
	[XTCP_SEG_SHORT]	= "short",
	[XTCP_SEG_BAD_DOFF]	= "bad_doff",
	[XTCP_SEG_BAD_OPTION]	= "bad_option",
	[XTCP_SEG_BAD_FLAGS]	= "bad_flags",
	[XTCP_SEG_BAD_CSUM]	= "bad_csum",
};

const char *xtcp_seg_verdict_name(enum xtcp_seg_verdict verdict)
{
	if ((unsigned int)verdict >= XTCP_SEG_VERDICTS)
		return "unknown";
	return xtcp_seg_verdict_names[verdict];
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_seg_verdict_name);

/*
 * RFC 9293 section 3.2: options are EOL, NOP, or kind-length-value. Unknown
 * kinds are skipped by their length; a length below 2 or one that runs past
 * the header is malformed, and so is an MSS or window-scale option of the
 * wrong length. SACK-permitted, SACK (RFC 2018) and timestamps (RFC 7323)
 * of a wrong length are ignored, as Linux's tcp_parse_options() ignores them.
 */
/* RFC 2018 section 3: 1 to 4 blocks of two 32-bit edges, at off in the header. */
static void xtcp_parse_sack(const u8 *opt, u8 olen, unsigned int off, struct xtcp_seg *seg)
{
	unsigned int n = (olen - 2) / 8, b;

	if (olen < 10 || (olen - 2) % 8 || n > XTCP_SACK_BLOCKS_MAX)
		return;
	for (b = 0; b < n; b++) {
		seg->sack[b].start = xtcp_be32(opt + 2 + 8 * b);
		seg->sack[b].end = xtcp_be32(opt + 6 + 8 * b);
	}
	seg->sack_blocks = n;
	seg->sack_off = off + 2;
}

static enum xtcp_seg_verdict xtcp_parse_options(const u8 *opt, unsigned int len,
						struct xtcp_seg *seg)
{
	unsigned int i = 0;

	while (i < len) {
		u8 kind = opt[i];
		u8 olen;

		if (kind == XTCP_OPT_EOL)
			break;
		if (kind == XTCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return XTCP_SEG_BAD_OPTION;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			return XTCP_SEG_BAD_OPTION;
		switch (kind) {
		case XTCP_OPT_MSS:
			if (olen != 4)
				return XTCP_SEG_BAD_OPTION;
			/* RFC 9293 3.7.1: only meaningful on a SYN */
			if (seg->flags & XTCP_FLAG_SYN)
				seg->mss = opt[i + 2] << 8 | opt[i + 3];
			break;
		case XTCP_OPT_WSCALE:
			if (olen != 3)
				return XTCP_SEG_BAD_OPTION;
			/* RFC 7323 2.3: a shift above 14 is used as 14 */
			if (seg->flags & XTCP_FLAG_SYN)
				seg->wscale = min_t(u8, opt[i + 2], XTCP_WSCALE_MAX);
			break;
		case XTCP_OPT_SACK_PERM:
			if (olen == 2 && (seg->flags & XTCP_FLAG_SYN))
				seg->sack_ok = 1;
			break;
		case XTCP_OPT_SACK:
			xtcp_parse_sack(opt + i, olen, XTCP_HDR_MIN + i, seg);
			break;
		case XTCP_OPT_TIMESTAMP:
			if (olen == 10) {
				seg->ts_ok = 1;
				seg->ts_val = xtcp_be32(opt + i + 2);
				seg->ts_ecr = xtcp_be32(opt + i + 6);
			}
			break;
		default:
			break;
		}
		i += olen;
	}
	return XTCP_SEG_OK;
}

/*
 * Flag combinations no correct sender produces (RFC 9293 section 3.10.7):
 * SYN with FIN or RST, and a segment that is neither SYN nor RST yet carries
 * no ACK (every segment after the opening SYN acknowledges something).
 */
static bool xtcp_flags_valid(u8 flags)
{
	if ((flags & XTCP_FLAG_SYN) && (flags & (XTCP_FLAG_FIN | XTCP_FLAG_RST)))
		return false;
	if (!(flags & (XTCP_FLAG_SYN | XTCP_FLAG_RST | XTCP_FLAG_ACK)))
		return false;
	return true;
}

enum xtcp_seg_verdict xtcp_seg_parse(const void *buf, unsigned int len,
				     struct xtcp_seg *seg)
{
	const struct tcphdr *th = buf;
	unsigned int hdr_len;
	enum xtcp_seg_verdict verdict;

	if (len < XTCP_HDR_MIN)
		return XTCP_SEG_SHORT;
	hdr_len = th->doff * 4;
	if (hdr_len < XTCP_HDR_MIN || hdr_len > len)
		return XTCP_SEG_BAD_DOFF;

	memset(seg, 0, sizeof(*seg));
	seg->src_port = ntohs(th->source);
	seg->dst_port = ntohs(th->dest);
	seg->seq = ntohl(th->seq);
	seg->ack = ntohl(th->ack_seq);
	seg->flags = ((const u8 *)buf)[13];
	seg->window = ntohs(th->window);
	seg->urg_ptr = ntohs(th->urg_ptr);
	seg->wscale = -1;
	seg->hdr_len = hdr_len;
	seg->payload = (const u8 *)buf + hdr_len;
	seg->payload_len = len - hdr_len;

	if (!xtcp_flags_valid(seg->flags))
		return XTCP_SEG_BAD_FLAGS;
	verdict = xtcp_parse_options((const u8 *)buf + XTCP_HDR_MIN,
				     hdr_len - XTCP_HDR_MIN, seg);
	return verdict;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_seg_parse);

/*
 * Write seg's header into buf and return its length, or 0 if buf is too
 * small. Options in Linux's layout (tcp_options_write()): MSS; SACK-permitted
 * and timestamps (NOP, NOP in place of either); NOP, window scale; NOP, NOP,
 * SACK blocks; NOP-padded to a 32-bit boundary. The checksum is left zero
 * for xtcp_seg_checksum().
 */
unsigned int xtcp_seg_build(void *buf, unsigned int buflen,
			    const struct xtcp_seg *seg)
{
	struct tcphdr *th = buf;
	u8 opt[XTCP_HDR_MAX - XTCP_HDR_MIN];
	unsigned int olen = 0, hdr_len, b;

	if (seg->mss) {
		opt[olen++] = XTCP_OPT_MSS;
		opt[olen++] = 4;
		opt[olen++] = seg->mss >> 8;
		opt[olen++] = seg->mss & 0xff;
	}
	if (seg->ts_ok) {
		/* SACK-permitted takes the place of the NOPs (Linux's layout). */
		opt[olen++] = seg->sack_ok ? XTCP_OPT_SACK_PERM : XTCP_OPT_NOP;
		opt[olen++] = seg->sack_ok ? 2 : XTCP_OPT_NOP;
		opt[olen++] = XTCP_OPT_TIMESTAMP;
		opt[olen++] = 10;
		xtcp_put_be32(opt + olen, seg->ts_val);
		xtcp_put_be32(opt + olen + 4, seg->ts_ecr);
		olen += 8;
	} else if (seg->sack_ok) {
		opt[olen++] = XTCP_OPT_NOP;
		opt[olen++] = XTCP_OPT_NOP;
		opt[olen++] = XTCP_OPT_SACK_PERM;
		opt[olen++] = 2;
	}
	if (seg->wscale >= 0) {
		opt[olen++] = XTCP_OPT_NOP;
		opt[olen++] = XTCP_OPT_WSCALE;
		opt[olen++] = 3;
		opt[olen++] = min_t(u8, seg->wscale, XTCP_WSCALE_MAX);
	}
	if (seg->sack_blocks && seg->sack_blocks <= XTCP_SACK_BLOCKS_MAX &&
	    olen + 4 + 8 * seg->sack_blocks <= sizeof(opt)) {
		opt[olen++] = XTCP_OPT_NOP;
		opt[olen++] = XTCP_OPT_NOP;
		opt[olen++] = XTCP_OPT_SACK;
		opt[olen++] = 2 + 8 * seg->sack_blocks;
		for (b = 0; b < seg->sack_blocks; b++) {
			xtcp_put_be32(opt + olen, seg->sack[b].start);
			xtcp_put_be32(opt + olen + 4, seg->sack[b].end);
			olen += 8;
		}
	}
	while (olen % 4)
		opt[olen++] = XTCP_OPT_NOP;

	hdr_len = XTCP_HDR_MIN + olen;
	if (buflen < hdr_len)
		return 0;

	memset(th, 0, XTCP_HDR_MIN);
	th->source = htons(seg->src_port);
	th->dest = htons(seg->dst_port);
	th->seq = htonl(seg->seq);
	th->ack_seq = htonl(seg->ack);
	th->doff = hdr_len / 4;
	((u8 *)buf)[13] = seg->flags;
	th->window = htons(min_t(u32, seg->window, U16_MAX));
	th->urg_ptr = htons(seg->urg_ptr);
	memcpy((u8 *)buf + XTCP_HDR_MIN, opt, olen);
	return hdr_len;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_seg_build);

/*
 * The Internet checksum over the IPv4 pseudo-header and the segment, exactly
 * as TCP computes it (RFC 9293 section 3.1) but with xtcp's protocol number
 * in the pseudo-header. A segment whose checksum field is right sums to 0.
 */
__sum16 xtcp_seg_checksum(__be32 saddr, __be32 daddr, const void *buf,
			  unsigned int len, u8 ipproto)
{
	return csum_tcpudp_magic(saddr, daddr, len, ipproto,
				 csum_partial(buf, len, 0));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_seg_checksum);
