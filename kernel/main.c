// SPDX-License-Identifier: GPL-2.0
/*
 * l2tpfast: per-session fast-path statistics and tunnel socket handling for
 * the kernel's own L2TP tunnels (l2tp_core), next to l2tp_netlink/l2tp_ppp.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/l2tpfast.h>

#include "netlink.h"
#include "version.h"

static int __init l2tpfast_init(void)
{
	int err;

	err = l2tpfast_genl_init();
	if (err)
		return err;

	pr_info("version " L2TPFAST_VERSION " loaded\n");
	return 0;
}

static void __exit l2tpfast_exit(void)
{
	l2tpfast_genl_exit();
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
