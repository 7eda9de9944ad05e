// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-socket FAMILY PROTOCOL [HOLD]: try socket(FAMILY, SOCK_STREAM, PROTOCOL)
 * and print "ok" or the errno's name; with HOLD, keep the socket open that
 * many seconds (or until killed) before closing it. A helper for the shell
 * selftests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	switch (e) {
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	default: return strerror(e);
	}
}

int main(int argc, char **argv)
{
	int fd;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: %s FAMILY PROTOCOL [HOLD]\n", argv[0]);
		return 2;
	}
	fd = socket(atoi(argv[1]), SOCK_STREAM, atoi(argv[2]));
	if (fd < 0) {
		printf("%s\n", errno_name(errno));
		return 1;
	}
	printf("ok\n");
	fflush(stdout);
	if (argc == 4)
		sleep(atoi(argv[3]));
	close(fd);
	return 0;
}
