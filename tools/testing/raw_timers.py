#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What timers and the rarer transitions do, seen from a crafted peer.

FIN retransmitted until acknowledged; TIME_WAIT answering a retransmitted
FIN and yielding to a new SYN (RFC 6191); simultaneous close through
CLOSING; simultaneous open through SYN_RECV; an orphaned FIN_WAIT2 timing
out; a lost final ACK recovered by SYN+ACK retransmission; keepalive probes
(SEQ = SND.NXT-1) and ETIMEDOUT when unanswered; a SYN into a black hole
giving ETIMEDOUT after syn_retries; SO_LINGER {1,0} aborting with RST.
"""
import errno
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (ACK, FIN, RST, SYN, XSocket, check, expect_oserror,  # noqa: E402
                      finish, loopback_pair, peer_and_listener, set_keepalive, stats, sysctl,
                      wait_state)

peer, ln, port, lend = peer_and_listener()
L, R = peer.LOCAL, peer.REMOTE
sysctl("msl_ms", 1000)
sysctl("fin_timeout_ms", 800)


def handshake(pport, isn=1000):
    """Open a connection from pport; returns (socket, our ISS, their next seq)."""
    peer.send(pport, port, isn, 0, SYN)
    sa = peer.recv()
    peer.send(pport, port, isn + 1, sa["seq"] + 1, ACK)
    return ln.accept(), sa["seq"], isn + 1


def xtcp_closes_first(pport):
    """Open a connection from pport and close xtcp's side; returns (ISS, their next seq, ep)."""
    conn, iss, nxt = handshake(pport)
    conn.close()
    peer.recv()  # xtcp's FIN
    return iss, nxt, "%s:%d" % (R, pport)


# Active close by xtcp: FIN retransmitted while unacknowledged.
conn, iss, nxt = handshake(41000)
ep = "%s:41000" % R
conn.close()
f1 = peer.recv()
check(f1 and f1["flags"] == FIN | ACK and f1["seq"] == iss + 1, "close() sends FIN+ACK at ISS+1")
check(wait_state(lend, ep, "FIN_WAIT1") == "FIN_WAIT1", "FIN_WAIT1")
f2 = peer.recv(3.0)
check(f2 and f2["flags"] & FIN and f2["seq"] == iss + 1, "unacknowledged FIN is sent again")
peer.send(41000, port, nxt, iss + 2, ACK)
check(wait_state(lend, ep, "FIN_WAIT2") == "FIN_WAIT2", "its ACK: FIN_WAIT2")
tw_before = stats()["TimeWaits"]
peer.send(41000, port, nxt, iss + 2, FIN | ACK)
a = peer.recv()
check(a and a["flags"] == ACK and a["ack"] == nxt + 1, "peer's FIN acknowledged")
check(wait_state(lend, ep, "TIME_WAIT") == "TIME_WAIT", "TIME_WAIT")
check(stats()["TimeWaits"] == tw_before + 1, "TimeWaits counted")
peer.send(41000, port, nxt, iss + 2, FIN | ACK)
a = peer.recv()
check(a and a["flags"] == ACK and a["ack"] == nxt + 1 and a["seq"] == iss + 2,
      "TIME_WAIT answers a retransmitted FIN with an ACK")
# RFC 6191: a SYN above the old sequence space starts a new incarnation.
rec_before = stats()["TimeWaitRecycled"]
peer.send(41000, port, nxt + 100000, 0, SYN)
sa = peer.recv()
check(sa and sa["flags"] == SYN | ACK and sa["ack"] == nxt + 100001,
      "a new SYN in TIME_WAIT gets a SYN+ACK")
check(stats()["TimeWaitRecycled"] == rec_before + 1, "TimeWaitRecycled counted")
peer.send(41000, port, nxt + 100001, sa["seq"] + 1, ACK)
conn = ln.accept()
check(wait_state(lend, ep, "ESTABLISHED") == "ESTABLISHED", "the new incarnation is ESTABLISHED")
peer.send(41000, port, nxt + 100001, 0, RST)

# Passive close by xtcp: CLOSE_WAIT, then LAST_ACK until the FIN is acknowledged.
conn, iss, nxt = handshake(41005)
ep = "%s:41005" % R
peer.send(41005, port, nxt, iss + 1, FIN | ACK)
a = peer.recv()
check(a and a["flags"] == ACK and a["ack"] == nxt + 1, "their FIN acknowledged")
check(wait_state(lend, ep, "CLOSE_WAIT") == "CLOSE_WAIT", "CLOSE_WAIT")
conn.settimeout(1)
check(conn.recv(10) == b"", "recv() reads EOF")
conn.close()
f = peer.recv()
check(f and f["flags"] == FIN | ACK and f["seq"] == iss + 1, "close() in CLOSE_WAIT sends FIN")
check(wait_state(lend, ep, "LAST_ACK") == "LAST_ACK", "LAST_ACK")
peer.send(41005, port, nxt + 1, iss + 2, ACK)
check(wait_state(lend, ep, None) is None, "its ACK ends the connection: gone, no TIME_WAIT")

# TIME_WAIT ends after 2 * MSL (msl_ms = 1000).
iss, nxt, ep = xtcp_closes_first(41001)
peer.send(41001, port, nxt, iss + 2, FIN | ACK)
check(wait_state(lend, ep, "TIME_WAIT") == "TIME_WAIT", "TIME_WAIT again")
t0 = time.time()
check(wait_state(lend, ep, None, 5.0) is None, "TIME_WAIT ends by itself")
check(time.time() - t0 > 1.0, "and not before MSL is long past (%.1f s)" % (time.time() - t0))
peer.drain()

# Simultaneous close: both FINs cross, CLOSING, then TIME_WAIT.
iss, nxt, ep = xtcp_closes_first(41002)
peer.send(41002, port, nxt, iss + 1, FIN | ACK)
check(wait_state(lend, ep, "CLOSING") == "CLOSING", "FINs crossed: CLOSING")
peer.send(41002, port, nxt + 1, iss + 2, ACK)
check(wait_state(lend, ep, "TIME_WAIT") == "TIME_WAIT", "its FIN acknowledged: TIME_WAIT")
peer.drain()

# Orphaned FIN_WAIT2 gives up after fin_timeout_ms, with a RST.
iss, nxt, ep = xtcp_closes_first(41003)
peer.send(41003, port, nxt, iss + 2, ACK)
check(wait_state(lend, ep, "FIN_WAIT2") == "FIN_WAIT2", "orphan in FIN_WAIT2")
r = peer.recv(3.0)
check(r and r["flags"] & RST, "orphaned FIN_WAIT2 times out with a RST")
check(wait_state(lend, ep, None) is None, "and is gone")

# A lost final ACK: the child sends SYN+ACK again, the ACK then completes.
sysctl("synack_retries", 2)
peer.send(41004, port, 3000, 0, SYN)
s1 = peer.recv()
s2 = peer.recv(3.0)
check(s1 and s2 and s2["flags"] == SYN | ACK and s2["seq"] == s1["seq"],
      "SYN+ACK is retransmitted when the final ACK is lost")
peer.send(41004, port, 3001, s1["seq"] + 1, ACK)
conn = ln.accept()
check(conn.getpeername() == (R, 41004), "the late ACK completes the handshake")

# Keepalive: probes at SND.NXT-1 after the idle time; unanswered, ETIMEDOUT.
iss = s1["seq"]
set_keepalive(conn, 1, 1, 2)
check(conn.getsockopt(socket.IPPROTO_TCP, 6) == 2, "XTCP_KEEPCNT reads back 2")
p1 = peer.recv(3.0)
check(p1 and p1["flags"] == ACK and p1["seq"] == iss, "a keepalive probe: ACK with SEQ = SND.NXT-1")
peer.send(41004, port, 3001, iss + 1, ACK)  # answered: the connection lives on
p2 = peer.recv(3.0)
check(p2 and p2["seq"] == iss, "after an answer, probing starts over after idle time")
ka_before = stats()["KeepaliveDrops"]
conn.settimeout(10)
t0 = time.time()
expect_oserror(errno.ETIMEDOUT, "unanswered probes: recv()", conn.recv, 10)
check(stats()["KeepaliveDrops"] == ka_before + 1, "KeepaliveDrops counted")
check(time.time() - t0 < 6, "within idle + count * interval (%.1f s)" % (time.time() - t0))
peer.drain()

# Simultaneous open: our SYN and the peer's cross; SYN_RECV, then ESTABLISHED.
c = XSocket(flags=socket.SOCK_NONBLOCK)
c.bind(L, 42000)
expect_oserror(errno.EINPROGRESS, "non-blocking connect", c.connect, R, 42001)
syn = peer.recv()
check(syn and syn["flags"] == SYN, "our SYN goes out")
peer.send(42001, 42000, 7000, 0, SYN)
sa = peer.recv()
check(sa and sa["flags"] == SYN | ACK and sa["seq"] == syn["seq"] and sa["ack"] == 7001,
      "their SYN crosses ours: SYN+ACK with our ISS")
check(wait_state("%s:42000" % L, "%s:42001" % R, "SYN_RECV") == "SYN_RECV", "SYN_RECV")
peer.send(42001, 42000, 7001, syn["seq"] + 1, ACK)
check(wait_state("%s:42000" % L, "%s:42001" % R, "ESTABLISHED") == "ESTABLISHED",
      "simultaneous open: ESTABLISHED")
check(c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0, "SO_ERROR 0")
peer.send(42001, 42000, 7001, 0, RST)
c.close()
peer.drain()

# A SYN into a black hole: syn_retries retransmissions, then ETIMEDOUT.
sysctl("syn_retries", 2)
fails = stats()["AttemptFails"]
c = XSocket()
expect_oserror(errno.ETIMEDOUT, "connect into a black hole", c.connect, R, 43000)
syns = []
while True:
    s = peer.recv(0.2)
    if not s:
        break
    syns.append(s)
check(len(syns) == 3 and all(s["flags"] == SYN and s["seq"] == syns[0]["seq"] for s in syns),
      "the SYN went out 1 + syn_retries = 3 times (%d)" % len(syns))
check(stats()["AttemptFails"] == fails + 1, "AttemptFails counted")
c.close()
sysctl("syn_retries", 6)

# SO_LINGER {1, 0}: close() aborts with a RST; the xtcp peer sees ECONNRESET.
c, s, a_ln = loopback_pair()
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
rst_before = stats()["OutRsts"]
c.close()
s.settimeout(3)
expect_oserror(errno.ECONNRESET, "SO_LINGER {1,0}: the peer's recv()", s.recv, 10)
check(stats()["OutRsts"] == rst_before + 1, "one RST sent")
s.close()
a_ln.close()

sysctl("msl_ms", 30000)
sysctl("fin_timeout_ms", 60000)
sysctl("synack_retries", 5)
finish()
