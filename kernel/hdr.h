/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The L2TP header over UDP, as RFC 2661 (v2) and RFC 3931 (v3) define it,
 * read without touching the packet. Shared by the rx and tx paths, which
 * hand it the skb's linear data when the header is there (nearly always)
 * and a copy otherwise.
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

/* How much of the header is looked at: all of a shorter packet. */
#define L2TPFAST_HDR_PEEK	16

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

static __always_inline unsigned int l2tpfast_hdr_peek(unsigned int len)
{
	return min_t(unsigned int, len, L2TPFAST_HDR_PEEK);
}

/* Word i of the header, big-endian, from bytes: no alignment assumed. */
static __always_inline u16 l2tpfast_hdr_word(const u8 *p, unsigned int i)
{
	return (p[2 * i] << 8) | p[2 * i + 1];
}

/*
 * Parse the L2TP header at p: len bytes of L2TP, of which the first
 * l2tpfast_hdr_peek(len) are at p. False, with the reason to count the
 * packet as a drop, if it makes no sense. Inlined into the fast paths,
 * where p is the skb's own linear data (no copy, nothing on the stack).
 */
static __always_inline bool l2tpfast_hdr_parse(const u8 *p, unsigned int len,
					       struct l2tpfast_hdr *h,
					       enum l2tpfast_drop *why)
{
	unsigned int need, pos;

	if (len < 2)
		return l2tpfast_hdr_bad(why, L2TPFAST_DROP_TOO_SHORT);
	h->flags = l2tpfast_hdr_word(p, 0);
	h->version = h->flags & L2TP_VER_MASK;
	h->ctrl = h->flags & L2TP_FLAG_T;
	h->tunnel_id = 0;
	h->session_id = 0;

	if (h->version == 3) {
		/* Control: flags, length, connection id, Ns, Nr. */
		need = h->ctrl ? 12 : 8;
		if (len < need)
			return l2tpfast_hdr_bad(why, L2TPFAST_DROP_TOO_SHORT);
		if (!h->ctrl) {
			h->session_id = (l2tpfast_hdr_word(p, 2) << 16) |
					l2tpfast_hdr_word(p, 3);
			return true;
		}
		if ((h->flags & (L2TP_FLAG_L | L2TP_FLAG_S)) !=
		    (L2TP_FLAG_L | L2TP_FLAG_S) ||
		    l2tpfast_hdr_word(p, 1) != len)
			return l2tpfast_hdr_bad(why, L2TPFAST_DROP_MALFORMED);
		h->tunnel_id = (l2tpfast_hdr_word(p, 2) << 16) |
			       l2tpfast_hdr_word(p, 3);
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
		/* l2tp_core skips a data packet's Length without reading it. */
		if (h->ctrl && l2tpfast_hdr_word(p, pos) != len)
			return l2tpfast_hdr_bad(why, L2TPFAST_DROP_MALFORMED);
		pos++;
	}
	if (len < need)
		return l2tpfast_hdr_bad(why, L2TPFAST_DROP_TOO_SHORT);
	h->tunnel_id = l2tpfast_hdr_word(p, pos);
	h->session_id = l2tpfast_hdr_word(p, pos + 1);
	if (h->flags & L2TP_FLAG_S)
		need += 4;
	if (h->flags & L2TP_FLAG_O)
		need += 2;	/* the offset padding itself is l2tp_core's business */
	if (len < need)
		return l2tpfast_hdr_bad(why, L2TPFAST_DROP_TOO_SHORT);
	return true;
}

#endif /* _L2TPFAST_HDR_H */
