// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall-sequence fuzzer: threads race on one table of AF_XTCP
 * descriptors, calling every part of the socket API with valid and hostile
 * arguments (socket, bind, listen, connect, accept, send and recv with any
 * flags, setsockopt/getsockopt at any level with any length, shutdown,
 * poll, ioctl, close while another thread uses the descriptor, dup, fork
 * with the sockets open), reading /proc/xtcp and writing net.xtcp sysctls
 * with good and bad values. Meanwhile a separate process runs a real
 * connection, one after another, moving data both ways and comparing it.
 *
 * It passes if the liveness connections never fail, no thread is stuck,
 * and every connection is gone from /proc/xtcp/conns within 30 s of the
 * end; the harness adds what the debug kernel said (KASAN, lockdep,
 * kmemleak). Everything happens in a namespace of its own.
 *
 *   XTCP_FUZZ_SECONDS (default 60), XTCP_FUZZ_SEED (default 1),
 *   XTCP_FUZZ_THREADS (default 4); make fuzz SECONDS=N SEED=N runs longer.
 *
 * XTCP_TEST_TIMEOUT=400
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "ktest.h"
#include "xtcp_user.h"

#define SLOTS		48
#define PORT_BASE	47000	/* the ports fuzzed sockets bind and connect to */
#define PORTS		8
#define LIVE_PORT	46999	/* the liveness listener's, never in the pool */
#define LIVE_BYTES	(48 * 1024)

static int family, ipproto;
static _Atomic int slot[SLOTS];
static atomic_bool stop;
static atomic_ulong calls;

struct rng {
	uint64_t s;
};

static uint32_t rnd(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s >> 16);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return rnd(r) % n;
}

static struct sockaddr_xtcp addr_of(in_addr_t ip, uint16_t port)
{
	struct sockaddr_xtcp a;

	memset(&a, 0, sizeof(a));
	a.sxtcp_family = family;
	a.sxtcp_port = htons(port);
	a.sxtcp_addr.s_addr = ip;
	return a;
}

/* An address to bind or connect to: mostly good, sometimes hostile. */
static socklen_t pick_addr(struct rng *r, struct sockaddr_storage *ss)
{
	static const in_addr_t hostile[] = {
		0xffffffff, 0x010000e0 /* 224.0.0.1 */, 0x0909090a /* 10.9.9.9 */, 0,
		0x0100007f,
	};
	struct sockaddr_xtcp a = addr_of(htonl(INADDR_LOOPBACK), PORT_BASE + below(r, PORTS));
	socklen_t len = sizeof(a);

	switch (below(r, 10)) {
	case 0:
		a.sxtcp_port = 0;
		break;
	case 1:
		a.sxtcp_addr.s_addr = hostile[below(r, 5)];
		break;
	case 2:
		a.sxtcp_family = below(r, 3) ? AF_UNSPEC : AF_INET;
		break;
	case 3:
		len = below(r, sizeof(a));
		break;
	case 4:
		len = sizeof(*ss);
		break;
	default:
		break;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &a, sizeof(a));
	return len;
}

static int pick_fd(struct rng *r)
{
	return atomic_load(&slot[below(r, SLOTS)]);
}

/* Put fd in a slot; whatever was there is closed. */
static void keep_fd(struct rng *r, int fd)
{
	int old;

	if (fd < 0)
		return;
	old = atomic_exchange(&slot[below(r, SLOTS)], fd);
	if (old >= 0)
		close(old);
}

/* Not the retry counts: one retry would let a single drop fail the liveness check. */
static const char *const sysctl_names[] = {
	"msl_ms", "fin_timeout_ms", "keepalive_time", "keepalive_intvl", "keepalive_probes", "max_syn_backlog",
	"rto_min_ms", "rto_max_ms", "window_scaling", "delayed_ack_ms", "wmem", "rmem", "mem",
	"syncookies",
	"challenge_ack_limit", "max_tw_buckets", "max_orphans",
};

/* Values for any sysctl: some refused by every one, none that stalls loopback. */
static const char *const sysctl_values[] = {
	"-1", "0", "1", "2", "40", "200", "1000", "abc", "", "99999999999",
	"4096 4096 4096", "4096 87380 6291456", "8192 4096 1", "2147483647",
};

static void fuzz_sysctl(struct rng *r)
{
	const char *name = sysctl_names[below(r, sizeof(sysctl_names) / sizeof(*sysctl_names))];
	const char *value = sysctl_values[below(r, sizeof(sysctl_values) / sizeof(*sysctl_values))];
	char path[128], buf[256];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/xtcp/%s", name);
	fd = open(path, below(r, 2) ? O_RDONLY : O_WRONLY);
	if (fd < 0)
		return;
	if (read(fd, buf, sizeof(buf)) < 0)
		(void)!write(fd, value, strlen(value));
	close(fd);
}

static void fuzz_proc(struct rng *r)
{
	static const char *const files[] = {
		"/proc/xtcp/conns", "/proc/xtcp/history", "/proc/xtcp/info", "/proc/xtcp/stats",
	};
	char buf[4096];
	int fd = open(files[below(r, 4)], O_RDONLY);

	if (fd < 0)
		return;
	while (read(fd, buf, 1 + below(r, sizeof(buf))) > 0 && !below(r, 50))
		;
	close(fd);
}

static void fuzz_sockopt(struct rng *r, int fd, bool set)
{
	static const int levels[] = { SOL_SOCKET, SOL_SOCKET, -1, -1, SOL_IP, 0, 12345 };
	union {
		char bytes[4096];
		int i;
		struct linger l;
	} buf;
	socklen_t len;
	int level = levels[below(r, 7)], name = below(r, 80);

	if (level == -1)
		level = ipproto;
	for (size_t i = 0; i < sizeof(buf.bytes); i++)
		buf.bytes[i] = (char)rnd(r);
	if (below(r, 2))
		buf.i = (int)below(r, 3) - 1;
	if (level == SOL_SOCKET && name == SO_LINGER) {
		/* close() may wait this long: at most a second. */
		buf.l.l_linger = below(r, 2);
	}
	len = (socklen_t[]){ 0, 1, 4, 4, 8, 16, 200, 4096 }[below(r, 8)];
	if (set)
		setsockopt(fd, level, name, &buf, len);
	else
		getsockopt(fd, level, name, &buf, &len);
}

static void fuzz_io(struct rng *r, int fd, bool out)
{
	static char data[70000];
	static const int flags[] = { MSG_PEEK, MSG_OOB, MSG_MORE, MSG_TRUNC, MSG_WAITALL,
				     MSG_EOR, MSG_ERRQUEUE, MSG_CONFIRM, 0, 0 };
	struct sockaddr_storage ss;
	struct iovec iov[3];
	struct msghdr m;
	int f = MSG_DONTWAIT | MSG_NOSIGNAL | flags[below(r, 10)] | flags[below(r, 10)];
	size_t n = (size_t[]){ 0, 1, 100, 1460, 20000, 70000 }[below(r, 6)];

	if (!below(r, 3)) {
		if (out)
			send(fd, data, n, f);
		else
			recv(fd, data, n, f);
		return;
	}
	memset(&m, 0, sizeof(m));
	iov[0] = (struct iovec){ data, n / 2 };
	iov[1] = (struct iovec){ NULL, 0 };
	iov[2] = (struct iovec){ data + n / 2, n - n / 2 };
	m.msg_iov = iov;
	m.msg_iovlen = 1 + below(r, 3);
	if (!below(r, 4)) {
		m.msg_namelen = pick_addr(r, &ss);
		m.msg_name = &ss;
	}
	if (out)
		sendmsg(fd, &m, f);
	else
		recvmsg(fd, &m, f);
}

static void fuzz_call(struct rng *r, bool child);

/* fork with the sockets open: the child calls on its copies, then exits. */
static void fuzz_fork(struct rng *r)
{
	pid_t pid = fork();
	int i;

	if (pid == 0) {
		for (i = 0; i < 50; i++)
			fuzz_call(r, true);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void fuzz_call(struct rng *r, bool child)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = pick_fd(r), op = below(r, 22);

	atomic_fetch_add(&calls, 1);
	if (fd < 0 && op > 2 && op < 18)
		op = 0;
	switch (op) {
	case 0:
	case 1: {
		static const int types[] = { SOCK_STREAM, SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
		int proto = (int[]){ 0, 0, 0, ipproto, IPPROTO_TCP, 9999 }[below(r, 6)];

		fd = socket(family, types[below(r, 4)] | SOCK_NONBLOCK | (below(r, 2) ? SOCK_CLOEXEC : 0),
			    proto);
		if (child && fd >= 0)
			close(fd);
		else
			keep_fd(r, fd);
		break;
	}
	case 2: {
		int old = atomic_exchange(&slot[below(r, SLOTS)], -1);

		if (old >= 0)
			close(old);
		break;
	}
	case 3:
		len = pick_addr(r, &ss);
		bind(fd, (struct sockaddr *)&ss, len);
		break;
	case 4:
		listen(fd, (int[]){ -1, 0, 1, 2, 16, 4096, 0x7fffffff }[below(r, 7)]);
		break;
	case 5:
	case 6:
		len = pick_addr(r, &ss);
		connect(fd, (struct sockaddr *)&ss, len);
		break;
	case 7: {
		int nfd = accept4(fd, below(r, 2) ? (struct sockaddr *)&ss : NULL,
				  below(r, 4) ? &len : NULL, SOCK_NONBLOCK);

		if (child && nfd >= 0)
			close(nfd);
		else
			keep_fd(r, nfd);
		break;
	}
	case 8:
	case 9:
		fuzz_io(r, fd, true);
		break;
	case 10:
	case 11:
		fuzz_io(r, fd, false);
		break;
	case 12:
		fuzz_sockopt(r, fd, true);
		break;
	case 13:
		fuzz_sockopt(r, fd, false);
		break;
	case 14:
		shutdown(fd, (int)below(r, 5) - 1);
		break;
	case 15:
		if (below(r, 2))
			getsockname(fd, (struct sockaddr *)&ss, &len);
		else
			getpeername(fd, (struct sockaddr *)&ss, &len);
		break;
	case 16: {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLPRI | POLLRDHUP };
		int n;

		poll(&p, 1, 0);
		ioctl(fd, (unsigned long[]){ SIOCINQ, SIOCOUTQ, SIOCATMARK, FIONREAD }[below(r, 4)],
		      &n);
		break;
	}
	case 17:
		if (!child) {
			int nfd = dup(fd);

			keep_fd(r, nfd);
		}
		break;
	case 18:
		fuzz_proc(r);
		break;
	case 19:
		if (!below(r, 4))
			fuzz_sysctl(r);
		break;
	case 20:
		if (!child && !below(r, 40))
			fuzz_fork(r);
		break;
	default:
		/* A listener and a connection to it: handshakes for the others to race. */
		if (!child) {
			struct sockaddr_xtcp a = addr_of(htonl(INADDR_LOOPBACK),
							 PORT_BASE + below(r, PORTS));

			fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (fd >= 0 && below(r, 2)) {
				if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
					listen(fd, 1 + below(r, 4));
			} else if (fd >= 0) {
				connect(fd, (struct sockaddr *)&a, sizeof(a));
			}
			keep_fd(r, fd);
		}
		break;
	}
}

static void *fuzz_thread(void *arg)
{
	struct rng r = { .s = (uintptr_t)arg * 0x9e3779b97f4a7c15ull | 1 };

	while (!atomic_load(&stop))
		fuzz_call(&r, false);
	return NULL;
}

/* Read exactly n bytes, or say why not in *why. */
static int read_all(int fd, char *buf, size_t n, const char **why)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = recv(fd, buf + got, n - got, 0);

		if (k <= 0) {
			*why = k ? strerror(errno) : "end of stream before the reply";
			return -1;
		}
		got += k;
	}
	return 0;
}

/* Send all n bytes in one call, as a blocking socket does, or say why not in *why. */
static int send_all(int fd, const char *buf, size_t n, const char **why)
{
	ssize_t k = send(fd, buf, n, 0);

	if (k == (ssize_t)n)
		return 0;
	*why = k < 0 ? strerror(errno) : "a short send";
	return -1;
}

static volatile sig_atomic_t live_stop;

static void live_on_term(int sig)
{
	(void)sig;
	live_stop = 1;
}

/*
 * The liveness process: connection after connection to its own listener,
 * LIVE_BYTES each way, compared. Exits 0 with the count when told to stop,
 * 1 at the first failure.
 */
static int liveness(void)
{
	static char out[LIVE_BYTES], back[LIVE_BYTES];
	struct sockaddr_xtcp a = addr_of(htonl(INADDR_LOOPBACK), LIVE_PORT);
	struct timeval tv = { .tv_sec = 30 };
	int ln = socket(family, SOCK_STREAM, 0), rounds = 0;
	const char *why;

	signal(SIGTERM, live_on_term);
	if (ln < 0 || bind(ln, (struct sockaddr *)&a, sizeof(a)) || listen(ln, 4)) {
		printf("# liveness: no listener: %s\n", strerror(errno));
		return 1;
	}
	while (!live_stop) {
		int c = socket(family, SOCK_STREAM, 0), s = -1;
		size_t i;

		for (i = 0; i < sizeof(out); i++)
			out[i] = (char)(i * 7 + rounds);
		why = NULL;
		if (c < 0)
			goto fail;
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(c, (struct sockaddr *)&a, sizeof(a)))
			goto fail;
		s = accept(ln, NULL, NULL);
		if (s < 0)
			goto fail;
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		/* In pieces the buffers hold, whatever the fuzzed rmem/wmem say. */
		for (i = 0; i < sizeof(out); i += 4096) {
			if (send_all(c, out + i, 4096, &why) || read_all(s, back + i, 4096, &why) ||
			    send_all(s, back + i, 4096, &why) || read_all(c, back + i, 4096, &why))
				goto fail;
		}
		if (memcmp(out, back, sizeof(out))) {
			printf("# liveness: round %d: the bytes differ\n", rounds);
			return 1;
		}
		close(c);
		close(s);
		rounds++;
		continue;
fail:
		/*
		 * SIGTERM ends the round it lands in: a blocked send() returns
		 * what it had copied (a short count, as TCP's does), a blocked
		 * recv() EINTR. Only a failure before it counts.
		 */
		if (live_stop)
			break;
		printf("# liveness: round %d: %s\n", rounds, why ? why : strerror(errno));
		return 1;
	}
	printf("# liveness: %d connections, %d bytes each way each, compared\n", rounds,
	       LIVE_BYTES);
	return rounds > 0 ? 0 : 1;
}

static int conns_left(void)
{
	char line[512];
	FILE *f = fopen("/proc/xtcp/conns", "r");
	int n = -1;

	if (!f)
		return -1;
	/* The header, and TIME_WAIT entries, which live on by design. */
	while (fgets(line, sizeof(line), f))
		if (!strstr(line, "TIME_WAIT"))
			n++;
	fclose(f);
	return n;
}

static void lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
}

static long env_long(const char *name, long fallback)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : fallback;
}

int main(void)
{
	long seconds = env_long("XTCP_FUZZ_SECONDS", 60), seed = env_long("XTCP_FUZZ_SEED", 1);
	long nthreads = env_long("XTCP_FUZZ_THREADS", 4), i;
	pthread_t threads[64];
	struct timespec until;
	int live_status = 0, stuck = 0, left = -1;
	pid_t live;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (nthreads < 1 || nthreads > 64)
		nthreads = 4;
	printf("# seed %ld (XTCP_FUZZ_SEED), %ld s (XTCP_FUZZ_SECONDS), %ld threads\n", seed,
	       seconds, nthreads);
	family = xtcp_family();
	ipproto = xtcp_ipproto();
	if (unshare(CLONE_NEWNET)) {
		printf("# unshare: %s\n", strerror(errno));
		return 4;
	}
	lo_up();
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < SLOTS; i++)
		atomic_store(&slot[i], -1);

	live = fork();
	if (live == 0)
		_exit(liveness());
	ktest_result(live > 0, "the liveness process started");
	if (live < 0)
		return 1;
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&threads[i], NULL, fuzz_thread,
				   (void *)(uintptr_t)(seed * 64 + i + 1))) {
			nthreads = i;
			break;
		}
	}
	ktest_result(nthreads > 0, "%ld fuzzing threads started", nthreads);
	sleep(seconds);
	atomic_store(&stop, true);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 30;
	for (i = 0; i < nthreads; i++)
		if (pthread_timedjoin_np(threads[i], NULL, &until))
			stuck++;
	ktest_result(!stuck, "every fuzzing thread stopped within 30 s (%d stuck)", stuck);
	printf("# %lu calls\n", atomic_load(&calls));

	kill(live, SIGTERM);
	waitpid(live, &live_status, 0);
	ktest_result(WIFEXITED(live_status) && WEXITSTATUS(live_status) == 0,
		     "liveness: every connection carried its bytes intact");

	/* What is left closes, and ends: nothing lives on in xtcp. */
	for (i = 0; i < SLOTS; i++) {
		int fd = atomic_exchange(&slot[i], -1);

		if (fd >= 0)
			close(fd);
	}
	for (i = 0; i < 300; i++) {
		left = conns_left();
		if (left == 0)
			break;
		usleep(100000);
	}
	ktest_result(left == 0, "every connection ended within 30 s of close (%d left)", left);
	if (left) {
		FILE *f = fopen("/proc/xtcp/conns", "r");
		char line[512];

		while (f && fgets(line, sizeof(line), f))
			printf("# %s", line);
		if (f)
			fclose(f);
	}
	return ktest_failed ? 1 : 0;
}
