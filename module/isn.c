// SPDX-License-Identifier: GPL-2.0
/*
 * Initial sequence numbers, RFC 6528: ISN = M + F(4-tuple, secret), where
 * M is a clock ticking every 4 microseconds and F a keyed hash (SipHash),
 * so ISNs are neither constant nor predictable from outside.
 */
#include <linux/random.h>
#include <linux/siphash.h>
#include <kunit/visibility.h>

#include "xtcp/xtcp.h"

static siphash_key_t xtcp_isn_key __read_mostly;

void xtcp_isn_init(void)
{
	get_random_bytes(&xtcp_isn_key, sizeof(xtcp_isn_key));
}

u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport, u64 now_ns)
{
	u32 f = siphash_3u32((__force u32)saddr, (__force u32)daddr,
			     (__force u32)sport << 16 | (__force u32)dport,
			     &xtcp_isn_key);

	return f + (u32)(now_ns >> 12);	/* 4.096 us per tick */
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_isn);
