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
	l2tpfast_net_init(l2tpfast_net(net), net);
	return 0;
}

/*
 * Registered after l2tp_core's, so this runs before l2tp_core deletes the
 * netns's tunnels: l2tpfast lets go of their sockets first.
 */
static void __net_exit l2tpfast_pernet_exit(struct net *net)
{
	l2tpfast_net_exit(l2tpfast_net(net));
}

static struct pernet_operations l2tpfast_pernet_ops = {
	.init = l2tpfast_pernet_init,
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
	err = register_pernet_subsys(&l2tpfast_pernet_ops);
	if (err)
		goto err_wq;
	err = l2tpfast_genl_init();
	if (err)
		goto err_pernet;

	pr_info("version " L2TPFAST_VERSION " loaded\n");
	return 0;

err_pernet:
	unregister_pernet_subsys(&l2tpfast_pernet_ops);
err_wq:
	destroy_workqueue(l2tpfast_wq);
	return err;
}

/*
 * Safe under traffic: no new requests once the family is gone; every
 * tunnel socket gets l2tp_core's hooks back; then packets still inside
 * l2tpfast's hooks finish (RCU) before anything is freed, and the frees
 * queued on l2tpfast's workqueue run before it is destroyed.
 *
 * A socket being closed at this very moment may have read l2tpfast's
 * encap_destroy just before it was put back; that call takes the netns
 * mutex, which the pernet exit holds while detaching, and finds nothing.
 */
static void __exit l2tpfast_exit(void)
{
	l2tpfast_genl_exit();
	unregister_pernet_subsys(&l2tpfast_pernet_ops);
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
