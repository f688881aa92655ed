// SPDX-License-Identifier: GPL-2.0
/*
 * l2tpfast-ctl monitor: one line per event of l2tpfast's "events" group, as
 * `ip monitor` does: a tunnel attached or detached, a session tracked or
 * gone, with the figures it had when it went, a tunnel's peer NAT-T port
 * moved (NAT rebinding).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/ctrl.h>

#include "ctl.h"

/* Tunnel and session events share one table: the larger attribute set. */
#define EVENT_ATTR_MAX	((int)L2TPFAST_A_TUNNEL_MAX > (int)L2TPFAST_A_SESSION_MAX ? \
			 L2TPFAST_A_TUNNEL_MAX : L2TPFAST_A_SESSION_MAX)

struct monitor {
	long left;	/* events still to print; < 0: forever */
};

static const char *const event_names[] = {
	[L2TPFAST_CMD_TUNNEL_ADD_NTF] = "tunnel-add",
	[L2TPFAST_CMD_TUNNEL_DEL_NTF] = "tunnel-del",
	[L2TPFAST_CMD_SESSION_ADD_NTF] = "session-add",
	[L2TPFAST_CMD_SESSION_DEL_NTF] = "session-del",
	[L2TPFAST_CMD_TUNNEL_NAT_NTF] = "tunnel-nat",
};

static unsigned long long counter(struct nlattr *nest, int type)
{
	struct nlattr *c[L2TPFAST_A_COUNTERS_MAX + 1];

	if (!nest || nla_parse_nested(c, L2TPFAST_A_COUNTERS_MAX, nest, NULL) ||
	    !c[type])
		return 0;
	return (unsigned long long)nla_get_u64(c[type]);
}

static void print_figures(struct nlattr *nest)
{
	printf(" rx_packets %llu tx_packets %llu",
	       counter(nest, L2TPFAST_A_COUNTERS_RX_DATA_PACKETS),
	       counter(nest, L2TPFAST_A_COUNTERS_TX_DATA_PACKETS));
}

static void print_tunnel(struct nlattr **tb)
{
	struct lf_addr peer = { 0 };
	char buf[64] = "?";

	if (tb[L2TPFAST_A_TUNNEL_PEER_ADDR] && tb[L2TPFAST_A_TUNNEL_PEER_PORT]) {
		peer.family = nla_len(tb[L2TPFAST_A_TUNNEL_PEER_ADDR]) == 16 ?
			      AF_INET6 : AF_INET;
		nla_memcpy(peer.addr, tb[L2TPFAST_A_TUNNEL_PEER_ADDR],
			   sizeof(peer.addr));
		peer.port = nla_get_u16(tb[L2TPFAST_A_TUNNEL_PEER_PORT]);
		lf_addr_format(&peer, buf, sizeof(buf));
	}
	printf(" tunnel %u peer_tunnel %u version %u peer %s",
	       tb[L2TPFAST_A_TUNNEL_ID] ? nla_get_u32(tb[L2TPFAST_A_TUNNEL_ID]) : 0,
	       tb[L2TPFAST_A_TUNNEL_PEER_ID] ?
	       nla_get_u32(tb[L2TPFAST_A_TUNNEL_PEER_ID]) : 0,
	       tb[L2TPFAST_A_TUNNEL_VERSION] ?
	       nla_get_u8(tb[L2TPFAST_A_TUNNEL_VERSION]) : 0, buf);
	print_figures(tb[L2TPFAST_A_TUNNEL_COUNTERS]);
}

/* NAT rebinding: the peer's NAT-T port now, and how often it moved. */
static void print_nat(struct nlattr **tb)
{
	struct nlattr *x[L2TPFAST_A_IPSEC_MAX + 1];

	if (!tb[L2TPFAST_A_TUNNEL_IPSEC] ||
	    nla_parse_nested(x, L2TPFAST_A_IPSEC_MAX, tb[L2TPFAST_A_TUNNEL_IPSEC],
			     NULL))
		return;
	if (x[L2TPFAST_A_IPSEC_ENCAP_SPORT])
		printf(" natt_peer_port %u",
		       nla_get_u16(x[L2TPFAST_A_IPSEC_ENCAP_SPORT]));
	if (x[L2TPFAST_A_IPSEC_NAT_CHANGES])
		printf(" nat_changes %u",
		       nla_get_u32(x[L2TPFAST_A_IPSEC_NAT_CHANGES]));
}

static void print_session(struct nlattr **tb)
{
	printf(" tunnel %u session %u peer_session %u ifname %s",
	       tb[L2TPFAST_A_SESSION_TUNNEL_ID] ?
	       nla_get_u32(tb[L2TPFAST_A_SESSION_TUNNEL_ID]) : 0,
	       tb[L2TPFAST_A_SESSION_ID] ?
	       nla_get_u32(tb[L2TPFAST_A_SESSION_ID]) : 0,
	       tb[L2TPFAST_A_SESSION_PEER_ID] ?
	       nla_get_u32(tb[L2TPFAST_A_SESSION_PEER_ID]) : 0,
	       tb[L2TPFAST_A_SESSION_IFNAME] &&
	       nla_len(tb[L2TPFAST_A_SESSION_IFNAME]) > 1 ?
	       nla_get_string(tb[L2TPFAST_A_SESSION_IFNAME]) : "-");
	print_figures(tb[L2TPFAST_A_SESSION_COUNTERS]);
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[EVENT_ATTR_MAX + 1];
	struct monitor *m = arg;
	int cmd = gh->cmd;

	if (cmd < 0 || cmd >= (int)(sizeof(event_names) / sizeof(event_names[0])) ||
	    !event_names[cmd])
		return NL_SKIP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, EVENT_ATTR_MAX, NULL))
		return NL_SKIP;
	printf("%s", event_names[cmd]);
	if (cmd == L2TPFAST_CMD_SESSION_ADD_NTF ||
	    cmd == L2TPFAST_CMD_SESSION_DEL_NTF) {
		print_session(tb);
	} else {
		print_tunnel(tb);
		if (cmd == L2TPFAST_CMD_TUNNEL_NAT_NTF)
			print_nat(tb);
	}
	printf("\n");
	fflush(stdout);
	if (m->left > 0 && --m->left == 0)
		return NL_STOP;
	return NL_OK;
}

int ctl_monitor(struct lf_genl *g, int argc, char **argv)
{
	struct monitor m = { .left = -1 };
	int grp, ret;

	if (argc == 3 && !strcmp(argv[1], "-n")) {
		m.left = strtol(argv[2], NULL, 10);
		if (m.left <= 0) {
			fprintf(stderr, "l2tpfast-ctl monitor: -n takes a count > 0\n");
			return 2;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: l2tpfast-ctl monitor [-n COUNT]\n");
		return 2;
	}
	grp = genl_ctrl_resolve_grp(g->sk, L2TPFAST_FAMILY_NAME,
				    L2TPFAST_MCGRP_EVENTS);
	if (grp < 0) {
		fprintf(stderr, "l2tpfast-ctl monitor: no events group: %s\n",
			nl_geterror(grp));
		return 1;
	}
	nl_socket_disable_seq_check(g->sk);
	nl_socket_modify_cb(g->sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, &m);
	ret = nl_socket_add_membership(g->sk, grp);
	if (ret == -NLE_PERM) {
		fprintf(stderr, "l2tpfast-ctl monitor: permission denied: events name subscribers, so the events group needs CAP_NET_ADMIN in this network namespace (run it as root)\n");
		return 1;
	}
	if (ret < 0) {
		fprintf(stderr, "l2tpfast-ctl monitor: cannot join the events group: %s\n",
			nl_geterror(ret));
		return 1;
	}
	/* Tests wait for this line: from here on no event is missed. */
	printf("# monitoring l2tpfast events\n");
	fflush(stdout);
	do {
		ret = nl_recvmsgs_default(g->sk);
	} while (m.left != 0 && (ret >= 0 || ret == -NLE_INTR));
	if (m.left != 0) {
		fprintf(stderr, "l2tpfast-ctl monitor: %s\n", nl_geterror(ret));
		return 1;
	}
	return 0;
}
