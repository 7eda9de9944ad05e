#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""/proc/xtcp/history and the columns of /proc/xtcp/conns.

A connection's history lists each state change with its cause, in order,
on both sides, and survives into TIME_WAIT; conns shows sequence numbers
that move by the bytes sent, the windows, the armed timer with the
milliseconds it has left (retransmit for a SYN into a black hole,
time_wait for a TIME_WAIT entry) and the retransmission count.

XTCP_SMOKE: also run on Debian's stock kernel.
"""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import XSocket, check, conn_row, finish, loopback_pair, new_netns, proc_rows, sh  # noqa: E402


def history(local, remote):
    return [(float(r["time"]), r["from"], r["to"], r["event"].strip()) for r in proc_rows("history")
            if r["local"] == local and r["remote"] == remote]


conn = conn_row


new_netns()
with open("/proc/sys/net/xtcp/msl_ms", "w") as f:
    f.write("30000")
with open("/proc/sys/net/xtcp/tw_history", "w") as f:
    f.write("1")
c, s, ln = loopback_pair()
cl = "%s:%d" % c.getsockname()
sl = "%s:%d" % ln.getsockname()

before = conn(cl, sl)
c.sendall(b"x" * 1000)
s.recv(1000)
time.sleep(0.1)
after = conn(cl, sl)
check(int(after["snd_nxt"]) - int(before["snd_nxt"]) == 1000, "snd_nxt moved by the 1000 bytes sent")
check(after["snd_una"] == after["snd_nxt"], "and all of it is acknowledged (snd_una = snd_nxt)")
srv = conn(sl, cl)
check(srv["rcv_nxt"] == after["snd_nxt"], "the server's rcv_nxt is the client's snd_nxt")
check(int(after["snd_wnd"]) > 0 and int(srv["rcv_wnd"]) > 0, "both windows are open")
check(after["timer"] == "off" and after["retrans"] == "0", "no timer armed, no retransmission")

c.shutdown(socket.SHUT_WR)
s.recv(1)
h = history(sl, cl)
check([(f, t, e) for _, f, t, e in h] == [
    ("CLOSE", "SYN_RECV", "rcv SYN"),
    ("SYN_RECV", "ESTABLISHED", "rcv ACK of SYN"),
    ("ESTABLISHED", "CLOSE_WAIT", "rcv FIN")], "server history: %r" % [x[1:] for x in h])
s.close()
time.sleep(0.2)
h = history(cl, sl)
check([(f, t, e) for _, f, t, e in h] == [
    ("CLOSE", "SYN_SENT", "user connect"),
    ("SYN_SENT", "ESTABLISHED", "rcv SYN+ACK"),
    ("ESTABLISHED", "FIN_WAIT1", "user shutdown"),
    ("FIN_WAIT1", "FIN_WAIT2", "rcv ACK of FIN"),
    ("FIN_WAIT2", "TIME_WAIT", "rcv FIN")],
      "client history, kept by its TIME_WAIT entry: %r" % [x[1:] for x in h])
check(all(a[0] <= b[0] for a, b in zip(h, h[1:])), "times never go back")
tw = conn(cl, sl)
check(tw and tw["state"] == "TIME_WAIT" and tw["timer"] == "time_wait" and
      55000 < int(tw["timer_ms"]) <= 60000, "TIME_WAIT's timer: %s ms of 60000 left"
      % (tw and tw["timer_ms"]))

# Unless net.xtcp.tw_history asks, a TIME_WAIT entry keeps only how it began.
with open("/proc/sys/net/xtcp/tw_history", "w") as f:
    f.write("0")
c, s, ln = loopback_pair()
cl = "%s:%d" % c.getsockname()
sl = "%s:%d" % ln.getsockname()
c.shutdown(socket.SHUT_WR)
s.recv(1)
s.close()
time.sleep(0.2)
h = history(cl, sl)
check(conn(cl, sl)["state"] == "TIME_WAIT" and
      [(f, t, e) for _, f, t, e in h] == [("FIN_WAIT2", "TIME_WAIT", "rcv FIN")],
      "tw_history 0: the TIME_WAIT entry's history is the one change into it: %r"
      % [x[1:] for x in h])

# A SYN into a black hole: the retransmit timer counts down; retrans grows.
sh("ip link add v0 type veth peer name v1 && ip addr add 10.7.0.1/24 dev v0 && "
   "ip link set v0 up && ip link set v1 up && "
   "ip neigh add 10.7.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent")
b = XSocket(flags=socket.SOCK_NONBLOCK)
try:
    b.connect("10.7.0.2", 80)
except BlockingIOError:
    pass
bl = "%s:%d" % b.getsockname()
row = conn(bl, "10.7.0.2:80")
check(row["state"] == "SYN_SENT" and row["timer"] == "retransmit" and
      0 < int(row["timer_ms"]) <= 1000, "SYN_SENT: retransmit timer, %s ms left" % row["timer_ms"])
for _ in range(300):  # right after the first retransmission (at about 1 s)
    row = conn(bl, "10.7.0.2:80")
    if row["retrans"] != "0":
        break
    time.sleep(0.01)
check(row["retrans"] == "1" and 1000 < int(row["timer_ms"]) <= 2000,
      "after one retransmission: retrans 1, the timer backed off to 2 s (%s ms)" % row["timer_ms"])
b.close()
c.close()
finish()
