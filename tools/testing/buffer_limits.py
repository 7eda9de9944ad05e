#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""net.xtcp.wmem and net.xtcp.rmem: defaults for new sockets, limits in use.

SO_SNDBUF/SO_RCVBUF belong to the socket core (capped by net.core.*mem_max);
xtcp applies its namespace's "min default max" where it uses the buffers:
the window it advertises and how much a sender may queue. Checked through
what a user sees: getsockopt, the window in /proc/xtcp/conns, how many bytes
a non-blocking send takes before EAGAIN, and the bytes on both ends. With a
reader that does not read, the window closes: the sender's persist timer
probes it, and the transfer resumes when the reader drains.

XTCP_SMOKE: also run on Debian's stock kernel.
"""
import errno
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (check, finish, loopback_pair, new_netns, proc_row, proc_rows,  # noqa: E402
                      stats, sysctl)


def conns_line(sock):
    return proc_row("conns", sock)


def info_field(sock, name):
    return int(proc_row("info", sock).get(name, -1))


def fill(sock):
    """Bytes a non-blocking send takes until the buffer stays full, and the data sent.

    After each EAGAIN, wait up to 0.3 s for room (ACKs may still be on
    their way: delayed ACKs take up to 40 ms); the reader never reads.
    """
    sock.setblocking(False)
    sent = bytearray()
    chunk = bytes(range(256)) * 64
    eagain = None
    while True:
        try:
            n = sock.send(chunk)
        except OSError as e:
            if eagain is None:
                eagain = e.errno
            if e.errno != errno.EAGAIN or not select.select([], [sock], [], 0.3)[1]:
                break
            continue
        sent += chunk[:n]
        if len(sent) > 64 << 20:
            check(False, "send never filled up")
            break
    check(eagain == errno.EAGAIN, "a full send buffer gives EAGAIN (got %s)" %
          errno.errorcode.get(eagain))
    sock.setblocking(True)
    return bytes(sent)


def drain(sock, n):
    got = bytearray()
    while len(got) < n:
        b = sock.recv(n - len(got))
        if not b:
            break
        got += b
    return bytes(got)


def queued_until_eagain(wmem, rmem, sndbuf):
    sysctl("wmem", wmem)
    sysctl("rmem", rmem)
    c, s, ln = loopback_pair()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    sent = fill(c)
    window = int(conns_line(s).get("rcv_wnd", -1))
    sendq = int(conns_line(c).get("send-q", -1))
    timer = conns_line(c).get("timer")
    if window == 0:
        # The slow reader: the sender stops, probes the closed window (each
        # probe answered), and is still there a second later.
        out0 = info_field(c, "segs_out")
        time.sleep(3)
        probes = info_field(c, "segs_out") - out0
        check(2 <= probes <= 6, "zero window: %d window probes in 3 s (RTO 200 ms, backing off)"
              % probes)
        check(conns_line(c).get("state") == "ESTABLISHED", "zero window: the sender waits")
    got = drain(s, len(sent))
    check(got == sent, "%d bytes arrive intact after the reader drains" % len(sent))
    for x in (c, s, ln):
        x.close()
    return len(sent), window, sendq, timer


new_netns()
with open("/proc/sys/net/xtcp/wmem") as f:
    check(f.read().split() == ["4096", "212992", "4194304"], "wmem defaults to 4096 212992 4194304")
with open("/proc/sys/net/xtcp/rmem") as f:
    check(f.read().split() == ["4096", "212992", "6291456"], "rmem defaults to 4096 212992 6291456")

# Defaults: a new socket starts from the middle value; accepted ones copy the listener.
sysctl("wmem", "4096 65536 4194304")
sysctl("rmem", "4096 98304 6291456")
c, s, ln = loopback_pair()
for name, sock in (("new", c), ("listening", ln), ("accepted", s)):
    check(sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) == 65536,
          "%s socket: SO_SNDBUF is wmem's default" % name)
    check(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) == 98304,
          "%s socket: SO_RCVBUF is rmem's default" % name)
for x in (c, s, ln):
    x.close()

# The receive limit caps the window even when SO_RCVBUF asks for more.
sysctl("wmem", "4096 212992 4194304")
sysctl("rmem", "4096 16384 16384")
c, s, ln = loopback_pair()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
c.sendall(b"x" * 1000)
check(drain(s, 1000) == b"x" * 1000, "1000 bytes through a 16 KiB receive buffer")
c.sendall(b"y")
drain(s, 1)
wnd = int(conns_line(s).get("rcv_wnd", -1))
check(0 < wnd <= 8192, "rmem max 16384: the advertised window is at most 8192 (%d)" % wnd)
for x in (c, s, ln):
    x.close()

# The send limit caps what a sender queues, whatever SO_SNDBUF says.
big, big_wnd, big_q, _ = queued_until_eagain("4096 212992 4194304", "4096 212992 6291456", 1 << 20)
small, small_wnd, small_q, small_timer = queued_until_eagain("4096 16384 16384", "4096 16384 16384", 1 << 20)
print("# queued before EAGAIN: %d bytes with the default limits, %d with 16 KiB ones" %
      (big, small))
check(big > 300000, "default limits: the sender queues more than 300 KB (%d)" % big)
# Send queue (16 KiB + one segment of truesize) plus what the reader holds.
check(small < 16384 + 70000 + 16384, "16 KiB limits: the sender queues less than 100 KiB (%d)"
      % small)
check(0 <= small_q <= 16384 + 70000, "16 KiB limits: send-q stays bounded (%d)" % small_q)
check(small_wnd == 0, "16 KiB limits: the reader's window closed (%d)" % small_wnd)
check(small_timer == "persist", "the window is closed: the sender's timer is persist (%s)"
      % small_timer)

# A blocking writer whose buffer, as net.xtcp.wmem bounds it, is full waits
# until SO_SNDTIMEO ends the wait with EAGAIN, though the socket core's own
# SO_SNDBUF is far larger.
sysctl("wmem", "4096 16384 16384")
sysctl("rmem", "4096 16384 16384")
c, s, ln = loopback_pair()
c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
fill(c)
c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 1, 0))
t0 = time.time()
try:
    res = c.send(b"w" * 1000)
except OSError as e:
    res = errno.errorcode.get(e.errno)
took = time.time() - t0
check(res == "EAGAIN" and 0.9 < took < 10, "a blocking send into a full buffer waits for "
      "SO_SNDTIMEO and fails with EAGAIN (%s after %.1f s)" % (res, took))
for x in (c, s, ln):
    x.close()

# A socket with a small SO_RCVBUF is raised to the limit's minimum.
sysctl("rmem", "32768 212992 6291456")
c, s, ln = loopback_pair()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
c.sendall(b"z" * 100)
drain(s, 100)
c.sendall(b"z")
drain(s, 1)
wnd = int(conns_line(s).get("rcv_wnd", -1))
check(wnd >= 16384 - 1024, "rmem min 32768 applies under a tiny SO_RCVBUF (window %d)" % wnd)
for x in (c, s, ln):
    x.close()

# net.xtcp.mem: 8 senders whose readers do not read hold together no more
# than the high mark plus each socket's guaranteed minimum (and one buffer
# in flight each), where the buffers alone would let them hold megabytes;
# once the readers read, every byte arrives intact.
sysctl("rmem", "4096 212992 6291456")
sysctl("wmem", "4096 212992 4194304")
HIGH = 64   # pages
with open("/proc/sys/net/xtcp/mem") as f:
    mem_default = f.read().split()
sysctl("mem", "32 48 %d" % HIGH)
before = stats()
pairs = [loopback_pair() for _ in range(8)]
sent = [fill(c) for c, s, ln in pairs]
rows = [r for r in proc_rows() if r["state"] == "ESTABLISHED"]
held = sum(int(r["send-mem"]) + int(r["recv-mem"]) for r in rows)
page = os.sysconf("SC_PAGE_SIZE")
bound = HIGH * page + len(rows) * (4096 + 140000)
print("# net.xtcp.mem high %d pages: %d connections hold %d bytes (%d sent); bound %d"
      % (HIGH, len(rows), held, sum(map(len, sent)), bound))
check(held <= bound, "the namespace's queues stay within mem's high mark and the minimums "
      "(%d <= %d bytes)" % (held, bound))
check(sum(map(len, sent)) < 8 * 300000, "the senders were held back: %d bytes taken, not the "
      "megabytes the buffers allow" % sum(map(len, sent)))
check(stats()["MemoryPressures"] > before["MemoryPressures"], "MemoryPressures counted")
ok = True
sysctl("mem", " ".join(mem_default))
for (c, s, ln), data in zip(pairs, sent):
    c.shutdown(socket.SHUT_WR)
    got = drain(s, len(data) + 1)
    ok &= got == data
    for x in (c, s, ln):
        x.close()
check(ok, "once read, every connection's bytes arrive intact")
finish()
