/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_SESSION_H
#define _L2TPFAST_SESSION_H

#include <linux/if.h>
#include <linux/rcupdate.h>

#include "stats.h"
#include "tunnel.h"

#define L2TPFAST_NAME_LEN	64

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
	char ifname[IFNAMSIZ];
	unsigned long seen;		/* sync generation it was last seen in */
	struct l2tpfast_session_info info;
	struct l2tpfast_stats stats;
	struct rcu_head rcu;
};

/* A session as l2tp_core reports it through its own genl family. */
struct l2tpfast_core_session {
	u32 tunnel_id;
	u32 id;
	u32 peer_id;
	char ifname[IFNAMSIZ];
};

void l2tpfast_session_seen(struct l2tpfast_tunnel *t,
			   const struct l2tpfast_core_session *cs,
			   unsigned long gen);
struct l2tpfast_session *
l2tpfast_session_track(struct l2tpfast_tunnel *t,
		       const struct l2tpfast_core_session *cs);
void l2tpfast_session_forget_unseen(struct l2tpfast_tunnel *t,
				    unsigned long gen);
void l2tpfast_session_forget_all(struct l2tpfast_tunnel *t);
void l2tpfast_session_reset_all(struct l2tpfast_tunnel *t);

/* RCU readers (the fast path) or the netns mutex. */
static inline struct l2tpfast_session *
l2tpfast_session_find(struct l2tpfast_tunnel *t, u32 id)
{
	return xa_load(&t->sessions, id);
}

static inline struct l2tpfast_session *
l2tpfast_session_find_peer(struct l2tpfast_tunnel *t, u32 peer_id)
{
	return xa_load(&t->sessions_by_peer, peer_id);
}

#endif /* _L2TPFAST_SESSION_H */
