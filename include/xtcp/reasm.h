/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Received data (reasm.c): in order to the receive queue, after a hole to
 * the out-of-order queue, within the receive buffer.
 */
#ifndef _XTCP_REASM_H
#define _XTCP_REASM_H

#include <linux/skbuff.h>
#include <net/dropreason.h>

struct sock;
struct xtcp_seg;
struct xtcp_verdict;

void xtcp_dsack_set(struct sock *sk, u32 start, u32 end);
bool xtcp_ooo_insert(struct sk_buff_head *q, struct sk_buff *skb);
struct sk_buff *xtcp_ooo_next(struct sk_buff_head *q, u32 rcv_nxt);
bool xtcp_data_in_order(struct sock *sk, struct sk_buff *skb, const struct xtcp_verdict *v,
			enum skb_drop_reason *reason);
bool xtcp_data_out_of_order(struct sock *sk, struct sk_buff *skb,
			    const struct xtcp_seg *seg, const struct xtcp_verdict *v,
			    enum skb_drop_reason *reason);

#endif /* _XTCP_REASM_H */
