/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * xtcp: a TCP-like transport in its own address family.
 *
 * The family and the IP protocol number are module parameters. The values
 * below are the defaults; a program should read the numbers in force from
 * /sys/module/xtcp/parameters/family and .../ipproto (tools/lib/xtcp_user.h
 * has a helper that does).
 */
#ifndef _UAPI_LINUX_XTCP_H
#define _UAPI_LINUX_XTCP_H

#include <linux/types.h>

/* 22 is AF_SNA's number, which no in-tree code has ever registered. */
#define AF_XTCP		22
#define PF_XTCP		AF_XTCP

/* RFC 3692 experimental protocol number: segments travel directly in IP. */
#define IPPROTO_XTCP	253

#define XTCP_SYSFS_FAMILY	"/sys/module/xtcp/parameters/family"
#define XTCP_SYSFS_IPPROTO	"/sys/module/xtcp/parameters/ipproto"

#endif /* _UAPI_LINUX_XTCP_H */
