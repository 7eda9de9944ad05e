/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The receive window (window.c). Pure arithmetic first, which KUnit checks:
 * the window-scale shift a buffer needs (RFC 7323), the window to advertise
 * (RFC 9293 3.8.6.2.2), and when room the reader made is worth a window
 * update. Then the socket's side: the room the buffer offers, the window
 * scaling each SYN offers and agrees, the window field of each segment.
 */
#ifndef _XTCP_WINDOW_H
#define _XTCP_WINDOW_H

#include <linux/types.h>

struct sock;
struct xtcp_sock;

u8 xtcp_wscale_for(u32 space);
u32 xtcp_window_choose(u32 room, u32 left, u8 shift, u16 *wire);
bool xtcp_window_update_due(u32 left, u32 room, u32 clamp, u32 mss);

u32 xtcp_rcv_window(const struct sock *sk);
u32 xtcp_rcv_wnd_left(const struct xtcp_sock *xs);
u8 xtcp_wscale_offered(const struct sock *sk);
void xtcp_wscale_offer(struct sock *sk);
void xtcp_wscale_agree(struct sock *sk, int peer_wscale);
u16 xtcp_select_window(struct sock *sk, bool syn);
void xtcp_window_update(struct sock *sk, bool copied);
struct xtcp_sock;
void xtcp_rcv_rtt_sample(struct xtcp_sock *xs, u32 rtt_us);

#endif /* _XTCP_WINDOW_H */
