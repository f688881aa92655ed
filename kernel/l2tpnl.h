/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_L2TPNL_H
#define _L2TPFAST_L2TPNL_H

#include "session.h"

struct net;

struct l2tpfast_core_tunnel {
	u32 id;
	u32 peer_id;
};

/* l2tp_core's tunnels and sessions in one netns, at one moment. */
struct l2tpfast_core_snapshot {
	unsigned int n_tunnels, max_tunnels;
	unsigned int n_sessions, max_sessions;
	struct l2tpfast_core_tunnel *tunnels;
	struct l2tpfast_core_session *sessions;
};

struct l2tpfast_core_snapshot *l2tpfast_l2tpnl_snapshot(struct net *net);
void l2tpfast_l2tpnl_snapshot_free(struct l2tpfast_core_snapshot *snap);

#endif /* _L2TPFAST_L2TPNL_H */
