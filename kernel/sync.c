// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping l2tpfast in step with l2tp_core, without polling.
 *
 * l2tp_core has no notifier for its tunnels and sessions. What tells of a
 * change:
 *  - l2tp_netlink's multicast group, for every tunnel and session made,
 *    changed or deleted through the l2tp genl family (ip l2tp, an LNS);
 *  - the fast path, for a data packet of a session l2tp_core has and
 *    l2tpfast does not track (made by a PPPoL2TP connect(), or missed);
 *  - the netns's devices: a session's interface going away (an l2tp_eth
 *    session deleted, a pppd ending: that deletes its PPP session with no
 *    word on the multicast group);
 *  - attaching a tunnel, and reading: a get or dump checks what it shows.
 * Each names a tunnel or a session, and the work here looks at exactly
 * those, O(1) each through l2tp_core's own lookups. l2tp_core notifies
 * before it deletes, and deletes from a work item of its own, so what is
 * still there is looked at again a few times, backing off. With nothing
 * changing, nothing runs: no timer, no dump.
 *
 * Everything is a hint; what l2tp_core has decides. Forgetting a session
 * takes l2tp_core no longer having that very object (session.c), never the
 * absence of a message or of a line in a dump.
 */

#include <linux/if_arp.h>
#include <linux/l2tp.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <net/sock.h>

#include "compat.h"
#include "l2tpnl.h"
#include "session.h"
#include "sock.h"
#include "sync.h"
#include "tunnel.h"

/* After a hint that something is going: look again after these. */
static const unsigned int l2tpfast_recheck_ms[] = { 10, 50, 250, 1000, 5000 };
/* l2tp_netlink not there (yet): try again after this. */
#define L2TPFAST_SYNC_RETRY	(5 * HZ)
/* While the work runs anyway, look for closed sockets at most this often. */
#define L2TPFAST_SWEEP_GAP	(2 * HZ)

static void l2tpfast_sync_queue(struct l2tpfast_net *ln, unsigned long delay)
{
	queue_delayed_work(l2tpfast_wq, &ln->sync.work, delay);
}

/* Any context: run the work now. */
void l2tpfast_sync_kick(struct l2tpfast_net *ln)
{
	mod_delayed_work(l2tpfast_wq, &ln->sync.work, 0);
}

/* Any context (the fast path, notifiers): ask the work to look at ids. */
void l2tpfast_sync_ask(struct l2tpfast_net *ln, enum l2tpfast_sync_ask ask,
		       u32 tunnel_id, u32 session_id)
{
	struct l2tpfast_sync *sy = &ln->sync;
	struct l2tpfast_sync_req *last;
	unsigned long flags;
	bool fresh = true;

	spin_lock_irqsave(&sy->req_lock, flags);
	last = sy->req_n ? &sy->req[sy->req_n - 1] : NULL;
	if (last && last->ask == ask && last->tunnel_id == tunnel_id &&
	    last->session_id == session_id)
		fresh = false;		/* a burst of packets asks once */
	else if (sy->req_n < L2TPFAST_SYNC_REQS)
		sy->req[sy->req_n++] = (struct l2tpfast_sync_req) {
			.ask = ask, .tunnel_id = tunnel_id,
			.session_id = session_id };
	else
		sy->req_lost = true;
	spin_unlock_irqrestore(&sy->req_lock, flags);
	if (fresh)
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
	l2tpfast_sync_queue(ln, delay);
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

/* Under ln->lock: look at a tunnel (session_id 0) or one of its sessions. */
static void l2tpfast_sync_check(struct l2tpfast_net *ln, u32 tunnel_id,
				u32 session_id)
{
	struct l2tpfast_tunnel *t = l2tpfast_tunnel_find(ln, tunnel_id);
	struct l2tpfast_session *s;

	if (!t)
		return;
	if (!session_id) {
		if (l2tpfast_tunnel_check(t))
			l2tpfast_sync_recheck_tunnel(t);
		return;
	}
	s = l2tpfast_session_find(t, session_id);
	if (s && l2tpfast_session_check(t, s))
		l2tpfast_sync_recheck_session(ln, s);
}

/* Under ln->lock: an interface nobody named went away; whose was it? */
static void l2tpfast_sync_check_unnamed(struct l2tpfast_net *ln)
{
	struct l2tpfast_session *s, *tmp;

	list_for_each_entry_safe(s, tmp, &ln->unnamed, unnamed_node)
		l2tpfast_sync_check(ln, s->tunnel_id, s->id);
}

/*
 * A session l2tp_core may have and l2tpfast does not track (or tracks
 * without its peer id): ask l2tp_core what it is, then track it.
 */
static void l2tpfast_sync_learn(struct l2tpfast_net *ln, u32 tunnel_id,
				u32 session_id)
{
	struct l2tpfast_core_session cs;
	struct l2tpfast_tunnel *t;
	struct l2tpfast_session *s;
	int err;

	mutex_lock(&ln->lock);
	t = l2tpfast_tunnel_find(ln, tunnel_id);
	s = t ? l2tpfast_session_find(t, session_id) : NULL;
	if (!t || (s && s->peer_id && l2tpfast_session_alive(t, s))) {
		mutex_unlock(&ln->lock);
		return;
	}
	mutex_unlock(&ln->lock);

	err = l2tpnl_session_get(&ln->sync.nl, tunnel_id, session_id, &cs);

	mutex_lock(&ln->lock);
	t = l2tpfast_tunnel_find(ln, tunnel_id);
	if (t && !err)
		l2tpfast_session_learn(t, &cs);
	else if (t)
		l2tpfast_sync_check(ln, tunnel_id, session_id);
	mutex_unlock(&ln->lock);
}

static void l2tpfast_sync_handle(struct l2tpfast_net *ln,
				 const struct l2tpfast_sync_req *r)
{
	if (r->ask == L2TPFAST_ASK_LEARN) {
		l2tpfast_sync_learn(ln, r->tunnel_id, r->session_id);
		return;
	}
	mutex_lock(&ln->lock);
	if (r->ask == L2TPFAST_ASK_CHECK)
		l2tpfast_sync_check(ln, r->tunnel_id, r->session_id);
	else
		l2tpfast_sync_check_unnamed(ln);
	mutex_unlock(&ln->lock);
}

/* l2tp_core's notifications, read as hints. */
static void l2tpfast_sync_events(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync_req r;
	struct l2tpfast_core_event ev;
	int n = 0, err;

	while ((err = l2tpnl_event_next(&ln->sync.nl, &ev)) > 0) {
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
			r.ask = L2TPFAST_ASK_CHECK;
			r.session_id = 0;
			break;
		default:
			continue;
		}
		l2tpfast_sync_handle(ln, &r);
		if (!(++n % 64))
			cond_resched();
	}
	if (err == -ENOBUFS)
		ln->sync.resync = true;
	else if (err)
		pr_warn_ratelimited("reading l2tp_core's events: %d\n", err);
}

static void l2tpfast_sync_requests(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync *sy = &ln->sync;
	struct l2tpfast_sync_req *req;
	unsigned int i, n;

	req = kmalloc_array(L2TPFAST_SYNC_REQS, sizeof(*req), GFP_KERNEL);
	if (!req) {
		sy->resync = true;
		return;
	}
	spin_lock_irq(&sy->req_lock);
	n = sy->req_n;
	memcpy(req, sy->req, n * sizeof(*req));
	sy->req_n = 0;
	if (sy->req_lost)
		sy->resync = true;
	sy->req_lost = false;
	spin_unlock_irq(&sy->req_lock);

	for (i = 0; i < n; i++)
		l2tpfast_sync_handle(ln, &req[i]);
	kfree(req);
}

/* Track the sessions l2tp_core has on the tunnels of list (fresh_node). */
static void l2tpfast_sync_populate(struct l2tpfast_net *ln,
				   struct list_head *list)
{
	struct l2tpfast_core_session *cs = NULL;
	struct l2tpfast_tunnel *t, *tmp;
	unsigned int i, n = 0;
	int err;

	err = l2tpnl_session_dump(&ln->sync.nl, &cs, &n);
	mutex_lock(&ln->lock);
	for (i = 0; !err && i < n; i++) {
		t = l2tpfast_tunnel_find(ln, cs[i].tunnel_id);
		if (t && !list_empty(&t->fresh_node))
			l2tpfast_session_learn(t, &cs[i]);
	}
	list_for_each_entry_safe(t, tmp, list, fresh_node) {
		t->populate = false;
		list_del_init(&t->fresh_node);
	}
	mutex_unlock(&ln->lock);
	kvfree(cs);
	if (err)
		pr_warn_ratelimited("reading l2tp_core's sessions: %d\n", err);
}

/*
 * Tunnels attached since the last run: the version and peer id l2tp_core
 * has for them, and their sessions if they have any (an LNS attaches a
 * tunnel before its first session: no dump then).
 */
static void l2tpfast_sync_fresh(struct l2tpfast_net *ln)
{
	struct l2tpfast_core_tunnel ct;
	struct l2tpfast_tunnel *t;
	LIST_HEAD(populate);
	u32 id;
	int err;

	for (;;) {
		mutex_lock(&ln->lock);
		t = list_first_entry_or_null(&ln->sync.fresh,
					     struct l2tpfast_tunnel, fresh_node);
		if (t)
			list_del_init(&t->fresh_node);
		id = t ? t->id : 0;
		mutex_unlock(&ln->lock);
		if (!id)
			break;

		err = l2tpnl_tunnel_get(&ln->sync.nl, id, &ct);

		mutex_lock(&ln->lock);
		t = l2tpfast_tunnel_find(ln, id);
		if (!t || !l2tpfast_tunnel_check(t)) {
			t = NULL;
		} else if (!err && ct.version && ct.version != t->version) {
			pr_warn_ratelimited("tunnel %u is L2TPv%u, attached as L2TPv%u: detached\n",
					    id, ct.version, t->version);
			l2tpfast_tunnel_detach(t);
			t = NULL;
		}
		if (t && !err && ct.peer_id)
			WRITE_ONCE(t->peer_id, ct.peer_id);
		if (t && t->populate &&
		    l2tpfast_core_tunnel_has_sessions(ln->net, t->sk,
						      t->version, t->id))
			list_add_tail(&t->fresh_node, &populate);
		mutex_unlock(&ln->lock);
		cond_resched();
	}
	if (!list_empty(&populate))
		l2tpfast_sync_populate(ln, &populate);
}

/* Events were lost: look at everything once, and learn what is new. */
static void l2tpfast_sync_everything(struct l2tpfast_net *ln)
{
	struct l2tpfast_session *s;
	struct l2tpfast_tunnel *t;
	unsigned long id, sid;

	ln->sync.resync = false;
	pr_info_ratelimited("lost track of l2tp_core's events: checking every tunnel and session\n");
	mutex_lock(&ln->lock);
	xa_for_each(&ln->tunnels, id, t) {
		if (!l2tpfast_tunnel_check(t))
			continue;
		xa_for_each(&t->sessions, sid, s)
			l2tpfast_session_check(t, s);
		t->populate = true;
		if (list_empty(&t->fresh_node))
			list_add_tail(&t->fresh_node, &ln->sync.fresh);
	}
	mutex_unlock(&ln->lock);
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
			l2tpfast_tunnel_check(t);
	}
	mutex_unlock(&ln->lock);
}

/* Look again at what was still there; returns the next deadline, or 0. */
static unsigned long l2tpfast_sync_rechecks(struct l2tpfast_net *ln)
{
	struct l2tpfast_session *s, *stmp;
	struct l2tpfast_tunnel *t, *ttmp;
	unsigned long now = jiffies, next = 0;
	struct l2tpfast_sync *sy = &ln->sync;

	mutex_lock(&ln->lock);
	list_for_each_entry_safe(t, ttmp, &sy->recheck_tunnels, recheck.node) {
		if (time_before_eq(t->recheck.at, now) && l2tpfast_tunnel_check(t))
			l2tpfast_recheck_next(&t->recheck, now);
	}
	list_for_each_entry_safe(s, stmp, &sy->recheck_sessions, recheck.node) {
		if (!time_before_eq(s->recheck.at, now))
			continue;
		t = l2tpfast_tunnel_find(ln, s->tunnel_id);
		if (l2tpfast_session_check(t, s))
			l2tpfast_recheck_next(&s->recheck, now);
	}
	list_for_each_entry(t, &sy->recheck_tunnels, recheck.node)
		if (!next || time_before(t->recheck.at, next))
			next = t->recheck.at;
	list_for_each_entry(s, &sy->recheck_sessions, recheck.node)
		if (!next || time_before(s->recheck.at, next))
			next = s->recheck.at;
	mutex_unlock(&ln->lock);
	return next;
}

/*
 * l2tp_core's genl family, opened while the netns has attached tunnels.
 * False if there is nothing to do.
 */
static bool l2tpfast_sync_open(struct l2tpfast_net *ln)
{
	struct l2tpfast_sync *sy = &ln->sync;
	bool want;
	int err;

	mutex_lock(&ln->lock);
	want = ln->n_tunnels && !ln->dying;
	mutex_unlock(&ln->lock);
	if (!want) {
		if (sy->nl_open && !READ_ONCE(ln->dying)) {
			mutex_lock(&ln->lock);
			sy->nl_open = false;
			mutex_unlock(&ln->lock);
			l2tpnl_close(&sy->nl);
		}
		return false;
	}
	if (sy->nl_open)
		return true;
	err = l2tpnl_open(&sy->nl, ln->net, &sy->wait);
	if (err) {
		pr_warn_ratelimited("cannot follow l2tp_core (%d): is l2tp_netlink loaded? Trying again in 5 s\n",
				    err);
		l2tpfast_sync_queue(ln, L2TPFAST_SYNC_RETRY);
		return false;
	}
	/* Tunnels attached from now on leave sessions to the events. */
	mutex_lock(&ln->lock);
	sy->nl_open = true;
	mutex_unlock(&ln->lock);
	return true;
}

static void l2tpfast_sync_work(struct work_struct *work)
{
	struct l2tpfast_net *ln = container_of(to_delayed_work(work),
					       struct l2tpfast_net, sync.work);
	unsigned long next;

	if (READ_ONCE(ln->dying) || !l2tpfast_sync_open(ln))
		return;
	l2tpfast_sync_events(ln);
	l2tpfast_sync_requests(ln);
	if (ln->sync.resync)
		l2tpfast_sync_everything(ln);
	l2tpfast_sync_fresh(ln);
	l2tpfast_sync_sweep(ln);
	next = l2tpfast_sync_rechecks(ln);
	if (next)
		l2tpfast_sync_queue(ln, max_t(long, (long)(next - jiffies), 1));
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
	sy->sweep_at = jiffies;
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
	sy->nl_open = false;
	cancel_delayed_work_sync(&sy->work);
}
