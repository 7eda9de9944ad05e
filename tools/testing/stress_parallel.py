#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Many connections at once, for the debug kernel's lock and memory checks.

Four client processes open 48 connections each to one threaded echo
server, each sends 64 KiB in odd-sized pieces and checks the echo, and the
connection is closed by the client or the server first, at random. After
it all, every byte matched and /proc/xtcp/conns holds nothing but
TIME_WAIT entries and the listener.
"""
import hashlib
import os
import random
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import XSocket, check, finish, new_netns, proc_rows  # noqa: E402

PROCS, CONNS, SIZE = 4, 48, 64 * 1024

new_netns()
ln = XSocket()
ln.bind("127.0.0.1", 0)
ln.listen(256)
port = ln.getsockname()[1]
served = []


def serve(s):
    data = b""
    while len(data) < SIZE:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        s.sendall(chunk)
    served.append(len(data))
    if data[:1] == b"S":  # the client asked the server to close first
        s.close()
        return
    while s.recv(1):
        pass
    s.close()


def acceptor():
    for _ in range(PROCS * CONNS):
        t = threading.Thread(target=serve, args=(ln.accept(),))
        t.start()


acc = threading.Thread(target=acceptor)
acc.start()


def client(n):
    rng = random.Random(n)
    ok = 0
    for i in range(CONNS):
        c = XSocket()
        c.connect("127.0.0.1", port)
        first = b"S" if rng.random() < 0.5 else b"C"
        data = first + hashlib.shake_256(b"%d-%d" % (n, i)).digest(SIZE - 1)
        got = bytearray()
        pos = 0
        while pos < SIZE:
            step = min(rng.choice((1, 100, 1460, 9000, 40000)), SIZE - pos)
            c.sendall(data[pos:pos + step])
            pos += step
        while len(got) < SIZE:
            chunk = c.recv(65536)
            if not chunk:
                break
            got += chunk
        if first == b"C":
            c.shutdown(socket.SHUT_WR)
        while c.recv(1):
            pass
        c.close()
        ok += got == data
    return ok


pids = []
for n in range(PROCS):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, str(client(n)).encode())
        os._exit(0)
    os.close(w)
    pids.append((pid, r))
total = 0
for pid, r in pids:
    total += int(os.read(r, 16) or b"0")
    os.waitpid(pid, 0)
acc.join()
for t in threading.enumerate():
    if t is not threading.current_thread():
        t.join()
check(total == PROCS * CONNS, "%d of %d echoes matched byte for byte" % (total, PROCS * CONNS))
check(sorted(set(served)) == [SIZE], "the server read exactly 64 KiB on every connection")
for _ in range(300):  # the last ACKs may still be on their way
    states = [row["state"] for row in proc_rows()]
    others = [s for s in states if s not in ("TIME_WAIT", "LISTEN")]
    if not others:
        break
    time.sleep(0.01)
check(not others, "only TIME_WAIT entries are left (%d), nothing else (%s)"
      % (states.count("TIME_WAIT"), sorted(set(others))))
finish()
