/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The L2TP header over UDP, as RFC 2661 (v2) and RFC 3931 (v3) define it,
 * read without touching the packet. Shared by the rx and tx paths.
 */
#ifndef _L2TPFAST_HDR_H
#define _L2TPFAST_HDR_H

#include <linux/skbuff.h>
#include <linux/types.h>

#include "stats.h"

#define L2TP_FLAG_T		0x8000	/* control message */
#define L2TP_FLAG_L		0x4000	/* length present */
#define L2TP_FLAG_S		0x0800	/* Ns/Nr present */
#define L2TP_FLAG_O		0x0200	/* offset present (v2 data) */
#define L2TP_VER_MASK		0x000f

/* l2tp_core does not look at a data packet shorter than this. */
#define L2TP_CORE_MIN_LEN	14

struct l2tpfast_hdr {
	u16 flags;
	u8 version;
	bool ctrl;
	u32 tunnel_id;		/* v2, and v3 control connection id */
	u32 session_id;		/* data only */
};

static inline bool l2tpfast_hdr_bad(enum l2tpfast_drop *why,
				    enum l2tpfast_drop reason)
{
	*why = reason;
	return false;
}

/*
 * Parse the L2TP header at offset off of skb (len bytes of L2TP). False,
 * with the reason to count the packet as a drop, if it makes no sense.
 */
static inline bool l2tpfast_hdr_parse(const struct sk_buff *skb,
				      unsigned int off, unsigned int len,
				      struct l2tpfast_hdr *h,
				      enum l2tpfast_drop *why)
{
	__be16 buf16[8];
	const __be16 *p;
	unsigned int need, pos;

	p = skb_header_pointer(skb, off, min_t(unsigned int, len, sizeof(buf16)),
			       buf16);
	if (!p || len < 2)
		return l2tpfast_hdr_bad(why, L2TPFAST_DROP_TOO_SHORT);
	h->flags = ntohs(p[0]);
	h->version = h->flags & L2TP_VER_MASK;
	h->ctrl = h->flags & L2TP_FLAG_T;
	h->tunnel_id = 0;
	h->session_id = 0;

	if (h->version == 3) {
		/* Control: flags, length, connection id, Ns, Nr. */
		need = h->ctrl ? 12 : 8;
		if (len < need)
			return l2tpfast_hdr_bad(why, L2TPFAST_DROP_TOO_SHORT);
		if (h->ctrl && (h->flags & (L2TP_FLAG_L | L2TP_FLAG_S)) !=
			       (L2TP_FLAG_L | L2TP_FLAG_S))
			return l2tpfast_hdr_bad(why, L2TPFAST_DROP_MALFORMED);
		if (h->ctrl && ntohs(p[1]) != len)
			return l2tpfast_hdr_bad(why, L2TPFAST_DROP_MALFORMED);
		if (h->ctrl)
			h->tunnel_id = (ntohs(p[2]) << 16) | ntohs(p[3]);
		else
			h->session_id = (ntohs(p[2]) << 16) | ntohs(p[3]);
		return true;
	}
	if (h->version != 2)
		return l2tpfast_hdr_bad(why, L2TPFAST_DROP_VERSION);

	/* v2: flags, [length], tunnel id, session id, [Ns, Nr], [offset]. */
	if (h->ctrl && ((h->flags & (L2TP_FLAG_L | L2TP_FLAG_S)) !=
			(L2TP_FLAG_L | L2TP_FLAG_S) || (h->flags & L2TP_FLAG_O)))
		return l2tpfast_hdr_bad(why, L2TPFAST_DROP_MALFORMED);
	pos = 1;
	need = 6;
	if (h->flags & L2TP_FLAG_L) {
		need += 2;
		if (len < need)
			return l2tpfast_hdr_bad(why, L2TPFAST_DROP_TOO_SHORT);
		if (ntohs(p[pos]) != len)
			return l2tpfast_hdr_bad(why, L2TPFAST_DROP_MALFORMED);
		pos++;
	}
	if (len < need)
		return l2tpfast_hdr_bad(why, L2TPFAST_DROP_TOO_SHORT);
	h->tunnel_id = ntohs(p[pos]);
	h->session_id = ntohs(p[pos + 1]);
	if (h->flags & L2TP_FLAG_S)
		need += 4;
	if (h->flags & L2TP_FLAG_O)
		need += 2;	/* the offset padding itself is l2tp_core's business */
	if (len < need)
		return l2tpfast_hdr_bad(why, L2TPFAST_DROP_TOO_SHORT);
	return true;
}

#endif /* _L2TPFAST_HDR_H */
