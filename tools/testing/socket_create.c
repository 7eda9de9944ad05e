// SPDX-License-Identifier: GPL-2.0
/*
 * socket(AF_XTCP, ...) creates a stream socket, and refuses every other type
 * and protocol with the errno Linux gives for AF_INET (compared live).
 *
 * XTCP_SMOKE: also run on Debian's stock kernel.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktest.h"
#include "xtcp_user.h"

static void check_create(int family, int type, int protocol, const char *what)
{
	int fd = socket(family, type, protocol);

	KTEST_OK(fd, what);
	if (fd >= 0)
		KTEST_OK(close(fd), "close");
}

/* xtcp must refuse with the same errno as AF_INET, and that errno is want. */
static void check_refused(int family, int type, int protocol, int want,
			  const char *what)
{
	int fd = socket(AF_INET, type, protocol);
	int inet_errno = errno;

	if (fd >= 0) {
		close(fd);
		inet_errno = 0;
	}
	ktest_result(inet_errno == want, "%s: AF_INET gives %s", what,
		     strerror(inet_errno));
	KTEST_ERRNO(socket(family, type, protocol), want, what);
}

static void check_flags(int family)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	KTEST_OK(fd, "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC");
	if (fd < 0)
		return;
	ktest_result(fcntl(fd, F_GETFL) & O_NONBLOCK, "O_NONBLOCK is set");
	ktest_result(fcntl(fd, F_GETFD) & FD_CLOEXEC, "FD_CLOEXEC is set");
	close(fd);
}

static void check_type(int family)
{
	int fd = socket(family, SOCK_STREAM, 0), type = 0, domain = 0;
	socklen_t len = sizeof(int);

	if (fd < 0) {
		ktest_result(0, "socket for SO_TYPE: %s", strerror(errno));
		return;
	}
	KTEST_OK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len), "SO_TYPE");
	ktest_result(type == SOCK_STREAM, "SO_TYPE is SOCK_STREAM (%d)", type);
	len = sizeof(int);
	KTEST_OK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len), "SO_DOMAIN");
	ktest_result(domain == family, "SO_DOMAIN is %d (%d)", family, domain);
	close(fd);
}

int main(void)
{
	int family = xtcp_family(), ipproto = xtcp_ipproto();
	struct stat st;

	printf("# family %d, ipproto %d\n", family, ipproto);
	check_create(family, SOCK_STREAM, 0, "SOCK_STREAM, protocol 0");
	check_create(family, SOCK_STREAM, ipproto, "SOCK_STREAM, xtcp's IP protocol");
	check_flags(family);
	check_type(family);

	check_refused(family, SOCK_SEQPACKET, 0, ESOCKTNOSUPPORT, "SOCK_SEQPACKET");
	KTEST_ERRNO(socket(family, SOCK_DGRAM, 0), ESOCKTNOSUPPORT, "SOCK_DGRAM");
	KTEST_ERRNO(socket(family, SOCK_RAW, 0), ESOCKTNOSUPPORT, "SOCK_RAW");
	check_refused(family, SOCK_STREAM, IPPROTO_UDP, EPROTONOSUPPORT,
		      "SOCK_STREAM, IPPROTO_UDP");
	check_refused(family, SOCK_STREAM, -1, EINVAL, "SOCK_STREAM, protocol -1");
	check_refused(family, SOCK_STREAM, 256, EPROTONOSUPPORT,
		      "SOCK_STREAM, protocol 256");
	check_refused(family, SOCK_STREAM, 1000, EINVAL, "SOCK_STREAM, protocol 1000");

	/* /proc/xtcp follows the reader's network namespace. */
	ktest_result(stat("/proc/xtcp", &st) == 0 && S_ISDIR(st.st_mode),
		     "/proc/xtcp is a directory");
	KTEST_OK(unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)");
	ktest_result(stat("/proc/xtcp", &st) == 0 && S_ISDIR(st.st_mode),
		     "/proc/xtcp is a directory in a new namespace");
	check_create(family, SOCK_STREAM, 0, "SOCK_STREAM in a new namespace");
	return ktest_exit();
}
