/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPsec: a netns's "IPsec required" switch, and the SAs a tunnel's packets
 * go through, learnt from the packets themselves (the secpath of what is
 * received, the xfrm bundle of what is sent).
 */
#ifndef _L2TPFAST_IPSEC_H
#define _L2TPFAST_IPSEC_H

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jump_label.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <net/dst.h>
#include <net/xfrm.h>

#include "stats.h"

struct l2tpfast_net;

/* A netns's switch (l2tpfast_net.ipsec), changed under ln->lock. */
struct l2tpfast_ipsec_net {
	bool required;			/* read locklessly by the fast paths */
	u16 port;			/* host order; 0: attached sockets only */
	bool hooks;			/* its LOCAL_IN hooks are registered */
	struct l2tpfast_stats stats;	/* cleartext for no tunnel */
};

/*
 * What a tunnel's packets showed of their SAs, and the SA it is bound to,
 * if it was attached with a mark: the mark its client's SAs set (fixed
 * from attach on) and the reqid of the first SA its packets came through
 * with it (learnt once; a rekey keeps the reqid). A bound tunnel takes and
 * sends its packets through that client's SA only. Without a mark there
 * is no binding: what the tunnel accepts is as before.
 */
struct l2tpfast_sa {
	spinlock_t lock;		/* writers; readers of the set */
	u32 spi_in;			/* host order; 0: none yet */
	u32 spi_out;
	u32 reqid;
	u32 mark;
	u16 encap_sport;		/* host order; 0: no NAT-T */
	u16 encap_dport;
	u32 changes;
	u32 nat_changes;		/* encap_sport moved (NAT rebinding) */
	unsigned long nat_told;		/* jiffies | 1 of the last one told */
	u32 bind_mark;			/* within bind_mask; set before use */
	u32 bind_mask;			/* 0: no mark bound */
	u32 bind_reqid;			/* valid once bound_reqid is */
	bool bound_reqid;		/* set once, under lock (release) */
};

/* Some netns requires IPsec: the transmit hook looks at more sockets. */
DECLARE_STATIC_KEY_FALSE(l2tpfast_ipsec_used);

static inline bool l2tpfast_ipsec_required(const struct l2tpfast_ipsec_net *n)
{
	return READ_ONCE(n->required);
}

/*
 * Is x an SA between the packet's own addresses? xfrm finds an inbound SA
 * by destination and SPI only: a peer with an SA of its own could send ESP
 * whose decrypted packet claims another peer's address. Tunnel mode is
 * left to its policy's selectors.
 */
static __always_inline bool l2tpfast_ipsec_addr_ok(const struct xfrm_state *x,
						   const struct sk_buff *skb)
{
	if (x->props.mode != XFRM_MODE_TRANSPORT)
		return true;
	if (ip_hdr(skb)->version == 4)
		return xfrm_state_addr_check(x,
				(const xfrm_address_t *)&ip_hdr(skb)->daddr,
				(const xfrm_address_t *)&ip_hdr(skb)->saddr,
				AF_INET);
	return xfrm_state_addr_check(x,
				(const xfrm_address_t *)&ipv6_hdr(skb)->daddr,
				(const xfrm_address_t *)&ipv6_hdr(skb)->saddr,
				AF_INET6);
}

/*
 * The SA a received packet was decrypted by last (the innermost), if one
 * was and it is the packet's own; else NULL: cleartext.
 */
static __always_inline struct xfrm_state *
l2tpfast_ipsec_rx_state(const struct sk_buff *skb)
{
	const struct sec_path *sp = skb_sec_path(skb);
	struct xfrm_state *x;

	if (!sp || sp->len <= 0)
		return NULL;
	x = sp->xvec[sp->len - 1];
	return l2tpfast_ipsec_addr_ok(x, skb) ? x : NULL;
}

static __always_inline u16 l2tpfast_ipsec_encap_sport(const struct xfrm_state *x)
{
	const struct xfrm_encap_tmpl *e = READ_ONCE(x->encap);

	return e ? ntohs(READ_ONCE(e->encap_sport)) : 0;
}

bool l2tpfast_sa_rx_change(struct l2tpfast_sa *sa, const struct xfrm_state *x,
			   u32 mark);
void l2tpfast_sa_tx_change(struct l2tpfast_sa *sa, const struct xfrm_state *x);

/*
 * A packet of the tunnel came through x: note a change, cheaply otherwise.
 * True if the peer's NAT-T port moved (NAT rebinding): the caller reports it.
 */
static __always_inline bool l2tpfast_sa_rx(struct l2tpfast_sa *sa,
					   const struct xfrm_state *x, u32 mark)
{
	if (likely(READ_ONCE(sa->spi_in) == ntohl(x->id.spi) &&
		   READ_ONCE(sa->mark) == mark &&
		   READ_ONCE(sa->encap_sport) == l2tpfast_ipsec_encap_sport(x)))
		return false;
	return l2tpfast_sa_rx_change(sa, x, mark);
}

static __always_inline void l2tpfast_sa_tx(struct l2tpfast_sa *sa,
					   const struct xfrm_state *x)
{
	if (unlikely(READ_ONCE(sa->spi_out) != ntohl(x->id.spi)))
		l2tpfast_sa_tx_change(sa, x);
}

bool l2tpfast_sa_bind_reqid(struct l2tpfast_sa *sa, const struct xfrm_state *x);

/* The reqid the tunnel is bound to, if it learnt one yet. */
static __always_inline bool l2tpfast_sa_reqid(const struct l2tpfast_sa *sa,
					      u32 *reqid)
{
	/* Pairs with the release in l2tpfast_sa_bind_reqid(). */
	if (!smp_load_acquire(&sa->bound_reqid))
		return false;
	*reqid = READ_ONCE(sa->bind_reqid);
	return true;
}

/* Was the tunnel attached bound to its client's SA (a mark)? */
static __always_inline bool l2tpfast_sa_bound(const struct l2tpfast_sa *sa)
{
	return sa->bind_mask != 0;
}

/*
 * The mark x sets on what it decrypts (set_mark): the SA's own, not
 * skb->mark, which netfilter may have changed since.
 */
static __always_inline u32 l2tpfast_ipsec_smark(const struct xfrm_state *x)
{
	return x->props.smark.v & x->props.smark.m;
}

/*
 * May a packet carrying the tunnel's ids, received through x (NULL:
 * cleartext), be the tunnel's? Unbound: yes. Bound: if x sets the bound
 * mark and has the bound reqid; the first such one binds the reqid.
 */
static __always_inline bool l2tpfast_sa_rx_ok(struct l2tpfast_sa *sa,
					      const struct xfrm_state *x)
{
	u32 reqid;

	if (likely(!l2tpfast_sa_bound(sa)))
		return true;
	if (!x || (l2tpfast_ipsec_smark(x) & sa->bind_mask) != sa->bind_mark)
		return false;
	if (likely(l2tpfast_sa_reqid(sa, &reqid)))
		return x->props.reqid == reqid;
	return l2tpfast_sa_bind_reqid(sa, x);
}

/*
 * May the tunnel send through x (the SA its packet's route leads to)? If
 * it is bound to a mark, only through an SA of that mark: the one its
 * socket's SO_MARK selects, not one another client's packets would take.
 * The reqid is not compared: an SA pair keyed by hand may have one per
 * direction (IKE gives both the same).
 */
static __always_inline bool l2tpfast_sa_tx_ok(const struct l2tpfast_sa *sa,
					      const struct xfrm_state *x)
{
	return !l2tpfast_sa_bound(sa) ||
	       (x->mark.v & sa->bind_mask) == sa->bind_mark;
}

void l2tpfast_sa_init(struct l2tpfast_sa *sa, u32 mark, u32 mask);
int l2tpfast_sa_fill(struct sk_buff *msg, int attrtype, struct l2tpfast_sa *sa);

/* Count cleartext L2TP the netns dropped for no tunnel. */
void l2tpfast_ipsec_drop_net(struct l2tpfast_net *ln, enum l2tpfast_drop why);

int l2tpfast_ipsec_set(struct l2tpfast_net *ln, bool required, u16 port);
int l2tpfast_ipsec_fill(struct sk_buff *msg, struct l2tpfast_net *ln);
int l2tpfast_ipsec_net_init(struct l2tpfast_net *ln);
void l2tpfast_ipsec_net_pre_exit(struct l2tpfast_net *ln);
void l2tpfast_ipsec_net_exit(struct l2tpfast_net *ln);

#endif /* _L2TPFAST_IPSEC_H */
