/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_TUNNEL_H
#define _L2TPFAST_TUNNEL_H

#include <linux/hash.h>
#include <linux/list.h>
#include <linux/rculist.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "ipsec.h"
#include "stats.h"
#include "sync.h"

struct l2tp_tunnel;
struct l2tpfast_session;
struct mem_cgroup;
struct net;
struct sock;

/* What l2tpfast holds in one network namespace. */
struct l2tpfast_net {
	struct net *net;
	/* Serialises attach, detach, session tracking, reset, read-out. */
	struct mutex lock;
	struct xarray tunnels;		/* by local tunnel id */
	struct xarray by_ifindex;	/* tracked sessions by interface */
	struct list_head unnamed;	/* tracked sessions with no interface */
	unsigned int n_tunnels;
	bool tx_hooks;			/* netfilter hooks registered */
	bool dying;			/* netns or module going away */
	struct l2tpfast_sync sync;
	struct l2tpfast_ipsec_net ipsec;
};

struct l2tpfast_tunnel {
	struct hlist_node by_sk[2];	/* l2tpfast_by_sk, for the fast path */
	struct sock *sk;		/* held */
	struct l2tpfast_net *ln;
	/* l2tp_core's tunnel when attached: compared, never dereferenced */
	const struct l2tp_tunnel *core;
	u32 id;
	u32 peer_id;			/* 0 until learnt */
	u8 version;
	struct xarray sessions;		/* by local session id */
	/* Sent packets carry the peer's session id, not ours. */
	struct xarray sessions_by_peer;
	/* The session when there is just one, as for an LNS's clients. */
	struct l2tpfast_session __rcu *only;
	unsigned int n_sessions;
	struct l2tpfast_stats stats;
	struct l2tpfast_sa sa;
	struct mem_cgroup *memcg;	/* sessions are charged to it */
	struct list_head fresh_node;	/* on sync.fresh until looked at */
	bool populate;			/* had sessions nobody told us of */
	bool populating;		/* ... and a dump is reading them */
	/* A session id that could not be learnt lately: the fast path waits. */
	u32 nolearn_sid;
	unsigned long nolearn_until;	/* jiffies */
	/* What the fast path asked the sync to learn in this second. */
	unsigned long learn_window;	/* jiffies: when the window ends */
	unsigned int learn_asks;
	struct l2tpfast_recheck recheck;
	struct rcu_work free_work;
};

struct l2tpfast_net *l2tpfast_net(const struct net *net);

/* Attached tunnels of every netns by socket (tunnel.c). */
struct l2tpfast_sk_table {
	unsigned int bits;
	unsigned int link;		/* which of t->by_sk[] it uses */
	struct hlist_head buckets[];
};

extern struct l2tpfast_sk_table __rcu *l2tpfast_by_sk;

static inline struct hlist_head *
l2tpfast_sk_bucket(struct l2tpfast_sk_table *tbl, const struct sock *sk)
{
	return &tbl->buckets[hash_ptr(sk, tbl->bits)];
}

static inline struct l2tpfast_tunnel *
l2tpfast_sk_entry(struct hlist_node *n, unsigned int link)
{
	return container_of(n - link, struct l2tpfast_tunnel, by_sk[0]);
}

/* The tunnel attached to sk, if any. RCU readers: rx and tx paths, attach. */
static inline struct l2tpfast_tunnel *
l2tpfast_tunnel_find_sk(const struct sock *sk)
{
	struct l2tpfast_sk_table *tbl = rcu_dereference(l2tpfast_by_sk);
	struct l2tpfast_tunnel *t;
	struct hlist_node *n;

	for (n = rcu_dereference(hlist_first_rcu(l2tpfast_sk_bucket(tbl, sk)));
	     n; n = rcu_dereference(hlist_next_rcu(n))) {
		t = l2tpfast_sk_entry(n, tbl->link);
		if (t->sk == sk)
			return t;
	}
	return NULL;
}

struct l2tpfast_tunnel *l2tpfast_tunnel_find(struct l2tpfast_net *ln, u32 id);

struct l2tpfast_attach {
	u32 id;
	u8 version;
	u32 peer_id;			/* 0: learnt from l2tp_core */
	struct sock *sk;		/* a reference the attach consumes */
	const struct l2tp_tunnel *core;
	u32 ipsec_mark;			/* the SA mark it is bound to */
	u32 ipsec_mask;			/* 0: none */
};

int l2tpfast_tunnel_attach(struct l2tpfast_net *ln,
			   const struct l2tpfast_attach *req);
void l2tpfast_tunnel_detach(struct l2tpfast_tunnel *t);
bool l2tpfast_tunnel_alive(struct l2tpfast_tunnel *t);
bool l2tpfast_tunnel_check(struct l2tpfast_tunnel *t);
void l2tpfast_tunnel_reset(struct l2tpfast_tunnel *t);

int l2tpfast_tunnels_init(void);
void l2tpfast_tunnels_exit(void);
int l2tpfast_net_init(struct l2tpfast_net *ln, struct net *net);
void l2tpfast_net_pre_exit(struct l2tpfast_net *ln);
void l2tpfast_net_exit(struct l2tpfast_net *ln);

extern struct workqueue_struct *l2tpfast_wq;

#endif /* _L2TPFAST_TUNNEL_H */
