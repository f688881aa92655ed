// SPDX-License-Identifier: GPL-2.0
/*
 * The receive fast path: l2tpfast's encap_rcv on an attached tunnel's UDP
 * socket. It counts the packet on its tunnel and session, then always hands
 * it to l2tp_core unchanged; l2tp_core decides what happens to it.
 *
 * Runs in softirq under RCU: no lock, no allocation. A data packet for a
 * session id l2tpfast does not track is either one l2tp_core does not know
 * either (a drop, counted on the tunnel) or a session created since the last
 * sync, which is then kicked; nothing is ever created from packet contents.
 */

#include <linux/ktime.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/sock.h>

#include "compat.h"
#include "hdr.h"
#include "rx.h"
#include "session.h"
#include "tunnel.h"

static void l2tpfast_rx_data(struct l2tpfast_tunnel *t, struct sock *sk,
			     const struct l2tpfast_hdr *h, unsigned int len,
			     u64 now)
{
	struct l2tpfast_session *s = NULL;

	if (len < L2TP_CORE_MIN_LEN) {
		l2tpfast_stats_drop(&t->stats, L2TPFAST_DROP_TOO_SHORT);
		return;
	}
	if (h->version == 3 || h->tunnel_id == t->id)
		s = l2tpfast_session_find(t, h->session_id);
	if (!s) {
		if (!l2tpfast_core_has_session(sock_net(sk), sk, h->version,
					       h->tunnel_id, h->session_id)) {
			l2tpfast_stats_drop(&t->stats,
					    L2TPFAST_DROP_NO_SESSION);
			return;
		}
		/* Another tunnel's session (6.12 finds it by id): nothing to learn. */
		if (h->version == 3 || h->tunnel_id == t->id)
			l2tpfast_net_kick_sync(t->ln);
	}
	l2tpfast_stats_count(&t->stats, L2TPFAST_RX, L2TPFAST_DATA, len, now);
	if (s)
		l2tpfast_stats_count(&s->stats, L2TPFAST_RX, L2TPFAST_DATA,
				     len, now);
}

static void l2tpfast_rx(struct l2tpfast_tunnel *t, struct sock *sk,
			struct sk_buff *skb)
{
	unsigned int len = skb->len - sizeof(struct udphdr);
	enum l2tpfast_drop why = L2TPFAST_DROP_TOO_SHORT;
	struct l2tpfast_hdr h;

	if (skb->len < sizeof(struct udphdr) ||
	    !l2tpfast_hdr_parse(skb, sizeof(struct udphdr), len, &h, &why)) {
		l2tpfast_stats_drop(&t->stats, why);
		return;
	}
	if (h.version != t->version) {
		l2tpfast_stats_drop(&t->stats, L2TPFAST_DROP_VERSION);
		return;
	}
	if (h.ctrl)
		l2tpfast_stats_count(&t->stats, L2TPFAST_RX, L2TPFAST_CTRL,
				     len, ktime_get_coarse_real_ns());
	else
		l2tpfast_rx_data(t, sk, &h, len, ktime_get_coarse_real_ns());
}

/* UDP's encap_rcv for attached sockets; skb->data is the UDP header. */
int l2tpfast_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct l2tpfast_tunnel *t;

	rcu_read_lock();
	t = l2tpfast_tunnel_find_sk(sk);
	if (t)
		l2tpfast_rx(t, sk, skb);
	rcu_read_unlock();

	return l2tp_udp_encap_recv(sk, skb);
}
