// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching to an l2tp_core tunnel's UDP socket, and letting go of it.
 *
 * l2tp_core installs l2tp_udp_encap_recv() as the socket's encap_rcv and
 * its own (static) destroy hook as encap_destroy. l2tpfast swaps both for
 * its own, which count and then call l2tp_core's. The swaps are cmpxchg()s
 * so that whoever changed the pointer last wins: if l2tp_core clears them
 * (6.12 does when it frees a tunnel, 6.1 when the socket is destructed) or
 * another tunnel takes the socket over, l2tpfast does not put its hooks
 * back. Packets that reach l2tpfast's hook after a detach find no tunnel
 * and go straight to l2tp_core.
 */

#include <linux/file.h>
#include <linux/net.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>

#include "compat.h"
#include "rx.h"
#include "sock.h"
#include "tunnel.h"

/* l2tp_core's encap_destroy: static there, the same for every tunnel. */
static void (*l2tpfast_core_encap_destroy)(struct sock *sk);

static void l2tpfast_encap_destroy(struct sock *sk)
{
	struct l2tpfast_net *ln = l2tpfast_net(sock_net(sk));
	struct l2tpfast_tunnel *t;

	/* The socket is being closed: forget the tunnel now, then tell l2tp_core. */
	mutex_lock(&ln->lock);
	rcu_read_lock();
	t = l2tpfast_tunnel_find_sk(sk);
	rcu_read_unlock();
	if (t)
		l2tpfast_tunnel_detach(t);
	mutex_unlock(&ln->lock);

	l2tpfast_core_encap_destroy(sk);
}

struct sock *l2tpfast_sock_from_fd(struct net *net, int fd, int *err)
{
	struct socket *sock;
	struct sock *sk;

	sock = sockfd_lookup(fd, err);
	if (!sock)
		return NULL;
	sk = sock->sk;
	sock_hold(sk);
	sockfd_put(sock);
	return sk;
}

struct sock *l2tpfast_sock_lookup(struct net *net,
				  const struct l2tpfast_sock_addr *a)
{
	__be16 lport = htons(a->local_port), pport = htons(a->peer_port);

	/* The lookup is from a received packet's point of view: peer first. */
	if (a->family == AF_INET)
		return udp4_lib_lookup(net, a->peer.s6_addr32[0], pport,
				       a->local.s6_addr32[0], lport, 0);
#if IS_ENABLED(CONFIG_IPV6)
	if (a->family == AF_INET6)
		return udp6_lib_lookup(net, &a->peer, pport, &a->local, lport,
				       0);
#endif
	return NULL;
}

/* Is sk a UDP socket of this netns that l2tp_core uses for tunnel_id? */
int l2tpfast_sock_check(struct net *net, struct sock *sk, u32 tunnel_id)
{
	struct l2tp_tunnel *core;
	bool owned;

	if (!net_eq(sock_net(sk), net))
		return -EINVAL;
	if (sk->sk_type != SOCK_DGRAM || sk->sk_protocol != IPPROTO_UDP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return -EPROTONOSUPPORT;

	core = l2tp_tunnel_get(net, tunnel_id);
	if (!core)
		return -ENOENT;
	owned = l2tpfast_core_sk_is_tunnel(sk, core);
	l2tpfast_core_tunnel_put(core);
	return owned ? 0 : -ENOTCONN;
}

bool l2tpfast_sock_is_attached(struct sock *sk)
{
	return READ_ONCE(udp_sk(sk)->encap_rcv) == l2tpfast_encap_recv;
}

int l2tpfast_sock_attach(struct l2tpfast_tunnel *t)
{
	struct udp_sock *up = udp_sk(t->sk);
	void (*destroy)(struct sock *sk);

	/* Only l2tp_core's own hooks are ours to wrap. */
	destroy = READ_ONCE(up->encap_destroy);
	if (!destroy || destroy == l2tpfast_encap_destroy)
		return -EBUSY;
	if (!l2tpfast_core_encap_destroy)
		l2tpfast_core_encap_destroy = destroy;
	else if (destroy != l2tpfast_core_encap_destroy)
		return -EBUSY;

	if (cmpxchg(&up->encap_rcv, l2tp_udp_encap_recv,
		    l2tpfast_encap_recv) != l2tp_udp_encap_recv)
		return -EBUSY;
	if (cmpxchg(&up->encap_destroy, destroy,
		    l2tpfast_encap_destroy) != destroy) {
		cmpxchg(&up->encap_rcv, l2tpfast_encap_recv,
			l2tp_udp_encap_recv);
		return -EBUSY;
	}
	return 0;
}

void l2tpfast_sock_detach(struct l2tpfast_tunnel *t)
{
	struct udp_sock *up = udp_sk(t->sk);

	cmpxchg(&up->encap_rcv, l2tpfast_encap_recv, l2tp_udp_encap_recv);
	cmpxchg(&up->encap_destroy, l2tpfast_encap_destroy,
		l2tpfast_core_encap_destroy);
}
