/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l2tpfastd: an LNS. The control plane (RFC 2661) runs here; the data
 * path is the kernel's (l2tp_core, l2tp_ppp), counted by l2tpfast.ko when
 * it is loaded. One connected UDP socket per tunnel, one pppd per session.
 */
#ifndef L2TPFASTD_H
#define L2TPFASTD_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/types.h>

#include "avp.h"
#include "config.h"
#include "genl.h"
#include "pool.h"
#include "reliable.h"
#include "secrets.h"

#define HELLO_IDLE_MS	60000

/* A configuration as loaded, with its pools: tunnels keep the one they began with. */
struct generation {
	struct config cfg;
	struct pool pools[CFG_MAX_LNS];
	char optfile[CFG_MAX_LNS][256];	/* pppoptfile as pppd gets it */
	struct secrets secrets;		/* the auth file, as it was read */
	int refs;
};

enum tunnel_state { T_WAIT_SCCCN, T_ESTABLISHED, T_CLOSING };
enum session_state { S_WAIT_ICCN, S_ESTABLISHED };

struct session {
	struct session *next;	/* in its tunnel */
	struct tunnel *t;
	uint16_t id, peer_id;
	enum session_state state;
	uint32_t addr;		/* assigned from the pool (host order), 0: none */
	uint64_t deadline_ms;	/* S_WAIT_ICCN: given up then */
	uint64_t started_ms;	/* pppd started; it counts as starting a while */
	pid_t pppd;
	int kernel;		/* l2tp_core has it */
	int seq;		/* the peer's ICCN asked for Sequencing Required */
};

struct tunnel {
	struct tunnel *next;
	struct lns *lns;
	struct generation *gen;
	const struct lns_config *cfg;
	struct pool *pool;
	int fd;
	struct sockaddr_in peer;
	struct sockaddr_in local;	/* the address the peer called */
	char peer_str[32];	/* "192.0.2.2:1701", for the logs */
	char peer_host[64];
	uint16_t id, peer_id;
	enum tunnel_state state;
	struct rel rel;		/* Ns/Nr, retransmission, windows */
	uint64_t last_rx_ms;
	uint64_t close_ms;	/* T_CLOSING: forget it at this time */
	uint64_t deadline_ms;	/* T_WAIT_SCCCN: given up then */
	uint64_t sccrp_again_ms;	/* the SCCRP last sent for its SCCRQ again */
	uint64_t probe_ms;	/* a HELLO asks whether the peer still has it */
	uint64_t n_rx, probe_rx;	/* messages from the peer; when probed */
	uint64_t float_rx;		/* n_rx when float_misses counted last */
	int float_misses;		/* wrong candidates from a new port */
	int probing, probe_sends;
	uint64_t probe_ok_ms;	/* it did: other tunnels from there until then */
	int dead;		/* torn down; freed once the event batch is done */
	uint8_t challenge[16];	/* ours, when tunnel authentication is on */
	int challenged;
	int kernel, attached;
	int shared;	/* its four-tuple is another tunnel's too, no mark apart */
	int displaced_seen;	/* checks that found its mark leading elsewhere */
	/* The IPsec SA its packets came through (0: none seen); see xfrm.c. */
	uint32_t sa_spi_in, sa_reqid;	/* SPI in host order, as l2tpfast shows it */
	/*
	 * Its client's SA mark (the SCCRQ's, under 'ipsec mark mask'; 0:
	 * none): its socket sends with it, l2tpfast binds it to that SA, and
	 * it tells apart tunnels whose clients share an address and port.
	 */
	uint32_t mark;
	struct session *sessions;
	int n_sessions;
};

struct lns {
	struct generation *gen;	/* for new tunnels */
	const char *conf_path;
	const char *run_dir;
	char run_path[256];	/* run_dir made absolute (restart.c) */
	/* In every pppd's argv: "L2TPFAST_RUN=run_path", "L2TPFAST_PID=pid". */
	char run_mark[280], pid_mark[32];
	int run_fd, pid_fd;	/* run_dir; its l2tpfastd.pid, locked */
	int old_pid;		/* an earlier daemon's that did not stop cleanly */
	int pid_written;	/* ours is in the file */
	char ip_up[256];	/* pppd's ip-up-script; "" when there is none */
	char hostname[64];	/* ours, for Host Name and the auth file */
	int listen_fd, epfd;
	int hello_ms;		/* HELLO after this long without a message */
	struct lf_genl l2tp;
	struct lf_genl fast;	/* l2tpfast's family, if the module is loaded */
	int have_fast;
	struct xfrm_watch *xfrm;	/* the kernel's SA events (xfrm.c), or NULL */
	struct tunnel *tunnels;
	struct tunnel *dead;	/* torn down in this batch of events */
	int n_tunnels, n_half_open, n_sessions;
	uint64_t refusals_ms;	/* StopCCNs to SCCRQs refused, this second */
	int refusals;
	int stopping;
};

/* pppd's copies of the pppoptfiles in the run directory: PREFIX + mkstemp's 6. */
#define LNS_OPTFILE_PREFIX	"pppd-options."

/* Tags of the event loop's own sockets; a tunnel's tag is the tunnel. */
#define LNS_EV_LISTEN	((void *)1)
#define LNS_EV_SIGNAL	((void *)2)
#define LNS_EV_TIMER	((void *)3)
#define LNS_EV_XFRM	((void *)4)
#define LNS_TICK_MS	200
#define LNS_RX_BUDGET	64	/* datagrams read per socket per wakeup */

/* lns.c: what the event loop (main.c, or the driver harness) calls. */
struct generation *generation_load(const char *path, const char *run_dir);

void generation_put(struct generation *g);
int lns_open(struct lns *lns);
void lns_input(struct lns *lns, void *tag);
void lns_tick(struct lns *lns);
void lns_reload(struct lns *lns);
void lns_batch_done(struct lns *lns);
void lns_stop(struct lns *lns);
void lns_close(struct lns *lns);

/* tunnel.c */
void tunnel_sccrq(struct lns *lns, const struct sockaddr_in *from,
		  struct in_addr to, uint32_t mark, const struct ctrl_msg *m,
		  const uint8_t *buf, size_t len);
void tunnel_input(struct tunnel *t);
void tunnel_floated(struct lns *lns, const struct sockaddr_in *from,
		    struct in_addr to, uint32_t mark, const uint8_t *buf,
		    size_t len);
void tunnel_timer(struct tunnel *t, uint64_t now);
void tunnel_send(struct tunnel *t, struct ctrl_out *o);
void tunnel_stop(struct tunnel *t, uint16_t result, const char *why);
void tunnel_stop_soon(struct tunnel *t, const char *why, uint64_t close_in_ms);
void tunnel_destroy(struct tunnel *t);
void tunnel_free_dead(struct lns *lns);
struct tunnel *tunnel_find_peer(struct lns *lns, const struct sockaddr_in *peer,
				uint16_t peer_id, uint32_t mark);
void tunnel_learn_sa(struct tunnel *t);

/* session.c */
void session_icrq(struct tunnel *t, const struct ctrl_msg *m);
void session_iccn(struct session *s, const struct ctrl_msg *m);
void session_cdn(struct session *s, const struct ctrl_msg *m);
void session_pppd_exited(struct lns *lns, pid_t pid, int status);
void session_timer(struct session *s, uint64_t now);
void session_close(struct session *s, uint16_t result, const char *why,
		   int send_cdn);
struct session *session_find(struct tunnel *t, uint16_t id);

/* restart.c: the run directory's pid file, and an earlier daemon's leftovers. */
int restart_lock(struct lns *lns);
void restart_begin(struct lns *lns);
void restart_end(struct lns *lns);

#endif /* L2TPFASTD_H */
