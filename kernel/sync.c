// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping l2tpfast in step with l2tp_core, without polling.
 *
 * l2tp_core has no notifier for its tunnels and sessions. What tells of a
 * change:
 *  - l2tp_netlink's multicast group, for every tunnel and session made,
 *    changed or deleted through the l2tp genl family (ip l2tp, an LNS), in
 *    this netns or any other (it multicasts to all);
 *  - the fast path, for a data packet of a session l2tp_core has and
 *    l2tpfast does not track (made by a PPPoL2TP connect(), or missed);
 *  - the netns's devices: a session's interface going away (an l2tp_eth
 *    session deleted, a pppd ending: that deletes its PPP session with no
 *    word on the multicast group);
 *  - attaching a tunnel, and reading: a get or dump checks what it shows.
 * Each names a tunnel or a session, and the work here looks at exactly
 * those, O(1) each through l2tp_core's own lookups in this netns. l2tp_core
 * notifies before it deletes, and deletes from a work item of its own, so
 * what is still there is looked at again a few times, backing off. With
 * nothing changing, nothing runs: no timer, no dump.
 *
 * Everything is a hint; what l2tp_core has decides. Forgetting a session
 * takes l2tp_core no longer having that very object (session.c), never the
 * absence of a message or of a line in a dump. Session id 0 (a PPPoL2TP
 * tunnel-management socket's) carries no data: it is never tracked.
 *
 * Bounds: at most L2TPFAST_EVENTS_PER_RUN events per run; a request ring of
 * L2TPFAST_SYNC_REQS under a spinlock, filled from any context, that only
 * asks once per burst and never for a session it could not learn lately;
 * when events were lost, a new events socket at once (the old queue goes with
 * the old one) and one look at everything and one dump, at most every
 * L2TPFAST_RESYNC_GAP.
 */

#include <linux/if_arp.h>
#include <linux/l2tp.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/sched/mm.h>
#include <net/sock.h>

#include "compat.h"
#include "l2tpnl.h"
#include "netlink.h"
#include "session.h"
#include "sock.h"
#include "sync.h"
#include "tunnel.h"

/* After a hint that something is going: look again after these. */
static const unsigned int l2tpfast_recheck_ms[] = { 4, 20, 100, 500, 2000, 5000 };
/* l2tp_netlink not there (yet): try again after this. */
#define L2TPFAST_SYNC_RETRY	(5 * HZ)
/* While the work runs anyway, look for closed sockets at most this often. */
#define L2TPFAST_SWEEP_GAP	(2 * HZ)
/* Rechecks due while events keep coming: looked for at most this often. */
#define L2TPFAST_BUSY_RECHECK_GAP	(HZ / 10)
/* Events were lost: look at everything, but not more often than this. */
#define L2TPFAST_RESYNC_GAP	(10 * HZ)
#define L2TPFAST_EVENTS_PER_RUN	256

/*
 * Run the work after delay, or sooner if it is due sooner. Any context;
 * under the lock so that a later run asked for on one CPU never replaces
 * a sooner one asked for on another. Queued with no timer armed (a kick
 * queues at once and leaves an old expiry behind) is the soonest there is.
 */
static void l2tpfast_sync_schedule(struct l2tpfast_net *ln,
				   unsigned long delay)
{
	struct delayed_work *dw = &ln->sync.work;
	unsigned long flags;

	spin_lock_irqsave(&ln->sync.sched_lock, flags);
	if (!delayed_work_pending(dw) ||
	    (timer_pending(&dw->timer) &&
	     time_before(jiffies + delay, dw->timer.expires)))
		mod_delayed_work(l2tpfast_wq, dw, delay);
	spin_unlock_irqrestore(&ln->sync.sched_lock, flags);
}

/* Any context: run the work now. */
void l2tpfast_sync_kick(struct l2tpfast_net *ln)
{
	l2tpfast_sync_schedule(ln, 0);
}

/* Any context (the fast path, notifiers): ask the work to look at ids. */
void l2tpfast_sync_ask(struct l2tpfast_net *ln, enum l2tpfast_sync_ask ask,
		       u32 tunnel_id, u32 session_id)
{
	struct l2tpfast_sync *sy = &ln->sync;
	struct l2tpfast_sync_req *last;
	unsigned long flags;
	bool asked = true;

	spin_lock_irqsave(&sy->req_lock, flags);
	last = sy->req_n ? &sy->req[sy->req_n - 1] : NULL;
	if (last && last->ask == ask && last->tunnel_id == tunnel_id &&
	    last->session_id == session_id)
		asked = false;		/* a burst of packets asks once */
	else if (sy->req_n < L2TPFAST_SYNC_REQS)
		sy->req[sy->req_n++] = (struct l2tpfast_sync_req) {
			.ask = ask, .tunnel_id = tunnel_id,
			.session_id = session_id };
	else
		sy->req_lost = true;
	spin_unlock_irqrestore(&sy->req_lock, flags);
	if (asked)
		l2tpfast_sync_kick(ln);
}

static void l2tpfast_recheck_arm(struct l2tpfast_net *ln,
				 struct l2tpfast_recheck *r,
				 struct list_head *list)
{
	unsigned long delay = msecs_to_jiffies(l2tpfast_recheck_ms[0]);

	r->step = 0;
	r->at = jiffies + delay;
	if (list_empty(&r->node))
		list_add_tail(&r->node, list);
	l2tpfast_sync_schedule(ln, delay);
}

/* Under ln->lock: is it still there? Look again soon. */
void l2tpfast_sync_recheck_tunnel(struct l2tpfast_tunnel *t)
{
	l2tpfast_recheck_arm(t->ln, &t->recheck,
			     &t->ln->sync.recheck_tunnels);
}

void l2tpfast_sync_recheck_session(struct l2tpfast_net *ln,
				   struct l2tpfast_session *s)
{
	l2tpfast_recheck_arm(ln, &s->recheck, &ln->sync.recheck_sessions);
}

/*
 * Under ln->lock, in the work: what a resync found still there may be going
 * all the same (6.12's l2tp_core finds a deleted session until its del_work
 * has run): look once more, a few seconds on. A recheck under way already
 * ends with such a look. The work schedules itself by it when it ends.
 */
static void l2tpfast_recheck_arm_late(struct l2tpfast_recheck *r,
				      struct list_head *list)
{
	unsigned int last = ARRAY_SIZE(l2tpfast_recheck_ms) - 1;

	if (!list_empty(&r->node) && r->step < last)
		return;
	r->step = last;
	r->at = jiffies + msecs_to_jiffies(l2tpfast_recheck_ms[last]);
	if (list_empty(&r->node))
		list_add_tail(&r->node, list);
}

void l2tpfast_recheck_cancel(struct l2tpfast_recheck *r)
{
	list_del_init(&r->node);
}

/* Under ln->lock: a newly attached tunnel, for the work to look at. */
void l2tpfast_sync_tunnel_fresh(struct l2tpfast_tunnel *t)
{
	list_add_tail(&t->fresh_node, &t->ln->sync.fresh);
	l2tpfast_sync_kick(t->ln);
}

/* The next step of a recheck that found its object still there. */
static void l2tpfast_recheck_next(struct l2tpfast_recheck *r,
				  unsigned long now)
{
	if (++r->step >= ARRAY_SIZE(l2tpfast_recheck_ms)) {
		list_del_init(&r->node);
		return;
	}
	r->at = now + msecs_to_jiffies(l2tpfast_recheck_ms[r->step]);
}

/*
 * Under ln->lock: the tunnel may be going. O(1): l2tp_netlink tells before
 * l2tp_core deletes anything, so the recheck finds it gone a moment later
 * and detaching lets go of its sessions (and of the references l2tpfast
 * holds on them, which on 6.12 keep l2tp_core's tunnel: see tunnel.c).
 * Nothing scans its sessions here: anyone may send such a hint.
 */
static void l2tpfast_sync_check_tunnel(struct l2tpfast_net *ln, u32 tunnel_id)
{
	struct l2tpfast_tunnel *t = l2tpfast_tunnel_find(ln, tunnel_id);

	if (t && l2tpfast_tunnel_check(t))
		l2tpfast_sync_recheck_tunnel(t);
}

/* Under ln->lock: the session may be going. Never detaches its tunnel. */
static void l2tpfast_sync_check_session(struct l2tpfast_net *ln,
					u32 tunnel_id, u32 session_id)
{
	struct l2tpfast_tunnel *t = l2tpfast_tunnel_find(ln, tunnel_id);
	struct l2tpfast_session *s;

	s = t ? l2tpfast_session_find(t, session_id) : NULL;
	if (s && l2tpfast_session_check(t, s))
		l2tpfast_sync_recheck_session(ln, s);
}

/*
 * Under ln->lock: an interface nobody named went away; whose was it? Each
 * check may forget only the session it looks at.
 */
static void l2tpfast_sync_check_unnamed(struct l2tpfast_net *ln)
{
	struct l2tpfast_session *s, *tmp;

	list_for_each_entry_safe(s, tmp, &ln->unnamed, unnamed_node)
		l2tpfast_sync_check_session(ln, s->tunnel_id, s->id);
}

/*
 * Under ln->lock: what is there to learn of session_id on tunnel_id? False
 * if nothing: the tunnel is not attached, l2tp_core has no such session in
 * this netns (an event from another netns), or it is tracked already.
 */
static bool l2tpfast_sync_wants(struct l2tpfast_net *ln, u32 tunnel_id,
				u32 session_id)
{
	struct l2tpfast_tunnel *t = l2tpfast_tunnel_find(ln, tunnel_id);
	struct l2tpfast_session *s;
	struct l2tp_session *core;

	if (!t || !session_id)
		return false;
	s = l2tpfast_session_find(t, session_id);
	if (s && s->peer_id && l2tpfast_session_alive(t, s))
		return false;
	core = l2tpfast_core_session_get(ln->net, t->sk, t->version, t->id,
					 session_id);
	if (!core)
		return false;
	l2tpfast_core_session_put(core);
	return true;
}

/*
 * A session l2tp_core has and l2tpfast does not track (or tracks without
 * its peer id): ask l2tp_core what it is, then track it. One that cannot be
 * learnt (another tunnel's, 6.12 looking L2TPv3 sessions up by id alone)
 * is not asked about again for a while.
 */
static void l2tpfast_sync_learn(struct l2tpfast_net *ln, u32 tunnel_id,
				u32 session_id)
{
	struct l2tpfast_core_session cs;
	struct l2tpfast_tunnel *t;
	bool wants;
	int err;

	mutex_lock(&ln->lock);
	wants = l2tpfast_sync_wants(ln, tunnel_id, session_id);
	mutex_unlock(&ln->lock);
	if (!wants)
		return;

	err = l2tpnl_session_get(&ln->sync.nl, tunnel_id, session_id, &cs);

	mutex_lock(&ln->lock);
	t = l2tpfast_tunnel_find(ln, tunnel_id);
	if (t && !err && cs.tunnel_id == tunnel_id && cs.id == session_id &&
	    l2tpfast_session_learn(t, &cs))
		t = NULL;
	if (t) {
		WRITE_ONCE(t->nolearn_until, jiffies + HZ);
		WRITE_ONCE(t->nolearn_sid, session_id);
	}
	mutex_unlock(&ln->lock);
}

/* Under ln->lock: tell the events group the tunnel's NAT-T port moved. */
static void l2tpfast_sync_nat(struct l2tpfast_net *ln, u32 tunnel_id)
{
	struct l2tpfast_tunnel *t = l2tpfast_tunnel_find(ln, tunnel_id);

	if (t)
		l2tpfast_nl_notify_tunnel(t, L2TPFAST_CMD_TUNNEL_NAT_NTF);
}

static void l2tpfast_sync_handle(struct l2tpfast_net *ln,
				 const struct l2tpfast_sync_req *r)
{
	if (r->ask == L2TPFAST_ASK_LEARN) {
		if (READ_ONCE(ln->sync.nl_open))
			l2tpfast_sync_learn(ln, r->tunnel_id, r->session_id);
		return;
	}
	mutex_lock(&ln->lock);
	if (r->ask == L2TPFAST_ASK_NAT)
		l2tpfast_sync_nat(ln, r->tunnel_id);
	else if (r->ask == L2TPFAST_ASK_CHECK_TUNNEL)
		l2tpfast_sync_check_tunnel(ln, r->tunnel_id);
	else if (r->ask == L2TPFAST_ASK_CHECK)
		l2tpfast_sync_check_session(ln, r->tunnel_id, r->session_id);
	else
		l2tpfast_sync_check_unnamed(ln);
	mutex_unlock(&ln->lock);
}

/*
 * The memcg of the netns's first attached tunnel, referenced (or NULL): what
 * l2tpfast's sockets to l2tp_netlink are charged to. *any: is there one.
 */
static struct mem_cgroup *l2tpfast_sync_memcg(struct l2tpfast_net *ln,
					      bool *any)
{
	struct mem_cgroup *memcg = NULL;
	struct l2tpfast_tunnel *t;
	unsigned long id = 0;

	mutex_lock(&ln->lock);
	t = xa_find(&ln->tunnels, &id, ULONG_MAX, XA_PRESENT);
	if (t && t->memcg) {
		memcg = t->memcg;
		css_get(&memcg->css);
	}
	mutex_unlock(&ln->lock);
	*any = !!t;
	return memcg;
}

/*
 * The events socket overran: some notifications are lost, so everything is
 * looked at (at most every L2TPFAST_RESYNC_GAP). Netlink tells of no more
 * loss on that socket until its queue has been read empty, and a stranger
 * flooding l2tp_netlink's group from any netns can keep it from ever being
 * empty: a new socket takes its place (l2tpnl.c), so that the look at
 * everything comes after all that was lost, and the next loss is told
 * again. If that fails, the overrun one stays, congested, and a new one is
 * tried on every run. Not while the netns goes: l2tpfast_sync_stop() waits
 * for this work, then closes what is open.
 */
static void l2tpfast_sync_overrun(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync *sy = &ln->sync;
	struct mem_cgroup *memcg, *old;
	bool any;
	int err;

	sy->resync = true;
	sy->congested = true;
	if (READ_ONCE(ln->dying))
		return;
	memcg = l2tpfast_sync_memcg(ln, &any);
	old = set_active_memcg(memcg);
	err = l2tpnl_events_renew(&sy->nl);
	set_active_memcg(old);
	mem_cgroup_put(memcg);
	if (err)
		pr_warn_ratelimited("cannot replace the overrun events socket: %d\n",
				    err);
	else
		sy->congested = false;
}

/* l2tp_core's notifications, read as hints; true if more are waiting. */
static bool l2tpfast_sync_events(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync *sy = &ln->sync;
	struct l2tpfast_core_event ev;
	struct l2tpfast_sync_req r;
	int n, err = 0;

	if (sy->congested)
		l2tpfast_sync_overrun(ln);
	for (n = 0; n < L2TPFAST_EVENTS_PER_RUN; n++) {
		err = l2tpnl_event_next(&sy->nl, &ev);
		if (err == -ENOBUFS) {
			/* Some were lost: a new socket, then everything. */
			l2tpfast_sync_overrun(ln);
			continue;
		}
		if (!err)	/* read empty: a loss is told again */
			sy->congested = false;
		if (err <= 0)
			break;
		r.tunnel_id = ev.s.tunnel_id;
		r.session_id = ev.s.id;
		switch (ev.cmd) {
		case L2TP_CMD_SESSION_CREATE:
		case L2TP_CMD_SESSION_MODIFY:
			r.ask = L2TPFAST_ASK_LEARN;
			break;
		case L2TP_CMD_SESSION_DELETE:
			r.ask = L2TPFAST_ASK_CHECK;
			break;
		case L2TP_CMD_TUNNEL_DELETE:
			r.ask = L2TPFAST_ASK_CHECK_TUNNEL;
			break;
		default:	/* not one of the kernel's: counted all the same */
			r.ask = L2TPFAST_ASK_NONE;
			break;
		}
		/* The resync's dump learns them all. */
		if (r.ask == L2TPFAST_ASK_LEARN && sy->resync)
			r.ask = L2TPFAST_ASK_NONE;
		if (r.ask != L2TPFAST_ASK_NONE)
			l2tpfast_sync_handle(ln, &r);
		cond_resched();
	}
	if (err < 0 && err != -ENOBUFS)
		pr_warn_ratelimited("reading l2tp_core's events: %d\n", err);
	return n == L2TPFAST_EVENTS_PER_RUN;
}

static void l2tpfast_sync_requests(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync_req req[L2TPFAST_SYNC_REQS];
	struct l2tpfast_sync *sy = &ln->sync;
	unsigned int i, n;

	spin_lock_irq(&sy->req_lock);
	n = sy->req_n;
	memcpy(req, sy->req, n * sizeof(*req));
	sy->req_n = 0;
	if (sy->req_lost)
		sy->resync = true;
	sy->req_lost = false;
	spin_unlock_irq(&sy->req_lock);

	for (i = 0; i < n && !READ_ONCE(ln->dying); i++) {
		l2tpfast_sync_handle(ln, &req[i]);
		cond_resched();
	}
}

/* A resync, when the last one is far enough behind. */
static void l2tpfast_sync_resync_later(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync *sy = &ln->sync;

	sy->resync = true;
	l2tpfast_sync_schedule(ln, time_before(jiffies, sy->resync_at) ?
				   sy->resync_at - jiffies : 0);
}

/*
 * Track the sessions l2tp_core has on the tunnels marked to be populated
 * when the dump starts (one attached meanwhile waits for the next); late:
 * look at each once more a few seconds on. The dump's error, if it failed:
 * the caller asks for a resync.
 */
static int l2tpfast_sync_populate(struct l2tpfast_net *ln, bool late)
{
	struct l2tpfast_session *s;
	struct l2tpfast_core_session *cs = NULL;
	struct l2tpfast_tunnel *t;
	unsigned int i, n = 0;
	unsigned long id;
	int err;

	mutex_lock(&ln->lock);
	xa_for_each(&ln->tunnels, id, t) {
		t->populating = t->populate;
		t->populate = false;
	}
	mutex_unlock(&ln->lock);

	err = l2tpnl_session_dump(&ln->sync.nl, &cs, &n);

	mutex_lock(&ln->lock);
	for (i = 0; !err && i < n; i++) {
		t = l2tpfast_tunnel_find(ln, cs[i].tunnel_id);
		s = t && t->populating ? l2tpfast_session_learn(t, &cs[i]) :
					 NULL;
		if (s && late)
			l2tpfast_recheck_arm_late(&s->recheck,
						  &ln->sync.recheck_sessions);
	}
	xa_for_each(&ln->tunnels, id, t)
		t->populating = false;
	mutex_unlock(&ln->lock);
	kvfree(cs);
	if (err)
		pr_warn_ratelimited("reading l2tp_core's sessions: %d\n", err);
	return err;
}

/*
 * Under ln->lock, a tunnel just looked up in l2tp_core (ct, or err): its
 * version must be the one it was attached with; its peer id is learnt.
 * True if it is still attached.
 */
static bool l2tpfast_sync_fresh_one(struct l2tpfast_tunnel *t,
				    const struct l2tpfast_core_tunnel *ct,
				    int err)
{
	if (!l2tpfast_tunnel_check(t))
		return false;
	if (!err && ct->version && ct->version != t->version) {
		pr_warn_ratelimited("tunnel %u is L2TPv%u, attached as L2TPv%u: detached\n",
				    t->id, ct->version, t->version);
		l2tpfast_tunnel_detach(t);
		return false;
	}
	if (!err && ct->peer_id)
		WRITE_ONCE(t->peer_id, ct->peer_id);
	return true;
}

/*
 * Tunnels attached since the last run: the version and peer id l2tp_core
 * has for them, and their sessions if there were some nobody told of (an
 * LNS attaches a tunnel before its first session: no dump then).
 */
static void l2tpfast_sync_fresh(struct l2tpfast_net *ln)
{
	struct l2tpfast_core_tunnel ct;
	struct l2tpfast_tunnel *t, *popped;
	bool populate = false;
	u32 id;
	int err;

	for (;;) {
		mutex_lock(&ln->lock);
		popped = ln->dying ? NULL :
			 list_first_entry_or_null(&ln->sync.fresh,
						  struct l2tpfast_tunnel,
						  fresh_node);
		if (popped)
			list_del_init(&popped->fresh_node);
		id = popped ? popped->id : 0;
		mutex_unlock(&ln->lock);
		if (!popped)
			break;

		err = l2tpnl_tunnel_get(&ln->sync.nl, id, &ct);

		mutex_lock(&ln->lock);
		/*
		 * Detached and attached again meanwhile: the new one waits on
		 * the fresh list for its own turn (pointers only compared).
		 */
		t = l2tpfast_tunnel_find(ln, id);
		if (t == popped && list_empty(&t->fresh_node) &&
		    l2tpfast_sync_fresh_one(t, &ct, err) && t->populate) {
			t->populate = l2tpfast_core_tunnel_has_sessions(ln->net, t->sk,
									t->version,
									t->id);
			populate |= t->populate;
		}
		mutex_unlock(&ln->lock);
		cond_resched();
	}
	/* Failed: the resync's dump, in L2TPFAST_RESYNC_GAP at most. */
	if (populate && l2tpfast_sync_populate(ln, false))
		l2tpfast_sync_resync_later(ln);
}

/*
 * Events were lost: look at every tunnel and session once (O(1) each, no
 * genl) and learn what is new from one dump; what is there, look at once
 * more a few seconds on (l2tp_core deletes lazily). Not more often than
 * L2TPFAST_RESYNC_GAP: a stranger must not be able to make it run in a
 * loop by flooding l2tp_netlink's multicast group from another netns. If
 * the overrun socket could not be replaced, a loss after this one goes
 * untold until it has been read empty: another follows.
 */
static void l2tpfast_sync_everything(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync *sy = &ln->sync;
	struct l2tpfast_session *s;
	struct l2tpfast_tunnel *t;
	unsigned long id, sid;

	if (time_before(jiffies, sy->resync_at)) {
		l2tpfast_sync_schedule(ln, sy->resync_at - jiffies);
		return;
	}
	sy->resync_at = jiffies + L2TPFAST_RESYNC_GAP;
	sy->resync = false;
	pr_info_ratelimited("lost track of l2tp_core's events: checking every tunnel and session\n");
	mutex_lock(&ln->lock);
	xa_for_each(&ln->tunnels, id, t) {
		if (!l2tpfast_tunnel_check(t))
			continue;
		xa_for_each(&t->sessions, sid, s) {
			if (l2tpfast_session_check(t, s))
				l2tpfast_recheck_arm_late(&s->recheck,
							  &sy->recheck_sessions);
		}
		l2tpfast_recheck_arm_late(&t->recheck, &sy->recheck_tunnels);
		t->populate = true;
		cond_resched();
	}
	mutex_unlock(&ln->lock);
	/* Failed, or the socket is still congested: again, in the gap. */
	if ((sy->nl_open && l2tpfast_sync_populate(ln, true)) || sy->congested)
		l2tpfast_sync_resync_later(ln);
}

/*
 * A socket closed under an attached tunnel that has no session and that
 * nobody reads tells nothing else (l2tp_core deletes the tunnel quietly,
 * and encap_destroy is not ours to hook: sock.c). So while the work runs
 * anyway because something changed, every few seconds at most, look at
 * every tunnel's socket: two loads each, none while all is quiet.
 */
static void l2tpfast_sync_sweep(struct l2tpfast_net *ln)
{
	struct l2tpfast_tunnel *t;
	unsigned long id;

	if (time_before(jiffies, ln->sync.sweep_at))
		return;
	ln->sync.sweep_at = jiffies + L2TPFAST_SWEEP_GAP;
	mutex_lock(&ln->lock);
	xa_for_each(&ln->tunnels, id, t) {
		if (sock_flag(t->sk, SOCK_DEAD) ||
		    !l2tpfast_sock_is_attached(t->sk))
			l2tpfast_sync_check_tunnel(ln, t->id);
	}
	mutex_unlock(&ln->lock);
}

/* Look again at what was still there; false if nothing is left to. */
static bool l2tpfast_sync_rechecks(struct l2tpfast_net *ln,
				   unsigned long *next)
{
	struct l2tpfast_session *s, *stmp;
	struct l2tpfast_tunnel *t, *ttmp;
	struct l2tpfast_sync *sy = &ln->sync;
	unsigned long now = jiffies;
	bool any = false;

	mutex_lock(&ln->lock);
	list_for_each_entry_safe(t, ttmp, &sy->recheck_tunnels, recheck.node) {
		if (time_before_eq(t->recheck.at, now) &&
		    l2tpfast_tunnel_check(t))
			l2tpfast_recheck_next(&t->recheck, now);
	}
	list_for_each_entry_safe(s, stmp, &sy->recheck_sessions, recheck.node) {
		if (!time_before_eq(s->recheck.at, now))
			continue;
		t = l2tpfast_tunnel_find(ln, s->tunnel_id);
		if (l2tpfast_session_check(t, s))
			l2tpfast_recheck_next(&s->recheck, now);
	}
	list_for_each_entry(t, &sy->recheck_tunnels, recheck.node) {
		if (!any || time_before(t->recheck.at, *next))
			*next = t->recheck.at;
		any = true;
	}
	list_for_each_entry(s, &sy->recheck_sessions, recheck.node) {
		if (!any || time_before(s->recheck.at, *next))
			*next = s->recheck.at;
		any = true;
	}
	mutex_unlock(&ln->lock);
	return any;
}

/*
 * l2tp_core's genl family, opened while the netns has attached tunnels,
 * its memory charged to the cgroup of the first of them. Without it only
 * what needs no genl goes on; it is tried again every L2TPFAST_SYNC_RETRY.
 */
static void l2tpfast_sync_open(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync *sy = &ln->sync;
	struct mem_cgroup *memcg, *old;
	bool any;
	int err;

	if (sy->nl_open || time_before(jiffies, sy->open_at))
		return;
	memcg = l2tpfast_sync_memcg(ln, &any);
	if (!any)
		return;

	old = set_active_memcg(memcg);
	err = l2tpnl_open(&sy->nl, ln->net, &sy->wait);
	set_active_memcg(old);
	mem_cgroup_put(memcg);
	if (err) {
		pr_warn_ratelimited("cannot follow l2tp_core (%d): is l2tp_netlink loaded? Trying again in 5 s\n",
				    err);
		sy->open_at = jiffies + L2TPFAST_SYNC_RETRY;
		l2tpfast_sync_schedule(ln, L2TPFAST_SYNC_RETRY);
		return;
	}
	sy->congested = false;
	/* Tunnels attached from now on leave sessions to the events. */
	mutex_lock(&ln->lock);
	WRITE_ONCE(sy->nl_open, true);
	mutex_unlock(&ln->lock);
}

/*
 * No tunnel left: stop listening. False if one was attached meanwhile
 * (it saw the events socket open and counts on it).
 */
static bool l2tpfast_sync_close(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync *sy = &ln->sync;
	bool open;

	mutex_lock(&ln->lock);
	if (ln->n_tunnels) {
		mutex_unlock(&ln->lock);
		return false;
	}
	open = sy->nl_open;
	WRITE_ONCE(sy->nl_open, false);
	mutex_unlock(&ln->lock);
	if (open)
		l2tpnl_close(&sy->nl);
	return true;
}

static void l2tpfast_sync_work(struct work_struct *work)
{
	struct l2tpfast_net *ln = container_of(to_delayed_work(work),
					       struct l2tpfast_net, sync.work);
	struct l2tpfast_sync *sy = &ln->sync;
	bool more = false, rechecks = false;
	unsigned long next;

	if (READ_ONCE(ln->dying) || l2tpfast_sync_close(ln))
		return;
	l2tpfast_sync_open(ln);
	if (sy->nl_open)
		more = l2tpfast_sync_events(ln);
	l2tpfast_sync_requests(ln);
	/*
	 * After an overrun the events socket was replaced: what was lost is
	 * there to be seen now, even with more events waiting (a flood). If
	 * it could not be, the look is repeated until it has been read empty.
	 */
	if (sy->resync)
		l2tpfast_sync_everything(ln);
	if (sy->nl_open)
		l2tpfast_sync_fresh(ln);
	l2tpfast_sync_sweep(ln);
	/* Under a flood of events too, every L2TPFAST_BUSY_RECHECK_GAP. */
	if (!more || time_after_eq(jiffies, sy->recheck_at)) {
		sy->recheck_at = jiffies + L2TPFAST_BUSY_RECHECK_GAP;
		rechecks = l2tpfast_sync_rechecks(ln, &next);
	}
	if (more)
		l2tpfast_sync_kick(ln);
	else if (rechecks)
		l2tpfast_sync_schedule(ln, max_t(long, (long)(next - jiffies), 1));
}

/* The events socket has something: run the work. Any context. */
static int l2tpfast_sync_wake(struct wait_queue_entry *wait, unsigned int mode,
			      int sync, void *key)
{
	struct l2tpfast_net *ln = container_of(wait, struct l2tpfast_net,
					       sync.wait);

	l2tpfast_sync_kick(ln);
	return 0;
}

/* Under RTNL: a device of this netns goes; was it a session's? */
static int l2tpfast_sync_netdev_event(struct notifier_block *nb,
				      unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct l2tpfast_net *ln = container_of(nb, struct l2tpfast_net,
					       sync.netdev);
	struct l2tpfast_session *s;

	/* Only a shortcut: a stale n_tunnels costs a needless look. */
	if (event != NETDEV_UNREGISTER || !data_race(ln->n_tunnels) ||
	    READ_ONCE(ln->dying))
		return NOTIFY_DONE;
	rcu_read_lock();
	s = xa_load(&ln->by_ifindex, dev->ifindex);
	if (s)
		l2tpfast_sync_ask(ln, L2TPFAST_ASK_CHECK, s->tunnel_id, s->id);
	else if (dev->type == ARPHRD_PPP)
		l2tpfast_sync_ask(ln, L2TPFAST_ASK_CHECK_UNNAMED, 0, 0);
	rcu_read_unlock();
	return NOTIFY_DONE;
}

int l2tpfast_sync_init(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync *sy = &ln->sync;

	INIT_DELAYED_WORK(&sy->work, l2tpfast_sync_work);
	init_waitqueue_func_entry(&sy->wait, l2tpfast_sync_wake);
	INIT_LIST_HEAD(&sy->fresh);
	INIT_LIST_HEAD(&sy->recheck_tunnels);
	INIT_LIST_HEAD(&sy->recheck_sessions);
	spin_lock_init(&sy->req_lock);
	spin_lock_init(&sy->sched_lock);
	sy->sweep_at = jiffies;
	sy->open_at = jiffies;
	sy->resync_at = jiffies;
	sy->recheck_at = jiffies;
	sy->netdev.notifier_call = l2tpfast_sync_netdev_event;
	return register_netdevice_notifier_net(ln->net, &sy->netdev);
}

/*
 * The netns goes (ln->dying is set, the fast path is unhooked): no hint
 * can start the work any more once the notifier and the events socket are
 * gone, and the work does nothing once it sees ln->dying.
 */
void l2tpfast_sync_stop(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync *sy = &ln->sync;

	unregister_netdevice_notifier_net(ln->net, &sy->netdev);
	cancel_delayed_work_sync(&sy->work);
	if (sy->nl_open)
		l2tpnl_close(&sy->nl);
	WRITE_ONCE(sy->nl_open, false);
	cancel_delayed_work_sync(&sy->work);
}
