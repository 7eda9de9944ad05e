#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Segments crafted byte by byte against a listener and a connection.

XTCP_SMOKE: also run on Debian's stock kernel.

A SYN gets SYN+ACK (ack = ISN+1, MSS option); the handshake completes into
accept(); data is acknowledged by its length; segments for no socket get the
RST RFC 9293 3.10.7.1 prescribes; malformed segments (bad checksum, short,
bad data offset, bad options, impossible flags) get nothing and are counted
by reason; RSTs and SYNs are checked as RFC 5961 says (exact RST resets,
in-window RST and SYN get a challenge ACK, out-of-window RST is ignored).
"""
import errno
import os
import select
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (ACK, FIN, PSH, RST, SYN, XSocket, check, expect_oserror,  # noqa: E402
                      finish, peer_and_listener, proc_rows, stats, sysctl, wait_state)

peer, ln, port, lend = peer_and_listener()
L, R = peer.LOCAL, peer.REMOTE

# Handshake.
isn = 0x12345678
peer.send(40000, port, isn, 0, SYN, options=bytes([2, 4, 0x05, 0xb4]))
sa = peer.recv()
check(sa is not None and sa["flags"] == SYN | ACK, "SYN is answered by SYN+ACK")
check(sa and sa["ack"] == isn + 1, "SYN+ACK acknowledges ISN+1")
check(sa and sa["options"][:2] == bytes([2, 4]), "SYN+ACK carries an MSS option")
check(wait_state(lend, "%s:40000" % R, "SYN_RECV") == "SYN_RECV", "the child is SYN_RECV")
iss = sa["seq"]
peer.send(40000, port, isn + 1, iss + 1, ACK)
conn = ln.accept()
check(conn.getpeername() == (R, 40000), "accept() returns the peer 10.7.0.2:40000")
check(wait_state(lend, "%s:40000" % R, "ESTABLISHED") == "ESTABLISHED", "ESTABLISHED")

# Data is delivered and acknowledged by its length.
peer.send(40000, port, isn + 1, iss + 1, ACK | PSH, payload=b"hello")
conn.settimeout(2)
check(conn.recv(100) == b"hello", "the payload reaches recv()")
a = peer.recv()
check(a and a["flags"] & ACK and a["ack"] == isn + 6, "ACK = seq + 5")
conn.send(b"world")
d = peer.recv()
check(d and d["payload"] == b"world" and d["seq"] == iss + 1, "send() goes out at ISS+1")
rcv_nxt = isn + 6
peer.send(40000, port, rcv_nxt, iss + 6, ACK)
peer.drain()

# RFC 5961: out-of-window RST ignored, in-window inexact RST and SYN challenged.
before = stats()
peer.send(40000, port, rcv_nxt + 10000000, 0, RST)
check(peer.recv(0.3) is None, "RST outside the window: no answer")
check(wait_state(lend, "%s:40000" % R, "ESTABLISHED") == "ESTABLISHED", "still ESTABLISHED")
peer.send(40000, port, rcv_nxt + 100, 0, RST)
c = peer.recv()
check(c and c["flags"] == ACK and c["ack"] == rcv_nxt and c["seq"] == iss + 6,
      "RST in window, not exact: challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT>")
peer.send(40000, port, 999, 0, SYN)
c = peer.recv()
check(c and c["flags"] == ACK and c["ack"] == rcv_nxt, "SYN in ESTABLISHED: challenge ACK")
after = stats()
check(after["ChallengeACKs"] - before["ChallengeACKs"] == 2, "two challenge ACKs counted")
check(after["InRsts"] - before["InRsts"] == 2, "two RSTs counted in")
peer.send(40000, port, rcv_nxt, 0, RST)
expect_oserror(errno.ECONNRESET, "an exact RST resets: recv()", conn.recv, 10)
check(wait_state(lend, "%s:40000" % R, None) is None, "the connection is gone")
check(stats()["EstabResets"] - after["EstabResets"] == 1, "EstabResets counted")

# Segments for no socket: RST <SEQ=SEG.ACK> or <SEQ=0><ACK=SEG.SEQ+SEG.LEN><RST,ACK>.
peer.send(40001, port + 1, 500, 0, SYN)
r = peer.recv()
check(r and r["flags"] == RST | ACK and r["seq"] == 0 and r["ack"] == 501,
      "SYN to a closed port: RST+ACK, ack = seq + 1")
peer.send(40001, port + 1, 500, 4242, ACK, payload=b"xyz")
r = peer.recv()
check(r and r["flags"] == RST and r["seq"] == 4242, "ACK to a closed port: RST, seq = its ack")
peer.send(40001, port + 1, 500, 0, RST)
check(peer.recv(0.3) is None, "RST to a closed port: no answer")

# Malformed segments: nothing answers, each is counted by reason.
cases = [
    ("bad checksum", "InErrChecksum", dict(bad_csum=True)),
    ("data offset 4", "InErrDataOffset", dict(doff=4)),
    ("data offset past the end", "InErrDataOffset", dict(doff=15)),
    ("option length 0", "InErrOption", dict(options=bytes([99, 0, 1, 1]))),
    ("option past the header", "InErrOption", dict(options=bytes([1, 1, 2, 4]))),
]
for name, counter, kw in cases:
    before = stats()[counter]
    peer.send(40002, port, 7000, 0, SYN, **kw)
    check(peer.recv(0.3) is None, "%s: dropped, no answer" % name)
    check(stats()[counter] == before + 1, "%s: %s counted" % (name, counter))
for name, flags in (("SYN+FIN", SYN | FIN), ("SYN+RST", SYN | RST), ("FIN without ACK", FIN)):
    before = stats()["InErrFlags"]
    peer.send(40002, port, 7000, 0, flags)
    check(peer.recv(0.3) is None, "%s: dropped, no answer" % name)
    check(stats()["InErrFlags"] == before + 1, "%s: InErrFlags counted" % name)
before = stats()["InErrShort"]
peer.send(0, 0, 0, 0, 0, raw=b"\x9c\x40\x13\x89shortseg")
check(stats()["InErrShort"] == before + 1, "10-byte segment: InErrShort counted")
check(wait_state(lend, "%s:40002" % R, None) is None, "no connection came of any of them")
check(wait_state(lend, "0.0.0.0:0", "LISTEN") == "LISTEN", "the listener is unharmed")

# The half-open queue is bounded by the backlog: without SYN cookies, extra
# SYNs are dropped and counted.
sysctl("syncookies", 0)
small = XSocket()
small.bind(L, 0)
small.listen(2)
sport = small.getsockname()[1]
drops = stats()["ListenDrops"]
for i in range(6):
    peer.send(45000 + i, sport, 100, 0, SYN)
answers = 0
while True:
    a = peer.recv(0.5)
    if not a:
        break
    answers += a["flags"] == SYN | ACK and a["sport"] == sport
check(answers == 2, "listen(2): two SYNs answered out of six (%d)" % answers)
check(stats()["ListenDrops"] == drops + 4, "four counted in ListenDrops")

# With SYN cookies (net.xtcp.syncookies 1, the default): the queue still full,
# each SYN is answered with a cookie and nothing is kept; the ACK returning
# one makes a connection that accept() returns and that carries data.
sysctl("syncookies", 1)
before = stats()
for i in range(4):
    peer.send(45100 + i, sport, 5000, 0, SYN, options=bytes([2, 4, 0x05, 0xb4]))
cookies = []
while True:
    a = peer.recv(0.5)
    if not a:
        break
    if a["flags"] == SYN | ACK and a["sport"] == sport and a["ack"] == 5001:
        cookies.append(a)
check(len(cookies) == 4, "four SYNs past the full queue answered with cookies (%d)" % len(cookies))
check(stats()["SyncookiesSent"] == before["SyncookiesSent"] + 4, "SyncookiesSent counts them")
check(stats()["ListenDrops"] == before["ListenDrops"], "none dropped")
check(len([r for r in proc_rows() if r["state"] == "SYN_RECV"]) == 2,
      "nothing kept for them: still the 2 half-open children")
a = cookies[0]
peer.send(a["dport"], sport, 5001, a["seq"] + 1, ACK | PSH, payload=b"cookie")
check(select.select([small.fileno()], [], [], 5)[0] != [], "accept() is woken")
c = small.accept()
check(c.recv(10) == b"cookie", "the cookie's ACK makes a connection that accept() returns, "
      "with its data")
check(stats()["SyncookiesRecv"] == before["SyncookiesRecv"] + 1, "SyncookiesRecv counts it")
peer.send(45100 + 3, sport, 5001, cookies[3]["seq"] + 1 + (1 << 20), ACK)
rst = peer.recv()
while rst and rst["dport"] != 45103:     # the half-open children's SYN+ACKs again
    rst = peer.recv()
check(rst is not None and rst["flags"] & RST and stats()["SyncookiesFailed"] ==
      before["SyncookiesFailed"] + 1, "an ACK with a wrong cookie gets a RST (SyncookiesFailed: %d)"
      % (stats()["SyncookiesFailed"] - before["SyncookiesFailed"]))
# The fake peer never answers a FIN: abort, so no orphan outlives the test.
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
small.close()
finish()
