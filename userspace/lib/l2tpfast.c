// SPDX-License-Identifier: GPL-2.0
/* Requests to the l2tpfast genl family and the snapshot model; see l2tpfast.h. */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "l2tpfast.h"

static int put_addr(struct nl_msg *msg, int addr_type, int port_type,
		    const struct lf_addr *a)
{
	int len = a->family == AF_INET6 ? 16 : 4;

	if (!a->family)
		return 0;
	return nla_put(msg, addr_type, len, a->addr) ||
	       nla_put_u16(msg, port_type, a->port);
}

int lf_tunnel_attach(struct lf_genl *g, const struct lf_tunnel_attach *a)
{
	struct nl_msg *msg = lf_genl_msg(g, L2TPFAST_CMD_TUNNEL_ATTACH, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, L2TPFAST_A_TUNNEL_ID, a->id) ||
	    nla_put_u8(msg, L2TPFAST_A_TUNNEL_VERSION, a->version) ||
	    (a->peer_id && nla_put_u32(msg, L2TPFAST_A_TUNNEL_PEER_ID, a->peer_id)) ||
	    (a->fd >= 0 && nla_put_u32(msg, L2TPFAST_A_TUNNEL_FD, (uint32_t)a->fd)) ||
	    (a->fd < 0 &&
	     (put_addr(msg, L2TPFAST_A_TUNNEL_LOCAL_ADDR,
		       L2TPFAST_A_TUNNEL_LOCAL_PORT, &a->local) ||
	      put_addr(msg, L2TPFAST_A_TUNNEL_PEER_ADDR,
		       L2TPFAST_A_TUNNEL_PEER_PORT, &a->peer))) ||
	    (a->ipsec_mask &&
	     (nla_put_u32(msg, L2TPFAST_A_TUNNEL_IPSEC_MARK, a->ipsec_mark) ||
	      nla_put_u32(msg, L2TPFAST_A_TUNNEL_IPSEC_MASK, a->ipsec_mask)))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lf_genl_call(g, msg, 0, NULL, NULL, NULL);
}

static int id_request(struct lf_genl *g, int cmd, uint32_t tunnel_id)
{
	struct nl_msg *msg = lf_genl_msg(g, cmd, 0);

	if (!msg)
		return -ENOMEM;
	if (tunnel_id && nla_put_u32(msg, L2TPFAST_A_TUNNEL_ID, tunnel_id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lf_genl_call(g, msg, 0, NULL, NULL, NULL);
}

int lf_tunnel_detach(struct lf_genl *g, uint32_t tunnel_id)
{
	return id_request(g, L2TPFAST_CMD_TUNNEL_DETACH, tunnel_id);
}

int lf_counters_reset(struct lf_genl *g, uint32_t tunnel_id)
{
	return id_request(g, L2TPFAST_CMD_COUNTERS_RESET, tunnel_id);
}

static void parse_counters(struct nlattr *nest, struct lf_counters *c)
{
	struct nlattr *tb[L2TPFAST_A_COUNTERS_MAX + 1];
	int i;

	memset(c, 0, sizeof(*c));
	if (!nest || nla_parse_nested(tb, L2TPFAST_A_COUNTERS_MAX, nest, NULL))
		return;
	for (i = 1; i <= L2TPFAST_A_COUNTERS_MAX; i++)
		if (tb[i] && i != L2TPFAST_A_COUNTERS_PAD)
			c->v[i] = nla_get_u64(tb[i]);
}

static void parse_addr(struct nlattr *addr, struct nlattr *port,
		       struct lf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (!addr)
		return;
	if (nla_len(addr) == 4)
		a->family = AF_INET;
	else if (nla_len(addr) == 16)
		a->family = AF_INET6;
	else
		return;
	memcpy(a->addr, nla_data(addr), (size_t)nla_len(addr));
	a->port = port ? nla_get_u16(port) : 0;
}

static void parse_session_info(struct nlattr **tb, struct lf_session_info *i)
{
	if (tb[L2TPFAST_A_SESSION_USER])
		snprintf(i->user, sizeof(i->user), "%s",
			 nla_get_string(tb[L2TPFAST_A_SESSION_USER]));
	if (tb[L2TPFAST_A_SESSION_PEER_HOST])
		snprintf(i->peer_host, sizeof(i->peer_host), "%s",
			 nla_get_string(tb[L2TPFAST_A_SESSION_PEER_HOST]));
	if (tb[L2TPFAST_A_SESSION_ADDRESS])
		parse_addr(tb[L2TPFAST_A_SESSION_ADDRESS], NULL, &i->address);
	if (tb[L2TPFAST_A_SESSION_START_NS])
		i->start_ns = nla_get_u64(tb[L2TPFAST_A_SESSION_START_NS]);
}

static void parse_ipsec(struct nlattr *nest, struct lf_ipsec *x)
{
	struct nlattr *tb[L2TPFAST_A_IPSEC_MAX + 1];

	memset(x, 0, sizeof(*x));
	if (!nest || nla_parse_nested(tb, L2TPFAST_A_IPSEC_MAX, nest, NULL))
		return;
	x->present = 1;
	if (tb[L2TPFAST_A_IPSEC_SPI_IN])
		x->spi_in = nla_get_u32(tb[L2TPFAST_A_IPSEC_SPI_IN]);
	if (tb[L2TPFAST_A_IPSEC_SPI_OUT])
		x->spi_out = nla_get_u32(tb[L2TPFAST_A_IPSEC_SPI_OUT]);
	if (tb[L2TPFAST_A_IPSEC_REQID])
		x->reqid = nla_get_u32(tb[L2TPFAST_A_IPSEC_REQID]);
	if (tb[L2TPFAST_A_IPSEC_MARK])
		x->mark = nla_get_u32(tb[L2TPFAST_A_IPSEC_MARK]);
	if (tb[L2TPFAST_A_IPSEC_CHANGES])
		x->changes = nla_get_u32(tb[L2TPFAST_A_IPSEC_CHANGES]);
	if (tb[L2TPFAST_A_IPSEC_NAT_CHANGES])
		x->nat_changes = nla_get_u32(tb[L2TPFAST_A_IPSEC_NAT_CHANGES]);
	if (tb[L2TPFAST_A_IPSEC_ENCAP_SPORT])
		x->encap_sport = nla_get_u16(tb[L2TPFAST_A_IPSEC_ENCAP_SPORT]);
	if (tb[L2TPFAST_A_IPSEC_ENCAP_DPORT])
		x->encap_dport = nla_get_u16(tb[L2TPFAST_A_IPSEC_ENCAP_DPORT]);
	if (tb[L2TPFAST_A_IPSEC_BOUND_MARK])
		x->bound_mark = nla_get_u32(tb[L2TPFAST_A_IPSEC_BOUND_MARK]);
	if (tb[L2TPFAST_A_IPSEC_BOUND_MASK])
		x->bound_mask = nla_get_u32(tb[L2TPFAST_A_IPSEC_BOUND_MASK]);
	if (tb[L2TPFAST_A_IPSEC_BOUND_REQID]) {
		x->bound_reqid = nla_get_u32(tb[L2TPFAST_A_IPSEC_BOUND_REQID]);
		x->bound_reqid_set = 1;
	}
}

static int tunnel_parse(struct nlattr **tb, void *arg)
{
	struct lf_snapshot *s = arg;
	struct lf_tunnel *t, *n;

	if (!tb[L2TPFAST_A_TUNNEL_ID])
		return 0;
	n = realloc(s->tunnels, (s->n_tunnels + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	s->tunnels = n;
	t = &n[s->n_tunnels++];
	memset(t, 0, sizeof(*t));
	t->id = nla_get_u32(tb[L2TPFAST_A_TUNNEL_ID]);
	if (tb[L2TPFAST_A_TUNNEL_PEER_ID])
		t->peer_id = nla_get_u32(tb[L2TPFAST_A_TUNNEL_PEER_ID]);
	if (tb[L2TPFAST_A_TUNNEL_VERSION])
		t->version = nla_get_u8(tb[L2TPFAST_A_TUNNEL_VERSION]);
	if (tb[L2TPFAST_A_TUNNEL_SESSION_COUNT])
		t->session_count = nla_get_u32(tb[L2TPFAST_A_TUNNEL_SESSION_COUNT]);
	parse_addr(tb[L2TPFAST_A_TUNNEL_LOCAL_ADDR],
		   tb[L2TPFAST_A_TUNNEL_LOCAL_PORT], &t->local);
	parse_addr(tb[L2TPFAST_A_TUNNEL_PEER_ADDR],
		   tb[L2TPFAST_A_TUNNEL_PEER_PORT], &t->peer);
	parse_counters(tb[L2TPFAST_A_TUNNEL_COUNTERS], &t->c);
	parse_ipsec(tb[L2TPFAST_A_TUNNEL_IPSEC], &t->ipsec);
	return 0;
}

static int net_parse(struct nlattr **tb, void *arg)
{
	struct lf_net *n = arg;

	if (tb[L2TPFAST_A_NET_IPSEC_REQUIRED])
		n->ipsec_required = nla_get_u8(tb[L2TPFAST_A_NET_IPSEC_REQUIRED]);
	if (tb[L2TPFAST_A_NET_IPSEC_PORT])
		n->ipsec_port = nla_get_u16(tb[L2TPFAST_A_NET_IPSEC_PORT]);
	if (tb[L2TPFAST_A_NET_RX_DROP_CLEARTEXT])
		n->rx_drop_cleartext = nla_get_u64(tb[L2TPFAST_A_NET_RX_DROP_CLEARTEXT]);
	if (tb[L2TPFAST_A_NET_TX_DROP_CLEARTEXT])
		n->tx_drop_cleartext = nla_get_u64(tb[L2TPFAST_A_NET_TX_DROP_CLEARTEXT]);
	return 0;
}

int lf_net_set(struct lf_genl *g, int required, uint16_t port,
	       struct lf_net *out)
{
	struct nl_msg *msg = lf_genl_msg(g, L2TPFAST_CMD_NET_SET, 0);
	struct lf_net scratch;

	if (!msg)
		return -ENOMEM;
	if (required >= 0 &&
	    (nla_put_u8(msg, L2TPFAST_A_NET_IPSEC_REQUIRED, required ? 1 : 0) ||
	     nla_put_u16(msg, L2TPFAST_A_NET_IPSEC_PORT, port))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	if (!out)
		out = &scratch;
	memset(out, 0, sizeof(*out));
	return lf_genl_call(g, msg, L2TPFAST_A_NET_MAX, NULL, net_parse, out);
}

static int session_parse(struct nlattr **tb, void *arg)
{
	struct lf_snapshot *s = arg;
	struct lf_tunnel *t = NULL;
	struct lf_session *n, *ss;
	uint32_t tid;
	size_t i;

	if (!tb[L2TPFAST_A_SESSION_TUNNEL_ID] || !tb[L2TPFAST_A_SESSION_ID])
		return 0;
	tid = nla_get_u32(tb[L2TPFAST_A_SESSION_TUNNEL_ID]);
	for (i = 0; i < s->n_tunnels && !t; i++)
		if (s->tunnels[i].id == tid)
			t = &s->tunnels[i];
	if (!t)		/* attached between the two dumps: next time */
		return 0;
	n = realloc(t->sessions, (t->n_sessions + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->sessions = n;
	ss = &n[t->n_sessions++];
	memset(ss, 0, sizeof(*ss));
	ss->tunnel_id = tid;
	ss->id = nla_get_u32(tb[L2TPFAST_A_SESSION_ID]);
	if (tb[L2TPFAST_A_SESSION_PEER_ID])
		ss->peer_id = nla_get_u32(tb[L2TPFAST_A_SESSION_PEER_ID]);
	if (tb[L2TPFAST_A_SESSION_IFNAME])
		snprintf(ss->ifname, sizeof(ss->ifname), "%s",
			 nla_get_string(tb[L2TPFAST_A_SESSION_IFNAME]));
	parse_counters(tb[L2TPFAST_A_SESSION_COUNTERS], &ss->c);
	parse_session_info(tb, &ss->info);
	return 0;
}

int lf_session_set(struct lf_genl *g, const struct lf_session *s)
{
	struct nl_msg *msg = lf_genl_msg(g, L2TPFAST_CMD_SESSION_SET, 0);
	const struct lf_session_info *i = &s->info;

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, L2TPFAST_A_SESSION_TUNNEL_ID, s->tunnel_id) ||
	    nla_put_u32(msg, L2TPFAST_A_SESSION_ID, s->id) ||
	    (s->peer_id && nla_put_u32(msg, L2TPFAST_A_SESSION_PEER_ID, s->peer_id)) ||
	    (s->ifname[0] && nla_put_string(msg, L2TPFAST_A_SESSION_IFNAME, s->ifname)) ||
	    (i->user[0] && nla_put_string(msg, L2TPFAST_A_SESSION_USER, i->user)) ||
	    (i->peer_host[0] &&
	     nla_put_string(msg, L2TPFAST_A_SESSION_PEER_HOST, i->peer_host)) ||
	    (i->address.family &&
	     nla_put(msg, L2TPFAST_A_SESSION_ADDRESS,
		     i->address.family == AF_INET6 ? 16 : 4, i->address.addr)) ||
	    (i->start_ns && nla_put_u64(msg, L2TPFAST_A_SESSION_START_NS, i->start_ns))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lf_genl_call(g, msg, 0, NULL, NULL, NULL);
}

static int cmp_tunnel(const void *a, const void *b)
{
	const struct lf_tunnel *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_session(const void *a, const void *b)
{
	const struct lf_session *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int lf_snapshot_take(struct lf_genl *g, uint32_t tunnel_id,
		     struct lf_snapshot *s)
{
	struct timespec ts;
	struct nl_msg *msg;
	size_t i;
	int ret;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_REALTIME, &ts);
	s->taken_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;

	ret = lf_net_set(g, -1, 0, &s->net);
	if (ret)
		goto fail;

	msg = lf_genl_msg(g, L2TPFAST_CMD_TUNNEL_GET, !tunnel_id);
	if (!msg)
		return -ENOMEM;
	if (tunnel_id && nla_put_u32(msg, L2TPFAST_A_TUNNEL_ID, tunnel_id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	ret = lf_genl_call(g, msg, L2TPFAST_A_TUNNEL_MAX, NULL, tunnel_parse, s);
	if (ret)
		goto fail;

	ret = -ENOMEM;
	msg = lf_genl_msg(g, L2TPFAST_CMD_SESSION_GET, 1);
	if (!msg)
		goto fail;
	if (tunnel_id &&
	    nla_put_u32(msg, L2TPFAST_A_SESSION_TUNNEL_ID, tunnel_id)) {
		nlmsg_free(msg);
		ret = -EMSGSIZE;
		goto fail;
	}
	ret = lf_genl_call(g, msg, L2TPFAST_A_SESSION_MAX, NULL, session_parse, s);
	if (ret)
		goto fail;

	qsort(s->tunnels, s->n_tunnels, sizeof(*s->tunnels), cmp_tunnel);
	for (i = 0; i < s->n_tunnels; i++)
		qsort(s->tunnels[i].sessions, s->tunnels[i].n_sessions,
		      sizeof(struct lf_session), cmp_session);
	return 0;

fail:
	lf_snapshot_free(s);
	return ret;
}

void lf_snapshot_free(struct lf_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n_tunnels; i++)
		free(s->tunnels[i].sessions);
	free(s->tunnels);
	memset(s, 0, sizeof(*s));
}

const struct lf_tunnel *lf_snapshot_tunnel(const struct lf_snapshot *s,
					   uint32_t id)
{
	size_t i;

	for (i = 0; i < s->n_tunnels; i++)
		if (s->tunnels[i].id == id)
			return &s->tunnels[i];
	return NULL;
}

const struct lf_session *lf_tunnel_session(const struct lf_tunnel *t,
					   uint32_t id)
{
	size_t i;

	for (i = 0; i < t->n_sessions; i++)
		if (t->sessions[i].id == id)
			return &t->sessions[i];
	return NULL;
}
