// SPDX-License-Identifier: GPL-2.0
/*
 * A client of l2tp_core's own generic-netlink family ("l2tp",
 * include/uapi/linux/l2tp.h), from kernel netlink sockets in the tunnel's
 * netns: requests for one tunnel or session (or a dump of all sessions),
 * and a member of the family's multicast group, which l2tp_netlink tells
 * of every tunnel and session created, changed or deleted through it.
 *
 * l2tp_core's structures are private and its exported getters return
 * opaque pointers; the genl family is the stable, public way to learn a
 * session's peer id and its interface name on every kernel. Only used
 * from process context, never under a genl handler (genl's cb_lock must not
 * be taken twice by one task) nor under l2tpfast's netns mutex.
 *
 * The events socket has the default data_ready; the caller's wait queue
 * entry is woken by it. Unlike a data_ready of our own, a wake-up function
 * runs under the wait queue's lock, so once it is removed no other CPU can
 * still be in it: nothing of l2tpfast runs after the socket is closed (or,
 * for an old one, replaced).
 * Both sockets are connected to the kernel (port id 0), so netlink refuses
 * unicasts to them from anyone else; an admin of the netns can still send
 * to the l2tp multicast group, so only messages from port id 0 are read,
 * every message counts against the caller's budget, and even the kernel's
 * are only hints: l2tp_netlink multicasts every netns's events to all, and
 * the caller checks what l2tp_core has here before acting.
 */

#include <linux/l2tp.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "l2tpnl.h"

/* Replies: one dump chunk at a time (netlink sizes them to the reader). */
#define L2TPNL_BUF_SIZE		(16 * 1024)
#define L2TPNL_EVENT_SIZE	(4 * 1024)
/*
 * Room for a burst of notifications (a few KiB of truesize each) to wait;
 * more is lost (ENOBUFS) and the sync looks at everything instead.
 */
#define L2TPNL_EVENTS_RCVBUF	(1024 * 1024)

/* Replies are of the l2tp family or of nlctrl: room for either. */
#define L2TPNL_MAXTYPE		(L2TP_ATTR_MAX + CTRL_ATTR_MAX)

typedef int (*l2tpnl_cb)(struct nlattr **tb, void *arg);

/* A request: one genl message with up to two u32 attributes, or a name. */
struct l2tpnl_req {
	u16 type;
	u16 flags;
	u8 cmd;
	u16 attr[2];
	u32 val[2];
	const char *name;	/* CTRL_ATTR_FAMILY_NAME */
};

static int l2tpnl_send(struct l2tpnl *nl, const struct l2tpnl_req *r)
{
	/*
	 * Addressed, though the socket is connected: genl checks an
	 * unaddressed sender's capability on its socket's file (NULL here).
	 */
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct msghdr msg = { .msg_name = &kernel,
			      .msg_namelen = sizeof(kernel) };
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	struct sk_buff *skb;
	struct kvec iov;
	int i, err = -EMSGSIZE;

	skb = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	nlh = nlmsg_put(skb, 0, ++nl->seq, r->type, GENL_HDRLEN,
			NLM_F_REQUEST | r->flags);
	if (!nlh)
		goto out;
	genl = nlmsg_data(nlh);
	genl->cmd = r->cmd;
	genl->version = 1;
	genl->reserved = 0;
	for (i = 0; i < ARRAY_SIZE(r->attr); i++)
		if (r->attr[i] && nla_put_u32(skb, r->attr[i], r->val[i]))
			goto out;
	if (r->name && nla_put_string(skb, CTRL_ATTR_FAMILY_NAME, r->name))
		goto out;
	nlmsg_end(skb, nlh);

	iov.iov_base = skb->data;
	iov.iov_len = skb->len;
	err = kernel_sendmsg(nl->sock, &msg, &iov, 1, skb->len);
	err = err < 0 ? err : 0;
out:
	kfree_skb(skb);
	return err;
}

/* Hand each reply of the current request to cb until it is complete. */
static int l2tpnl_recv(struct l2tpnl *nl, l2tpnl_cb cb, void *arg)
{
	struct nlattr *tb[L2TPNL_MAXTYPE + 1];
	struct kvec iov = { .iov_base = nl->buf, .iov_len = L2TPNL_BUF_SIZE };
	struct sockaddr_nl from;
	struct nlmsghdr *nlh;
	struct msghdr msg;
	int len, err;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		len = kernel_recvmsg(nl->sock, &msg, &iov, 1, iov.iov_len, 0);
		if (len < 0)
			return len;
		cond_resched();
		if (from.nl_pid != 0)
			continue;
		for (nlh = nl->buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != nl->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)nlmsg_data(nlh))->error;
			err = nlmsg_parse_deprecated(nlh, GENL_HDRLEN, tb,
						     L2TPNL_MAXTYPE, NULL, NULL);
			if (!err)
				err = cb(tb, arg);
			if (err)
				return err;
			if (!(nlh->nlmsg_flags & NLM_F_MULTI))
				return 0;
		}
	}
}

static int l2tpnl_call(struct l2tpnl *nl, const struct l2tpnl_req *r,
		       l2tpnl_cb cb, void *arg)
{
	int err = l2tpnl_send(nl, r);

	return err ? err : l2tpnl_recv(nl, cb, arg);
}

/* The family id and the id of its multicast group "l2tp". */
static int l2tpnl_family_cb(struct nlattr **tb, void *arg)
{
	struct nlattr *grp[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct l2tpnl *nl = arg;
	struct nlattr *nest;
	int rem;

	if (!tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_MCAST_GROUPS])
		return -EPROTO;
	nl->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	nla_for_each_nested(nest, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
		if (nla_parse_nested_deprecated(grp, CTRL_ATTR_MCAST_GRP_MAX,
						nest, NULL, NULL))
			continue;
		if (grp[CTRL_ATTR_MCAST_GRP_NAME] && grp[CTRL_ATTR_MCAST_GRP_ID] &&
		    !nla_strcmp(grp[CTRL_ATTR_MCAST_GRP_NAME], L2TP_GENL_MCGROUP))
			nl->group = nla_get_u32(grp[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return nl->group ? 0 : -EPROTO;
}

/* Only the kernel may unicast to sock; what it sends goes to the kernel. */
static int l2tpnl_connect(struct socket *sock)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	return kernel_connect(sock, (struct sockaddr *)&kernel,
			      sizeof(kernel), 0);
}

/* A new member of l2tp's multicast group, not yet read by anyone. */
static int l2tpnl_events_new(struct l2tpnl *nl, struct net *net,
			     struct socket **sockp)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	struct socket *sock;
	int err;

	err = sock_create_kern(net, PF_NETLINK, SOCK_RAW, NETLINK_GENERIC,
			       &sock);
	if (err)
		return err;
	sock_set_rcvbuf(sock->sk, L2TPNL_EVENTS_RCVBUF);
	/* A port id of its own: the kernel's multicasts skip port id 0. */
	err = kernel_bind(sock, (struct sockaddr *)&addr, sizeof(addr));
	if (!err)
		err = l2tpnl_connect(sock);
	if (!err)
		err = sock->ops->setsockopt(sock, SOL_NETLINK,
					    NETLINK_ADD_MEMBERSHIP,
					    KERNEL_SOCKPTR(&nl->group),
					    sizeof(nl->group));
	if (err) {
		sock_release(sock);
		return err;
	}
	*sockp = sock;
	return 0;
}

static int l2tpnl_events_open(struct l2tpnl *nl, struct net *net)
{
	struct socket *sock;
	int err;

	err = l2tpnl_events_new(nl, net, &sock);
	if (err)
		return err;
	add_wait_queue(sk_sleep(sock->sk), nl->wait);
	nl->events = sock;
	return 0;
}

/*
 * The events socket overran. Netlink tells of no further loss on it until
 * its queue has been read empty, which a flood of the group (from any
 * netns: l2tp_netlink multicasts to all) can put off for ever. A new member
 * takes its place, and the old queue goes with the old socket: from the
 * moment the new one joined, every notification is on it or its loss is
 * told again. The wait entry moves over; a wake-up between the join and the
 * move is not delivered, so the caller reads the new socket afterwards.
 * On failure nothing changes.
 */
int l2tpnl_events_renew(struct l2tpnl *nl)
{
	struct socket *old = nl->events, *sock;
	int err;

	err = l2tpnl_events_new(nl, sock_net(old->sk), &sock);
	if (err)
		return err;
	remove_wait_queue(sk_sleep(old->sk), nl->wait);
	add_wait_queue(sk_sleep(sock->sk), nl->wait);
	nl->events = sock;
	sock_release(old);
	return 0;
}

int l2tpnl_open(struct l2tpnl *nl, struct net *net,
		struct wait_queue_entry *wait)
{
	struct l2tpnl_req r = { .type = GENL_ID_CTRL,
				.cmd = CTRL_CMD_GETFAMILY,
				.name = L2TP_GENL_NAME };
	int err;

	memset(nl, 0, sizeof(*nl));
	nl->wait = wait;
	nl->buf = kvmalloc(L2TPNL_BUF_SIZE + L2TPNL_EVENT_SIZE,
			   GFP_KERNEL_ACCOUNT);
	if (!nl->buf)
		return -ENOMEM;
	err = sock_create_kern(net, PF_NETLINK, SOCK_RAW, NETLINK_GENERIC,
			       &nl->sock);
	if (err)
		goto fail;
	/* Never wait for l2tp_core for long; the caller tries again. */
	nl->sock->sk->sk_rcvtimeo = 2 * HZ;
	err = l2tpnl_connect(nl->sock);
	if (!err)
		err = l2tpnl_call(nl, &r, l2tpnl_family_cb, nl);
	if (!err)
		err = l2tpnl_events_open(nl, net);
	if (!err)
		return 0;
fail:
	l2tpnl_close(nl);
	return err;
}

void l2tpnl_close(struct l2tpnl *nl)
{
	if (nl->events) {
		remove_wait_queue(sk_sleep(nl->events->sk), nl->wait);
		sock_release(nl->events);
	}
	if (nl->sock)
		sock_release(nl->sock);
	kvfree(nl->buf);
	memset(nl, 0, sizeof(*nl));
}

static u32 l2tpnl_u32(struct nlattr *nla)
{
	return nla && nla_len(nla) >= sizeof(u32) ? nla_get_u32(nla) : 0;
}

static void l2tpnl_parse_session(struct nlattr **tb,
				 struct l2tpfast_core_session *cs)
{
	cs->tunnel_id = l2tpnl_u32(tb[L2TP_ATTR_CONN_ID]);
	cs->id = l2tpnl_u32(tb[L2TP_ATTR_SESSION_ID]);
	cs->peer_id = l2tpnl_u32(tb[L2TP_ATTR_PEER_SESSION_ID]);
	cs->ifname[0] = '\0';
	if (tb[L2TP_ATTR_IFNAME])
		nla_strscpy(cs->ifname, tb[L2TP_ATTR_IFNAME],
			    sizeof(cs->ifname));
}

static int l2tpnl_tunnel_cb(struct nlattr **tb, void *arg)
{
	struct l2tpfast_core_tunnel *ct = arg;

	ct->id = l2tpnl_u32(tb[L2TP_ATTR_CONN_ID]);
	ct->peer_id = l2tpnl_u32(tb[L2TP_ATTR_PEER_CONN_ID]);
	ct->version = tb[L2TP_ATTR_PROTO_VERSION] ?
		      nla_get_u8(tb[L2TP_ATTR_PROTO_VERSION]) : 0;
	return 0;
}

int l2tpnl_tunnel_get(struct l2tpnl *nl, u32 tunnel_id,
		      struct l2tpfast_core_tunnel *ct)
{
	struct l2tpnl_req r = { .type = nl->family,
				.cmd = L2TP_CMD_TUNNEL_GET,
				.attr = { L2TP_ATTR_CONN_ID },
				.val = { tunnel_id } };

	memset(ct, 0, sizeof(*ct));
	return l2tpnl_call(nl, &r, l2tpnl_tunnel_cb, ct);
}

static int l2tpnl_session_cb(struct nlattr **tb, void *arg)
{
	l2tpnl_parse_session(tb, arg);
	return 0;
}

int l2tpnl_session_get(struct l2tpnl *nl, u32 tunnel_id, u32 session_id,
		       struct l2tpfast_core_session *cs)
{
	struct l2tpnl_req r = { .type = nl->family,
				.cmd = L2TP_CMD_SESSION_GET,
				.attr = { L2TP_ATTR_CONN_ID, L2TP_ATTR_SESSION_ID },
				.val = { tunnel_id, session_id } };

	memset(cs, 0, sizeof(*cs));
	return l2tpnl_call(nl, &r, l2tpnl_session_cb, cs);
}

struct l2tpnl_dump {
	struct l2tpfast_core_session *s;
	unsigned int n, max;
};

static int l2tpnl_dump_cb(struct nlattr **tb, void *arg)
{
	struct l2tpnl_dump *d = arg;

	if (d->n == d->max) {
		unsigned int bigger = d->max ? d->max * 2 : 64;
		struct l2tpfast_core_session *p;

		p = kvmalloc_array(bigger, sizeof(*p), GFP_KERNEL_ACCOUNT);
		if (!p)
			return -ENOMEM;
		if (d->s)
			memcpy(p, d->s, (size_t)d->n * sizeof(*p));
		kvfree(d->s);
		d->s = p;
		d->max = bigger;
	}
	l2tpnl_parse_session(tb, &d->s[d->n++]);
	return 0;
}

int l2tpnl_session_dump(struct l2tpnl *nl,
			struct l2tpfast_core_session **sessions,
			unsigned int *n)
{
	struct l2tpnl_req r = { .type = nl->family, .flags = NLM_F_DUMP,
				.cmd = L2TP_CMD_SESSION_GET };
	struct l2tpnl_dump d = {};
	int err;

	err = l2tpnl_call(nl, &r, l2tpnl_dump_cb, &d);
	if (err) {
		kvfree(d.s);
		return err;
	}
	*sessions = d.s;
	*n = d.n;
	return 0;
}

/* One notification of the l2tp family from the kernel, or false. */
static bool l2tpnl_event_parse(struct l2tpnl *nl, struct nlmsghdr *nlh,
			       struct l2tpfast_core_event *ev)
{
	struct nlattr *tb[L2TP_ATTR_MAX + 1];
	struct genlmsghdr *genl;

	if (nlh->nlmsg_type != nl->family || nlmsg_len(nlh) < GENL_HDRLEN)
		return false;
	genl = nlmsg_data(nlh);
	if (nlmsg_parse_deprecated(nlh, GENL_HDRLEN, tb, L2TP_ATTR_MAX, NULL,
				   NULL))
		return false;
	ev->cmd = genl->cmd;
	l2tpnl_parse_session(tb, &ev->s);
	return true;
}

/*
 * The next message waiting: 1 with ev->cmd set (0 for one that is not a
 * notification from the kernel: ignored, but read), 0 if none is waiting.
 */
int l2tpnl_event_next(struct l2tpnl *nl, struct l2tpfast_core_event *ev)
{
	struct nlmsghdr *nlh = nl->buf + L2TPNL_BUF_SIZE;
	struct kvec iov = { .iov_base = nlh, .iov_len = L2TPNL_EVENT_SIZE };
	struct sockaddr_nl from;
	struct msghdr msg = { .msg_name = &from,
			      .msg_namelen = sizeof(from) };
	int len;

	len = kernel_recvmsg(nl->events, &msg, &iov, 1, iov.iov_len,
			     MSG_DONTWAIT);
	if (len == -EAGAIN)
		return 0;
	if (len < 0)
		return len;
	/* Multicasts carry one message each. */
	if (from.nl_pid != 0 || !nlmsg_ok(nlh, len) ||
	    !l2tpnl_event_parse(nl, nlh, ev))
		ev->cmd = 0;
	return 1;
}
