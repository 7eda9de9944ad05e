#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The socket API against Linux TCP, scenario by scenario.

Every scenario runs once on AF_INET/TCP and once on AF_XTCP in the same
namespace, and the outcomes (errno names, poll masks, bytes read, signals)
must be the same: xtcp's errors are Linux TCP's, measured, not remembered.

XTCP_SMOKE: also run on Debian's stock kernel.
"""
import ctypes
import errno
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "pylib"))
from xtcptest import TcpSocket, XSocket, check, finish, libc, loopback_pair, new_netns, sh  # noqa: E402

LO = "127.0.0.1"


APIS = {"tcp": TcpSocket, "xtcp": XSocket}


def err(fn, *args):
    try:
        fn(*args)
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def pair(new):
    """A connected pair (client, server) and the listener, of new()'s kind."""
    return loopback_pair(LO, new)


def in_child(fn):
    """Run fn in a child process; its return code, or -signal if killed."""
    pid = os.fork()
    if pid == 0:
        try:
            os._exit(fn())
        except BaseException:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def s_bind_twice(new):
    s = new()
    s.bind(LO, 0)
    return err(s.bind, LO, 0)


def s_bind_in_use(new):
    a = new()
    a.bind(LO, 0)
    a.listen()
    port = a.getsockname()[1]
    return err(new().bind, LO, port), err(new().bind, "0.0.0.0", port)


def s_bind_nonlocal(new):
    return err(new().bind, "10.99.99.99", 0)


def s_bind_low_port_unprivileged(new):
    def child():
        os.setgid(65534)
        os.setuid(65534)
        r = err(new().bind, LO, 1023)
        return {"ok": 0, "EACCES": 13}.get(r, 1)
    return in_child(child)


def s_reuseaddr_time_wait(new):
    """Binding over TIME_WAIT: SO_REUSEADDR helps only if the old socket had it too."""
    return _reuse_after_time_wait(new, False), _reuse_after_time_wait(new, True)


def _reuse_after_time_wait(new, old_reuse):
    ln = new()
    ln.bind(LO, 0)
    ln.listen()
    c = new()
    if old_reuse:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind(LO, 0)
    port = c.getsockname()[1]
    c.connect(LO, ln.getsockname()[1])
    s = ln.accept()
    c.close()  # the client closes first: its port goes to TIME_WAIT
    s.recv(1)
    s.close()
    time.sleep(0.3)
    plain = err(new().bind, LO, port)
    reuse = new()
    reuse.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return plain, err(reuse.bind, LO, port)


def s_reuseaddr_shares_no_listener_or_4tuple(new):
    """SO_REUSEADDR lets two sockets bind a port, not both listen on it nor share a 4-tuple."""
    def reusing():
        s = new()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        return s
    a, b = reusing(), reusing()
    a.bind(LO, 0)
    port = a.getsockname()[1]
    binds = err(b.bind, LO, port)
    listens = err(a.listen), err(b.listen)
    ln = new()
    ln.bind(LO, 0)
    ln.listen()
    c1, c2 = reusing(), reusing()
    c1.bind(LO, 0)
    cport = c1.getsockname()[1]
    binds2 = err(c2.bind, LO, cport)
    connects = err(c1.connect, LO, ln.getsockname()[1]), err(c2.connect, LO, ln.getsockname()[1])
    return binds, listens, binds2, connects


def s_again_after_refused_connect(new):
    """A refused connect, then listen (bound by hand, or by connect): reachable."""
    def refused_then_listen(bind_first):
        free = new()
        free.bind(LO, 0)
        closed = free.getsockname()[1]
        free.close()
        s = new()
        if bind_first:
            s.bind(LO, 0)
        first = err(s.connect, LO, closed)
        s.listen()
        c = new()
        return first, err(c.connect, LO, s.getsockname()[1])
    return refused_then_listen(True), refused_then_listen(False)


def s_unconnected(new):
    s = new()
    return (err(s.getpeername), err(s.recv, 1), err(s.send, b"x"),
            err(s.shutdown, socket.SHUT_RDWR), err(s.accept))


def s_connect_errors(new):
    c, s, ln = pair(new)
    refused = new()
    free = new()
    free.bind(LO, 0)
    port = free.getsockname()[1]
    free.close()
    return (err(c.connect, LO, ln.getsockname()[1]), err(c.listen),
            err(refused.connect, LO, port))


def s_accept_nonblocking(new):
    ln = new(flags=socket.SOCK_NONBLOCK)
    ln.bind(LO, 0)
    ln.listen()
    return err(ln.accept)


def s_recv_flags(new):
    c, s, _ = pair(new)
    out = [err(c.recv, 10, socket.MSG_DONTWAIT)]
    s.send(b"abc")
    time.sleep(0.1)
    out.append(c.recv(3, socket.MSG_PEEK))
    out.append(c.recv(3))
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 0, 200000))
    out.append(err(c.recv, 1))

    def later():
        time.sleep(0.2)
        s.send(b"34")
    s.send(b"12")
    t = threading.Thread(target=later)
    t.start()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 2, 0))
    out.append(c.recv(4, socket.MSG_WAITALL))
    t.join()
    os.writev(s.fileno(), [b"ab", b"cd", b"ef"])
    time.sleep(0.1)
    bufs = [bytearray(2), bytearray(4)]
    out.append((os.readv(c.fileno(), bufs), bytes(bufs[0]), bytes(bufs[1])))
    return out


def s_write_after_shutdown(new):
    c, s, _ = pair(new)
    c.shutdown(socket.SHUT_WR)
    plain = err(c.send, b"x")
    nosig = err(c.send, b"x", socket.MSG_NOSIGNAL)

    def child():
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        c.send(b"x")
        return 0
    return plain, nosig, in_child(child), s.recv(10)


def s_reset(new):
    c, s, _ = pair(new)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    time.sleep(0.1)
    p = select.poll()
    p.register(s.fileno(), select.POLLIN | select.POLLOUT | select.POLLRDHUP)
    mask = p.poll(0)[0][1]
    return (mask, s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
            err(s.recv, 1), err(s.send, b"x"), err(s.send, b"x"))


def s_reset_then_write(new):
    c, s, _ = pair(new)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    time.sleep(0.1)
    return err(s.send, b"x"), err(s.send, b"x"), err(s.recv, 1)


def s_poll(new):
    ev = select.POLLIN | select.POLLOUT | select.POLLRDHUP | select.POLLPRI

    def mask(sock):
        p = select.poll()
        p.register(sock.fileno(), ev)
        r = p.poll(0)
        return r[0][1] if r else 0
    out = [mask(new())]
    ln = new()
    ln.bind(LO, 0)
    ln.listen()
    out.append(mask(ln))
    c = new()
    c.connect(LO, ln.getsockname()[1])
    time.sleep(0.1)
    out.append(mask(ln))
    s = ln.accept()
    out.append(mask(s))
    c.send(b"hi")
    time.sleep(0.1)
    out.append(mask(s))
    s.recv(10)
    c.shutdown(socket.SHUT_WR)
    time.sleep(0.1)
    out.append(mask(s))
    s.shutdown(socket.SHUT_WR)
    time.sleep(0.1)
    out.append(mask(c))
    c.close()
    time.sleep(0.1)
    out.append(mask(s))
    return out


def s_epoll_select(new):
    c, s, _ = pair(new)
    ep = select.epoll()
    ep.register(s.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
    before = ep.poll(0)
    c.send(b"x")
    first = ep.poll(1)
    r, w, _ = select.select([s.fileno()], [c.fileno()], [], 1)
    s.recv(1)
    c.shutdown(socket.SHUT_WR)
    second = ep.poll(1)
    return before, [e for _, e in first], (len(r), len(w)), [e for _, e in second]


def s_sndtimeo(new):
    c, s, _ = pair(new)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 0, 300000))
    chunk = b"z" * 65536
    for _ in range(1000):
        r = err(c.send, chunk)
        if r != "ok":
            return r
    return "never blocked"


def s_nonblocking_connect_black_hole(new):
    c = new(flags=socket.SOCK_NONBLOCK)
    first = err(c.connect, "10.7.0.2", 80)
    return first, err(c.connect, "10.7.0.2", 80)


def s_connect_broadcast_multicast(new):
    """The subnet's broadcast, the limited broadcast, a multicast group: refused."""
    out = []
    for dst in ("10.7.0.255", "255.255.255.255", "224.0.0.1"):
        c = new(flags=socket.SOCK_NONBLOCK)
        out.append(err(c.connect, dst, 80))
        c.close()
    return out


def s_bind_family(new):
    """Wrong family: EAFNOSUPPORT, but AF_UNSPEC with INADDR_ANY is taken; short: EINVAL."""
    own = int(new().family)
    wrong = socket.AF_INET6 if own == socket.AF_INET else socket.AF_INET
    out = []
    for family, ip in ((wrong, "0.0.0.0"), (socket.AF_UNSPEC, "0.0.0.0"),
                       (socket.AF_UNSPEC, LO)):
        s = new()
        a = struct.pack("=H", family) + struct.pack("!H", 0) + socket.inet_aton(ip) + bytes(8)
        r = libc.bind(s.fileno(), a, len(a))
        out.append("ok" if r == 0 else errno.errorcode[ctypes.get_errno()])
    s = new()
    a = struct.pack("=H", own) + bytes(6)
    r = libc.bind(s.fileno(), a, len(a))
    out.append("ok" if r == 0 else errno.errorcode[ctypes.get_errno()])
    return out


def s_listen_backlog(new):
    ln = new()
    ln.bind(LO, 0)
    ln.listen(0)
    return err(ln.listen, 5), err(ln.listen, -1)


def s_nodelay_cork(new):
    """TCP_NODELAY and TCP_CORK: off at first, read back as set, on a connection."""
    c, s, _ = pair(new)
    out = []
    for opt in (socket.TCP_NODELAY, socket.TCP_CORK):
        out.append(c.getsockopt(socket.IPPROTO_TCP, opt))
        c.setsockopt(socket.IPPROTO_TCP, opt, 1)
        out.append(c.getsockopt(socket.IPPROTO_TCP, opt))
        c.setsockopt(socket.IPPROTO_TCP, opt, 0)
        out.append(c.getsockopt(socket.IPPROTO_TCP, opt))
    c.send(b"x")
    return out, s.recv(10)


def s_congestion(new):
    """TCP_CONGESTION (13): the default, a change, an unknown name, a short read."""
    c, srv, ln = pair(new)
    out = [c.getsockopt(socket.IPPROTO_TCP, 13, 16), err(c.setsockopt, socket.IPPROTO_TCP, 13, b"reno"),
           c.getsockopt(socket.IPPROTO_TCP, 13, 16), err(c.setsockopt, socket.IPPROTO_TCP, 13, b"nope"),
           c.getsockopt(socket.IPPROTO_TCP, 13, 16), c.getsockopt(socket.IPPROTO_TCP, 13, 3),
           err(c.setsockopt, socket.IPPROTO_TCP, 13, b"cubic\0junk"),
           c.getsockopt(socket.IPPROTO_TCP, 13, 16)]
    for s in (c, srv, ln):
        s.close()
    return out


SCENARIOS = [s_bind_twice, s_bind_in_use, s_bind_nonlocal, s_bind_low_port_unprivileged,
             s_reuseaddr_time_wait, s_unconnected, s_connect_errors, s_accept_nonblocking,
             s_recv_flags, s_write_after_shutdown, s_reset, s_reset_then_write, s_poll,
             s_epoll_select, s_sndtimeo, s_nonblocking_connect_black_hole, s_bind_family, s_listen_backlog,
             s_nodelay_cork, s_connect_broadcast_multicast,
             s_reuseaddr_shares_no_listener_or_4tuple, s_again_after_refused_connect,
             s_congestion]

new_netns()
# A neighbour that never answers, for connects that must stay in progress.
sh("ip link add v0 type veth peer name v1 && ip addr add 10.7.0.1/24 dev v0 && "
   "ip link set v0 up && ip link set v1 up && "
   "ip neigh add 10.7.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent")
with open("/proc/sys/net/xtcp/msl_ms", "w") as f:
    f.write("30000")
for scenario in SCENARIOS:
    got = {}
    for name, new in APIS.items():
        try:
            got[name] = scenario(lambda flags=0, new=new: new(flags=flags))
        except Exception as e:  # a scenario that breaks is a difference too
            got[name] = "raised %r" % e
    check(got["tcp"] == got["xtcp"], "%s: xtcp %r, tcp %r" % (scenario.__name__[2:],
                                                              got["xtcp"], got["tcp"]))
subprocess.run("ip link del v0", shell=True)
finish()
