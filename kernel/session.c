// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions of an attached tunnel, tracked as l2tp_core has them.
 *
 * A tracked session is only ever created from what l2tp_core reports
 * through its own genl family (see l2tpnl.c), in process context, never
 * from packet contents: a flood of random session ids finds nothing in the
 * xarray, is counted as a drop on the tunnel and allocates nothing.
 * Sessions are looked up under RCU on the fast path and freed after a
 * grace period.
 */

#include <linux/slab.h>
#include <linux/string.h>

#include "netlink.h"
#include "session.h"

static void l2tpfast_session_free_rcu(struct rcu_head *rcu)
{
	struct l2tpfast_session *s =
		container_of(rcu, struct l2tpfast_session, rcu);

	l2tpfast_stats_free(&s->stats);
	kfree(s);
}

/* Index by peer id for the tx path; a clash leaves the session unindexed. */
static void l2tpfast_session_index_peer(struct l2tpfast_tunnel *t,
					struct l2tpfast_session *s, u32 peer_id)
{
	if (s->peer_id)
		xa_cmpxchg(&t->sessions_by_peer, s->peer_id, s, NULL,
			   GFP_KERNEL);
	WRITE_ONCE(s->peer_id, peer_id);
	if (peer_id && xa_insert(&t->sessions_by_peer, peer_id, s, GFP_KERNEL))
		pr_debug("tunnel %u: peer session id %u is not unique; session %u counts rx only\n",
			 t->id, peer_id, s->id);
}

static struct l2tpfast_session *
l2tpfast_session_add(struct l2tpfast_tunnel *t,
		     const struct l2tpfast_core_session *cs, unsigned long gen)
{
	struct l2tpfast_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	if (l2tpfast_stats_init(&s->stats)) {
		kfree(s);
		return NULL;
	}
	s->id = cs->id;
	s->seen = gen;
	strscpy(s->ifname, cs->ifname, sizeof(s->ifname));
	if (xa_insert(&t->sessions, s->id, s, GFP_KERNEL)) {
		l2tpfast_stats_free(&s->stats);
		kfree(s);
		return NULL;
	}
	l2tpfast_session_index_peer(t, s, cs->peer_id);
	t->n_sessions++;
	l2tpfast_nl_notify_session(t, s, true);
	return s;
}

/*
 * Under the netns mutex: a session l2tp_core has (the caller checked),
 * tracked now rather than at the next sync.
 */
struct l2tpfast_session *
l2tpfast_session_track(struct l2tpfast_tunnel *t,
		       const struct l2tpfast_core_session *cs)
{
	struct l2tpfast_session *s = l2tpfast_session_find(t, cs->id);

	if (s)
		return s;
	/*
	 * Counted as seen by the next sync too: its snapshot of l2tp_core may
	 * have been taken before this session was created.
	 */
	return l2tpfast_session_add(t, cs, t->ln->sync_gen + 1);
}

/* l2tp_core has this session now: track it, or refresh what we know. */
void l2tpfast_session_seen(struct l2tpfast_tunnel *t,
			   const struct l2tpfast_core_session *cs,
			   unsigned long gen)
{
	struct l2tpfast_session *s = l2tpfast_session_find(t, cs->id);

	if (!s) {
		l2tpfast_session_add(t, cs, gen);
		return;
	}
	s->seen = gen;
	if (cs->peer_id && cs->peer_id != s->peer_id)
		l2tpfast_session_index_peer(t, s, cs->peer_id);
	/* l2tp_core has no name for a PPP session's interface; its LNS does. */
	if (!s->info.ifname_set && strcmp(s->ifname, cs->ifname))
		strscpy(s->ifname, cs->ifname, sizeof(s->ifname));
}

static void l2tpfast_session_forget(struct l2tpfast_tunnel *t,
				    struct l2tpfast_session *s)
{
	l2tpfast_nl_notify_session(t, s, false);
	if (s->peer_id)
		xa_cmpxchg(&t->sessions_by_peer, s->peer_id, s, NULL,
			   GFP_KERNEL);
	xa_erase(&t->sessions, s->id);
	t->n_sessions--;
	call_rcu(&s->rcu, l2tpfast_session_free_rcu);
}

/* Sessions l2tp_core no longer has (not seen in sync generation gen). */
void l2tpfast_session_forget_unseen(struct l2tpfast_tunnel *t,
				    unsigned long gen)
{
	struct l2tpfast_session *s;
	unsigned long id;

	xa_for_each(&t->sessions, id, s) {
		if (s->seen != gen)
			l2tpfast_session_forget(t, s);
	}
}

void l2tpfast_session_forget_all(struct l2tpfast_tunnel *t)
{
	struct l2tpfast_session *s;
	unsigned long id;

	xa_for_each(&t->sessions, id, s)
		l2tpfast_session_forget(t, s);
}

void l2tpfast_session_reset_all(struct l2tpfast_tunnel *t)
{
	struct l2tpfast_session *s;
	unsigned long id;

	xa_for_each(&t->sessions, id, s)
		l2tpfast_stats_reset(&s->stats);
}
