// SPDX-License-Identifier: GPL-2.0
/*
 * Attached tunnels and what l2tpfast holds per network namespace.
 *
 * A tunnel is found by local id (xarray, for netlink and the sync) and by
 * its UDP socket (one growing hash table for all netns, for the fast path:
 * O(1) with one tunnel or a hundred thousand). All changes happen
 * under the netns mutex in process context; a detached tunnel is freed
 * after an RCU grace period, once no packet can still be looking at it.
 *
 * Lifetimes: the tunnel holds its socket; l2tpfast never installs a hook
 * that runs without RCU (no encap_destroy, no sk_destruct), so when the
 * netns goes, .pre_exit gives every socket its hook back and unregisters
 * the netfilter hooks, the core waits a grace period, and .exit frees:
 * nothing of l2tpfast runs after that.
 */

#include <linux/memcontrol.h>
#include <linux/hash.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "netlink.h"
#include "session.h"
#include "sock.h"
#include "sync.h"
#include "tunnel.h"
#include "tx.h"

struct workqueue_struct *l2tpfast_wq;

/*
 * Attached tunnels of every netns by socket, for the fast path: a hash table
 * that doubles as tunnels come (never shrinks), so that a lookup is a hash
 * and about one compare whatever the count. A tunnel has a link for each of
 * two tables: growing links every tunnel into the new table first, then
 * publishes it, then waits for readers of the old one before its links are
 * used again. Changes under l2tpfast_by_sk_lock, lookups under RCU
 * (tunnel.h).
 */
#define L2TPFAST_SK_TABLE_BITS	6

struct l2tpfast_sk_table __rcu *l2tpfast_by_sk;
static DEFINE_MUTEX(l2tpfast_by_sk_lock);
static unsigned int l2tpfast_by_sk_count;

static struct l2tpfast_sk_table *l2tpfast_sk_table_alloc(unsigned int bits,
							 unsigned int link)
{
	struct l2tpfast_sk_table *tbl;
	unsigned int i;

	tbl = kvzalloc(struct_size(tbl, buckets, 1U << bits), GFP_KERNEL);
	if (!tbl)
		return NULL;
	tbl->bits = bits;
	tbl->link = link;
	for (i = 0; i < 1U << bits; i++)
		INIT_HLIST_HEAD(&tbl->buckets[i]);
	return tbl;
}

/* Under l2tpfast_by_sk_lock: twice the buckets, every tunnel linked in. */
static int l2tpfast_sk_table_grow(struct l2tpfast_sk_table *old)
{
	struct l2tpfast_sk_table *tbl;
	struct l2tpfast_tunnel *t;
	struct hlist_node *n;
	unsigned int i;

	tbl = l2tpfast_sk_table_alloc(old->bits + 1, !old->link);
	if (!tbl)
		return -ENOMEM;
	for (i = 0; i < 1U << old->bits; i++) {
		hlist_for_each(n, &old->buckets[i]) {
			t = l2tpfast_sk_entry(n, old->link);
			hlist_add_head_rcu(&t->by_sk[tbl->link],
					   l2tpfast_sk_bucket(tbl, t->sk));
		}
	}
	rcu_assign_pointer(l2tpfast_by_sk, tbl);
	/* Readers of the old table may still follow the old links. */
	synchronize_rcu();
	kvfree(old);
	return 0;
}

static int l2tpfast_sk_table_add(struct l2tpfast_tunnel *t)
{
	struct l2tpfast_sk_table *tbl;
	int err = 0;

	mutex_lock(&l2tpfast_by_sk_lock);
	tbl = rcu_dereference_protected(l2tpfast_by_sk,
					lockdep_is_held(&l2tpfast_by_sk_lock));
	if (l2tpfast_by_sk_count >= 1U << tbl->bits) {
		err = l2tpfast_sk_table_grow(tbl);
		tbl = rcu_dereference_protected(l2tpfast_by_sk,
						lockdep_is_held(&l2tpfast_by_sk_lock));
	}
	if (!err) {
		hlist_add_head_rcu(&t->by_sk[tbl->link],
				   l2tpfast_sk_bucket(tbl, t->sk));
		l2tpfast_by_sk_count++;
	}
	mutex_unlock(&l2tpfast_by_sk_lock);
	return err;
}

static void l2tpfast_sk_table_del(struct l2tpfast_tunnel *t)
{
	struct l2tpfast_sk_table *tbl;

	mutex_lock(&l2tpfast_by_sk_lock);
	tbl = rcu_dereference_protected(l2tpfast_by_sk,
					lockdep_is_held(&l2tpfast_by_sk_lock));
	hlist_del_rcu(&t->by_sk[tbl->link]);
	l2tpfast_by_sk_count--;
	mutex_unlock(&l2tpfast_by_sk_lock);
}

/*
 * Under ln->lock, or under RCU (the receive path): a tunnel is freed a
 * grace period after it left the xarray.
 */
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
	mem_cgroup_put(t->memcg);
	kfree(t);
}

/* In the attaching task: charged to its memory cgroup, as its sessions. */
static struct l2tpfast_tunnel *
l2tpfast_tunnel_alloc(struct l2tpfast_net *ln, const struct l2tpfast_attach *req)
{
	struct l2tpfast_tunnel *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return NULL;
	if (l2tpfast_stats_init(&t->stats, true)) {
		kfree(t);
		return NULL;
	}
	t->ln = ln;
	t->sk = req->sk;
	t->core = req->core;
	t->id = req->id;
	t->version = req->version;
	t->peer_id = req->peer_id;
	l2tpfast_sa_init(&t->sa, req->ipsec_mark, req->ipsec_mask);
	t->memcg = get_mem_cgroup_from_mm(current->mm);
	t->nolearn_until = jiffies;
	t->learn_window = jiffies;
	xa_init(&t->sessions);
	xa_init(&t->sessions_by_peer);
	INIT_LIST_HEAD(&t->fresh_node);
	INIT_LIST_HEAD(&t->recheck.node);
	INIT_RCU_WORK(&t->free_work, l2tpfast_tunnel_free_work);
	return t;
}

/*
 * Does l2tp_core still have the tunnel we attached to, on its socket? O(1):
 * a closed socket is dead at once; a deleted tunnel has left l2tp_core's
 * table (l2tp_core deletes lazily: the sync looks again until it has).
 * t->core cannot have been reused for another tunnel meanwhile: 6.1 frees
 * a tunnel with its socket, which t holds, and 6.12 takes its hook off the
 * socket when it frees one.
 *
 * That last is also a hazard: 6.12's l2tp_core clears a socket's
 * encapsulation when it frees a tunnel, not when it deletes it, so a new
 * tunnel made on the same socket right after the old one left the table
 * loses its encapsulation when the old one is finally freed. The references
 * l2tpfast holds on the old tunnel's sessions delay that free until it
 * notices: so a hint that a tunnel may be going (sync.c) looks again within
 * a tick, and detaching it lets go of them.
 */
bool l2tpfast_tunnel_alive(struct l2tpfast_tunnel *t)
{
	struct l2tp_tunnel *core;

	if (sock_flag(t->sk, SOCK_DEAD) || !l2tpfast_sock_is_attached(t->sk))
		return false;
	core = l2tp_tunnel_get(t->ln->net, t->id);
	if (!core)
		return false;
	l2tpfast_core_tunnel_put(core);
	return core == t->core;
}

/* Under ln->lock: detach t if it is gone; true if it is still there. */
bool l2tpfast_tunnel_check(struct l2tpfast_tunnel *t)
{
	if (l2tpfast_tunnel_alive(t))
		return true;
	l2tpfast_tunnel_detach(t);
	return false;
}

/* Under ln->lock. On success the tunnel owns req->sk's reference. */
int l2tpfast_tunnel_attach(struct l2tpfast_net *ln,
			   const struct l2tpfast_attach *req)
{
	struct l2tpfast_tunnel *t;
	int err;

	if (ln->dying)
		return -ENODEV;
	/*
	 * A tunnel of the same id, or on the same socket, may be one that is
	 * gone and nobody told of (no session, its socket closed quietly).
	 */
	t = l2tpfast_tunnel_find(ln, req->id);
	if (t && l2tpfast_tunnel_check(t))
		return -EBUSY;
	/* Ours to check only if it is this netns's (ln->lock holds it). */
	rcu_read_lock();
	t = l2tpfast_tunnel_find_sk(req->sk);
	if (t && t->ln != ln)
		t = ERR_PTR(-EBUSY);
	rcu_read_unlock();
	if (IS_ERR(t) || (t && l2tpfast_tunnel_check(t)))
		return -EBUSY;

	t = l2tpfast_tunnel_alloc(ln, req);
	if (!t)
		return -ENOMEM;
	err = xa_insert(&ln->tunnels, t->id, t, GFP_KERNEL);
	if (err)
		goto err_free;
	err = l2tpfast_tx_hooks_get(ln);
	if (err)
		goto err_erase;
	/* Visible to the fast path before packets are steered to us. */
	err = l2tpfast_sk_table_add(t);
	if (err)
		goto err_hooks;
	err = l2tpfast_sock_attach(t);
	if (err)
		goto err_unhash;

	ln->n_tunnels++;
	/*
	 * Sessions made from now on are told of by l2tp_netlink, if the sync
	 * listens already; those l2tp_core has now come from a dump.
	 */
	t->populate = !ln->sync.nl_open ||
		      l2tpfast_core_tunnel_has_sessions(ln->net, t->sk,
							t->version, t->id);
	l2tpfast_nl_notify_tunnel(t, L2TPFAST_CMD_TUNNEL_ADD_NTF);
	l2tpfast_sync_tunnel_fresh(t);
	return 0;

err_unhash:
	l2tpfast_sk_table_del(t);
err_hooks:
	l2tpfast_tx_hooks_put(ln);
err_erase:
	xa_erase(&ln->tunnels, t->id);
err_free:
	/* The caller keeps its socket reference on failure. */
	sock_hold(t->sk);
	queue_rcu_work(l2tpfast_wq, &t->free_work);
	return err;
}

/* Under ln->lock: stop seeing t's packets; the rest goes after a grace period. */
static void l2tpfast_tunnel_unhook(struct l2tpfast_tunnel *t)
{
	l2tpfast_sock_detach(t);
	l2tpfast_sk_table_del(t);
}

/* Under ln->lock. */
void l2tpfast_tunnel_detach(struct l2tpfast_tunnel *t)
{
	struct l2tpfast_net *ln = t->ln;

	if (!ln->dying)		/* else l2tpfast_net_pre_exit() did */
		l2tpfast_tunnel_unhook(t);
	xa_erase(&ln->tunnels, t->id);
	l2tpfast_session_forget_all(t);
	list_del_init(&t->fresh_node);
	l2tpfast_recheck_cancel(&t->recheck);
	l2tpfast_nl_notify_tunnel(t, L2TPFAST_CMD_TUNNEL_DEL_NTF);
	ln->n_tunnels--;
	l2tpfast_tx_hooks_put(ln);
	/* The last one: the sync stops listening to l2tp_core. */
	if (!ln->n_tunnels && !ln->dying)
		l2tpfast_sync_kick(ln);
	queue_rcu_work(l2tpfast_wq, &t->free_work);
}

/* Under ln->lock. */
void l2tpfast_tunnel_reset(struct l2tpfast_tunnel *t)
{
	l2tpfast_stats_reset(&t->stats);
	l2tpfast_session_reset_all(t);
}

int l2tpfast_tunnels_init(void)
{
	struct l2tpfast_sk_table *tbl;

	tbl = l2tpfast_sk_table_alloc(L2TPFAST_SK_TABLE_BITS, 0);
	if (!tbl)
		return -ENOMEM;
	rcu_assign_pointer(l2tpfast_by_sk, tbl);
	return 0;
}

/* Every netns has let go of its tunnels, and no reader is left. */
void l2tpfast_tunnels_exit(void)
{
	kvfree(rcu_dereference_protected(l2tpfast_by_sk, true));
	RCU_INIT_POINTER(l2tpfast_by_sk, NULL);
}

int l2tpfast_net_init(struct l2tpfast_net *ln, struct net *net)
{
	int err;

	ln->net = net;
	mutex_init(&ln->lock);
	xa_init(&ln->tunnels);
	xa_init(&ln->by_ifindex);
	INIT_LIST_HEAD(&ln->unnamed);
	err = l2tpfast_ipsec_net_init(ln);
	if (err)
		return err;
	err = l2tpfast_sync_init(ln);
	if (err)
		l2tpfast_ipsec_net_exit(ln);
	return err;
}

/*
 * The netns or the module goes away. Nothing new starts: attach fails, the
 * sync does no more. Every socket gets l2tp_core's hook back and the
 * netfilter hooks go; the pernet core then waits for packets still inside
 * them (synchronize_rcu) before .exit frees anything.
 */
void l2tpfast_net_pre_exit(struct l2tpfast_net *ln)
{
	struct l2tpfast_tunnel *t;
	unsigned long id;

	mutex_lock(&ln->lock);
	ln->dying = true;
	xa_for_each(&ln->tunnels, id, t)
		l2tpfast_tunnel_unhook(t);
	l2tpfast_ipsec_net_pre_exit(ln);
	l2tpfast_tx_hooks_put_all(ln);
	mutex_unlock(&ln->lock);
}

void l2tpfast_net_exit(struct l2tpfast_net *ln)
{
	struct l2tpfast_tunnel *t;
	unsigned long id;

	l2tpfast_sync_stop(ln);
	mutex_lock(&ln->lock);
	xa_for_each(&ln->tunnels, id, t)
		l2tpfast_tunnel_detach(t);
	mutex_unlock(&ln->lock);
	xa_destroy(&ln->tunnels);
	xa_destroy(&ln->by_ifindex);
	l2tpfast_ipsec_net_exit(ln);
	mutex_destroy(&ln->lock);
}
