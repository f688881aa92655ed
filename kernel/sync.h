/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_SYNC_H
#define _L2TPFAST_SYNC_H

#include <linux/list.h>
#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "l2tpnl.h"

struct l2tpfast_net;
struct l2tpfast_session;
struct l2tpfast_tunnel;

/* What the fast path or a notifier asks the sync work to look at. */
enum l2tpfast_sync_ask {
	L2TPFAST_ASK_NONE,
	L2TPFAST_ASK_LEARN,		/* a session l2tp_core has, untracked */
	L2TPFAST_ASK_CHECK,		/* a tracked session may be gone */
	L2TPFAST_ASK_CHECK_TUNNEL,	/* so may a tunnel */
	L2TPFAST_ASK_CHECK_UNNAMED,	/* so may any without an interface */
	L2TPFAST_ASK_NAT,		/* a tunnel's NAT-T port moved: tell */
};

struct l2tpfast_sync_req {
	u8 ask;
	u32 tunnel_id;
	u32 session_id;
};

#define L2TPFAST_SYNC_REQS	64

/* A tunnel or session to look at again later: l2tp_core deletes lazily. */
struct l2tpfast_recheck {
	struct list_head node;		/* on a recheck list, or empty */
	unsigned long at;		/* jiffies */
	u8 step;
};

/*
 * Per netns: keeping l2tpfast in step with l2tp_core, event-driven. Nothing
 * here runs while nothing changes.
 */
struct l2tpfast_sync {
	struct delayed_work work;
	struct wait_queue_entry wait;	/* on the l2tp events socket */
	struct notifier_block netdev;
	struct l2tpnl nl;		/* open while tunnels are attached */
	bool nl_open;			/* written by the work under ln->lock */
	bool resync;			/* events were lost: check everything */
	bool congested;			/* overran, not replaced: loss untold */
	unsigned long sweep_at;		/* jiffies: closed sockets looked for */
	unsigned long open_at;		/* jiffies: next try at l2tp_netlink */
	unsigned long resync_at;	/* jiffies: a resync may run again */
	unsigned long recheck_at;	/* jiffies: rechecks looked for, busy */
	struct list_head fresh;		/* tunnels attached since the last run */
	struct list_head recheck_tunnels;
	struct list_head recheck_sessions;
	spinlock_t req_lock;		/* the request ring; any context */
	spinlock_t sched_lock;		/* when the work runs next */
	unsigned int req_n;
	bool req_lost;
	struct l2tpfast_sync_req req[L2TPFAST_SYNC_REQS];
};

int l2tpfast_sync_init(struct l2tpfast_net *ln);
void l2tpfast_sync_stop(struct l2tpfast_net *ln);
void l2tpfast_sync_kick(struct l2tpfast_net *ln);
void l2tpfast_sync_ask(struct l2tpfast_net *ln, enum l2tpfast_sync_ask ask,
		       u32 tunnel_id, u32 session_id);
void l2tpfast_sync_tunnel_fresh(struct l2tpfast_tunnel *t);
void l2tpfast_sync_recheck_tunnel(struct l2tpfast_tunnel *t);
void l2tpfast_sync_recheck_session(struct l2tpfast_net *ln,
				   struct l2tpfast_session *s);
void l2tpfast_recheck_cancel(struct l2tpfast_recheck *r);

#endif /* _L2TPFAST_SYNC_H */
