// SPDX-License-Identifier: GPL-2.0
/*
 * l2tpfast: per-session fast-path statistics and tunnel socket handling for
 * the kernel's own L2TP tunnels (l2tp_core), next to l2tp_netlink/l2tp_ppp.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/l2tpfast.h>

#include "netlink.h"
#include "tunnel.h"
#include "version.h"

static unsigned int l2tpfast_net_id __read_mostly;

struct l2tpfast_net *l2tpfast_net(const struct net *net)
{
	return net_generic(net, l2tpfast_net_id);
}

static int __net_init l2tpfast_pernet_init(struct net *net)
{
	return l2tpfast_net_init(l2tpfast_net(net), net);
}

/*
 * Before the grace period the pernet core waits: let go of every hook, so
 * that after it no packet is inside l2tpfast's code or data of this netns.
 * l2tp_core is a pernet device: 6.12's deletes the netns's tunnels in its
 * pre_exit, which runs before this one, and 6.1's in its exit, after this
 * and before l2tpfast_pernet_exit(). Nothing here depends on either:
 * every l2tp_core object l2tpfast holds, it holds a reference on.
 */
static void __net_exit l2tpfast_pernet_pre_exit(struct net *net)
{
	l2tpfast_net_pre_exit(l2tpfast_net(net));
}

static void __net_exit l2tpfast_pernet_exit(struct net *net)
{
	l2tpfast_net_exit(l2tpfast_net(net));
}

static struct pernet_operations l2tpfast_pernet_ops = {
	.init = l2tpfast_pernet_init,
	.pre_exit = l2tpfast_pernet_pre_exit,
	.exit = l2tpfast_pernet_exit,
	.id = &l2tpfast_net_id,
	.size = sizeof(struct l2tpfast_net),
};

static int __init l2tpfast_init(void)
{
	int err;

	l2tpfast_wq = alloc_workqueue("l2tpfast", WQ_UNBOUND, 0);
	if (!l2tpfast_wq)
		return -ENOMEM;
	err = l2tpfast_tunnels_init();
	if (err)
		goto err_wq;
	err = register_pernet_subsys(&l2tpfast_pernet_ops);
	if (err)
		goto err_tunnels;
	err = l2tpfast_genl_init();
	if (err)
		goto err_pernet;

	pr_info("version " L2TPFAST_VERSION " loaded\n");
	return 0;

err_pernet:
	unregister_pernet_subsys(&l2tpfast_pernet_ops);
err_tunnels:
	l2tpfast_tunnels_exit();
err_wq:
	destroy_workqueue(l2tpfast_wq);
	return err;
}

/*
 * Safe under traffic: no new requests and no more events once the family
 * is gone; then every netns lets go of its hooks (.pre_exit), a grace
 * period passes, and what l2tpfast held is freed (.exit); the frees queued
 * on l2tpfast's workqueue run before it is destroyed. Nothing of l2tpfast
 * is installed anywhere that runs without RCU, so nothing is left running.
 */
static void __exit l2tpfast_exit(void)
{
	l2tpfast_genl_exit();
	unregister_pernet_subsys(&l2tpfast_pernet_ops);
	l2tpfast_tunnels_exit();
	rcu_barrier();
	destroy_workqueue(l2tpfast_wq);
	pr_info("unloaded\n");
}

module_init(l2tpfast_init);
module_exit(l2tpfast_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-session fast-path statistics for L2TP tunnels");
MODULE_AUTHOR("The l2tpfast authors");
MODULE_VERSION(L2TPFAST_VERSION);
/*
 * Tunnels are created through the kernel's l2tp genl family and PPPoL2TP
 * sockets; have modprobe load them first so that l2tpfast is never alone.
 */
MODULE_SOFTDEP("pre: l2tp_netlink l2tp_ppp");
MODULE_ALIAS_GENL_FAMILY(L2TPFAST_FAMILY_NAME);
