/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_NETLINK_H
#define _L2TPFAST_NETLINK_H

#include <linux/types.h>
#include <uapi/linux/l2tpfast.h>

struct l2tpfast_session;
struct l2tpfast_tunnel;

int l2tpfast_genl_init(void);
void l2tpfast_genl_exit(void);

/*
 * Tell the events group; under the netns mutex, process context. cmd: the
 * tunnel's event, L2TPFAST_CMD_TUNNEL_{ADD,DEL,NAT}_NTF.
 */
void l2tpfast_nl_notify_tunnel(struct l2tpfast_tunnel *t, u8 cmd);
void l2tpfast_nl_notify_session(struct l2tpfast_tunnel *t,
				struct l2tpfast_session *s, bool add);

#endif /* _L2TPFAST_NETLINK_H */
