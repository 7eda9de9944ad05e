#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unloading xtcp with TIME_WAIT entries is clean, and refused while a
socket is open.

50 connections closed client-first leave 50 TIME_WAIT entries (MSL 30 s):
they hold no socket and no module reference, so rmmod succeeds at once and
takes them with it (kmemleak and the debug objects check the rest); an open
socket, even an orphan still closing, keeps rmmod refused.

XTCP_SMOKE: also run on Debian's stock kernel.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import XSocket, check, finish, new_netns, proc_rows  # noqa: E402

KO = os.path.join(os.environ["XTCP_MODULE_DIR"], "module", "xtcp.ko")


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


new_netns()
with open("/proc/sys/net/xtcp/msl_ms", "w") as f:
    f.write("30000")
ln = XSocket()
ln.bind("127.0.0.1", 0)
ln.listen(64)
port = ln.getsockname()[1]
for _ in range(50):
    c = XSocket()
    c.connect("127.0.0.1", port)
    s = ln.accept()
    c.close()
    s.recv(1)
    s.close()
ln.close()
tw = sum(1 for row in proc_rows() if row["state"] == "TIME_WAIT")
check(tw == 50, "50 TIME_WAIT entries listed (%d)" % tw)

held = XSocket()
r = run("rmmod", "xtcp")
check(r.returncode != 0, "rmmod refused while a socket is open (%s)" % r.stderr.strip())
held.close()
del held
# Closing sockets (LAST_ACK waiting for its ACK) hold the module a moment longer.
for _ in range(300):
    with open("/sys/module/xtcp/refcnt") as f:
        if f.read().strip() == "0":
            break
    time.sleep(0.01)
r = run("rmmod", "xtcp")
check(r.returncode == 0, "rmmod with 50 TIME_WAIT entries succeeds (%s)" % r.stderr.strip())
check(not os.path.exists("/proc/xtcp"), "/proc/xtcp is gone")
r = run("insmod", KO)
check(r.returncode == 0, "insmod again (%s)" % r.stderr.strip())
check(proc_rows() == [], "a fresh module lists no connection")
finish()
