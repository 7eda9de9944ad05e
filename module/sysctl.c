// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sys/net/xtcp/, per network namespace. Each value has a range; a
 * write outside it fails with EINVAL and the old value stays.
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "xtcp/cong.h"
#include "xtcp/mem.h"
#include "xtcp/xtcp.h"

static int xtcp_one = 1;
static int xtcp_msl_max = 600000;		/* ms: 10 minutes */
static int xtcp_fin_timeout_max = 600000;	/* ms */
static int xtcp_retries_max = 127;
static int xtcp_keepalive_max = 32767;		/* s, as TCP's MAX_TCP_KEEPIDLE */
static int xtcp_backlog_max = 65535;
static int xtcp_rto_max_min = 1000;		/* ms, as Linux's tcp_rto_max_ms */
static int xtcp_rto_max_max = 120000;
static int xtcp_delack_max = 500;		/* ms: RFC 1122 4.2.3.2's limit */
static int xtcp_mem_min = 4096;			/* bytes: tcp_wmem's smallest */
static int xtcp_mem_max = INT_MAX / 2;		/* so rcvbuf + sndbuf fits an int */
static int xtcp_int_max = INT_MAX;

#ifdef XTCP_HAVE_CONST_CTL_TABLE
#define xtcp_ctl_table const struct ctl_table
#else
#define xtcp_ctl_table struct ctl_table
#endif

static DEFINE_MUTEX(xtcp_mem_mutex);

/*
 * wmem and rmem: "min default max", like tcp_wmem and tcp_rmem, each value
 * in [4096, INT_MAX/2]; mem: "low pressure high" in pages, each in
 * [1, INT_MAX/2]. In order, or EINVAL and the old triple stays whole.
 */
static int xtcp_proc_mem(xtcp_ctl_table *table, int write, void *buffer,
			 size_t *lenp, loff_t *ppos)
{
	int *mem = table->data, vals[3], i, err;
	struct ctl_table tmp = *table;

	mutex_lock(&xtcp_mem_mutex);
	for (i = 0; i < 3; i++)
		vals[i] = READ_ONCE(mem[i]);
	tmp.data = vals;
	err = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (!err && write) {
		if (vals[XTCP_MEM_MIN] > vals[XTCP_MEM_DEFAULT] ||
		    vals[XTCP_MEM_DEFAULT] > vals[XTCP_MEM_MAX])
			err = -EINVAL;
		for (i = 0; i < 3 && !err; i++)
			WRITE_ONCE(mem[i], vals[i]);
	}
	mutex_unlock(&xtcp_mem_mutex);
	return err;
}

/*
 * congestion_control: the algorithm new sockets take, by name, as
 * tcp_congestion_control (an unknown name is ENOENT, the old one stays);
 * available_congestion_control: the names there are, read only.
 */
static int xtcp_proc_cc(xtcp_ctl_table *table, int write, void *buffer,
			size_t *lenp, loff_t *ppos)
{
	const struct xtcp_cc_ops **cur = table->data, *ops;
	char name[XTCP_CC_NAME_MAX];
	struct ctl_table tmp = { .data = name, .maxlen = sizeof(name) };
	int err;

	strscpy(name, READ_ONCE(*cur)->name, sizeof(name));
	err = proc_dostring(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	ops = xtcp_cc_find(name);
	if (!ops)
		return -ENOENT;
	WRITE_ONCE(*cur, ops);
	return 0;
}

static int xtcp_proc_cc_available(xtcp_ctl_table *table, int write, void *buffer,
				  size_t *lenp, loff_t *ppos)
{
	char names[64];
	struct ctl_table tmp = { .data = names, .maxlen = sizeof(names) };

	xtcp_cc_available(names, sizeof(names));
	return proc_dostring(&tmp, write, buffer, lenp, ppos);
}

/* The algorithm a new socket of net takes. */
const struct xtcp_cc_ops *xtcp_cc_default(struct net *net)
{
	return READ_ONCE(xtcp_net(net)->cc_default);
}

#define XTCP_SYSCTL_RANGE(name, field, minp, maxp) {			\
	.procname = name,						\
	.data = (void *)offsetof(struct xtcp_net, field),		\
	.maxlen = sizeof(int),						\
	.mode = 0644,							\
	.proc_handler = proc_dointvec_minmax,				\
	.extra1 = minp,							\
	.extra2 = maxp,							\
}

#define XTCP_SYSCTL_MEM(name, field) {				\
	.procname = name,						\
	.data = (void *)offsetof(struct xtcp_net, field),		\
	.maxlen = sizeof(int[3]),					\
	.mode = 0644,							\
	.proc_handler = xtcp_proc_mem,					\
	.extra1 = &xtcp_mem_min,					\
	.extra2 = &xtcp_mem_max,					\
}

#define XTCP_SYSCTL(name, field, maxp) XTCP_SYSCTL_RANGE(name, field, &xtcp_one, maxp)

static struct ctl_table xtcp_sysctl_template[] = {
	XTCP_SYSCTL("msl_ms", msl_ms, &xtcp_msl_max),
	XTCP_SYSCTL("fin_timeout_ms", fin_timeout_ms, &xtcp_fin_timeout_max),
	XTCP_SYSCTL("syn_retries", syn_retries, &xtcp_retries_max),
	XTCP_SYSCTL("synack_retries", synack_retries, &xtcp_retries_max),
	XTCP_SYSCTL("retries2", retries2, &xtcp_retries_max),
	XTCP_SYSCTL("keepalive_time", keepalive_time_s, &xtcp_keepalive_max),
	XTCP_SYSCTL("keepalive_intvl", keepalive_intvl_s, &xtcp_keepalive_max),
	XTCP_SYSCTL("keepalive_probes", keepalive_probes, &xtcp_retries_max),
	XTCP_SYSCTL("max_syn_backlog", max_syn_backlog, &xtcp_backlog_max),
	XTCP_SYSCTL("rto_min_ms", rto_min_ms, &xtcp_rto_max_max),
	XTCP_SYSCTL_RANGE("rto_max_ms", rto_max_ms, &xtcp_rto_max_min, &xtcp_rto_max_max),
	XTCP_SYSCTL_RANGE("window_scaling", window_scaling, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_SYSCTL_RANGE("sack", sack, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_SYSCTL_RANGE("dsack", dsack, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_SYSCTL_RANGE("timestamps", timestamps, SYSCTL_ZERO, SYSCTL_TWO),
	XTCP_SYSCTL_RANGE("recovery", recovery, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_SYSCTL_RANGE("early_retrans", early_retrans, SYSCTL_ZERO, SYSCTL_FOUR),
	XTCP_SYSCTL_RANGE("delayed_ack_ms", delayed_ack_ms, SYSCTL_ZERO, &xtcp_delack_max),
	XTCP_SYSCTL_MEM("wmem", wmem),
	XTCP_SYSCTL_MEM("rmem", rmem),
	{
		.procname = "mem",
		.data = (void *)offsetof(struct xtcp_net, mem),
		.maxlen = sizeof(int[3]),
		.mode = 0644,
		.proc_handler = xtcp_proc_mem,
		.extra1 = SYSCTL_ONE,
		.extra2 = &xtcp_mem_max,
	},
	XTCP_SYSCTL("challenge_ack_limit", challenge_ack_limit, &xtcp_int_max),
	XTCP_SYSCTL_RANGE("max_tw_buckets", max_tw_buckets, SYSCTL_ZERO, &xtcp_int_max),
	XTCP_SYSCTL_RANGE("tw_history", tw_history, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_SYSCTL_RANGE("max_orphans", max_orphans, SYSCTL_ZERO, &xtcp_int_max),
	XTCP_SYSCTL_RANGE("syncookies", syncookies, SYSCTL_ZERO, SYSCTL_TWO),
	{
		.procname = "congestion_control",
		.data = (void *)offsetof(struct xtcp_net, cc_default),
		.maxlen = XTCP_CC_NAME_MAX,
		.mode = 0644,
		.proc_handler = xtcp_proc_cc,
	},
	{
		.procname = "available_congestion_control",
		.maxlen = 64,
		.mode = 0444,
		.proc_handler = xtcp_proc_cc_available,
	},
	{}	/* 6.1 wants a sentinel; 6.12 is told the count instead */
};

int xtcp_sysctl_init_net(struct net *net)
{
	struct xtcp_net *xn = xtcp_net(net);
	struct ctl_table *table;
	size_t i, n = ARRAY_SIZE(xtcp_sysctl_template) - 1;

	/* Linux TCP's defaults: MSL 30 s (TIME_WAIT 60 s), fin_timeout 60 s. */
	xn->msl_ms = 30000;
	xn->fin_timeout_ms = 60000;
	xn->syn_retries = 6;
	xn->synack_retries = 5;
	xn->retries2 = 15;
	xn->keepalive_time_s = 7200;
	xn->keepalive_intvl_s = 75;
	xn->keepalive_probes = 9;
	xn->max_syn_backlog = 4096;
	xn->rto_min_ms = 200;
	xn->rto_max_ms = 120000;
	xn->window_scaling = 1;
	xn->sack = 1;
	xn->dsack = 1;
	xn->timestamps = 1;
	xn->recovery = 1;
	xn->early_retrans = 3;
	xn->cc_default = &xtcp_cubic_ops;	/* as Linux's default */
	xn->delayed_ack_ms = 40;	/* Linux's TCP_ATO_MIN */
	/*
	 * Linux's tcp_wmem/tcp_rmem minimum and maximum; the default is the
	 * socket core's (net.core.wmem_default), from which autotuning grows
	 * a buffer toward the maximum (window.c, as tcp_rcv_space_adjust()).
	 */
	xn->wmem[XTCP_MEM_MIN] = 4096;
	xn->wmem[XTCP_MEM_DEFAULT] = 212992;
	xn->wmem[XTCP_MEM_MAX] = 4194304;
	xn->rmem[XTCP_MEM_MIN] = 4096;
	xn->rmem[XTCP_MEM_DEFAULT] = 212992;
	xn->rmem[XTCP_MEM_MAX] = 6291456;
	/*
	 * Linux 6.12's: no namespace-wide challenge ACK limit unless asked
	 * (the per-socket one stays; a shared count told an off-path observer
	 * of connections, CVE-2016-5696); TIME_WAIT entries and orphans as
	 * Linux sizes them for an established hash of 512k buckets.
	 */
	xn->challenge_ack_limit = INT_MAX;
	xn->max_tw_buckets = 262144;
	xn->max_orphans = 262144;
	xn->tw_history = 0;		/* TIME_WAIT stays small unless asked */
	xn->syncookies = 1;		/* as Linux: cookies once the SYN queue is full */
	xtcp_mem_init_net(xn);

	table = kmemdup(xtcp_sysctl_template, sizeof(xtcp_sysctl_template), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	/* The template's .data are offsets into struct xtcp_net. */
	for (i = 0; i < n; i++)
		table[i].data = (char *)xn + (uintptr_t)table[i].data;
#ifdef register_net_sysctl
	xn->sysctl = register_net_sysctl_sz(net, "net/xtcp", table, n);
#else
	xn->sysctl = register_net_sysctl(net, "net/xtcp", table);
#endif
	if (!xn->sysctl) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

void xtcp_sysctl_exit_net(struct net *net)
{
	struct xtcp_net *xn = xtcp_net(net);
	const struct ctl_table *table = xn->sysctl->ctl_table_arg;

	unregister_net_sysctl_table(xn->sysctl);
	kfree(table);
}
