// SPDX-License-Identifier: GPL-2.0
/*
 * xbench: one benchmark program for Linux TCP and xtcp alike, so that two
 * measurements differ only in the protocol (make bench, tools/bench/bench-guest.py).
 * Every client mode prints one line of "name value" pairs.
 *
 *   xbench PROTO serve ADDR PORT        a server: a connection whose first byte
 *                                       is 'B' is drained, any other is echoed
 *   xbench PROTO bulk ADDR PORT SECS N  N streams writing 64 KiB at a time for
 *                                       SECS, timed until the server has read it
 *                                       all: "mbit X"
 *   xbench PROTO rr ADDR PORT SECS      one byte each way, NODELAY at both ends:
 *                                       "rate X median_us Y p99_us Z"
 *   xbench PROTO crr ADDR PORT SECS     connect, one byte each way, close:
 *                                       "rate X"
 *   xbench PROTO hold ADDR PORT         accepts and keeps every connection,
 *                                       until stdin ends
 *   xbench PROTO open ADDR PORT N...    opens idle connections (bound to
 *                                       127.0.0.2-9 in turn) up to each N, says
 *                                       "open N" and waits for a line on stdin;
 *                                       at the end of stdin closes them all
 *   xbench PROTO read FILE              reads FILE (a /proc listing) to its end
 *                                       five times: "ms X", the median
 *
 * PROTO is "tcp" or "xtcp".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xtcp_user.h"

#define BULK_WRITE	(64 * 1024)
#define MAX_STREAMS	64
#define MAX_SAMPLES	(1 << 21)

static int family, level;
static struct sockaddr_in server;

static void die(const char *what)
{
	fprintf(stderr, "xbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* AF_XTCP's address has sockaddr_in's layout; only the family differs. */
static struct sockaddr_in addr_of(const char *ip, int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = family;
	a.sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		fprintf(stderr, "xbench: not an IPv4 address: %s\n", ip);
		exit(2);
	}
	return a;
}

static int new_socket(void)
{
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	return fd;
}

static void nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, level, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
}

static int dial(const struct sockaddr_in *src)
{
	int fd = new_socket();

	if (src && bind(fd, (const struct sockaddr *)src, sizeof(*src)))
		die("bind");
	if (connect(fd, (const struct sockaddr *)&server, sizeof(server)))
		die("connect");
	return fd;
}

static int listener(void)
{
	int fd = new_socket(), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&server, sizeof(server)))
		die("bind");
	if (listen(fd, 4096))
		die("listen");
	return fd;
}

static void write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t k = write(fd, buf, n);

		if (k <= 0)
			die("write");
		buf += k;
		n -= k;
	}
}

static void read_byte(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		die("read");
}

/* Tell the server the connection's kind, and (for echoes) take its answer. */
static void hello(int fd, char kind)
{
	write_all(fd, &kind, 1);
	if (kind != 'B')
		read_byte(fd);
}

/* The server: one thread, epoll; drains 'B' connections and echoes the rest. */
static void serve(void)
{
	static char buf[256 * 1024];
	struct epoll_event ev, evs[64];
	int ln = listener(), ep = epoll_create1(0);

	if (ep < 0)
		die("epoll_create1");
	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)ln << 2;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, ln, &ev))
		die("epoll_ctl");
	printf("serving\n");
	fflush(stdout);
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);

		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.u64 >> 2, kind = evs[i].data.u64 & 3;
			ssize_t k;

			if (fd == ln) {
				int c = accept(ln, NULL, NULL);

				if (c < 0)
					continue;
				nodelay(c);
				ev.events = EPOLLIN;
				ev.data.u64 = (uint64_t)c << 2;	/* kind 0: not yet known */
				epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				continue;
			}
			k = read(fd, buf, sizeof(buf));
			if (k <= 0) {
				close(fd);	/* also leaves the epoll set */
				continue;
			}
			if (!kind) {
				kind = buf[0] == 'B' ? 1 : 2;
				ev.events = EPOLLIN;
				ev.data.u64 = (uint64_t)fd << 2 | kind;
				epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
			}
			if (kind == 2)
				write_all(fd, buf, k);
		}
	}
}

struct stream {
	pthread_t thread;
	double seconds, end;
	uint64_t bytes;
};

static void *bulk_stream(void *arg)
{
	static char buf[BULK_WRITE];
	struct stream *s = arg;
	int fd = dial(NULL);
	double until;

	hello(fd, 'B');
	until = now() + s->seconds;
	while (now() < until) {
		write_all(fd, buf, sizeof(buf));
		s->bytes += sizeof(buf);
	}
	/* Timed until the server has read everything: it closes at our FIN. */
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	s->end = now();
	close(fd);
	return NULL;
}

static void bulk(double seconds, int streams)
{
	static struct stream s[MAX_STREAMS];
	double start = now(), end = start;
	uint64_t bytes = 0;

	if (streams < 1 || streams > MAX_STREAMS)
		streams = 1;
	for (int i = 0; i < streams; i++) {
		s[i].seconds = seconds;
		if (pthread_create(&s[i].thread, NULL, bulk_stream, &s[i]))
			die("pthread_create");
	}
	for (int i = 0; i < streams; i++) {
		pthread_join(s[i].thread, NULL);
		bytes += s[i].bytes;
		if (s[i].end > end)
			end = s[i].end;
	}
	printf("mbit %.1f\n", bytes * 8 / (end - start) / 1e6);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void rr(double seconds)
{
	static double lat[MAX_SAMPLES];
	int fd = dial(NULL);
	size_t n = 0;
	double start, until, t;

	nodelay(fd);
	hello(fd, 'R');
	start = now();
	until = start + seconds;
	for (t = start; t < until && n < MAX_SAMPLES; n++) {
		double t0 = t;

		write_all(fd, "r", 1);
		read_byte(fd);
		t = now();
		lat[n] = t - t0;
	}
	close(fd);
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("rate %.1f median_us %.1f p99_us %.1f\n", n / (t - start), lat[n / 2] * 1e6,
	       lat[n * 99 / 100] * 1e6);
}

static void crr(double seconds)
{
	double start = now(), until = start + seconds, t = start;
	long n;

	for (n = 0; t < until; n++) {
		int fd = dial(NULL);

		nodelay(fd);
		hello(fd, 'C');
		close(fd);
		t = now();
	}
	printf("rate %.1f\n", n / (t - start));
}

static void more_files(void)
{
	struct rlimit r = { 1 << 20, 1 << 20 };

	if (setrlimit(RLIMIT_NOFILE, &r))
		die("RLIMIT_NOFILE");
}

static void wait_stdin(void)
{
	char line[64];

	while (fgets(line, sizeof(line), stdin) && !strchr(line, '\n'))
		;
}

/* Accept and keep: the idle connections' other ends. */
static void *hold_accept(void *arg)
{
	int ln = *(int *)arg;

	for (;;) {
		if (accept(ln, NULL, NULL) < 0 && errno != EINTR && errno != ECONNABORTED)
			die("accept");
	}
	return NULL;
}

static void hold(void)
{
	pthread_t t;
	int ln;

	more_files();
	ln = listener();
	if (pthread_create(&t, NULL, hold_accept, &ln))
		die("pthread_create");
	printf("holding\n");
	fflush(stdout);
	wait_stdin();
	exit(0);	/* every accepted descriptor closes */
}

static void open_idle(int argc, char **argv)
{
	int *fds = NULL, n = 0;

	more_files();
	for (int m = 0; m < argc; m++) {
		int mark = atoi(argv[m]);

		fds = realloc(fds, sizeof(*fds) * mark);
		if (!fds)
			die("realloc");
		for (; n < mark; n++) {
			char ip[16];
			struct sockaddr_in src;

			snprintf(ip, sizeof(ip), "127.0.0.%d", 2 + n % 8);
			src = addr_of(ip, 0);
			fds[n] = dial(&src);
		}
		printf("open %d\n", n);
		fflush(stdout);
		wait_stdin();
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	printf("closed %d\n", n);
}

static void read_listing(const char *path)
{
	static char buf[1 << 16];
	double ms[5];

	for (int i = 0; i < 5; i++) {
		double t = now();
		FILE *f = fopen(path, "r");

		if (!f)
			die(path);
		while (fread(buf, 1, sizeof(buf), f) > 0)
			;
		fclose(f);
		ms[i] = (now() - t) * 1e3;
	}
	qsort(ms, 5, sizeof(*ms), cmp_double);
	printf("ms %.2f\n", ms[2]);
}

int main(int argc, char **argv)
{
	const char *mode;

	if (argc == 4 && !strcmp(argv[2], "read")) {
		read_listing(argv[3]);
		return 0;
	}
	if (argc < 5) {
		fprintf(stderr, "usage: xbench tcp|xtcp serve|bulk|rr|crr|hold|open ADDR PORT ...\n"
			"       xbench tcp|xtcp read FILE\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "xtcp")) {
		family = xtcp_family();
		level = xtcp_ipproto();
	} else {
		family = AF_INET;
		level = IPPROTO_TCP;
	}
	mode = argv[2];
	server = addr_of(argv[3], atoi(argv[4]));
	if (!strcmp(mode, "serve"))
		serve();
	else if (!strcmp(mode, "hold"))
		hold();
	else if (!strcmp(mode, "open"))
		open_idle(argc - 5, argv + 5);
	else if (argc > 5 && !strcmp(mode, "bulk"))
		bulk(atof(argv[5]), argc > 6 ? atoi(argv[6]) : 1);
	else if (argc > 5 && !strcmp(mode, "rr"))
		rr(atof(argv[5]));
	else if (argc > 5 && !strcmp(mode, "crr"))
		crr(atof(argv[5]));
	else {
		fprintf(stderr, "xbench: unknown mode %s, or no SECONDS\n", mode);
		return 2;
	}
	return 0;
}
