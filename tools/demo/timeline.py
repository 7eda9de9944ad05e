#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make demo, inside the VM: one xtcp connection between two xnc processes,
printed as a timeline of the segments on the wire beside both ends' states.

The client sends a line and shuts down its writing side (FIN); the server,
half-closed in CLOSE_WAIT, still answers, then closes too; the client waits
out TIME_WAIT (2 * msl_ms, shortened to 2 s here). The segments come from a
packet socket on lo, the state changes (with their causes) from the
xtcp:xtcp_set_state tracepoint, and the two are put in order by the
net:net_dev_queue tracepoint, which records each segment's transmission in
the same trace buffer as the state changes.
"""
import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../testing/pylib"))
from xtcptest import (ACK, FIN, IPPROTO, PSH, RST, SYN, conn_state, parse_seg, proc_rows,  # noqa: E402
                      tcp_option)

BIN = os.environ.get("XTCP_BIN") or os.path.join(os.path.dirname(__file__), "../../build/bin")
TRACE = "/sys/kernel/tracing"
PORT = 5000
MSL_MS = 1000
ETH_P_ALL, PACKET_OUTGOING, SO_TIMESTAMPNS = 3, 4, 35


def write(path, value):
    with open(path, "w") as f:
        f.write(str(value))


def wait_for(pred, what, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        found = pred()
        if found:
            return found
        time.sleep(0.01)
    sys.exit("demo: timed out waiting for %s" % what)


class Capture(threading.Thread):
    """xtcp's segments on lo, as the packet socket sees them leave."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind(("lo", 0))
        self.segments = []
        self.done = False

    def run(self):
        while not self.done:
            if not select.select([self.sock], [], [], 0.05)[0]:
                continue
            frame, addr = self.sock.recvfrom(70000)
            # Each segment on lo is seen leaving and arriving: keep one.
            if addr[2] != PACKET_OUTGOING or len(frame) < 34:
                continue
            ip = frame[14:]
            if ip[0] >> 4 == 4 and ip[9] == IPPROTO:
                seg = parse_seg(ip)
                seg["frame_len"] = len(frame)
                self.segments.append(seg)


def trace_events(lines):
    """("state", secs, sport, dport, old, new, why), ("xmit", secs, len) from the trace."""
    out = []
    for line in lines:
        if ": xtcp_set_state: " in line:
            head, rest = line.split(": xtcp_set_state: ", 1)
            secs = float(head.split()[-1])
            f = rest.split()
            # sk=... L:P -> R:P OLD -> NEW (why)
            lport = int(f[1].rsplit(":", 1)[1])
            rport = int(f[3].rsplit(":", 1)[1])
            why = rest.split("(", 1)[1].rsplit(")", 1)[0]
            out.append(("state", secs, lport, rport, f[4], f[6], why))
        elif ": net_dev_queue: dev=lo " in line:
            head, rest = line.split(": net_dev_queue: ", 1)
            length = int(rest.split(" len=", 1)[1].split()[0])
            out.append(("xmit", float(head.split()[-1]), length))
    return out


def flags_str(flags):
    s = "".join(c for bit, c in ((FIN, "F"), (SYN, "S"), (RST, "R"), (PSH, "P")) if flags & bit)
    return "[" + s + ("." if flags & ACK else "") + "]"


def mss_of(options):
    value = tcp_option(options, 2)
    return struct.unpack("!H", value)[0] if value and len(value) == 2 else None


def describe(seg, isn):
    """A segment in tcpdump's words, sequence numbers relative to each side's ISN."""
    fr, to = (seg["sport"], seg["dport"])
    rel = seg["seq"] - isn[fr]
    text = "Flags %s, seq %d" % (flags_str(seg["flags"]), rel & 0xFFFFFFFF)
    if len(seg["payload"]):
        text = "Flags %s, seq %d:%d" % (flags_str(seg["flags"]), rel, rel + len(seg["payload"]))
    if seg["flags"] & ACK and to in isn:
        text += ", ack %d" % ((seg["ack"] - isn[to]) & 0xFFFFFFFF)
    text += ", win %d" % seg["window"]
    mss, wscale = mss_of(seg["options"]), tcp_option(seg["options"], 3)
    opts = (["mss %d" % mss] if mss else []) + (["wscale %d" % wscale[0]] if wscale else [])
    if opts:
        text += ", options [%s]" % ",".join(opts)
    text += ", length %d" % len(seg["payload"])
    return text


def main():
    if not os.path.isdir(TRACE + "/events"):
        subprocess.run(["mount", "-t", "tracefs", "tracefs", TRACE], check=True)
    old_msl = open("/proc/sys/net/xtcp/msl_ms").read().strip()
    write("/proc/sys/net/xtcp/msl_ms", MSL_MS)
    # The client's whole history, read in TIME_WAIT: the entry keeps it when asked.
    old_tw_history = open("/proc/sys/net/xtcp/tw_history").read().strip()
    write("/proc/sys/net/xtcp/tw_history", 1)
    old_clock = open(TRACE + "/trace_clock").read().split("[")[1].split("]")[0]
    write(TRACE + "/tracing_on", 0)
    write(TRACE + "/trace_clock", "mono")
    write(TRACE + "/trace", "")
    write(TRACE + "/events/xtcp/xtcp_set_state/enable", 1)
    write(TRACE + "/events/net/net_dev_queue/enable", 1)
    write(TRACE + "/tracing_on", 1)
    cap = Capture()
    cap.start()

    server = subprocess.Popen([BIN + "/xnc", "-l", "127.0.0.1", str(PORT)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    wait_for(lambda: conn_state("127.0.0.1:%d" % PORT, "0.0.0.0:0") == "LISTEN", "the server")
    client = subprocess.Popen([BIN + "/xnc", "127.0.0.1", str(PORT)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    server_end = "127.0.0.1:%d" % PORT
    row = wait_for(lambda: [c for c in proc_rows() if c["remote"] == server_end and
                            c["state"] == "ESTABLISHED"], "the connection")[0]
    client_end = row["local"]
    cport = int(client_end.rsplit(":", 1)[1])
    wait_for(lambda: conn_state(server_end, client_end) == "ESTABLISHED", "accept")

    to_server = b"hello from the client\n"
    to_client = b"hello back, sent from CLOSE_WAIT\n"
    client.stdin.write(to_server)
    client.stdin.close()		# data, then FIN: the client half-closes
    wait_for(lambda: conn_state(server_end, client_end) == "CLOSE_WAIT" and
             conn_state(client_end, server_end) == "FIN_WAIT2", "the half-close")
    half = subprocess.run([BIN + "/xtcpstat", "-a", "-e"], capture_output=True, text=True).stdout
    server.stdin.write(to_client)
    server.stdin.close()		# the server's data, then its FIN
    wait_for(lambda: conn_state(client_end, server_end) == "TIME_WAIT", "TIME_WAIT")
    history = subprocess.run([BIN + "/xtcpstat", "-H", "--sport", str(cport)],
                             capture_output=True, text=True).stdout
    got_client = client.stdout.read()
    got_server = server.stdout.read()
    client.wait(10)
    server.wait(10)
    wait_for(lambda: conn_state(client_end, server_end) is None, "the end of TIME_WAIT", 2 * MSL_MS / 1000 + 5)
    time.sleep(0.1)
    write(TRACE + "/tracing_on", 0)
    cap.done = True
    cap.join()
    with open(TRACE + "/trace") as f:
        events = trace_events(f.read().splitlines())
    write(TRACE + "/events/xtcp/xtcp_set_state/enable", 0)
    write(TRACE + "/events/net/net_dev_queue/enable", 0)
    write(TRACE + "/trace_clock", old_clock)
    write("/proc/sys/net/xtcp/msl_ms", old_msl)
    write("/proc/sys/net/xtcp/tw_history", old_tw_history)
    write(TRACE + "/tracing_on", 1)
    stats = subprocess.run([BIN + "/xtcpstat", "-s"], capture_output=True, text=True).stdout

    # Which side each event and segment belongs to.
    def side(lport, rport):
        if (lport, rport) == (cport, PORT):
            return "client"
        if lport == PORT and rport in (cport, 0):
            return "server"
        return None

    segs = [s for s in cap.segments if {s["sport"], s["dport"]} == {cport, PORT}]
    isn = {}
    for s in segs:
        if s["flags"] & SYN and s["sport"] not in isn:
            isn[s["sport"]] = s["seq"]
    # The trace orders transmissions and state changes: each captured segment
    # is the next transmission on lo of its length.
    xmits, i = [], 0
    all_xmits = [e for e in events if e[0] == "xmit"]
    for seg in segs:
        while i < len(all_xmits) and all_xmits[i][2] != seg["frame_len"]:
            i += 1
        if i == len(all_xmits):
            sys.exit("demo: segment %r not found in the trace" % (describe(seg, isn),))
        xmits.append(all_xmits[i] + (seg,))
        i += 1
    states = [e for e in events if e[0] == "state" and side(e[2], e[3])]
    t0 = states[0][1] if states else 0.0

    print("xtcp demo: xnc client %s <-> xnc server %s, on the VM's loopback" % (client_end, server_end))
    print("TIME_WAIT lasts 2 * msl_ms; msl_ms is %d here (Linux's MSL is 30 s)." % MSL_MS)
    print("Segments as tcpdump prints them (sequence numbers relative to each ISN:"
          " client %d, server %d);" % (isn.get(cport, 0), isn.get(PORT, 0)))
    print("state changes as the xtcp:xtcp_set_state tracepoint reports them, with their cause.\n")
    print("%9s  %-84s %-11s %s" % ("ms", "", "client", "server"))
    now = {"client": "CLOSE", "server": "LISTEN"}
    for e in sorted(states + xmits, key=lambda e: e[1]):
        ms = (e[1] - t0) * 1000
        if e[0] == "state":
            who = side(e[2], e[3])
            if who == "server" and e[3] == 0 and e[5] != "LISTEN":
                continue	# the listener's own end, after the demo
            if e[6] == "handed to TIME_WAIT":
                print("%9.3f  %s" % (ms, "%s: the socket is freed; a small TIME_WAIT entry keeps"
                                     " the connection's addresses" % who))
                continue
            now[who] = e[5]
            print("%9.3f  %s" % (ms, "%s: %s -> %s  (%s)" % (who, e[4], e[5], e[6])))
        else:
            s = e[3]
            arrow = "client > server" if s["sport"] == cport else "server > client"
            print("%9.3f    %-82s %-11s %s" % (ms, arrow + ": " + describe(s, isn),
                                                  now["client"], now["server"]))
    print("\nData: the server read %r, the client read %r: %s." % (
        got_server.decode(), got_client.decode(),
        "both intact" if (got_server, got_client) == (to_server, to_client) else "MISMATCH"))
    print("\nHalf-closed, as xtcpstat -a -e showed it (the server may still send):\n" + half)
    print("The client's history (xtcpstat -H, read in TIME_WAIT):\n" + history)
    print("Counters (xtcpstat -s):\n" + stats, end="")
    return 0 if (got_server, got_client) == (to_server, to_client) else 1


if __name__ == "__main__":
    sys.exit(main())
