// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/l2tpfast.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/l2tpfast.h>

/* L2TPFAST_CMD_VERSION_GET - do */
const struct nla_policy l2tpfast_version_get_nl_policy[L2TPFAST_A_API_VERSION + 1] = {
	[L2TPFAST_A_API_VERSION] = { .type = NLA_U32, },
};

/* L2TPFAST_CMD_TUNNEL_ATTACH - do */
const struct nla_policy l2tpfast_tunnel_attach_nl_policy[L2TPFAST_A_TUNNEL_IPSEC_MASK + 1] = {
	[L2TPFAST_A_TUNNEL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[L2TPFAST_A_TUNNEL_PEER_ID] = { .type = NLA_U32, },
	[L2TPFAST_A_TUNNEL_VERSION] = NLA_POLICY_RANGE(NLA_U8, 2, 3),
	[L2TPFAST_A_TUNNEL_FD] = { .type = NLA_U32, },
	[L2TPFAST_A_TUNNEL_LOCAL_ADDR] = { .type = NLA_BINARY, },
	[L2TPFAST_A_TUNNEL_LOCAL_PORT] = { .type = NLA_U16, },
	[L2TPFAST_A_TUNNEL_PEER_ADDR] = { .type = NLA_BINARY, },
	[L2TPFAST_A_TUNNEL_PEER_PORT] = { .type = NLA_U16, },
	[L2TPFAST_A_TUNNEL_IPSEC_MARK] = { .type = NLA_U32, },
	[L2TPFAST_A_TUNNEL_IPSEC_MASK] = { .type = NLA_U32, },
};

/* L2TPFAST_CMD_TUNNEL_DETACH - do */
const struct nla_policy l2tpfast_tunnel_detach_nl_policy[L2TPFAST_A_TUNNEL_ID + 1] = {
	[L2TPFAST_A_TUNNEL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* L2TPFAST_CMD_TUNNEL_GET - do */
const struct nla_policy l2tpfast_tunnel_get_nl_policy[L2TPFAST_A_TUNNEL_ID + 1] = {
	[L2TPFAST_A_TUNNEL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* L2TPFAST_CMD_SESSION_GET - do */
const struct nla_policy l2tpfast_session_get_nl_policy[L2TPFAST_A_SESSION_ID + 1] = {
	[L2TPFAST_A_SESSION_TUNNEL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[L2TPFAST_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* L2TPFAST_CMD_COUNTERS_RESET - do */
const struct nla_policy l2tpfast_counters_reset_nl_policy[L2TPFAST_A_TUNNEL_ID + 1] = {
	[L2TPFAST_A_TUNNEL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* L2TPFAST_CMD_SESSION_SET - do */
const struct nla_policy l2tpfast_session_set_nl_policy[L2TPFAST_A_SESSION_START_NS + 1] = {
	[L2TPFAST_A_SESSION_TUNNEL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[L2TPFAST_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[L2TPFAST_A_SESSION_PEER_ID] = { .type = NLA_U32, },
	[L2TPFAST_A_SESSION_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[L2TPFAST_A_SESSION_USER] = { .type = NLA_NUL_STRING, .len = 63, },
	[L2TPFAST_A_SESSION_ADDRESS] = { .type = NLA_BINARY, },
	[L2TPFAST_A_SESSION_PEER_HOST] = { .type = NLA_NUL_STRING, .len = 63, },
	[L2TPFAST_A_SESSION_START_NS] = { .type = NLA_U64, },
};

/* L2TPFAST_CMD_NET_SET - do */
const struct nla_policy l2tpfast_net_set_nl_policy[L2TPFAST_A_NET_IPSEC_PORT + 1] = {
	[L2TPFAST_A_NET_IPSEC_REQUIRED] = NLA_POLICY_MAX(NLA_U8, 1),
	[L2TPFAST_A_NET_IPSEC_PORT] = { .type = NLA_U16, },
};

/* Ops table for l2tpfast */
const struct genl_ops l2tpfast_nl_ops[8] = {
	{
		.cmd		= L2TPFAST_CMD_VERSION_GET,
		.doit		= l2tpfast_nl_version_get_doit,
		.policy		= l2tpfast_version_get_nl_policy,
		.maxattr	= L2TPFAST_A_API_VERSION,
	},
	{
		.cmd		= L2TPFAST_CMD_TUNNEL_ATTACH,
		.doit		= l2tpfast_nl_tunnel_attach_doit,
		.policy		= l2tpfast_tunnel_attach_nl_policy,
		.maxattr	= L2TPFAST_A_TUNNEL_IPSEC_MASK,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= L2TPFAST_CMD_TUNNEL_DETACH,
		.doit		= l2tpfast_nl_tunnel_detach_doit,
		.policy		= l2tpfast_tunnel_detach_nl_policy,
		.maxattr	= L2TPFAST_A_TUNNEL_ID,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= L2TPFAST_CMD_TUNNEL_GET,
		.doit		= l2tpfast_nl_tunnel_get_doit,
		.dumpit		= l2tpfast_nl_tunnel_get_dumpit,
		.policy		= l2tpfast_tunnel_get_nl_policy,
		.maxattr	= L2TPFAST_A_TUNNEL_ID,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= L2TPFAST_CMD_SESSION_GET,
		.doit		= l2tpfast_nl_session_get_doit,
		.dumpit		= l2tpfast_nl_session_get_dumpit,
		.policy		= l2tpfast_session_get_nl_policy,
		.maxattr	= L2TPFAST_A_SESSION_ID,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= L2TPFAST_CMD_COUNTERS_RESET,
		.doit		= l2tpfast_nl_counters_reset_doit,
		.policy		= l2tpfast_counters_reset_nl_policy,
		.maxattr	= L2TPFAST_A_TUNNEL_ID,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= L2TPFAST_CMD_SESSION_SET,
		.doit		= l2tpfast_nl_session_set_doit,
		.policy		= l2tpfast_session_set_nl_policy,
		.maxattr	= L2TPFAST_A_SESSION_START_NS,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= L2TPFAST_CMD_NET_SET,
		.doit		= l2tpfast_nl_net_set_doit,
		.policy		= l2tpfast_net_set_nl_policy,
		.maxattr	= L2TPFAST_A_NET_IPSEC_PORT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};
