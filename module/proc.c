// SPDX-License-Identifier: GPL-2.0
/*
 * /proc views. Each network namespace has /proc/net/xtcp; /proc/xtcp is a
 * link to /proc/self/net/xtcp, so (like /proc/net) a reader always sees the
 * namespace it lives in.
 *
 * /proc/xtcp/conns: a header line, then one line per socket and TIME_WAIT
 * entry: local address:port, remote address:port, state name, send-queue
 * and receive-queue bytes, uid and inode.
 *
 * /proc/xtcp/stats: the namespace's counters, "Name value" per line.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "xtcp/xtcp.h"

static struct proc_dir_entry *xtcp_proc_link;

static void xtcp_conns_line(struct seq_file *seq, struct sock *sk, struct xtcp_tw *tw)
{
	__be32 laddr, raddr;
	u16 lport, rport;
	int state, sendq = 0, recvq = 0;
	unsigned long ino = 0;
	uid_t uid = 0;

	if (sk) {
		laddr = sk->sk_rcv_saddr;
		raddr = sk->sk_daddr;
		lport = sk->sk_num;
		rport = ntohs(sk->sk_dport);
		state = READ_ONCE(sk->sk_state);
		sendq = READ_ONCE(sk->sk_wmem_queued);
		recvq = atomic_read(&sk->sk_rmem_alloc);
		if (state == XTCP_LISTEN)
			recvq = READ_ONCE(xtcp_sk(sk)->accept_queue_len);
		uid = from_kuid_munged(seq_user_ns(seq), sk->sk_uid);
		ino = sk->sk_socket ? SOCK_INODE(sk->sk_socket)->i_ino : 0;
	} else {
		laddr = tw->saddr;
		raddr = tw->daddr;
		lport = ntohs(tw->sport);
		rport = ntohs(tw->dport);
		state = XTCP_TIME_WAIT;
	}
	seq_printf(seq, "%pI4:%-5u %pI4:%-5u %-11s %7d %7d %5u %8lu\n",
		   &laddr, lport, &raddr, rport, xtcp_state_name(state),
		   sendq, recvq, uid, ino);
}

const char * const xtcp_mib_names[XTCP_MIB_MAX] = {
	[XTCP_MIB_ACTIVE_OPENS]		= "ActiveOpens",
	[XTCP_MIB_PASSIVE_OPENS]	= "PassiveOpens",
	[XTCP_MIB_ATTEMPT_FAILS]	= "AttemptFails",
	[XTCP_MIB_ESTAB_RESETS]		= "EstabResets",
	[XTCP_MIB_IN_SEGS]		= "InSegs",
	[XTCP_MIB_OUT_SEGS]		= "OutSegs",
	[XTCP_MIB_RETRANS_SEGS]		= "RetransSegs",
	[XTCP_MIB_IN_ERR_SHORT]		= "InErrShort",
	[XTCP_MIB_IN_ERR_DOFF]		= "InErrDataOffset",
	[XTCP_MIB_IN_ERR_OPTION]	= "InErrOption",
	[XTCP_MIB_IN_ERR_FLAGS]		= "InErrFlags",
	[XTCP_MIB_IN_ERR_CSUM]		= "InErrChecksum",
	[XTCP_MIB_OUT_RSTS]		= "OutRsts",
	[XTCP_MIB_IN_RSTS]		= "InRsts",
	[XTCP_MIB_CHALLENGE_ACKS]	= "ChallengeACKs",
	[XTCP_MIB_LISTEN_DROPS]		= "ListenDrops",
	[XTCP_MIB_TIME_WAIT]		= "TimeWaits",
	[XTCP_MIB_TIME_WAIT_RECYCLED]	= "TimeWaitRecycled",
	[XTCP_MIB_KEEPALIVE_DROPS]	= "KeepaliveDrops",
	[XTCP_MIB_TIMEOUTS]		= "Timeouts",
};

/* /proc/xtcp/stats: one "Name value" line per counter. */
static int xtcp_stats_show(struct seq_file *seq, void *v)
{
	struct xtcp_net *xn = xtcp_net(seq_file_single_net(seq));
	int i;

	for (i = 0; i < XTCP_MIB_MAX; i++)
		seq_printf(seq, "%s %ld\n", xtcp_mib_names[i], atomic_long_read(&xn->mib[i]));
	return 0;
}

static int xtcp_conns_show(struct seq_file *seq, void *v)
{
	seq_puts(seq, "local remote state send-q recv-q uid inode\n");
	xtcp_table_walk(seq_file_single_net(seq), seq, xtcp_conns_line);
	return 0;
}

int xtcp_proc_init_net(struct net *net)
{
	struct xtcp_net *xn = xtcp_net(net);

	xn->proc_dir = proc_net_mkdir(net, "xtcp", net->proc_net);
	if (!xn->proc_dir)
		return -ENOMEM;
	if (!proc_create_net_single("conns", 0444, xn->proc_dir, xtcp_conns_show, NULL) ||
	    !proc_create_net_single("stats", 0444, xn->proc_dir, xtcp_stats_show, NULL)) {
		remove_proc_subtree("xtcp", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void xtcp_proc_exit_net(struct net *net)
{
	remove_proc_subtree("xtcp", net->proc_net);
}

int xtcp_proc_init(void)
{
	xtcp_proc_link = proc_symlink("xtcp", NULL, "self/net/xtcp");
	if (!xtcp_proc_link)
		return -ENOMEM;
	return 0;
}

void xtcp_proc_exit(void)
{
	proc_remove(xtcp_proc_link);
}
