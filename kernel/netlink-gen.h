/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/l2tpfast.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_L2TPFAST_GEN_H
#define _LINUX_L2TPFAST_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/l2tpfast.h>

extern const struct nla_policy l2tpfast_version_get_nl_policy[L2TPFAST_A_API_VERSION + 1];

extern const struct nla_policy l2tpfast_tunnel_attach_nl_policy[L2TPFAST_A_TUNNEL_IPSEC_MASK + 1];

extern const struct nla_policy l2tpfast_tunnel_detach_nl_policy[L2TPFAST_A_TUNNEL_ID + 1];

extern const struct nla_policy l2tpfast_tunnel_get_nl_policy[L2TPFAST_A_TUNNEL_ID + 1];

extern const struct nla_policy l2tpfast_session_get_nl_policy[L2TPFAST_A_SESSION_ID + 1];

extern const struct nla_policy l2tpfast_counters_reset_nl_policy[L2TPFAST_A_TUNNEL_ID + 1];

extern const struct nla_policy l2tpfast_session_set_nl_policy[L2TPFAST_A_SESSION_START_NS + 1];

extern const struct nla_policy l2tpfast_net_set_nl_policy[L2TPFAST_A_NET_IPSEC_PORT + 1];

/* Ops table for l2tpfast */
extern const struct genl_ops l2tpfast_nl_ops[8];

int l2tpfast_nl_version_get_doit(struct sk_buff *skb, struct genl_info *info);
int l2tpfast_nl_tunnel_attach_doit(struct sk_buff *skb, struct genl_info *info);
int l2tpfast_nl_tunnel_detach_doit(struct sk_buff *skb, struct genl_info *info);
int l2tpfast_nl_tunnel_get_doit(struct sk_buff *skb, struct genl_info *info);
int l2tpfast_nl_tunnel_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);
int l2tpfast_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info);
int l2tpfast_nl_session_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb);
int l2tpfast_nl_counters_reset_doit(struct sk_buff *skb,
				    struct genl_info *info);
int l2tpfast_nl_session_set_doit(struct sk_buff *skb, struct genl_info *info);
int l2tpfast_nl_net_set_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _LINUX_L2TPFAST_GEN_H */
