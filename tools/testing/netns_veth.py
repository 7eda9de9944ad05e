#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Two network namespaces joined by veth, with netem.

4 MiB each way between 10.8.0.1 and 10.8.0.2 with SHA-256 compared on both
ends, the client half-closing first; each namespace sees only its own side
in /proc/xtcp/conns; a SYN into 100% loss gives ETIMEDOUT after
syn_retries (a per-namespace sysctl); keepalive drops a connection whose
peer vanished behind 100% loss.
"""
import errno
import hashlib
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (XSocket, accept_one, check, conn_state, expect_oserror, finish,  # noqa: E402
                      in_netns, set_keepalive, setns, sh, stats, sysctl, veth_pair)

A, B = "xtcp-a-%d" % os.getpid(), "xtcp-b-%d" % os.getpid()
N = 4 << 20
PORT = 5555


def pattern(seed):
    return hashlib.shake_256(seed).digest(N)


def teardown():
    subprocess.run("ip netns del %s; ip netns del %s" % (A, B), shell=True)


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(min(1 << 20, n - len(buf)))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def server(ready_w):
    s = accept_one("10.8.0.2", PORT, ready_w)
    got = recv_exact(s, N + 1)  # until EOF: the client half-closes after N bytes
    digest = hashlib.sha256(got).digest()
    s.sendall(digest)
    s.sendall(pattern(b"server"))
    s.close()
    return len(got) == N


veth_pair(A, B, "10.8.0")
try:
    r, w = os.pipe()
    pid = in_netns(B, server, w)
    os.read(r, 1)
    setns(A)

    c = XSocket()
    c.connect("10.8.0.2", PORT)
    local = "%s:%d" % c.getsockname()
    check(conn_state(local, "10.8.0.2:%d" % PORT) == "ESTABLISHED",
          "namespace A sees its side ESTABLISHED")
    check(conn_state("10.8.0.2:%d" % PORT, local) is None,
          "namespace A does not see namespace B's side")
    data = pattern(b"client")
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    digest = recv_exact(c, 32)
    check(digest == hashlib.sha256(data).digest(), "the server's SHA-256 of 4 MiB matches")
    back = recv_exact(c, N + 1)
    check(len(back) == N and back == pattern(b"server"),
          "4 MiB sent after our SHUT_WR arrive intact (%d bytes)" % len(back))
    c.close()
    _, status = os.waitpid(pid, 0)
    check(status == 0, "the server in namespace B saw exactly 4 MiB then EOF")
    # The last ACK of that close must land before the namespaces go away.
    time.sleep(0.5)

    # A SYN into a black hole: 100% loss on A's side.
    sh("tc qdisc add dev va root netem loss 100%")
    sysctl("syn_retries", 2)
    fails = stats()["AttemptFails"]
    c = XSocket()
    t0 = time.time()
    expect_oserror(errno.ETIMEDOUT, "connect through 100% loss", c.connect, "10.8.0.2", PORT)
    took = time.time() - t0
    check(3.0 < took < 15.0, "after SYN, 2 retries backing off 1 s, 2 s, 4 s (%.1f s)" % took)
    check(stats()["AttemptFails"] == fails + 1, "AttemptFails counted in namespace A")
    c.close()
    sh("tc qdisc del dev va root")
    sysctl("syn_retries", 6)

    # Keepalive: the peer vanishes behind 100% loss; probes go unanswered.
    r, w = os.pipe()

    def holder(ready_w, done_r):
        s = accept_one("10.8.0.2", PORT + 1, ready_w)
        os.read(done_r, 1)
        # Abort: an orderly close would leave an orphan retransmitting its
        # FIN to a peer that is gone, pinning the module for retries2.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        return True

    done_r, done_w = os.pipe()
    pid = in_netns(B, holder, w, done_r)
    os.read(r, 1)
    c = XSocket()
    c.connect("10.8.0.2", PORT + 1)
    set_keepalive(c, 1, 1, 3)
    sh("tc qdisc add dev va root netem loss 100%")
    c.settimeout(20)
    t0 = time.time()
    expect_oserror(errno.ETIMEDOUT, "keepalive drops a vanished peer: recv()", c.recv, 1)
    check(time.time() - t0 < 10, "after idle + 3 probes (%.1f s)" % (time.time() - t0))
    c.close()
    sh("tc qdisc del dev va root")
    os.write(done_w, b"d")
    _, status = os.waitpid(pid, 0)
    check(status == 0, "the holder in namespace B aborted its side")
finally:
    teardown()
finish()
