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

#include <linux/ktime.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/sock.h>

#include "hdr.h"
#include "session.h"
#include "tunnel.h"
#include "tx.h"

static void l2tpfast_tx_data(struct l2tpfast_tunnel *t,
			     const struct l2tpfast_hdr *h, unsigned int len,
			     u64 now)
{
	struct l2tpfast_session *s;

	l2tpfast_stats_count(&t->stats, L2TPFAST_TX, L2TPFAST_DATA, len, now);
	s = l2tpfast_session_find_peer(t, h->session_id);
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
 * Is this the socket's own UDP datagram? Once IPsec has transformed it,
 * the same socket's packet passes LOCAL_OUT again as ESP (or as UDP from
 * the NAT-T port) and must not be counted twice.
 */
static bool l2tpfast_tx_is_own_udp(const struct sock *sk,
				   const struct sk_buff *skb, unsigned int *len)
{
	int off = skb_transport_offset(skb);
	struct udphdr _uh;
	const struct udphdr *uh;

	if (off < 0 || skb->len < off + sizeof(*uh))
		return false;
	uh = skb_header_pointer(skb, off, sizeof(_uh), &_uh);
	if (!uh || uh->source != inet_sk(sk)->inet_sport ||
	    ntohs(uh->len) != skb->len - off)
		return false;
	*len = skb->len - off - sizeof(*uh);
	return true;
}

static void l2tpfast_tx(struct l2tpfast_tunnel *t, struct sk_buff *skb)
{
	unsigned int off = skb_transport_offset(skb) + sizeof(struct udphdr);
	enum l2tpfast_drop why;
	struct l2tpfast_hdr h;
	unsigned int len;
	u64 now;

	if (!l2tpfast_tx_is_own_udp(t->sk, skb, &len))
		return;
	if (!l2tpfast_hdr_parse(skb, off, len, &h, &why))
		return;
	now = ktime_get_coarse_real_ns();
	l2tpfast_tx_learn_peer(t, &h);
	if (h.ctrl)
		l2tpfast_stats_count(&t->stats, L2TPFAST_TX, L2TPFAST_CTRL,
				     len, now);
	else
		l2tpfast_tx_data(t, &h, len, now);
}

static unsigned int l2tpfast_tx_hook(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct sock *sk = state->sk;
	struct l2tpfast_tunnel *t;

	if (!sk || !sk_fullsock(sk) || sk->sk_protocol != IPPROTO_UDP)
		return NF_ACCEPT;

	/* Counters are per CPU and also written by the rx softirq. */
	local_bh_disable();
	rcu_read_lock();
	t = l2tpfast_tunnel_find_sk(sk);
	if (t)
		l2tpfast_tx(t, skb);
	rcu_read_unlock();
	local_bh_enable();
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

/* Under ln->lock: one more attached tunnel in this netns. */
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

/* Under ln->lock, once ln->n_tunnels no longer counts the tunnel. */
void l2tpfast_tx_hooks_put(struct l2tpfast_net *ln)
{
	if (ln->n_tunnels || !ln->tx_hooks)
		return;
	nf_unregister_net_hooks(ln->net, l2tpfast_tx_ops,
				ARRAY_SIZE(l2tpfast_tx_ops));
	ln->tx_hooks = false;
}
