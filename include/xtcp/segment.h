/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xtcp segment header. It is laid out exactly like TCP's (RFC 9293
 * section 3.1), so it is struct tcphdr, and every capture tool decodes it.
 * Parsing and building work on plain buffers so KUnit can call them.
 */
#ifndef _XTCP_SEGMENT_H
#define _XTCP_SEGMENT_H

#include <linux/tcp.h>
#include <linux/types.h>

/* Flag bits as they sit in byte 13 of the header. */
#define XTCP_FLAG_FIN	0x01
#define XTCP_FLAG_SYN	0x02
#define XTCP_FLAG_RST	0x04
#define XTCP_FLAG_PSH	0x08
#define XTCP_FLAG_ACK	0x10
#define XTCP_FLAG_URG	0x20
#define XTCP_FLAG_ECE	0x40
#define XTCP_FLAG_CWR	0x80

#define XTCP_HDR_MIN		20
#define XTCP_HDR_MAX		60
#define XTCP_WSCALE_MAX		14	/* RFC 7323 section 2.3 */

/* Option kinds (RFC 9293 section 3.2, RFC 7323). */
#define XTCP_OPT_EOL		0
#define XTCP_OPT_NOP		1
#define XTCP_OPT_MSS		2
#define XTCP_OPT_WSCALE		3
#define XTCP_OPT_SACK_PERM	4	/* RFC 2018 */
#define XTCP_OPT_SACK		5
#define XTCP_OPT_TIMESTAMP	8	/* RFC 7323 section 3 */

#define XTCP_SACK_BLOCKS_MAX	4	/* 40 option bytes hold at most four */

/* Why a segment was dropped before any state saw it. */
enum xtcp_seg_verdict {
	XTCP_SEG_OK = 0,
	XTCP_SEG_SHORT,		/* shorter than the header it claims */
	XTCP_SEG_BAD_DOFF,	/* data offset below 5 or past the end */
	XTCP_SEG_BAD_OPTION,	/* an option runs past the header or is malformed */
	XTCP_SEG_BAD_FLAGS,	/* SYN+FIN, SYN+RST, or no ACK where one is needed */
	XTCP_SEG_BAD_CSUM,	/* checksum over the pseudo-header does not hold */
	XTCP_SEG_VERDICTS
};

/* A SACK block (RFC 2018 section 3): the peer holds [start, end). */
struct xtcp_sack_block {
	u32 start;
	u32 end;
};

/* A segment's header fields in host order, and where its payload is. */
struct xtcp_seg {
	u16 src_port;
	u16 dst_port;
	u32 seq;
	u32 ack;
	u8 flags;
	u32 window;		/* as on the wire, until a socket scales it */
	u16 urg_ptr;
	u16 mss;		/* MSS option; 0 when absent */
	s8 wscale;		/* window-scale option; -1 when absent */
	u8 sack_ok:1;		/* SACK-permitted option (a SYN's; built: offered) */
	u8 ts_ok:1;		/* a timestamps option: ts_val, ts_ecr */
	u8 sack_blocks;		/* SACK blocks in sack[] (parsed, or to build) */
	u8 sack_off;		/* the SACK option's first block, from the header's start */
	u32 ts_val;
	u32 ts_ecr;
	struct xtcp_sack_block sack[XTCP_SACK_BLOCKS_MAX];
	u8 hdr_len;		/* header bytes, options included */
	const u8 *payload;
	u32 payload_len;
};

/* A big-endian 32-bit field at any alignment (6.1 and 6.12 keep get_unaligned apart). */
static inline u32 xtcp_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void xtcp_put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

const char *xtcp_seg_verdict_name(enum xtcp_seg_verdict verdict);
enum xtcp_seg_verdict xtcp_seg_parse(const void *buf, unsigned int len,
				     struct xtcp_seg *seg);
unsigned int xtcp_seg_build(void *buf, unsigned int buflen,
			    const struct xtcp_seg *seg);
__sum16 xtcp_seg_checksum(__be32 saddr, __be32 daddr, const void *buf,
			  unsigned int len, u8 ipproto);

#endif /* _XTCP_SEGMENT_H */
