/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The receive window as pure arithmetic: the window-scale shift a buffer
 * needs (RFC 7323), the window to advertise (RFC 9293 3.8.6.2.2), and when
 * room the reader made is worth a window update. KUnit checks each.
 */
#ifndef _XTCP_WINDOW_H
#define _XTCP_WINDOW_H

#include <linux/types.h>

u8 xtcp_wscale_for(u32 space);
u32 xtcp_window_choose(u32 room, u32 left, u8 shift, u16 *wire);
bool xtcp_window_update_due(u32 left, u32 room, u32 mss);

#endif /* _XTCP_WINDOW_H */
