#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Nagle's algorithm, XTCP_NODELAY, XTCP_CORK and MSG_MORE, seen on the wire.

XTCP_SMOKE: also run on Debian's stock kernel.

A crafted peer (MSS 1460) decides when xtcp's segments are acknowledged
(rto_min_ms 1500, so nothing is retransmitted while it waits).
Nagle (on by default): a small write goes at once when nothing small is
unacknowledged; later small writes wait, gathered into one segment, until
that ACK comes; full-sized segments never wait; shutdown() flushes.
XTCP_NODELAY=1: every write goes at once, and setting it flushes what
waits. XTCP_CORK=1: partial segments wait even with nothing in flight,
until uncorked or, as Linux's 200 ms ceiling, one RTO; full ones go.
MSG_MORE holds a partial segment until the next write.
"""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import ACK, XTCP_OPTIONS, check, finish, peer_and_listener, sysctl  # noqa: E402

XTCP_NODELAY, XTCP_CORK = XTCP_OPTIONS["NODELAY"], XTCP_OPTIONS["CORK"]
SPORT, ISN = 40000, 0x02000000

peer, ln, port, lend = peer_and_listener()
# The peer takes its time to ACK: no retransmission (and loss window) meanwhile.
sysctl("rto_min_ms", 1500)
sa, conn = peer.connect(ln, port, SPORT, ISN)
iss = sa["seq"]
acked = iss + 1  # what the peer has acknowledged


def new_data(timeout):
    """Segments carrying data past what was already seen, within timeout: [(offset, bytes)]."""
    out = []
    end = time.time() + timeout
    while True:
        seg = peer.recv(max(0.0, end - time.time()))
        if seg is None:
            return out
        if seg["payload"] and seg["seq"] - (iss + 1) >= new_data.seen:
            out.append((seg["seq"] - iss - 1, seg["payload"]))
            new_data.seen = seg["seq"] - iss - 1 + len(seg["payload"])


new_data.seen = 0


def ack_all():
    """The peer acknowledges everything xtcp sent so far."""
    global acked
    acked = iss + 1 + new_data.seen
    peer.send(SPORT, port, ISN + 1, acked, ACK)
    time.sleep(0.05)


def opt(name):
    return conn.getsockopt(socket.IPPROTO_TCP, name)


check(opt(XTCP_NODELAY) == 0 and opt(XTCP_CORK) == 0, "XTCP_NODELAY and XTCP_CORK start off")

# --- Nagle
conn.send(b"a" * 10)
first = new_data(0.3)
check([len(p) for _, p in first] == [10], "Nagle: the first small write goes at once (%s)" % first)
conn.send(b"b" * 10)
conn.send(b"c" * 10)
held = new_data(0.15)
check(held == [], "Nagle: later small writes wait while it is unacknowledged (%s)" % held)
ack_all()
after = new_data(0.5)
check([p for _, p in after] == [b"b" * 10 + b"c" * 10],
      "Nagle: after the ACK they leave as one segment (%s)" % after)
ack_all()
conn.send(b"d" * 10)
new_data(0.3)
conn.send(b"e" * 2920)
full = new_data(0.3)
check([len(p) for _, p in full] == [1460, 1460],
      "Nagle: full-sized segments do not wait for a small one's ACK (%s)" % [len(p) for _, p in full])
ack_all()

# --- XTCP_NODELAY
conn.setsockopt(socket.IPPROTO_TCP, XTCP_NODELAY, 1)
check(opt(XTCP_NODELAY) == 1, "XTCP_NODELAY reads back 1")
conn.send(b"f" * 10)
conn.send(b"g" * 10)
both = new_data(0.3)
check([p for _, p in both] == [b"f" * 10, b"g" * 10],
      "XTCP_NODELAY: each small write goes at once, unacknowledged or not (%s)" % both)
ack_all()
conn.setsockopt(socket.IPPROTO_TCP, XTCP_NODELAY, 0)
conn.send(b"h" * 10)
new_data(0.3)
conn.send(b"i" * 10)
check(new_data(0.15) == [], "Nagle back on: the small write waits")
conn.setsockopt(socket.IPPROTO_TCP, XTCP_NODELAY, 1)
flushed = new_data(0.3)
check([p for _, p in flushed] == [b"i" * 10], "setting XTCP_NODELAY sends what waits (%s)" % flushed)
ack_all()
conn.setsockopt(socket.IPPROTO_TCP, XTCP_NODELAY, 0)

# --- XTCP_CORK
conn.setsockopt(socket.IPPROTO_TCP, XTCP_CORK, 1)
check(opt(XTCP_CORK) == 1, "XTCP_CORK reads back 1")
conn.send(b"j" * 10)
conn.send(b"k" * 1000)
check(new_data(0.15) == [], "XTCP_CORK: a partial segment waits with nothing in flight")
conn.setsockopt(socket.IPPROTO_TCP, XTCP_CORK, 0)
uncorked = new_data(0.3)
check([p for _, p in uncorked] == [b"j" * 10 + b"k" * 1000],
      "uncorking sends the writes as one segment (%s)" % [len(p) for _, p in uncorked])
ack_all()
conn.setsockopt(socket.IPPROTO_TCP, XTCP_CORK, 1)
conn.send(b"l" * 3000)
corked = new_data(0.15)
check([len(p) for _, p in corked] == [1460, 1460], "XTCP_CORK: full segments go, the rest waits (%s)"
      % [len(p) for _, p in corked])
ack_all()
check(new_data(0.15) == [], "XTCP_CORK: after the ACK the 80 bytes left still wait")
late = new_data(5.0)
check([len(p) for _, p in late] == [80], "and go when the persist timer fires, one RTO on (%s)"
      % [len(p) for _, p in late])
ack_all()
conn.setsockopt(socket.IPPROTO_TCP, XTCP_CORK, 0)

# --- MSG_MORE
conn.send(b"m" * 100, socket.MSG_MORE)
check(new_data(0.15) == [], "MSG_MORE: the partial segment waits for the next write")
conn.send(b"n" * 100)
more = new_data(0.3)
check([p for _, p in more] == [b"m" * 100 + b"n" * 100], "and goes with it (%s)" % [len(p) for _, p in more])
ack_all()

# --- shutdown flushes what Nagle holds
conn.send(b"o" * 10)
new_data(0.3)
conn.send(b"p" * 10)
check(new_data(0.15) == [], "Nagle holds the second small write")
conn.shutdown(socket.SHUT_WR)
fin = peer.recv(0.3)
while fin and not fin["payload"] and not fin["flags"] & 1:
    fin = peer.recv(0.3)
check(fin is not None and fin["payload"] == b"p" * 10, "shutdown() sends it without waiting for the ACK")
conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
conn.close()
finish()
