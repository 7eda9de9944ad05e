#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""In the VM: impairments.py over xtcp and over TCP; a table of times and ratios.

Path by path, xtcp then TCP: the host's speed drifts over minutes (TCP's
clean run once took 2.5 s in one run of the benchmark and 3.9 s in the
next), so each ratio compares two runs made seconds apart, not one from
each end of the benchmark.
"""
import os
import re
import subprocess
import sys

TEST = os.path.join(os.path.dirname(__file__), "../testing/impairments.py")
with open(TEST) as f:
    block = re.search(r"^IMPAIRMENTS = \[(.*?)^\]", f.read(), re.S | re.M).group(1)
paths = re.findall(r'^\s+\("([^"]+)",', block, re.M)
if os.environ.get("XTCP_IMPAIR_ONLY"):
    paths = [p for p in paths if p in os.environ["XTCP_IMPAIR_ONLY"].split(",")]
times = {}
counters = []
for path in paths:
    for proto in ("xtcp", "tcp"):
        out = subprocess.run([TEST], env=dict(os.environ, XTCP_IMPAIR_PROTO=proto,
                                              XTCP_IMPAIR_ONLY=path),
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("not ok"):
                print("# %s: %s" % (proto, line))
            if "A's counters:" in line:
                counters.append("# %-4s %s" % (proto, line[2:]))
            m = re.match(r"# time (\S+) (.+?)\s+([\d.]+) s\s+(\d+) retransmitted", line)
            if m:
                times.setdefault(m.group(2), {})[proto] = (float(m.group(3)), int(m.group(4)))
mib = int(os.environ.get("XTCP_IMPAIR_MIB", "64"))
print("%d MiB (\"one way\": A to B only; else each way at once), two namespaces over veth, "
      "netem; seconds (segments retransmitted)" % mib)
print("%-33s %16s %16s %8s" % ("path", "xtcp", "Linux TCP", "xtcp/TCP"))
for name, t in times.items():
    x, tcp = t.get("xtcp"), t.get("tcp")
    cell = lambda v: "%7.2f (%6d)" % v if v else "%16s" % "-"  # noqa: E731
    ratio = "%8.2f" % (x[0] / tcp[0]) if x and tcp else "%8s" % "-"
    print("%-33s %s %s %s" % (name, cell(x), cell(tcp), ratio))
# What each protocol's loss recovery did, by its own counters (/proc/xtcp/stats; TcpExt).
print("\n".join(sorted(counters, key=lambda c: c.split(None, 2)[1] != "xtcp")))
sys.exit(0)
