// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnels: the control connection (RFC 2661 5.1, 5.8) over a UDP socket of
 * their own, bound to the listening address and connected to the peer, on
 * which l2tp_core's tunnel carries the data; and reliable delivery of
 * control messages (5.8): Ns/Nr, retransmission with back-off, the peer's
 * receive window, ZLB acknowledgements, HELLO on an idle tunnel.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/l2tp.h>

#include "l2tp.h"
#include "l2tpfast.h"
#include "l2tpfastd.h"
#include "log.h"
#include "md5.h"
#include "secrets.h"
#include "sys.h"

#define SCCRP_SENDS	3	/* the first and two retransmissions */
#define SCCRP_AGAIN_MS	1000	/* for the peer's SCCRQ again, at most once a second */

/*
 * A new SCCRQ from the address and port of a live tunnel: a peer that
 * crashed and redials, a spoofer, or a peer that keeps several tunnels.
 * The tunnel is probed with HELLO: unanswered for PROBE_MS, it goes and
 * the peer's next SCCRQ makes a new tunnel on the same ports (which the
 * clients expect, xl2tpd and IPsec policies alike); answered, it stays,
 * and for PROBE_OK_MS new SCCRQs from there are new tunnels beside it.
 */
#define PROBE_MS	3000
#define PROBE_RESEND_MS	500	/* the probe goes out again this often */
#define PROBE_OK_MS	60000

/* Result codes of StopCCN (RFC 2661 4.4.2). */
enum { STOP_CLEAR = 1, STOP_ERROR = 2, STOP_NOT_AUTHORIZED = 4,
       STOP_BAD_VERSION = 5, STOP_SHUTDOWN = 6 };

/* Every state change goes through here: the LNS counts half-open tunnels. */
static void tunnel_set_state(struct tunnel *t, enum tunnel_state st)
{
	if (t->state == T_WAIT_SCCCN && st != T_WAIT_SCCCN)
		t->lns->n_half_open--;
	t->state = st;
}

static void peer_str(const struct sockaddr_in *a, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, ntohs(a->sin_port));
}

/* Clients behind one NAT share address and port: their SA marks differ. */
struct tunnel *tunnel_find_peer(struct lns *lns, const struct sockaddr_in *peer,
				uint16_t peer_id, uint32_t mark)
{
	struct tunnel *t;

	for (t = lns->tunnels; t; t = t->next)
		if (t->peer_id == peer_id && t->mark == mark &&
		    t->peer.sin_addr.s_addr == peer->sin_addr.s_addr &&
		    t->peer.sin_port == peer->sin_port)
			return t;
	return NULL;
}

static struct tunnel *tunnel_find_id(struct lns *lns, uint16_t id)
{
	struct tunnel *t;

	for (t = lns->tunnels; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

static uint16_t tunnel_new_id(struct lns *lns)
{
	uint16_t id;

	do {
		if (getrandom(&id, sizeof(id), 0) != sizeof(id))
			id = (uint16_t)rand();
	} while (!id || tunnel_find_id(lns, id));
	return id;
}

static void tunnel_xmit(void *ctx, const uint8_t *buf, size_t len)
{
	struct tunnel *t = ctx;

	if (sys_send(t->fd, buf, len, NULL) < 0)
		log_tunnel(LOG_DEBUG, t, "send: %s", strerror(errno));
}

#define REFUSALS_PER_S	50

static int refusal_allowed(struct lns *lns)
{
	uint64_t now = sys_now_ms();

	if (now - lns->refusals_ms >= 1000) {
		lns->refusals_ms = now;
		lns->refusals = 0;
	}
	return lns->refusals++ < REFUSALS_PER_S;
}

/* A reply to a request we will not take up, from the listening socket. */
static void refuse_sccrq(struct lns *lns, const struct sockaddr_in *to,
			 const struct ctrl_msg *m, uint16_t result,
			 uint16_t error, const char *why)
{
	uint16_t peer_id = 0;
	struct ctrl_out o;
	char who[32];
	size_t len;

	avp_u16(m, AVP_TUNNEL_ID, &peer_id);
	peer_str(to, who, sizeof(who));
	log_limited(LOG_NOTICE, "tunnel -/%u %s: refused: %s", peer_id, who, why);
	/*
	 * The source may be spoofed: at most REFUSALS_PER_S answers a
	 * second, without the reason's text (no bigger than an SCCRQ).
	 */
	if (!refusal_allowed(lns))
		return;
	ctrl_begin(&o, MSG_STOPCCN, peer_id, 0);
	ctrl_avp_u16(&o, 1, AVP_TUNNEL_ID, 0);
	ctrl_avp_result(&o, result, error, NULL);
	len = ctrl_finish(&o, 0, (uint16_t)(m->ns + 1));
	if (len)
		sys_send(lns->listen_fd, o.buf, len, to);
}

/* t's socket has the four-tuple local <-> peer. */
static int same_four_tuple(const struct tunnel *t,
			   const struct sockaddr_in *local,
			   const struct sockaddr_in *peer)
{
	return t->fd >= 0 &&
	       t->peer.sin_addr.s_addr == peer->sin_addr.s_addr &&
	       t->peer.sin_port == peer->sin_port &&
	       t->local.sin_port == local->sin_port &&
	       (t->local.sin_addr.s_addr == local->sin_addr.s_addr ||
		t->local.sin_addr.s_addr == INADDR_ANY ||
		local->sin_addr.s_addr == INADDR_ANY);
}

/*
 * Another tunnel already has this peer address and port, and no SA mark
 * tells the two apart.
 */
static int four_tuple_taken(struct lns *lns, const struct sockaddr_in *local,
			    const struct sockaddr_in *peer, uint32_t mark)
{
	struct tunnel *t;

	for (t = lns->tunnels; t; t = t->next)
		if ((!mark || t->mark == mark) && same_four_tuple(t, local, peer))
			return 1;
	return 0;
}

/*
 * May a new tunnel without an SA mark have the four-tuple of those that
 * have it? Only beside tunnels without one either, each attached to
 * l2tpfast, which hands every packet to the tunnel its header names:
 * beside an unattached one, 6.1's l2tp_core would look for that one's
 * sessions in the new tunnel (the newest socket gets the datagrams);
 * beside marked ones (clients behind a NAT), the new socket would take
 * their control messages.
 */
static int four_tuple_shareable(struct lns *lns,
				const struct sockaddr_in *local,
				const struct sockaddr_in *peer, uint32_t mark)
{
	struct tunnel *t;

	if (mark || !lns->have_fast)
		return 0;
	for (t = lns->tunnels; t; t = t->next)
		if (same_four_tuple(t, local, peer) && (t->mark || !t->attached))
			return 0;
	return 1;
}

/*
 * The socket of a tunnel: the address the SCCRQ was sent to (so replies
 * leave from it, whatever routing would pick) and the listening port,
 * connected to the peer. A second tunnel from the same peer address and
 * port (xl2tpd opens one per [lac] section, all from its one port) then has
 * the first one's four-tuple. With l2tpfast.ko it keeps it, when no SA mark
 * is involved and the tunnels there are attached (four_tuple_shareable()):
 * l2tpfast hands each packet to the tunnel its header names (6.1's
 * l2tp_core would look for its session in the tunnel of whichever socket
 * UDP picked), and this daemon reads control off either socket by the id
 * it names (tunnel_for()). That is what xl2tpd needs: it sends every
 * message of every tunnel to the port it first called, whatever port
 * answered. Otherwise the second tunnel answers from a port of its own,
 * as RFC 2661 8.1 allows, for peers that follow it. With 'ipsec required',
 * tunnels sharing a four-tuple (clients behind one NAT) must be told apart
 * by their SA marks: the IPsec policies cover the listening port only, so
 * a reply from another port would miss them. One with no mark is refused
 * (-1, errno EADDRINUSE).
 */
static int tunnel_socket(struct tunnel *t, struct in_addr local_addr)
{
	struct lns *lns = t->lns;

	t->local.sin_family = AF_INET;
	t->local.sin_port = htons(lns->gen->cfg.port);
	t->local.sin_addr = lns->gen->cfg.listen_addr;
	if (local_addr.s_addr != INADDR_ANY)
		t->local.sin_addr = local_addr;
	if (four_tuple_taken(lns, &t->local, &t->peer, t->mark)) {
		if (lns->gen->cfg.ipsec_required) {
			errno = EADDRINUSE;
			return -1;
		}
		if (four_tuple_shareable(lns, &t->local, &t->peer, t->mark))
			t->shared = 1;
		else
			t->local.sin_port = 0;
	}
	return sys_udp_tunnel(&t->local, &t->peer, t->mark);
}

/* l2tp_core's tunnel on our socket, followed by l2tpfast when it is there. */
static int tunnel_kernel(struct tunnel *t)
{
	int err;

	err = sys_tunnel_create(t);
	if (err) {
		log_tunnel(LOG_ERR, t, "kernel tunnel: %s", lf_genl_strerror(err));
		return -1;
	}
	t->kernel = 1;
	if (t->lns->have_fast) {
		err = sys_tunnel_attach(t);
		if (!err) {
			t->attached = 1;
		} else if (t->shared) {
			/* Unattached, its packets could end in the other's tunnel. */
			log_tunnel(LOG_ERR, t, "l2tpfast attach: %s; a tunnel sharing another's address and port pair must be attached: refused",
				   lf_genl_strerror(err));
			errno = -err;
			return -1;
		} else if (t->mark) {
			/* Unbound, it would take another client's packets. */
			log_tunnel(LOG_ERR, t, "l2tpfast attach: %s; a tunnel through the IPsec SA of mark 0x%x must be bound to it: refused",
				   lf_genl_strerror(err), t->mark);
			errno = -err;
			return -1;
		} else if (t->gen->cfg.ipsec_required) {
			/* Fail closed: l2tpfast enforces IPsec on attached tunnels. */
			log_tunnel(LOG_ERR, t, "l2tpfast attach: %s; 'ipsec required = yes' and an unattached tunnel would not be enforced: refused",
				   lf_genl_strerror(err));
			errno = -err;
			return -1;
		} else {
			log_tunnel(LOG_WARNING, t, "l2tpfast attach: %s; no figures for this tunnel",
				   lf_genl_strerror(err));
		}
	} else if (t->gen->cfg.ipsec_required) {
		log_tunnel(LOG_ERR, t, "'ipsec required = yes' but l2tpfast.ko is not there to enforce it: refused");
		errno = ENODEV;
		return -1;
	}
	return 0;
}

static void challenge_response(uint8_t type, const char *secret,
			       const uint8_t *chal, size_t len, uint8_t out[16])
{
	struct md5 c;

	md5_init(&c);
	md5_update(&c, &type, 1);
	md5_update(&c, secret, strlen(secret));
	md5_update(&c, chal, len);
	md5_final(&c, out);
}

/* Our name towards the peer: the section's hostname, else the host's. */
static const char *lns_host(const struct lns *lns, const struct lns_config *l)
{
	return l->hostname[0] ? l->hostname : lns->hostname;
}

static const char *tunnel_secret(const struct tunnel *t)
{
	return secrets_find(&t->gen->secrets, lns_host(t->lns, t->cfg), t->peer_host);
}

static void send_sccrp(struct tunnel *t, const struct ctrl_msg *m)
{
	const char *host = lns_host(t->lns, t->cfg);
	const char *secret = tunnel_secret(t);
	struct ctrl_out o;

	ctrl_begin(&o, MSG_SCCRP, t->peer_id, 0);
	ctrl_avp_u16(&o, 1, AVP_PROTO_VERSION, 0x0100);
	ctrl_avp_u32(&o, 1, AVP_FRAMING_CAP, 3);	/* sync and async */
	ctrl_avp_u32(&o, 0, AVP_BEARER_CAP, 0);
	ctrl_avp_u16(&o, 0, AVP_FIRMWARE, 0x0100);
	ctrl_avp(&o, 1, AVP_HOST_NAME, host, strlen(host));
	ctrl_avp(&o, 0, AVP_VENDOR_NAME, "l2tpfast", 8);
	ctrl_avp_u16(&o, 1, AVP_TUNNEL_ID, t->id);
	ctrl_avp_u16(&o, 1, AVP_RWS, (uint16_t)t->cfg->tunnel_rws);
	if (m->avp[AVP_CHALLENGE].val && secret) {
		uint8_t resp[16];

		challenge_response(MSG_SCCRP, secret, m->avp[AVP_CHALLENGE].val,
				   m->avp[AVP_CHALLENGE].len, resp);
		ctrl_avp(&o, 1, AVP_CHALLENGE_RESP, resp, sizeof(resp));
	}
	if (t->challenged)
		ctrl_avp(&o, 1, AVP_CHALLENGE, t->challenge, sizeof(t->challenge));
	tunnel_send(t, &o);
}

/* Tunnel authentication (RFC 2661 5.1.1), when the section asks for it. */
static int sccrq_auth(struct tunnel *t, const struct ctrl_msg *m, const char **why)
{
	int want = t->cfg->challenge;
	const char *secret = tunnel_secret(t);

	if ((want || m->avp[AVP_CHALLENGE].val) && !secret) {
		*why = "tunnel authentication: no secret for this peer in the auth file";
		return -1;
	}
	if (want) {
		if (getrandom(t->challenge, sizeof(t->challenge), 0) !=
		    sizeof(t->challenge)) {
			*why = "no random bytes for a challenge";
			return -1;
		}
		t->challenged = 1;
	}
	return 0;
}

static void sccrq_accept(struct lns *lns, const struct sockaddr_in *from,
			 struct in_addr to, uint32_t mark,
			 const struct ctrl_msg *m)
{
	const struct lns_config *l;
	uint16_t peer_id, ver = 0;
	const struct config *c = &lns->gen->cfg;
	const char *why = NULL;
	struct tunnel *t, *o2;
	uint16_t rws = 4, rws16;
	int same_peer = 0, other_port = 0;

	if (avp_u16(m, AVP_TUNNEL_ID, &peer_id) || !peer_id) {
		/* No tunnel to send a StopCCN to: nothing to answer. */
		log_limited(LOG_NOTICE, "SCCRQ without an Assigned Tunnel ID dropped");
		return;
	}
	if (tunnel_find_peer(lns, from, peer_id, mark))
		return;		/* a retransmission: the reply is on its way */
	if (avp_u16(m, AVP_PROTO_VERSION, &ver) || ver != 0x0100)
		return refuse_sccrq(lns, from, m, STOP_BAD_VERSION, 0,
				    "protocol version is not 1.0");
	if (m->unknown_mandatory >= 0)
		return refuse_sccrq(lns, from, m, STOP_ERROR, 8,
				    "unknown mandatory AVP in SCCRQ");
	/*
	 * Tie Breaker (RFC 2661 4.4.3) settles two SCCRQs crossing between
	 * the same pair. An LNS never sends SCCRQ, so there is no tie to
	 * break; the value only has to be well formed.
	 */
	if (m->avp[AVP_TIE_BREAKER].val && m->avp[AVP_TIE_BREAKER].len != 8)
		return refuse_sccrq(lns, from, m, STOP_ERROR, 2,
				    "Tie Breaker AVP is not 8 bytes");
	l = config_lns_for(&lns->gen->cfg, ntohl(from->sin_addr.s_addr));
	if (!l)
		return refuse_sccrq(lns, from, m, STOP_NOT_AUTHORIZED, 0,
				    "access control: peer not listed in any lns 'lac'");
	for (o2 = lns->tunnels; o2; o2 = o2->next)
		if (o2->peer.sin_addr.s_addr == from->sin_addr.s_addr) {
			/* Closing ones hold an fd and a kernel tunnel too. */
			same_peer++;
			/* The same port: a restart, settled at SCCCN. */
			if (o2->state != T_CLOSING &&
			    o2->peer.sin_port != from->sin_port)
				other_port++;
		}
	if (l->exclusive && other_port)
		return refuse_sccrq(lns, from, m, STOP_ERROR, 0,
				    "exclusive: this peer already has a tunnel");
	if (lns->n_tunnels >= c->max_tunnels)
		return refuse_sccrq(lns, from, m, STOP_ERROR, 4,
				    "LNS full: 'max tunnels' reached");
	if (same_peer >= c->max_tunnels_per_peer)
		return refuse_sccrq(lns, from, m, STOP_ERROR, 4,
				    "this address has 'max tunnels per peer' tunnels already");
	if (lns->n_half_open >= c->max_half_open)
		return refuse_sccrq(lns, from, m, STOP_ERROR, 4,
				    "LNS busy: 'max half-open' tunnels waiting for SCCCN");

	t = calloc(1, sizeof(*t));
	if (!t)
		return;
	t->lns = lns;
	t->gen = lns->gen;
	t->gen->refs++;
	t->cfg = l;
	t->pool = &t->gen->pools[l - t->gen->cfg.lns];
	t->peer = *from;
	t->mark = mark;
	peer_str(from, t->peer_str, sizeof(t->peer_str));
	avp_str(m, AVP_HOST_NAME, t->peer_host, sizeof(t->peer_host));
	t->peer_id = peer_id;
	t->id = tunnel_new_id(lns);
	if (!avp_u16(m, AVP_RWS, &rws16) && rws16)
		rws = rws16;
	/*
	 * Until SCCCN the peer may be a spoofed address: the SCCRP goes out
	 * at most SCCRP_SENDS times, and the tunnel waits setup_timeout.
	 */
	rel_init(&t->rel, (uint16_t)(m->ns + 1), (uint16_t)rws,
		 (uint16_t)l->tunnel_rws, SCCRP_SENDS - 1, peer_id,
		 tunnel_xmit, t);
	if (c->cap_backoff)
		t->rel.rto_max_ms = (uint64_t)c->cap_backoff * 1000;
	t->last_rx_ms = sys_now_ms();
	t->deadline_ms = t->last_rx_ms + (uint64_t)c->setup_timeout * 1000;
	t->sccrp_again_ms = t->last_rx_ms;
	t->fd = -1;
	t->state = T_WAIT_SCCCN;
	t->next = lns->tunnels;
	lns->tunnels = t;
	lns->n_tunnels++;
	lns->n_half_open++;

	if (sccrq_auth(t, m, &why)) {
		refuse_sccrq(lns, from, m, STOP_NOT_AUTHORIZED, 0, why);
		tunnel_destroy(t);
		return;
	}
	t->fd = tunnel_socket(t, to);
	if (t->fd < 0 && errno == EADDRINUSE && c->ipsec_required) {
		/* Strangers can cause this: log_limited, through refuse_sccrq. */
		refuse_sccrq(lns, from, m, STOP_ERROR, 0,
			     "'ipsec required = yes' and this peer address and port have a tunnel already: a second one would answer from a port outside the IPsec policies (udp/listening port)");
		tunnel_destroy(t);
		return;
	}
	if (t->fd < 0 || tunnel_kernel(t)) {
		log_tunnel(LOG_ERR, t, "cannot set up the tunnel: %s", strerror(errno));
		refuse_sccrq(lns, from, m, STOP_ERROR, 0, "LNS cannot set up the tunnel");
		tunnel_destroy(t);
		return;
	}
	sys_watch(lns, t->fd, t);
	log_limited(LOG_INFO, "tunnel %u/%u %s: SCCRQ from host '%s' for [lns %s]",
		    t->id, t->peer_id, t->peer_str, t->peer_host, l->name);
	send_sccrp(t, m);
}

/*
 * An SCCRQ from the listening socket, parsed with hidden AVPs left out.
 * If it has some, the secret to unhide them is the one for the Host Name
 * it gives in the clear, in the section its address selects.
 */
void tunnel_sccrq(struct lns *lns, const struct sockaddr_in *from,
		  struct in_addr to, uint32_t mark, const struct ctrl_msg *m,
		  const uint8_t *buf, size_t len)
{
	const struct lns_config *l;
	struct ctrl_msg *full;
	const char *why, *secret = NULL;
	char host[64];

	if (!m->hidden_pending)
		return sccrq_accept(lns, from, to, mark, m);
	l = config_lns_for(&lns->gen->cfg, ntohl(from->sin_addr.s_addr));
	avp_str(m, AVP_HOST_NAME, host, sizeof(host));
	full = malloc(sizeof(*full));
	if (!full)
		return;
	if (l)
		secret = secrets_find(&lns->gen->secrets, lns_host(lns, l), host);
	if (!secret)
		why = "SCCRQ has hidden AVPs but the LNS has no secret for its Host Name";
	else if (!ctrl_parse(buf, len, secret, full, &why))
		why = NULL;
	if (why)
		refuse_sccrq(lns, from, m, STOP_NOT_AUTHORIZED, 0, why);
	else
		sccrq_accept(lns, from, to, mark, full);
	free(full);
}

void tunnel_send(struct tunnel *t, struct ctrl_out *o)
{
	size_t len = ctrl_finish(o, 0, 0);	/* Ns and Nr are the queue's */

	if (!len)
		return;
	if (rel_queue(&t->rel, o->buf, len, sys_now_ms())) {
		log_tunnel(LOG_ERR, t, "%d control messages unacknowledged; tearing down",
			   t->rel.n_txq);
		tunnel_set_state(t, T_CLOSING);
		t->close_ms = sys_now_ms();
	}
}

/* The peer has everything before nr. */
static void tunnel_acked(struct tunnel *t, uint16_t nr)
{
	rel_ack(&t->rel, nr, sys_now_ms());
	if (t->state == T_CLOSING && !t->rel.n_txq && !t->close_ms)
		t->close_ms = sys_now_ms() + 2000;
}

void tunnel_stop(struct tunnel *t, uint16_t result, const char *why)
{
	struct ctrl_out o;

	if (t->state == T_CLOSING)
		return;
	log_tunnel(LOG_NOTICE, t, "sending StopCCN: %s", why);
	while (t->sessions)
		session_close(t->sessions, 0, why, 0);
	ctrl_begin(&o, MSG_STOPCCN, t->peer_id, 0);
	ctrl_avp_u16(&o, 1, AVP_TUNNEL_ID, t->id);
	ctrl_avp_result(&o, result, 0, why);
	tunnel_set_state(t, T_CLOSING);
	t->close_ms = 0;	/* once acknowledged, or retries run out */
	tunnel_send(t, &o);
}

/*
 * Torn down from our side whatever the peer does (its IPsec SA is gone):
 * sessions, pppds and addresses at once, a StopCCN attempted, and
 * l2tp_core's tunnel and the socket @close_in_ms later (tunnel_timer),
 * acknowledged or not.
 */
void tunnel_stop_soon(struct tunnel *t, const char *why, uint64_t close_in_ms)
{
	uint64_t when = sys_now_ms() + close_in_ms;

	tunnel_stop(t, STOP_CLEAR, why);
	if (!t->close_ms || t->close_ms > when)
		t->close_ms = when;
}

static void peer_stopccn(struct tunnel *t, const struct ctrl_msg *m)
{
	uint16_t result = 0;

	if (m->avp[AVP_RESULT].val && m->avp[AVP_RESULT].len >= 2)
		result = (uint16_t)(m->avp[AVP_RESULT].val[0] << 8 |
				    m->avp[AVP_RESULT].val[1]);
	log_tunnel(LOG_NOTICE, t, "StopCCN from the peer (result %u): tearing down", result);
	while (t->sessions)
		session_close(t->sessions, 0, "peer sent StopCCN", 0);
	tunnel_set_state(t, T_CLOSING);
	/*
	 * Stay a full retransmission cycle (RFC 2661 5.7) to acknowledge a
	 * StopCCN our acknowledgement of which was lost.
	 */
	t->close_ms = sys_now_ms() + rel_cycle_ms(t->gen->cfg.max_retries);
}

static void send_hello(struct tunnel *t)
{
	struct ctrl_out o;

	ctrl_begin(&o, MSG_HELLO, t->peer_id, 0);
	tunnel_send(t, &o);
}

/*
 * A new tunnel, now established, from the address and port of older ones
 * that answered their probe (tunnel_new_sccrq): with 'exclusive', the
 * peer has one tunnel, the new one, which only the peer itself could
 * establish (its SCCCN names our tunnel id). Tunnels through another SA
 * (mark) are other clients behind the same NAT, not this peer's.
 */
static void tunnel_replace_siblings(struct tunnel *t)
{
	struct tunnel *o;

	if (!t->cfg->exclusive)
		return;
	for (o = t->lns->tunnels; o; o = o->next)
		if (o != t && o->state == T_ESTABLISHED && o->mark == t->mark &&
		    o->peer.sin_addr.s_addr == t->peer.sin_addr.s_addr &&
		    o->peer.sin_port == t->peer.sin_port)
			tunnel_stop(o, STOP_CLEAR, "exclusive: the peer established a new tunnel");
}

/*
 * The IPsec SA the peer's messages came through, as l2tpfast saw them:
 * kept, so that the tunnel goes when its last SA does (xfrm.c). Learnt
 * again before each such check; a tunnel that never went through IPsec
 * is left to HELLO.
 */
void tunnel_learn_sa(struct tunnel *t)
{
	uint32_t spi_in, reqid;

	if (!t->attached || sys_tunnel_ipsec(t, &spi_in, &reqid) || !spi_in)
		return;
	t->sa_spi_in = spi_in;
	if (reqid)
		t->sa_reqid = reqid;
}

/* Is the SA its packets came through last (a rekey may have moved it) gone? */
static int tunnel_sa_gone(struct tunnel *t)
{
	tunnel_learn_sa(t);
	return sys_tunnel_sa_gone(t);
}

static void scccn(struct tunnel *t, const struct ctrl_msg *m)
{
	const char *secret = tunnel_secret(t);

	if (t->state != T_WAIT_SCCCN)
		return;
	if (t->challenged) {
		uint8_t want[16];

		if (!secret || !m->avp[AVP_CHALLENGE_RESP].val ||
		    m->avp[AVP_CHALLENGE_RESP].len != 16) {
			tunnel_stop(t, STOP_NOT_AUTHORIZED, "no Challenge Response in SCCCN");
			return;
		}
		challenge_response(MSG_SCCCN, secret, t->challenge,
				   sizeof(t->challenge), want);
		if (memcmp(want, m->avp[AVP_CHALLENGE_RESP].val, 16)) {
			tunnel_stop(t, STOP_NOT_AUTHORIZED, "wrong Challenge Response: secrets differ");
			return;
		}
	}
	tunnel_set_state(t, T_ESTABLISHED);
	t->rel.max_retries = t->gen->cfg.max_retries;
	tunnel_learn_sa(t);
	log_tunnel(LOG_INFO, t, "tunnel established with host '%s'%s", t->peer_host,
		   t->sa_spi_in ? ", through IPsec" : "");
	tunnel_replace_siblings(t);
}

static void dispatch(struct tunnel *t, const struct ctrl_msg *m)
{
	struct session *s = NULL;

	log_tunnel(LOG_DEBUG, t, "received %s (session %u, Ns %u, Nr %u)",
		   msg_type_name(m->type), m->session_id, m->ns, m->nr);
	if (m->session_id)
		s = session_find(t, m->session_id);
	/* An ICRQ's own: that call is refused (session_icrq), not the tunnel. */
	if (m->unknown_mandatory >= 0 && m->type != MSG_STOPCCN &&
	    !(m->type == MSG_ICRQ && !s)) {
		if (s)
			session_close(s, 2, "unknown mandatory AVP", 1);
		else
			tunnel_stop(t, STOP_ERROR, "unknown mandatory AVP");
		return;
	}
	switch (m->type) {
	case MSG_SCCRQ:
		break;		/* a retransmission */
	case MSG_SCCCN:
		scccn(t, m);
		break;
	case MSG_STOPCCN:
		peer_stopccn(t, m);
		break;
	case MSG_HELLO:
	case MSG_WEN:
	case MSG_SLI:
		break;
	case MSG_ICRQ:
		if (t->state == T_ESTABLISHED)
			session_icrq(t, m);
		break;
	case MSG_ICCN:
		if (s)
			session_iccn(s, m);
		break;
	case MSG_CDN:
		if (s)
			session_cdn(s, m);
		break;
	default:
		log_tunnel(LOG_INFO, t, "%s (type %u) is not for an LNS; ignored",
			   msg_type_name(m->type), m->type);
	}
}

/* One message from the peer, and any it had sent ahead that now fit. */
static void tunnel_message(struct tunnel *t, const struct ctrl_msg *m,
			   const uint8_t *buf, size_t len)
{
	uint8_t *held;
	const char *why;

	t->last_rx_ms = sys_now_ms();
	t->n_rx++;
	tunnel_acked(t, m->nr);
	if (m->zlb)
		return;
	switch (rel_accept(&t->rel, m->ns, buf, len)) {
	case REL_DELIVER:
		dispatch(t, m);
		break;
	case REL_HELD:
		log_tunnel(LOG_DEBUG, t, "Ns %u held until Ns %u arrives",
			   m->ns, t->rel.nr);
		break;
	case REL_DUPLICATE:
		break;
	case REL_OUT_OF_WINDOW:
		log_tunnel(LOG_DEBUG, t, "Ns %u beyond our receive window (Nr %u): dropped",
			   m->ns, t->rel.nr);
		break;
	}
	while (t->state != T_CLOSING && (held = rel_next(&t->rel, &len))) {
		struct ctrl_msg *hm = malloc(sizeof(*hm));

		if (hm && !ctrl_parse(held, len, tunnel_secret(t), hm, &why))
			dispatch(t, hm);
		free(hm);
		free(held);
	}
	rel_flush_ack(&t->rel);
}

/*
 * An SCCRQ on a tunnel's socket: the peer's address and port are the
 * tunnel's (a connected socket wins over the listening one). The same
 * Assigned Tunnel ID is this tunnel's SCCRQ again; another one is a new
 * tunnel: a peer that restarted, or one that keeps several. One through
 * another SA (another mark) is another client behind the same NAT.
 */
static void tunnel_new_sccrq(struct tunnel *t, const struct ctrl_msg *m,
			     const uint8_t *buf, size_t len, uint32_t mark)
{
	struct lns *lns = t->lns;
	struct sockaddr_in peer = t->peer;
	struct in_addr local = t->local.sin_addr;
	uint64_t now = sys_now_ms();

	if (mark != t->mark) {
		tunnel_sccrq(lns, &peer, local, mark, m, buf, len);
	} else if (t->state == T_CLOSING) {
		/* Its peer is done with it: the address and port are free. */
		log_tunnel(LOG_INFO, t, "a new SCCRQ from the peer: closed at once");
		tunnel_destroy(t);
		tunnel_sccrq(lns, &peer, local, mark, m, buf, len);
	} else if (now < t->probe_ok_ms) {
		/* The peer answered a probe lately: it keeps several tunnels. */
		tunnel_sccrq(lns, &peer, local, mark, m, buf, len);
	} else if (mark && tunnel_sa_gone(t)) {
		/*
		 * Its client's SA is gone, and a new client has its mark: the
		 * IKE daemon restarted and gives marks and reqids from 1
		 * again. Never let it have the old tunnel; nothing is sent to
		 * the old client, its SA is gone.
		 */
		log_tunnel(LOG_NOTICE, t, "IPsec SA gone (SPI in 0x%08x) and a new client has its mark 0x%x (the IKE daemon restarted?): tearing down at once",
			   t->sa_spi_in, mark);
		tunnel_destroy(t);
		tunnel_sccrq(lns, &peer, local, mark, m, buf, len);
	} else if (!t->probing) {
		log_tunnel(LOG_INFO, t, "a new SCCRQ from the peer's address and port: HELLO to see whether this tunnel is still its");
		t->probing = 1;
		t->probe_sends = 1;
		t->probe_ms = now;
		t->probe_rx = t->n_rx;
		if (!t->rel.n_txq)
			send_hello(t);
	}
	/* Else a probe is on: the peer sends its SCCRQ again. */
}

/*
 * The peer's own SCCRQ (Ns 0) again while its SCCRP (our Ns 0) is
 * unacknowledged: the SCCRP, or the SCCRQ's first copy, was lost. The
 * SCCRP's next retransmission goes at once instead of at its back-off,
 * at most once a second; it spends one of its tries, so the SCCRP still
 * goes out at most SCCRP_SENDS times, whatever a spoofer sends.
 */
static void sccrp_again(struct tunnel *t, const struct ctrl_msg *m)
{
	struct rel_msg *x = t->rel.n_txq ? &t->rel.txq[0] : NULL;
	uint64_t now = sys_now_ms();

	if (m->ns || !x || x->ns != 0 || !x->due_ms ||
	    x->tries >= t->rel.max_retries ||
	    now < t->sccrp_again_ms + SCCRP_AGAIN_MS)
		return;
	t->sccrp_again_ms = now;
	x->due_ms = now;
	log_tunnel(LOG_DEBUG, t, "its SCCRQ again: the SCCRP's retransmission now");
	rel_timer(&t->rel, now);	/* tries left: it cannot give up here */
}

static void tunnel_sccrq_again(struct tunnel *t, const uint8_t *buf, size_t len,
			       uint32_t mark)
{
	struct ctrl_msg *m = malloc(sizeof(*m));
	uint16_t peer_id = 0;
	const char *why;

	if (!m)
		return;
	if (ctrl_parse(buf, len, ctrl_secret_later, m, &why)) {
		log_limited(LOG_NOTICE, "tunnel %u/%u %s: malformed SCCRQ dropped: %s",
			    t->id, t->peer_id, t->peer_str, why);
	} else if (m->type != MSG_SCCRQ) {
		log_limited(LOG_NOTICE, "tunnel %u/%u %s: %s for tunnel 0 dropped",
			    t->id, t->peer_id, t->peer_str, msg_type_name(m->type));
	} else if (!avp_u16(m, AVP_TUNNEL_ID, &peer_id) && peer_id == t->peer_id &&
		   mark == t->mark && t->state == T_WAIT_SCCCN) {
		sccrp_again(t, m);
	} else if (!t->lns->stopping) {
		/* Another tunnel, or a peer that restarted with the same id. */
		tunnel_new_sccrq(t, m, buf, len, mark);
	}
	free(m);
}

/* The Tunnel ID of a control message's header; -1 if it is too short. */
static int header_tunnel_id(const uint8_t *buf, size_t len)
{
	size_t off = (buf[0] & (L2TP_HDR_L >> 8)) ? 4 : 2;

	return len >= off + 2 ? buf[off] << 8 | buf[off + 1] : -1;
}

/*
 * The tunnel a control message read off t's socket is for. Tunnels whose
 * peers share an address and port (clients behind one NAT, or one LAC
 * keeping several tunnels) share their sockets' four-tuple too, and UDP
 * gives their messages to any of those sockets. The message goes to the
 * tunnel it names, if that tunnel's socket has the same four-tuple and the
 * message came through its SA (mark, 0 for none); l2tpfast checked as much
 * before the message got here, the tunnels being attached. (A tunnel that
 * answered from a port of its own gets nothing sent to another: without
 * l2tpfast its data would not reach it either.)
 */
static struct tunnel *tunnel_for(struct tunnel *t, int id, uint32_t mark)
{
	struct tunnel *o;

	if (id == t->id && mark == t->mark)
		return t;
	o = id > 0 && id != t->id ? tunnel_find_id(t->lns, (uint16_t)id) : NULL;
	if (o && !o->dead && o->fd >= 0 && o->mark == mark &&
	    o->local.sin_addr.s_addr == t->local.sin_addr.s_addr &&
	    o->local.sin_port == t->local.sin_port &&
	    o->peer.sin_addr.s_addr == t->peer.sin_addr.s_addr &&
	    o->peer.sin_port == t->peer.sin_port)
		return o;
	log_limited(LOG_NOTICE, "tunnel %u/%u %s: message for tunnel %d dropped",
		    t->id, t->peer_id, t->peer_str, id);
	return NULL;
}

/* One datagram off t's socket; mark is the one it came with. */
static void tunnel_datagram(struct tunnel *t, const uint8_t *buf, size_t n,
			    uint32_t mark, struct ctrl_msg *m)
{
	int id = header_tunnel_id(buf, n);
	const char *why;
	struct tunnel *d;

	/*
	 * l2tp_core hands up data for a session it does not have (one just
	 * closed): nothing for the control connection.
	 */
	if (n >= 2 && !(buf[0] & (L2TP_HDR_T >> 8))) {
		log_tunnel(LOG_DEBUG, t, "data packet for a session the kernel does not have: dropped");
		return;
	}
	if (id == 0) {
		tunnel_sccrq_again(t, buf, n, mark);
		return;
	}
	d = tunnel_for(t, id, mark);
	if (!d)
		return;
	if (ctrl_parse(buf, n, tunnel_secret(d), m, &why)) {
		log_limited(LOG_NOTICE, "tunnel %u/%u %s: malformed control message dropped: %s",
			    d->id, d->peer_id, d->peer_str, why);
		return;
	}
	tunnel_message(d, m, buf, n);
}

/*
 * A control message for a tunnel came to the listening socket: from its
 * peer's address but another port (its NAT gave it a new mapping, or it
 * floats: RFC 3193). L2TPv2 control messages are not authenticated, so the
 * tunnel follows only when the old path is dead (a message of ours went
 * unacknowledged and was sent again: if none is out, a HELLO is sent on
 * the old path first, and a live peer answers it there) and for a message
 * that proves to be its peer's: the tunnel's id, the peer's address, our
 * address, no SA mark, not a ZLB, the very Ns expected next and an Nr
 * acknowledging no more than was sent; FLOAT_GUESSES wrong ones and it
 * follows nothing more until the peer is heard on the tunnel's socket.
 * l2tp_core's socket then sends to the new port, and what is still
 * unacknowledged goes there at once with its retries back. Data from a new
 * endpoint never moves a tunnel (it reaches no tunnel socket). Never under
 * IPsec: NAT-T moves only ESP's outer port, and a port outside the SA's
 * selectors would leave in cleartext.
 */
#define FLOAT_GUESSES	4

static int tunnel_may_float(const struct tunnel *t,
			    const struct sockaddr_in *from, struct in_addr to,
			    uint32_t mark)
{
	return !t->dead && t->fd >= 0 && t->state == T_ESTABLISHED &&
	       !mark && !t->mark && !t->sa_spi_in &&
	       !t->gen->cfg.ipsec_required &&
	       t->local.sin_addr.s_addr == to.s_addr &&
	       t->peer.sin_addr.s_addr == from->sin_addr.s_addr &&
	       t->peer.sin_port != from->sin_port &&
	       (t->float_misses < FLOAT_GUESSES || t->n_rx != t->float_rx);
}

static int float_candidate(struct tunnel *t, const struct ctrl_msg *m)
{
	if (!m->zlb && m->ns == t->rel.nr && !rel_seq_lt(t->rel.ns, m->nr))
		return 1;
	if (t->n_rx != t->float_rx) {	/* heard since: a fresh budget */
		t->float_rx = t->n_rx;
		t->float_misses = 0;
	}
	t->float_misses++;
	return 0;
}

static void float_to(struct tunnel *t, const struct sockaddr_in *from)
{
	char was[sizeof(t->peer_str)];
	int i;

	memcpy(was, t->peer_str, sizeof(was));
	t->peer = *from;
	peer_str(from, t->peer_str, sizeof(t->peer_str));
	log_tunnel(LOG_NOTICE, t, "the peer's port moved (was %s): its next control message came from the new one, followed",
		   was);
	for (i = 0; i < t->rel.n_txq; i++)
		t->rel.txq[i].tries = 0;
	rel_resend(&t->rel);
}

void tunnel_floated(struct lns *lns, const struct sockaddr_in *from,
		    struct in_addr to, uint32_t mark, const uint8_t *buf,
		    size_t len)
{
	int id = header_tunnel_id(buf, len);
	struct tunnel *t = id > 0 ? tunnel_find_id(lns, (uint16_t)id) : NULL;
	struct ctrl_msg *m;
	const char *why;

	if (!t || !tunnel_may_float(t, from, to, mark))
		return;
	m = malloc(sizeof(*m));
	if (!m)
		return;
	if (ctrl_parse(buf, len, tunnel_secret(t), m, &why) ||
	    !float_candidate(t, m)) {
		log_limited(LOG_NOTICE, "tunnel %u/%u %s: a message for it from port %u, not its next one: not followed",
			    t->id, t->peer_id, t->peer_str, ntohs(from->sin_port));
	} else if (!t->rel.n_txq || t->rel.txq[0].tries < 1) {
		/* Is the old path dead? A live peer answers there. */
		if (!t->rel.n_txq)
			send_hello(t);
	} else if (sys_udp_reconnect(t->fd, from)) {
		log_tunnel(LOG_WARNING, t, "cannot follow the peer to port %u: %s",
			   ntohs(from->sin_port), strerror(errno));
	} else {
		float_to(t, from);
		tunnel_message(t, m, buf, len);
	}
	free(m);
}

void tunnel_input(struct tunnel *t)
{
	uint32_t mask = t->gen->cfg.ipsec_mark_mask, mark;
	uint8_t buf[2048];
	struct ctrl_msg *m;
	int budget = LNS_RX_BUDGET;
	ssize_t n;

	if (t->dead)
		return;		/* torn down earlier in this batch of events */
	m = malloc(sizeof(*m));
	if (!m)
		return;
	while (!t->dead && budget-- > 0 &&
	       (n = sys_recv(t->fd, buf, sizeof(buf), NULL, NULL, &mark)) >= 0) {
		tunnel_datagram(t, buf, (size_t)n, mark & mask, m);
		if (t->state == T_CLOSING && t->close_ms && t->close_ms <= sys_now_ms())
			break;
	}
	free(m);
}

void tunnel_timer(struct tunnel *t, uint64_t now)
{
	struct session *s, *next;

	if (t->state == T_CLOSING && t->close_ms && now >= t->close_ms) {
		tunnel_destroy(t);
		return;
	}
	if (t->state == T_WAIT_SCCCN && now >= t->deadline_ms) {
		log_limited(LOG_INFO, "tunnel %u/%u %s: no SCCCN within %d s: forgotten",
			    t->id, t->peer_id, t->peer_str, t->gen->cfg.setup_timeout);
		tunnel_destroy(t);
		return;
	}
	if (t->probing && t->n_rx != t->probe_rx) {
		t->probing = 0;		/* answered: the peer keeps it */
		t->probe_ok_ms = now + PROBE_OK_MS;
	} else if (t->probing && now >= t->probe_ms + PROBE_MS) {
		log_tunnel(LOG_NOTICE, t, "the peer restarted (a new SCCRQ, no answer here): torn down for its new tunnel");
		tunnel_destroy(t);
		return;
	} else if (t->probing &&
		   now >= t->probe_ms + (uint64_t)t->probe_sends * PROBE_RESEND_MS) {
		/* A lost HELLO or answer must not cost a live peer its tunnel. */
		t->probe_sends++;
		rel_resend(&t->rel);
	}
	for (s = t->sessions; s; s = next) {
		next = s->next;
		session_timer(s, now);
	}
	if (rel_timer(&t->rel, now)) {
		log_tunnel(LOG_NOTICE, t, "no acknowledgement after %d retransmissions: peer gone, tearing down",
			   t->rel.max_retries);
		tunnel_destroy(t);
		return;
	}
	if (t->state == T_ESTABLISHED && !t->rel.n_txq &&
	    now - t->last_rx_ms >= (uint64_t)t->lns->hello_ms) {
		send_hello(t);
		t->last_rx_ms = now;	/* one HELLO per idle interval */
	}
}

/*
 * Everything of the tunnel goes: its sessions, l2tp_core's tunnel, its
 * socket, its place in the list. The memory stays until the batch of
 * events being handled is done (tunnel_free_dead()), since a later event
 * of the same batch may still name it.
 */
void tunnel_destroy(struct tunnel *t)
{
	struct lns *lns = t->lns;
	struct tunnel **pp;

	if (t->dead)
		return;
	while (t->sessions)
		session_close(t->sessions, 0, "tunnel torn down", 0);
	if (t->attached)
		sys_tunnel_detach(t);
	if (t->kernel) {
		int err = sys_tunnel_delete(t);

		if (err && err != -ENOENT && err != -ENODEV)
			log_tunnel(LOG_WARNING, t, "kernel tunnel delete: %s",
				   lf_genl_strerror(err));
	}
	if (t->fd >= 0) {
		sys_unwatch(lns, t->fd);
		sys_close(t->fd);
		t->fd = -1;
	}
	if (t->state == T_WAIT_SCCCN)	/* anyone can make those */
		log_limited(LOG_INFO, "tunnel %u/%u %s: half-open tunnel closed",
			    t->id, t->peer_id, t->peer_str);
	else
		log_tunnel(LOG_INFO, t, "tunnel closed");
	for (pp = &lns->tunnels; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	lns->n_tunnels--;
	tunnel_set_state(t, T_CLOSING);
	t->dead = 1;
	t->next = lns->dead;
	lns->dead = t;
}

void tunnel_free_dead(struct lns *lns)
{
	struct tunnel *t;

	while ((t = lns->dead)) {
		lns->dead = t->next;
		rel_free(&t->rel);
		generation_put(t->gen);
		free(t);
	}
}
