/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_RX_H
#define _L2TPFAST_RX_H

#include <linux/types.h>

struct sk_buff;
struct sock;

int l2tpfast_encap_recv(struct sock *sk, struct sk_buff *skb);

#endif /* _L2TPFAST_RX_H */
