/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_SOCK_H
#define _L2TPFAST_SOCK_H

#include <linux/in6.h>
#include <linux/types.h>
#include <linux/udp.h>

#include "rx.h"

struct l2tp_tunnel;
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
int l2tpfast_sock_check(struct net *net, struct sock *sk, u32 tunnel_id,
			const struct l2tp_tunnel **core);
int l2tpfast_sock_attach(struct l2tpfast_tunnel *t);
void l2tpfast_sock_detach(struct l2tpfast_tunnel *t);

/* Is l2tpfast's hook on this UDP socket? The transmit hook's filter: cheap. */
static inline bool l2tpfast_sock_is_attached(const struct sock *sk)
{
	return READ_ONCE(udp_sk(sk)->encap_rcv) == l2tpfast_encap_recv;
}

#endif /* _L2TPFAST_SOCK_H */
