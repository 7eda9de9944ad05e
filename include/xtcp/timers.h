/* SPDX-License-Identifier: GPL-2.0 */
/* Every timer (timers.c lists them): the hooks the rest of xtcp calls. */
#ifndef _XTCP_TIMERS_H
#define _XTCP_TIMERS_H

struct sock;
struct xtcp_tw;

void xtcp_timers_init(struct sock *sk);
void xtcp_timers_stop(struct sock *sk);
void xtcp_timers_stop_sync(struct sock *sk);
void xtcp_timer_rtx_arm(struct sock *sk);
void xtcp_timer_rtx_start(struct sock *sk);
void xtcp_timer_rtx_stop(struct sock *sk);
void xtcp_timer_persist_arm(struct sock *sk);
void xtcp_timer_keepalive_reset(struct sock *sk);
void xtcp_timer_fin_wait2(struct sock *sk);
void xtcp_timer_state_stop(struct sock *sk);
void xtcp_timer_delack_arm(struct sock *sk);
void xtcp_timer_ack_sent(struct sock *sk);
void xtcp_release_cb(struct sock *sk);
void xtcp_tw_timer_init(struct xtcp_tw *tw);
void xtcp_tw_timer_arm(struct xtcp_tw *tw);
void xtcp_tw_restart(struct xtcp_tw *tw);
bool xtcp_tw_timer_stop_sync(struct xtcp_tw *tw);

#endif /* _XTCP_TIMERS_H */
