#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""In the VM: impairments.py over xtcp, then over TCP; a table of times and ratios."""
import os
import re
import subprocess
import sys

TEST = os.path.join(os.path.dirname(__file__), "../testing/impairments.py")
times = {}
counters = []
for proto in ("xtcp", "tcp"):
    out = subprocess.run([TEST], env=dict(os.environ, XTCP_IMPAIR_PROTO=proto),
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
print("\n".join(counters))
sys.exit(0)
