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

/* Count a packet whose L2TP header (len bytes of L2TP in all) is at p. */
static __always_inline void l2tpfast_rx(struct l2tpfast_tunnel *t,
					struct sock *sk, const u8 *p,
					unsigned int len)
{
	enum l2tpfast_drop why;
	struct l2tpfast_hdr h;

	if (unlikely(!l2tpfast_hdr_parse(p, len, &h, &why))) {
		l2tpfast_stats_drop(&t->stats, why);
		return;
	}
	if (unlikely(h.version != t->version)) {
		l2tpfast_stats_drop(&t->stats, L2TPFAST_DROP_VERSION);
		return;
	}
	if (h.ctrl)
		l2tpfast_stats_count(&t->stats, L2TPFAST_RX, L2TPFAST_CTRL,
				     len, l2tpfast_stamp());
	else
		l2tpfast_rx_data(t, sk, &h, len, l2tpfast_stamp());
}

/* The header is not all in the linear data: count from a copy. */
static noinline void l2tpfast_rx_copy(struct l2tpfast_tunnel *t,
				      struct sock *sk, struct sk_buff *skb,
				      unsigned int len)
{
	u8 buf[L2TPFAST_HDR_PEEK];

	if (skb_copy_bits(skb, sizeof(struct udphdr), buf,
			  l2tpfast_hdr_peek(len))) {
		l2tpfast_stats_drop(&t->stats, L2TPFAST_DROP_TOO_SHORT);
		return;
	}
	l2tpfast_rx(t, sk, buf, len);
}

/*
 * Came through an SA: note it on the tunnel. Did not: fine unless the netns
 * requires IPsec; then it is dropped, counted, before l2tp_core sees it.
 */
static __always_inline bool l2tpfast_rx_ipsec(struct l2tpfast_tunnel *t,
					      const struct sk_buff *skb)
{
	struct xfrm_state *x = l2tpfast_ipsec_rx_state(skb);

	if (x) {
		l2tpfast_sa_rx(&t->sa, x, skb->mark);
		return true;
	}
	if (likely(!l2tpfast_ipsec_required(&t->ln->ipsec)))
		return true;
	l2tpfast_stats_drop(&t->stats, L2TPFAST_DROP_CLEARTEXT);
	return false;
}

/*
 * UDP's encap_rcv for attached sockets; skb->data is the UDP header, whose
 * length UDP has checked. UDP calls it in softirq from
 * ip_local_deliver_finish() or ip6_input_finish(), under rcu_read_lock().
 */
int l2tpfast_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct l2tpfast_tunnel *t = l2tpfast_tunnel_find_sk(sk);
	unsigned int len = skb->len - sizeof(struct udphdr);

	if (likely(t)) {
		if (unlikely(!l2tpfast_rx_ipsec(t, skb))) {
			kfree_skb_reason(skb, SKB_DROP_REASON_XFRM_POLICY);
			return 0;
		}
		if (likely(skb_headlen(skb) >= sizeof(struct udphdr) +
					       l2tpfast_hdr_peek(len)))
			l2tpfast_rx(t, sk, skb->data + sizeof(struct udphdr),
				    len);
		else
			l2tpfast_rx_copy(t, sk, skb, len);
	}
	return l2tp_udp_encap_recv(sk, skb);
}
