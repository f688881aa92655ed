/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thin layer over libnl-genl-3 shared by l2tpfast-ctl and l2tpfastd:
 * connect to a generic-netlink family, send one request, hand each reply
 * message's attributes to a callback, and turn errors into words an
 * operator can act on.
 */
#ifndef L2TPFAST_GENL_H
#define L2TPFAST_GENL_H

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

struct lf_genl {
	struct nl_sock *sk;
	int family;		/* resolved family id */
	const char *name;	/* family name, for messages */
};

/* Called once per reply message; tb is indexed by attribute type. */
typedef int (*lf_genl_reply_fn)(struct nlattr **tb, void *arg);

/*
 * Connect and resolve @name. Returns 0, or a negative errno with a message
 * already printed to stderr (-ENOENT when the family is not registered).
 */
int lf_genl_open(struct lf_genl *g, const char *name);
/* The same, silent when the family is not there (-ENOENT). */
int lf_genl_open_quiet(struct lf_genl *g, const char *name);
void lf_genl_close(struct lf_genl *g);

/* A request of @cmd with NLM_F_REQUEST (| NLM_F_DUMP when @dump). */
struct nl_msg *lf_genl_msg(struct lf_genl *g, int cmd, int dump);

/*
 * Send @msg (consumed) and receive until the request is done. @maxattr and
 * @policy (may be NULL) parse each reply. Returns 0 or a negative errno.
 */
int lf_genl_call(struct lf_genl *g, struct nl_msg *msg, int maxattr,
		 const struct nla_policy *policy, lf_genl_reply_fn fn,
		 void *arg);

/* A sentence for an errno returned by the kernel to a request. */
const char *lf_genl_strerror(int err);

#endif /* L2TPFAST_GENL_H */
