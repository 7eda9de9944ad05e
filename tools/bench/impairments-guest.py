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
from statistics import median

TEST = os.path.join(os.path.dirname(__file__), "../testing/impairments.py")
with open(TEST) as f:
    block = re.search(r"^IMPAIRMENTS = \[(.*?)^\]", f.read(), re.S | re.M).group(1)
paths = re.findall(r'^\s+\("([^"]+)",', block, re.M)
if os.environ.get("XTCP_IMPAIR_ONLY"):
    paths = [p for p in paths if p in os.environ["XTCP_IMPAIR_ONLY"].split(",")]
REPS = max(1, int(os.environ.get("XTCP_IMPAIR_REPS", "1")))
runs = {}    # path name: [{proto: (seconds, retransmitted)}, one a repetition]
counters = []
for path in paths:
    for rep in range(REPS):
        for proto in ("xtcp", "tcp"):
            out = subprocess.run([TEST], env=dict(os.environ, XTCP_IMPAIR_PROTO=proto,
                                                  XTCP_IMPAIR_ONLY=path),
                                 capture_output=True, text=True).stdout
            for line in out.splitlines():
                if line.startswith("not ok"):
                    print("# %s: %s" % (proto, line))
                if "A's counters:" in line and rep == REPS - 1:
                    counters.append("# %-4s %s" % (proto, line[2:]))
                m = re.match(r"# time (\S+) (.+?)\s+([\d.]+) s\s+(\d+) retransmitted", line)
                if m:
                    reps = runs.setdefault(m.group(2), [])
                    if len(reps) <= rep:
                        reps.append({})
                    reps[rep][proto] = (float(m.group(3)), int(m.group(4)))


mib = int(os.environ.get("XTCP_IMPAIR_MIB", "64"))
print("%d MiB (\"one way\": A to B only; else each way at once), two namespaces over veth, "
      "netem; seconds (segments retransmitted)%s" %
      (mib, "; medians of %d runs, each xtcp's right before TCP's, and the range of the "
       "ratios" % REPS if REPS > 1 else ""))
print("%-33s %16s %16s %8s%s" % ("path", "xtcp", "Linux TCP", "xtcp/TCP", "  range" if REPS > 1 else ""))
for name, reps in runs.items():
    pairs = [r for r in reps if "xtcp" in r and "tcp" in r]
    cells = []
    for proto in ("xtcp", "tcp"):
        got = [r[proto] for r in reps if proto in r]
        cells.append("%7.2f (%6d)" % (median([g[0] for g in got]), median([g[1] for g in got]))
                     if got else "%16s" % "-")
    ratios = [r["xtcp"][0] / r["tcp"][0] for r in pairs]
    ratio = "%8.2f" % median(ratios) if ratios else "%8s" % "-"
    spread = "  %.2f-%.2f" % (min(ratios), max(ratios)) if REPS > 1 and ratios else ""
    print("%-33s %s %s %s%s" % (name, cells[0], cells[1], ratio, spread))
# What each protocol's loss recovery did (the last repetition), by its own counters
# (/proc/xtcp/stats; TcpExt).
print("\n".join(sorted(counters, key=lambda c: c.split(None, 2)[1] != "xtcp")))
sys.exit(0)
