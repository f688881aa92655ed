/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model of what l2tpfastd asks of the system (userspace/l2tpfastd/sys.h),
 * for the host's driver harness and fuzz target: a clock that moves when
 * told, UDP sockets as queues with the kernel's demultiplexing (a connected
 * socket before the listening one), l2tp_core's tunnels and sessions as
 * tables, pppds as pids that exit when told. Peers are scripted LACs that
 * speak through it.
 */
#ifndef L2TPFAST_LNS_MODEL_H
#define L2TPFAST_LNS_MODEL_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "l2tpfastd.h"

#define MODEL_FDS	8192
#define MODEL_PPPDS	4096
#define MODEL_QUEUE	64	/* datagrams a socket holds; more are dropped */

struct model_dgram {
	struct sockaddr_in from, to;
	uint32_t mark;			/* its IPsec SA's (SO_RCVMARK/SO_MARK) */
	size_t len;
	uint8_t buf[L2TP_MAX_MSG];
};

struct model_fd {
	int open, listening, connected;
	struct sockaddr_in local, peer;
	uint32_t mark;			/* SO_MARK */
	void *tag;			/* watched: what epoll hands back */
	int watched;
	struct model_dgram *q[MODEL_QUEUE];
	int n;
};

struct model {
	uint64_t now;
	int n_open;			/* sockets open now */
	int kernel_tunnels, kernel_sessions, attached;
	int last_seq;			/* the last session made: sequencing on */
	struct model_fd fd[MODEL_FDS];
	pid_t pppd[MODEL_PPPDS];	/* live pppds; 0: free slot */
	int n_pppd, pppd_started, pppd_stopped;
	pid_t next_pid;
	/* Everything the LNS sent, for peers to pick up. */
	struct model_dgram *out[4096];
	int n_out;
	uint64_t sent;			/* datagrams sent, all time */
	int fail_pppd;			/* sys_pppd_start fails while set */
	int fail_attach;		/* sys_tunnel_attach fails while set */
	int fail_net;			/* sys_net_set fails while set */
	int net_required, net_calls;	/* l2tpfast's IPsec switch, as last set */
	uint16_t net_port;
	uint32_t gone_spi;		/* the kernel has no SA of this SPI */
	uint32_t ipsec_spi;		/* what l2tpfast shows as spi_in */
};

extern struct model model;

void model_reset(void);
void model_free(void);

/*
 * An LNS on the model: @conf is written to a file of its own and loaded
 * as l2tpfastd does at start-up. NULL if it does not load.
 */
struct lns *model_lns_start(const char *conf);
void model_lns_stop(struct lns *lns);
/* The model's files gone, its memory freed. */
void model_cleanup(void);
/* SIGHUP: the same file, rewritten with @conf first if not NULL. */
void model_lns_reload(struct lns *lns, const char *conf);

/* A datagram from @from to @to, queued on the socket the kernel would pick. */
int model_deliver(const struct sockaddr_in *from, const struct sockaddr_in *to,
		  uint32_t mark, const void *buf, size_t len);
/*
 * One batch of events as epoll would return them: the timer first if
 * @timer, then every socket with something queued; then the batch's end.
 */
void model_batch(struct lns *lns, int timer);
/* Batches until no socket has anything queued. */
void model_pump(struct lns *lns);
/* Time passes in 200 ms ticks, each a batch with the timer in it. */
void model_advance(struct lns *lns, uint64_t ms);
/* The pppd @pid exits with @code. */
void model_pppd_exit(struct lns *lns, pid_t pid, int code);

/* A scripted LAC. */
struct peer {
	struct sockaddr_in addr;	/* its address and port */
	struct sockaddr_in lns;		/* where it sends */
	uint16_t tunnel_id, lns_tunnel_id;
	uint16_t ns, nr;
	uint32_t mark;			/* its SA's: clients behind one NAT */
	struct model_dgram last;	/* the last message it received */
	int got;			/* messages it received, all time */
};

void peer_init(struct peer *p, const char *ip, uint16_t port,
	       const struct lns *lns, uint16_t tunnel_id);
/* Send a message the peer built (header and AVPs): gets its Ns and Nr. */
void peer_send(struct peer *p, struct ctrl_out *o);
/* An acknowledgement only. */
void peer_zlb(struct peer *p);
/*
 * Take the LNS's messages to this peer: the last one's type (0: a ZLB),
 * -1 when none. Its tunnel id and Nr are learnt; with @parsed, the last
 * message parsed.
 */
int peer_recv(struct peer *p, struct ctrl_msg *parsed);
/* How many messages of @type the LNS sent to this peer and not yet taken. */
int peer_count(const struct peer *p, uint16_t type);

/* Ready-made messages. */
void peer_sccrq(struct peer *p);
void peer_scccn(struct peer *p);
void peer_icrq(struct peer *p, uint16_t session_id);
void peer_iccn(struct peer *p, uint16_t lns_session_id, uint16_t session_id);
void peer_cdn(struct peer *p, uint16_t lns_session_id, uint16_t session_id);
void peer_stopccn(struct peer *p);

#endif /* L2TPFAST_LNS_MODEL_H */
