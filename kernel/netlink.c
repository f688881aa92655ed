// SPDX-License-Identifier: GPL-2.0
/*
 * The l2tpfast generic-netlink family, described by
 * Documentation/netlink/specs/l2tpfast.yaml. Every netns has its own view;
 * ops that change state are flagged GENL_UNS_ADMIN_PERM, so they need
 * CAP_NET_ADMIN in the user namespace owning the caller's netns.
 *
 * resv_start_op is left at zero: the core validates every op strictly and
 * rejects any attribute an op has no policy for.
 */

#include <linux/utsname.h>
#include <net/genetlink.h>
#include <uapi/linux/l2tpfast.h>

#include "compat.h"
#include "netlink.h"
#include "version.h"

static struct genl_family l2tpfast_genl_family;

static u32 l2tpfast_caps(void)
{
	u32 caps = 0;

	if (IS_ENABLED(CONFIG_IPV6))
		caps |= L2TPFAST_CAPS_IPV6;
	if (IS_ENABLED(CONFIG_XFRM))
		caps |= L2TPFAST_CAPS_XFRM;
	if (L2TPFAST_KERNEL_NETNS_SESSION_LOOKUP)
		caps |= L2TPFAST_CAPS_NETNS_SESSION_LOOKUP;
	return caps;
}

static int l2tpfast_nl_version_get_doit(struct sk_buff *skb,
					struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &l2tpfast_genl_family, 0,
				L2TPFAST_CMD_VERSION_GET);
	if (!hdr)
		goto nla_put_failure;

	if (nla_put_string(msg, L2TPFAST_A_VERSION, L2TPFAST_VERSION) ||
	    nla_put_u32(msg, L2TPFAST_A_API_VERSION, L2TPFAST_API_VERSION) ||
	    nla_put_u32(msg, L2TPFAST_A_CAPS, l2tpfast_caps()) ||
	    nla_put_string(msg, L2TPFAST_A_KERNEL_RELEASE,
			   init_utsname()->release))
		goto nla_put_failure;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops l2tpfast_genl_ops[] = {
	{
		.cmd = L2TPFAST_CMD_VERSION_GET,
		.doit = l2tpfast_nl_version_get_doit,
	},
};

static const struct genl_multicast_group l2tpfast_genl_mcgrps[] = {
	{ .name = L2TPFAST_MCGRP_EVENTS },
};

static struct genl_family l2tpfast_genl_family __ro_after_init = {
	.name = L2TPFAST_FAMILY_NAME,
	.version = L2TPFAST_FAMILY_VERSION,
	.maxattr = L2TPFAST_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = l2tpfast_genl_ops,
	.n_ops = ARRAY_SIZE(l2tpfast_genl_ops),
	.mcgrps = l2tpfast_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(l2tpfast_genl_mcgrps),
};

int __init l2tpfast_genl_init(void)
{
	return genl_register_family(&l2tpfast_genl_family);
}

void l2tpfast_genl_exit(void)
{
	genl_unregister_family(&l2tpfast_genl_family);
}
