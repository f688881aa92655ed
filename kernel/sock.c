// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching to an l2tp_core tunnel's UDP socket, and letting go of it.
 *
 * l2tp_core installs l2tp_udp_encap_recv() as the socket's encap_rcv.
 * l2tpfast swaps it for its own, which counts and then calls l2tp_core's.
 * The swaps are cmpxchg()s so that whoever changed the pointer last wins: if
 * l2tp_core clears it (6.12 does when it frees a tunnel, 6.1 when the
 * socket is destructed) or another tunnel takes the socket over, l2tpfast
 * does not put its hook back. Packets that reach l2tpfast's hook after a
 * detach find no tunnel and go straight to l2tp_core.
 *
 * encap_rcv runs in softirq under RCU, so a grace period after the swap
 * back nobody runs l2tpfast's code any more. encap_destroy would not: UDP
 * calls it in process context with neither RCU nor a module reference, so
 * l2tpfast leaves it alone and learns of closed sockets otherwise
 * (SOCK_DEAD, see tunnel.c and sync.c).
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
	struct sock *sk = NULL;

	/* The lookup is from a received packet's point of view: peer first. */
	rcu_read_lock();
	if (a->family == AF_INET)
		sk = udp4_lib_lookup(net, a->peer.s6_addr32[0], pport,
				     a->local.s6_addr32[0], lport, 0);
#if IS_ENABLED(CONFIG_IPV6)
	else if (a->family == AF_INET6)
		sk = udp6_lib_lookup(net, &a->peer, pport, &a->local, lport, 0);
#endif
	rcu_read_unlock();
	return sk;
}

/*
 * Is sk a UDP socket of this netns that l2tp_core uses for tunnel_id? Its
 * encap_rcv says whose it is before anything reads sk_user_data (6.1's
 * l2tp_sk_to_tunnel() does: GTP, sockmap and others keep their own there).
 * On success *core is l2tp_core's tunnel, for comparing later.
 */
int l2tpfast_sock_check(struct net *net, struct sock *sk, u32 tunnel_id,
			const struct l2tp_tunnel **core)
{
	struct l2tp_tunnel *tunnel;
	bool owned;

	if (!net_eq(sock_net(sk), net))
		return -EINVAL;
	if (sk->sk_type != SOCK_DGRAM || sk->sk_protocol != IPPROTO_UDP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return -EPROTONOSUPPORT;
	if (READ_ONCE(udp_sk(sk)->encap_type) != UDP_ENCAP_L2TPINUDP)
		return -ENOTCONN;
	if (READ_ONCE(udp_sk(sk)->encap_rcv) != l2tp_udp_encap_recv)
		return l2tpfast_sock_is_attached(sk) ? -EBUSY : -ENOTCONN;

	tunnel = l2tp_tunnel_get(net, tunnel_id);
	if (!tunnel)
		return -ENOENT;
	owned = l2tpfast_core_sk_is_tunnel(sk, tunnel);
	l2tpfast_core_tunnel_put(tunnel);
	*core = tunnel;
	return owned ? 0 : -ENOTCONN;
}

int l2tpfast_sock_attach(struct l2tpfast_tunnel *t)
{
	struct udp_sock *up = udp_sk(t->sk);

	if (cmpxchg(&up->encap_rcv, l2tp_udp_encap_recv,
		    l2tpfast_encap_recv) != l2tp_udp_encap_recv)
		return -EBUSY;
	return 0;
}

void l2tpfast_sock_detach(struct l2tpfast_tunnel *t)
{
	cmpxchg(&udp_sk(t->sk)->encap_rcv, l2tpfast_encap_recv,
		l2tp_udp_encap_recv);
}
