// SPDX-License-Identifier: GPL-2.0
/*
 * The receive fast path: l2tpfast's encap_rcv on an attached tunnel's UDP
 * socket. It notes the IPsec SA the packet came through, counts it on its
 * tunnel and session, then hands it to l2tp_core unchanged; l2tp_core
 * decides what happens to it. The one exception: cleartext while the netns
 * requires IPsec is dropped here (ipsec.c).
 *
 * Runs in softirq under RCU: no lock, no allocation. A data packet for a
 * session id l2tpfast does not track is either one l2tp_core does not know
 * either (a drop, counted on the tunnel) or a session l2tpfast has not heard
 * of yet, which the sync is asked to learn; nothing is ever created from
 * packet contents.
 */

#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "compat.h"
#include "hdr.h"
#include "ipsec.h"
#include "rx.h"
#include "session.h"
#include "sync.h"
#include "tunnel.h"

/*
 * The session l2tp_core gives a data packet to: inside the receiving
 * tunnel, except on 6.12 for an L2TPv2 packet carrying another tunnel's id
 * (it looks sessions up per netns). That one is not ours to learn.
 */
static bool l2tpfast_rx_own_session(const struct l2tpfast_tunnel *t,
				    const struct l2tpfast_hdr *h)
{
	return h->version == 3 || h->tunnel_id == t->id ||
	       !L2TPFAST_KERNEL_NETNS_SESSION_LOOKUP;
}

/* Sessions a tunnel's packets may ask the sync to learn per second. */
#define L2TPFAST_RX_LEARN_PER_SEC	16

/*
 * Ask the sync to learn a session l2tp_core has and l2tpfast does not
 * track? Not session 0 (a tunnel-management socket's), not one it could
 * not learn a moment ago, not while the sync cannot ask l2tp_core, and not
 * more than a few a second per tunnel: packets, spoofed or not, must not
 * keep it busy. Racy across CPUs by design: a bound, not a count.
 */
static noinline bool l2tpfast_rx_may_ask(struct l2tpfast_tunnel *t, u32 sid)
{
	unsigned long now = jiffies, until, window;
	unsigned int asks;

	if (!sid || !READ_ONCE(t->ln->sync.nl_open))
		return false;
	/* A time more than a second ahead is one that wrapped: past. */
	until = READ_ONCE(t->nolearn_until);
	if (sid == READ_ONCE(t->nolearn_sid) && time_before(now, until) &&
	    !time_after(until, now + HZ))
		return false;
	asks = READ_ONCE(t->learn_asks);
	window = READ_ONCE(t->learn_window);
	if (time_after_eq(now, window) || time_after(window, now + HZ)) {
		WRITE_ONCE(t->learn_window, now + HZ);
		asks = 0;
	} else if (asks >= L2TPFAST_RX_LEARN_PER_SEC) {
		return false;
	}
	WRITE_ONCE(t->learn_asks, asks + 1);
	return true;
}

static __always_inline void l2tpfast_rx_data(struct l2tpfast_tunnel *t,
					     struct sock *sk,
					     const struct l2tpfast_hdr *h,
					     unsigned int len,
					     unsigned long now)
{
	bool own = l2tpfast_rx_own_session(t, h);
	struct l2tpfast_session *s = NULL;

	if (unlikely(len < L2TP_CORE_MIN_LEN)) {
		l2tpfast_stats_drop(&t->stats, L2TPFAST_DROP_TOO_SHORT);
		return;
	}
	if (own)
		s = l2tpfast_session_find_rx(t, h->session_id);
	if (likely(s)) {
		l2tpfast_stats_count(&s->stats, L2TPFAST_RX, L2TPFAST_DATA,
				     len, now);
	} else {
		if (!l2tpfast_core_has_session(sock_net(sk), sk, h->version,
					       h->tunnel_id, h->session_id)) {
			l2tpfast_stats_drop(&t->stats,
					    L2TPFAST_DROP_NO_SESSION);
			return;
		}
		if (own && l2tpfast_rx_may_ask(t, h->session_id))
			l2tpfast_sync_ask(t->ln, L2TPFAST_ASK_LEARN, t->id,
					  h->session_id);
	}
	l2tpfast_stats_count(&t->stats, L2TPFAST_RX, L2TPFAST_DATA, len, now);
}

/*
 * A packet of t came through x: the SA beside it follows, and a NAT
 * rebinding is reported from process context (the sync work).
 */
static __always_inline void l2tpfast_rx_sa(struct l2tpfast_tunnel *t,
					   const struct xfrm_state *x, u32 mark)
{
	if (unlikely(l2tpfast_sa_rx(&t->sa, x, mark)))
		l2tpfast_sync_ask(t->ln, L2TPFAST_ASK_NAT, t->id, 0);
}

/* Count a parsed packet of t, received on (or handed to) t's socket. */
static __always_inline void l2tpfast_rx(struct l2tpfast_tunnel *t,
					const struct l2tpfast_hdr *h,
					unsigned int len)
{
	if (unlikely(h->version != t->version)) {
		l2tpfast_stats_drop(&t->stats, L2TPFAST_DROP_VERSION);
		return;
	}
	if (h->ctrl)
		l2tpfast_stats_count(&t->stats, L2TPFAST_RX, L2TPFAST_CTRL,
				     len, l2tpfast_stamp());
	else
		l2tpfast_rx_data(t, t->sk, h, len, l2tpfast_stamp());
}

/* The header is not all in the linear data: parse a copy. */
static noinline bool l2tpfast_rx_parse_copy(struct sk_buff *skb,
					    unsigned int len,
					    struct l2tpfast_hdr *h,
					    enum l2tpfast_drop *why)
{
	u8 buf[L2TPFAST_HDR_PEEK];

	if (skb_copy_bits(skb, sizeof(struct udphdr), buf,
			  l2tpfast_hdr_peek(len))) {
		*why = L2TPFAST_DROP_TOO_SHORT;
		return false;
	}
	return l2tpfast_hdr_parse(buf, len, h, why);
}

/*
 * Did skb come from the peer o's socket is connected to, to the address
 * and port it is bound to? Then it could as well have been delivered
 * there. A socket connected to no peer takes what UDP gives it; it is
 * another's only while o is bound to no SA.
 */
static bool l2tpfast_rx_same_flow(const struct l2tpfast_tunnel *o,
				  const struct sk_buff *skb)
{
	const struct sock *sk = o->sk;
	const struct inet_sock *inet = inet_sk(sk);
	const struct udphdr *uh = udp_hdr(skb);
	__be16 dport = READ_ONCE(inet->inet_dport);

	if (!dport)
		return !l2tpfast_sa_bound(&o->sa);
	if (dport != uh->source || READ_ONCE(inet->inet_sport) != uh->dest)
		return false;
	if (ip_hdr(skb)->version == 4) {
		__be32 daddr = READ_ONCE(inet->inet_daddr);
		__be32 saddr = READ_ONCE(inet->inet_rcv_saddr);

#if IS_ENABLED(CONFIG_IPV6)
		/* l2tp_core takes IPv6 sockets with v4-mapped peers too. */
		if (sk->sk_family == AF_INET6) {
			if (!ipv6_addr_v4mapped(&sk->sk_v6_daddr))
				return false;
			daddr = sk->sk_v6_daddr.s6_addr32[3];
			saddr = ipv6_addr_any(&sk->sk_v6_rcv_saddr) ? 0 :
				sk->sk_v6_rcv_saddr.s6_addr32[3];
		}
#endif
		return daddr == ip_hdr(skb)->saddr &&
		       (!saddr || saddr == ip_hdr(skb)->daddr);
	}
#if IS_ENABLED(CONFIG_IPV6)
	return sk->sk_family == AF_INET6 &&
	       ipv6_addr_equal(&sk->sk_v6_daddr, &ipv6_hdr(skb)->saddr) &&
	       (ipv6_addr_any(&sk->sk_v6_rcv_saddr) ||
		ipv6_addr_equal(&sk->sk_v6_rcv_saddr, &ipv6_hdr(skb)->daddr));
#else
	return false;
#endif
}

/*
 * An L2TPv2 packet on t's socket that names another tunnel. Clients behind
 * one NAT, all from port 1701, share one address and port pair: UDP hands
 * their packets to any of their tunnels' sockets. One that names an
 * attached tunnel o is o's, if it came from o's peer address and port and
 * through o's SA (the only way to tell those clients apart): o is
 * returned. One that names o from elsewhere is dropped, counted on t
 * (anyone could name o); one from o's peer through another SA is dropped,
 * counted on o: NULL. Tunnel id 0 (an SCCRQ) is nobody's yet: the LNS
 * reads it off t's socket. Neither is an id no attached tunnel has: both
 * stay with t (returned), as before.
 */
static noinline struct l2tpfast_tunnel *
l2tpfast_rx_other(struct l2tpfast_tunnel *t, const struct sk_buff *skb,
		  const struct l2tpfast_hdr *h, const struct xfrm_state *x)
{
	struct l2tpfast_tunnel *o;

	if (!h->tunnel_id)
		return t;
	o = l2tpfast_tunnel_find(t->ln, h->tunnel_id);
	if (!o || o->version != 2)
		return t;
	if (!l2tpfast_rx_same_flow(o, skb)) {
		l2tpfast_stats_drop(&t->stats, L2TPFAST_DROP_BINDING);
		return NULL;
	}
	/*
	 * A new tunnel's first packets (its SCCCN) may all come to an older
	 * one's socket: o may learn its reqid from one, its mark having
	 * said whose SA it is.
	 */
	if (l2tpfast_sa_rx_ok(&o->sa, x))
		return o;
	l2tpfast_stats_drop(&o->stats, L2TPFAST_DROP_BINDING);
	return NULL;
}

/*
 * Cleartext while the netns requires IPsec: dropped here, counted on the
 * tunnel whose socket it came to, before l2tp_core sees it.
 */
static __always_inline bool l2tpfast_rx_cleartext_ok(struct l2tpfast_tunnel *t)
{
	if (likely(!l2tpfast_ipsec_required(&t->ln->ipsec)))
		return true;
	l2tpfast_stats_drop(&t->stats, L2TPFAST_DROP_CLEARTEXT);
	return false;
}

/*
 * Everything but the common case (l2tpfast_encap_recv()): a tunnel bound to
 * an SA, a v2 packet naming another tunnel, a header not all in the linear
 * data. Returns what UDP's encap_rcv returns.
 */
static noinline int l2tpfast_rx_slow(struct l2tpfast_tunnel *t,
				     struct sock *sk, struct sk_buff *skb,
				     struct xfrm_state *x, unsigned int len)
{
	struct l2tpfast_tunnel *o;
	enum l2tpfast_drop why;
	struct l2tpfast_hdr h;
	bool parsed;

	if (skb_headlen(skb) >= sizeof(struct udphdr) + l2tpfast_hdr_peek(len))
		parsed = l2tpfast_hdr_parse(skb->data + sizeof(struct udphdr),
					    len, &h, &why);
	else
		parsed = l2tpfast_rx_parse_copy(skb, len, &h, &why);
	if (unlikely(!parsed)) {
		/*
		 * Not L2TP as l2tpfast reads it: l2tp_core has its say (it
		 * hands control messages to the LNS), if it came the way t
		 * is bound.
		 */
		if (!l2tpfast_sa_rx_ok(&t->sa, x))
			goto drop_binding;
		l2tpfast_stats_drop(&t->stats, why);
		return l2tp_udp_encap_recv(sk, skb);
	}
	if (h.version == 2 && h.tunnel_id != t->id) {
		o = l2tpfast_rx_other(t, skb, &h, x);
		if (!o)
			goto drop;
		if (o == t) {
			/*
			 * Named no attached tunnel. 6.1's l2tp_core finds a
			 * data packet's session in t all the same: only
			 * through t's SA.
			 */
			if (!h.ctrl && !L2TPFAST_KERNEL_NETNS_SESSION_LOOKUP &&
			    !l2tpfast_sa_rx_ok(&t->sa, x))
				goto drop_binding;
			l2tpfast_rx(t, &h, len);
			return l2tp_udp_encap_recv(sk, skb);
		}
		t = o;
	} else if (!l2tpfast_sa_rx_ok(&t->sa, x)) {
		goto drop_binding;
	}
	if (x)
		l2tpfast_rx_sa(t, x, skb->mark);
	l2tpfast_rx(t, &h, len);
	return l2tp_udp_encap_recv(t->sk, skb);

drop_binding:
	l2tpfast_stats_drop(&t->stats, L2TPFAST_DROP_BINDING);
drop:
	kfree_skb_reason(skb, SKB_DROP_REASON_XFRM_POLICY);
	return 0;
}

/*
 * UDP's encap_rcv for attached sockets; skb->data is the UDP header, whose
 * length UDP has checked. UDP calls it in softirq from
 * ip_local_deliver_finish() or ip6_input_finish(), under rcu_read_lock().
 * The packet goes to l2tp_core on the socket of the tunnel it is for: the
 * one it came to, or the one it names among those sharing its addresses
 * and ports (l2tpfast_rx_other()). A control message l2tp_core hands back
 * is queued on the socket it came to all the same: the LNS reads it there
 * and goes by the id it names. The common case (a tunnel bound to no SA,
 * a packet for it, its header in the linear data) stays here.
 */
int l2tpfast_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct l2tpfast_tunnel *t = l2tpfast_tunnel_find_sk(sk);
	unsigned int len = skb->len - sizeof(struct udphdr);
	struct xfrm_state *x;
	enum l2tpfast_drop why;
	struct l2tpfast_hdr h;

	if (unlikely(!t))
		return l2tp_udp_encap_recv(sk, skb);
	x = l2tpfast_ipsec_rx_state(skb);
	if (unlikely(!x && !l2tpfast_rx_cleartext_ok(t))) {
		kfree_skb_reason(skb, SKB_DROP_REASON_XFRM_POLICY);
		return 0;
	}
	if (unlikely(l2tpfast_sa_bound(&t->sa) ||
		     skb_headlen(skb) < sizeof(struct udphdr) +
					l2tpfast_hdr_peek(len)))
		return l2tpfast_rx_slow(t, sk, skb, x, len);
	if (unlikely(!l2tpfast_hdr_parse(skb->data + sizeof(struct udphdr),
					 len, &h, &why))) {
		/* Not L2TP as l2tpfast reads it: l2tp_core has its say. */
		l2tpfast_stats_drop(&t->stats, why);
		return l2tp_udp_encap_recv(sk, skb);
	}
	if (unlikely(h.version == 2 && h.tunnel_id != t->id))
		return l2tpfast_rx_slow(t, sk, skb, x, len);
	if (x)
		l2tpfast_rx_sa(t, x, skb->mark);
	l2tpfast_rx(t, &h, len);
	return l2tp_udp_encap_recv(sk, skb);
}
