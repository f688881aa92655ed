// SPDX-License-Identifier: GPL-2.0
/*
 * The transmit fast path. l2tp_xmit_skb() is a plain function l2tpfast
 * cannot wrap, and userspace sends control messages on the same socket, so
 * sent packets are counted by a netfilter LOCAL_OUT hook: every packet that
 * leaves an attached tunnel socket passes it once, before fragmentation and
 * IPsec. The hooks are registered in a netns only while it has attached
 * tunnels.
 *
 * A sent data packet carries the peer's session id; sessions are indexed by
 * it once l2tp_core has told the sync what it is (session.c). Until then the
 * packet is counted on the tunnel only.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ip6_fib.h>
#include <net/route.h>
#include <net/sock.h>

#include "hdr.h"
#include "ipsec.h"
#include "session.h"
#include "sock.h"
#include "tunnel.h"
#include "tx.h"

static void l2tpfast_tx_data(struct l2tpfast_tunnel *t,
			     const struct l2tpfast_hdr *h, unsigned int len,
			     unsigned long now)
{
	struct l2tpfast_session *s;

	l2tpfast_stats_count(&t->stats, L2TPFAST_TX, L2TPFAST_DATA, len, now);
	s = l2tpfast_session_find_tx(t, h->session_id);
	if (s)
		l2tpfast_stats_count(&s->stats, L2TPFAST_TX, L2TPFAST_DATA,
				     len, now);
}

/* The peer's tunnel id is on every v2 packet we send and on v3 control. */
static void l2tpfast_tx_learn_peer(struct l2tpfast_tunnel *t,
				   const struct l2tpfast_hdr *h)
{
	if ((h->version == 2 || h->ctrl) && h->tunnel_id &&
	    READ_ONCE(t->peer_id) != h->tunnel_id)
		WRITE_ONCE(t->peer_id, h->tunnel_id);
}

/*
 * Is this the socket's own UDP datagram (udp_len bytes of UDP)? Once IPsec
 * has transformed it, the same socket's packet passes LOCAL_OUT again as
 * ESP (or as UDP from the NAT-T port) and must not be counted twice.
 */
static __always_inline bool l2tpfast_tx_is_own(const struct sock *sk,
					       const struct udphdr *uh,
					       unsigned int udp_len)
{
	return uh->source == inet_sk(sk)->inet_sport &&
	       ntohs(uh->len) == udp_len;
}

/*
 * Not yet transformed by IPsec? What IPsec made of a datagram (ESP, or ESP
 * in UDP) passes LOCAL_OUT again and must never be taken for it: with
 * IPsec required, it would be dropped as cleartext. xfrm marks what it
 * transformed (a packet offload leaves the datagram as it was, marked);
 * IPv4 must also carry UDP right after its header, IPv6 (extension
 * headers may come first) no ESP.
 */
static __always_inline bool l2tpfast_tx_is_udp(const struct sk_buff *skb,
					       u8 pf)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (pf == NFPROTO_IPV6)
		return !(IP6CB(skb)->flags & IP6SKB_XFRM_TRANSFORMED) &&
		       ipv6_hdr(skb)->nexthdr != IPPROTO_ESP;
#endif
	return !(IPCB(skb)->flags & IPSKB_XFRM_TRANSFORMED) &&
	       ip_hdr(skb)->protocol == IPPROTO_UDP;
}

/* A packet the attached tunnel t's socket sends; its L2TP header at p. */
static void l2tpfast_tx(struct l2tpfast_tunnel *t, const u8 *p,
			unsigned int len)
{
	enum l2tpfast_drop why;
	struct l2tpfast_hdr h;
	unsigned long now;

	if (!l2tpfast_hdr_parse(p, len, &h, &why))
		return;
	now = l2tpfast_stamp();
	l2tpfast_tx_learn_peer(t, &h);
	l2tpfast_stats_enter();
	if (h.ctrl)
		l2tpfast_stats_count(&t->stats, L2TPFAST_TX, L2TPFAST_CTRL,
				     len, now);
	else
		l2tpfast_tx_data(t, &h, len, now);
	l2tpfast_stats_exit();
}

/* The headers are not all in the linear data (rare): count from a copy. */
static noinline void l2tpfast_tx_copy(struct l2tpfast_tunnel *t,
				      struct sk_buff *skb, int thoff)
{
	struct {
		struct udphdr uh;
		u8 l2tp[L2TPFAST_HDR_PEEK];
	} buf;
	unsigned int len;

	if (thoff < 0 || skb->len < thoff + sizeof(buf.uh))
		return;
	len = skb->len - thoff - sizeof(buf.uh);
	if (!skb_copy_bits(skb, thoff, &buf,
			   sizeof(buf.uh) + l2tpfast_hdr_peek(len)) &&
	    l2tpfast_tx_is_own(t->sk, &buf.uh, skb->len - thoff))
		l2tpfast_tx(t, buf.l2tp, len);
}

/*
 * A packet routed through a VRF passes LOCAL_OUT twice: first with the VRF
 * device as out (l3mdev_ip_out()), then with the real one. One for a local
 * address in the VRF passes once, with the VRF device: its route is local.
 */
static bool l2tpfast_tx_passes_again(const struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	const struct dst_entry *dst = skb_dst(skb);

	if (!state->out || !netif_is_l3_master(state->out) || !dst)
		return false;
#if IS_ENABLED(CONFIG_IPV6)
	if (state->pf == NFPROTO_IPV6)
		return !(dst_rt6_info(dst)->rt6i_flags & RTF_LOCAL);
#endif
	return skb_rtable(skb)->rt_type != RTN_LOCAL;
}

static bool l2tpfast_tx_drop(struct l2tpfast_net *ln, struct l2tpfast_tunnel *t,
			     enum l2tpfast_drop why)
{
	l2tpfast_stats_enter();
	if (t)
		l2tpfast_stats_drop(&t->stats, why);
	else
		l2tpfast_ipsec_drop_net(ln, why);
	l2tpfast_stats_exit();
	return false;
}

/*
 * Is skb, sk's own datagram, one IPsec will transform, through t's own SA
 * if t is bound to one? Note the SA for t (if given). No: a netns that
 * requires IPsec, or a tunnel bound to an SA, drops it, counted.
 */
static bool l2tpfast_tx_ipsec_ok(struct l2tpfast_net *ln,
				 struct l2tpfast_tunnel *t, struct sk_buff *skb)
{
	struct dst_entry *dst = skb_dst(skb);
	struct xfrm_state *x = dst ? dst_xfrm(dst) : NULL;

	if (x) {
		if (!t)
			return true;
		if (unlikely(!l2tpfast_sa_tx_ok(&t->sa, x)))
			return l2tpfast_tx_drop(ln, t, L2TPFAST_DROP_TX_BINDING);
		l2tpfast_sa_tx(&t->sa, x);
		return true;
	}
	/*
	 * While IKE sets the SA up, xfrm discards it (a blackhole: larval
	 * drop) or queues it for the SA (xfrm_larval_drop = 0): no
	 * cleartext either way.
	 */
	if (dst && (dst->output == dst_discard_out ||
		    (dst->flags & DST_XFRM_QUEUE)))
		return true;
	if (l2tpfast_ipsec_required(&ln->ipsec))
		return l2tpfast_tx_drop(ln, t, L2TPFAST_DROP_TX_CLEARTEXT);
	if (t && l2tpfast_sa_bound(&t->sa))
		return l2tpfast_tx_drop(ln, t, L2TPFAST_DROP_TX_BINDING);
	return true;
}

/* Is the datagram at thoff sk's own (not what IPsec made of it)? */
static bool l2tpfast_tx_own_copy(const struct sock *sk, struct sk_buff *skb,
				 int thoff)
{
	const struct udphdr *uh;
	struct udphdr _uh;

	if (thoff < 0)
		return false;
	uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
	return uh && l2tpfast_tx_is_own(sk, uh, skb->len - thoff);
}

/* Out of the hook's line: only packets of attached sockets come here. */
static noinline unsigned int l2tpfast_tx_sk(struct sock *sk,
					    struct sk_buff *skb,
					    const struct nf_hook_state *state)
{
	int thoff = skb_transport_offset(skb);
	struct l2tpfast_tunnel *t;
	const struct udphdr *uh;
	unsigned int len;

	/* ESP (what IPsec made of the datagram) passes here too: no lookup. */
	if (unlikely(!l2tpfast_tx_is_udp(skb, state->pf)))
		return NF_ACCEPT;
	t = l2tpfast_tunnel_find_sk(sk);
	if (unlikely(!t || l2tpfast_tx_passes_again(skb, state)))
		return NF_ACCEPT;
	if (unlikely(thoff < 0 || skb->len < thoff + sizeof(*uh) ||
		     skb_headlen(skb) < thoff + sizeof(*uh) +
				l2tpfast_hdr_peek(skb->len - thoff -
						  sizeof(*uh)))) {
		if (!l2tpfast_tx_own_copy(sk, skb, thoff))
			return NF_ACCEPT;
		if (!l2tpfast_tx_ipsec_ok(t->ln, t, skb))
			return NF_DROP;
		l2tpfast_tx_copy(t, skb, thoff);
		return NF_ACCEPT;
	}
	len = skb->len - thoff - sizeof(*uh);
	uh = (const struct udphdr *)(skb->data + thoff);
	if (!l2tpfast_tx_is_own(sk, uh, skb->len - thoff))
		return NF_ACCEPT;
	if (!l2tpfast_tx_ipsec_ok(t->ln, t, skb))
		return NF_DROP;
	l2tpfast_tx(t, (const u8 *)(uh + 1), len);
	return NF_ACCEPT;
}

/*
 * A UDP socket of no attached tunnel, while some netns requires IPsec: one
 * on the netns's ipsec-port (the LNS's listening socket, a tunnel socket
 * not attached yet) sends nothing IPsec would not transform.
 */
static noinline unsigned int l2tpfast_tx_port(struct sock *sk,
					      struct sk_buff *skb,
					      const struct nf_hook_state *state)
{
	struct l2tpfast_net *ln = l2tpfast_net(state->net);
	u16 port = READ_ONCE(ln->ipsec.port);

	if (!port || inet_sk(sk)->inet_sport != htons(port) ||
	    !l2tpfast_ipsec_required(&ln->ipsec) ||
	    l2tpfast_tx_passes_again(skb, state) ||
	    !l2tpfast_tx_is_udp(skb, state->pf) ||
	    !l2tpfast_tx_own_copy(sk, skb, skb_transport_offset(skb)))
		return NF_ACCEPT;
	return l2tpfast_tx_ipsec_ok(ln, NULL, skb) ? NF_ACCEPT : NF_DROP;
}

/*
 * Every locally sent packet of the netns passes here while it has attached
 * tunnels (netfilter calls hooks under rcu_read_lock()). Anything not sent
 * from a socket l2tpfast hooked goes on after a few loads: no lookup, no
 * stack frame.
 */
static unsigned int l2tpfast_tx_hook(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct sock *sk = state->sk;

	/* A raw socket of protocol UDP is no udp_sock: check the type too. */
	if (likely(!sk || !sk_fullsock(sk) || sk->sk_protocol != IPPROTO_UDP ||
		   sk->sk_type != SOCK_DGRAM))
		return NF_ACCEPT;
	if (l2tpfast_sock_is_attached(sk))
		return l2tpfast_tx_sk(sk, skb, state);
	if (static_branch_unlikely(&l2tpfast_ipsec_used))
		return l2tpfast_tx_port(sk, skb, state);
	return NF_ACCEPT;
}

static const struct nf_hook_ops l2tpfast_tx_ops[] = {
	{
		.hook = l2tpfast_tx_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_LAST,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = l2tpfast_tx_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_LAST,
	},
#endif
};

/* Under ln->lock: one more attached tunnel, or IPsec required, here. */
int l2tpfast_tx_hooks_get(struct l2tpfast_net *ln)
{
	int err;

	if (ln->tx_hooks)
		return 0;
	err = nf_register_net_hooks(ln->net, l2tpfast_tx_ops,
				    ARRAY_SIZE(l2tpfast_tx_ops));
	if (!err)
		ln->tx_hooks = true;
	return err;
}

/* Under ln->lock: the netns is going away. */
void l2tpfast_tx_hooks_put_all(struct l2tpfast_net *ln)
{
	if (!ln->tx_hooks)
		return;
	nf_unregister_net_hooks(ln->net, l2tpfast_tx_ops,
				ARRAY_SIZE(l2tpfast_tx_ops));
	ln->tx_hooks = false;
}

/*
 * Under ln->lock, once ln->n_tunnels no longer counts the tunnel, or the
 * netns no longer requires IPsec.
 */
void l2tpfast_tx_hooks_put(struct l2tpfast_net *ln)
{
	if (!ln->n_tunnels && !ln->ipsec.hooks)
		l2tpfast_tx_hooks_put_all(ln);
}
