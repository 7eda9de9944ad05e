// SPDX-License-Identifier: GPL-2.0
/*
 * Who owns which ports and connections: the bind table (by local port), the
 * connection table (by 4-tuple), the request table (SYN_RECV, by 4-tuple)
 * and the TIME_WAIT table (both ways). Changes take one lock; the lookups
 * of the receive path take none: they walk the lists under RCU (everything
 * in them is freed after a grace period) and take a reference only if the
 * object is still alive and still matches, as __inet_lookup_established().
 * The lists end in a nulls marker that names their bucket: a walk that
 * ends in another bucket's (its entry moved while the walk stood on it)
 * starts again.
 */
#include <kunit/visibility.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/rculist_nulls.h>
#include <linux/seq_file.h>
#include <net/ip.h>

#include "xtcp/request.h"
#include "xtcp/sock.h"
#include "xtcp/table.h"
#include "xtcp/timewait.h"

/*
 * 16384 buckets a table: at 100k connections (200k sockets) a lookup walks
 * about six entries, as make bench's request/response beside 100k idle
 * connections measures; 4096 made it 25.
 */
#define XTCP_HASH_BITS	14
#define XTCP_BUCKETS	BIT(XTCP_HASH_BITS)

static struct hlist_nulls_head xtcp_bind_hash[XTCP_BUCKETS];
static struct hlist_nulls_head xtcp_conn_hash[XTCP_BUCKETS];
static struct hlist_nulls_head xtcp_req_buckets[XTCP_BUCKETS];
static struct hlist_nulls_head xtcp_tw_buckets[XTCP_BUCKETS];
static struct hlist_head xtcp_tw_port_buckets[XTCP_BUCKETS];
static DEFINE_SPINLOCK(xtcp_table_lock);
static u32 xtcp_hash_seed __read_mostly;

static u32 xtcp_port_bucket(const struct net *net, u16 port)
{
	return hash_32(port ^ net_hash_mix(net), XTCP_HASH_BITS);
}

static u32 xtcp_conn_bucket(const struct net *net, __be32 laddr, __be16 lport,
			    __be32 raddr, __be16 rport)
{
	return jhash_3words((__force u32)laddr, (__force u32)raddr,
			    ((__force u32)lport << 16) | (__force u32)rport,
			    xtcp_hash_seed + net_hash_mix(net)) & (XTCP_BUCKETS - 1);
}

int xtcp_table_init(void)
{
	int i;

	xtcp_hash_seed = get_random_u32();
	for (i = 0; i < XTCP_BUCKETS; i++) {
		INIT_HLIST_NULLS_HEAD(&xtcp_bind_hash[i], i);
		INIT_HLIST_NULLS_HEAD(&xtcp_conn_hash[i], i);
		INIT_HLIST_NULLS_HEAD(&xtcp_req_buckets[i], i);
		INIT_HLIST_NULLS_HEAD(&xtcp_tw_buckets[i], i);
		INIT_HLIST_HEAD(&xtcp_tw_port_buckets[i]);
	}
	return 0;
}

void xtcp_table_exit(void)
{
	int i;

	for (i = 0; i < XTCP_BUCKETS; i++) {
		WARN_ON(!hlist_nulls_empty(&xtcp_bind_hash[i]));
		WARN_ON(!hlist_nulls_empty(&xtcp_conn_hash[i]));
		WARN_ON(!hlist_nulls_empty(&xtcp_req_buckets[i]));
		WARN_ON(!hlist_nulls_empty(&xtcp_tw_buckets[i]));
	}
}

static bool xtcp_addr_overlap(__be32 a, __be32 b)
{
	return a == htonl(INADDR_ANY) || b == htonl(INADDR_ANY) || a == b;
}

/*
 * May sk take port? Like TCP: not if a socket of the namespace holds it on
 * an overlapping address, unless both asked for SO_REUSEADDR and the holder
 * is not listening. A TIME_WAIT entry keeps its socket's SO_REUSEADDR, so
 * it yields only when both had it, as in inet_csk_bind_conflict().
 */
static bool xtcp_port_free(struct sock *sk, u16 port, bool reuse)
{
	struct net *net = sock_net(sk);
	u32 b = xtcp_port_bucket(net, port);
	struct hlist_nulls_node *node;
	struct xtcp_sock *xs;
	struct xtcp_tw *tw;

	hlist_nulls_for_each_entry(xs, node, &xtcp_bind_hash[b], bind_node) {
		struct sock *other = &xs->sk;

		if (other == sk || other->sk_num != port || !net_eq(sock_net(other), net))
			continue;
		if (!xtcp_addr_overlap(other->sk_rcv_saddr, sk->sk_rcv_saddr))
			continue;
		if (reuse && other->sk_reuse && other->sk_state != XTCP_LISTEN)
			continue;
		return false;
	}
	hlist_for_each_entry(tw, &xtcp_tw_port_buckets[b], port_node) {
		if (ntohs(tw->sport) == port && net_eq(read_pnet(&tw->net), net) &&
		    xtcp_addr_overlap(tw->saddr, sk->sk_rcv_saddr) && !(reuse && tw->reuse))
			return false;
	}
	return true;
}

static void __xtcp_bind(struct sock *sk, u16 port)
{
	sk->sk_num = port;
	hlist_nulls_add_head_rcu(&xtcp_sk(sk)->bind_node,
				 &xtcp_bind_hash[xtcp_port_bucket(sock_net(sk), port)]);
	sock_hold(sk);
}

/* Bind sk to port, or to a free ephemeral port if port is 0. */
int xtcp_bind_port(struct sock *sk, u16 port, bool reuse)
{
	int low, high, range, start, i, err = -EADDRINUSE;

	spin_lock_bh(&xtcp_table_lock);
	if (port) {
		if (xtcp_port_free(sk, port, reuse)) {
			__xtcp_bind(sk, port);
			err = 0;
		}
		goto out;
	}
	inet_get_local_port_range(sock_net(sk), &low, &high);
	range = high - low + 1;
	start = get_random_u32_below(range);
	for (i = 0; i < range; i++) {
		port = low + (start + i) % range;
		if (inet_is_local_reserved_port(sock_net(sk), port))
			continue;
		if (xtcp_port_free(sk, port, false)) {
			__xtcp_bind(sk, port);
			err = 0;
			goto out;
		}
	}
	err = -EADDRNOTAVAIL;	/* as TCP's connect() when no port is left */
out:
	spin_unlock_bh(&xtcp_table_lock);
	return err;
}

/*
 * connect() or listen() again on sk's port: a connection that ended
 * (xtcp_done()) left the bind table but kept its number, so it takes its
 * place back if the port is still free. For listen() the port is checked
 * again either way, as inet_csk_listen_start() does: SO_REUSEADDR shares a
 * port for binding, never for listening.
 */
int xtcp_port_again(struct sock *sk, bool listen)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err = 0;

	spin_lock_bh(&xtcp_table_lock);
	if ((hlist_nulls_unhashed(&xs->bind_node) || listen) &&
	    !xtcp_port_free(sk, sk->sk_num, sk->sk_reuse))
		err = -EADDRINUSE;
	else if (hlist_nulls_unhashed(&xs->bind_node))
		__xtcp_bind(sk, sk->sk_num);
	spin_unlock_bh(&xtcp_table_lock);
	return err;
}

/* Take sk out of the table node is in, if any, with the table's reference. */
static void xtcp_table_del(struct sock *sk, struct hlist_nulls_node *node)
{
	bool was_in;

	spin_lock_bh(&xtcp_table_lock);
	was_in = !hlist_nulls_unhashed(node);
	if (was_in)
		hlist_nulls_del_init_rcu(node);
	spin_unlock_bh(&xtcp_table_lock);
	if (was_in)
		__sock_put(sk);
}

void xtcp_unbind(struct sock *sk)
{
	xtcp_table_del(sk, &xtcp_sk(sk)->bind_node);
}

/* A child shares its listener's port: it is found by 4-tuple, never bound. */
void xtcp_hash_conn(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 b = xtcp_conn_bucket(sock_net(sk), sk->sk_rcv_saddr, htons(sk->sk_num),
				 sk->sk_daddr, sk->sk_dport);

	spin_lock_bh(&xtcp_table_lock);
	if (hlist_nulls_unhashed(&xs->conn_node)) {
		hlist_nulls_add_head_rcu(&xs->conn_node, &xtcp_conn_hash[b]);
		sock_hold(sk);
	}
	spin_unlock_bh(&xtcp_table_lock);
}

void xtcp_unhash_conn(struct sock *sk)
{
	xtcp_table_del(sk, &xtcp_sk(sk)->conn_node);
}

static bool xtcp_conn_match(const struct sock *sk, const struct net *net, __be32 saddr,
			    __be16 sport, __be32 daddr, __be16 dport)
{
	return sk->sk_daddr == saddr && sk->sk_dport == sport && sk->sk_rcv_saddr == daddr &&
	       htons(sk->sk_num) == dport && net_eq(sock_net(sk), net);
}

/*
 * The connection a segment from saddr:sport to daddr:dport belongs to,
 * with a reference held, or NULL. A segment that has none goes to a
 * TIME_WAIT entry, and only then to a listener.
 */
struct sock *xtcp_lookup_conn(struct net *net, __be32 saddr, __be16 sport,
			      __be32 daddr, __be16 dport)
{
	u32 b = xtcp_conn_bucket(net, daddr, dport, saddr, sport);
	struct hlist_nulls_node *node;
	struct xtcp_sock *xs;
	struct sock *sk;

	rcu_read_lock();
begin:
	hlist_nulls_for_each_entry_rcu(xs, node, &xtcp_conn_hash[b], conn_node) {
		sk = &xs->sk;
		if (!xtcp_conn_match(sk, net, saddr, sport, daddr, dport))
			continue;
		/* Closing, its last reference gone: as good as not there. */
		if (unlikely(!refcount_inc_not_zero(&sk->sk_refcnt)))
			break;
		if (unlikely(!xtcp_conn_match(sk, net, saddr, sport, daddr, dport))) {
			sock_put(sk);
			goto begin;
		}
		goto out;
	}
	if (get_nulls_value(node) != b)
		goto begin;
	sk = NULL;
out:
	rcu_read_unlock();
	return sk;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_lookup_conn);

/*
 * Is sk's 4-tuple a connection's already, or a TIME_WAIT entry's? connect()
 * then fails (EADDRNOTAVAIL, as __inet_check_established() without
 * timestamps to tell incarnations apart).
 */
bool xtcp_tuple_in_use(struct sock *sk)
{
	struct net *net = sock_net(sk);
	__be16 lport = htons(sk->sk_num);
	struct xtcp_tw *tw = NULL;
	struct sock *other;
	bool taken;

	/* The lookups and puts are softirq's: BHs off from a system call. */
	local_bh_disable();
	other = xtcp_lookup_conn(net, sk->sk_daddr, sk->sk_dport, sk->sk_rcv_saddr, lport);
	if (!other)
		tw = xtcp_tw_lookup(net, sk->sk_daddr, sk->sk_dport, sk->sk_rcv_saddr, lport);
	taken = other || tw;
	if (other)
		sock_put(other);
	if (tw)
		xtcp_tw_put(tw);
	local_bh_enable();
	return taken;
}

static bool xtcp_listener_match(const struct sock *sk, const struct net *net, __be32 daddr,
				__be16 dport)
{
	return sk->sk_state == XTCP_LISTEN && htons(sk->sk_num) == dport &&
	       net_eq(sock_net(sk), net) &&
	       (sk->sk_rcv_saddr == daddr || sk->sk_rcv_saddr == htonl(INADDR_ANY));
}

/* A listener on daddr:dport (an exact address before INADDR_ANY), held. */
struct sock *xtcp_lookup_listener(struct net *net, __be32 daddr, __be16 dport)
{
	u32 b = xtcp_port_bucket(net, ntohs(dport));
	struct hlist_nulls_node *node;
	struct sock *found;
	struct xtcp_sock *xs;
	bool exact;

	rcu_read_lock();
begin:
	found = NULL;
	exact = false;
	hlist_nulls_for_each_entry_rcu(xs, node, &xtcp_bind_hash[b], bind_node) {
		struct sock *sk = &xs->sk;

		if (!xtcp_listener_match(sk, net, daddr, dport))
			continue;
		if (sk->sk_rcv_saddr == daddr) {
			found = sk;
			exact = true;
			break;
		}
		if (!found)
			found = sk;
	}
	if (!exact && get_nulls_value(node) != b)
		goto begin;
	if (found) {
		if (unlikely(!refcount_inc_not_zero(&found->sk_refcnt))) {
			found = NULL;
		} else if (unlikely(!xtcp_listener_match(found, net, daddr, dport))) {
			sock_put(found);
			goto begin;
		}
	}
	rcu_read_unlock();
	return found;
}

static bool xtcp_req_match(const struct xtcp_req *req, const struct net *net, __be32 saddr,
			   __be16 sport, __be32 daddr, __be16 dport)
{
	const struct xtcp_syn *syn = &req->syn;

	return syn->raddr == saddr && syn->rport == sport && syn->laddr == daddr &&
	       syn->lport == dport && net_eq(sock_net(req->listener), net);
}

/* The request (SYN_RECV) a segment from saddr:sport to daddr:dport belongs to, held. */
struct xtcp_req *xtcp_req_lookup(struct net *net, __be32 saddr, __be16 sport,
				 __be32 daddr, __be16 dport)
{
	u32 b = xtcp_conn_bucket(net, daddr, dport, saddr, sport);
	struct hlist_nulls_node *node;
	struct xtcp_req *req;

	rcu_read_lock();
begin:
	hlist_nulls_for_each_entry_rcu(req, node, &xtcp_req_buckets[b], node) {
		if (!xtcp_req_match(req, net, saddr, sport, daddr, dport))
			continue;
		if (unlikely(!refcount_inc_not_zero(&req->refcnt)))
			break;
		goto out;
	}
	if (get_nulls_value(node) != b)
		goto begin;
	req = NULL;
out:
	rcu_read_unlock();
	return req;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_req_lookup);

/* Requests: the table holds one reference while a request is in it. */
void xtcp_req_hash(struct xtcp_req *req)
{
	const struct xtcp_syn *syn = &req->syn;
	u32 b = xtcp_conn_bucket(sock_net(req->listener), syn->laddr, syn->lport, syn->raddr,
				 syn->rport);

	spin_lock_bh(&xtcp_table_lock);
	hlist_nulls_add_head_rcu(&req->node, &xtcp_req_buckets[b]);
	refcount_inc(&req->refcnt);
	spin_unlock_bh(&xtcp_table_lock);
}

/* True if this call took req out of the table; it is dead either way. */
bool xtcp_req_unhash(struct xtcp_req *req)
{
	bool was_hashed;

	spin_lock_bh(&xtcp_table_lock);
	was_hashed = !hlist_nulls_unhashed(&req->node);
	if (was_hashed)
		hlist_nulls_del_init_rcu(&req->node);
	spin_lock(&req->lock);
	req->dead = 1;
	spin_unlock(&req->lock);
	spin_unlock_bh(&xtcp_table_lock);
	return was_hashed;
}

static bool xtcp_tw_match(const struct xtcp_tw *tw, const struct net *net, __be32 saddr,
			  __be16 sport, __be32 daddr, __be16 dport)
{
	return tw->daddr == saddr && tw->dport == sport && tw->saddr == daddr &&
	       tw->sport == dport && net_eq(read_pnet(&tw->net), net) && !READ_ONCE(tw->dead);
}

struct xtcp_tw *xtcp_tw_lookup(struct net *net, __be32 saddr, __be16 sport,
			       __be32 daddr, __be16 dport)
{
	u32 b = xtcp_conn_bucket(net, daddr, dport, saddr, sport);
	struct hlist_nulls_node *node;
	struct xtcp_tw *tw;

	rcu_read_lock();
begin:
	hlist_nulls_for_each_entry_rcu(tw, node, &xtcp_tw_buckets[b], node) {
		if (!xtcp_tw_match(tw, net, saddr, sport, daddr, dport))
			continue;
		if (unlikely(!refcount_inc_not_zero(&tw->refcnt)))
			break;
		goto out;
	}
	if (get_nulls_value(node) != b)
		goto begin;
	tw = NULL;
out:
	rcu_read_unlock();
	return tw;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_lookup);

/* TIME_WAIT entries: the table holds one reference while an entry is in it. */
void xtcp_tw_hash(struct xtcp_tw *tw)
{
	struct net *net = read_pnet(&tw->net);
	u32 b = xtcp_conn_bucket(net, tw->saddr, tw->sport, tw->daddr, tw->dport);
	u32 pb = xtcp_port_bucket(net, ntohs(tw->sport));

	spin_lock_bh(&xtcp_table_lock);
	hlist_nulls_add_head_rcu(&tw->node, &xtcp_tw_buckets[b]);
	hlist_add_head(&tw->port_node, &xtcp_tw_port_buckets[pb]);
	refcount_inc(&tw->refcnt);
	spin_unlock_bh(&xtcp_table_lock);
}

/* Returns true if this call took tw out of the table (its reference is the caller's now). */
bool xtcp_tw_unhash(struct xtcp_tw *tw)
{
	bool was_hashed;

	spin_lock_bh(&xtcp_table_lock);
	was_hashed = !hlist_nulls_unhashed(&tw->node);
	if (was_hashed) {
		hlist_nulls_del_init_rcu(&tw->node);
		hlist_del_init(&tw->port_node);
	}
	/* Under the lock that queues it: never queued for 2*MSL again. */
	spin_lock(&xtcp_net(read_pnet(&tw->net))->tw_lock);
	WRITE_ONCE(tw->dead, 1);
	spin_unlock(&xtcp_net(read_pnet(&tw->net))->tw_lock);
	spin_unlock_bh(&xtcp_table_lock);
	return was_hashed;
}

/* Every TIME_WAIT entry of net (or of every namespace if net is NULL). */
void xtcp_tw_flush(struct net *net)
{
	struct hlist_nulls_node *node;
	struct xtcp_tw *tw;
	int i;

	for (i = 0; i < XTCP_BUCKETS; i++) {
again:
		spin_lock_bh(&xtcp_table_lock);
		hlist_nulls_for_each_entry(tw, node, &xtcp_tw_buckets[i], node) {
			if (net && !net_eq(read_pnet(&tw->net), net))
				continue;
			refcount_inc(&tw->refcnt);
			spin_unlock_bh(&xtcp_table_lock);
			xtcp_tw_kill(tw, "namespace or module gone");
			xtcp_tw_put(tw);
			goto again;
		}
		spin_unlock_bh(&xtcp_table_lock);
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_flush);

/*
 * The /proc iterator. Entries come bucket by bucket, and in each bucket
 * unconnected bound sockets (listeners among them) from the bind table,
 * then connections, then requests, then TIME_WAIT entries. The table lock is held from
 * start to stop, so one pass of seq_read() follows the list nodes; between
 * passes the position is kept as (bucket, list, offset) and found again by
 * counting in one list only, so reading n entries costs O(n), as with
 * /proc/net/tcp's tcp_seek_last_pos().
 */
enum { XTCP_LIST_BIND, XTCP_LIST_CONN, XTCP_LIST_REQ, XTCP_LIST_TW, XTCP_LISTS };

static struct hlist_nulls_node *xtcp_list_first(int list, int bucket)
{
	switch (list) {
	case XTCP_LIST_BIND:
		return xtcp_bind_hash[bucket].first;
	case XTCP_LIST_CONN:
		return xtcp_conn_hash[bucket].first;
	case XTCP_LIST_REQ:
		return xtcp_req_buckets[bucket].first;
	default:
		return xtcp_tw_buckets[bucket].first;
	}
}

static bool xtcp_iter_match(int list, struct hlist_nulls_node *node, const struct net *net)
{
	struct xtcp_sock *xs;

	switch (list) {
	case XTCP_LIST_BIND:
		/* A connected socket is listed once, from the connection table. */
		xs = hlist_nulls_entry(node, struct xtcp_sock, bind_node);
		return net_eq(sock_net(&xs->sk), net) && hlist_nulls_unhashed(&xs->conn_node);
	case XTCP_LIST_CONN:
		xs = hlist_nulls_entry(node, struct xtcp_sock, conn_node);
		return net_eq(sock_net(&xs->sk), net);
	case XTCP_LIST_REQ:
		return net_eq(sock_net(hlist_nulls_entry(node, struct xtcp_req, node)->listener),
			      net);
	default:
		return net_eq(read_pnet(&hlist_nulls_entry(node, struct xtcp_tw, node)->net), net);
	}
}

/*
 * The first match at or after node in the iterator's list, then in the
 * lists after it (node NULL: none in this list).
 */
static struct hlist_nulls_node *xtcp_iter_from(struct xtcp_table_iter *it,
					       struct hlist_nulls_node *node)
{
	struct net *net = seq_file_net(it->seq);

	for (;;) {
		for (; node && !is_a_nulls(node); node = node->next)
			if (xtcp_iter_match(it->list, node, net))
				return it->node = node;
		it->offset = 0;
		if (++it->list == XTCP_LISTS) {
			it->list = XTCP_LIST_BIND;
			if (++it->bucket == XTCP_BUCKETS)
				return it->node = NULL;
		}
		node = xtcp_list_first(it->list, it->bucket);
	}
}

/* Back to the entry the iterator was at before the lock was dropped. */
static struct hlist_nulls_node *xtcp_iter_seek(struct xtcp_table_iter *it)
{
	struct net *net = seq_file_net(it->seq);
	struct hlist_nulls_node *node = xtcp_list_first(it->list, it->bucket);
	int skip = it->offset;

	for (; !is_a_nulls(node); node = node->next)
		if (xtcp_iter_match(it->list, node, net) && skip-- == 0)
			return it->node = node;
	/* Entries left the list meanwhile: go on with the next list. */
	return xtcp_iter_from(it, NULL);
}

/* The socket, request or TIME_WAIT entry the iterator is at; exactly one is set. */
void xtcp_table_iter_entry(const struct xtcp_table_iter *it, struct xtcp_table_entry *e)
{
	memset(e, 0, sizeof(*e));
	if (it->list == XTCP_LIST_BIND)
		e->sk = &hlist_nulls_entry(it->node, struct xtcp_sock, bind_node)->sk;
	else if (it->list == XTCP_LIST_CONN)
		e->sk = &hlist_nulls_entry(it->node, struct xtcp_sock, conn_node)->sk;
	else if (it->list == XTCP_LIST_REQ)
		e->req = hlist_nulls_entry(it->node, struct xtcp_req, node);
	else
		e->tw = hlist_nulls_entry(it->node, struct xtcp_tw, node);
}

/* Position 0 is the header line (SEQ_START_TOKEN); entry k is position k + 1. */
void *xtcp_table_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(&xtcp_table_lock)
{
	struct xtcp_table_iter *it = seq->private;
	struct hlist_nulls_node *node = NULL;
	loff_t i;

	spin_lock_bh(&xtcp_table_lock);
	it->seq = seq;
	if (*pos && *pos == it->last_pos && it->bucket < XTCP_BUCKETS) {
		node = xtcp_iter_seek(it);
		goto out;
	}
	it->bucket = 0;
	it->list = XTCP_LIST_BIND;
	it->offset = 0;
	if (!*pos) {
		it->last_pos = 0;
		return SEQ_START_TOKEN;
	}
	node = xtcp_iter_from(it, xtcp_list_first(it->list, it->bucket));
	for (i = 1; node && i < *pos; i++) {
		it->offset++;
		node = xtcp_iter_from(it, node->next);
	}
out:
	it->last_pos = *pos;
	return node;
}

void *xtcp_table_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct xtcp_table_iter *it = seq->private;
	struct hlist_nulls_node *node;

	if (v == SEQ_START_TOKEN) {
		node = xtcp_iter_from(it, xtcp_list_first(it->list, it->bucket));
	} else {
		it->offset++;
		node = xtcp_iter_from(it, it->node->next);
	}
	++*pos;
	it->last_pos = *pos;
	return node;
}

void xtcp_table_seq_stop(struct seq_file *seq, void *v)
	__releases(&xtcp_table_lock)
{
	spin_unlock_bh(&xtcp_table_lock);
}
