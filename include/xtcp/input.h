/* SPDX-License-Identifier: GPL-2.0 */
/* Segments in (input.c): checked, looked up, decided by state.c, applied. */
#ifndef _XTCP_INPUT_H
#define _XTCP_INPUT_H

#include <linux/types.h>
#include <net/dropreason.h>
#include <net/protocol.h>

#include "xtcp/segment.h"
#include "xtcp/xtcp.h"

struct net;
struct sock;
struct sk_buff;

extern const struct net_protocol xtcp_net_protocol;
int xtcp_rcv_sk(struct sock *sk, struct sk_buff *skb);
struct xtcp_ctx;
struct xtcp_verdict;

void xtcp_ctx_of(const struct sock *sk, u64 now_ns, struct xtcp_ctx *ctx);
void xtcp_apply(struct sock *sk, const struct xtcp_ctx *ctx, struct sk_buff *skb,
		const struct xtcp_seg *seg, const struct xtcp_verdict *v);
void xtcp_drop(struct net *net, struct sk_buff *skb, enum skb_drop_reason reason);
void xtcp_seg_of(const struct sk_buff *skb, struct xtcp_seg *seg);
bool xtcp_challenge_allowed(struct net *net, u64 now_ns);
bool xtcp_oow_ack_allowed(struct net *net, const struct xtcp_seg *seg, u64 now_ns,
			  u64 *stamp_ns, u32 *count, enum xtcp_mib skipped);

#endif /* _XTCP_INPUT_H */
