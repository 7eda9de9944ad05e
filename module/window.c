// SPDX-License-Identifier: GPL-2.0
/*
 * The receive window: how much of the receive buffer to offer the peer, in
 * the units window scaling (RFC 7323) allows, without ever pulling back an
 * edge already offered. No socket: output.c and socket.c pass the numbers.
 */
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/math.h>
#include <linux/minmax.h>

#include "xtcp/segment.h"
#include "xtcp/window.h"

/*
 * RFC 7323 2.3: the shift our SYN offers, the smallest that lets the
 * 16-bit field cover a window of space bytes, at most 14.
 */
u8 xtcp_wscale_for(u32 space)
{
	u8 shift = 0;

	while (shift < XTCP_WSCALE_MAX && (space >> shift) > U16_MAX)
		shift++;
	return shift;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_wscale_for);

/*
 * The window to advertise, in bytes, and in *wire the header's field:
 * room is what the free buffer allows, left what remains of the window
 * last advertised. The right edge never moves back (RFC 9293 3.8.6.2.2,
 * RFC 1122 4.2.2.16): a peer's data inside it must stay acceptable, or
 * both sides' ACKs land outside the other's window and are answered
 * forever. With a shift, the window is a whole number of 1 << shift
 * units: room rounds down (never offer memory we lack), left rounds up
 * (never shrink).
 */
u32 xtcp_window_choose(u32 room, u32 left, u8 shift, u16 *wire)
{
	u32 unit = 1U << shift, cap = (u32)U16_MAX << shift;
	u32 wnd = max(round_down(min(room, cap), unit), round_up(min(left, cap), unit));

	*wire = wnd >> shift;
	return wnd;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_window_choose);

/*
 * Receiver SWS avoidance (RFC 9293 3.8.6.2.2): after the reader made room,
 * move the right edge on (send a window update) only when the window grew
 * by a full segment, or had fallen below one and grows at all.
 */
bool xtcp_window_update_due(u32 left, u32 room, u32 mss)
{
	return room >= left + mss || (left < mss && room > left);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_window_update_due);
