/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit sequence-number arithmetic (RFC 9293 section 3.4): comparisons are
 * modulo 2^32, so they hold across wraparound as long as the two numbers are
 * less than 2^31 apart.
 */
#ifndef _XTCP_SEQ_H
#define _XTCP_SEQ_H

#include <linux/types.h>

static inline bool xtcp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool xtcp_seq_after(u32 a, u32 b)
{
	return xtcp_seq_before(b, a);
}

static inline bool xtcp_seq_before_eq(u32 a, u32 b)
{
	return !xtcp_seq_after(a, b);
}

static inline bool xtcp_seq_after_eq(u32 a, u32 b)
{
	return !xtcp_seq_before(a, b);
}

/* start <= seq < end, the half-open window of RFC 9293's acceptability test */
static inline bool xtcp_seq_in_window(u32 seq, u32 start, u32 end)
{
	return seq - start < end - start;
}

#endif /* _XTCP_SEQ_H */
