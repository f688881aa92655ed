/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reliable delivery of control messages (RFC 2661 5.8), one per tunnel:
 * sequence numbers, the peer's receive window, retransmission with
 * exponential back-off and a retry limit, acknowledgements, and a receive
 * window of our own in which messages that arrive ahead of a lost one are
 * held and handed over in order once the gap is filled.
 *
 * No sockets and no clock here: the caller passes the time and a function
 * that sends, so the state machine runs the same on the host's unit tests.
 */
#ifndef L2TPFASTD_RELIABLE_H
#define L2TPFASTD_RELIABLE_H

#include <stddef.h>
#include <stdint.h>

#define REL_TXQ_BYTES	(64 * 1024)	/* unacknowledged bytes we keep, at most */
#define REL_TXQ_MSGS	512		/* and messages */
#define REL_RXQ_MAX	64	/* messages held ahead of a gap, at most */
#define REL_RTO_MS	1000	/* first retransmission after this long */
#define REL_RTO_MAX_MS	8000	/* back-off stops doubling here */

struct rel_msg {
	uint8_t *buf;
	size_t len;
	uint16_t ns;
	int tries;		/* retransmissions so far */
	uint64_t due_ms;	/* next (re)transmission; 0: not sent yet */
};

struct rel_stats {
	uint64_t delivered, duplicates, held, out_of_window, retransmits,
		 zlbs;
};

struct rel {
	uint16_t ns;		/* Ns of the next message we queue */
	uint16_t nr;		/* Ns we expect next from the peer */
	uint16_t nr_sent;	/* the Nr the peer last had from us */
	int ack_due;		/* the peer must hear our Nr again */
	uint16_t peer_rws;	/* messages in flight the peer takes */
	uint16_t rws;		/* how far ahead of nr we hold, ours */
	uint16_t peer_tunnel_id;	/* for ZLBs */
	int max_retries;
	uint64_t rto_max_ms;	/* back-off stops doubling here */
	struct rel_msg *txq;	/* oldest first; only the peer's window limits it */
	int n_txq, txq_cap;
	size_t txq_bytes;
	struct rel_msg rxq[REL_RXQ_MAX];
	int n_rxq;
	void (*xmit)(void *ctx, const uint8_t *buf, size_t len);
	void *ctx;
	struct rel_stats stats;
};

enum rel_verdict {
	REL_DELIVER,		/* the next in sequence: process it now */
	REL_DUPLICATE,		/* seen before: dropped, acknowledged */
	REL_HELD,		/* ahead of a gap: kept for rel_next() */
	REL_OUT_OF_WINDOW,	/* too far ahead: dropped */
};

int rel_seq_lt(uint16_t a, uint16_t b);

void rel_init(struct rel *r, uint16_t first_nr, uint16_t peer_rws,
	      uint16_t rws, int max_retries, uint16_t peer_tunnel_id,
	      void (*xmit)(void *ctx, const uint8_t *buf, size_t len),
	      void *ctx);
void rel_free(struct rel *r);

/*
 * Queue a finished message (header and AVPs, @len bytes): it gets the next
 * Ns and goes out as soon as the peer's window allows. -1 when
 * REL_TXQ_BYTES are unacknowledged already, or out of memory.
 */
int rel_queue(struct rel *r, const uint8_t *buf, size_t len, uint64_t now);

/* The peer's Nr: it has everything before @nr. */
void rel_ack(struct rel *r, uint16_t nr, uint64_t now);

/* A received message that is not a ZLB, by its Ns. */
enum rel_verdict rel_accept(struct rel *r, uint16_t ns, const uint8_t *buf,
			    size_t len);

/*
 * A held message that is now next in sequence, or NULL. The caller
 * processes it and frees it.
 */
uint8_t *rel_next(struct rel *r, size_t *len);

/* Send a ZLB if the peer has not had our current Nr. */
void rel_flush_ack(struct rel *r);

/* Send again now what the peer has not acknowledged (tries unchanged, counted). */
void rel_resend(struct rel *r);

/* How long a message is sent again and again before it is given up. */
uint64_t rel_cycle_ms(int max_retries);

/* Retransmit what is due. -1 when a message ran out of retries. */
int rel_timer(struct rel *r, uint64_t now);

#endif /* L2TPFASTD_RELIABLE_H */
