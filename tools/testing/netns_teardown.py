#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Namespaces torn down under load, and rmmod while connections move data.

Two namespaces joined by veth: in B, 4 connections echo data without
pause, 4 orphans wait in FIN_WAIT1 behind data the peer never reads, and 4
connections sit in TIME_WAIT. rmmod is refused while they run, and the data
keeps moving. Then the link is deleted, both processes are killed and both
namespaces deleted: the orphans give up after retries2 (3 here), every
socket is gone within 3 minutes, the module is no longer pinned, rmmod succeeds
and loading it again shows nothing left over (the harness's kmemleak scan
and the debug objects check the rest).

XTCP_SMOKE: also run on Debian's stock kernel.
"""
import os
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import XSocket, check, finish, in_netns, proc_rows, sh, veth_pair  # noqa: E402

KO = os.path.join(os.environ["XTCP_MODULE_DIR"], "module", "xtcp.ko")
A, B = "xtcp-ta-%d" % os.getpid(), "xtcp-tb-%d" % os.getpid()
PORT = 5600
CHUNK = 32768


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def refcnt():
    try:
        with open("/sys/module/xtcp/refcnt") as f:
            return int(f.read())
    except OSError:
        return 0


def server(ready_w):
    """A: echo for 'm' connections, never read 's' ones, close 't' ones on EOF."""
    ln = XSocket()
    ln.bind("10.9.0.1", PORT)
    ln.listen(64)
    os.write(ready_w, b"r")
    kind, socks = {}, [ln]
    while True:
        for s in select.select(socks, [], [])[0]:
            if s is ln:
                c = ln.accept()
                socks.append(c)
                kind[c] = None
                continue
            if kind[s] == "s":
                continue
            data = s.recv(CHUNK if kind[s] else 1)
            if not data:
                s.close()
                socks.remove(s)
            elif kind[s] is None:
                kind[s] = data.decode()
                if kind[s] == "s":
                    socks.remove(s)  # never read again
            else:
                s.sendall(data)


def client(ready_w, progress_w):
    """B: the TIME_WAIT and orphan connections, then echo rounds on 4 movers."""
    def conn(k):
        c = XSocket()
        c.connect("10.9.0.1", PORT)
        c.sendall(k)
        return c

    for _ in range(4):
        c = conn(b"t")
        c.close()      # we close first: TIME_WAIT here once A closes too
    for _ in range(4):
        c = conn(b"s")
        c.setblocking(False)
        try:
            while True:
                c.send(b"s" * CHUNK)
        except BlockingIOError:
            pass       # the peer's window and our buffer are full
        c.close()      # an orphan: FIN_WAIT1, its FIN behind unsent data
    movers = [conn(b"m") for _ in range(4)]
    for m in movers:
        m.settimeout(30)
    os.write(ready_w, b"r")
    data = bytes(range(256)) * (CHUNK // 256)
    while True:
        for m in movers:
            m.sendall(data)
            got = b""
            while len(got) < CHUNK:
                got += m.recv(CHUNK)
            if got != data:
                return False
        os.write(progress_w, b".")


def wait_byte(fd, timeout):
    return bool(select.select([fd], [], [], timeout)[0]) and os.read(fd, 1)


def progress(fd, timeout=10.0):
    """How many echo rounds the movers made in the next timeout seconds (at least one)."""
    n, end = 0, time.time() + timeout
    while time.time() < end and select.select([fd], [], [], max(0, end - time.time()))[0]:
        n += len(os.read(fd, 4096))
        if n >= 3:
            break
    return n


veth_pair(A, B, "10.9.0")
pids = []
try:
    for ns in (A, B):
        sh("ip netns exec %s sh -c 'echo 3 > /proc/sys/net/xtcp/retries2'" % ns)
    r, w = os.pipe()
    pids.append(in_netns(A, server, w))
    check(wait_byte(r, 10), "the server listens in %s" % A)
    pr, pw = os.pipe()
    pids.append(in_netns(B, client, w, pw))
    check(wait_byte(r, 30), "the client's connections are set up in %s" % B)

    states = {}
    for _ in range(100):
        with open("/proc/%d/net/xtcp/conns" % pids[1]) as f:
            lines = f.read().split("\n")[1:]
        states = {}
        for line in lines:
            if line.split():
                st = line.split()[2]
                states[st] = states.get(st, 0) + 1
        if states.get("TIME_WAIT", 0) >= 4 and states.get("FIN_WAIT1", 0) >= 4:
            break
        time.sleep(0.1)
    check(states.get("ESTABLISHED", 0) == 4 and states.get("FIN_WAIT1", 0) == 4 and
          states.get("TIME_WAIT", 0) == 4,
          "in %s: 4 ESTABLISHED moving data, 4 orphans in FIN_WAIT1, 4 TIME_WAIT (%s)"
          % (B, states))
    check(progress(pr) > 0, "the data moves")

    res = run("rmmod", "xtcp")
    check(res.returncode != 0 and os.path.exists("/sys/module/xtcp"),
          "rmmod refused while connections move data (%s)" % res.stderr.strip())
    check(progress(pr) > 0, "and the data still moves after the refusal")

    sh("ip -n %s link del va" % A)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    pids = []
    sh("ip netns del %s; ip netns del %s" % (A, B))
    # The orphans' zero-window probes back off from their RTO, which a loaded
    # debug kernel measures at 1-2 s: 4 probes (retries2 3) can take 45 s,
    # and the TIME_WAIT entries last their 60 s. Allow 3 minutes.
    t0 = time.time()
    while refcnt() and time.time() - t0 < 180:
        time.sleep(0.2)
    check(refcnt() == 0, "every socket gone %.1f s after the namespaces were deleted "
          "(orphans give up after retries2), nothing pins xtcp (refcnt %d)"
          % (time.time() - t0, refcnt()))
    res = run("rmmod", "xtcp")
    check(res.returncode == 0, "rmmod succeeds (%s)" % res.stderr.strip())
    res = run("insmod", KO)
    check(res.returncode == 0, "insmod again (%s)" % res.stderr.strip())
    check(proc_rows() == [], "a fresh module lists no connection")
finally:
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    subprocess.run("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null" % (A, B),
                   shell=True)
finish()
