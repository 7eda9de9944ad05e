#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Segmentation offload: full segments a push sends go out as one GSO packet.

Two namespaces over veth (MTU 1500). With veth's defaults a 4 MiB transfer
leaves A in fewer packets than segments (veth hands GSO packets to B
whole, as it does TCP's), and arrives intact. With TSO and transmit
checksums turned off on A's veth, the device cannot take a GSO packet:
xtcp's offload (module/offload.c) cuts each into segments no larger than
the MTU, with their own sequence numbers and full checksums, which B
verifies in software: the bytes arrive intact, no checksum error is
counted, and A's veth sent a packet for every segment. A device limited to
one segment a packet (gso_max_segs 1) gets single segments from xtcp.

XTCP_SMOKE: also run on Debian's stock kernel.
"""
import array
import fcntl
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (accept_one, check, finish, in_netns, recv_digest,  # noqa: E402
                      send_all_and_close, setns, sh, stats, veth_pair)

A, B = "xtcp-ga-%d" % os.getpid(), "xtcp-gb-%d" % os.getpid()
N = 4 << 20
data = hashlib.shake_256(b"gso").digest(N)
SIOCETHTOOL, ETHTOOL_STXCSUM, ETHTOOL_STSO = 0x8946, 0x17, 0x1f


def ethtool_set(dev, cmd, value):
    """An ethtool set command on dev, as `ethtool -K` sends it (no ethtool binary needed)."""
    buf = array.array("B", struct.pack("II", cmd, value))
    ifr = struct.pack("16sP", dev.encode(), buf.buffer_info()[0])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)


def tx_packets(dev):
    # sysfs shows the namespace it was mounted in: ask ip.
    out = subprocess.run(["ip", "-s", "-j", "link", "show", dev], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)[0]["stats64"]["tx"]["packets"]


def server(ready_w, port):
    s = accept_one("10.12.0.2", port, ready_w)
    got, digest = recv_digest(s)
    s.close()
    return got == N and digest == hashlib.sha256(data).digest()


def transfer(port):
    """4 MiB from A (this process, in A) to B: (intact, packets on va, segments, GSO packets)."""
    r, w = os.pipe()
    pid = in_netns(B, server, w, port)
    os.read(r, 1)
    before, out_before, gso_before = tx_packets("va"), stats()["OutSegs"], stats()["OutGsoPackets"]
    send_all_and_close("10.12.0.2", port, data)
    _, status = os.waitpid(pid, 0)
    return (status == 0, tx_packets("va") - before, stats()["OutSegs"] - out_before,
            stats()["OutGsoPackets"] - gso_before)


def b_checksum_errors():
    out = subprocess.run(["ip", "netns", "exec", B, "cat", "/proc/xtcp/stats"],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[out.index("InErrChecksum") + 1])


veth_pair(A, B, "10.12.0")
try:
    setns(A)
    ok, packets, segs, gso = transfer(6200)
    print("# veth defaults: %d segments in %d packets, %d of them GSO" % (segs, packets, gso))
    check(ok, "4 MiB arrive intact through GSO packets")
    # 64 KiB packets on the stock kernel; 2-3 segments on the debug kernel,
    # whose veth round trip (over 1 ms) autosizing reads as a slow path.
    check(segs > 2800 and packets * 3 < segs * 2 and gso > 0,
          "GSO: A's %d segments left in %d packets (fewer than two thirds)" % (segs, packets))

    errors = b_checksum_errors()
    ethtool_set("va", ETHTOOL_STSO, 0)
    ethtool_set("va", ETHTOOL_STXCSUM, 0)
    ok, packets, segs, gso = transfer(6201)
    print("# TSO and checksum offload off: %d segments in %d packets, %d GSO packets made"
          % (segs, packets, gso))
    check(gso > 0, "xtcp still makes GSO packets (%d)" % gso)
    check(ok, "cut by xtcp's offload, with checksums made in software: 4 MiB arrive intact")
    check(packets >= segs, "each segment is a packet of its own (%d segments, %d packets)"
          % (segs, packets))
    check(b_checksum_errors() == errors, "B found no bad checksum")

    ethtool_set("va", ETHTOOL_STXCSUM, 1)
    ethtool_set("va", ETHTOOL_STSO, 1)
    sh("ip link set va gso_max_segs 1")
    ok, packets, segs, gso = transfer(6202)
    print("# gso_max_segs 1: %d segments in %d packets" % (segs, packets))
    check(ok and packets >= segs and gso == 0,
          "a device that takes one segment a packet gets single segments")
finally:
    subprocess.run("ip netns del %s; ip netns del %s" % (A, B), shell=True)
finish()
