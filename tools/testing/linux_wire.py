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
  permitted, timestamps, window scale, in Linux's order and padding), with
  SACK and timestamps each on and off (net.xtcp.sack and .timestamps,
  net.ipv4.tcp_sack and tcp_timestamps); a TSval is compared by presence,
  a TSecr by echoing the peer's TSval.
- timestamps: a peer that offers timestamps sends data: each ACK echoes
  the TSval of the segment it answers; two segments at once; data with an
  older TSval is refused by PAWS and answered with an ACK; after a hole
  the echo stays the last in-order segment's, and the filling segment's
  is echoed; our data carries the echo, in segments 12 bytes short of the
  MSS (RFC 7323 3-5).
- syn_ack_echo: our SYN answered by a SYN+ACK echoing its TSval, one from
  before it, or one ahead of our clock: an ACK, or a RST (Linux's
  PAWSActiveRejected).

The peer offers only an MSS (1000): no SACK, no timestamps, no window
scaling, so Linux runs NewReno-style (no RACK, no tail loss probe).
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (ACK, FIN, IPPROTO, PSH, RST, SYN, Peer, TcpSocket, XSocket,  # noqa: E402
                      check, finish, sh, sysctl, tcp_option)

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
sport = [41000]


class Conn:
    """One crafted connection: the accepted socket and the peer's view of it."""

    def __init__(self, proto, cls, wscale=False, rcvbuf=0, sack=False, tsval=None):
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
            (bytes([1, 3, 3, 7]) if wscale else b"") + \
            (ts_option(tsval, 0) if tsval is not None else b"")
        sa, self.sock = peer.connect(ln, self.port, self.sport, ISN, options=options,
                                     window=WINDOW)
        ln.close()
        self.base = (sa["seq"] + 1) & 0xFFFFFFFF    # our ISS + 1: relative sequence 0
        self.rcv_nxt = ISN + 1                      # the peer's next byte
        self.snd_max = 0                            # relative: the most sent

    def rel(self, seq):
        return (seq - self.base) & 0xFFFFFFFF

    def shape(self, s):
        """A segment as compared: (rel seq, length, flags, rel ack)."""
        return (self.rel(s["seq"]), len(s["payload"]), s["flags"] & (SYN | FIN | RST | PSH | ACK),
                (s["ack"] - ISN - 1) & 0xFFFFFFFF)

    def collect(self, quiet=0.15, shape=None):
        """What the socket sends until it is quiet, each segment as shape (self.shape) makes it."""
        got = []
        while True:
            s = peer.recv(quiet)
            if s is None:
                return got
            if s["sport"] != self.port or s["dport"] != self.sport:
                continue
            got.append((shape or self.shape)(s))
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


def ts_option(tsval, tsecr):
    return bytes([1, 1, 8, 10]) + struct.pack("!II", tsval, tsecr)


def active_syn(proto, cls):
    """A socket of cls connecting to the crafted peer, and its SYN as the peer saw it."""
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
    return s, syn


def syn_ack_echo(proto, cls):
    """Our SYN answered by a SYN+ACK whose TSecr echoes its TSval, one before
    it, or one ahead of our clock: an ACK, or a RST (Linux's
    PAWSActiveRejected)."""
    out = {}
    for name, delta in (("own", 0), ("before_syn", -1000), ("ahead", 100000)):
        s, syn = active_syn(proto, cls)
        ts = syn and tcp_option(syn["options"], 8)
        if not ts:
            out[name] = None
            s.close()
            continue
        tsval, = struct.unpack("!I", ts[:4])
        peer.send(9, syn["sport"], ISN, (syn["seq"] + 1) & 0xFFFFFFFF, SYN | ACK, window=WINDOW,
                  options=struct.pack("!BBH", 2, 4, MSS) + ts_option(1000, (tsval + delta) & 0xFFFFFFFF))
        reply = peer.recv(0.5)
        while reply and reply["sport"] != syn["sport"]:
            reply = peer.recv(0.5)
        out[name] = reply and (reply["flags"] & (SYN | ACK | RST | FIN),
                               (reply["seq"] - syn["seq"]) & 0xFFFFFFFF)
        # A RST at once (SO_LINGER 0): no orphan waits for the silent peer's FIN.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        peer.drain()
    return out


def timestamps(proto, cls):
    """A peer with timestamps (its clock at 1000): what our ACKs echo, PAWS."""
    base = 1000
    c = Conn(proto, cls, tsval=base)

    def send(rel_seq, tsval, n):
        peer.send(c.sport, c.port, (ISN + 1 + rel_seq) & 0xFFFFFFFF, c.base, ACK | PSH,
                  window=WINDOW, options=ts_option(tsval, 0), payload=b"t" * n)

    def answers():
        """(rel ack, length, echoed TSval less the peer's base) of what comes back."""
        def shape(s):
            ts = tcp_option(s["options"], 8)
            return ((s["ack"] - ISN - 1) & 0xFFFFFFFF, len(s["payload"]),
                    struct.unpack("!I", ts[4:])[0] - base if ts else None)
        return c.collect(0.3, shape)

    out = {}
    send(0, base + 10, 100)
    out["data"] = answers()
    send(100, base + 11, 100)
    send(200, base + 12, 100)
    out["two_segments"] = answers()
    # PAWS (RFC 7323 5.3): new data, but a TSval older than the last: an ACK, not taken.
    send(300, base + 5, 100)
    out["paws_old_tsval"] = answers()
    # After a hole: TS.Recent stays the last in-order segment's (4.3).
    send(400, base + 20, 100)
    out["out_of_order"] = answers()
    # The hole filled: its TSval is echoed.
    send(300, base + 21, 100)
    out["hole_filled"] = answers()
    # Our data carries the echo too, in segments 12 bytes short of the MSS.
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    assert send_all(c, 2500) == 2500
    out["data_sent"] = answers()
    c.sock.settimeout(2)
    got = b""
    while len(got) < 500:
        got += c.sock.recv(500 - len(got))
    out["read"] = len(got)
    c.close()
    return out


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


def set_option(proto, name, value):
    """net.xtcp.NAME or net.ipv4.tcp_NAME."""
    if proto == IPPROTO:
        sysctl(name, value)
    else:
        with open("/proc/sys/net/ipv4/tcp_%s" % name, "w") as f:
            f.write(str(value))


def options_shape(raw, peer_tsval=None):
    """Option bytes as hex, a timestamps option's TSval shown as vvvvvvvv
    (a clock plus a random offset: only its presence is comparable) and
    its TSecr as 00000000 or, when it echoes the peer's, as eeeeeeee."""
    raw, i = bytearray(raw), 0
    while i < len(raw) and raw[i] != 0:
        if raw[i] == 1:
            i += 1
            continue
        if i + 1 >= len(raw) or raw[i + 1] < 2:
            break
        if raw[i] == 8 and raw[i + 1] == 10:
            ecr, = struct.unpack("!I", raw[i + 6:i + 10])
            hexed = raw.hex()
            tail = "eeeeeeee" if ecr == peer_tsval else raw[i + 6:i + 10].hex()
            return hexed[:2 * i + 4] + "vvvvvvvv" + tail + hexed[2 * i + 20:]
        i += raw[i + 1]
    return raw.hex()


def syn_options(proto, cls):
    out = {}
    peer_tsval = 0x01020304
    for sack, ts in ((1, 1), (0, 1), (1, 0), (0, 0)):
        set_option(proto, "sack", sack)
        set_option(proto, "timestamps", ts)
        key = "sack_%d_ts_%d" % (sack, ts)
        s, syn = active_syn(proto, cls)
        out["syn_" + key] = syn and options_shape(syn["options"])
        s.close()
        # The SYN+ACK answering a peer that offers everything, in Linux's layout.
        ln = cls()
        ln.bind(L, 0)
        ln.listen()
        port = ln.getsockname()[1]
        sport[0] += 1
        peer.send(sport[0], port, ISN, 0, SYN, window=WINDOW,
                  options=struct.pack("!BBHBBBBII", 2, 4, MSS, 4, 2, 8, 10, peer_tsval, 0) +
                  bytes([1, 3, 3, 7]))
        sa = peer.recv()
        while sa and sa["flags"] != SYN | ACK:
            sa = peer.recv()
        out["synack_" + key] = sa and options_shape(sa["options"], peer_tsval)
        ln.close()
        if sa:
            peer.send(sport[0], port, ISN + 1, 0, RST)
        peer.drain()
    set_option(proto, "sack", 1)
    set_option(proto, "timestamps", 1)
    return out


for name, fn in (("syn_options", syn_options), ("psh", psh), ("slow_start", slow_start), ("quick_ack", quick_ack),
                 ("quick_ack_scaled", quick_ack_scaled),
                 ("quick_ack_big_buffer", quick_ack_big_buffer),
                 ("limited_transmit", limited_transmit), ("tail_loss_probe", tail_loss_probe),
                 ("timestamps", timestamps), ("syn_ack_echo", syn_ack_echo)):
    seen = {side: fn(proto, cls) for side, proto, cls in SIDES}
    for key in seen["tcp"]:
        x, t = seen["xtcp"][key], seen["tcp"][key]
        check(x == t, "%s %s: xtcp %s, Linux TCP %s" % (name, key, x, t))
finish()
