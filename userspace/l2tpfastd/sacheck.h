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
	uint32_t spi_in;	/* that SA's SPI (host order); 0: unknown */
	uint32_t mark;		/* its client's SA mark it is bound to; 0: none */
	uint32_t mask;		/* 'ipsec mark mask' it was bound under */
};

/* An SA in the kernel (XFRM_MSG_GETSA). Addresses IPv4, network order. */
struct sa_state {
	uint32_t reqid, spi;	/* spi 0: a larval (acquire) state, not an SA */
	uint32_t saddr, daddr;
	uint8_t proto;		/* IPPROTO_ESP; others do not count */
	uint16_t sport, dport;	/* NAT-T: UDP source and destination ports; 0: none */
	uint64_t added;		/* when it was installed (s, the kernel's clock) */
	uint32_t mark;		/* its mark (value & mask); 0: none */
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

/*
 * displaced[i] = 1 when tunnel i, bound to its client's SA mark M, still
 * has its inbound SA (spi_in) while an outbound ESP SA from that SA's
 * destination with mark M (under the tunnel's mask), installed no earlier, goes to
 * another endpoint (address, NAT-T port) than that SA comes from: M's
 * policy now leads to another client. An IKE daemon that restarted without
 * deleting its SAs (SIGKILL, a crash) hands its marks out from 1 again,
 * and the old SAs stay until they expire. A rekey's new SA goes to the
 * same endpoint, and NAT rebinding moves both directions' SAs in place.
 * Returns how many are displaced, or -1 (out of memory: nothing decided,
 * displaced[] all 0).
 */
int sa_displaced(const struct sa_tunnel *t, size_t nt,
		 const struct sa_state *sa, size_t ns,
		 unsigned char *displaced);

#endif /* L2TPFASTD_SACHECK_H */
