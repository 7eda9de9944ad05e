// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp module entry: parameters, per-namespace state, and registration with
 * the socket layer and IP, in that order, unwound in reverse on failure.
 */
#include <kunit/visibility.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/socket.h>
#include <net/netns/generic.h>

#include "xtcp/input.h"
#include "xtcp/offload.h"
#include "xtcp/request.h"
#include "xtcp/sock.h"
#include "xtcp/syncookies.h"
#include "xtcp/table.h"
#include "xtcp/timers.h"
#include "xtcp/timewait.h"

#define CREATE_TRACE_POINTS
#include "xtcp/trace.h"

int xtcp_family = AF_XTCP;
EXPORT_SYMBOL_IF_KUNIT(xtcp_family);
module_param_named(family, xtcp_family, int, 0444);
MODULE_PARM_DESC(family, "address family number (default 22, a number no in-tree code registers)");

int xtcp_ipproto = IPPROTO_XTCP;
EXPORT_SYMBOL_IF_KUNIT(xtcp_ipproto);
module_param_named(ipproto, xtcp_ipproto, int, 0444);
MODULE_PARM_DESC(ipproto, "IP protocol number of xtcp segments (default 253, RFC 3692)");

unsigned int xtcp_net_id __read_mostly;
EXPORT_SYMBOL_IF_KUNIT(xtcp_net_id);

/* A counter: the sum of every CPU's (snmp_fold_field()). */
unsigned long xtcp_mib_read(const struct xtcp_net *xn, enum xtcp_mib field)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(xn->mib, cpu)->v[field];
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_mib_read);

static int __net_init xtcp_init_net(struct net *net)
{
	struct xtcp_net *xn = xtcp_net(net);
	int err;

	xtcp_tw_timers_init_net(xn);
	xn->mib = alloc_percpu(struct xtcp_mib_cpu);
	if (!xn->mib)
		return -ENOMEM;
	err = xtcp_sysctl_init_net(net);
	if (err)
		goto err_mib;
	err = xtcp_proc_init_net(net);
	if (err)
		goto err_sysctl;
	return 0;

err_sysctl:
	xtcp_sysctl_exit_net(net);
err_mib:
	free_percpu(xn->mib);
	return err;
}

static void __net_exit xtcp_exit_net(struct net *net)
{
	/* Live sockets hold their namespace; TIME_WAIT entries do not. */
	xtcp_tw_flush(net);
	xtcp_tw_timers_exit_net(xtcp_net(net));
	xtcp_proc_exit_net(net);
	xtcp_sysctl_exit_net(net);
	free_percpu(xtcp_net(net)->mib);
}

static struct pernet_operations xtcp_net_ops = {
	.init = xtcp_init_net,
	.exit = xtcp_exit_net,
	.id = &xtcp_net_id,
	.size = sizeof(struct xtcp_net),
};

static int __init xtcp_init(void)
{
	int err;

	if (xtcp_family <= 0 || xtcp_family >= NPROTO) {
		pr_err("xtcp: family=%d is outside 1..%d\n", xtcp_family, NPROTO - 1);
		return -EINVAL;
	}
	if (xtcp_ipproto <= 0 || xtcp_ipproto >= MAX_INET_PROTOS) {
		pr_err("xtcp: ipproto=%d is outside 1..%d\n", xtcp_ipproto,
		       MAX_INET_PROTOS - 1);
		return -EINVAL;
	}
	xtcp_family_ops.family = xtcp_family;
	xtcp_isn_init();
	xtcp_cookie_init();
	xtcp_table_init();

	err = xtcp_tw_init();
	if (err)
		return err;
	err = xtcp_req_init();
	if (err)
		goto err_tw;
	err = proto_register(&xtcp_prot, 1);
	if (err)
		goto err_req;
	err = xtcp_proc_init();
	if (err)
		goto err_proto;
	err = register_pernet_subsys(&xtcp_net_ops);
	if (err)
		goto err_proc;
	err = sock_register(&xtcp_family_ops);
	if (err) {
		pr_err("xtcp: address family %d is taken (%d); load with family=N\n",
		       xtcp_family, err);
		goto err_pernet;
	}
	if (xtcp_offload_init() < 0 || inet_add_protocol(&xtcp_net_protocol, xtcp_ipproto) < 0) {
		pr_err("xtcp: IP protocol %d is taken; load with ipproto=N\n",
		       xtcp_ipproto);
		err = -EBUSY;
		goto err_offload;
	}
	pr_info("xtcp: loaded (family %d, IP protocol %d)\n", xtcp_family,
		xtcp_ipproto);
	return 0;

err_offload:
	xtcp_offload_exit();
	sock_unregister(xtcp_family);
err_pernet:
	unregister_pernet_subsys(&xtcp_net_ops);
err_proc:
	xtcp_proc_exit();
err_proto:
	proto_unregister(&xtcp_prot);
err_req:
	xtcp_req_exit();
err_tw:
	xtcp_tw_exit();
	return err;
}

static void __exit xtcp_exit(void)
{
	/* Waits for readers of the slot: no segment is inside xtcp after it. */
	inet_del_protocol(&xtcp_net_protocol, xtcp_ipproto);
	xtcp_offload_exit();
	sock_unregister(xtcp_family);
	unregister_pernet_subsys(&xtcp_net_ops);
	xtcp_proc_exit();
	proto_unregister(&xtcp_prot);
	xtcp_req_exit();
	xtcp_tw_exit();
	xtcp_table_exit();
}

module_init(xtcp_init);
module_exit(xtcp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xtcp: a TCP-like transport in its own address family");
MODULE_ALIAS_NETPROTO(AF_XTCP);
