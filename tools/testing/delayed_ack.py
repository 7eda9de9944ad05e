#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Delayed ACK (RFC 9293 3.8.6.3, RFC 5681 4.2) against a crafted peer.

XTCP_SMOKE: also run on Debian's stock kernel.

With net.xtcp.delayed_ack_ms=300, one small segment is ACKed by the timer
no sooner than 300 ms later (/proc/xtcp/conns shows the delayed_ack timer
meanwhile, DelayedACKs counts it); two full-sized segments are ACKed by one
ACK for both, at once; a reply the application sends carries the ACK, and
no ACK of its own follows; out-of-order data and the data filling its hole
are ACKed at once; with delayed_ack_ms=0 every segment is. XTCP_INFO's
ato_us reports the setting.
"""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (ACK, PSH, check, finish, info_of,  # noqa: E402
                      peer_and_listener, proc_row, stats, sysctl)

peer, ln, port, lend = peer_and_listener()
sysctl("delayed_ack_ms", 300)
SPORT, ISN = 40000, 0x01000000
sa, conn = peer.connect(ln, port, SPORT, ISN)
iss = sa["seq"]
snd = ISN + 1  # the peer's next sequence number


def send(n, seq=None):
    """The peer sends n bytes at seq (default: in order); returns when it did."""
    global snd
    seq = snd if seq is None else seq
    peer.send(SPORT, port, seq, iss + 1, ACK | PSH, payload=b"d" * n)
    if seq == snd:
        snd += n
    return time.time()


def next_ack(timeout=2.0):
    """xtcp's next segment to the peer: (segment, seconds waited) or (None, timeout)."""
    t0 = time.time()
    seg = peer.recv(timeout)
    return seg, time.time() - t0


info, _ = info_of(conn)
check(info["ato_us"] == 300000, "XTCP_INFO ato_us: %d" % info["ato_us"])

# --- one small segment: the timer ACKs it
before = stats()["DelayedACKs"]
t0 = send(100)
time.sleep(0.05)
timer = proc_row("conns", conn).get("timer")
a = peer.recv(2.0)
waited = time.time() - t0
check(timer == "delayed_ack", "while the ACK waits, /proc/xtcp/conns shows the delayed_ack timer (%s)" % timer)
check(a is not None and a["ack"] == snd and not a["payload"],
      "the ACK for 100 bytes comes by itself (ack %s, want %d)" % (a and a["ack"], snd))
check(waited >= 0.29, "no sooner than delayed_ack_ms: %.0f ms" % (waited * 1000))
check(stats()["DelayedACKs"] - before == 1, "DelayedACKs counts it")
conn.recv(100)
peer.drain()  # a window update, if reading opened the window enough

# --- two full-sized segments: one ACK for both, sent by the second
before = stats()["DelayedACKs"]
send(1460)
first_end = snd
send(1460)
acks = []
while True:
    a = peer.recv(0.5)
    if a is None:
        break
    acks.append(a["ack"])
check(acks == [snd], "one ACK for two full-sized segments, none for the first alone: %s (first ends at %d)"
      % ([x - ISN for x in acks], first_end - ISN))
check(stats()["DelayedACKs"] == before, "not the timer's: DelayedACKs unchanged")
conn.recv(2920, socket.MSG_WAITALL)
peer.drain()

# --- a reply carries the ACK
before = stats()["DelayedACKs"]
send(100)
conn.recv(100)
conn.send(b"r" * 50)
a, _ = next_ack(1.0)
check(a is not None and a["payload"] == b"r" * 50 and a["ack"] == snd,
      "the reply carries the ACK for the request (ack %s, want %d)" % (a and a["ack"], snd))
peer.send(SPORT, port, snd, iss + 51, ACK)  # the peer acknowledges the reply
extra = peer.recv(0.6)
check(extra is None, "and no ACK of its own follows (%r)" % ((extra and (extra["ack"] - ISN, extra["payload"][:8])),))
check(stats()["DelayedACKs"] == before, "DelayedACKs unchanged")

# --- out of order, then the hole filled: both ACKed at once
before = stats()["DelayedACKs"]
hole = snd
send(100, seq=hole + 100)
a, _ = next_ack(1.0)
check(a is not None and a["ack"] == hole, "data after a hole: a duplicate ACK at once (ack %s)" % (a and a["ack"] - ISN))
send(100)
snd = hole + 200
a, _ = next_ack(1.0)
check(a is not None and a["ack"] == snd, "the segment filling it: ACKed at once, for both (ack %s)" % (a and a["ack"] - ISN))
check(stats()["DelayedACKs"] == before, "neither by the timer")
conn.recv(200, socket.MSG_WAITALL)
peer.drain()

# --- delayed_ack_ms=0: every segment at once
sysctl("delayed_ack_ms", 0)
before = stats()["DelayedACKs"]
send(100)
a, _ = next_ack(1.0)
check(a is not None and a["ack"] == snd and stats()["DelayedACKs"] == before,
      "delayed_ack_ms=0: a small segment is ACKed at once, not by the timer")
info, _ = info_of(conn)
check(info["ato_us"] == 0, "XTCP_INFO ato_us: 0")
sysctl("delayed_ack_ms", 40)
conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
conn.close()
finish()
