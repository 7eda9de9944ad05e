#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""In the VM (make bench): the same program, build/bin/xbench, over Linux TCP and
over xtcp, one after the other in each repetition; one table of both and the ratio.

XTCP_BENCH_SECONDS (each timed run, default 3), XTCP_BENCH_REPS (default 3),
XTCP_BENCH_CONNS (idle connections, default 100000; /proc is read at 1k, 10k
and this many), XTCP_BENCH_ONLY (a comma list of bulk,streams,veth,rr,crr,idle).
"""
import os
import statistics
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
XBENCH = os.path.join(TOP, "build/bin/xbench")
SECONDS = float(os.environ.get("XTCP_BENCH_SECONDS") or 3)
REPS = int(os.environ.get("XTCP_BENCH_REPS") or 3)
CONNS = int(os.environ.get("XTCP_BENCH_CONNS") or 100000)
ONLY = [w for w in os.environ.get("XTCP_BENCH_ONLY", "").split(",") if w]
PROTOS = ("tcp", "xtcp")
PORT = {"tcp": 5001, "xtcp": 5002}
HOLD_PORT = {"tcp": 6001, "xtcp": 6002}
PROC = {"tcp": "/proc/net/tcp", "xtcp": "/proc/xtcp/conns"}
VETH_SERVER = "10.77.0.2"
TRACING = "/sys/kernel/debug/tracing"
# Kernel calls counted per request/response round trip (kprobes' hit counts).
# RCU read sections: __rcu_read_lock is a function only with preemptible RCU
# (Debian's kernels); elsewhere that row is left out.
CALLS = (("clock reads", "ktime_get"), ("hrtimer starts", "hrtimer_start_range_ns"),
         ("hrtimer cancels", "hrtimer_try_to_cancel"), ("RCU read sections", "__rcu_read_lock"))

rows = []  # (metric, {proto: [values]}, which is better, target)


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


def sysctl(path, value):
    with open(path, "w") as f:
        f.write(value)


def wanted(name):
    return not ONLY or name in ONLY


def start(args, ns=None, wait_for=None):
    cmd = ([] if ns is None else ["ip", "netns", "exec", ns]) + [XBENCH] + args
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if wait_for:
        line = p.stdout.readline()
        if not line.startswith(wait_for):
            sys.exit("xbench %s: %r" % (" ".join(args), line))
    return p


def client(args, ns=None):
    cmd = ([] if ns is None else ["ip", "netns", "exec", ns]) + [XBENCH] + args
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if out.returncode:
        sys.exit("xbench %s: %s" % (" ".join(args), out.stderr.strip()))
    words = out.stdout.split()
    return {words[i]: float(words[i + 1]) for i in range(0, len(words) - 1, 2)}


def repeated(metrics, args, ns=None, addr="127.0.0.1"):
    """REPS runs of each protocol, alternating; metrics: {row name: output key}."""
    got = {m: {p: [] for p in PROTOS} for m in metrics}
    for _ in range(REPS):
        for proto in PROTOS:
            out = client([proto, args[0], addr, str(PORT[proto])] + args[1:], ns)
            for m, key in metrics.items():
                got[m][proto].append(out[key])
    return got


def probe_hits():
    hits = {}
    with open(TRACING + "/kprobe_profile") as f:
        for line in f:
            w = line.split()
            if w and w[0].startswith("xbench_"):
                hits[w[0]] = int(w[1])
    return hits


def calls_per_round_trip():
    """CALLS per 1-byte request/response round trip, both ends and whatever else the
    VM does meanwhile: counts, so the host's noise does not move them. None: no kprobes."""
    probes = {}
    for i, (name, fn) in enumerate(CALLS):
        probe = "xbench_%d" % i
        try:
            sh("echo 'p:%s %s' >> %s/kprobe_events" % (probe, fn, TRACING))
            sh("echo 1 > %s/events/kprobes/%s/enable" % (TRACING, probe))
            probes[probe] = name
        except subprocess.CalledProcessError as e:
            print("no count of %s: %s" % (fn, e), file=sys.stderr)
    if not probes:
        return None
    sh("echo 0 > %s/tracing_on" % TRACING)  # counted, not recorded
    got = {name: {p: [] for p in PROTOS} for name in probes.values()}
    for _ in range(REPS):
        for proto in PROTOS:
            before = probe_hits()
            out = client([proto, "rr", "127.0.0.1", str(PORT[proto]), str(SECONDS)])
            after = probe_hits()
            for probe, name in probes.items():
                got[name][proto].append((after[probe] - before[probe]) / (out["rate"] * SECONDS))
    for probe in probes:
        sh("echo 0 > %s/events/kprobes/%s/enable" % (TRACING, probe))
        sh("echo -:%s >> %s/kprobe_events" % (probe, TRACING))
    sh("echo 1 > %s/tracing_on" % TRACING)
    return got


def slab_caches():
    """Kernel memory in slab objects in use, by cache: active objects times their size."""
    caches = {}
    with open("/proc/slabinfo") as f:
        for line in f.readlines()[2:]:
            w = line.split()
            caches[w[0]] = caches.get(w[0], 0) + int(w[1]) * int(w[3])
    return caches


def slab_bytes():
    return sum(slab_caches().values())


def settle():
    time.sleep(1.5)  # RCU frees and per-CPU slab caches catch up


def netns(name):
    """A fresh namespace, so one measurement's connections and TIME_WAITs never
    outlive it: deleting it frees them all."""
    sh("ip netns add %s && ip -n %s link set lo up" % (name, name))
    sh("ip netns exec %s sh -c 'echo 1024 65535 >/proc/sys/net/ipv4/ip_local_port_range; "
       "echo 1000000 >/proc/sys/net/ipv4/tcp_max_tw_buckets; "
       "echo 1000000 >/proc/sys/net/xtcp/max_tw_buckets; "
       "echo 1000000 >/proc/sys/net/xtcp/max_orphans'" % name)
    return name


def drop_netns(name):
    sh("ip netns del %s" % name)
    time.sleep(3)  # the namespace's teardown runs in a work item


def in_ns(ns, cmd):
    return subprocess.run(["ip", "netns", "exec", ns] + cmd, capture_output=True, text=True,
                          check=True).stdout


def count_time_wait(proto, ns):
    if proto == "tcp":
        return len(in_ns(ns, ["ss", "-Htan", "state", "time-wait"]).splitlines())
    return sum(1 for line in in_ns(ns, ["cat", PROC["xtcp"]]).splitlines()
               if " TIME_WAIT " in line)


def idle(proto, marks, results):
    """Idle connections: memory, /proc read time, rr beside them, then TIME_WAIT memory."""
    ns = netns("xbench-idle")
    server = start([proto, "serve", "127.0.0.1", str(PORT[proto])], ns, "serving")
    holder = start([proto, "hold", "127.0.0.1", str(HOLD_PORT[proto])], ns, "holding")
    settle()
    base_caches = slab_caches()
    base = sum(base_caches.values())
    opener = start([proto, "open", "127.0.0.1", str(HOLD_PORT[proto])] + [str(m) for m in marks],
                   ns)
    for mark in marks:
        line = opener.stdout.readline()
        if line.split() != ["open", str(mark)]:
            sys.exit("xbench open: %r" % line)
        settle()
        caches = slab_caches()
        results["mem", mark][proto] = (sum(caches.values()) - base) / mark
        if mark == marks[-1]:
            results["caches"][proto] = sorted(
                ((caches[c] - base_caches.get(c, 0)) / mark, c) for c in caches)[::-1][:8]
        results["proc", mark][proto] = client([proto, "read", PROC[proto]], ns)["ms"]
        if mark == marks[-1]:
            for _ in range(REPS):
                results["rr_idle"][proto].append(
                    client([proto, "rr", "127.0.0.1", str(PORT[proto]), str(SECONDS)],
                           ns)["rate"])
        opener.stdin.write("\n")
        opener.stdin.flush()
    # The opener closes first and so holds the TIME_WAITs; then the holder ends.
    opener.stdin.close()
    opener.wait()
    holder.stdin.close()
    holder.wait()
    deadline = time.monotonic() + 120
    while count_time_wait(proto, ns) < marks[-1] and time.monotonic() < deadline:
        time.sleep(1)
    settle()
    results["tw_n"][proto] = count_time_wait(proto, ns)
    results["tw"][proto] = (slab_bytes() - base) / max(results["tw_n"][proto], 1)
    server.kill()
    server.wait()
    drop_netns(ns)


def main():
    sysctl("/proc/sys/net/ipv4/tcp_max_orphans", "1000000")
    servers = [start([p, "serve", "127.0.0.1", str(PORT[p])], wait_for="serving") for p in PROTOS]

    if wanted("bulk"):
        got = repeated({"bulk": "mbit"}, ["bulk", str(SECONDS), "1"])
        rows.append(("bulk, one stream, 64 KiB writes (Mbit/s)", got["bulk"], "higher", ">= 1.0"))
    if wanted("streams"):
        got = repeated({"s": "mbit"}, ["bulk", str(SECONDS), "8"])
        rows.append(("bulk, 8 streams (Mbit/s, total)", got["s"], "higher", ">= 1.0"))
    if wanted("rr"):
        got = repeated({"rate": "rate", "median": "median_us", "p99": "p99_us"},
                       ["rr", str(SECONDS)])
        rows.append(("1-byte request/response (/s)", got["rate"], "higher", ">= 1.2"))
        rows.append(("  its median latency (us)", got["median"], "lower", "<= 0.9"))
        rows.append(("  its p99 latency (us)", got["p99"], "lower", "<= 0.9"))
        calls = calls_per_round_trip()
        if calls:
            for name in calls:
                rows.append(("  %s per round trip (whole VM)" % name, calls[name], "lower", ""))
    if wanted("crr"):
        # Its TIME_WAITs go with the namespace, before the memory is measured.
        ns = netns("xbench-crr")
        cservers = [start([p, "serve", "127.0.0.1", str(PORT[p])], ns, "serving") for p in PROTOS]
        got = repeated({"rate": "rate"}, ["crr", str(SECONDS)], ns)
        rows.append(("connect + 1-byte request/reply + close (/s)", got["rate"], "higher", ">= 1.5"))
        for p in cservers:
            p.kill()
            p.wait()
        drop_netns(ns)
    if wanted("veth"):
        sh("ip netns add xbench-a && ip netns add xbench-b && "
           "ip link add va netns xbench-a type veth peer name vb netns xbench-b && "
           "ip -n xbench-a addr add 10.77.0.1/24 dev va && "
           "ip -n xbench-b addr add %s/24 dev vb && "
           "ip -n xbench-a link set va up && ip -n xbench-b link set vb up && "
           "ip -n xbench-a link set lo up && ip -n xbench-b link set lo up" % VETH_SERVER)
        vservers = [start([p, "serve", VETH_SERVER, str(PORT[p])], "xbench-b", "serving")
                    for p in PROTOS]
        got = repeated({"v": "mbit"}, ["bulk", str(SECONDS), "1"], "xbench-a", VETH_SERVER)
        rows.append(("bulk over veth, two namespaces, MTU 1500 (Mbit/s)", got["v"], "higher", ">= 1.0"))
        for p in vservers:
            p.kill()
            p.wait()
    if wanted("idle"):
        marks = sorted({m for m in (1000, 10000, CONNS) if m <= CONNS})
        results = {k: {} for k in [("mem", m) for m in marks] + [("proc", m) for m in marks]}
        results.update(rr_idle={p: [] for p in PROTOS}, tw={}, tw_n={}, caches={})
        empty = {p: [] for p in PROTOS}
        for _ in range(REPS):
            for p in PROTOS:
                empty[p].append(client([p, "rr", "127.0.0.1", str(PORT[p]), str(SECONDS)])["rate"])
        for p in PROTOS:
            idle(p, marks, results)
        flat = {p: [statistics.median(results["rr_idle"][p]) / statistics.median(empty[p])]
                for p in PROTOS}
        rows.append(("request/response rate, %d idle / none" % marks[-1], flat, "higher",
                     "xtcp's >= 0.95"))
        for m in marks[1:]:
            rows.append(("kernel memory per idle connection, %d (B, both ends)" % m,
                         {p: [results["mem", m][p]] for p in PROTOS}, "lower", "<= 0.5"))
        rows.append(("kernel memory per TIME_WAIT entry (B; %d, %d entries)"
                     % (results["tw_n"]["tcp"], results["tw_n"]["xtcp"]),
                     {p: [results["tw"][p]] for p in PROTOS}, "lower", "<= 0.5"))
        for m in marks:
            rows.append(("%s read time, %d connections (ms)" % ("/proc", m),
                         {p: [results["proc", m][p]] for p in PROTOS}, "lower", ""))
        if len(marks) > 1:
            rows.append(("  its growth, %d / %d connections" % (marks[-1], marks[-2]),
                         {p: [results["proc", marks[-1]][p] / results["proc", marks[-2]][p]]
                          for p in PROTOS}, "lower",
                         "xtcp's ~%d (linear)" % (marks[-1] // marks[-2])))
    for p in servers:
        p.kill()
        p.wait()
    report()
    if wanted("idle"):
        print("\nWhere an idle connection's memory goes (bytes per connection, both ends, "
              "by slab cache; caches of the same size may be merged):")
        for p in PROTOS:
            print("  %-5s %s" % (p, ", ".join("%s %.0f" % (c, b)
                                           for b, c in results["caches"][p] if b >= 16)))


def cell(values):
    if len(values) == 1:
        return "%.4g" % values[0]
    return "%.4g (%.4g-%.4g)" % (statistics.median(values), min(values), max(values))


def report():
    print("xbench over Linux TCP and xtcp in one VM, %d run(s) of each, alternating; "
          "median (min-max)" % REPS)
    print("%-52s %24s %24s %18s %7s %s" % ("metric", "Linux TCP", "xtcp", "xtcp/TCP",
                                          "better", "target"))
    for name, got, better, target in rows:
        t, x = got["tcp"], got["xtcp"]
        ratio = statistics.median(x) / statistics.median(t)
        pairs = [a / b for a, b in zip(x, t)]
        r = "%.2f" % ratio if len(pairs) < 2 else "%.2f (%.2f-%.2f)" % (ratio, min(pairs),
                                                                        max(pairs))
        print("%-52s %24s %24s %18s %7s %s" % (name, cell(t), cell(x), r, better, target))


main()
