// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP_INFO: a connection's numbers in struct xtcp_info (the uapi header
 * documents each field), for getsockopt() and for /proc/xtcp/info.
 * /proc reads without the socket lock, as /proc/net/tcp does: each field
 * is current, the set is not one instant's.
 */
#include <kunit/visibility.h>
#include <linux/hrtimer.h>

#include "xtcp/recovery.h"
#include "xtcp/rtt.h"
#include "xtcp/sock.h"

void xtcp_get_info(struct sock *sk, struct xtcp_info *info)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_net *xn = xtcp_sk_net(sk);

	memset(info, 0, sizeof(*info));
	info->state = READ_ONCE(sk->sk_state);
	info->retransmits = READ_ONCE(xs->tcb.retries);
	info->mss = READ_ONCE(xs->mss);
	info->rto_us = xtcp_rto_backoff_ms(READ_ONCE(xs->tcb.rto_ms), info->retransmits,
					   READ_ONCE(xn->rto_max_ms)) * USEC_PER_MSEC;
	info->srtt_us = READ_ONCE(xs->rtt.srtt_us);
	info->rttvar_us = READ_ONCE(xs->rtt.rttvar_us);
	info->min_rtt_us = READ_ONCE(xs->rtt.min_rtt_us);
	info->snd_wnd = READ_ONCE(xs->tcb.snd_wnd);
	info->rcv_wnd = READ_ONCE(xs->tcb.rcv_wnd);
	if (info->state != XTCP_LISTEN && info->state != XTCP_CLOSE)
		info->unacked = READ_ONCE(xs->tcb.snd_nxt) - READ_ONCE(xs->tcb.snd_una);
	info->total_retrans = READ_ONCE(xs->total_retrans);
	info->bytes_sent = READ_ONCE(xs->bytes_sent);
	info->bytes_acked = READ_ONCE(xs->bytes_acked);
	info->bytes_received = READ_ONCE(xs->bytes_received);
	info->segs_in = READ_ONCE(xs->segs_in);
	info->segs_out = READ_ONCE(xs->segs_out);
	info->snd_cwnd = READ_ONCE(xs->cc.cwnd);
	info->snd_ssthresh = READ_ONCE(xs->cc.ssthresh);
	info->lost = xtcp_lost_bytes(xs);
	info->snd_wscale = READ_ONCE(xs->snd_wscale);
	info->rcv_wscale = READ_ONCE(xs->rcv_wscale);
	info->ato_us = READ_ONCE(xn->delayed_ack_ms) * USEC_PER_MSEC;
	info->sacked = READ_ONCE(xs->sacked_out);
	info->retrans = READ_ONCE(xs->retrans_out);
	info->reordering = READ_ONCE(xs->reordering);
	info->dsacks = READ_ONCE(xs->dsacks);
	info->undos = READ_ONCE(xs->undos);
	info->tlps = READ_ONCE(xs->tlps);
	info->sack = xs->sack_ok;
	info->timestamps = xs->tcb.ts.ok;
	info->cc = READ_ONCE(xs->cc.ops)->id;	/* set at the handshake, a bit-field */
	if (READ_ONCE(xs->cc.in_recovery))
		info->ca_state = 1;
	else if (info->lost)
		info->ca_state = 2;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_get_info);
