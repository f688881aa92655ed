/* SPDX-License-Identifier: GPL-2.0 */
/* SA gone, tunnel gone: the kernel's xfrm events; see xfrm.c. */
#ifndef L2TPFASTD_XFRM_H
#define L2TPFASTD_XFRM_H

struct lns;

/* Subscribe; the socket is watched with LNS_EV_XFRM. 0, or -1 (logged). */
int xfrm_open(struct lns *lns);
void xfrm_close(struct lns *lns);
/* LNS_EV_XFRM is readable: events read, a check armed if one calls for it. */
void xfrm_input(struct lns *lns);
/* From the event loop's timer: the armed check, once it is due. */
void xfrm_tick(struct lns *lns);

struct tunnel;
/*
 * Is the inbound SA the tunnel's packets last came through gone from the
 * kernel? 1 if the kernel says so; 0 if it is there, or nothing is known.
 */
int xfrm_tunnel_sa_gone(struct lns *lns, const struct tunnel *t);

#endif /* L2TPFASTD_XFRM_H */
