/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SYN cookies (RFC 4987 3.6; syncookies.c): a listener whose queue is full
 * answers a SYN with a SYN+ACK whose ISS encodes what it must remember, and
 * keeps nothing; the peer's ACK brings it back.
 */
#ifndef _XTCP_SYNCOOKIES_H
#define _XTCP_SYNCOOKIES_H

#include <linux/types.h>

/* What a cookie carries of the peer's SYN. */
struct xtcp_cookie_data {
	u16 mss;		/* the largest of the MSS table not above the peer's */
	s8 wscale;		/* the peer's window shift, -1: it offered none */
};

u32 xtcp_cookie_make(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport, u32 peer_isn,
		     const struct xtcp_cookie_data *d, u64 now_ns);
int xtcp_cookie_check(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport, u32 peer_isn,
		      u32 cookie, u64 now_ns, struct xtcp_cookie_data *d);
u16 xtcp_cookie_mss(u16 peer_mss);
u32 xtcp_cookie_tsval(u32 tsval, bool sack);
void xtcp_cookie_init(void);

/* The peer's SACK offer, from the echo of a cookie's TSval (xtcp_cookie_tsval()). */
static inline bool xtcp_cookie_ts_sack(u32 tsecr)
{
	return tsecr & 1;
}

#endif /* _XTCP_SYNCOOKIES_H */
