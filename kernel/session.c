// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions of an attached tunnel, tracked as l2tp_core has them.
 *
 * A tracked session is only ever created for a session l2tp_core has (the
 * caller found it through l2tp_core's own lookup), in process context,
 * never from packet contents: a flood of random session ids finds nothing
 * in the xarray, is counted as a drop on the tunnel and allocates nothing.
 * Its identity is l2tp_core's object, held by a reference: a session
 * deleted and made again with the same id is a new one, with new figures
 * and no annotation. Sessions are looked up under RCU on the fast path and
 * freed after a grace period. Everything else runs under the netns mutex.
 */

#include <linux/memcontrol.h>
#include <linux/netdevice.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
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

/*
 * Index by interface, so that a device going away (a pppd ending, an
 * l2tp_eth session deleted) points at its session. Sessions without a
 * known interface wait on ln->unnamed.
 */
static void l2tpfast_session_index_ifindex(struct l2tpfast_net *ln,
					   struct l2tpfast_session *s,
					   int ifindex)
{
	struct l2tpfast_session *old;

	if (s->ifindex)
		xa_cmpxchg(&ln->by_ifindex, s->ifindex, s, NULL, GFP_KERNEL);
	else
		list_del_init(&s->unnamed_node);
	s->ifindex = 0;
	old = ifindex > 0 ? xa_store(&ln->by_ifindex, ifindex, s, GFP_KERNEL) :
			    NULL;
	if (ifindex > 0 && !xa_err(old)) {
		s->ifindex = ifindex;
		/* Another session said it had this interface: not any more. */
		if (old && old != s) {
			old->ifindex = 0;
			list_add(&old->unnamed_node, &ln->unnamed);
		}
	} else {
		list_add(&s->unnamed_node, &ln->unnamed);
	}
}

void l2tpfast_session_set_ifname(struct l2tpfast_tunnel *t,
				 struct l2tpfast_session *s, const char *ifname)
{
	struct net_device *dev;
	int ifindex = 0;

	strscpy(s->ifname, ifname, sizeof(s->ifname));
	if (ifname[0]) {
		rcu_read_lock();
		dev = dev_get_by_name_rcu(t->ln->net, ifname);
		if (dev)
			ifindex = dev->ifindex;
		rcu_read_unlock();
	}
	l2tpfast_session_index_ifindex(t->ln, s, ifindex);
}

/* Under ln->lock: keep t->only for the fast path (session.h). */
static void l2tpfast_session_set_only(struct l2tpfast_tunnel *t)
{
	struct l2tpfast_session *s = NULL;
	unsigned long id = 0;

	if (t->n_sessions == 1)
		s = xa_find(&t->sessions, &id, ULONG_MAX, XA_PRESENT);
	rcu_assign_pointer(t->only, s);
}

/* Takes over the reference on core. */
static struct l2tpfast_session *
l2tpfast_session_add(struct l2tpfast_tunnel *t,
		     const struct l2tpfast_core_session *cs,
		     struct l2tp_session *core)
{
	struct mem_cgroup *old = set_active_memcg(t->memcg);
	struct l2tpfast_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (s && l2tpfast_stats_init(&s->stats, false)) {
		kfree(s);
		s = NULL;
	}
	set_active_memcg(old);
	if (!s)
		goto fail;
	s->id = cs->id;
	s->tunnel_id = t->id;
	s->core = core;
	INIT_LIST_HEAD(&s->unnamed_node);
	INIT_LIST_HEAD(&s->recheck.node);
	if (xa_insert(&t->sessions, s->id, s, GFP_KERNEL)) {
		l2tpfast_stats_free(&s->stats);
		kfree(s);
		goto fail;
	}
	l2tpfast_session_index_peer(t, s, cs->peer_id);
	/* Listed as unnamed, then named if the interface is known. */
	list_add(&s->unnamed_node, &t->ln->unnamed);
	if (cs->ifname[0])
		l2tpfast_session_set_ifname(t, s, cs->ifname);
	t->n_sessions++;
	l2tpfast_session_set_only(t);
	l2tpfast_nl_notify_session(t, s, true);
	return s;

fail:
	l2tpfast_core_session_put(core);
	return NULL;
}

/*
 * l2tp_core says it has session cs->id on t (an event, a packet, a dump, an
 * LNS): track it, or refresh what we know. A tracked session of that id
 * that is not l2tp_core's current one is gone, and is forgotten first.
 */
struct l2tpfast_session *
l2tpfast_session_learn(struct l2tpfast_tunnel *t,
		       const struct l2tpfast_core_session *cs)
{
	struct l2tpfast_session *s = l2tpfast_session_find(t, cs->id);
	struct l2tp_session *core;

	/*
	 * Session 0 is a PPPoL2TP tunnel-management socket's: no data. An
	 * L2TPv2 id has 16 bits (6.12's lookup would truncate a bigger one).
	 */
	if (!cs->id || cs->tunnel_id != t->id ||
	    (t->version == 2 && cs->id > U16_MAX))
		return NULL;
	core = l2tpfast_core_session_get(t->ln->net, t->sk, t->version, t->id,
					 cs->id);
	if (s && s->core != core) {
		l2tpfast_session_forget(t, s);
		s = NULL;
	}
	if (!core)
		return NULL;
	if (!s)
		return l2tpfast_session_add(t, cs, core);

	l2tpfast_core_session_put(core);
	if (cs->peer_id && cs->peer_id != s->peer_id)
		l2tpfast_session_index_peer(t, s, cs->peer_id);
	/* l2tp_core has no name for a PPP session's interface; its LNS does. */
	if (!s->info.ifname_set && cs->ifname[0] &&
	    strcmp(s->ifname, cs->ifname))
		l2tpfast_session_set_ifname(t, s, cs->ifname);
	return s;
}

/* Is s still the session l2tp_core has under its id? O(1). */
bool l2tpfast_session_alive(struct l2tpfast_tunnel *t,
			    struct l2tpfast_session *s)
{
	struct l2tp_session *core;

	core = l2tpfast_core_session_get(t->ln->net, t->sk, t->version, t->id,
					 s->id);
	if (core)
		l2tpfast_core_session_put(core);
	return core == s->core;
}

/*
 * Forget s if l2tp_core no longer has it; then its tunnel may be going
 * too (a closed socket takes its sessions with it), so look at it soon.
 */
bool l2tpfast_session_check(struct l2tpfast_tunnel *t,
			    struct l2tpfast_session *s)
{
	if (l2tpfast_session_alive(t, s))
		return true;
	l2tpfast_session_forget(t, s);
	l2tpfast_sync_recheck_tunnel(t);
	return false;
}

void l2tpfast_session_forget(struct l2tpfast_tunnel *t,
			     struct l2tpfast_session *s)
{
	l2tpfast_nl_notify_session(t, s, false);
	if (s->peer_id)
		xa_cmpxchg(&t->sessions_by_peer, s->peer_id, s, NULL,
			   GFP_KERNEL);
	if (s->ifindex)
		xa_cmpxchg(&t->ln->by_ifindex, s->ifindex, s, NULL,
			   GFP_KERNEL);
	list_del(&s->unnamed_node);
	l2tpfast_recheck_cancel(&s->recheck);
	xa_erase(&t->sessions, s->id);
	t->n_sessions--;
	l2tpfast_session_set_only(t);
	/* The fast path never looks at s->core: let l2tp_core free it now. */
	l2tpfast_core_session_put(s->core);
	call_rcu(&s->rcu, l2tpfast_session_free_rcu);
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
