/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_SOCK_H
#define _L2TPFAST_SOCK_H

#include <linux/in6.h>
#include <linux/types.h>

struct l2tpfast_tunnel;
struct net;
struct sock;

/* A tunnel socket's addresses, as l2tp's genl family reports them. */
struct l2tpfast_sock_addr {
	int family;			/* AF_INET or AF_INET6 */
	struct in6_addr local, peer;	/* IPv4 in s6_addr32[0] */
	u16 local_port, peer_port;	/* host order */
};

struct sock *l2tpfast_sock_from_fd(struct net *net, int fd, int *err);
struct sock *l2tpfast_sock_lookup(struct net *net,
				  const struct l2tpfast_sock_addr *a);
int l2tpfast_sock_check(struct net *net, struct sock *sk, u32 tunnel_id);
int l2tpfast_sock_attach(struct l2tpfast_tunnel *t);
void l2tpfast_sock_detach(struct l2tpfast_tunnel *t);
bool l2tpfast_sock_is_attached(struct sock *sk);

#endif /* _L2TPFAST_SOCK_H */
