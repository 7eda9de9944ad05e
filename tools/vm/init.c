// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the test VM, linked statically into a tiny initramfs.
 *
 * It loads the modules packed in /modules (the stock kernel needs virtio and
 * 9p as modules), mounts the host's root read-only over 9p at /host, gives
 * the job the usual pseudo filesystems and tmpfs where writes are needed
 * (/tmp, /run, /var/tmp), brings back the host's paths the job needs if a
 * tmpfs hid them (the project may well live in /tmp), mounts the job
 * directory writable at its own path, and runs bash JOBDIR/job.sh chrooted
 * into /host on the second serial port.
 *
 * When the job exits, and only then, its status is written to JOBDIR/status.
 * A panic, a hang or a crash never writes it, so the host cannot mistake
 * any of them for success.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("xtcp-vm-init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void kmsg(const char *line)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		dprintf(fd, "%s\n", line);
		close(fd);
	}
}

static void power_off(void)
{
	sync();
	/* QEMU runs with -no-reboot: a reboot ends it. */
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void fail(const char *what)
{
	say("%s: %s", what, strerror(errno));
	power_off();
}

static void mount_or_fail(const char *src, const char *dst, const char *type,
			  unsigned long flags, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, data) < 0) {
		say("mount %s on %s (%s): %s", src, dst, type, strerror(errno));
		power_off();
	}
}

/*
 * Modules probe their devices asynchronously: the 9p channel may appear a
 * moment after virtio-pci loads. Wait for it, for 10 s at most.
 */
static void mount_host_root(void)
{
	int tries;

	mkdir("/host", 0755);
	for (tries = 0; tries < 100; tries++) {
		if (mount("hostroot", "/host", "9p", MS_RDONLY,
			  "trans=virtio,version=9p2000.L,msize=262144,cache=loose") == 0)
			return;
		if (errno != ENODEV && errno != ENOENT)
			break;
		usleep(100 * 1000);
	}
	fail("mount hostroot on /host (9p)");
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Load each module in /modules in name order: the host numbered them by dependency. */
static void load_modules(void)
{
	struct dirent **names;
	int n, i;

	n = scandir("/modules", &names, NULL, by_name);
	for (i = 0; i < n; i++) {
		char path[512];
		int fd;

		if (names[i]->d_name[0] == '.')
			goto next;
		snprintf(path, sizeof(path), "/modules/%s", names[i]->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fail(path);
		if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
			fail(path);
		close(fd);
next:
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static void write_status(const char *jobdir, int status)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "/host%s/status", jobdir);
	f = fopen(path, "w");
	if (!f)
		fail(path);
	if (WIFEXITED(status))
		fprintf(f, "%d\n", WEXITSTATUS(status));
	else
		fprintf(f, "%d\n", 128 + WTERMSIG(status));
	if (fclose(f) != 0)
		fail(path);
}

static void run_job(const char *jobdir, int tty)
{
	char script[4096];
	char *argv[] = { "bash", script, NULL };
	char *envp[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/tmp/home", "TERM=linux", "LANG=C.UTF-8", "XTCP_VM=1", NULL,
	};
	struct termios t;
	int fd;

	snprintf(script, sizeof(script), "%s/job.sh", jobdir);
	setsid();
	/* The job's own serial port: opening it makes it the controlling tty. */
	fd = open("/host/dev/ttyS1", O_RDWR);
	if (fd < 0)
		fail("/dev/ttyS1");
	if (tcgetattr(fd, &t) == 0) {
		if (!tty) {
			/* Output goes to a pipe or a file: no echo, no CR added. */
			t.c_lflag &= ~(ECHO | ECHONL | ICANON);
			t.c_oflag &= ~OPOST;
		}
		tcsetattr(fd, TCSANOW, &t);
	}
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	if (chroot("/host") < 0 || chdir("/") < 0)
		fail("chroot /host");
	execve("/bin/bash", argv, envp);
	fail("/bin/bash");
}

/* The directories that get a fresh tmpfs inside the VM. */
static const char * const scratch_dirs[] = { "/tmp", "/run", "/var/tmp" };

static void mount_scratch(void)
{
	char path[4096];
	size_t i;

	/* A bind mount of /host alone: it still shows what tmpfs will hide. */
	mount_or_fail("/host", "/hostsave", NULL, MS_BIND, NULL);
	for (i = 0; i < sizeof(scratch_dirs) / sizeof(scratch_dirs[0]); i++) {
		snprintf(path, sizeof(path), "/host%s", scratch_dirs[i]);
		mount_or_fail("tmpfs", path, "tmpfs", 0, "mode=1777");
	}
	mkdir("/host/tmp/home", 0700);
}

static void mkdir_p(const char *path)
{
	char buf[4096];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

/* If a scratch tmpfs hides host path p, bind the host's copy back in place. */
static void keep_path(const char *p)
{
	char from[4096], to[4096];
	size_t i, n;

	for (i = 0; i < sizeof(scratch_dirs) / sizeof(scratch_dirs[0]); i++) {
		n = strlen(scratch_dirs[i]);
		if (strncmp(p, scratch_dirs[i], n) == 0 && (p[n] == '/' || !p[n]))
			break;
	}
	if (i == sizeof(scratch_dirs) / sizeof(scratch_dirs[0]))
		return;
	snprintf(from, sizeof(from), "/hostsave%s", p);
	snprintf(to, sizeof(to), "/host%s", p);
	mkdir_p(to);
	mount_or_fail(from, to, NULL, MS_BIND, NULL);
}

static void keep_paths(const char *list)
{
	char buf[4096];
	char *save, *p;

	if (!list)
		return;
	snprintf(buf, sizeof(buf), "%s", list);
	for (p = strtok_r(buf, ":", &save); p; p = strtok_r(NULL, ":", &save))
		if (p[0] == '/')
			keep_path(p);
}

int main(void)
{
	const char *jobdir = getenv("xtcpvm_job");
	const char *tty = getenv("xtcpvm_tty");
	char path[4096];
	pid_t job;
	int status = 0;

	mount_or_fail("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount_or_fail("proc", "/proc", "proc", 0, NULL);
	mount_or_fail("sysfs", "/sys", "sysfs", 0, NULL);
	if (!jobdir || strlen(jobdir) > 1024 || jobdir[0] != '/') {
		say("no xtcpvm_job=/path on the kernel command line");
		power_off();
	}
	load_modules();

	mount_host_root();
	mount_or_fail("proc", "/host/proc", "proc", 0, NULL);
	mount_or_fail("sysfs", "/host/sys", "sysfs", 0, NULL);
	mount_or_fail("debugfs", "/host/sys/kernel/debug", "debugfs", 0, NULL);
	mount("tracefs", "/host/sys/kernel/tracing", "tracefs", 0, NULL);
	mount_or_fail("devtmpfs", "/host/dev", "devtmpfs", 0, NULL);
	/* What udev would add: bash's process substitution needs /dev/fd. */
	symlink("/proc/self/fd", "/host/dev/fd");
	symlink("/proc/self/fd/0", "/host/dev/stdin");
	symlink("/proc/self/fd/1", "/host/dev/stdout");
	symlink("/proc/self/fd/2", "/host/dev/stderr");
	mount_or_fail("devpts", "/host/dev/pts", "devpts", 0, "ptmxmode=0666");
	mount_or_fail("tmpfs", "/host/dev/shm", "tmpfs", 0, NULL);
	mount_scratch();
	keep_paths(getenv("xtcpvm_keep"));
	snprintf(path, sizeof(path), "/host%s", jobdir);
	mkdir_p(path);
	mount_or_fail("job", path, "9p", 0,
		      "trans=virtio,version=9p2000.L,msize=262144");

	/* Boot is over: what the console shows from here on is the job's. */
	kmsg("xtcp-vm: job started");
	job = fork();
	if (job < 0)
		fail("fork");
	if (job == 0)
		run_job(jobdir, tty && tty[0] == '1');

	/* PID 1 reaps every orphan until the job itself is done. */
	for (;;) {
		pid_t pid = wait(&status);

		if (pid == job)
			break;
		if (pid < 0 && errno != EINTR)
			fail("wait");
	}
	kill(-1, SIGKILL);
	while (wait(NULL) > 0)
		;
	write_status(jobdir, status);
	power_off();
	return 0;
}
