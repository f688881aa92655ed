/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_TUNNEL_H
#define _L2TPFAST_TUNNEL_H

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "stats.h"

struct net;
struct sock;

#define L2TPFAST_SK_HASH_BITS 6

/* What l2tpfast holds in one network namespace. */
struct l2tpfast_net {
	struct net *net;
	/* Serialises attach, detach, session tracking, reset, read-out. */
	struct mutex lock;
	struct xarray tunnels;		/* by local tunnel id */
	/* The fast path finds a tunnel from the socket a packet is on. */
	DECLARE_HASHTABLE(by_sk, L2TPFAST_SK_HASH_BITS);
	unsigned int n_tunnels;
	bool tx_hooks;			/* netfilter hooks registered */
	bool dying;			/* netns or module going away */
	struct delayed_work sync;	/* follows l2tp_core's sessions */
	unsigned long sync_kicked;
	unsigned long sync_gen;
	unsigned long sync_at;		/* jiffies of the last sync */
};

struct l2tpfast_tunnel {
	struct hlist_node by_sk_node;
	struct l2tpfast_net *ln;
	struct sock *sk;		/* held */
	u32 id;
	u32 peer_id;			/* 0 until learnt */
	u8 version;
	struct xarray sessions;		/* by local session id */
	/* Sent packets carry the peer's session id, not ours. */
	struct xarray sessions_by_peer;
	unsigned int n_sessions;
	struct l2tpfast_stats stats;
	struct rcu_work free_work;
};

struct l2tpfast_net *l2tpfast_net(const struct net *net);
struct l2tpfast_tunnel *l2tpfast_tunnel_find_sk(const struct sock *sk);
struct l2tpfast_tunnel *l2tpfast_tunnel_find(struct l2tpfast_net *ln, u32 id);

struct l2tpfast_attach {
	u32 id;
	u8 version;
	u32 peer_id;			/* 0: learned by the next sync */
	struct sock *sk;		/* a reference the attach consumes */
};

int l2tpfast_tunnel_attach(struct l2tpfast_net *ln,
			   const struct l2tpfast_attach *req);
void l2tpfast_tunnel_detach(struct l2tpfast_tunnel *t);
bool l2tpfast_tunnel_alive(struct l2tpfast_tunnel *t);
void l2tpfast_tunnel_reset(struct l2tpfast_tunnel *t);

void l2tpfast_net_init(struct l2tpfast_net *ln, struct net *net);
void l2tpfast_net_exit(struct l2tpfast_net *ln);
void l2tpfast_net_kick_sync(struct l2tpfast_net *ln);

extern struct workqueue_struct *l2tpfast_wq;

#endif /* _L2TPFAST_TUNNEL_H */
