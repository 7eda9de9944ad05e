/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A few lines of test scaffolding for the C selftests: each check prints
 * "ok N - what" or "not ok N - what (why)", and ktest_exit() makes the exit
 * status 0 only if every check passed.
 */
#ifndef XTCP_KTEST_H
#define XTCP_KTEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ktest_count, ktest_failed;

static inline void ktest_result(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void ktest_result(int ok, const char *fmt, ...)
{
	va_list ap;

	ktest_count++;
	if (!ok)
		ktest_failed++;
	printf("%s %d - ", ok ? "ok" : "not ok", ktest_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Expect a call that returns -1 on failure to fail with errno want. */
#define KTEST_ERRNO(call, want, what)					\
	do {								\
		long __r = (long)(call);				\
		int __e = errno;					\
		if (__r == -1 && __e == (want))				\
			ktest_result(1, "%s: %s", what, strerror(want)); \
		else if (__r == -1)					\
			ktest_result(0, "%s: got %s, want %s", what,	\
				     strerror(__e), strerror(want));	\
		else							\
			ktest_result(0, "%s: succeeded, want %s", what,	\
				     strerror(want));			\
	} while (0)

/* Expect a call that returns -1 on failure to succeed. */
#define KTEST_OK(call, what)						\
	do {								\
		long __r = (long)(call);				\
		if (__r == -1)						\
			ktest_result(0, "%s: %s", what, strerror(errno)); \
		else							\
			ktest_result(1, "%s", what);			\
	} while (0)

static inline int ktest_exit(void)
{
	printf("# %d checks, %d failed\n", ktest_count, ktest_failed);
	return ktest_failed || !ktest_count ? 1 : 0;
}

#endif /* XTCP_KTEST_H */
