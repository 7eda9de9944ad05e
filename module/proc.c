// SPDX-License-Identifier: GPL-2.0
/*
 * /proc views. Each network namespace has /proc/net/xtcp; /proc/xtcp is a
 * link to /proc/self/net/xtcp, so (like /proc/net) a reader always sees the
 * namespace it lives in.
 */
#include <linux/proc_fs.h>
#include <net/net_namespace.h>

#include "xtcp/xtcp.h"

static struct proc_dir_entry *xtcp_proc_link;

int xtcp_proc_init_net(struct net *net)
{
	struct xtcp_net *xn = xtcp_net(net);

	xn->proc_dir = proc_net_mkdir(net, "xtcp", net->proc_net);
	if (!xn->proc_dir)
		return -ENOMEM;
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
