/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which tunnels have lost their last inbound IPsec SA: a pure function of
 * what the tunnels learnt (reqid, addresses) and of the SAs the kernel has
 * now. xfrm.c feeds it; the host's unit tests call it directly.
 */
#ifndef L2TPFASTD_SACHECK_H
#define L2TPFASTD_SACHECK_H

#include <stddef.h>
#include <stdint.h>

/* A tunnel that went through IPsec. Addresses IPv4, network order. */
struct sa_tunnel {
	uint32_t reqid;		/* of the SA its packets came through; 0: unknown */
	uint32_t local;		/* our address; 0 (INADDR_ANY): any of ours */
	uint32_t peer;		/* the peer's address, as the tunnel sees it */
};

/* An SA in the kernel (XFRM_MSG_GETSA). Addresses IPv4, network order. */
struct sa_state {
	uint32_t reqid, spi;	/* spi 0: a larval (acquire) state, not an SA */
	uint32_t saddr, daddr;
	uint8_t proto;		/* IPPROTO_ESP; others do not count */
};

/*
 * lost[i] = 1 when no ESP SA into tunnel i's local address is left:
 * none with its reqid, or, its reqid unknown, none from its peer's
 * address. 0 otherwise. Returns how many are lost, or -1 (out of
 * memory: nothing decided, lost[] all 0).
 * O((nt + ns) log ns): a burst of deletions costs one pass.
 */
int sa_lost(const struct sa_tunnel *t, size_t nt, const struct sa_state *sa,
	    size_t ns, unsigned char *lost);

#endif /* L2TPFASTD_SACHECK_H */
