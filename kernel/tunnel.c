// SPDX-License-Identifier: GPL-2.0
/*
 * Attached tunnels and what l2tpfast holds per network namespace.
 *
 * A tunnel is found by local id (xarray, for netlink) and by its UDP socket
 * (RCU hash, for the fast path). All changes happen under the netns mutex
 * in process context; a detached tunnel is freed after an RCU grace period,
 * once no packet can still be looking at it.
 *
 * l2tp_core tells nobody when it creates or deletes a session or a tunnel,
 * so l2tpfast follows it: a periodic sync (and one kicked when a packet for
 * a session it does not track arrives) reads l2tp_core's sessions through
 * its genl family and checks that each attached tunnel still owns its
 * socket. Closing the socket is seen at once (encap_destroy, sock.c).
 */

#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "l2tpnl.h"
#include "netlink.h"
#include "session.h"
#include "sock.h"
#include "tunnel.h"
#include "tx.h"

#define L2TPFAST_SYNC_INTERVAL	(2 * HZ)
#define L2TPFAST_SYNC_KICK_GAP	(HZ / 4)

struct workqueue_struct *l2tpfast_wq;

/* RCU readers only: the rx and tx paths. */
struct l2tpfast_tunnel *l2tpfast_tunnel_find_sk(const struct sock *sk)
{
	struct l2tpfast_net *ln = l2tpfast_net(sock_net(sk));
	struct l2tpfast_tunnel *t;

	hash_for_each_possible_rcu(ln->by_sk, t, by_sk_node, (unsigned long)sk) {
		if (t->sk == sk)
			return t;
	}
	return NULL;
}

/* Under ln->lock. */
struct l2tpfast_tunnel *l2tpfast_tunnel_find(struct l2tpfast_net *ln, u32 id)
{
	return xa_load(&ln->tunnels, id);
}

static void l2tpfast_tunnel_free_work(struct work_struct *work)
{
	struct l2tpfast_tunnel *t =
		container_of(to_rcu_work(work), struct l2tpfast_tunnel,
			     free_work);

	xa_destroy(&t->sessions);
	xa_destroy(&t->sessions_by_peer);
	l2tpfast_stats_free(&t->stats);
	sock_put(t->sk);
	kfree(t);
}

static struct l2tpfast_tunnel *
l2tpfast_tunnel_alloc(struct l2tpfast_net *ln, const struct l2tpfast_attach *req)
{
	struct l2tpfast_tunnel *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	if (l2tpfast_stats_init(&t->stats)) {
		kfree(t);
		return NULL;
	}
	t->ln = ln;
	t->id = req->id;
	t->version = req->version;
	t->peer_id = req->peer_id;
	xa_init(&t->sessions);
	xa_init(&t->sessions_by_peer);
	INIT_RCU_WORK(&t->free_work, l2tpfast_tunnel_free_work);
	return t;
}

/* Does l2tp_core still have tunnel t->id, on the socket we are attached to? */
bool l2tpfast_tunnel_alive(struct l2tpfast_tunnel *t)
{
	struct l2tp_tunnel *core;
	bool alive;

	core = l2tp_tunnel_get(t->ln->net, t->id);
	if (!core)
		return false;
	alive = l2tpfast_core_sk_is_tunnel(t->sk, core);
	l2tpfast_core_tunnel_put(core);
	return alive && l2tpfast_sock_is_attached(t->sk);
}

/* Under ln->lock. On success the tunnel owns req->sk's reference. */
int l2tpfast_tunnel_attach(struct l2tpfast_net *ln,
			   const struct l2tpfast_attach *req)
{
	struct l2tpfast_tunnel *t;
	int err;

	if (ln->dying)
		return -ENODEV;
	if (l2tpfast_tunnel_find(ln, req->id) || l2tpfast_tunnel_find_sk(req->sk))
		return -EBUSY;

	t = l2tpfast_tunnel_alloc(ln, req);
	if (!t)
		return -ENOMEM;
	t->sk = req->sk;

	err = xa_insert(&ln->tunnels, t->id, t, GFP_KERNEL);
	if (err)
		goto err_free;
	err = l2tpfast_tx_hooks_get(ln);
	if (err)
		goto err_erase;

	/* Visible to the fast path before packets are steered to us. */
	hash_add_rcu(ln->by_sk, &t->by_sk_node, (unsigned long)t->sk);
	err = l2tpfast_sock_attach(t);
	if (err)
		goto err_unhash;

	ln->n_tunnels++;
	l2tpfast_nl_notify_tunnel(t, true);
	l2tpfast_net_kick_sync(ln);
	return 0;

err_unhash:
	hash_del_rcu(&t->by_sk_node);
	l2tpfast_tx_hooks_put(ln);
err_erase:
	xa_erase(&ln->tunnels, t->id);
err_free:
	/* The caller keeps its socket reference on failure. */
	sock_hold(t->sk);
	queue_rcu_work(l2tpfast_wq, &t->free_work);
	return err;
}

/* Under ln->lock. */
void l2tpfast_tunnel_detach(struct l2tpfast_tunnel *t)
{
	struct l2tpfast_net *ln = t->ln;

	l2tpfast_sock_detach(t);
	hash_del_rcu(&t->by_sk_node);
	xa_erase(&ln->tunnels, t->id);
	l2tpfast_session_forget_all(t);
	l2tpfast_nl_notify_tunnel(t, false);
	ln->n_tunnels--;
	l2tpfast_tx_hooks_put(ln);
	queue_rcu_work(l2tpfast_wq, &t->free_work);
}

/* Under ln->lock. */
void l2tpfast_tunnel_reset(struct l2tpfast_tunnel *t)
{
	l2tpfast_stats_reset(&t->stats);
	l2tpfast_session_reset_all(t);
}

/* Apply a snapshot of l2tp_core's sessions to every attached tunnel. */
static void l2tpfast_net_apply(struct l2tpfast_net *ln,
			       const struct l2tpfast_core_snapshot *snap)
{
	unsigned long gen = ++ln->sync_gen;
	struct l2tpfast_tunnel *t;
	unsigned long id;
	unsigned int i;

	for (i = 0; i < snap->n_sessions; i++) {
		const struct l2tpfast_core_session *cs = &snap->sessions[i];

		t = l2tpfast_tunnel_find(ln, cs->tunnel_id);
		if (t)
			l2tpfast_session_seen(t, cs, gen);
	}
	for (i = 0; i < snap->n_tunnels; i++) {
		t = l2tpfast_tunnel_find(ln, snap->tunnels[i].id);
		if (t && snap->tunnels[i].peer_id)
			WRITE_ONCE(t->peer_id, snap->tunnels[i].peer_id);
	}
	xa_for_each(&ln->tunnels, id, t)
		l2tpfast_session_forget_unseen(t, gen);
}

static void l2tpfast_net_sync(struct work_struct *work)
{
	struct l2tpfast_net *ln =
		container_of(to_delayed_work(work), struct l2tpfast_net, sync);
	struct l2tpfast_core_snapshot *snap;
	struct l2tpfast_tunnel *t;
	unsigned long id;

	WRITE_ONCE(ln->sync_at, jiffies);
	clear_bit(0, &ln->sync_kicked);
	/* Asking l2tp_core takes genl locks: not under our mutex. */
	snap = l2tpfast_l2tpnl_snapshot(ln->net);

	mutex_lock(&ln->lock);
	xa_for_each(&ln->tunnels, id, t) {
		if (!l2tpfast_tunnel_alive(t))
			l2tpfast_tunnel_detach(t);
	}
	if (!IS_ERR(snap))
		l2tpfast_net_apply(ln, snap);
	if (ln->n_tunnels && !ln->dying)
		queue_delayed_work(l2tpfast_wq, &ln->sync,
				   L2TPFAST_SYNC_INTERVAL);
	mutex_unlock(&ln->lock);

	if (!IS_ERR(snap))
		l2tpfast_l2tpnl_snapshot_free(snap);
	else
		pr_warn_ratelimited("cannot read l2tp_core's sessions (%ld); is l2tp_netlink loaded?\n",
				    PTR_ERR(snap));
}

/* Under ln->lock or RCU: sync now rather than at the next interval. */
void l2tpfast_net_kick_sync(struct l2tpfast_net *ln)
{
	/* A stream of such packets must not keep l2tp_core's genl busy. */
	if (time_before(jiffies, READ_ONCE(ln->sync_at) + L2TPFAST_SYNC_KICK_GAP))
		return;
	if (!test_and_set_bit(0, &ln->sync_kicked) && !READ_ONCE(ln->dying))
		mod_delayed_work(l2tpfast_wq, &ln->sync, 0);
}

void l2tpfast_net_init(struct l2tpfast_net *ln, struct net *net)
{
	ln->net = net;
	mutex_init(&ln->lock);
	xa_init(&ln->tunnels);
	hash_init(ln->by_sk);
	INIT_DELAYED_WORK(&ln->sync, l2tpfast_net_sync);
}

/* The netns or the module goes away: let go of every socket. */
void l2tpfast_net_exit(struct l2tpfast_net *ln)
{
	struct l2tpfast_tunnel *t;
	unsigned long id;

	mutex_lock(&ln->lock);
	WRITE_ONCE(ln->dying, true);
	mutex_unlock(&ln->lock);
	/* A packet may be kicking the sync right now: let it finish first. */
	synchronize_rcu();
	cancel_delayed_work_sync(&ln->sync);

	mutex_lock(&ln->lock);
	xa_for_each(&ln->tunnels, id, t)
		l2tpfast_tunnel_detach(t);
	mutex_unlock(&ln->lock);
	xa_destroy(&ln->tunnels);
}
