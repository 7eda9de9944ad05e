#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Random segments against a listener and live connections.

Six thousand segments with random flags, sequence and acknowledgement
numbers (half of them near the right ones), windows, options (valid,
truncated, absurd) and payloads, most with a correct checksum so they get
past the first check. Afterwards xtcp must still accept, carry data and
close; every malformed one must have been counted; and (checked by the
harness) the debug kernel must have said nothing.
"""
import errno
import os
import random
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (ACK, FIN, PSH, RST, SYN, build_seg, check, finish,  # noqa: E402
                      loopback_pair, peer_and_listener, stats)

rng = random.Random(int(os.environ.get("XTCP_FUZZ_SEED", "1")))
print("# seed %d (XTCP_FUZZ_SEED)" % int(os.environ.get("XTCP_FUZZ_SEED", "1")))
peer, ln, port, lend = peer_and_listener()
L, R = peer.LOCAL, peer.REMOTE


def open_conn(pport):
    peer.send(pport, port, 1000, 0, SYN)
    sa = peer.recv()
    peer.send(pport, port, 1001, sa["seq"] + 1, ACK)
    return ln.accept(), sa["seq"] + 1


def options():
    kind = rng.randrange(6)
    if kind == 0:
        return b""
    if kind == 1:
        return bytes([2, 4, rng.randrange(256), rng.randrange(256)])
    if kind == 2:
        return bytes([3, 3, rng.randrange(256), 1])
    n = rng.randrange(1, 11) * 4
    return bytes(rng.randrange(256) for _ in range(n))


# Most segments get plausible flags, to go deeper than the first checks.
PLAUSIBLE = [ACK, ACK | PSH, ACK | FIN, RST, RST | ACK, SYN, SYN | ACK, FIN | PSH | ACK]
conns = [open_conn(46000 + i) for i in range(4)]
before = stats()
sent = 0
for i in range(6000):
    pport = 46000 + rng.randrange(6)
    target_iss = conns[pport - 46000][1] if pport < 46004 else 0
    near = rng.random() < 0.5
    seq = (1001 + rng.randrange(-70000, 70000)) if near else rng.randrange(1 << 32)
    ack = (target_iss + rng.randrange(-70000, 70000)) if near else rng.randrange(1 << 32)
    payload = bytes(rng.randrange(256) for _ in range(rng.choice((0, 0, 1, 10, 600))))
    opts = options()
    doff = (20 + len(opts)) // 4 if rng.random() < 0.9 else rng.randrange(16)
    flags = rng.choice(PLAUSIBLE) if rng.random() < 0.7 else rng.randrange(256)
    seg = build_seg(peer.REMOTE, peer.LOCAL, pport, port, seq, ack, flags,
                    window=rng.randrange(65536), options=opts, payload=payload, doff=doff,
                    bad_csum=rng.random() < 0.1)
    if rng.random() < 0.03:
        seg = seg[:rng.randrange(len(seg))]
    peer.send(0, 0, 0, 0, 0, raw=seg)
    sent += 1
    if i % 500 == 0:
        peer.drain()
after = stats()
errs = sum(after[k] - before[k] for k in after if k.startswith("InErr"))
check(after["InSegs"] - before["InSegs"] + errs == sent,
      "every segment was either taken in or dropped and counted (%d in, %d dropped of %d)"
      % (after["InSegs"] - before["InSegs"], errs, sent))
check(after["InErrChecksum"] > before["InErrChecksum"], "bad checksums were counted")

# The connections either survived or were reset; reading them works.
for c, _ in conns:
    c.settimeout(0.2)
    try:
        while c.recv(65536):
            pass
    except TimeoutError:
        pass  # alive, nothing to read
    except OSError as e:
        check(e.errno in (errno.ECONNRESET, errno.ETIMEDOUT), "recv after fuzzing: %s" % e)
    # The fake peer never answers a FIN: abort, so no orphan outlives the test.
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()

# xtcp still works: a real connection on loopback carries data both ways.
c, s, _ = loopback_pair()
c.sendall(b"still alive" * 1000)
got = b""
s.settimeout(5)
while len(got) < 11000:
    got += s.recv(65536)
check(got == b"still alive" * 1000, "after fuzzing, a new connection carries data intact")
s.sendall(b"ok")
check(c.recv(2) == b"ok", "and back")
c.close()
s.close()
finish()
