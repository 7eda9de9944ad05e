/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When an ACK for in-order data goes at once rather than delayed: quick
 * ACKs and interactive (pingpong) mode, as Linux keeps them (ack.c).
 */
#ifndef _XTCP_ACK_H
#define _XTCP_ACK_H

#include <linux/types.h>

struct sock;
struct xtcp_sock;

#define XTCP_MAX_QUICKACKS	16	/* Linux's TCP_MAX_QUICKACKS */

bool xtcp_ack_quick(const struct xtcp_sock *xs, u64 now_ns);
u8 xtcp_quickacks(u32 rcv_wnd, u32 rcv_mss);
void xtcp_ack_data_received(struct sock *sk, u64 now_ns, u32 len);
void xtcp_ack_enter_quickack(struct sock *sk);
void xtcp_ack_sent_for_data(struct sock *sk);
void xtcp_ack_data_sent(struct sock *sk, u64 now_ns);
void xtcp_ack_delack_missed(struct sock *sk);

#endif /* _XTCP_ACK_H */
