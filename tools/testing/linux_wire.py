#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Linux TCP's behaviour on the wire, differential: xtcp and Linux TCP side by side.

XTCP_SMOKE: also run on Debian's stock kernel.

A crafted peer (pylib's Peer, speaking xtcp's protocol number or TCP's)
drives an xtcp connection and a Linux TCP connection through the same
segments and compares what comes back, segment by segment (sequence
numbers relative to each side's ISS, lengths, flags). Issue 13's list:

- psh: PSH only on the segment that ends a write; none while MSG_MORE
  holds the rest; in a long write also on the segment that passes half
  the peer's largest window (Linux's forced_push()).
- slow_start: one ACK for the whole initial window (a stretch ACK of ten
  segments) lets twenty go (tcp_slow_start(): cwnd += segments acked).
- quick_ack: the first data segments are ACKed one by one at once, not
  after the delayed-ACK timer (Linux's quick-ACK mode); a read right after
  sends no window update (__tcp_cleanup_rbuf()).
- limited_transmit: a new ACK, then the first and second duplicate ACK
  each let one new segment go (RFC 3042), the third resends the first
  unacknowledged segment (RFC 5681 3.2).
- tail_loss_probe: with SACK, three segments unanswered: a couple of round
  trips later (long before the RTO) the last is sent again as a probe
  (RFC 8985 7); the same for a FIN.
- syn_options: the SYN's and the SYN+ACK's option bytes (MSS, SACK
  permitted, window scale, in Linux's order and padding), with SACK on and
  off (net.xtcp.sack, net.ipv4.tcp_sack). Linux's timestamps are off here
  (net.ipv4.tcp_timestamps = 0): xtcp has none yet.

The peer offers only an MSS (1000): no SACK, no timestamps, no window
scaling, so Linux runs NewReno-style (no RACK, no tail loss probe).
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (ACK, FIN, IPPROTO, PSH, RST, SYN, Peer, TcpSocket, XSocket,  # noqa: E402
                      check, finish, sh, sysctl)

MSS = 1000
ISN = 0x10000000
WINDOW = 65535
SIDES = (("xtcp", IPPROTO, XSocket), ("tcp", socket.IPPROTO_TCP, TcpSocket))

peer = Peer()
L = peer.LOCAL
# An RTO of a second at least on both (Linux TCP: the route's rto_min), so
# none fires between the steps of a scenario, each waiting 0.15 s of quiet.
sysctl("rto_min_ms", 1000)
sh("ip route replace 10.7.0.0/24 dev v0 rto_min 1000ms")
with open("/proc/sys/net/ipv4/tcp_timestamps", "w") as f:
    f.write("0")
sport = [41000]


class Conn:
    """One crafted connection: the accepted socket and the peer's view of it."""

    def __init__(self, proto, cls, wscale=False, rcvbuf=0, sack=False):
        peer.proto = proto
        ln = cls()
        if rcvbuf:
            ln.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        ln.bind(L, 0)
        ln.listen()
        self.port = ln.getsockname()[1]
        sport[0] += 1
        self.sport = sport[0]
        options = (SACK_OPTIONS if sack else struct.pack("!BBH", 2, 4, MSS)) + \
            (bytes([1, 3, 3, 7]) if wscale else b"")
        sa, self.sock = peer.connect(ln, self.port, self.sport, ISN, options=options,
                                     window=WINDOW)
        ln.close()
        self.base = (sa["seq"] + 1) & 0xFFFFFFFF    # our ISS + 1: relative sequence 0
        self.rcv_nxt = ISN + 1                      # the peer's next byte
        self.snd_max = 0                            # relative: the most sent

    def rel(self, seq):
        return (seq - self.base) & 0xFFFFFFFF

    def collect(self, quiet=0.15):
        """What the socket sends until it is quiet: [(rel seq, length, flags, rel ack)]."""
        got = []
        while True:
            s = peer.recv(quiet)
            if s is None:
                return got
            if s["sport"] != self.port or s["dport"] != self.sport:
                continue
            flags = s["flags"] & (SYN | FIN | RST | PSH | ACK)
            got.append((self.rel(s["seq"]), len(s["payload"]), flags,
                        (s["ack"] - ISN - 1) & 0xFFFFFFFF))
            self.snd_max = max(self.snd_max, self.rel(s["seq"]) + len(s["payload"]))

    def ack(self, rel_ack, payload=b""):
        """Send the socket an ACK of rel_ack (and payload, at the peer's next byte)."""
        peer.send(self.sport, self.port, self.rcv_nxt, (self.base + rel_ack) & 0xFFFFFFFF,
                  ACK | (PSH if payload else 0), window=WINDOW, payload=payload)
        self.rcv_nxt += len(payload)

    def close(self):
        # A RST at once (SO_LINGER 0): the crafted peer answers no FIN.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
        peer.drain()


SACK_OPTIONS = struct.pack("!BBH", 2, 4, MSS) + bytes([1, 1, 4, 2])


def send_all(c, n, flags=0):
    c.sock.setblocking(False)
    sent = c.sock.send(b"x" * n, flags)
    c.sock.setblocking(True)
    return sent


def psh(proto, cls):
    c = Conn(proto, cls)
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    out = {}
    # One write of 3.5 segments: PSH on its last.
    assert send_all(c, 3500) == 3500
    out["write"] = c.collect()
    c.ack(c.snd_max)
    # MSG_MORE: two full segments go without PSH, the partial waits for the next write.
    assert send_all(c, 2080, socket.MSG_MORE) == 2080
    out["more"] = c.collect()
    assert send_all(c, 920) == 920
    out["more_end"] = c.collect()
    c.ack(c.snd_max)
    # A write of 40 segments: PSH where it passes half the window, and at its end.
    start = c.snd_max
    assert send_all(c, 40 * MSS) == 40 * MSS
    pushed = []
    while c.snd_max < start + 40 * MSS:
        segs = c.collect()
        if not segs:
            break
        pushed += [s[0] + s[1] - start for s in segs if s[2] & PSH]
        c.ack(c.snd_max)
    out["long_write_psh_at"] = pushed
    c.close()
    return out


def slow_start(proto, cls):
    c = Conn(proto, cls)
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    assert send_all(c, 60 * MSS) == 60 * MSS
    first = c.collect()
    c.ack(c.snd_max)   # one ACK for the whole flight
    second = [s for s in c.collect() if s[0] >= first[-1][0] + first[-1][1]] if first else []
    c.close()
    return {"first_flight_bytes": sum(s[1] for s in first),
            "after_stretch_ack_bytes": sum(s[1] for s in second)}


def quick_ack(proto, cls, **kw):
    c = Conn(proto, cls, **kw)
    for _ in range(3):
        c.ack(0, b"q" * 100)
    acks = [(s[3], s[2]) for s in c.collect(0.3)]
    c.sock.settimeout(2)
    got = b""
    while len(got) < 300:
        got += c.sock.recv(300 - len(got))
    after_read = c.collect(0.3)
    c.close()
    return {"segments_for_3_small": acks, "read_sent": after_read, "read": len(got)}


def limited_transmit(proto, cls):
    c = Conn(proto, cls)
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    assert send_all(c, 30 * MSS) == 30 * MSS
    out = {"flight": [s[:2] for s in c.collect()]}
    c.ack(MSS)                      # a new ACK: slow start, two more
    out["ack_1"] = [s[:2] for s in c.collect()]
    for i in (1, 2, 3):             # duplicates of it
        c.ack(MSS)
        out["dupack_%d" % i] = [s[:2] for s in c.collect()]
    c.close()
    return out


def tail_loss_probe(proto, cls):
    out = {}
    c = Conn(proto, cls, sack=True)
    assert send_all(c, 3 * MSS) == 3 * MSS
    out["data"] = [s[:3] for s in c.collect(0.3)]
    c.close()
    c = Conn(proto, cls, sack=True)
    assert send_all(c, 3 * MSS) == 3 * MSS
    c.sock.shutdown(socket.SHUT_WR)
    out["data_fin"] = [s[:3] for s in c.collect(0.3)]
    c.close()
    return out


def quick_ack_scaled(proto, cls):
    return quick_ack(proto, cls, wscale=True)


def quick_ack_big_buffer(proto, cls):
    return quick_ack(proto, cls, wscale=True, rcvbuf=1 << 20)


def syn_options(proto, cls):
    out = {}
    for sack in (1, 0):
        if proto == IPPROTO:
            sysctl("sack", sack)
        else:
            with open("/proc/sys/net/ipv4/tcp_sack", "w") as f:
                f.write(str(sack))
        peer.proto = proto
        peer.drain()
        s = cls()
        s.setblocking(False)
        try:
            s.connect(peer.REMOTE, 9)
        except BlockingIOError:
            pass
        syn = peer.recv()
        while syn and not syn["flags"] & SYN:
            syn = peer.recv()
        out["syn_sack_%d" % sack] = syn and syn["options"].hex()
        s.close()
        # The SYN+ACK answering a peer that offers everything.
        ln = cls()
        ln.bind(L, 0)
        ln.listen()
        port = ln.getsockname()[1]
        sport[0] += 1
        peer.send(sport[0], port, ISN, 0, SYN, window=WINDOW,
                  options=struct.pack("!BBH", 2, 4, MSS) + bytes([1, 1, 4, 2, 1, 3, 3, 7]))
        sa = peer.recv()
        while sa and sa["flags"] != SYN | ACK:
            sa = peer.recv()
        out["synack_sack_%d" % sack] = sa and sa["options"].hex()
        ln.close()
        if sa:
            peer.send(sport[0], port, ISN + 1, 0, RST)
        peer.drain()
    if proto == IPPROTO:
        sysctl("sack", 1)
    else:
        with open("/proc/sys/net/ipv4/tcp_sack", "w") as f:
            f.write("1")
    return out


for name, fn in (("syn_options", syn_options), ("psh", psh), ("slow_start", slow_start), ("quick_ack", quick_ack),
                 ("quick_ack_scaled", quick_ack_scaled),
                 ("quick_ack_big_buffer", quick_ack_big_buffer),
                 ("limited_transmit", limited_transmit), ("tail_loss_probe", tail_loss_probe)):
    seen = {side: fn(proto, cls) for side, proto, cls in SIDES}
    for key in seen["tcp"]:
        x, t = seen["xtcp"][key], seen["tcp"][key]
        check(x == t, "%s %s: xtcp %s, Linux TCP %s" % (name, key, x, t))
finish()
