/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_NETLINK_H
#define _L2TPFAST_NETLINK_H

int l2tpfast_genl_init(void);
void l2tpfast_genl_exit(void);

#endif /* _L2TPFAST_NETLINK_H */
