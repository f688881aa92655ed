// SPDX-License-Identifier: GPL-2.0
/* Generic-netlink request/reply over libnl-genl-3; see genl.h. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "genl.h"

#define LF_GENL_MAXATTR 64

struct lf_call {
	int err;
	int done;
	int maxattr;
	const struct nla_policy *policy;
	lf_genl_reply_fn fn;
	void *arg;
};

static int genl_open(struct lf_genl *g, const char *name, int quiet)
{
	int ret;

	g->name = name;
	g->sk = nl_socket_alloc();
	if (!g->sk) {
		fprintf(stderr, "%s: out of memory\n", name);
		return -ENOMEM;
	}
	ret = genl_connect(g->sk);
	if (ret < 0) {
		fprintf(stderr, "%s: cannot open a generic netlink socket: %s\n",
			name, nl_geterror(ret));
		nl_socket_free(g->sk);
		return -EIO;
	}
	g->family = genl_ctrl_resolve(g->sk, name);
	if (g->family < 0) {
		if (!quiet)
			fprintf(stderr,
				"%s: generic netlink family not found: is the module loaded? (modprobe %s)\n",
				name, name);
		nl_socket_free(g->sk);
		return -ENOENT;
	}
	return 0;
}

int lf_genl_open(struct lf_genl *g, const char *name)
{
	return genl_open(g, name, 0);
}

int lf_genl_open_quiet(struct lf_genl *g, const char *name)
{
	return genl_open(g, name, 1);
}

void lf_genl_close(struct lf_genl *g)
{
	nl_socket_free(g->sk);
	g->sk = NULL;
}

struct nl_msg *lf_genl_msg(struct lf_genl *g, int cmd, int dump)
{
	struct nl_msg *msg = nlmsg_alloc();
	int flags = dump ? NLM_F_DUMP : NLM_F_ACK;

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0, flags,
			 cmd, 1)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int lf_on_valid(struct nl_msg *msg, void *arg)
{
	struct lf_call *c = arg;
	struct nlattr *tb[LF_GENL_MAXATTR + 1];
	int ret;

	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, c->maxattr,
			    (struct nla_policy *)c->policy);
	if (ret < 0) {
		c->err = -EBADMSG;
		return NL_STOP;
	}
	if (c->fn) {
		ret = c->fn(tb, c->arg);
		if (ret < 0) {
			c->err = ret;
			return NL_STOP;
		}
	}
	return NL_OK;
}

static int lf_on_done(struct nl_msg *msg, void *arg)
{
	struct lf_call *c = arg;

	(void)msg;
	c->done = 1;
	return NL_STOP;
}

static int lf_on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct lf_call *c = arg;

	(void)who;
	c->err = e->error;
	c->done = 1;
	return NL_STOP;
}

int lf_genl_call(struct lf_genl *g, struct nl_msg *msg, int maxattr,
		 const struct nla_policy *policy, lf_genl_reply_fn fn,
		 void *arg)
{
	struct lf_call c = {
		.maxattr = maxattr, .policy = policy, .fn = fn, .arg = arg,
	};
	struct nl_cb *cb;
	int ret;

	if (maxattr > LF_GENL_MAXATTR) {
		nlmsg_free(msg);
		return -EINVAL;
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, lf_on_valid, &c);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, lf_on_done, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, lf_on_done, &c);
	nl_cb_err(cb, NL_CB_CUSTOM, lf_on_error, &c);

	ret = nl_send_auto(g->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	do {
		ret = nl_recvmsgs(g->sk, cb);
	} while (ret >= 0 && !c.done && !c.err);
	nl_cb_put(cb);
	if (c.err)
		return c.err;
	return ret < 0 ? -EIO : 0;
}

const char *lf_genl_strerror(int err)
{
	switch (-err) {
	case EPERM:
		return "operation not permitted (needs CAP_NET_ADMIN in this network namespace)";
	case ENOENT:
		return "no such object";
	case EOPNOTSUPP:
		return "not supported by this module version";
	default:
		return strerror(-err);
	}
}
