#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A transfer through 5% loss, captured and decoded by tshark as TCP.

Two namespaces over veth (MTU 1500, so 4 MiB is ~3000 segments), netem
dropping 5% of what A sends. A's veth takes one segment a packet
(gso_max_segs 1, as a NIC without TSO), so that netem drops segments, not
GSO packets, and the capture shows each as a wire would. The capture is taken at B, where the holes
show and the retransmissions fill them: tshark must see retransmissions,
no "ACKed unseen segment" (B acknowledges only what it received) and no
malformed packet, and the bytes must arrive intact. Both SYNs offer SACK
(RFC 2018) and timestamps (RFC 7323), every segment carries timestamps,
and B's ACKs carry SACK blocks tshark decodes (three at most beside the
timestamps), each above the ACK it rides on but a first one reporting
data received twice (a DSACK).

XTCP_SMOKE: also run on Debian's stock kernel.
"""
import hashlib
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (IPPROTO, accept_one, check, finish, in_netns,  # noqa: E402
                      recv_digest, send_all_and_close, setns, sh, start_tcpdump, stop_tcpdump,
                      veth_pair)

A, B = "xtcp-ca-%d" % os.getpid(), "xtcp-cb-%d" % os.getpid()
N = 4 << 20
PORT = 6100
pcap = "/tmp/xtcp-capture-loss.pcap"
data = hashlib.shake_256(b"capture").digest(N)


def server(ready_w):
    s = accept_one("10.10.0.2", PORT, ready_w)
    got, digest = recv_digest(s)
    s.close()
    return got == N and digest == hashlib.sha256(data).digest()


veth_pair(A, B, "10.10.0")
try:
    sh("ip -n %s link set va gso_max_segs 1" % A)
    sh("ip netns exec %s tc qdisc add dev va root netem loss 5%%" % A)
    dump = start_tcpdump(["ip", "netns", "exec", B, "tcpdump", "-i", "vb", "-U", "-s", "128",
                          "-w", pcap, "ip proto %d" % IPPROTO])
    r, w = os.pipe()
    pid = in_netns(B, server, w)
    os.read(r, 1)
    setns(A)
    send_all_and_close("10.10.0.2", PORT, data)
    _, status = os.waitpid(pid, 0)
    check(status == 0, "4 MiB through 5% loss arrive intact (SHA-256 at the receiver)")
    stop_tcpdump(dump, pcap)
finally:
    subprocess.run("ip netns del %s; ip netns del %s" % (A, B), shell=True)

out = subprocess.run(
    ["tshark", "-r", pcap, "-d", "ip.proto==%d,tcp" % IPPROTO, "-o", "tcp.check_checksum:FALSE",
     "-T", "fields", "-E", "separator=;", "-e", "tcp.analysis.flags",
     "-e", "tcp.analysis.retransmission", "-e", "tcp.analysis.fast_retransmission",
     "-e", "tcp.analysis.ack_lost_segment", "-e", "_ws.malformed",
     "-e", "tcp.flags.syn", "-e", "tcp.options.sack_perm", "-e", "tcp.options.sack_le",
     "-e", "tcp.ack", "-e", "tcp.options.timestamp.tsval", "-e", "tcp.options.timestamp.tsecr"],
    capture_output=True, text=True)
check(out.returncode == 0, "tshark reads the capture (%s)" % out.stderr.strip()[:200])
rows = [line.split(";") for line in out.stdout.splitlines()]
retrans = sum(1 for r in rows if r[1] or r[2])
unseen = sum(1 for r in rows if r[3])
malformed = sum(1 for r in rows if r[4])
syns = [r for r in rows if r[5] in ("1", "True")]
sack_perm = sum(1 for r in syns if r[6])
sacks = [r for r in rows if r[7]]
# RFC 7323 3.2: timestamps on every segment once both SYNs had them; a TSecr
# on all but the opening SYN. tshark decodes both fields.
no_ts = sum(1 for r in rows if not r[9])
no_ecr = sum(1 for r in rows if r[5] not in ("1", "True") and not int(r[10] or 0))
# Edges as tshark shows them: relative to the ISN, as the ACK field. A first
# block below the ACK is a DSACK (RFC 2883: data received twice); no other.
edges = [[int(le) for le in r[7].split(",")] for r in sacks]
acks = [int(r[8]) for r in sacks]
dsacks = sum(1 for e, a in zip(edges, acks) if e[0] < a)
below = sum(1 for e, a in zip(edges, acks) if any(le <= a for le in e[1:]))
print("# %d segments captured, %d retransmissions, %d ACKed unseen, %d malformed"
      % (len(rows), retrans, unseen, malformed))
check(len(rows) > 2000, "the capture holds the transfer (%d segments)" % len(rows))
check(retrans > 0, "tshark sees retransmissions (%d)" % retrans)
check(unseen == 0, "no \"ACKed unseen segment\"")
check(malformed == 0, "no malformed packet")
print("# %d SYNs, %d offering SACK; %d segments with SACK blocks" % (len(syns), sack_perm,
                                                                    len(sacks)))
# A lost SYN+ACK's ACK brings the SYN+ACK again: two SYNs or more, each offering.
check(len(syns) >= 2 and sack_perm == len(syns), "every SYN and SYN+ACK offers SACK")
check(no_ts == 0, "every segment carries timestamps tshark decodes (%d without)" % no_ts)
check(no_ecr == 0, "every segment after the SYNs echoes a TSval (%d without)" % no_ecr)
check(len(sacks) > 10, "B's ACKs carry SACK blocks (%d)" % len(sacks))
print("# %d DSACKs" % dsacks)
check(below == 0, "every SACK block but a first one (a DSACK) lies above the ACK that carries it")
os.unlink(pcap)
finish()
