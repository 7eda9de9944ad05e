/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bind, connection, request and TIME_WAIT tables (table.c), and the
 * iterator /proc walks them with.
 */
#ifndef _XTCP_TABLE_H
#define _XTCP_TABLE_H

#include <linux/list_nulls.h>
#include <linux/seq_file_net.h>
#include <linux/types.h>

struct net;
struct sock;
struct xtcp_req;
struct xtcp_tw;

int xtcp_table_init(void);
void xtcp_table_exit(void);
int xtcp_bind_port(struct sock *sk, u16 port, bool reuse);
void xtcp_unbind(struct sock *sk);
int xtcp_port_again(struct sock *sk, bool listen);
bool xtcp_tuple_in_use(struct sock *sk);
void xtcp_hash_conn(struct sock *sk);
void xtcp_unhash_conn(struct sock *sk);
struct sock *xtcp_lookup_conn(struct net *net, __be32 saddr, __be16 sport,
			      __be32 daddr, __be16 dport);
struct sock *xtcp_lookup_listener(struct net *net, __be32 daddr, __be16 dport);
struct xtcp_req *xtcp_req_lookup(struct net *net, __be32 saddr, __be16 sport,
				 __be32 daddr, __be16 dport);
void xtcp_req_hash(struct xtcp_req *req);
bool xtcp_req_unhash(struct xtcp_req *req);
struct xtcp_tw *xtcp_tw_lookup(struct net *net, __be32 saddr, __be16 sport,
			       __be32 daddr, __be16 dport);
void xtcp_tw_hash(struct xtcp_tw *tw);
bool xtcp_tw_unhash(struct xtcp_tw *tw);
void xtcp_tw_flush(struct net *net);

/* A /proc reader's place in the tables, kept between reads (seq->private). */
struct xtcp_table_iter {
	struct seq_net_private p;	/* first: seq_file_net() reads it */
	struct seq_file *seq;
	struct hlist_nulls_node *node;	/* valid only between start and stop */
	int bucket;
	int list;
	int offset;			/* matches before node in its list */
	loff_t last_pos;
};

void *xtcp_table_seq_start(struct seq_file *seq, loff_t *pos);
void *xtcp_table_seq_next(struct seq_file *seq, void *v, loff_t *pos);
void xtcp_table_seq_stop(struct seq_file *seq, void *v);
/* What the iterator is at: one of the three is set. */
struct xtcp_table_entry {
	struct sock *sk;
	struct xtcp_req *req;
	struct xtcp_tw *tw;
};

void xtcp_table_iter_entry(const struct xtcp_table_iter *it, struct xtcp_table_entry *e);

#endif /* _XTCP_TABLE_H */
