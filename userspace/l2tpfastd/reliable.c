// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable delivery of control messages (RFC 2661 5.8). See reliable.h.
 */

#include <stdlib.h>
#include <string.h>

#include "avp.h"
#include "reliable.h"

int rel_seq_lt(uint16_t a, uint16_t b)
{
	return (int16_t)(a - b) < 0;
}

void rel_init(struct rel *r, uint16_t first_nr, uint16_t peer_rws,
	      uint16_t rws, int max_retries, uint16_t peer_tunnel_id,
	      void (*xmit)(void *ctx, const uint8_t *buf, size_t len),
	      void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->nr = first_nr;
	r->nr_sent = (uint16_t)(first_nr - 1);
	r->peer_rws = peer_rws ? peer_rws : 1;
	r->rws = rws ? rws : 1;
	if (r->rws > REL_RXQ_MAX)
		r->rws = REL_RXQ_MAX;
	r->max_retries = max_retries;
	r->rto_max_ms = REL_RTO_MAX_MS;
	r->peer_tunnel_id = peer_tunnel_id;
	r->xmit = xmit;
	r->ctx = ctx;
}

void rel_free(struct rel *r)
{
	int i;

	for (i = 0; i < r->n_txq; i++)
		free(r->txq[i].buf);
	for (i = 0; i < r->n_rxq; i++)
		free(r->rxq[i].buf);
	free(r->txq);
	r->txq = NULL;
	r->n_txq = 0;
	r->txq_cap = 0;
	r->txq_bytes = 0;
	r->n_rxq = 0;
}

/* Out it goes with our current Nr, which may have moved since it was queued. */
static void rel_xmit(struct rel *r, struct rel_msg *x)
{
	x->buf[10] = (uint8_t)(r->nr >> 8);
	x->buf[11] = (uint8_t)r->nr;
	r->xmit(r->ctx, x->buf, x->len);
	r->nr_sent = r->nr;
	r->ack_due = 0;
}

/* Send the unsent ones the peer's window has room for. */
static void rel_flush(struct rel *r, uint64_t now)
{
	int i, in_flight = 0;

	for (i = 0; i < r->n_txq; i++) {
		struct rel_msg *x = &r->txq[i];

		if (!x->due_ms) {
			if (in_flight >= r->peer_rws)
				break;
			rel_xmit(r, x);
			x->due_ms = now + REL_RTO_MS;
		}
		in_flight++;
	}
}

int rel_queue(struct rel *r, const uint8_t *buf, size_t len, uint64_t now)
{
	struct rel_msg *x;

	if (len < L2TP_CTRL_HDR_LEN || r->txq_bytes + len > REL_TXQ_BYTES ||
	    r->n_txq == REL_TXQ_MSGS)
		return -1;
	if (r->n_txq == r->txq_cap) {
		int cap = r->txq_cap ? 2 * r->txq_cap : 8;
		struct rel_msg *q = realloc(r->txq, (size_t)cap * sizeof(*q));

		if (!q)
			return -1;
		r->txq = q;
		r->txq_cap = cap;
	}
	x = &r->txq[r->n_txq];
	x->buf = malloc(len);
	if (!x->buf)
		return -1;
	memcpy(x->buf, buf, len);
	x->len = len;
	x->ns = r->ns++;
	x->buf[8] = (uint8_t)(x->ns >> 8);
	x->buf[9] = (uint8_t)x->ns;
	x->tries = 0;
	x->due_ms = 0;
	r->n_txq++;
	r->txq_bytes += len;
	rel_flush(r, now);
	return 0;
}

void rel_ack(struct rel *r, uint16_t nr, uint64_t now)
{
	int i, j = 0;

	/* An Nr beyond what we ever sent is not an acknowledgement. */
	if (rel_seq_lt(r->ns, nr))
		return;
	for (i = 0; i < r->n_txq; i++) {
		if (r->txq[i].due_ms && rel_seq_lt(r->txq[i].ns, nr)) {
			r->txq_bytes -= r->txq[i].len;
			free(r->txq[i].buf);
		} else
			r->txq[j++] = r->txq[i];
	}
	r->n_txq = j;
	rel_flush(r, now);
}

static int rel_is_held(const struct rel *r, uint16_t ns)
{
	int i;

	for (i = 0; i < r->n_rxq; i++)
		if (r->rxq[i].ns == ns)
			return 1;
	return 0;
}

enum rel_verdict rel_accept(struct rel *r, uint16_t ns, const uint8_t *buf,
			    size_t len)
{
	uint16_t ahead = (uint16_t)(ns - r->nr);
	struct rel_msg *x;

	r->ack_due = 1;
	if (ns == r->nr) {
		r->nr++;
		r->stats.delivered++;
		return REL_DELIVER;
	}
	if (rel_seq_lt(ns, r->nr) || rel_is_held(r, ns)) {
		r->stats.duplicates++;
		return REL_DUPLICATE;
	}
	if (ahead >= r->rws || r->n_rxq == REL_RXQ_MAX) {
		r->stats.out_of_window++;
		return REL_OUT_OF_WINDOW;
	}
	x = &r->rxq[r->n_rxq];
	x->buf = malloc(len);
	if (!x->buf) {
		r->stats.out_of_window++;
		return REL_OUT_OF_WINDOW;	/* the peer sends it again */
	}
	memcpy(x->buf, buf, len);
	x->len = len;
	x->ns = ns;
	r->n_rxq++;
	r->stats.held++;
	return REL_HELD;
}

uint8_t *rel_next(struct rel *r, size_t *len)
{
	uint8_t *buf;
	int i;

	for (i = 0; i < r->n_rxq; i++) {
		if (r->rxq[i].ns != r->nr)
			continue;
		buf = r->rxq[i].buf;
		*len = r->rxq[i].len;
		r->rxq[i] = r->rxq[--r->n_rxq];
		r->nr++;
		r->stats.delivered++;
		r->ack_due = 1;
		return buf;
	}
	return NULL;
}

void rel_flush_ack(struct rel *r)
{
	struct ctrl_out o;
	size_t len;

	if (!r->ack_due && r->nr_sent == r->nr)
		return;
	ctrl_begin_zlb(&o, r->peer_tunnel_id);
	len = ctrl_finish(&o, r->ns, r->nr);
	r->xmit(r->ctx, o.buf, len);
	r->nr_sent = r->nr;
	r->ack_due = 0;
	r->stats.zlbs++;
}

void rel_resend(struct rel *r)
{
	int i;

	for (i = 0; i < r->n_txq; i++)
		if (r->txq[i].due_ms) {
			rel_xmit(r, &r->txq[i]);
			r->stats.retransmits++;
		}
}

static uint64_t rel_rto(uint64_t max, int tries)
{
	if (tries >= 16 || ((uint64_t)REL_RTO_MS << tries) > max)
		return max;
	return (uint64_t)REL_RTO_MS << tries;
}

uint64_t rel_cycle_ms(int max_retries)
{
	uint64_t ms = 0;
	int i;

	for (i = 0; i <= max_retries; i++)
		ms += rel_rto(REL_RTO_MAX_MS, i);
	return ms;
}

int rel_timer(struct rel *r, uint64_t now)
{
	int i;

	for (i = 0; i < r->n_txq; i++) {
		struct rel_msg *x = &r->txq[i];

		if (!x->due_ms || now < x->due_ms)
			continue;
		if (x->tries >= r->max_retries)
			return -1;
		x->tries++;
		x->due_ms = now + rel_rto(r->rto_max_ms, x->tries);
		rel_xmit(r, x);
		r->stats.retransmits++;
	}
	return 0;
}
