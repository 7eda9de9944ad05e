#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Bulk transfers through a bad path: two namespaces, veth, netem.

For each impairment, XTCP_IMPAIR_MIB MiB (default 16: thousands of losses
at 5%, in a quarter of the time 64 took in make check; make
bench-impairments moves 64) cross each way at once between 10.9.0.1 and
10.9.0.2, and each end compares the SHA-256 of
what it read with what the other sent: a clean path; 1% and 5% random loss;
20 ms delay with 25% reordering; 1% duplication; 1% corruption (dropped by
the checksum); 2% loss in both directions. Every transfer must end with
identical bytes within a generous timeout (no hang: XTCP_IMPAIR_TIMEOUT
seconds without progress, 180 by default, fails the transfer and prints
both ends' connections and a few segments on the wire). The times are printed
for the record; XTCP_IMPAIR_PROTO=tcp runs the same transfers over Linux
TCP, which is how tools/bench/impairments compares the two.
XTCP_IMPAIR_DIRECTIONS="one,both" also runs each path with A sending and B
only reading ("one"; "both", each way at once, is the default).

Over xtcp, what the loss recovery learns shows in A's counters: 1%
duplication makes B report DSACKs (RFC 2883) that A takes; on the
reordering path nothing is lost, so every retransmission A made was
spurious, and reductions are undone (by DSACK or Eifel) rather than kept.

XTCP_SMOKE, XTCP_STOCK_ONLY: runs on Debian's stock kernel only, since at
this size the debug kernel under TCG would take longer than CI allows.
XTCP_TEST_TIMEOUT=1500
"""
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (IPPROTO, TcpSocket, XSocket, accept_one, check, finish, in_netns,  # noqa: E402
                      recv_digest, setns, sh, stats, veth_pair)

A, B = "xtcp-ia-%d" % os.getpid(), "xtcp-ib-%d" % os.getpid()
N = int(os.environ.get("XTCP_IMPAIR_MIB", "16")) << 20
TIMEOUT = float(os.environ.get("XTCP_IMPAIR_TIMEOUT", "180"))
PROTO = os.environ.get("XTCP_IMPAIR_PROTO", "xtcp")
PORT = 6000
DIRECTIONS = os.environ.get("XTCP_IMPAIR_DIRECTIONS", "both").split(",")

# name: (netem on A's side, netem on B's side); each side shapes what it sends.
IMPAIRMENTS = [
    ("clean", None, None),
    ("loss 1%", "loss 1%", None),
    ("loss 5%", "loss 5%", None),
    ("delay 20ms reorder 25%", "delay 20ms reorder 25% 50%", "delay 20ms"),
    ("duplicate 1%", "duplicate 1%", None),
    ("corrupt 1%", "corrupt 1%", None),
    ("loss 2% both ways", "loss 2%", "loss 2%"),
    # A long fat path: 100 ms round trip, 200 Mbit/s each way (issue 13's CUBIC case).
    ("delay 50ms rate 200mbit", "delay 50ms rate 200mbit", "delay 50ms rate 200mbit"),
]


# XTCP_IMPAIR_ONLY="clean,loss 5%": just those.
if os.environ.get("XTCP_IMPAIR_ONLY"):
    IMPAIRMENTS = [i for i in IMPAIRMENTS if i[0] in os.environ["XTCP_IMPAIR_ONLY"].split(",")]


Socket = TcpSocket if PROTO == "tcp" else XSocket
RETRANS = "RetransSegs"


def retransmitted():
    if PROTO == "tcp":
        with open("/proc/net/snmp") as f:
            rows = [line.split() for line in f if line.startswith("Tcp:")]
        return int(dict(zip(rows[0], rows[1]))[RETRANS])
    return stats()[RETRANS]


# Linux TCP's counters that say what its loss recovery did, printed beside xtcp's.
TCP_COUNTERS = ("TCPSackRecovery", "TCPSACKReorder", "TCPTSReorder", "TCPRenoReorder",
                "TCPDSACKRecv", "TCPDSACKOfoRecv", "TCPDSACKUndo", "TCPPartialUndo",
                "TCPFullUndo", "TCPLossUndo", "TCPSpuriousRTOs", "TCPLossProbes",
                "TCPLossProbeRecovery", "TCPTimeouts", "TCPFastRetrans", "TCPLostRetransmit",
                "TCPSpuriousRtxHostQueues", "TCPSackShifted", "TCPSackMerged", "PAWSEstab")


def tcp_stats():
    with open("/proc/net/netstat") as f:
        rows = [line.split() for line in f if line.startswith("TcpExt:")]
    ext = dict(zip(rows[0][1:], map(int, rows[1][1:])))
    return {k: ext.get(k, 0) for k in TCP_COUNTERS}


def pattern(seed):
    return hashlib.shake_256(seed).digest(N)


def netem(ns, dev, spec):
    sh("ip netns exec %s tc qdisc replace dev %s root netem %s limit 10000" % (ns, dev, spec))


def clear(ns, dev):
    os.system("ip netns exec %s tc qdisc del dev %s root 2>/dev/null" % (ns, dev))


def dump_state():
    """Both namespaces' connections, for a failure's report."""
    for ns in (A, B):
        for f in ("conns", "info", "stats"):
            out = subprocess.run(["ip", "netns", "exec", ns, "cat", "/proc/xtcp/" + f],
                                 capture_output=True, text=True).stdout
            for line in out.splitlines():
                if "LISTEN" not in line and (f != "stats" or not line.endswith(" 0")):
                    print("# %s %s: %s" % (ns, f, line))
    out = subprocess.run(["ip", "netns", "exec", A, "tshark", "-i", "va", "-a", "duration:1",
                          "-c", "12", "-d", "ip.proto==%d,tcp" % IPPROTO,
                          "-o", "tcp.relative_sequence_numbers:FALSE"],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        print("# on the wire: " + line)


def exchange(s, send_seed, expect):
    """Send N bytes of send_seed's pattern (none if None) while reading the
    peer's (expect: N bytes, or None for none); SHA-256s equal?"""
    data = pattern(send_seed) if send_seed else b""

    def sender():
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)

    t = threading.Thread(target=sender)
    t.start()
    got, digest = recv_digest(s)
    t.join()
    expect = expect or b""
    return got == len(expect) and digest == hashlib.sha256(expect).digest()


def server(ready_w, port, both):
    s = accept_one("10.9.0.2", port, ready_w, Socket)
    s.settimeout(TIMEOUT)
    ok = exchange(s, b"B" if both else None, pattern(b"A"))
    s.close()
    return ok


veth_pair(A, B, "10.9.0")
times = []
try:
    for i, (path, spec_a, spec_b) in enumerate(IMPAIRMENTS):
        for d, direction in enumerate(DIRECTIONS):
            both = direction == "both"
            name = path if both else path + ", one way"
            if spec_a:
                netem(A, "va", spec_a)
            if spec_b:
                netem(B, "vb", spec_b)
            r, w = os.pipe()
            pid = in_netns(B, server, w, PORT + 2 * i + d, both)
            os.read(r, 1)
            setns(A)
            before = retransmitted()
            mibs = stats() if PROTO == "xtcp" else tcp_stats()
            c = Socket()
            t0 = time.time()
            try:
                c.connect("10.9.0.2", PORT + 2 * i + d)
                c.settimeout(TIMEOUT)
                ok = exchange(c, b"A", pattern(b"B") if both else None)
            except OSError as e:
                print("# %s: %r" % (name, e))
                ok = False
                dump_state()
            took = time.time() - t0
            c.close()
            _, status = os.waitpid(pid, 0)
            retrans = retransmitted() - before
            times.append((name, took, retrans))
            check(ok, "%s: %d MiB from %s arrive intact at A's SHA-256 (%.1f s, %d retransmitted)"
                  % (name, N >> 20, "B" if both else "A (none from B)", took, retrans))
            check(status == 0, "%s: %d MiB from A arrive intact at B's SHA-256" % (name, N >> 20))
            if path in ("loss 1%", "loss 5%", "loss 2% both ways"):
                check(retrans > 0, "%s: retransmissions were needed and made" % name)
            if mibs:
                after = stats() if PROTO == "xtcp" else tcp_stats()
                delta = {k: after[k] - mibs[k] for k in after}
                print("# %s: A's counters: %s" % (name, " ".join(
                    "%s %d" % (k, v) for k, v in delta.items() if v and k not in
                    ("InSegs", "OutSegs", "ActiveOpens", "EstabResets", "DelayedACKs"))))
                if PROTO == "xtcp" and path == "duplicate 1%":
                    check(delta["DsacksReceived"] > 0,
                          "%s: B reports the duplicates as DSACKs, A takes them (%d)"
                          % (name, delta["DsacksReceived"]))
                if PROTO == "xtcp" and path.startswith("delay 20ms reorder"):
                    undos = delta["DsackUndos"] + delta["EifelUndos"]
                    check(retrans == 0 or undos > 0,
                          "%s: nothing is lost, so the %d retransmissions were spurious and "
                          "reductions undone (%d by DSACK, %d by Eifel)"
                          % (name, retrans, delta["DsackUndos"], delta["EifelUndos"]))
            clear(A, "va")
            clear(B, "vb")
            time.sleep(0.2)
finally:
    sh("ip netns del %s; ip netns del %s" % (A, B))
for name, took, retrans in times:
    print("# time %s %-33s %7.2f s  %6d retransmitted" % (PROTO, name, took, retrans))
finish()
