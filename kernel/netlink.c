// SPDX-License-Identifier: GPL-2.0
/*
 * The l2tpfast generic-netlink family, described by
 * Documentation/netlink/specs/l2tpfast.yaml; its policies and op table are
 * generated from the spec (netlink-gen.c). Every netns has its own view.
 * Every op but version-get, and the events group, need CAP_NET_ADMIN in the
 * user namespace owning the caller's netns: what is shown names
 * subscribers (user, address, peer host), as l2tp's own GETs do.
 *
 * resv_start_op is left at zero: the core validates every op strictly and
 * rejects any attribute an op has no policy for.
 */

#include <linux/utsname.h>
#include <net/genetlink.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <uapi/linux/l2tpfast.h>

#include "compat.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "session.h"
#include "sock.h"
#include "tunnel.h"
#include "version.h"

static struct genl_family l2tpfast_genl_family;

/*
 * Events go out only while the family is registered: cleared, then a grace
 * period, before it is unregistered (senders check it under RCU).
 */
static bool l2tpfast_events_on;

/* Multicast groups, by offset (not generated: see scripts/gen-netlink). */
enum {
	L2TPFAST_NLGRP_EVENTS,
};

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

int l2tpfast_nl_version_get_doit(struct sk_buff *skb, struct genl_info *info)
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

static struct l2tpfast_net *l2tpfast_nl_net(struct genl_info *info)
{
	return l2tpfast_net(genl_info_net(info));
}

/* A v4-mapped peer on an IPv6 socket is reached over IPv4. */
static bool l2tpfast_sk_is_v6(const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	return sk->sk_family == AF_INET6 &&
	       !ipv6_addr_v4mapped(&sk->sk_v6_daddr);
#else
	return false;
#endif
}

/* The tunnel socket's own addresses: what l2tp_xmit_skb() sends from/to. */
static int l2tpfast_nl_put_addrs(struct sk_buff *msg, struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);
	int err;

	if (l2tpfast_sk_is_v6(sk))
		err = nla_put_in6_addr(msg, L2TPFAST_A_TUNNEL_LOCAL_ADDR,
				       &sk->sk_v6_rcv_saddr) ||
		      nla_put_in6_addr(msg, L2TPFAST_A_TUNNEL_PEER_ADDR,
				       &sk->sk_v6_daddr);
	else
		err = nla_put_in_addr(msg, L2TPFAST_A_TUNNEL_LOCAL_ADDR,
				      inet->inet_saddr) ||
		      nla_put_in_addr(msg, L2TPFAST_A_TUNNEL_PEER_ADDR,
				      inet->inet_daddr);
	if (err ||
	    nla_put_u16(msg, L2TPFAST_A_TUNNEL_LOCAL_PORT,
			ntohs(inet->inet_sport)) ||
	    nla_put_u16(msg, L2TPFAST_A_TUNNEL_PEER_PORT,
			ntohs(inet->inet_dport)))
		return -EMSGSIZE;
	return 0;
}

static int l2tpfast_nl_fill_tunnel(struct sk_buff *msg,
				   struct l2tpfast_tunnel *t, u32 portid,
				   u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &l2tpfast_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, L2TPFAST_A_TUNNEL_ID, t->id) ||
	    nla_put_u32(msg, L2TPFAST_A_TUNNEL_PEER_ID, READ_ONCE(t->peer_id)) ||
	    nla_put_u8(msg, L2TPFAST_A_TUNNEL_VERSION, t->version) ||
	    l2tpfast_nl_put_addrs(msg, t->sk) ||
	    nla_put_u32(msg, L2TPFAST_A_TUNNEL_SESSION_COUNT, t->n_sessions) ||
	    l2tpfast_stats_fill(msg, L2TPFAST_A_TUNNEL_COUNTERS, &t->stats) ||
	    l2tpfast_sa_fill(msg, L2TPFAST_A_TUNNEL_IPSEC, &t->sa)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int l2tpfast_nl_fill_session_info(struct sk_buff *msg,
					 const struct l2tpfast_session_info *i)
{
	if ((i->user[0] &&
	     nla_put_string(msg, L2TPFAST_A_SESSION_USER, i->user)) ||
	    (i->peer_host[0] &&
	     nla_put_string(msg, L2TPFAST_A_SESSION_PEER_HOST, i->peer_host)) ||
	    (i->address_len &&
	     nla_put(msg, L2TPFAST_A_SESSION_ADDRESS, i->address_len,
		     i->address)) ||
	    (i->start_ns &&
	     nla_put_u64_64bit(msg, L2TPFAST_A_SESSION_START_NS, i->start_ns,
			       L2TPFAST_A_SESSION_PAD)))
		return -EMSGSIZE;
	return 0;
}

static int l2tpfast_nl_fill_session(struct sk_buff *msg,
				    struct l2tpfast_tunnel *t,
				    struct l2tpfast_session *s, u32 portid,
				    u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &l2tpfast_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, L2TPFAST_A_SESSION_TUNNEL_ID, t->id) ||
	    nla_put_u32(msg, L2TPFAST_A_SESSION_ID, s->id) ||
	    nla_put_u32(msg, L2TPFAST_A_SESSION_PEER_ID, s->peer_id) ||
	    (s->ifname[0] &&
	     nla_put_string(msg, L2TPFAST_A_SESSION_IFNAME, s->ifname)) ||
	    l2tpfast_nl_fill_session_info(msg, &s->info) ||
	    l2tpfast_stats_fill(msg, L2TPFAST_A_SESSION_COUNTERS, &s->stats)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* Build the event in process context; send it only while the family is up. */
static void l2tpfast_nl_notify(struct net *net, struct sk_buff *msg, int err)
{
	rcu_read_lock();
	if (!err && READ_ONCE(l2tpfast_events_on))
		genlmsg_multicast_netns(&l2tpfast_genl_family, net, msg, 0,
					L2TPFAST_NLGRP_EVENTS, GFP_ATOMIC);
	else
		nlmsg_free(msg);
	rcu_read_unlock();
}

static bool l2tpfast_nl_want_events(struct l2tpfast_net *ln)
{
	return !ln->dying && READ_ONCE(l2tpfast_events_on) &&
	       genl_has_listeners(&l2tpfast_genl_family, ln->net,
				  L2TPFAST_NLGRP_EVENTS);
}

void l2tpfast_nl_notify_tunnel(struct l2tpfast_tunnel *t, u8 cmd)
{
	struct net *net = t->ln->net;
	struct sk_buff *msg;

	if (!l2tpfast_nl_want_events(t->ln))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	l2tpfast_nl_notify(net, msg,
			   l2tpfast_nl_fill_tunnel(msg, t, 0, 0, 0, cmd));
}

void l2tpfast_nl_notify_session(struct l2tpfast_tunnel *t,
				struct l2tpfast_session *s, bool add)
{
	struct net *net = t->ln->net;
	struct sk_buff *msg;
	u8 cmd = add ? L2TPFAST_CMD_SESSION_ADD_NTF :
		       L2TPFAST_CMD_SESSION_DEL_NTF;

	if (!l2tpfast_nl_want_events(t->ln))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	l2tpfast_nl_notify(net, msg,
			   l2tpfast_nl_fill_session(msg, t, s, 0, 0, 0, cmd));
}

/* The socket of the tunnel to attach: the caller's fd, or found by address. */
static struct sock *l2tpfast_nl_attach_sock(struct net *net,
					    struct genl_info *info, int *err)
{
	struct nlattr **a = info->attrs;
	struct l2tpfast_sock_addr addr = {};
	struct sock *sk;
	int len;

	if (a[L2TPFAST_A_TUNNEL_FD])
		return l2tpfast_sock_from_fd(net,
					     nla_get_u32(a[L2TPFAST_A_TUNNEL_FD]),
					     err);

	*err = -EINVAL;
	if (GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_TUNNEL_LOCAL_ADDR) ||
	    GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_TUNNEL_LOCAL_PORT) ||
	    GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_TUNNEL_PEER_ADDR) ||
	    GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_TUNNEL_PEER_PORT))
		return NULL;
	len = nla_len(a[L2TPFAST_A_TUNNEL_LOCAL_ADDR]);
	if ((len != 4 && len != 16) ||
	    len != nla_len(a[L2TPFAST_A_TUNNEL_PEER_ADDR])) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "addresses must both be IPv4 (4 bytes) or IPv6 (16 bytes)");
		return NULL;
	}
	addr.family = len == 4 ? AF_INET : AF_INET6;
	nla_memcpy(&addr.local, a[L2TPFAST_A_TUNNEL_LOCAL_ADDR], len);
	nla_memcpy(&addr.peer, a[L2TPFAST_A_TUNNEL_PEER_ADDR], len);
	addr.local_port = nla_get_u16(a[L2TPFAST_A_TUNNEL_LOCAL_PORT]);
	addr.peer_port = nla_get_u16(a[L2TPFAST_A_TUNNEL_PEER_PORT]);

	sk = l2tpfast_sock_lookup(net, &addr);
	if (!sk) {
		*err = -ENOENT;
		NL_SET_ERR_MSG_MOD(info->extack,
				   "no UDP socket with these addresses and ports; pass the tunnel's L2TP_ATTR_IP*_SADDR/DADDR and UDP_SPORT/DPORT");
	}
	return sk;
}

/* The SA mark the tunnel is bound to: ipsec-mark under ipsec-mask. */
static int l2tpfast_nl_attach_mark(struct genl_info *info,
				   struct l2tpfast_attach *req)
{
	struct nlattr *mark = info->attrs[L2TPFAST_A_TUNNEL_IPSEC_MARK];
	struct nlattr *mask = info->attrs[L2TPFAST_A_TUNNEL_IPSEC_MASK];

	if (!mark && !mask)
		return 0;
	if (!mark) {
		NL_SET_ERR_MSG_ATTR(info->extack, mask,
				    "ipsec-mask without ipsec-mark");
		return -EINVAL;
	}
	/* 6.12 finds L2TPv3 sessions per netns: a v3 binding would not hold. */
	if (req->version != 2) {
		NL_SET_ERR_MSG_ATTR(info->extack, mark,
				    "ipsec-mark binds L2TPv2 tunnels only");
		return -EINVAL;
	}
	req->ipsec_mark = nla_get_u32(mark);
	req->ipsec_mask = mask ? nla_get_u32(mask) : U32_MAX;
	/* Mark 0 is every unmarked SA's: no binding at all. */
	if (!req->ipsec_mark || (req->ipsec_mark & ~req->ipsec_mask)) {
		NL_SET_ERR_MSG_ATTR(info->extack, mark,
				    "ipsec-mark must be non-zero and lie within ipsec-mask");
		return -EINVAL;
	}
	return 0;
}

int l2tpfast_nl_tunnel_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct l2tpfast_net *ln = l2tpfast_nl_net(info);
	struct l2tpfast_attach req = {};
	int err;

	if (GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_TUNNEL_ID) ||
	    GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_TUNNEL_VERSION))
		return -EINVAL;
	req.id = nla_get_u32(info->attrs[L2TPFAST_A_TUNNEL_ID]);
	req.version = nla_get_u8(info->attrs[L2TPFAST_A_TUNNEL_VERSION]);
	if (info->attrs[L2TPFAST_A_TUNNEL_PEER_ID])
		req.peer_id = nla_get_u32(info->attrs[L2TPFAST_A_TUNNEL_PEER_ID]);
	err = l2tpfast_nl_attach_mark(info, &req);
	if (err)
		return err;

	req.sk = l2tpfast_nl_attach_sock(ln->net, info, &err);
	if (!req.sk)
		return err;
	err = l2tpfast_sock_check(ln->net, req.sk, req.id, &req.core);
	if (err == -EBUSY)
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the tunnel's socket is attached already");
	else if (err)
		NL_SET_ERR_MSG_MOD(info->extack,
				   "not the UDP socket of this l2tp_core tunnel id");
	if (err)
		goto out;

	mutex_lock(&ln->lock);
	err = l2tpfast_tunnel_attach(ln, &req);
	mutex_unlock(&ln->lock);
	if (err == -EBUSY)
		NL_SET_ERR_MSG_MOD(info->extack, "tunnel already attached");
out:
	if (err)
		sock_put(req.sk);
	return err;
}

int l2tpfast_nl_tunnel_detach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct l2tpfast_net *ln = l2tpfast_nl_net(info);
	struct l2tpfast_tunnel *t;
	int err = -ENOENT;

	if (GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_TUNNEL_ID))
		return -EINVAL;
	mutex_lock(&ln->lock);
	t = l2tpfast_tunnel_find(ln,
				 nla_get_u32(info->attrs[L2TPFAST_A_TUNNEL_ID]));
	if (t) {
		l2tpfast_tunnel_detach(t);
		err = 0;
	}
	mutex_unlock(&ln->lock);
	return err;
}

/*
 * Under ln->lock: the attached tunnel id, if l2tp_core still has it and its
 * sessions; what it no longer has is let go of first, so that a read never
 * shows what is gone.
 */
static struct l2tpfast_tunnel *l2tpfast_nl_tunnel_checked(struct l2tpfast_net *ln,
							  u32 id)
{
	struct l2tpfast_tunnel *t = l2tpfast_tunnel_find(ln, id);
	struct l2tpfast_session *s;
	unsigned long sid;

	if (!t || !l2tpfast_tunnel_check(t))
		return NULL;
	xa_for_each(&t->sessions, sid, s)
		l2tpfast_session_check(t, s);
	return t;
}

int l2tpfast_nl_tunnel_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct l2tpfast_net *ln = l2tpfast_nl_net(info);
	struct l2tpfast_tunnel *t;
	struct sk_buff *msg;
	int err = -ENOENT;

	if (GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_TUNNEL_ID))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&ln->lock);
	t = l2tpfast_nl_tunnel_checked(ln, nla_get_u32(info->attrs[L2TPFAST_A_TUNNEL_ID]));
	if (t)
		err = l2tpfast_nl_fill_tunnel(msg, t, info->snd_portid,
					      info->snd_seq, 0,
					      L2TPFAST_CMD_TUNNEL_GET);
	mutex_unlock(&ln->lock);

	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: the tunnel id to go on from. */
int l2tpfast_nl_tunnel_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct l2tpfast_net *ln = l2tpfast_net(sock_net(skb->sk));
	struct l2tpfast_tunnel *t;
	unsigned long id;

	mutex_lock(&ln->lock);
	xa_for_each_start(&ln->tunnels, id, t, cb->args[0]) {
		if (!l2tpfast_nl_tunnel_checked(ln, id))
			continue;
		if (l2tpfast_nl_fill_tunnel(skb, t,
					    NETLINK_CB(cb->skb).portid,
					    cb->nlh->nlmsg_seq, NLM_F_MULTI,
					    L2TPFAST_CMD_TUNNEL_GET))
			break;
		cb->args[0] = id + 1;
	}
	mutex_unlock(&ln->lock);
	return skb->len;
}

int l2tpfast_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct l2tpfast_net *ln = l2tpfast_nl_net(info);
	struct l2tpfast_session *s = NULL;
	struct l2tpfast_tunnel *t;
	struct sk_buff *msg;
	int err = -ENOENT;

	if (GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_SESSION_TUNNEL_ID) ||
	    GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_SESSION_ID))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&ln->lock);
	t = l2tpfast_tunnel_find(ln,
				 nla_get_u32(info->attrs[L2TPFAST_A_SESSION_TUNNEL_ID]));
	if (t && l2tpfast_tunnel_check(t))
		s = l2tpfast_session_find(t,
					  nla_get_u32(info->attrs[L2TPFAST_A_SESSION_ID]));
	if (s && l2tpfast_session_check(t, s))
		err = l2tpfast_nl_fill_session(msg, t, s, info->snd_portid,
					       info->snd_seq, 0,
					       L2TPFAST_CMD_SESSION_GET);
	mutex_unlock(&ln->lock);

	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* The dump's filter, as cb->args[] keeps it. */
enum {
	L2TPFAST_DUMP_TUNNEL,		/* tunnel id to go on from */
	L2TPFAST_DUMP_SESSION,		/* session id to go on from */
	L2TPFAST_DUMP_PARSED,		/* the request was read */
	L2TPFAST_DUMP_ONLY_TUNNEL,	/* 0: all */
	L2TPFAST_DUMP_ONLY_SESSION,	/* 0: all */
};

/* One tunnel's sessions from where the last message ended; false when full. */
static bool l2tpfast_nl_dump_sessions(struct sk_buff *skb,
				      struct netlink_callback *cb,
				      struct l2tpfast_tunnel *t)
{
	unsigned long only = cb->args[L2TPFAST_DUMP_ONLY_SESSION];
	struct l2tpfast_session *s;
	unsigned long id;

	xa_for_each_start(&t->sessions, id, s, cb->args[L2TPFAST_DUMP_SESSION]) {
		if ((only && id != only) || !l2tpfast_session_check(t, s))
			continue;
		if (l2tpfast_nl_fill_session(skb, t, s,
					     NETLINK_CB(cb->skb).portid,
					     cb->nlh->nlmsg_seq, NLM_F_MULTI,
					     L2TPFAST_CMD_SESSION_GET))
			return false;
		cb->args[L2TPFAST_DUMP_SESSION] = id + 1;
	}
	return true;
}

static int l2tpfast_nl_session_dump_parse(struct netlink_callback *cb)
{
	struct nlattr *tb[L2TPFAST_A_SESSION_ID + 1];
	int err;

	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, L2TPFAST_A_SESSION_ID,
			  l2tpfast_session_get_nl_policy, cb->extack);
	if (err)
		return err;
	if (tb[L2TPFAST_A_SESSION_TUNNEL_ID])
		cb->args[L2TPFAST_DUMP_ONLY_TUNNEL] =
			nla_get_u32(tb[L2TPFAST_A_SESSION_TUNNEL_ID]);
	if (tb[L2TPFAST_A_SESSION_ID])
		cb->args[L2TPFAST_DUMP_ONLY_SESSION] =
			nla_get_u32(tb[L2TPFAST_A_SESSION_ID]);
	cb->args[L2TPFAST_DUMP_PARSED] = 1;
	return 0;
}

int l2tpfast_nl_session_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct l2tpfast_net *ln = l2tpfast_net(sock_net(skb->sk));
	unsigned long only, id;
	struct l2tpfast_tunnel *t;
	int err;

	if (!cb->args[L2TPFAST_DUMP_PARSED]) {
		err = l2tpfast_nl_session_dump_parse(cb);
		if (err)
			return err;
	}
	only = cb->args[L2TPFAST_DUMP_ONLY_TUNNEL];
	mutex_lock(&ln->lock);
	xa_for_each_start(&ln->tunnels, id, t, cb->args[L2TPFAST_DUMP_TUNNEL]) {
		if ((only && id != only) || !l2tpfast_tunnel_check(t))
			continue;
		if (id != cb->args[L2TPFAST_DUMP_TUNNEL])
			cb->args[L2TPFAST_DUMP_SESSION] = 0;
		cb->args[L2TPFAST_DUMP_TUNNEL] = id;
		if (!l2tpfast_nl_dump_sessions(skb, cb, t))
			break;
		cb->args[L2TPFAST_DUMP_TUNNEL] = id + 1;
		cb->args[L2TPFAST_DUMP_SESSION] = 0;
	}
	mutex_unlock(&ln->lock);
	return skb->len;
}

/* Under ln->lock: the tracked session, tracked now if l2tp_core has it. */
static struct l2tpfast_session *
l2tpfast_nl_session_for_set(struct l2tpfast_net *ln, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct l2tpfast_core_session cs = {};
	struct l2tpfast_tunnel *t;
	struct l2tpfast_session *s;

	t = l2tpfast_tunnel_find(ln, nla_get_u32(a[L2TPFAST_A_SESSION_TUNNEL_ID]));
	if (!t) {
		NL_SET_ERR_MSG_MOD(info->extack, "tunnel not attached");
		return NULL;
	}
	cs.tunnel_id = t->id;
	cs.id = nla_get_u32(a[L2TPFAST_A_SESSION_ID]);
	s = l2tpfast_session_find(t, cs.id);
	if (s && l2tpfast_session_alive(t, s))
		return s;
	if (a[L2TPFAST_A_SESSION_PEER_ID])
		cs.peer_id = nla_get_u32(a[L2TPFAST_A_SESSION_PEER_ID]);
	s = l2tpfast_session_learn(t, &cs);
	if (!s)
		NL_SET_ERR_MSG_MOD(info->extack, "l2tp_core has no such session");
	else if (!s->peer_id)
		l2tpfast_sync_ask(ln, L2TPFAST_ASK_LEARN, t->id, s->id);
	return s;
}

static void l2tpfast_nl_session_set_info(struct l2tpfast_tunnel *t,
					 struct l2tpfast_session *s,
					 struct nlattr **a)
{
	struct l2tpfast_session_info *i = &s->info;
	char ifname[IFNAMSIZ];

	if (a[L2TPFAST_A_SESSION_IFNAME]) {
		nla_strscpy(ifname, a[L2TPFAST_A_SESSION_IFNAME], sizeof(ifname));
		l2tpfast_session_set_ifname(t, s, ifname);
		i->ifname_set = true;
	}
	if (a[L2TPFAST_A_SESSION_USER])
		nla_strscpy(i->user, a[L2TPFAST_A_SESSION_USER], sizeof(i->user));
	if (a[L2TPFAST_A_SESSION_PEER_HOST])
		nla_strscpy(i->peer_host, a[L2TPFAST_A_SESSION_PEER_HOST],
			    sizeof(i->peer_host));
	if (a[L2TPFAST_A_SESSION_ADDRESS]) {
		i->address_len = nla_len(a[L2TPFAST_A_SESSION_ADDRESS]);
		nla_memcpy(i->address, a[L2TPFAST_A_SESSION_ADDRESS],
			   sizeof(i->address));
	}
	if (a[L2TPFAST_A_SESSION_START_NS])
		i->start_ns = nla_get_u64(a[L2TPFAST_A_SESSION_START_NS]);
	else if (!i->start_ns)
		i->start_ns = ktime_get_real_ns();
}

int l2tpfast_nl_session_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct l2tpfast_net *ln = l2tpfast_nl_net(info);
	struct nlattr *addr = info->attrs[L2TPFAST_A_SESSION_ADDRESS];
	struct l2tpfast_session *s;

	if (GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_SESSION_TUNNEL_ID) ||
	    GENL_REQ_ATTR_CHECK(info, L2TPFAST_A_SESSION_ID))
		return -EINVAL;
	if (addr && nla_len(addr) != 4 && nla_len(addr) != 16) {
		NL_SET_ERR_MSG_ATTR(info->extack, addr,
				    "an address is 4 bytes (IPv4) or 16 (IPv6)");
		return -EINVAL;
	}

	mutex_lock(&ln->lock);
	s = l2tpfast_nl_session_for_set(ln, info);
	if (s)
		l2tpfast_nl_session_set_info(l2tpfast_tunnel_find(ln, s->tunnel_id),
					     s, info->attrs);
	mutex_unlock(&ln->lock);
	return s ? 0 : -ENOENT;
}

int l2tpfast_nl_counters_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct l2tpfast_net *ln = l2tpfast_nl_net(info);
	struct nlattr *id = info->attrs[L2TPFAST_A_TUNNEL_ID];
	struct l2tpfast_tunnel *t;
	unsigned long i;
	int err = 0;

	mutex_lock(&ln->lock);
	if (id) {
		t = l2tpfast_tunnel_find(ln, nla_get_u32(id));
		if (t)
			l2tpfast_tunnel_reset(t);
		else
			err = -ENOENT;
	} else {
		xa_for_each(&ln->tunnels, i, t)
			l2tpfast_tunnel_reset(t);
		l2tpfast_stats_reset(&ln->ipsec.stats);
	}
	mutex_unlock(&ln->lock);
	return err;
}

int l2tpfast_nl_net_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *req = info->attrs[L2TPFAST_A_NET_IPSEC_REQUIRED];
	struct nlattr *port = info->attrs[L2TPFAST_A_NET_IPSEC_PORT];
	struct l2tpfast_net *ln = l2tpfast_nl_net(info);
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&ln->lock);
	err = 0;
	if (req || port)
		err = l2tpfast_ipsec_set(ln, req ? nla_get_u8(req) :
					 ln->ipsec.required,
					 port ? nla_get_u16(port) :
					 ln->ipsec.port);
	hdr = genlmsg_put_reply(msg, info, &l2tpfast_genl_family, 0,
				L2TPFAST_CMD_NET_SET);
	if (!err && (!hdr || l2tpfast_ipsec_fill(msg, ln)))
		err = -EMSGSIZE;
	mutex_unlock(&ln->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_multicast_group l2tpfast_genl_mcgrps[] = {
	[L2TPFAST_NLGRP_EVENTS] = {
		.name = L2TPFAST_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static struct genl_family l2tpfast_genl_family __ro_after_init = {
	.name = L2TPFAST_FAMILY_NAME,
	.version = L2TPFAST_FAMILY_VERSION,
	.maxattr = L2TPFAST_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = l2tpfast_nl_ops,
	.n_ops = ARRAY_SIZE(l2tpfast_nl_ops),
	.mcgrps = l2tpfast_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(l2tpfast_genl_mcgrps),
};

int __init l2tpfast_genl_init(void)
{
	int err;

	err = genl_register_family(&l2tpfast_genl_family);
	if (!err)
		WRITE_ONCE(l2tpfast_events_on, true);
	return err;
}

void l2tpfast_genl_exit(void)
{
	WRITE_ONCE(l2tpfast_events_on, false);
	synchronize_rcu();
	genl_unregister_family(&l2tpfast_genl_family);
}
