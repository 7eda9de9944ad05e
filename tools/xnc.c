// SPDX-License-Identifier: GPL-2.0
/*
 * xnc: netcat for xtcp. Standard input goes to the connection and the
 * connection to standard output; at end of input the write side is shut
 * down (a FIN, like nc -N) and xnc keeps reading until the peer's FIN.
 *
 *   xnc [-v] HOST PORT          connect
 *   xnc [-v] -l [ADDR] PORT     listen, serve one connection
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xtcp_user.h"

static int verbose;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xnc [-v] HOST PORT         connect to HOST:PORT over xtcp\n"
		"       xnc [-v] -l [ADDR] PORT    listen on ADDR:PORT (default any), serve one connection\n"
		"\n"
		"Standard input is sent, what arrives is written to standard output. At the\n"
		"end of input xnc shuts down its writing side (the peer reads EOF) and goes\n"
		"on reading until the peer closes too. -v reports the connection on stderr.\n");
}

static int parse_addr(const char *ip, const char *port, struct sockaddr_xtcp *a)
{
	char *end;
	long p = strtol(port, &end, 10);

	memset(a, 0, sizeof(*a));
	a->sxtcp_family = xtcp_family();
	if (*end || p < 0 || p > 65535) {
		fprintf(stderr, "xnc: bad port '%s'\n", port);
		return -1;
	}
	a->sxtcp_port = htons(p);
	if (ip && inet_pton(AF_INET, ip, &a->sxtcp_addr) != 1) {
		fprintf(stderr, "xnc: bad IPv4 address '%s'\n", ip);
		return -1;
	}
	return 0;
}

static void report(const char *what, int fd)
{
	struct sockaddr_xtcp l, r;
	socklen_t ll = sizeof(l), rl = sizeof(r);
	char lb[INET_ADDRSTRLEN], rb[INET_ADDRSTRLEN];

	if (!verbose || getsockname(fd, (struct sockaddr *)&l, &ll) ||
	    getpeername(fd, (struct sockaddr *)&r, &rl))
		return;
	fprintf(stderr, "xnc: %s %s:%u <-> %s:%u\n", what,
		inet_ntop(AF_INET, &l.sxtcp_addr, lb, sizeof(lb)), ntohs(l.sxtcp_port),
		inet_ntop(AF_INET, &r.sxtcp_addr, rb, sizeof(rb)), ntohs(r.sxtcp_port));
}

static int write_all(int fd, const char *p, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= w;
	}
	return 0;
}

/*
 * Relay until both directions are done: our input (then a FIN) and the
 * peer's data (until its FIN). Either may end first: that is half-close.
 */
static int relay(int fd)
{
	struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = fd, .events = POLLIN } };
	char buf[65536];
	int in_open = 1, peer_open = 1;

	for (;;) {
		ssize_t n;

		p[0].fd = in_open ? 0 : -1;
		p[1].fd = peer_open ? fd : -1;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("xnc: poll");
			return 1;
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0) {
				perror("xnc: read from the connection");
				return 1;
			}
			if (n == 0) {
				peer_open = 0;
				if (!in_open)
					return 0;
				continue;
			}
			if (write_all(1, buf, n)) {
				perror("xnc: write to stdout");
				return 1;
			}
		}
		if (in_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				in_open = 0;
				if (shutdown(fd, SHUT_WR) < 0) {
					perror("xnc: shutdown");
					return 1;
				}
				if (!peer_open)
					return 0;
				continue;
			}
			if (write_all(fd, buf, n)) {
				perror("xnc: write to the connection");
				return 1;
			}
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_xtcp a;
	int listen_mode = 0, opt, fd, rc;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	while ((opt = getopt(argc, argv, "lvh")) != -1) {
		switch (opt) {
		case 'l':
			listen_mode = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	signal(SIGPIPE, SIG_IGN);
	if (listen_mode ? (argc < 1 || argc > 2) : argc != 2) {
		usage(stderr);
		return 2;
	}
	if (listen_mode ? parse_addr(argc == 2 ? argv[0] : NULL, argv[argc - 1], &a)
			: parse_addr(argv[0], argv[1], &a))
		return 2;
	fd = socket(xtcp_family(), SOCK_STREAM, 0);
	if (fd < 0) {
		perror("xnc: socket (is the xtcp module loaded?)");
		return 1;
	}
	if (listen_mode) {
		int one = 1, conn;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0) {
			perror("xnc: bind/listen");
			return 1;
		}
		conn = accept(fd, NULL, NULL);
		if (conn < 0) {
			perror("xnc: accept");
			return 1;
		}
		close(fd);
		fd = conn;
		report("accepted", fd);
	} else {
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("xnc: connect");
			return 1;
		}
		report("connected", fd);
	}
	rc = relay(fd);
	close(fd);
	return rc;
}
