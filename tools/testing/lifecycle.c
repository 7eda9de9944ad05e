// SPDX-License-Identifier: GPL-2.0
/*
 * A connection's whole life on loopback, watched in /proc/xtcp/conns:
 * handshake, echo, half-close with data flowing after SHUT_WR, the
 * four-way close with every intermediate state, TIME_WAIT expiring (short
 * MSL), a refused connect, and a non-blocking connect.
 *
 * XTCP_SMOKE: also run on Debian's stock kernel.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ktest.h"
#include "xtcp_conns.h"
#include "xtcp_user.h"

static int family;

static struct sockaddr_xtcp addr_of(const char *ip, int port)
{
	struct sockaddr_xtcp a = { .sxtcp_family = family, .sxtcp_port = htons(port) };

	inet_pton(AF_INET, ip, &a.sxtcp_addr);
	return a;
}

static void endpoint(const struct sockaddr_xtcp *a, char *buf, size_t len)
{
	char ip[32];

	inet_ntop(AF_INET, &a->sxtcp_addr, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, ntohs(a->sxtcp_port));
}

static int listener(struct sockaddr_xtcp *bound)
{
	struct sockaddr_xtcp a = addr_of("127.0.0.1", 0);
	socklen_t len = sizeof(*bound);
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(fd, 8) || getsockname(fd, (struct sockaddr *)bound, &len)) {
		ktest_result(0, "listener: %s", strerror(errno));
		return -1;
	}
	return fd;
}

static void expect_state(const char *who, const char *local, const char *remote,
			 const char *want)
{
	char seen[32];

	ktest_result(!xtcp_conn_wait(local, remote, want, 3000, seen, sizeof(seen)),
		     "%s %s -> %s is %s (saw '%s')", who, local, remote,
		     *want ? want : "gone", seen);
}

static ssize_t write_all(int fd, const char *p, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = write(fd, p + done, n - done);

		if (r <= 0)
			return -1;
		done += r;
	}
	return done;
}

static ssize_t read_all(int fd, char *p, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, p + done, n - done);

		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += r;
	}
	return done;
}

static void fill(char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = seed >> 16;
	}
}

static void set_sysctl(const char *name, const char *value)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/sys/net/xtcp/%s", name);
	f = fopen(path, "w");
	if (!f) {
		ktest_result(0, "%s: %s", path, strerror(errno));
		return;
	}
	ok = fputs(value, f) >= 0;
	ok = (fclose(f) == 0) && ok;
	ktest_result(ok, "%s = %s", path, value);
}

static void test_lifecycle(void)
{
	enum { N = 256 * 1024, HALF = 1024 * 1024 };
	static char out[HALF], in[HALF];
	struct sockaddr_xtcp srv, cli, peer;
	socklen_t len = sizeof(cli);
	char s_end[64], c_end[64];
	int lfd, cfd, afd;
	pid_t pid;

	lfd = listener(&srv);
	if (lfd < 0)
		return;
	endpoint(&srv, s_end, sizeof(s_end));
	expect_state("listener", s_end, "0.0.0.0:0", "LISTEN");

	cfd = socket(family, SOCK_STREAM, 0);
	KTEST_OK(connect(cfd, (struct sockaddr *)&srv, sizeof(srv)), "connect");
	afd = accept(lfd, (struct sockaddr *)&peer, &len);
	KTEST_OK(afd, "accept");
	len = sizeof(cli);
	KTEST_OK(getsockname(cfd, (struct sockaddr *)&cli, &len), "getsockname");
	endpoint(&cli, c_end, sizeof(c_end));
	ktest_result(!memcmp(&peer, &cli, sizeof(cli)),
		     "accept's peer address is the client's (%s)", c_end);
	len = sizeof(peer);
	KTEST_OK(getpeername(cfd, (struct sockaddr *)&peer, &len), "getpeername");
	ktest_result(peer.sxtcp_port == srv.sxtcp_port, "client's peer is the server");
	expect_state("client", c_end, s_end, "ESTABLISHED");
	expect_state("server", s_end, c_end, "ESTABLISHED");

	/* Echo N bytes: the server copies back what it reads. */
	fill(out, N, 1);
	pid = fork();
	if (pid == 0) {
		ssize_t n = read_all(afd, in, N);

		_exit(n == N && write_all(afd, in, N) == N ? 0 : 1);
	}
	ktest_result(write_all(cfd, out, N) == N, "client sends %d bytes", N);
	ktest_result(read_all(cfd, in, N) == N && !memcmp(in, out, N),
		     "the echo equals what was sent");
	waitpid(pid, NULL, 0);

	/* Half-close: the client shuts down writing; the server reads EOF... */
	KTEST_OK(shutdown(cfd, SHUT_WR), "client shutdown(SHUT_WR)");
	ktest_result(read(afd, in, 1) == 0, "server reads EOF");
	expect_state("client", c_end, s_end, "FIN_WAIT2");
	expect_state("server", s_end, c_end, "CLOSE_WAIT");
	/* ...and may still send any amount, all of which arrives. */
	fill(out, HALF, 2);
	pid = fork();
	if (pid == 0)
		_exit(write_all(afd, out, HALF) == HALF ? 0 : 1);
	ktest_result(read_all(cfd, in, HALF) == HALF && !memcmp(in, out, HALF),
		     "client reads %d bytes sent after its SHUT_WR", HALF);
	waitpid(pid, NULL, 0);

	/* The server closes: LAST_ACK, then gone; the client holds TIME_WAIT. */
	close(afd);
	ktest_result(read(cfd, in, 1) == 0, "client reads EOF");
	expect_state("client", c_end, s_end, "TIME_WAIT");
	expect_state("server", s_end, c_end, "");
	close(cfd);
	expect_state("client", c_end, s_end, "TIME_WAIT");
	/* msl_ms is 500: TIME_WAIT ends after 1 s. */
	expect_state("client", c_end, s_end, "");
	close(lfd);
	expect_state("listener", s_end, "0.0.0.0:0", "");
}

/* The server closes first: FIN_WAIT1/2 on its side, CLOSE_WAIT, LAST_ACK on the other. */
static void test_server_closes_first(void)
{
	struct sockaddr_xtcp srv, cli;
	socklen_t len = sizeof(cli);
	char s_end[64], c_end[64], c;
	int lfd, cfd, afd;

	lfd = listener(&srv);
	if (lfd < 0)
		return;
	endpoint(&srv, s_end, sizeof(s_end));
	cfd = socket(family, SOCK_STREAM, 0);
	KTEST_OK(connect(cfd, (struct sockaddr *)&srv, sizeof(srv)), "connect");
	afd = accept(lfd, NULL, NULL);
	KTEST_OK(afd, "accept");
	getsockname(cfd, (struct sockaddr *)&cli, &len);
	endpoint(&cli, c_end, sizeof(c_end));

	close(afd);
	expect_state("server", s_end, c_end, "FIN_WAIT2");
	expect_state("client", c_end, s_end, "CLOSE_WAIT");
	ktest_result(read(cfd, &c, 1) == 0, "client reads EOF");
	close(cfd);
	expect_state("server", s_end, c_end, "TIME_WAIT");
	expect_state("client", c_end, s_end, "");
	expect_state("server", s_end, c_end, "");
	close(lfd);
}

static void test_refused_and_nonblocking(void)
{
	struct sockaddr_xtcp srv, none;
	struct pollfd pfd;
	int lfd, fd, n, err = -1;
	socklen_t len = sizeof(err);

	/* A port nobody listens on: the RST turns into ECONNREFUSED. */
	lfd = listener(&srv);
	if (lfd < 0)
		return;
	none = srv;
	close(lfd);
	fd = socket(family, SOCK_STREAM, 0);
	KTEST_ERRNO(connect(fd, (struct sockaddr *)&none, sizeof(none)), ECONNREFUSED,
		    "connect to a closed port");
	close(fd);

	lfd = listener(&srv);
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	KTEST_ERRNO(connect(fd, (struct sockaddr *)&srv, sizeof(srv)), EINPROGRESS,
		    "non-blocking connect");
	pfd.fd = fd;
	pfd.events = POLLOUT;
	pfd.revents = 0;
	n = poll(&pfd, 1, 3000);
	ktest_result(n == 1 && (pfd.revents & POLLOUT),
		     "POLLOUT when connected (revents %#x)", pfd.revents);
	KTEST_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), "SO_ERROR");
	ktest_result(err == 0, "SO_ERROR is 0 (%d)", err);
	/* As TCP: the first connect() after completion reports it, then EISCONN. */
	connect(fd, (struct sockaddr *)&srv, sizeof(srv));
	KTEST_ERRNO(connect(fd, (struct sockaddr *)&srv, sizeof(srv)), EISCONN,
		    "connect on a connected socket");
	close(fd);
	close(lfd);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	family = xtcp_family();
	set_sysctl("msl_ms", "500");
	test_lifecycle();
	test_server_closes_first();
	test_refused_and_nonblocking();
	set_sysctl("msl_ms", "30000");
	return ktest_exit();
}
