#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One connection captured with tcpdump and decoded by tshark as TCP.

The flags must run S, S., . (handshake), data with ACKs, then F., ., F., .
(or the combined forms); SYN and FIN each advance the sequence number by
one and data by its length; every ACK acknowledges exactly what came before;
tshark's TCP analysis finds nothing wrong (no retransmission, lost or
unseen segment, no malformed packet).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (IPPROTO, XSocket, check, finish, new_netns, start_tcpdump,  # noqa: E402
                      stop_tcpdump)

new_netns()
pcap = "/tmp/xtcp-capture.pcap"
dump = start_tcpdump(["tcpdump", "-i", "lo", "-U", "-w", pcap, "ip proto %d" % IPPROTO])

ln = XSocket()
ln.bind("127.0.0.1", 0)
ln.listen()
port = ln.getsockname()[1]
c = XSocket()
c.connect("127.0.0.1", port)
s = ln.accept()
for chunk in (b"hello", b"xtcp" * 100, b"!"):
    c.sendall(chunk)
    got = b""
    while len(got) < len(chunk):
        got += s.recv(4096)
s.sendall(b"reply")
c.recv(100)
c.close()
s.recv(10)
s.close()
stop_tcpdump(dump, pcap)

out = subprocess.run(
    ["tshark", "-r", pcap, "-d", "ip.proto==%d,tcp" % IPPROTO, "-o", "tcp.check_checksum:FALSE",
     "-o", "tcp.relative_sequence_numbers:FALSE", "-T", "fields", "-E", "separator=,",
     "-e", "tcp.srcport", "-e", "tcp.flags", "-e", "tcp.seq", "-e", "tcp.ack",
     "-e", "tcp.len", "-e", "tcp.analysis.flags", "-e", "_ws.malformed", "-e", "_ws.expert"],
    capture_output=True, text=True)
check(out.returncode == 0, "tshark reads the capture (%s)" % out.stderr.strip()[:200])
rows = []
for line in out.stdout.splitlines():
    f = line.split(",")
    rows.append({"src": int(f[0]), "flags": int(f[1], 16), "seq": int(f[2]),
                 "ack": int(f[3]) if f[3] else 0, "len": int(f[4]),
                 "analysis": f[5], "malformed": f[6]})
names = {0x02: "S", 0x12: "S.", 0x10: ".", 0x18: "P.", 0x11: "F.", 0x19: "FP."}
seq_flags = [names.get(r["flags"], hex(r["flags"])) for r in rows]
print("# flags: " + " ".join(seq_flags))
check(seq_flags[:3] == ["S", "S.", "."], "the handshake: S, S., .")
check(seq_flags[-4:] in (["F.", ".", "F.", "."], ) or seq_flags[-3:] == ["F.", "F.", "."],
      "the close: F., ., F., . (or F., F., .)")
check(rows[1]["ack"] == rows[0]["seq"] + 1, "SYN+ACK acknowledges SYN's seq + 1")
check(rows[2]["ack"] == rows[1]["seq"] + 1, "the ACK acknowledges SYN+ACK's seq + 1")

# Each side's sequence numbers advance by its data, +1 for SYN and FIN, and
# each ACK acknowledges exactly what the other side has sent so far.
nxt = {}
ok_seq = ok_ack = True
for r in rows:
    a, b = r["src"], (port if r["src"] != port else rows[0]["src"])
    if a in nxt and r["seq"] != nxt[a]:
        ok_seq = False
    nxt[a] = (r["seq"] + r["len"] + (1 if r["flags"] & 0x03 else 0)) & 0xFFFFFFFF
    if r["flags"] & 0x10 and b in nxt and r["ack"] != nxt[b]:
        ok_ack = False
check(ok_seq, "every segment starts where the sender's previous one ended")
check(ok_ack, "every ACK acknowledges all the peer has sent")
check(sum(r["len"] for r in rows) == 5 + 400 + 1 + 5, "411 bytes of payload on the wire")
check(not any(r["analysis"] for r in rows), "tshark's TCP analysis flags nothing")
check(not any(r["malformed"] for r in rows), "no malformed packet")
finish()
