// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies (RFC 4987 3.6), laid out as Linux's (net/ipv4/syncookies.c):
 *
 *   ISS = H0(4-tuple) + SEG.SEQ + (minute << 24)
 *         + ((H1(4-tuple, minute) + data) mod 2^24)
 *
 * H0 and H1 are SipHash under two secrets; the minute counter makes a
 * cookie good for two minutes; data is 6 bits: the index of the peer's
 * MSS in Linux's table (2 bits) and the peer's window shift (4 bits, 15
 * for none), so window scaling survives a cookie (Linux keeps it in the
 * timestamp). SACK survives in the SYN+ACK's TSval, when the peer offered
 * timestamps (xtcp_cookie_tsval(), as Linux's cookie_init_timestamp()). A
 * forged ACK passes with probability 64 / 2^24, about 2^-18.
 */
#include <kunit/visibility.h>
#include <linux/cache.h>
#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/time64.h>
#include <linux/random.h>
#include <linux/siphash.h>

#include "xtcp/syncookies.h"

#define XTCP_COOKIE_BITS	24
#define XTCP_COOKIE_MASK	((1u << XTCP_COOKIE_BITS) - 1)
#define XTCP_COOKIE_AGE		2	/* minutes a cookie stays good */
#define XTCP_COOKIE_NO_WSCALE	15

/* Linux's msstab for IPv4: the MSS values a cookie can name. */
static const u16 xtcp_cookie_msstab[] = { 536, 1300, 1440, 1460 };

static siphash_key_t xtcp_cookie_secret[2] __read_mostly;

void xtcp_cookie_init(void)
{
	get_random_bytes(xtcp_cookie_secret, sizeof(xtcp_cookie_secret));
}

static u32 xtcp_cookie_hash(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
			    u32 minute, int c)
{
	return siphash_4u32((__force u32)saddr, (__force u32)daddr,
			    (__force u32)sport << 16 | (__force u32)dport, minute,
			    &xtcp_cookie_secret[c]);
}

static u32 xtcp_cookie_minute(u64 now_ns)
{
	return (u32)div64_u64(now_ns, 60 * NSEC_PER_SEC);
}

static int xtcp_cookie_mss_index(u16 peer_mss)
{
	int i;

	for (i = ARRAY_SIZE(xtcp_cookie_msstab) - 1; i > 0; i--)
		if (peer_mss >= xtcp_cookie_msstab[i])
			break;
	return i;
}

/* The MSS a cookie keeps for a peer that announced peer_mss. */
u16 xtcp_cookie_mss(u16 peer_mss)
{
	return xtcp_cookie_msstab[xtcp_cookie_mss_index(peer_mss)];
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_mss);

/* The ISS for a SYN (peer_isn) to local saddr:sport from daddr:dport. */
u32 xtcp_cookie_make(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport, u32 peer_isn,
		     const struct xtcp_cookie_data *d, u64 now_ns)
{
	u32 minute = xtcp_cookie_minute(now_ns);
	u32 ws = d->wscale < 0 ? XTCP_COOKIE_NO_WSCALE : min_t(u32, d->wscale, 14);
	u32 data = xtcp_cookie_mss_index(d->mss) | ws << 2;

	return xtcp_cookie_hash(saddr, daddr, sport, dport, 0, 0) + peer_isn +
	       (minute << XTCP_COOKIE_BITS) +
	       ((xtcp_cookie_hash(saddr, daddr, sport, dport, minute, 1) + data) &
		XTCP_COOKIE_MASK);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_make);

/*
 * cookie (SEG.ACK - 1 of the peer's ACK) for the SYN peer_isn (SEG.SEQ - 1):
 * 0 and what it carries if it is one of ours from the last two minutes,
 * -EINVAL otherwise.
 */
int xtcp_cookie_check(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport, u32 peer_isn,
		      u32 cookie, u64 now_ns, struct xtcp_cookie_data *d)
{
	u32 minute = xtcp_cookie_minute(now_ns), age, data;

	cookie -= xtcp_cookie_hash(saddr, daddr, sport, dport, 0, 0) + peer_isn;
	age = (minute - (cookie >> XTCP_COOKIE_BITS)) & (U32_MAX >> XTCP_COOKIE_BITS);
	if (age >= XTCP_COOKIE_AGE)
		return -EINVAL;
	data = (cookie - xtcp_cookie_hash(saddr, daddr, sport, dport, minute - age, 1)) &
	       XTCP_COOKIE_MASK;
	if (data >= 4 << 4)
		return -EINVAL;
	d->mss = xtcp_cookie_msstab[data & 3];
	d->wscale = data >> 2 == XTCP_COOKIE_NO_WSCALE ? -1 : data >> 2;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_check);

/*
 * The TSval of a cookie's SYN+ACK: the clock tsval with its lowest bit
 * saying whether the peer offered SACK (so the ACK's echo brings it back,
 * xtcp_cookie_ts_sack()), never ahead of the clock, as Linux's
 * cookie_init_timestamp() keeps its options in the low bits.
 */
u32 xtcp_cookie_tsval(u32 tsval, bool sack)
{
	u32 ts = (tsval & ~1u) | sack;

	return (s32)(ts - tsval) > 0 ? ts - 2 : ts;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_tsval);
