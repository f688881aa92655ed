/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own "l2tp" generic-netlink family (l2tp_netlink): creating
 * tunnels and sessions the way an LNS does, and reading the kernel's own
 * counters (L2TP_ATTR_STATS) to compare with l2tpfast's.
 */
#ifndef L2TPFAST_L2TP_H
#define L2TPFAST_L2TP_H

#include <stdint.h>

#include "addr.h"
#include "genl.h"

struct lf_l2tp_tunnel_cfg {
	uint32_t tunnel_id;
	uint32_t peer_tunnel_id;
	uint8_t version;	/* 2 or 3 */
	int fd;			/* connected UDP socket the tunnel uses */
};

struct lf_l2tp_session_cfg {
	uint32_t tunnel_id;
	uint32_t session_id;
	uint32_t peer_session_id;
	uint16_t pw_type;	/* L2TP_PWTYPE_PPP, L2TP_PWTYPE_ETH */
	uint8_t lns_mode;
	uint8_t seq;		/* send and expect sequence numbers on data */
};

/* L2TP_ATTR_STATS as the kernel reports it for a tunnel or a session. */
struct lf_l2tp_stats {
	uint64_t tx_packets, tx_bytes, tx_errors;
	uint64_t rx_packets, rx_bytes, rx_errors;
	uint64_t rx_seq_discards, rx_oos_packets;
	uint64_t rx_cookie_discards, rx_invalid;
};

/* What the kernel's l2tp family says of one tunnel. */
struct lf_l2tp_tunnel_info {
	uint32_t id;
	uint32_t peer_id;
	uint8_t version;
	uint16_t encap;		/* L2TP_ENCAPTYPE_UDP or _IP */
	struct lf_addr local;
	struct lf_addr peer;
};

int lf_l2tp_tunnel_info_get(struct lf_genl *g, uint32_t tunnel_id,
			    struct lf_l2tp_tunnel_info *info);
int lf_l2tp_tunnel_create(struct lf_genl *g, const struct lf_l2tp_tunnel_cfg *c);
int lf_l2tp_tunnel_delete(struct lf_genl *g, uint32_t tunnel_id);
int lf_l2tp_session_create(struct lf_genl *g, const struct lf_l2tp_session_cfg *c);
int lf_l2tp_session_delete(struct lf_genl *g, uint32_t tunnel_id,
			   uint32_t session_id);
/* session_id 0: the tunnel's counters. */
int lf_l2tp_stats_get(struct lf_genl *g, uint32_t tunnel_id,
		      uint32_t session_id, struct lf_l2tp_stats *st);

#endif /* L2TPFAST_L2TP_H */
