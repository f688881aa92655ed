/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_TX_H
#define _L2TPFAST_TX_H

struct l2tpfast_net;

int l2tpfast_tx_hooks_get(struct l2tpfast_net *ln);
void l2tpfast_tx_hooks_put(struct l2tpfast_net *ln);
void l2tpfast_tx_hooks_put_all(struct l2tpfast_net *ln);

#endif /* _L2TPFAST_TX_H */
