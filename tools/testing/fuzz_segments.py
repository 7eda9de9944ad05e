#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The stateful segment fuzzer: crafted segments against real connections.

A fake peer (a raw socket behind a veth, pylib's Peer) makes real
handshakes with an xtcp listener, then, round after round until the time
is up, sends mutated segments where the state machine decides things:
sequence and acknowledgement numbers at the window's edges (RCV.NXT - 1,
RCV.NXT + RCV.WND, SND.UNA - MAX.SND.WND, SND.NXT + 1), every flag
combination, options with bad lengths, truncated headers and bad
checksums; SYN floods from random sources into a listener that is full;
RST, SYN and ACK attacks across the window; segments to TIME_WAIT entries;
and plain random ones. Meanwhile a real xtcp connection on loopback moves
data both ways and compares it. At the end every segment must have been
taken in or dropped and counted, the connections must read or have been
reset, and (checked by the harness) the debug kernel must have said nothing.

  XTCP_FUZZ_SECONDS (default 60), XTCP_FUZZ_SEED (default 1);
  make fuzz SECONDS=N SEED=N runs longer.

XTCP_TEST_TIMEOUT=400
"""
import os
import random
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (ACK, FIN, IPPROTO, PSH, RST, SYN, build_seg, check,  # noqa: E402
                      finish, loopback_pair, new_netns, peer_and_listener, stats)

SEED = int(os.environ.get("XTCP_FUZZ_SEED", "1"))
SECONDS = float(os.environ.get("XTCP_FUZZ_SECONDS", "60"))
rng = random.Random(SEED)
print("# seed %d (XTCP_FUZZ_SEED), %g s (XTCP_FUZZ_SECONDS)" % (SEED, SECONDS), flush=True)
peer, ln, port, lend = peer_and_listener()
# Fuzzed SYNs (to connections already reset, too) leave half-open children
# for a minute; the handshakes the rounds need must still find room.
ln.listen(1024)
L, R = peer.LOCAL, peer.REMOTE
sent = 0
next_port = [20000]


def send_raw(seg, src=R):
    global sent
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), 0, 0x4000, 64, IPPROTO, 0,
                     socket.inet_aton(src), socket.inet_aton(L))
    peer.tx.sendto(ip + seg, (L, 0))
    sent += 1


def seg_to(pport, seq, ack, flags, src=R, dport=None, **kw):
    send_raw(build_seg(src, L, pport, dport or port, seq, ack, flags, **kw), src)


def new_port():
    next_port[0] = 20000 + (next_port[0] - 20000 + 1) % 40000
    return next_port[0]


def options():
    kind = rng.randrange(8)
    if kind == 0:
        return b""
    if kind == 1:
        return bytes([2, 4, rng.randrange(256), rng.randrange(256)])
    if kind == 2:
        return bytes([3, 3, rng.randrange(256), 1])
    if kind == 3:  # a length that runs past the header, or is 0 or 1
        return bytes([rng.choice((2, 3, 4, 5, 8, 30)), rng.choice((0, 1, 40, 255)), 0, 0])
    if kind == 4:  # SACK blocks with a length that is not 2 + 8n
        return bytes([1, 1, 5, rng.choice((3, 9, 10, 17, 34))]) + bytes(32)[:rng.randrange(33) // 4 * 4]
    n = rng.randrange(1, 11) * 4
    return bytes(rng.randrange(256) for _ in range(n))


class Conn:
    """A handshake made by the fake peer; its numbers, as both ends see them."""

    def __init__(self, window=65535):
        global sent
        self.pport = new_port()
        self.isn = rng.randrange(1 << 32)
        sa, self.sock = peer.connect(ln, port, self.pport, self.isn, window=window)
        sent += 2   # its SYN and ACK
        self.seq = (self.isn + 1) & 0xFFFFFFFF    # our RCV.NXT for xtcp: its next byte from us
        self.una = (sa["seq"] + 1) & 0xFFFFFFFF   # xtcp's SND.UNA
        self.nxt = self.una                      # xtcp's SND.NXT, as far as we know
        self.sock.setblocking(False)

    def xtcp_sends(self, n):
        try:
            self.nxt = (self.nxt + self.sock.send(b"x" * n)) & 0xFFFFFFFF
        except OSError:
            pass

    def close(self):
        # The fake peer never answers a FIN: abort, so no orphan outlives the test.
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.sock.close()


def edges(c):
    """Sequence and acknowledgement numbers where the decisions are made."""
    w = 65535
    seqs = [c.seq - 1, c.seq, c.seq + 1, c.seq + w - 1, c.seq + w, c.seq + w + 1,
            c.seq - w, c.seq + (1 << 31), c.seq + rng.randrange(-70000, 70000)]
    acks = [c.una - 1, c.una, c.una + 1, c.nxt, c.nxt + 1, c.una - w, c.una - w - 1,
            c.una - (1 << 30), c.nxt + (1 << 31), c.una + rng.randrange(-70000, 70000)]
    return rng.choice(seqs), rng.choice(acks)


def round_edges():
    """Mutated segments at the window's edges into live connections."""
    conns = [Conn() for _ in range(3)]
    for c in conns:
        c.xtcp_sends(rng.choice((0, 100, 3000)))
    for _ in range(300):
        c = rng.choice(conns)
        seq, ack = edges(c)
        flags = rng.choice((ACK, ACK | PSH, ACK | FIN, RST, RST | ACK, SYN, SYN | ACK,
                            FIN, 0, rng.randrange(256)))
        payload = bytes(rng.randrange(256) for _ in range(rng.choice((0, 0, 1, 10, 1400))))
        opts = options()
        doff = (20 + len(opts)) // 4 if rng.random() < 0.95 else rng.randrange(16)
        seg = build_seg(R, L, c.pport, port, seq, ack, flags, window=rng.choice((0, 1, 65535)),
                        options=opts, payload=payload, doff=doff, bad_csum=rng.random() < 0.05)
        if rng.random() < 0.03:
            seg = seg[:rng.randrange(len(seg))]
        send_raw(seg)
        # Sometimes a good segment, so the connection moves on.
        if rng.random() < 0.2:
            data = b"d" * rng.randrange(1, 500)
            seg_to(c.pport, c.seq, c.nxt, ACK | PSH, payload=data)
            c.seq = (c.seq + len(data)) & 0xFFFFFFFF
            c.una = c.nxt
    for c in conns:
        c.close()


def round_flood():
    """A SYN flood from random sources into a listener with room for two."""
    small = ln.__class__()
    small.bind(L, 0)
    small.listen(2)
    sport = small.getsockname()[1]
    for i in range(400):
        src = "10.7.0.%d" % rng.randrange(3, 255)
        seg_to(rng.randrange(1024, 65536), rng.randrange(1 << 32), 0, SYN, src=src, dport=sport,
               options=options() if i % 4 == 0 else bytes([2, 4, 5, 0xb4]))
    # ACKs, RSTs and data at the full listener, as if for its half-open children.
    for _ in range(100):
        seg_to(rng.randrange(1024, 65536), rng.randrange(1 << 32), rng.randrange(1 << 32),
               rng.choice((ACK, RST, ACK | PSH, FIN | ACK, SYN | ACK)), dport=sport,
               payload=b"p" * rng.choice((0, 10)))
    small.close()


def round_attacks():
    """Blind RSTs, SYNs and ACKs across a live connection's window."""
    c = Conn()
    c.xtcp_sends(2000)
    for _ in range(150):
        kind = rng.randrange(3)
        seq = c.seq + rng.randrange(-200000, 200000)
        if kind == 0:
            seg_to(c.pport, seq, 0, RST)
        elif kind == 1:
            seg_to(c.pport, seq, 0, SYN, options=options())
        else:
            seg_to(c.pport, seq, c.una + rng.randrange(-(1 << 31), 1 << 31), ACK,
                   payload=b"a" * rng.choice((0, 20)))
    c.close()


def round_time_wait():
    """xtcp closes first, the peer answers with its FIN: TIME_WAIT. Then fuzz the entry."""
    c = Conn()
    c.sock.shutdown(socket.SHUT_WR)
    seg_to(c.pport, c.seq, c.nxt + 1, ACK | FIN)
    c.sock.close()
    for _ in range(100):
        seq = c.seq + rng.choice((0, 1, 2, -1, 65535, rng.randrange(-(1 << 31), 1 << 31)))
        flags = rng.choice((ACK, ACK | FIN, RST, SYN, SYN | ACK, ACK | PSH, rng.randrange(256)))
        seg_to(c.pport, seq, c.nxt + rng.choice((0, 1, 2, 100000)), flags,
               payload=b"t" * rng.choice((0, 0, 5)), options=options())


def round_random():
    """Anything: random numbers, flags, lengths, to a listener or nowhere."""
    for _ in range(300):
        flags = rng.randrange(256)
        payload = bytes(rng.randrange(256) for _ in range(rng.choice((0, 1, 10, 600))))
        opts = options()
        doff = (20 + len(opts)) // 4 if rng.random() < 0.8 else rng.randrange(16)
        # A SYN to the listener the rounds connect through would fill its
        # queue for a minute (that is round_flood's part, on its own listener).
        dport = port if not flags & SYN and rng.random() < 0.5 else rng.randrange(65536)
        seg = build_seg(R, L, rng.randrange(65536), dport,
                        rng.randrange(1 << 32), rng.randrange(1 << 32), flags,
                        window=rng.randrange(65536), options=opts, payload=payload, doff=doff,
                        bad_csum=rng.random() < 0.1)
        if rng.random() < 0.05:
            seg = seg[:rng.randrange(len(seg))]
        send_raw(seg)


# The liveness check: a real connection on loopback, data both ways, compared.
live = {"rounds": 0, "error": None}
stop = threading.Event()


def liveness():
    # A namespace of its own (this thread's only), so the counters below are the peer's.
    new_netns()
    c, s, lls = loopback_pair()
    c.settimeout(30)
    s.settimeout(30)
    try:
        while not stop.is_set():
            data = bytes((live["rounds"] + i) & 0xFF for i in range(20000))
            c.sendall(data)
            got = b""
            while len(got) < len(data):
                got += s.recv(65536)
            s.sendall(got)
            back = b""
            while len(back) < len(data):
                back += c.recv(65536)
            if back != data:
                live["error"] = "round %d: the bytes differ" % live["rounds"]
                return
            live["rounds"] += 1
            time.sleep(0.05)    # leave the fuzzer most of the CPU
    except OSError as e:
        live["error"] = "round %d: %s" % (live["rounds"], e)
    finally:
        c.close()
        s.close()
        lls.close()


before = stats()
t = threading.Thread(target=liveness, daemon=True)
t.start()
rounds = {f.__name__: 0 for f in (round_edges, round_flood, round_attacks, round_time_wait,
                                  round_random)}
end = time.time() + SECONDS
while time.time() < end and live["error"] is None:
    f = rng.choice((round_edges, round_edges, round_flood, round_attacks, round_time_wait,
                    round_random))
    f()
    rounds[f.__name__] += 1
    peer.drain()
stop.set()
t.join()
after = stats()
print("# %d segments in %d rounds: %s" % (sent, sum(rounds.values()),
      ", ".join("%s %d" % (k[6:], v) for k, v in rounds.items())), flush=True)
check(live["error"] is None and live["rounds"] > 0,
      "liveness: %d round trips of 20000 bytes on a real connection, compared (%s)"
      % (live["rounds"], live["error"] or "all equal"))

errs = sum(after[k] - before[k] for k in after if k.startswith("InErr"))
check(after["InSegs"] - before["InSegs"] + errs == sent,
      "every crafted segment was either taken in or dropped and counted (%d in, %d dropped, "
      "%d sent)" % (after["InSegs"] - before["InSegs"], errs, sent))
check(after["InErrChecksum"] > before["InErrChecksum"], "bad checksums were counted")
check(after["ChallengeACKs"] > before["ChallengeACKs"], "attacks were challenged (RFC 5961)")
check(after["SyncookiesSent"] > before["SyncookiesSent"],
      "the flood met a full listener, answered with SYN cookies (SyncookiesSent)")
check(after["InDrops"] > before["InDrops"], "dropped segments were counted (InDrops)")

# xtcp still works: a new connection on loopback carries data both ways.
c, s, lls = loopback_pair()
c.sendall(b"still alive" * 1000)
got = b""
s.settimeout(5)
while len(got) < 11000:
    got += s.recv(65536)
check(got == b"still alive" * 1000, "after fuzzing, a new connection carries data intact")
s.sendall(b"ok")
check(c.recv(2) == b"ok", "and back")
for x in (c, s, lls, ln):
    x.close()
finish()
