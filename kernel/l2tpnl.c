// SPDX-License-Identifier: GPL-2.0
/*
 * Reading l2tp_core's view of its tunnels and sessions through its own
 * generic-netlink family ("l2tp", include/uapi/linux/l2tp.h), from a kernel
 * netlink socket in the tunnel's netns.
 *
 * l2tp_core's structures are private, and the exported getters return
 * opaque pointers; the genl family is the stable, public way to learn a
 * session's ids, its peer's ids and its interface name on every kernel.
 * Only called from process context, never under a genl handler (genl's
 * cb_lock must not be taken twice by one task) nor under l2tpfast's mutex.
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

#define L2TPNL_BUF_SIZE		(64 * 1024)

struct l2tpnl {
	struct socket *sock;
	void *buf;
	u32 seq;
	u16 family;
};

typedef int (*l2tpnl_cb)(struct nlattr **tb, void *arg);

static int l2tpnl_send(struct l2tpnl *nl, u16 type, u16 flags, u8 cmd,
		       const char *family_name)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr nlh;
		struct genlmsghdr genl;
		char attrs[NLA_HDRLEN + GENL_NAMSIZ];
	} req = {};
	struct msghdr msg = { .msg_name = &kernel,
			      .msg_namelen = sizeof(kernel) };
	struct kvec iov = { .iov_base = &req };
	int len = NLMSG_LENGTH(GENL_HDRLEN);

	if (family_name) {
		struct nlattr *nla = (struct nlattr *)req.attrs;

		nla->nla_type = CTRL_ATTR_FAMILY_NAME;
		nla->nla_len = nla_attr_size(strlen(family_name) + 1);
		strscpy(nla_data(nla), family_name, GENL_NAMSIZ);
		len += nla_total_size(strlen(family_name) + 1);
	}
	req.nlh.nlmsg_len = len;
	req.nlh.nlmsg_type = type;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	req.nlh.nlmsg_seq = ++nl->seq;
	req.genl.cmd = cmd;
	req.genl.version = 1;
	iov.iov_len = len;

	return kernel_sendmsg(nl->sock, &msg, &iov, 1, len) < 0 ? -EIO : 0;
}

/* Hand each reply of the current request to cb until it is complete. */
static int l2tpnl_recv(struct l2tpnl *nl, int maxtype, l2tpnl_cb cb, void *arg)
{
	struct nlattr *tb[L2TP_ATTR_MAX + CTRL_ATTR_MAX + 1];
	struct kvec iov = { .iov_base = nl->buf, .iov_len = L2TPNL_BUF_SIZE };
	struct msghdr msg = {};
	struct nlmsghdr *nlh;
	int len, err;

	for (;;) {
		len = kernel_recvmsg(nl->sock, &msg, &iov, 1, iov.iov_len, 0);
		if (len < 0)
			return len;
		for (nlh = nl->buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != nl->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)nlmsg_data(nlh))->error;
			err = nlmsg_parse_deprecated(nlh, GENL_HDRLEN, tb,
						     maxtype, NULL, NULL);
			if (!err)
				err = cb(tb, arg);
			if (err)
				return err;
			if (!(nlh->nlmsg_flags & NLM_F_MULTI))
				return 0;
		}
	}
}

static int l2tpnl_family_cb(struct nlattr **tb, void *arg)
{
	u16 *family = arg;

	if (!tb[CTRL_ATTR_FAMILY_ID])
		return -EPROTO;
	*family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return 0;
}

static int l2tpnl_open(struct l2tpnl *nl, struct net *net)
{
	int err;

	err = sock_create_kern(net, PF_NETLINK, SOCK_RAW, NETLINK_GENERIC,
			       &nl->sock);
	if (err)
		return err;
	/* Never wait for l2tp_core for long; the next sync tries again. */
	nl->sock->sk->sk_rcvtimeo = 2 * HZ;
	nl->buf = kvmalloc(L2TPNL_BUF_SIZE, GFP_KERNEL);
	if (!nl->buf)
		return -ENOMEM;

	err = l2tpnl_send(nl, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY,
			  L2TP_GENL_NAME);
	if (!err)
		err = l2tpnl_recv(nl, CTRL_ATTR_MAX, l2tpnl_family_cb,
				  &nl->family);
	return err;
}

static void l2tpnl_close(struct l2tpnl *nl)
{
	kvfree(nl->buf);
	if (nl->sock)
		sock_release(nl->sock);
}

/* Make room for one more entry (doubling); process context. */
static void *l2tpnl_grow(void *array, unsigned int n, unsigned int *max,
			 size_t size)
{
	unsigned int bigger = *max ? *max * 2 : 64;
	void *p;

	if (n < *max)
		return array;
	p = kvmalloc_array(bigger, size, GFP_KERNEL);
	if (!p)
		return NULL;
	if (array)
		memcpy(p, array, (size_t)n * size);
	kvfree(array);
	*max = bigger;
	return p;
}

static u32 l2tpnl_u32(struct nlattr *nla)
{
	return nla && nla_len(nla) >= sizeof(u32) ? nla_get_u32(nla) : 0;
}

static int l2tpnl_tunnel_cb(struct nlattr **tb, void *arg)
{
	struct l2tpfast_core_snapshot *snap = arg;
	struct l2tpfast_core_tunnel *ct;

	ct = l2tpnl_grow(snap->tunnels, snap->n_tunnels, &snap->max_tunnels,
			 sizeof(*ct));
	if (!ct)
		return -ENOMEM;
	snap->tunnels = ct;
	ct += snap->n_tunnels++;
	ct->id = l2tpnl_u32(tb[L2TP_ATTR_CONN_ID]);
	ct->peer_id = l2tpnl_u32(tb[L2TP_ATTR_PEER_CONN_ID]);
	return 0;
}

static int l2tpnl_session_cb(struct nlattr **tb, void *arg)
{
	struct l2tpfast_core_snapshot *snap = arg;
	struct l2tpfast_core_session *cs;

	cs = l2tpnl_grow(snap->sessions, snap->n_sessions, &snap->max_sessions,
			 sizeof(*cs));
	if (!cs)
		return -ENOMEM;
	snap->sessions = cs;
	cs += snap->n_sessions++;
	cs->tunnel_id = l2tpnl_u32(tb[L2TP_ATTR_CONN_ID]);
	cs->id = l2tpnl_u32(tb[L2TP_ATTR_SESSION_ID]);
	cs->peer_id = l2tpnl_u32(tb[L2TP_ATTR_PEER_SESSION_ID]);
	cs->ifname[0] = '\0';
	if (tb[L2TP_ATTR_IFNAME])
		nla_strscpy(cs->ifname, tb[L2TP_ATTR_IFNAME],
			    sizeof(cs->ifname));
	return 0;
}

static int l2tpnl_dump(struct l2tpnl *nl, u8 cmd, l2tpnl_cb cb, void *arg)
{
	int err;

	err = l2tpnl_send(nl, nl->family, NLM_F_DUMP, cmd, NULL);
	if (err)
		return err;
	return l2tpnl_recv(nl, L2TP_ATTR_MAX, cb, arg);
}

void l2tpfast_l2tpnl_snapshot_free(struct l2tpfast_core_snapshot *snap)
{
	kvfree(snap->tunnels);
	kvfree(snap->sessions);
	kfree(snap);
}

struct l2tpfast_core_snapshot *l2tpfast_l2tpnl_snapshot(struct net *net)
{
	struct l2tpfast_core_snapshot *snap;
	struct l2tpnl nl = {};
	int err;

	snap = kzalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return ERR_PTR(-ENOMEM);

	err = l2tpnl_open(&nl, net);
	if (!err)
		err = l2tpnl_dump(&nl, L2TP_CMD_TUNNEL_GET, l2tpnl_tunnel_cb,
				  snap);
	if (!err)
		err = l2tpnl_dump(&nl, L2TP_CMD_SESSION_GET, l2tpnl_session_cb,
				  snap);
	l2tpnl_close(&nl);
	if (err) {
		l2tpfast_l2tpnl_snapshot_free(snap);
		return ERR_PTR(err);
	}
	return snap;
}
