#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Window scaling (RFC 7323): offered in the SYN, in use only when both SYNs carry it.

XTCP_SMOKE: also run on Debian's stock kernel.

A SYN with the window-scale option is answered by a SYN+ACK carrying ours
(Linux's: the shift that covers the largest buffer a socket may use,
net.xtcp.rmem's maximum or net.core.rmem_max; 7 by default) with an
unscaled window; from then on windows
are scaled both ways: xtcp sends exactly the peer's window field times
2^its shift, and its own window field times 2^our shift is the rcv_wnd
/proc/xtcp/conns shows. A SYN without the option gets a SYN+ACK without
it, and windows stay 16-bit; so does everything with
net.xtcp.window_scaling=0. Between two xtcp sockets 100 ms apart (netem),
a bulk sender has more than 64 KiB unacknowledged at its peak; with
scaling off, never more than 64 KiB.

Differential: over loopback, xtcp and Linux TCP offer the same shift (both
ends' rcv_wscale, XTCP_INFO against TCP_INFO), with default buffers and
with SO_RCVBUF set to 256 KiB and to 4 KiB before connect() and listen().
"""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import (ACK, PSH, XSocket, accept_one, check, finish, in_netns,  # noqa: E402
                      info_of, peer_and_listener, proc_row, recv_digest, setns, sh, sysctl, tcp_option,
                      veth_pair)

MSS_1460 = bytes([2, 4, 0x05, 0xb4])


def wscale_option(options):
    """The shift a segment's window-scale option carries, or None."""
    value = tcp_option(options, 3)
    return value[0] if value else None


def expected_shift():
    space = max(int(open("/proc/sys/net/xtcp/rmem").read().split()[2]),
                int(open("/proc/sys/net/core/rmem_max").read()))
    shift = 0
    while shift < 14 and space >> shift > 65535:
        shift += 1
    return shift


TCP_INFO = 11


def tcp_rcv_wscale(s):
    """TCP_INFO's tcpi_rcv_wscale: the high nibble of its seventh byte."""
    return s.getsockopt(socket.IPPROTO_TCP, TCP_INFO, 104)[6] >> 4


def wscales(family, rcvbuf):
    """(client's, accepted socket's) rcv_wscale for a loopback connection of family."""
    if family == "tcp":
        ln, c = socket.socket(), socket.socket()
        for s in (ln, c):
            if rcvbuf:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        ln.bind(("127.0.0.1", 0))
        ln.listen(1)
        c.connect(ln.getsockname())
        a = ln.accept()[0]
        got = (tcp_rcv_wscale(c), tcp_rcv_wscale(a))
    else:
        ln, c = XSocket(), XSocket()
        for s in (ln, c):
            if rcvbuf:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        ln.bind("127.0.0.1", 0)
        ln.listen(1)
        c.connect("127.0.0.1", ln.getsockname()[1])
        a = ln.accept()
        got = (info_of(c)[0]["rcv_wscale"], info_of(a)[0]["rcv_wscale"])
    for s in (c, a, ln):
        s.close()
    return got


def handshake(peer, port, sport, isn, options):
    """A crafted handshake: (SYN+ACK, accepted socket, xtcp's ISS); the peer's window 730."""
    sa, conn = peer.connect(ln, port, sport, isn, options, window=730)
    return sa, conn, sa["seq"]


def data_ack(peer, port, sport, isn, iss):
    """The peer sends 5 bytes; xtcp's ACK for them."""
    peer.send(sport, port, isn + 1, iss + 1, ACK | PSH, payload=b"hello", window=730)
    while True:
        a = peer.recv()
        if a is None or a["ack"] == isn + 6:
            return a


shift = expected_shift()
peer, ln, port, lend = peer_and_listener()

# --- both SYNs carry the option: scaled windows both ways
isn = 0x10000000
sa, conn, iss = handshake(peer, port, 40000, isn, MSS_1460 + bytes([1, 3, 3, 2]))
check(sa is not None and wscale_option(sa["options"]) == shift,
      "a SYN offering shift 2 gets a SYN+ACK offering ours, %d (%s)" % (shift, sa and sa["options"].hex()))
check(sa and sa["window"] == 65535, "the SYN+ACK's window is not scaled: 65535 of 106496 bytes of room")
row = proc_row("conns", conn)
check(row.get("snd_wnd") == "2920", "the peer's window 730 << 2: snd_wnd %s" % row.get("snd_wnd"))
a = data_ack(peer, port, 40000, isn, iss)
row = proc_row("conns", conn)
check(a is not None and a["window"] << shift == int(row["rcv_wnd"]) and int(row["rcv_wnd"]) > 65535,
      "our window field %s << %d is the rcv_wnd /proc shows, %s > 65535"
      % (a and a["window"], shift, row.get("rcv_wnd")))
info, _ = info_of(conn)
check(info["snd_wscale"] == 2 and info["rcv_wscale"] == shift,
      "XTCP_INFO: snd_wscale %d, rcv_wscale %d" % (info["snd_wscale"], info["rcv_wscale"]))
conn.sendall(b"x" * 10000)
sent = []
while True:
    d = peer.recv(0.5)
    if d is None:
        break
    sent.append((d["seq"] - iss - 1, len(d["payload"])))
edge = max((off + n for off, n in sent), default=0)
check(edge == 2920 and all(n <= 1460 for _, n in sent),
      "xtcp fills the scaled window, 2920 bytes, and sends nothing past it: %s" % sent)
conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
conn.close()

# --- a SYN without the option: no scaling either way
isn = 0x20000000
sa, conn, iss = handshake(peer, port, 40001, isn, MSS_1460)
check(sa is not None and wscale_option(sa["options"]) is None,
      "a SYN without the option gets a SYN+ACK without it (%s)" % (sa and sa["options"].hex()))
row = proc_row("conns", conn)
check(row.get("snd_wnd") == "730", "the peer's window is taken as is: snd_wnd %s" % row.get("snd_wnd"))
a = data_ack(peer, port, 40001, isn, iss)
row = proc_row("conns", conn)
check(a is not None and a["window"] == int(row["rcv_wnd"]) and a["window"] <= 65535,
      "our window is unscaled: field %s, rcv_wnd %s" % (a and a["window"], row.get("rcv_wnd")))
info, _ = info_of(conn)
check(info["snd_wscale"] == 0 and info["rcv_wscale"] == 0, "XTCP_INFO: both shifts 0")
conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
conn.close()

# --- net.xtcp.window_scaling=0: an offer is not answered
sysctl("window_scaling", 0)
isn = 0x30000000
sa, conn, iss = handshake(peer, port, 40002, isn, MSS_1460 + bytes([1, 3, 3, 2]))
check(sa is not None and wscale_option(sa["options"]) is None,
      "window_scaling=0: the SYN+ACK does not answer the offer (%s)" % (sa and sa["options"].hex()))
row = proc_row("conns", conn)
check(row.get("snd_wnd") == "730", "and the peer's window is not scaled: snd_wnd %s" % row.get("snd_wnd"))
conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
conn.close()
sysctl("window_scaling", 1)


# --- two xtcp namespaces, 100 ms apart: how much is in flight
def server(ready_w, port):
    s = accept_one("10.11.0.2", port, ready_w)
    got, _ = recv_digest(s)
    s.close()
    return got == BULK


def in_flight(scaling):
    """BULK bytes over a 100 ms round trip: the sender's peak unacked bytes and peak snd_wnd."""
    a, b = "xtcp-wsa-%d-%d" % (os.getpid(), scaling), "xtcp-wsb-%d-%d" % (os.getpid(), scaling)
    veth_pair(a, b, "10.11.0")
    for ns, dev in ((a, "va"), (b, "vb")):
        sh("ip netns exec %s sh -c 'echo %d > /proc/sys/net/xtcp/window_scaling'" % (ns, scaling))
        sh("ip netns exec %s tc qdisc add dev %s root netem delay 50ms limit 10000" % (ns, dev))
    r, w = os.pipe()
    pid = in_netns(b, server, w, 7000)
    os.read(r, 1)
    setns(a)
    c = XSocket()
    c.connect("10.11.0.2", 7000)
    info, _ = info_of(c)
    peak = {"unacked": 0, "snd_wnd": 0, "wscale": (info["snd_wscale"], info["rcv_wscale"])}
    done = threading.Event()

    def sample():
        while not done.is_set():
            i, _ = info_of(c)
            peak["unacked"] = max(peak["unacked"], i["unacked"])
            peak["snd_wnd"] = max(peak["snd_wnd"], i["snd_wnd"])
            time.sleep(0.005)

    t = threading.Thread(target=sample)
    t.start()
    c.sendall(b"w" * BULK)
    c.shutdown(socket.SHUT_WR)
    c.settimeout(60)
    eof = c.recv(1) == b""
    done.set()
    t.join()
    c.close()
    _, status = os.waitpid(pid, 0)
    sh("ip netns del %s; ip netns del %s" % (a, b))
    check(eof and status == 0, "window_scaling=%d: %d bytes arrive over a 100 ms round trip"
          % (scaling, BULK))
    return peak


# --- the same shift as Linux TCP offers, buffers default or set
for rcvbuf in (0, 256 << 10, 4 << 10):
    tcp, xtcp = wscales("tcp", rcvbuf), wscales("xtcp", rcvbuf)
    check(xtcp == tcp, "SO_RCVBUF %s: xtcp offers the shift Linux TCP does (client, server): "
          "xtcp %s, TCP %s" % (rcvbuf or "default", xtcp, tcp))
check(wscales("xtcp", 0)[0] == shift, "by default the shift is %d" % shift)

BULK = 4 << 20
on = in_flight(1)
check(on["wscale"] == (shift, shift), "between xtcp sockets both sides scale by %d: %s" % (shift, on["wscale"]))
check(on["snd_wnd"] > 65535 and on["unacked"] > 65535,
      "with scaling, more than 64 KiB in flight: peak %d bytes unacknowledged, window %d"
      % (on["unacked"], on["snd_wnd"]))
off = in_flight(0)
check(off["wscale"] == (0, 0), "window_scaling=0: no shift")
check(off["snd_wnd"] <= 65535 and off["unacked"] <= 65535,
      "without, 64 KiB at most: peak %d bytes unacknowledged, window %d" % (off["unacked"], off["snd_wnd"]))
finish()
