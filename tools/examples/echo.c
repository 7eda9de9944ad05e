// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest xtcp program: an echo server and client over AF_XTCP.
 *
 *   echo server PORT        serve one connection, echo until EOF
 *   echo client IP PORT     send stdin, print what comes back
 *
 * It is the ordinary socket API; only the family and the address type
 * differ from TCP.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xtcp_user.h"

static int die(const char *what)
{
	perror(what);
	return 1;
}

static int server(int port)
{
	struct sockaddr_xtcp addr = {
		.sxtcp_family = xtcp_family(),
		.sxtcp_port = htons(port),
		.sxtcp_addr.s_addr = htonl(INADDR_ANY),
	};
	char buf[4096];
	ssize_t n;
	int ln, fd;

	ln = socket(xtcp_family(), SOCK_STREAM, 0);
	if (ln < 0)
		return die("socket");
	if (bind(ln, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return die("bind");
	if (listen(ln, 16) < 0)
		return die("listen");
	fd = accept(ln, NULL, NULL);
	if (fd < 0)
		return die("accept");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			return die("write");
	close(fd);	/* the peer closed first: we send our FIN from CLOSE_WAIT */
	close(ln);
	return n < 0 ? die("read") : 0;
}

static int client(const char *ip, int port)
{
	struct sockaddr_xtcp addr = {
		.sxtcp_family = xtcp_family(),
		.sxtcp_port = htons(port),
	};
	char buf[4096];
	ssize_t n;
	int fd;

	if (inet_pton(AF_INET, ip, &addr.sxtcp_addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		return 1;
	}
	fd = socket(xtcp_family(), SOCK_STREAM, 0);
	if (fd < 0)
		return die("socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return die("connect");
	while ((n = read(0, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			return die("write");
	shutdown(fd, SHUT_WR);	/* half-close: FIN_WAIT1, then FIN_WAIT2 */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, n) != n)
			return die("write");
	close(fd);		/* the server's FIN came: we are in TIME_WAIT */
	return n < 0 ? die("read") : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: %s server PORT | client IP PORT\n", argv[0]);
	return 2;
}
