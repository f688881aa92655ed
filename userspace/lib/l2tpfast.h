/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The l2tpfast genl family from userspace: attach/detach/reset, and a
 * snapshot of every attached tunnel with its sessions and counters, the one
 * model that l2tpfast-ctl's table, JSON and Prometheus output all print.
 */
#ifndef L2TPFAST_LIB_H
#define L2TPFAST_LIB_H

#include <stddef.h>
#include <stdint.h>

#include <linux/l2tpfast.h>

#include "addr.h"
#include "genl.h"

struct lf_counters {
	uint64_t v[L2TPFAST_A_COUNTERS_MAX + 1];	/* by attribute type */
};

/* What an LNS knows of a session (session-set); empty when unset. */
struct lf_session_info {
	char user[64];
	char peer_host[64];
	struct lf_addr address;	/* port unused; family 0: none */
	uint64_t start_ns;	/* CLOCK_REALTIME; 0: unknown */
};

struct lf_session {
	uint32_t tunnel_id;
	uint32_t id;
	uint32_t peer_id;
	char ifname[32];
	struct lf_session_info info;
	struct lf_counters c;
};

/* The IPsec SAs a tunnel's packets went through (spi_in 0: none in). */
struct lf_ipsec {
	int present;		/* the kernel reported SAs for the tunnel */
	uint32_t spi_in, spi_out, reqid, mark, changes;
	uint32_t nat_changes;	/* the peer's NAT-T port moved (NAT rebinding) */
	uint16_t encap_sport, encap_dport;	/* 0: no NAT-T */
	uint32_t bound_mark, bound_mask;	/* mask 0: bound to no mark */
	uint32_t bound_reqid;
	int bound_reqid_set;
};

/* The netns's IPsec switch and its figures for no tunnel (net-set). */
struct lf_net {
	int ipsec_required;
	uint16_t ipsec_port;
	uint64_t rx_drop_cleartext, tx_drop_cleartext;
};

struct lf_tunnel {
	uint32_t id;
	uint32_t peer_id;
	uint8_t version;
	uint32_t session_count;
	struct lf_addr local;
	struct lf_addr peer;
	struct lf_counters c;
	struct lf_ipsec ipsec;
	struct lf_session *sessions;
	size_t n_sessions;
};

struct lf_snapshot {
	uint64_t taken_ns;	/* CLOCK_REALTIME when the dump started */
	struct lf_net net;	/* the netns's IPsec switch and figures */
	struct lf_tunnel *tunnels;
	size_t n_tunnels;
};

/* Where the tunnel's UDP socket is, as the kernel's l2tp family says. */
struct lf_tunnel_attach {
	uint32_t id;
	uint32_t peer_id;	/* optional (0) */
	uint8_t version;
	int fd;			/* >= 0: attach by this socket */
	struct lf_addr local;
	struct lf_addr peer;
	uint32_t ipsec_mark;	/* bind to the SA of this mark ... */
	uint32_t ipsec_mask;	/* ... under this mask; 0: no binding */
};

int lf_tunnel_attach(struct lf_genl *g, const struct lf_tunnel_attach *a);
int lf_tunnel_detach(struct lf_genl *g, uint32_t tunnel_id);
/*
 * Annotate session s->id of tunnel s->tunnel_id: non-empty ifname and info
 * fields are set, the others left as they are. peer_id (optional) lets the
 * kernel track a session its sync has not picked up yet.
 */
int lf_session_set(struct lf_genl *g, const struct lf_session *s);

/*
 * The netns's IPsec switch: required < 0 leaves it, and port with it, as
 * they are (a read). *out, if given, gets the state after the change.
 */
int lf_net_set(struct lf_genl *g, int required, uint16_t port,
	       struct lf_net *out);

/* tunnel_id 0: every tunnel of the netns. */
int lf_counters_reset(struct lf_genl *g, uint32_t tunnel_id);

/* tunnel_id 0: all attached tunnels. Tunnels sorted by id, sessions too. */
int lf_snapshot_take(struct lf_genl *g, uint32_t tunnel_id,
		     struct lf_snapshot *s);
void lf_snapshot_free(struct lf_snapshot *s);
const struct lf_tunnel *lf_snapshot_tunnel(const struct lf_snapshot *s,
					   uint32_t id);
const struct lf_session *lf_tunnel_session(const struct lf_tunnel *t,
					   uint32_t id);

#endif /* L2TPFAST_LIB_H */
