/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A listening socket and its children (RFC 9293 3.10.7.2): a SYN makes a
 * request in SYN_RECV on the SYN queue; the handshake's end makes the
 * child, on the accept queue; accept() grafts it to a new socket.
 */
#ifndef _XTCP_LISTENER_H
#define _XTCP_LISTENER_H

#include <linux/net.h>

struct sock;
struct sk_buff;

int xtcp_listen(struct socket *sock, int backlog);
#ifdef XTCP_HAVE_PROTO_ACCEPT_ARG
int xtcp_accept(struct socket *sock, struct socket *newsock, struct proto_accept_arg *arg);
#else
int xtcp_accept(struct socket *sock, struct socket *newsock, int flags, bool kern);
#endif
void xtcp_listener_stop(struct sock *listener);
bool xtcp_child_create(struct sock *listener, struct sk_buff *skb, u64 now_ns);
struct xtcp_seg;
bool xtcp_cookie_child(struct sock *listener, struct sk_buff *skb, const struct xtcp_seg *seg,
		       u64 now_ns);
struct xtcp_req;
bool xtcp_child_from_req(struct sock *listener, struct xtcp_req *req, struct sk_buff *skb,
			 u64 now_ns);
void xtcp_child_established(struct sock *child);

#endif /* _XTCP_LISTENER_H */
