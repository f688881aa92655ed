// SPDX-License-Identifier: GPL-2.0
/*
 * IPsec required, and the SAs of a tunnel.
 *
 * With the switch on, L2TP must come and go through an xfrm SA:
 *  - received: a LOCAL_IN hook drops UDP to the LNS's port (ipsec-port)
 *    that carries no secpath, before any socket sees it; the receive path
 *    (rx.c) does the same for attached tunnels' sockets, on any port, and
 *    counts it on the tunnel.
 *    Transport-mode ESP is decrypted before LOCAL_IN, so what came through
 *    an SA passes it with its secpath.
 *  - sent: the transmit hook (tx.c) drops a packet of an attached tunnel's
 *    socket, or of any UDP socket on ipsec-port, whose route has no xfrm
 *    bundle: IPsec would not transform it.
 * A drop is counted on the attached tunnel whose socket the packet was
 * for (found as UDP finds it, never from the ids it carries), else on the
 * netns. Nothing needs iptables, nftables or the IKE daemon.
 *
 * While a netns requires IPsec, the module cannot be unloaded: that would
 * take the enforcement away without anyone asking.
 *
 * A tunnel's SAs are taken from its packets: the state that decrypted the
 * last received one (SPI, reqid, NAT-T ports, the mark the packet carries)
 * and the one the last sent one was routed through (SPI). The fast paths
 * compare and take the lock only when something changed (a rekey, a NAT
 * rebinding).
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include <uapi/linux/l2tpfast.h>

#include "ipsec.h"
#include "sock.h"
#include "tunnel.h"
#include "tx.h"

DEFINE_STATIC_KEY_FALSE(l2tpfast_ipsec_used);

/* Before the tunnel is published: the fast paths read the mark plainly. */
void l2tpfast_sa_init(struct l2tpfast_sa *sa, u32 mark, u32 mask)
{
	spin_lock_init(&sa->lock);
	sa->bind_mark = mark & mask;
	sa->bind_mask = mask;
}

/* The tunnel's first packet through an SA: bind its reqid. Is it x's? */
bool l2tpfast_sa_bind_reqid(struct l2tpfast_sa *sa, const struct xfrm_state *x)
{
	bool ok;

	spin_lock_bh(&sa->lock);
	if (!sa->bound_reqid) {
		WRITE_ONCE(sa->bind_reqid, x->props.reqid);
		/* The reqid first: l2tpfast_sa_reqid() acquires the flag. */
		smp_store_release(&sa->bound_reqid, true);
	}
	ok = sa->bind_reqid == x->props.reqid;
	spin_unlock_bh(&sa->lock);
	return ok;
}

/*
 * A NAT rebinding is the peer's NAT-T port moving from one port to another
 * under the same client's SAs (same reqid: its IKE daemon updated the SA,
 * or a rekey came from the new port). Not the first SA, not a change to or
 * from no UDP encapsulation, and not another client's SA (which an unbound
 * tunnel may see): only the local IKE daemon can make one, never a packet.
 * Each is counted; it is told (true) at most once a second per tunnel, so
 * two SAs of one client flapping between ports cannot flood the sync work.
 */
bool l2tpfast_sa_rx_change(struct l2tpfast_sa *sa, const struct xfrm_state *x,
			   u32 mark)
{
	const struct xfrm_encap_tmpl *e;
	u32 spi = ntohl(x->id.spi);
	bool nat = false;
	u16 sport;

	spin_lock_bh(&sa->lock);
	e = READ_ONCE(x->encap);
	sport = e ? ntohs(READ_ONCE(e->encap_sport)) : 0;
	if (sa->spi_in && sa->spi_in != spi)
		sa->changes++;
	if (sa->encap_sport && sport && sa->encap_sport != sport &&
	    sa->reqid == x->props.reqid) {
		sa->nat_changes++;
		if (!sa->nat_told ||
		    !time_in_range(jiffies, sa->nat_told, sa->nat_told + HZ)) {
			sa->nat_told = jiffies | 1;	/* 0: never */
			nat = true;
		}
	}
	WRITE_ONCE(sa->spi_in, spi);
	sa->reqid = x->props.reqid;
	WRITE_ONCE(sa->mark, mark);
	WRITE_ONCE(sa->encap_sport, sport);
	sa->encap_dport = e ? ntohs(READ_ONCE(e->encap_dport)) : 0;
	spin_unlock_bh(&sa->lock);
	return nat;
}

void l2tpfast_sa_tx_change(struct l2tpfast_sa *sa, const struct xfrm_state *x)
{
	spin_lock_bh(&sa->lock);
	WRITE_ONCE(sa->spi_out, ntohl(x->id.spi));
	spin_unlock_bh(&sa->lock);
}

/* The tunnel's ipsec nest; nothing if no packet of it went through an SA. */
int l2tpfast_sa_fill(struct sk_buff *msg, int attrtype, struct l2tpfast_sa *sa)
{
	struct l2tpfast_sa v = {};
	struct nlattr *nest;

	spin_lock_bh(&sa->lock);
	v.spi_in = sa->spi_in;
	v.spi_out = sa->spi_out;
	v.reqid = sa->reqid;
	v.mark = sa->mark;
	v.encap_sport = sa->encap_sport;
	v.encap_dport = sa->encap_dport;
	v.changes = sa->changes;
	v.nat_changes = sa->nat_changes;
	v.bind_mark = sa->bind_mark;
	v.bind_mask = sa->bind_mask;
	v.bind_reqid = sa->bind_reqid;
	v.bound_reqid = sa->bound_reqid;
	spin_unlock_bh(&sa->lock);
	if (!v.spi_in && !v.spi_out && !v.bind_mask && !v.bound_reqid)
		return 0;
	nest = nla_nest_start(msg, attrtype);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, L2TPFAST_A_IPSEC_SPI_IN, v.spi_in) ||
	    nla_put_u32(msg, L2TPFAST_A_IPSEC_SPI_OUT, v.spi_out) ||
	    nla_put_u32(msg, L2TPFAST_A_IPSEC_REQID, v.reqid) ||
	    nla_put_u32(msg, L2TPFAST_A_IPSEC_MARK, v.mark) ||
	    nla_put_u32(msg, L2TPFAST_A_IPSEC_CHANGES, v.changes) ||
	    nla_put_u32(msg, L2TPFAST_A_IPSEC_NAT_CHANGES, v.nat_changes) ||
	    (v.encap_sport &&
	     (nla_put_u16(msg, L2TPFAST_A_IPSEC_ENCAP_SPORT, v.encap_sport) ||
	      nla_put_u16(msg, L2TPFAST_A_IPSEC_ENCAP_DPORT, v.encap_dport))) ||
	    (v.bind_mask &&
	     (nla_put_u32(msg, L2TPFAST_A_IPSEC_BOUND_MARK, v.bind_mark) ||
	      nla_put_u32(msg, L2TPFAST_A_IPSEC_BOUND_MASK, v.bind_mask))) ||
	    (v.bound_reqid &&
	     nla_put_u32(msg, L2TPFAST_A_IPSEC_BOUND_REQID, v.bind_reqid))) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* In softirq, or between l2tpfast_stats_enter() and _exit(). */
void l2tpfast_ipsec_drop_net(struct l2tpfast_net *ln, enum l2tpfast_drop why)
{
	l2tpfast_stats_drop(&ln->ipsec.stats, why);
}

/*
 * Where a received packet's UDP header is: >= 0; -1 if it is no UDP;
 * -2 if it cannot be told (a UDP fragment, an extension header chain that
 * does not parse): with IPsec required, that is dropped. IPv4 is reassembled
 * before LOCAL_IN; IPv6 is while IPsec is required (nf_defrag_ipv6), so a
 * datagram cannot hide its port in a later fragment.
 */
static int l2tpfast_ipsec_udp_offset(struct sk_buff *skb, u8 pf)
{
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_UDP)
			return -1;
		if (ip_is_fragment(iph))
			return -2;
		return skb_network_offset(skb) + ip_hdrlen(skb);
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (pf == NFPROTO_IPV6) {
		/* AH is undone after LOCAL_IN: stop there, it comes back. */
		int flags = IP6_FH_F_AUTH, proto;
		unsigned int off = 0;
		unsigned short frag = 0;

		if (likely(ipv6_hdr(skb)->nexthdr == IPPROTO_UDP))
			return skb_network_offset(skb) + sizeof(struct ipv6hdr);
		proto = ipv6_find_hdr(skb, &off, -1, &frag, &flags);
		if (proto < 0)
			return -2;
		if (proto != IPPROTO_UDP)
			return -1;
		return (flags & IP6_FH_F_FRAG) ? -2 : off;
	}
#endif
	return -1;
}

/*
 * The attached tunnel whose socket a cleartext packet is for, to count it
 * there: the socket UDP would give it to, not a tunnel id the packet names
 * (anyone can name one). Only cleartext to ipsec-port in a netns that
 * requires IPsec pays for this lookup. Under rcu_read_lock().
 */
static struct l2tpfast_tunnel *
l2tpfast_ipsec_tunnel_of(struct sk_buff *skb, u8 pf, const struct udphdr *uh,
			 const struct nf_hook_state *state)
{
	struct l2tpfast_tunnel *t = NULL;
	struct sock *sk = NULL;

	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		sk = udp4_lib_lookup(state->net, iph->saddr, uh->source,
				     iph->daddr, uh->dest, inet_iif(skb));
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (pf == NFPROTO_IPV6) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		sk = udp6_lib_lookup(state->net, &ip6h->saddr, uh->source,
				     &ip6h->daddr, uh->dest, inet6_iif(skb));
	}
#endif
	if (!sk)
		return NULL;
	if (sk->sk_type == SOCK_DGRAM && sk->sk_protocol == IPPROTO_UDP &&
	    l2tpfast_sock_is_attached(sk))
		t = l2tpfast_tunnel_find_sk(sk);
	sock_put(sk);
	return t;
}

/*
 * LOCAL_IN of a netns that requires IPsec: UDP to ipsec-port without a
 * secpath of its own is dropped, counted on the attached tunnel whose
 * socket it is for, else on the netns; so is what cannot be told apart
 * from it. Under rcu_read_lock(), in softirq.
 */
static unsigned int l2tpfast_ipsec_in(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct l2tpfast_net *ln = l2tpfast_net(state->net);
	struct l2tpfast_tunnel *t = NULL;
	const struct udphdr *uh;
	struct udphdr _uh;
	u16 port;
	int off;

	if (!l2tpfast_ipsec_required(&ln->ipsec) ||
	    l2tpfast_ipsec_rx_state(skb))
		return NF_ACCEPT;
	off = l2tpfast_ipsec_udp_offset(skb, state->pf);
	if (off == -1)
		return NF_ACCEPT;
	port = READ_ONCE(ln->ipsec.port);
	if (off >= 0) {
		uh = skb_header_pointer(skb, off, sizeof(_uh), &_uh);
		if (uh && (!port || uh->dest != htons(port)))
			return NF_ACCEPT;
		if (uh)
			t = l2tpfast_ipsec_tunnel_of(skb, state->pf, uh, state);
	}
	if (t)
		l2tpfast_stats_drop(&t->stats, L2TPFAST_DROP_CLEARTEXT);
	else
		l2tpfast_ipsec_drop_net(ln, L2TPFAST_DROP_CLEARTEXT);
	return NF_DROP;
}

static const struct nf_hook_ops l2tpfast_ipsec_in_ops[] = {
	{
		.hook = l2tpfast_ipsec_in,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_FIRST,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = l2tpfast_ipsec_in,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_FIRST,
	},
#endif
};

/*
 * IPv6 fragments pass LOCAL_IN one by one and are put together after it:
 * a datagram's port could hide in a later one. Reassembly before the hooks
 * (as conntrack and the socket match have it) closes that.
 */
static int l2tpfast_ipsec_defrag_get(struct l2tpfast_net *ln)
{
#if IS_ENABLED(CONFIG_NF_DEFRAG_IPV6)
	return nf_defrag_ipv6_enable(ln->net);
#else
	return 0;
#endif
}

static void l2tpfast_ipsec_defrag_put(struct l2tpfast_net *ln)
{
#if IS_ENABLED(CONFIG_NF_DEFRAG_IPV6)
	nf_defrag_ipv6_disable(ln->net);
#endif
}

/* Under ln->lock. */
static void l2tpfast_ipsec_off(struct l2tpfast_net *ln)
{
	if (!ln->ipsec.hooks)
		return;
	WRITE_ONCE(ln->ipsec.required, false);
	nf_unregister_net_hooks(ln->net, l2tpfast_ipsec_in_ops,
				ARRAY_SIZE(l2tpfast_ipsec_in_ops));
	l2tpfast_ipsec_defrag_put(ln);
	ln->ipsec.hooks = false;
	static_branch_dec(&l2tpfast_ipsec_used);
	l2tpfast_tx_hooks_put(ln);
	module_put(THIS_MODULE);
}

/* Under ln->lock: hooks first, then the switch the fast paths read. */
static int l2tpfast_ipsec_on(struct l2tpfast_net *ln)
{
	int err;

	if (ln->ipsec.hooks)
		return 0;
	if (!IS_ENABLED(CONFIG_XFRM))
		return -EOPNOTSUPP;
	/* rmmod may be past its refcount check, before genl is gone. */
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	err = l2tpfast_ipsec_defrag_get(ln);
	if (err)
		goto err_module;
	err = l2tpfast_tx_hooks_get(ln);
	if (err)
		goto err_defrag;
	err = nf_register_net_hooks(ln->net, l2tpfast_ipsec_in_ops,
				    ARRAY_SIZE(l2tpfast_ipsec_in_ops));
	if (err)
		goto err_tx;
	ln->ipsec.hooks = true;
	static_branch_inc(&l2tpfast_ipsec_used);
	WRITE_ONCE(ln->ipsec.required, true);
	return 0;

err_tx:
	l2tpfast_tx_hooks_put(ln);
err_defrag:
	l2tpfast_ipsec_defrag_put(ln);
err_module:
	module_put(THIS_MODULE);
	return err;
}

/* Under ln->lock. */
int l2tpfast_ipsec_set(struct l2tpfast_net *ln, bool required, u16 port)
{
	u16 old = ln->ipsec.port;
	int err = 0;

	if (ln->dying)
		return -ENODEV;
	/* The new port first: never the old one enforced in between. */
	WRITE_ONCE(ln->ipsec.port, port);
	if (required)
		err = l2tpfast_ipsec_on(ln);
	else
		l2tpfast_ipsec_off(ln);
	if (err)
		WRITE_ONCE(ln->ipsec.port, old);
	return err;
}

/* Under ln->lock: the switch and the netns's figures. */
int l2tpfast_ipsec_fill(struct sk_buff *msg, struct l2tpfast_net *ln)
{
	struct l2tpfast_counters c;

	l2tpfast_stats_read(&ln->ipsec.stats, &c);
	if (nla_put_u8(msg, L2TPFAST_A_NET_IPSEC_REQUIRED, ln->ipsec.required) ||
	    nla_put_u16(msg, L2TPFAST_A_NET_IPSEC_PORT, ln->ipsec.port) ||
	    nla_put_u64_64bit(msg, L2TPFAST_A_NET_RX_DROP_CLEARTEXT,
			      c.drops[L2TPFAST_DROP_CLEARTEXT],
			      L2TPFAST_A_NET_PAD) ||
	    nla_put_u64_64bit(msg, L2TPFAST_A_NET_TX_DROP_CLEARTEXT,
			      c.drops[L2TPFAST_DROP_TX_CLEARTEXT],
			      L2TPFAST_A_NET_PAD))
		return -EMSGSIZE;
	return 0;
}

int l2tpfast_ipsec_net_init(struct l2tpfast_net *ln)
{
	return l2tpfast_stats_init(&ln->ipsec.stats, true);
}

/* Under ln->lock, as the netns goes: no hook of ours is left in it. */
void l2tpfast_ipsec_net_pre_exit(struct l2tpfast_net *ln)
{
	l2tpfast_ipsec_off(ln);
}

/* After a grace period: no hook runs with ln any more. */
void l2tpfast_ipsec_net_exit(struct l2tpfast_net *ln)
{
	l2tpfast_stats_free(&ln->ipsec.stats);
}
