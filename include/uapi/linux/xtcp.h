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
#include <linux/in.h>

/* 22 is AF_SNA's number, which no in-tree code has ever registered. */
#define AF_XTCP		22
#define PF_XTCP		AF_XTCP

/* RFC 3692 experimental protocol number: segments travel directly in IP. */
#define IPPROTO_XTCP	253

#define XTCP_SYSFS_FAMILY	"/sys/module/xtcp/parameters/family"
#define XTCP_SYSFS_IPPROTO	"/sys/module/xtcp/parameters/ipproto"

/*
 * An xtcp address: laid out like struct sockaddr_in (family, port, IPv4
 * address, padding to 16 bytes), so code written for TCP ports by changing
 * the type and the family. sxtcp_family is the family number in force.
 */
struct sockaddr_xtcp {
	__kernel_sa_family_t	sxtcp_family;
	__be16			sxtcp_port;
	struct in_addr		sxtcp_addr;
	unsigned char		__pad[8];
};

/*
 * Connection states (RFC 9293 section 3.3.2), numbered as Linux numbers
 * TCP's, so /proc/xtcp/conns reads like /proc/net/tcp.
 */
enum {
	XTCP_ESTABLISHED = 1,
	XTCP_SYN_SENT,
	XTCP_SYN_RECV,
	XTCP_FIN_WAIT1,
	XTCP_FIN_WAIT2,
	XTCP_TIME_WAIT,
	XTCP_CLOSE,
	XTCP_CLOSE_WAIT,
	XTCP_LAST_ACK,
	XTCP_LISTEN,
	XTCP_CLOSING,
	XTCP_MAX_STATES
};

/* Socket options at level SOL_XTCP (xtcp's IP protocol number in force). */
#define SOL_XTCP		IPPROTO_XTCP
#define XTCP_KEEPIDLE		4	/* seconds idle before the first probe */
#define XTCP_KEEPINTVL		5	/* seconds between probes */
#define XTCP_KEEPCNT		6	/* unanswered probes before dropping */
#define XTCP_MAXSEG		2	/* the MSS in use (read only) */

#endif /* _UAPI_LINUX_XTCP_H */
