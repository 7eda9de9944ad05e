# SPDX-License-Identifier: GPL-2.0
"""Helpers for xtcp's Python selftests.

XSocket: an AF_XTCP socket (bind/connect/accept through libc, since Python's
socket module cannot parse this family's addresses; send/recv through a
socket object). Peer: a fake remote host in a private network namespace,
which crafts segments through a raw socket and captures xtcp's replies.
Checks print "ok N - ..." / "not ok N - ..."; finish() sets the exit code.
"""
import ctypes
import errno
import hashlib
import os
import re
import select
import socket
import struct
import subprocess
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
FAMILY = int(open("/sys/module/xtcp/parameters/family").read())
IPPROTO = int(open("/sys/module/xtcp/parameters/ipproto").read())

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

# The userspace ABI, read from the uapi header rather than copied: state
# numbers and names, socket option numbers, struct xtcp_info's layout.
UAPI_HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "../../../include/uapi/linux/xtcp.h")


def _read_uapi(path=UAPI_HEADER):
    with open(path) as f:
        text = f.read()
    states = re.search(r"enum \{\s*XTCP_ESTABLISHED = 1,(.*?)XTCP_MAX_STATES", text, re.S)
    names = ["ESTABLISHED"] + re.findall(r"XTCP_(\w+),", states.group(1))
    options = {name: int(value) for name, value in
               re.findall(r"^#define XTCP_(\w+)\s+(\d+)\b", text, re.M)}
    body = re.search(r"struct xtcp_info \{(.*?)\};", text, re.S).group(1)
    fields = re.findall(r"__(u8|u16|u32|u64)\s+(\w+);", body)
    fmt = "=" + "".join({"u8": "B", "u16": "H", "u32": "I", "u64": "Q"}[t] for t, _ in fields)
    return {n: i + 1 for i, n in enumerate(names)}, options, fmt, [n for _, n in fields]


STATES, XTCP_OPTIONS, INFO_FMT, INFO_FIELDS = _read_uapi()
STATE_NAMES = {number: name for name, number in STATES.items()}
XTCP_INFO = XTCP_OPTIONS["INFO"]

_count = 0
_failed = 0


def check(ok, what):
    global _count, _failed
    _count += 1
    if not ok:
        _failed += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (_count, what), flush=True)
    return ok


def finish():
    print("# %d checks, %d failed" % (_count, _failed))
    sys.exit(0 if _count and not _failed else 1)


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


def new_netns():
    """Move this process into a fresh network namespace, loopback up."""
    if libc.unshare(CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET)")
    sh("ip link set lo up")


def _err():
    e = ctypes.get_errno()
    return OSError(e, os.strerror(e))


def sockaddr(ip, port):
    return (struct.pack("=H", FAMILY) + struct.pack("!H", port) +
            socket.inet_aton(ip) + b"\0" * 8)


def unpack_addr(raw):
    port, = struct.unpack("!H", raw[2:4])
    return socket.inet_ntoa(raw[4:8]), port


class XSocket:
    def __init__(self, fd=None, flags=0):
        if fd is None:
            fd = libc.socket(FAMILY, socket.SOCK_STREAM | flags, 0)
            if fd < 0:
                raise _err()
        self.sock = socket.socket(fileno=fd)
        self.fd = fd

    def _addrcall(self, fn, ip, port):
        a = sockaddr(ip, port)
        if fn(self.fd, a, len(a)) != 0:
            raise _err()

    def bind(self, ip, port=0):
        self._addrcall(libc.bind, ip, port)

    def connect(self, ip, port):
        self._addrcall(libc.connect, ip, port)

    def listen(self, backlog=16):
        if libc.listen(self.fd, backlog) != 0:
            raise _err()

    def accept(self):
        fd = libc.accept(self.fd, None, None)
        if fd < 0:
            raise _err()
        return XSocket(fd)

    def _name(self, fn):
        buf = ctypes.create_string_buffer(16)
        n = ctypes.c_uint(16)
        if fn(self.fd, buf, ctypes.byref(n)) != 0:
            raise _err()
        return unpack_addr(buf.raw)

    def getsockname(self):
        return self._name(libc.getsockname)

    def getpeername(self):
        return self._name(libc.getpeername)

    def close(self):
        self.sock.close()

    def fileno(self):
        return self.fd

    def __getattr__(self, name):
        return getattr(self.sock, name)


def proc_rows(name="conns"):
    """/proc/xtcp/<name> as a list of {column: field}, by its header line (the
    one reader of the /proc listings; history's last column runs to the end
    of the line)."""
    with open("/proc/xtcp/" + name) as f:
        head = f.readline().split()
        return [dict(zip(head, line.rstrip("\n").split(None, len(head) - 1))) for line in f]


def conn_row(local, remote, name="conns"):
    """The row of local -> remote ("ip:port") in /proc/xtcp/<name>, or None."""
    for row in proc_rows(name):
        if row["local"] == local and row["remote"] == remote:
            return row
    return None


def conn_state(local, remote):
    """The state /proc/xtcp/conns shows for local -> remote ("ip:port"), or None."""
    row = conn_row(local, remote)
    return row["state"] if row else None


def wait_state(local, remote, want, timeout=3.0):
    end = time.time() + timeout
    seen = conn_state(local, remote)
    while seen != want and time.time() < end:
        time.sleep(0.01)
        seen = conn_state(local, remote)
    return seen


def stats():
    with open("/proc/xtcp/stats") as f:
        return {k: int(v) for k, v in (line.split() for line in f)}


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def build_seg(src, dst, sport, dport, seq, ack, flags, window=65535,
              options=b"", payload=b"", doff=None, bad_csum=False, proto=None):
    """An xtcp segment (TCP's layout), checksummed over xtcp's pseudo-header
    (proto: another protocol's, socket.IPPROTO_TCP for Linux TCP)."""
    if doff is None:
        doff = (20 + len(options)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      doff << 4, flags, window, 0, 0) + options
    seg = hdr + payload
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto or IPPROTO,
                                                                         len(seg))
    c = csum(pseudo + seg)
    if bad_csum:
        c ^= 0x0101
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def parse_seg(ip, proto=None):
    ihl = (ip[0] & 0x0F) * 4
    if ip[9] != (proto or IPPROTO):
        return None
    t = ip[ihl:]
    sport, dport, seq, ack, off, flags, window = struct.unpack("!HHIIBBH", t[:16])
    doff = (off >> 4) * 4
    return {"src": socket.inet_ntoa(ip[12:16]), "dst": socket.inet_ntoa(ip[16:20]),
            "sport": sport, "dport": dport, "seq": seq, "ack": ack, "flags": flags,
            "window": window, "options": t[20:doff], "payload": t[doff:]}


def tcp_option(options, kind):
    """The value bytes of option kind in a segment's options, or None."""
    i = 0
    while i < len(options):
        k = options[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        if i + 1 >= len(options) or options[i + 1] < 2:
            break
        if k == kind:
            return options[i + 2:i + options[i + 1]]
        i += options[i + 1]
    return None


class Peer:
    """A fake host 10.7.0.2 facing xtcp at 10.7.0.1, in this process's own namespace.

    Segments it sends come from an address that is not local, so nothing in
    the kernel answers xtcp's replies; those are captured on the far end of
    a veth pair. proto: the protocol it speaks, xtcp's or (differential
    tests) socket.IPPROTO_TCP, Linux TCP's; Linux TCP sends one segment a
    packet here (gso_max_segs 1), as xtcp does.
    """

    LOCAL, REMOTE = "10.7.0.1", "10.7.0.2"

    def __init__(self, proto=None):
        self.proto = proto or IPPROTO
        new_netns()
        sh("ip link add v0 gso_max_segs 1 type veth peer name v1")
        sh("ip addr add %s/24 dev v0" % self.LOCAL)
        sh("ip link set v0 up && ip link set v1 up")
        # sysfs still shows the namespace it was mounted in: ask ip.
        out = subprocess.run("ip -o link show v1", shell=True, check=True,
                             capture_output=True, text=True).stdout
        mac = out.split("link/ether ")[1].split()[0]
        sh("ip neigh add %s lladdr %s dev v0 nud permanent" % (self.REMOTE, mac))
        self.tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
        self.rx.bind(("v1", 0x0800))

    def send(self, sport, dport, seq, ack, flags, raw=None, **kw):
        seg = raw if raw is not None else build_seg(self.REMOTE, self.LOCAL, sport, dport,
                                                    seq, ack, flags, proto=self.proto, **kw)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), 0, 0x4000, 64, self.proto, 0,
                         socket.inet_aton(self.REMOTE), socket.inet_aton(self.LOCAL))
        self.tx.sendto(ip + seg, (self.LOCAL, 0))

    def recv(self, timeout=1.0):
        """The next xtcp segment xtcp sent to the peer, or None."""
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0 or not select.select([self.rx], [], [], left)[0]:
                return None
            seg = parse_seg(self.rx.recv(70000), self.proto)
            if seg and seg["dst"] == self.REMOTE:
                return seg

    def drain(self):
        while self.recv(0.05):
            pass

    def connect(self, ln, port, sport, isn, options=bytes([2, 4, 0x05, 0xb4]), window=65535):
        """A crafted handshake from sport into listener ln: (SYN+ACK, accepted socket).

        Fails the test (check, finish) if it does not complete.
        """
        self.drain()
        self.send(sport, port, isn, 0, SYN, options=options, window=window)
        sa = self.recv()
        while sa and not (sa["flags"] == SYN | ACK and sa["dport"] == sport):
            sa = self.recv()
        if sa:
            self.send(sport, port, isn + 1, sa["seq"] + 1, ACK, window=window)
        if not sa or not select.select([ln.fileno()], [], [], 5)[0]:
            check(False, "the handshake from port %d completes" % sport)
            finish()
        return sa, ln.accept()


def setns(name):
    """Move this process into the named network namespace (ip netns add NAME)."""
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + name)
    finally:
        os.close(fd)


def in_netns(name, fn, *args):
    """Run fn(*args) in a child process inside namespace name; returns its pid."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            setns(name)
            code = 0 if fn(*args) else 1
        except BaseException as e:  # report, never fall back into the parent's code
            print("# child in %s: %r" % (name, e), flush=True)
        os._exit(code)
    return pid


def sysctl(name, value):
    with open("/proc/sys/net/xtcp/" + name, "w") as f:
        f.write(str(value))


def expect_oserror(code, what, fn, *args):
    """Check that fn(*args) fails with errno code; returns the exception or None."""
    try:
        fn(*args)
    except OSError as e:
        check(e.errno == code, "%s: %s (%s)" % (what, errno.errorcode.get(code), e))
        return e
    check(False, "%s: succeeded, want %s" % (what, errno.errorcode.get(code)))
    return None


def set_keepalive(sock, idle, intvl, cnt):
    """SO_KEEPALIVE with per-socket settings (TCP's option numbers, level IPPROTO_TCP)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    sock.setsockopt(socket.IPPROTO_TCP, 4, idle)   # XTCP_KEEPIDLE
    sock.setsockopt(socket.IPPROTO_TCP, 5, intvl)  # XTCP_KEEPINTVL
    sock.setsockopt(socket.IPPROTO_TCP, 6, cnt)    # XTCP_KEEPCNT


def loopback_pair(ip="127.0.0.1", new=None):
    """A connected pair on ip: (client, server, listener); new() makes the sockets."""
    new = new or XSocket
    ln = new()
    ln.bind(ip, 0)
    ln.listen()
    c = new()
    c.connect(ip, ln.getsockname()[1])
    return c, ln.accept(), ln


def peer_and_listener():
    """A crafted Peer and an xtcp listener facing it: (peer, listener, port, "ip:port")."""
    peer = Peer()
    ln = XSocket()
    ln.bind(peer.LOCAL, 0)
    ln.listen()
    port = ln.getsockname()[1]
    return peer, ln, port, "%s:%d" % (peer.LOCAL, port)


class TcpSocket:
    """Linux TCP with XSocket's calls: bind(ip, port), connect(ip, port), ..."""

    def __init__(self, sock=None, flags=0):
        self.sock = sock or socket.socket(socket.AF_INET, socket.SOCK_STREAM | flags)
        self.fd = self.sock.fileno()

    def bind(self, ip, port=0):
        self.sock.bind((ip, port))

    def connect(self, ip, port):
        self.sock.connect((ip, port))

    def accept(self):
        return TcpSocket(self.sock.accept()[0])

    def listen(self, backlog=16):
        self.sock.listen(backlog)

    def __getattr__(self, name):
        return getattr(self.sock, name)


def veth_pair(a, b, net):
    """Namespaces a and b joined by veth (va in a, vb in b): net.1 and net.2 (net: "10.8.0")."""
    sh("ip netns add %s && ip netns add %s" % (a, b))
    sh("ip link add va netns %s type veth peer name vb netns %s" % (a, b))
    sh("ip -n %s addr add %s.1/24 dev va && ip -n %s link set va up" % (a, net, a))
    sh("ip -n %s addr add %s.2/24 dev vb && ip -n %s link set vb up" % (b, net, b))
    sh("ip -n %s link set lo up && ip -n %s link set lo up" % (a, b))


def start_tcpdump(argv, timeout=30.0):
    """Start tcpdump (argv, optionally behind "ip netns exec"); return once it captures.

    tcpdump says "listening on ..." on stderr when its socket and filter are
    in place; a fixed sleep is not enough on a slow debug kernel. It runs in
    immediate mode: otherwise libpcap's TPACKET_V3 ring hands packets over
    only when a block fills or its 1 s timeout retires it, and
    stop_tcpdump() would stop it with the last packets still in the ring.
    """
    i = argv.index("tcpdump") + 1
    argv = argv[:i] + ["--immediate-mode"] + argv[i:]
    dump = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    end = time.time() + timeout
    line = b""
    while b"listening on" not in line and time.time() < end:
        if not select.select([dump.stderr], [], [], max(0.0, end - time.time()))[0]:
            break
        line = dump.stderr.readline()
        if not line:
            break
    if b"listening on" not in line:
        raise RuntimeError("tcpdump did not start: %r" % line)
    return dump


def stop_tcpdump(dump, pcap, settle=0.5, timeout=10.0):
    """Stop tcpdump once it has written what it saw: with -U it writes each
    packet as it reads it, so wait until the file (a 24-byte header, then
    packets) has stopped growing for settle seconds; a busy machine only
    delays tcpdump, and a fixed sleep then cut the capture short."""
    end = time.time() + timeout
    size, since = -1, time.time()
    while time.time() < end:
        now = os.path.getsize(pcap) if os.path.exists(pcap) else 0
        if now != size:
            size, since = now, time.time()
        elif size > 24 and time.time() - since >= settle:
            break
        time.sleep(0.05)
    dump.terminate()
    dump.wait()


def accept_one(ip, port, ready_w, new=None):
    """Listen on ip:port, write a byte to ready_w, accept one connection and close the listener."""
    ln = (new or XSocket)()
    ln.bind(ip, port)
    ln.listen()
    os.write(ready_w, b"r")
    s = ln.accept()
    ln.close()
    return s


def send_all_and_close(ip, port, data):
    """Connect to ip:port, send data, half-close, and close once the peer has."""
    c = XSocket()
    c.connect(ip, port)
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    c.recv(1)
    c.close()


def recv_digest(s):
    """Read s to EOF: (bytes read, their SHA-256)."""
    h, got = hashlib.sha256(), 0
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            return got, h.digest()
        h.update(chunk)
        got += len(chunk)


def proc_row(name, sock):
    """sock's connection in /proc/xtcp/<name>, as {column: field}; {} if absent."""
    return conn_row("%s:%d" % sock.getsockname(), "%s:%d" % sock.getpeername(), name) or {}



def info_of(sock):
    """getsockopt(XTCP_INFO) as {field: value}, and how many bytes the kernel gave."""
    raw = sock.getsockopt(socket.IPPROTO_TCP, XTCP_INFO, 256)
    return dict(zip(INFO_FIELDS, struct.unpack(INFO_FMT, raw[:struct.calcsize(INFO_FMT)]))), len(raw)
