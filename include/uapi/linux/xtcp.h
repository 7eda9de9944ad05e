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

/*
 * The states' names as /proc/xtcp and the tools print them, indexed by
 * state number: const char *names[XTCP_MAX_STATES] = XTCP_STATE_NAMES;
 * the kernel and every tool take them from here.
 */
#define XTCP_STATE_NAMES {						\
	"UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",	\
	"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",	\
	"LISTEN", "CLOSING",						\
}

/* Socket options at level SOL_XTCP (xtcp's IP protocol number in force). */
#define SOL_XTCP		IPPROTO_XTCP
#define XTCP_NODELAY		1	/* no Nagle: small segments go at once */
#define XTCP_CORK		3	/* hold partial segments until uncorked */
#define XTCP_KEEPIDLE		4	/* seconds idle before the first probe */
#define XTCP_KEEPINTVL		5	/* seconds between probes */
#define XTCP_KEEPCNT		6	/* unanswered probes before dropping */
#define XTCP_MAXSEG		2	/* the MSS in use (read only) */
#define XTCP_INFO		11	/* struct xtcp_info (read only) */
#define XTCP_CONGESTION		13	/* the congestion control, by name ("cubic", "reno") */

/* struct xtcp_info's cc: the congestion control in use. */
#define XTCP_CC_RENO		0
#define XTCP_CC_CUBIC		1

/*
 * getsockopt(fd, SOL_XTCP, XTCP_INFO, &info, &len): a connection's numbers,
 * as TCP_INFO gives TCP's. The kernel copies min(len, sizeof) bytes and
 * sets len; fields are only ever added at the end. /proc/xtcp/info shows
 * the same numbers for every socket of the namespace.
 */
struct xtcp_info {
	__u8	state;		/* XTCP_ESTABLISHED, ... */
	__u8	retransmits;	/* RTO expiries since the last new ACK */
	__u16	mss;		/* bytes of payload per segment, at most */
	__u32	rto_us;		/* retransmission timeout, backoff included */
	__u32	srtt_us;	/* smoothed round-trip time (RFC 6298); 0: none yet */
	__u32	rttvar_us;	/* its variation */
	__u32	snd_wnd;	/* the peer's window */
	__u32	rcv_wnd;	/* ours, as last advertised */
	__u32	unacked;	/* bytes (and SYN/FIN) sent, not yet acknowledged */
	__u32	total_retrans;	/* segments retransmitted over the connection's life */
	__u64	bytes_sent;	/* payload transmitted, retransmissions included */
	__u64	bytes_acked;	/* payload the peer acknowledged */
	__u64	bytes_received;	/* payload received in order */
	__u64	segs_in;	/* segments the connection processed */
	__u64	segs_out;	/* segments it sent */
	__u32	snd_cwnd;	/* congestion window, bytes (NewReno, RFC 5681) */
	__u32	snd_ssthresh;	/* slow start threshold, bytes; 4294967295: not yet set */
	__u32	lost;		/* bytes taken as lost at an RTO, not yet sent again */
	__u32	ca_state;	/* 0 open, 1 recovery (RFC 6582, RFC 6675), 2 loss (after an RTO) */
	__u8	snd_wscale;	/* shift of the peer's window (RFC 7323); 0: not scaled */
	__u8	rcv_wscale;	/* shift of ours */
	__u16	__pad;
	__u32	ato_us;		/* the longest an ACK for in-order data waits; 0: never */
	__u32	sacked;		/* bytes in flight the peer holds, SACKed (RFC 2018) */
	__u32	retrans;	/* bytes taken as lost and sent again, not yet acknowledged */
	__u32	reordering;	/* segments of reordering seen: SACK's loss threshold, 3 at first */
	__u32	dsacks;		/* DSACKs received: data the peer got twice (RFC 2883) */
	__u32	undos;		/* congestion reductions undone as spurious (RFC 3708) */
	__u32	tlps;		/* tail loss probes sent (RFC 8985 7) */
	__u8	sack;		/* 1: SACK in use (both SYNs offered it) */
	__u8	cc;		/* the congestion control: XTCP_CC_RENO, XTCP_CC_CUBIC */
	__u8	timestamps;	/* 1: RFC 7323 timestamps in use (both SYNs had them) */
	__u8	__pad3;
	__u32	min_rtt_us;	/* the least round trip measured (as tcpi_min_rtt); 0: none */
};

#endif /* _UAPI_LINUX_XTCP_H */
