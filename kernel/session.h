/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_SESSION_H
#define _L2TPFAST_SESSION_H

#include <linux/if.h>
#include <linux/list.h>
#include <linux/rcupdate.h>

#include "l2tpnl.h"
#include "stats.h"
#include "sync.h"
#include "tunnel.h"

#define L2TPFAST_NAME_LEN	64

struct l2tp_session;

/* What an LNS tells l2tpfast about a session (session-set). */
struct l2tpfast_session_info {
	char user[L2TPFAST_NAME_LEN];
	char peer_host[L2TPFAST_NAME_LEN];
	u8 address[16];
	u8 address_len;			/* 0: none, 4 or 16 */
	bool ifname_set;		/* ifname came from the LNS: keep it */
	u64 start_ns;			/* CLOCK_REALTIME, 0: unknown */
};

struct l2tpfast_session {
	u32 id;
	u32 peer_id;			/* 0 until learnt */
	u32 tunnel_id;
	/*
	 * The l2tp_core session this one stands for, with a reference held so
	 * that the address cannot be reused: a session deleted and made again
	 * with the same id is another object, and starts from zero. Compared,
	 * never dereferenced.
	 */
	struct l2tp_session *core;
	int ifindex;			/* 0: no interface known */
	char ifname[IFNAMSIZ];
	struct list_head unnamed_node;	/* on ln->unnamed while ifindex is 0 */
	struct l2tpfast_recheck recheck;
	struct l2tpfast_session_info info;
	struct l2tpfast_stats stats;
	struct rcu_head rcu;
};

struct l2tpfast_session *
l2tpfast_session_learn(struct l2tpfast_tunnel *t,
		       const struct l2tpfast_core_session *cs);
bool l2tpfast_session_alive(struct l2tpfast_tunnel *t,
			    struct l2tpfast_session *s);
bool l2tpfast_session_check(struct l2tpfast_tunnel *t,
			    struct l2tpfast_session *s);
void l2tpfast_session_set_ifname(struct l2tpfast_tunnel *t,
				 struct l2tpfast_session *s, const char *ifname);
void l2tpfast_session_forget(struct l2tpfast_tunnel *t,
			     struct l2tpfast_session *s);
void l2tpfast_session_forget_all(struct l2tpfast_tunnel *t);
void l2tpfast_session_reset_all(struct l2tpfast_tunnel *t);

/* RCU readers (the fast path) or the netns mutex. */
static inline struct l2tpfast_session *
l2tpfast_session_find(struct l2tpfast_tunnel *t, u32 id)
{
	return xa_load(&t->sessions, id);
}

/* The fast path: most tunnels of a gateway carry one session. */
static inline struct l2tpfast_session *
l2tpfast_session_find_rx(struct l2tpfast_tunnel *t, u32 id)
{
	struct l2tpfast_session *s = rcu_dereference(t->only);

	return s && s->id == id ? s : l2tpfast_session_find(t, id);
}

static inline struct l2tpfast_session *
l2tpfast_session_find_tx(struct l2tpfast_tunnel *t, u32 peer_id)
{
	struct l2tpfast_session *s = rcu_dereference(t->only);

	if (s && READ_ONCE(s->peer_id) == peer_id)
		return s;
	return xa_load(&t->sessions_by_peer, peer_id);
}

#endif /* _L2TPFAST_SESSION_H */
