/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace helpers for xtcp programs: the address family and IP protocol
 * number in force are module parameters, so read them instead of assuming
 * the defaults.
 */
#ifndef XTCP_USER_H
#define XTCP_USER_H

#include <stdio.h>
#include <linux/xtcp.h>

static inline int xtcp_read_param(const char *path, int fallback)
{
	FILE *f = fopen(path, "r");
	int value;

	if (!f)
		return fallback;
	if (fscanf(f, "%d", &value) != 1)
		value = fallback;
	fclose(f);
	return value;
}

/* The family number of the loaded module, or AF_XTCP if it is not loaded. */
static inline int xtcp_family(void)
{
	return xtcp_read_param(XTCP_SYSFS_FAMILY, AF_XTCP);
}

static inline int xtcp_ipproto(void)
{
	return xtcp_read_param(XTCP_SYSFS_IPPROTO, IPPROTO_XTCP);
}

#endif /* XTCP_USER_H */
