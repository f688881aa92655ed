/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_L2TPNL_H
#define _L2TPFAST_L2TPNL_H

#include <linux/if.h>
#include <linux/types.h>
#include <linux/wait.h>

struct net;
struct socket;

/* A tunnel as l2tp_core reports it through its own genl family. */
struct l2tpfast_core_tunnel {
	u32 id;
	u32 peer_id;
	u8 version;
};

/* A session as l2tp_core reports it through its own genl family. */
struct l2tpfast_core_session {
	u32 tunnel_id;
	u32 id;
	u32 peer_id;
	char ifname[IFNAMSIZ];
};

/* One of l2tp_core's notifications (L2TP_CMD_*); session id 0: a tunnel. */
struct l2tpfast_core_event {
	u8 cmd;
	struct l2tpfast_core_session s;
};

/* A client of l2tp_core's genl family in one netns: requests and events. */
struct l2tpnl {
	struct socket *sock;		/* requests and their replies */
	struct socket *events;		/* a member of l2tp's multicast group */
	struct wait_queue_entry *wait;	/* woken when events arrive */
	void *buf;
	u32 seq;
	u16 family;
	u32 group;
};

int l2tpnl_open(struct l2tpnl *nl, struct net *net,
		struct wait_queue_entry *wait);
void l2tpnl_close(struct l2tpnl *nl);
/* After -ENOBUFS: a new events socket in place of the overrun one. */
int l2tpnl_events_renew(struct l2tpnl *nl);

int l2tpnl_tunnel_get(struct l2tpnl *nl, u32 tunnel_id,
		      struct l2tpfast_core_tunnel *ct);
int l2tpnl_session_get(struct l2tpnl *nl, u32 tunnel_id, u32 session_id,
		       struct l2tpfast_core_session *cs);

/* Every session of the netns; the caller kvfree()s *sessions. */
int l2tpnl_session_dump(struct l2tpnl *nl,
			struct l2tpfast_core_session **sessions,
			unsigned int *n);

/*
 * The next message on the events socket: 1 with *ev filled (ev->cmd 0 if
 * it was not l2tp_core's notification: read and ignored), 0 when none is
 * left, -ENOBUFS when some were lost (the socket overran), another error.
 */
int l2tpnl_event_next(struct l2tpnl *nl, struct l2tpfast_core_event *ev);

#endif /* _L2TPFAST_L2TPNL_H */
