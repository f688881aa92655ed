/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xl2tpd.conf, read as xl2tpd reads it: [global], [lns default] and named
 * [lns NAME] sections. Every key xl2tpd documents for an LNS is either
 * honoured or refused with FILE:LINE: reason.
 */
#ifndef L2TPFASTD_CONFIG_H
#define L2TPFASTD_CONFIG_H

#include <netinet/in.h>
#include <stdint.h>

#define CFG_MAX_RANGES	16
#define CFG_MAX_LNS	8
#define CFG_STR		256

struct ip_range {
	uint32_t first, last;		/* host order, inclusive */
};

struct ip_ranges {
	struct ip_range r[CFG_MAX_RANGES];
	int n;
};

enum tri { TRI_UNSET = -1, TRI_NO = 0, TRI_YES = 1 };

struct lns_config {
	char name[64];			/* "default" or the section's name */
	int line;			/* where the section starts */
	int exclusive;			/* one tunnel per peer address */
	int assign_ip;
	struct ip_ranges ip_range, no_ip_range;
	struct ip_ranges lac, no_lac;	/* peers allowed; empty: anyone */
	uint32_t local_ip;		/* host order, 0: none */
	enum tri require_chap, refuse_chap, require_pap, refuse_pap;
	enum tri require_auth, refuse_auth;
	int challenge;			/* tunnel authentication */
	int hidden_bit, length_bit, flow_bit;
	int ppp_debug;
	char ppp_name[CFG_STR];		/* "name": pppd's name option */
	char hostname[CFG_STR];		/* our Host Name AVP */
	char pppoptfile[CFG_STR];
	int tunnel_rws, call_rws;
	long tx_bps, rx_bps;
};

struct config {
	char path[CFG_STR];
	uint16_t port;
	struct in_addr listen_addr;
	char auth_file[CFG_STR];
	int access_control;		/* peers must match some lns "lac" */
	int max_retries;
	int cap_backoff;		/* s: retransmissions at most this far apart */
	/* What strangers can hold (l2tpfastd's own keys, not xl2tpd's). */
	int max_tunnels;		/* in all */
	int max_tunnels_per_peer;	/* from one address */
	int max_half_open;		/* SCCRP sent, no SCCCN yet */
	int max_sessions;		/* per tunnel */
	int max_calls;			/* sessions in all */
	int max_starting;		/* pppds negotiating at once */
	int setup_timeout;		/* s: SCCRP->SCCCN and ICRP->ICCN */
	int debug;			/* any debug key set */
	/*
	 * "ipsec required": L2TP only through an IPsec SA, enforced by
	 * l2tpfast.ko (net-set); replies always from the listening port.
	 */
	int ipsec_required;
	/*
	 * "ipsec mark mask": the bits of a decrypted packet's mark that say
	 * which client's SA it came through (the mask of the shipped swanctl
	 * configuration's mark_in = %unique/0x00ffffff). A tunnel answers
	 * with that mark (SO_MARK) and is bound to its SA; tunnels whose
	 * clients share an address and port are told apart by it.
	 */
	uint32_t ipsec_mark_mask;
	struct lns_config lns[CFG_MAX_LNS];
	int n_lns;
};

/*
 * Read @path. Returns 0, or -1 with "PATH:LINE: reason" in @err. Nothing is
 * half-applied: on error *cfg is left as the defaults.
 */
int config_load(const char *path, struct config *cfg, char *err, size_t errlen);

/* The lns section for a peer, as xl2tpd picks it; NULL if none admits it. */
const struct lns_config *config_lns_for(const struct config *cfg,
					uint32_t peer_ip);

int ip_ranges_contain(const struct ip_ranges *r, uint32_t ip);

#endif /* L2TPFASTD_CONFIG_H */
