#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""xtcpstat against scripted connections, and XTCP_INFO.

In a fresh namespace: a listener, a connection that carried 3000 bytes
each way, and one half-closed (client in FIN_WAIT2, server in CLOSE_WAIT).
xtcpstat --json must agree with /proc/xtcp/conns, /proc/xtcp/info,
/proc/xtcp/history and /proc/xtcp/stats; its filters must pick exactly the
sockets they name; -i's numbers must match getsockopt(XTCP_INFO) and the
bytes moved; -w must refresh; bad arguments exit 2.

XTCP_SMOKE: also run on Debian's stock kernel.
"""
import json
import re
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (INFO_FMT, XTCP_INFO, check, finish, info_of, loopback_pair,  # noqa: E402
                      new_netns, proc_rows, stats, wait_state)

BIN = os.environ.get("XTCP_BIN") or os.path.join(os.path.dirname(__file__), "../../build/bin")
XTCPSTAT = os.path.join(BIN, "xtcpstat")


def run(*args):
    p = subprocess.run([XTCPSTAT, *args], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def stat_json(*args):
    rc, out, err = run("--json", *args)
    if rc != 0:
        raise RuntimeError("xtcpstat %s: rc %d: %s" % (args, rc, err))
    return json.loads(out)


def ends(c):
    return (c["local"], c["remote"])


new_netns()
c1, s1, ln = loopback_pair()
c1.sendall(b"a" * 3000)
s1.recv(3000, socket.MSG_WAITALL)
s1.sendall(b"b" * 3000)
c1.recv(3000, socket.MSG_WAITALL)
c2 = type(c1)()
c2.connect("127.0.0.1", ln.getsockname()[1])
s2 = ln.accept()
c2.shutdown(socket.SHUT_WR)
name = lambda s: "%s:%d" % s.getsockname()  # noqa: E731
lport = ln.getsockname()[1]
wait_state(name(c2), name(s2), "FIN_WAIT2")
time.sleep(0.05)

# --- everything, and agreement with /proc/xtcp/conns
every = stat_json("-a")["connections"]
procs = {ends(r): r for r in proc_rows("conns")}
check(sorted(ends(c) for c in every) == sorted(procs), "-a lists exactly the sockets of /proc/xtcp/conns (%d)" % len(every))
same = all(str(c[k]) == procs[ends(c)][k] for c in every for k in ("state", "snd_una", "snd_nxt", "rcv_nxt", "send-q", "recv-q", "inode"))
check(same, "each JSON object carries /proc/xtcp/conns's columns, numbers as numbers")
states = {ends(c): c["state"] for c in every}
check(states.get((name(ln), "0.0.0.0:0")) == "LISTEN", "the listener is LISTEN")
check(states.get((name(c2), name(s2))) == "FIN_WAIT2" and states.get((name(s2), name(c2))) == "CLOSE_WAIT",
      "the half-closed pair: FIN_WAIT2 and CLOSE_WAIT")
check(isinstance(every[0]["snd_nxt"], int), "sequence numbers are JSON numbers")

# --- filters
default = stat_json()["connections"]
check(sorted(c["state"] for c in default) == ["CLOSE_WAIT", "ESTABLISHED", "ESTABLISHED", "FIN_WAIT2"],
      "by default, connections only (no LISTEN): %s" % sorted(c["state"] for c in default))
check([ends(c) for c in stat_json("-l")["connections"]] == [(name(ln), "0.0.0.0:0")], "-l: the listener only")
fw2 = stat_json("-S", "fin_wait2")["connections"]
check([ends(c) for c in fw2] == [(name(c2), name(s2))], "-S fin_wait2: that one socket")
two = stat_json("--state", "FIN_WAIT2", "--state", "CLOSE_WAIT")["connections"]
check(sorted(c["state"] for c in two) == ["CLOSE_WAIT", "FIN_WAIT2"], "--state twice: both states")
bysport = stat_json("-a", "--sport", str(lport))["connections"]
check(len(bysport) == 3 and all(c["local"].endswith(":%d" % lport) for c in bysport),
      "--sport: the listener and the two accepted sockets")
bydport = stat_json("--dport", str(lport))["connections"]
check(sorted(ends(c) for c in bydport) == sorted([(name(c1), name(s1)), (name(c2), name(s2))]),
      "--dport: the two clients")
byport = stat_json("-p", str(c1.getsockname()[1]))["connections"]
check(sorted(ends(c) for c in byport) == sorted([(name(c1), name(s1)), (name(s1), name(c1))]),
      "-p: both ends of one connection")

# --- -i: XTCP_INFO, through /proc/xtcp/info and getsockopt
withinfo = {ends(c): c for c in stat_json("-i")["connections"]}
ci = withinfo[(name(c1), name(s1))]["info"]
si = withinfo[(name(s1), name(c1))]["info"]
check(ci["bytes_acked"] == 3000 and ci["bytes_received"] == 3000 and ci["bytes_sent"] == 3000,
      "client: 3000 bytes sent, acknowledged and received (%s)" % ci)
check(si["bytes_acked"] == 3000 and si["bytes_received"] == 3000, "server: the same, the other way")
check(ci["srtt_us"] > 0 and ci["rto_us"] >= 200000 and ci["unacked"] == 0 and ci["mss"] > 0,
      "client: an RTT was measured, RTO >= 200 ms, nothing unacknowledged")
check(0 < ci["min_rtt_us"] <= ci["srtt_us"] + ci["rttvar_us"],
      "client: the least round trip measured, at most SRTT + RTTVAR (%d us)" % ci["min_rtt_us"])
mine, size = info_of(c1)
check(size == struct.calcsize(INFO_FMT), "getsockopt(XTCP_INFO) fills struct xtcp_info (%d bytes)" % size)
check(mine["state"] == 1 and all(mine[k] == ci[k] for k in ("bytes_sent", "bytes_acked", "bytes_received", "mss", "srtt_us", "min_rtt_us")),
      "getsockopt(XTCP_INFO) agrees with xtcpstat -i")
check(mine["snd_cwnd"] == ci["cwnd"] and mine["snd_cwnd"] >= 2 * mine["mss"] and
      mine["snd_ssthresh"] == 0xffffffff and mine["lost"] == 0 and mine["ca_state"] == 0,
      "no loss: cwnd at least the initial window, ssthresh unset, nothing lost (%s)" % mine)
check(mine["snd_wscale"] == ci["snd_wscale"] and mine["rcv_wscale"] == ci["rcv_wscale"] and
      mine["rcv_wscale"] > 0 and mine["snd_wscale"] == si["rcv_wscale"],
      "window scaling in use, both shifts as xtcpstat -i shows (%d, %d)" % (mine["snd_wscale"], mine["rcv_wscale"]))
check(mine["cc"] == 1 and ci["cc"] == "cubic", "CUBIC, the default, in XTCP_INFO and xtcpstat -i")
check(mine["sack"] == ci["sack"] == 1 and mine["reordering"] == ci["reordering"] == 3 and
      mine["sacked"] == mine["retrans"] == mine["dsacks"] == mine["undos"] == 0,
      "SACK in use, no reordering, nothing SACKed, resent or undone, as xtcpstat -i shows (%s)"
      % {k: mine[k] for k in ("sack", "reordering", "sacked", "retrans", "dsacks", "undos")})
check(mine["timestamps"] == ci["timestamps"] == 1 and mine["mss"] == 65495 - 12,
      "timestamps in use, their 12 bytes out of the loopback MSS as Linux's 65483 (%d)" % mine["mss"])
check(mine["segs_out"] >= 3 and mine["segs_in"] >= 3, "segments counted both ways (%d out, %d in)" % (mine["segs_out"], mine["segs_in"]))
short = c1.getsockopt(socket.IPPROTO_TCP, XTCP_INFO, 4)
check(len(short) == 4 and short[0] == 1, "a short buffer gets the first bytes (state first)")
rc, out, _ = run("-i")
check(rc == 0 and " rto:" in out and " minrtt:" in out and " bytes_acked:3000" in out and " cwnd:" in out and " wscale:" in out, "-i text: an indented details line per socket")

# --- -e
rc, out, _ = run("-e", "-S", "FIN_WAIT2")
check(rc == 0 and "snd_una:" in out and "ino:" in out, "-e: sequence numbers, uid and inode")
check("timer:(" not in out, "-e: no timer shown when none is armed")

# --- -H: the history file, per connection
hist = {ends(c): c["history"] for c in stat_json("-H")["connections"]}
events = [(h["from"], h["to"]) for h in hist[(name(c2), name(s2))]]
check(events == [("CLOSE", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED"), ("ESTABLISHED", "FIN_WAIT1"), ("FIN_WAIT1", "FIN_WAIT2")],
      "-H: the client's transitions in order: %s" % events)
check(all("event" in h and "time" in h for h in hist[(name(c2), name(s2))]), "-H: each with its time and cause")
plain = [r for r in proc_rows("history") if (r["local"], r["remote"]) == (name(s2), name(c2))]
check([h["event"].strip() for h in hist[(name(s2), name(c2))]] == [r["event"].strip() for r in plain],
      "-H: the server's causes are /proc/xtcp/history's")
check((name(ln), "0.0.0.0:0") in hist, "-H implies -a (the listener's history is there)")

# --- -s: counters and sockets by state
summary = stat_json("-s")
counters = stats()
check(all(summary["counters"][k] == v for k, v in counters.items()
          if k not in ("InSegs", "OutSegs")), "-s: the counters of /proc/xtcp/stats")
check(summary["counters"]["ActiveOpens"] == 2 and summary["counters"]["PassiveOpens"] == 2,
      "-s: 2 active and 2 passive opens in this namespace")
check(summary["states"]["ESTABLISHED"] == 2 and summary["states"]["LISTEN"] == 1 and
      summary["states"]["FIN_WAIT2"] == 1 and summary["states"]["CLOSE_WAIT"] == 1,
      "-s: sockets by state")
rc, out, _ = run("-s")
check(rc == 0 and "ActiveOpens" in out and "ESTABLISHED" in out, "-s text")

# --- -w refreshes in place
p = subprocess.Popen([XTCPSTAT, "-w", "0.2"], stdout=subprocess.PIPE, text=True)
time.sleep(1.0)
p.terminate()
out = p.communicate()[0]
check(out.count("\033[H\033[2J") >= 3 and out.count("State") >= 3, "-w 0.2: refreshed %d times in 1 s" % out.count("State"))

# --- text table and arguments
rc, out, _ = run()
lines = out.splitlines()
check(rc == 0 and lines[0].split()[:3] == ["State", "Recv-Q", "Send-Q"] and len(lines) == 5, "text: a header and 4 rows")
rc, out, _ = run("--help")
check(rc == 0 and all(o in out for o in ("--json", "--watch", "--history", "--state", "--info", "--summary")),
      "--help documents every option")
options = sorted(set(re.findall(r"--[a-z]+", out)))
with open(os.path.join(os.path.dirname(__file__), "../man/xtcpstat.8")) as f:
    man = f.read().replace("\\-", "-")
check(len(options) >= 12 and all(o in man for o in options),
      "the man page documents every option of --help (%s)" % [o for o in options if o not in man])
for bad in (["-S", "BOGUS"], ["--port", "70000"], ["-w", "0"], ["--frobnicate"], ["extra"]):
    rc, out, err = run(*bad)
    check(rc == 2 and out == "" and err, "%s: usage error, exit 2 (%s)" % (" ".join(bad), err.splitlines()[0] if err else ""))

for s in (c1, s1, c2, s2, ln):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
finish()
