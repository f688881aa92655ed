// SPDX-License-Identifier: GPL-2.0
/* Requests to the kernel's "l2tp" genl family; see l2tp.h. */

#include <errno.h>
#include <netinet/in.h>	/* before linux/l2tp.h: glibc's own in.h wins */
#include <string.h>
#include <sys/socket.h>

#include <linux/l2tp.h>

#include "l2tp.h"

int lf_l2tp_tunnel_create(struct lf_genl *g, const struct lf_l2tp_tunnel_cfg *c)
{
	struct nl_msg *msg = lf_genl_msg(g, L2TP_CMD_TUNNEL_CREATE, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, L2TP_ATTR_CONN_ID, c->tunnel_id) ||
	    nla_put_u32(msg, L2TP_ATTR_PEER_CONN_ID, c->peer_tunnel_id) ||
	    nla_put_u8(msg, L2TP_ATTR_PROTO_VERSION, c->version) ||
	    nla_put_u16(msg, L2TP_ATTR_ENCAP_TYPE, L2TP_ENCAPTYPE_UDP) ||
	    nla_put_u32(msg, L2TP_ATTR_FD, (uint32_t)c->fd)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lf_genl_call(g, msg, 0, NULL, NULL, NULL);
}

int lf_l2tp_tunnel_delete(struct lf_genl *g, uint32_t tunnel_id)
{
	struct nl_msg *msg = lf_genl_msg(g, L2TP_CMD_TUNNEL_DELETE, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, L2TP_ATTR_CONN_ID, tunnel_id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lf_genl_call(g, msg, 0, NULL, NULL, NULL);
}

int lf_l2tp_session_create(struct lf_genl *g, const struct lf_l2tp_session_cfg *c)
{
	struct nl_msg *msg = lf_genl_msg(g, L2TP_CMD_SESSION_CREATE, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, L2TP_ATTR_CONN_ID, c->tunnel_id) ||
	    nla_put_u32(msg, L2TP_ATTR_SESSION_ID, c->session_id) ||
	    nla_put_u32(msg, L2TP_ATTR_PEER_SESSION_ID, c->peer_session_id) ||
	    nla_put_u16(msg, L2TP_ATTR_PW_TYPE, c->pw_type) ||
	    (c->lns_mode && nla_put_u8(msg, L2TP_ATTR_LNS_MODE, 1)) ||
	    (c->seq && (nla_put_u8(msg, L2TP_ATTR_SEND_SEQ, 1) ||
			nla_put_u8(msg, L2TP_ATTR_RECV_SEQ, 1)))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lf_genl_call(g, msg, 0, NULL, NULL, NULL);
}

int lf_l2tp_session_delete(struct lf_genl *g, uint32_t tunnel_id,
			   uint32_t session_id)
{
	struct nl_msg *msg = lf_genl_msg(g, L2TP_CMD_SESSION_DELETE, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, L2TP_ATTR_CONN_ID, tunnel_id) ||
	    nla_put_u32(msg, L2TP_ATTR_SESSION_ID, session_id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lf_genl_call(g, msg, 0, NULL, NULL, NULL);
}

static int info_parse(struct nlattr **tb, void *arg)
{
	struct lf_l2tp_tunnel_info *i = arg;

	if (tb[L2TP_ATTR_CONN_ID])
		i->id = nla_get_u32(tb[L2TP_ATTR_CONN_ID]);
	if (tb[L2TP_ATTR_PEER_CONN_ID])
		i->peer_id = nla_get_u32(tb[L2TP_ATTR_PEER_CONN_ID]);
	if (tb[L2TP_ATTR_PROTO_VERSION])
		i->version = nla_get_u8(tb[L2TP_ATTR_PROTO_VERSION]);
	if (tb[L2TP_ATTR_ENCAP_TYPE])
		i->encap = nla_get_u16(tb[L2TP_ATTR_ENCAP_TYPE]);
	if (tb[L2TP_ATTR_IP_SADDR] && tb[L2TP_ATTR_IP_DADDR]) {
		i->local.family = AF_INET;
		i->peer.family = AF_INET;
		memcpy(i->local.addr, nla_data(tb[L2TP_ATTR_IP_SADDR]), 4);
		memcpy(i->peer.addr, nla_data(tb[L2TP_ATTR_IP_DADDR]), 4);
	} else if (tb[L2TP_ATTR_IP6_SADDR] && tb[L2TP_ATTR_IP6_DADDR]) {
		i->local.family = AF_INET6;
		i->peer.family = AF_INET6;
		memcpy(i->local.addr, nla_data(tb[L2TP_ATTR_IP6_SADDR]), 16);
		memcpy(i->peer.addr, nla_data(tb[L2TP_ATTR_IP6_DADDR]), 16);
	}
	if (tb[L2TP_ATTR_UDP_SPORT])
		i->local.port = nla_get_u16(tb[L2TP_ATTR_UDP_SPORT]);
	if (tb[L2TP_ATTR_UDP_DPORT])
		i->peer.port = nla_get_u16(tb[L2TP_ATTR_UDP_DPORT]);
	return 0;
}

int lf_l2tp_tunnel_info_get(struct lf_genl *g, uint32_t tunnel_id,
			    struct lf_l2tp_tunnel_info *info)
{
	struct nl_msg *msg = lf_genl_msg(g, L2TP_CMD_TUNNEL_GET, 0);

	if (!msg)
		return -ENOMEM;
	memset(info, 0, sizeof(*info));
	if (nla_put_u32(msg, L2TP_ATTR_CONN_ID, tunnel_id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lf_genl_call(g, msg, L2TP_ATTR_MAX, NULL, info_parse, info);
}

static uint64_t stat_u64(struct nlattr **s, int type)
{
	return s[type] ? nla_get_u64(s[type]) : 0;
}

static int stats_parse(struct nlattr **tb, void *arg)
{
	struct nlattr *s[L2TP_ATTR_STATS_MAX + 1];
	struct lf_l2tp_stats *st = arg;

	if (!tb[L2TP_ATTR_STATS] ||
	    nla_parse_nested(s, L2TP_ATTR_STATS_MAX, tb[L2TP_ATTR_STATS], NULL))
		return -EBADMSG;
	st->tx_packets = stat_u64(s, L2TP_ATTR_TX_PACKETS);
	st->tx_bytes = stat_u64(s, L2TP_ATTR_TX_BYTES);
	st->tx_errors = stat_u64(s, L2TP_ATTR_TX_ERRORS);
	st->rx_packets = stat_u64(s, L2TP_ATTR_RX_PACKETS);
	st->rx_bytes = stat_u64(s, L2TP_ATTR_RX_BYTES);
	st->rx_errors = stat_u64(s, L2TP_ATTR_RX_ERRORS);
	st->rx_seq_discards = stat_u64(s, L2TP_ATTR_RX_SEQ_DISCARDS);
	st->rx_oos_packets = stat_u64(s, L2TP_ATTR_RX_OOS_PACKETS);
	st->rx_cookie_discards = stat_u64(s, L2TP_ATTR_RX_COOKIE_DISCARDS);
	st->rx_invalid = stat_u64(s, L2TP_ATTR_RX_INVALID);
	return 0;
}

int lf_l2tp_stats_get(struct lf_genl *g, uint32_t tunnel_id,
		      uint32_t session_id, struct lf_l2tp_stats *st)
{
	int cmd = session_id ? L2TP_CMD_SESSION_GET : L2TP_CMD_TUNNEL_GET;
	struct nl_msg *msg = lf_genl_msg(g, cmd, 0);

	if (!msg)
		return -ENOMEM;
	memset(st, 0, sizeof(*st));
	if (nla_put_u32(msg, L2TP_ATTR_CONN_ID, tunnel_id) ||
	    (session_id && nla_put_u32(msg, L2TP_ATTR_SESSION_ID, session_id))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lf_genl_call(g, msg, L2TP_ATTR_MAX, NULL, stats_parse, st);
}
