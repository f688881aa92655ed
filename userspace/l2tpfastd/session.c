// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions (RFC 2661 5.4.1, incoming calls): ICRQ -> ICRP -> ICCN, then the
 * kernel session, a PPPoL2TP socket and pppd on it (the pppol2tp plugin in
 * LNS mode). pppd's exit ends the session with a CDN; the peer's CDN ends
 * pppd. The assigned address goes back to the pool either way.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/l2tp.h>

#include "l2tp.h"
#include "l2tpfastd.h"
#include "log.h"
#include "sys.h"

/* CDN result codes (RFC 2661 4.4.2). */
enum { CDN_CARRIER = 1, CDN_ERROR = 2, CDN_ADMIN = 3, CDN_NO_RESOURCES = 4 };

struct session *session_find(struct tunnel *t, uint16_t id)
{
	struct session *s;

	for (s = t->sessions; s; s = s->next)
		if (s->id == id)
			return s;
	return NULL;
}

static struct session *session_find_peer(struct tunnel *t, uint16_t peer_id)
{
	struct session *s;

	for (s = t->sessions; s; s = s->next)
		if (s->peer_id == peer_id)
			return s;
	return NULL;
}

static uint16_t session_new_id(struct tunnel *t)
{
	uint16_t id;

	do {
		if (getrandom(&id, sizeof(id), 0) != sizeof(id))
			id = (uint16_t)rand();
	} while (!id || session_find(t, id));
	return id;
}

static void ip_str(uint32_t ip, char *buf, size_t len)
{
	struct in_addr a = { .s_addr = htonl(ip) };

	if (!ip)
		snprintf(buf, len, "-");
	else
		inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

static void send_cdn(struct tunnel *t, uint16_t id, uint16_t peer_id,
		     uint16_t result, const char *why)
{
	struct ctrl_out o;

	ctrl_begin(&o, MSG_CDN, t->peer_id, peer_id);
	ctrl_avp_result(&o, result, 0, why);
	ctrl_avp_u16(&o, 1, AVP_SESSION_ID, id);
	tunnel_send(t, &o);
}

/* A live session has this address (any tunnel, any configuration). */
static int addr_in_use(const struct lns *lns, uint32_t a)
{
	const struct tunnel *t;
	const struct session *s;

	for (t = lns->tunnels; t; t = t->next)
		for (s = t->sessions; s; s = s->next)
			if (s->addr == a)
				return 1;
	return 0;
}

/*
 * An address from the tunnel's pool. After SIGHUP the pools of the old and
 * the new configuration overlap: one a session of the other holds stays
 * taken here until that session gives it back (session_addr_put).
 */
static int session_addr(struct tunnel *t, uint32_t *out)
{
	uint32_t a;

	while (!pool_get(t->pool, &a))
		if (!addr_in_use(t->lns, a)) {
			*out = a;
			return 0;
		}
	return -1;
}

/* Back to every pool that may hold it: its own, the current and live ones. */
static void session_addr_put(struct tunnel *t, uint32_t a)
{
	const struct tunnel *o;
	int i;

	const struct generation *seen[16];
	int n_seen = 0, j;

	pool_put(t->pool, a);
	for (i = 0; i < t->lns->gen->cfg.n_lns; i++)
		pool_put(&t->lns->gen->pools[i], a);
	/* Each older generation once, not once per tunnel of it. */
	for (o = t->lns->tunnels; o; o = o->next) {
		if (o->gen == t->lns->gen)
			continue;
		for (j = 0; j < n_seen && seen[j] != o->gen; j++)
			;
		if (j < n_seen)
			continue;
		if (n_seen < 16)
			seen[n_seen++] = o->gen;
		for (i = 0; i < o->gen->cfg.n_lns; i++)
			pool_put(&o->gen->pools[i], a);
	}
}

void session_icrq(struct tunnel *t, const struct ctrl_msg *m)
{
	struct ctrl_out o;
	struct session *s;
	uint16_t peer_id;

	if (avp_u16(m, AVP_SESSION_ID, &peer_id) || !peer_id) {
		log_tunnel(LOG_NOTICE, t, "ICRQ without an Assigned Session ID; ignored");
		return;
	}
	if (session_find_peer(t, peer_id))
		return;
	if (m->unknown_mandatory >= 0) {
		/* RFC 2661 4.2: that call fails, not the tunnel. */
		log_tunnel(LOG_NOTICE, t, "ICRQ with unknown mandatory AVP %d: call refused",
			   m->unknown_mandatory);
		send_cdn(t, 0, peer_id, CDN_ERROR, "unknown mandatory AVP in ICRQ");
		return;
	}
	if (t->lns->n_sessions >= t->gen->cfg.max_calls) {
		log_limited(LOG_WARNING, "tunnel %u/%u %s: ICRQ refused: %d calls, the 'max sessions'",
			    t->id, t->peer_id, t->peer_str, t->lns->n_sessions);
		send_cdn(t, 0, peer_id, CDN_NO_RESOURCES, "LNS full");
		return;
	}
	if (t->n_sessions >= t->gen->cfg.max_sessions) {
		log_tunnel(LOG_WARNING, t, "ICRQ refused: %d sessions, the 'max sessions per tunnel'",
			   t->n_sessions);
		send_cdn(t, 0, peer_id, CDN_NO_RESOURCES, "too many sessions in this tunnel");
		return;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return;
	s->t = t;
	s->peer_id = peer_id;
	s->id = session_new_id(t);
	s->deadline_ms = sys_now_ms() + (uint64_t)t->gen->cfg.setup_timeout * 1000;
	s->next = t->sessions;
	t->sessions = s;
	t->n_sessions++;
	t->lns->n_sessions++;
	log_session(LOG_INFO, s, "ICRQ: incoming call");
	ctrl_begin(&o, MSG_ICRP, t->peer_id, peer_id);
	ctrl_avp_u16(&o, 1, AVP_SESSION_ID, s->id);
	tunnel_send(t, &o);
}

static void pppd_args(const struct session *s, const char **argv, char bufs[][64])
{
	const struct tunnel *t = s->t;
	const struct lns_config *l = t->cfg;
	int i = 0;

	argv[i++] = "pppd";
	argv[i++] = "plugin";
	argv[i++] = "pppol2tp.so";
	argv[i++] = "pppol2tp";
	argv[i++] = "3";
	argv[i++] = "pppol2tp_lns_mode";
	argv[i++] = "pppol2tp_tunnel_id";
	snprintf(bufs[0], 64, "%u", t->id);
	argv[i++] = bufs[0];
	argv[i++] = "pppol2tp_session_id";
	snprintf(bufs[1], 64, "%u", s->id);
	argv[i++] = bufs[1];
	/*
	 * Not 'passive': pppd opens LCP itself, and gives up (lcp-max-configure)
	 * on a peer that never speaks PPP, instead of waiting for ever.
	 */
	argv[i++] = "nodetach";
	if (l->local_ip || s->addr) {
		char lip[INET_ADDRSTRLEN], rip[INET_ADDRSTRLEN];

		ip_str(l->local_ip, lip, sizeof(lip));
		ip_str(s->addr, rip, sizeof(rip));
		snprintf(bufs[2], 64, "%s:%s", l->local_ip ? lip : "",
			 s->addr ? rip : "");
		argv[i++] = bufs[2];
	}
	if (l->require_chap == TRI_YES)
		argv[i++] = "require-chap";
	if (l->refuse_chap == TRI_YES)
		argv[i++] = "refuse-chap";
	if (l->require_pap == TRI_YES)
		argv[i++] = "require-pap";
	if (l->refuse_pap == TRI_YES)
		argv[i++] = "refuse-pap";
	if (l->require_auth == TRI_YES)
		argv[i++] = "auth";
	if (l->require_auth == TRI_NO)
		argv[i++] = "noauth";
	if (l->refuse_auth == TRI_YES) {
		/* xl2tpd's meaning: the LNS does not authenticate itself. */
		argv[i++] = "refuse-pap";
		argv[i++] = "refuse-chap";
		argv[i++] = "refuse-mschap";
		argv[i++] = "refuse-mschap-v2";
		argv[i++] = "refuse-eap";
	}
	if (l->ppp_name[0]) {
		argv[i++] = "name";
		argv[i++] = l->ppp_name;
	}
	if (l->ppp_debug)
		argv[i++] = "debug";
	if (t->gen->optfile[l - t->gen->cfg.lns][0]) {
		argv[i++] = "file";
		argv[i++] = t->gen->optfile[l - t->gen->cfg.lns];
	}
	/* For l2tpfastd-ip-up; an ipparam of the options file stays the operator's. */
	argv[i++] = "set";
	snprintf(bufs[3], 64, "L2TPFAST_IDS=%u %u", t->id, s->id);
	argv[i++] = bufs[3];
	/* Which run directory's: a restarted l2tpfastd knows an orphan by it. */
	if (t->lns->run_mark[0] && t->lns->pid_mark[0]) {
		argv[i++] = "set";
		argv[i++] = t->lns->run_mark;
		argv[i++] = "set";
		argv[i++] = t->lns->pid_mark;
	}
	if (t->lns->ip_up[0]) {
		argv[i++] = "ip-up-script";
		argv[i++] = t->lns->ip_up;
	}
	argv[i] = NULL;
}

/* pppds started in the last while that have not exited: still negotiating. */
#define PPPD_STARTING_MS 10000

static int pppds_starting(const struct lns *lns, uint64_t now)
{
	const struct tunnel *t;
	const struct session *s;
	int n = 0;

	for (t = lns->tunnels; t; t = t->next)
		for (s = t->sessions; s; s = s->next)
			if (s->pppd > 0 && now - s->started_ms < PPPD_STARTING_MS)
				n++;
	return n;
}

void session_iccn(struct session *s, const struct ctrl_msg *m)
{
	struct tunnel *t = s->t;
	const char *argv[48];
	char bufs[4][64], ip[INET_ADDRSTRLEN];
	uint64_t now = sys_now_ms();
	int err;

	if (s->state != S_WAIT_ICCN)
		return;
	/* RFC 2661 4.4.6: data packets carry Ns and Nr both ways. */
	s->seq = m->avp[AVP_SEQ_REQUIRED].val != NULL;
	if (pppds_starting(t->lns, now) >= t->gen->cfg.max_starting) {
		log_session(LOG_WARNING, s, "refused: %d pppds are negotiating already ('max starting')",
			    t->gen->cfg.max_starting);
		session_close(s, CDN_NO_RESOURCES, "LNS busy: too many calls starting", 1);
		return;
	}
	/* The address is taken now, not at ICRQ: calls never completed hold none. */
	if (t->cfg->assign_ip && t->pool->n && session_addr(t, &s->addr)) {
		log_session(LOG_WARNING, s, "refused: every address of [lns %s] 'ip range' is in use",
			    t->cfg->name);
		session_close(s, CDN_NO_RESOURCES, "no address left in the LNS's ip range", 1);
		return;
	}
	err = sys_session_create(s);
	if (err) {
		log_session(LOG_ERR, s, "kernel session: %s", lf_genl_strerror(err));
		session_close(s, CDN_ERROR, "LNS cannot create the session", 1);
		return;
	}
	s->kernel = 1;
	if (t->attached && sys_session_annotate(s))
		log_session(LOG_WARNING, s, "l2tpfast does not know the session; no figures for it");
	pppd_args(s, argv, bufs);
	s->pppd = sys_pppd_start(s, argv);
	if (s->pppd < 0) {
		s->pppd = 0;
		log_session(LOG_ERR, s, "pppd: %s", strerror(errno));
		session_close(s, CDN_ERROR, "LNS cannot start pppd", 1);
		return;
	}
	s->started_ms = now;
	s->state = S_ESTABLISHED;
	ip_str(s->addr, ip, sizeof(ip));
	log_session(LOG_INFO, s, "ICCN: call established, address %s, pppd %d", ip,
		    (int)s->pppd);
}

/* A call the peer never completed: its ICRP went unanswered. */
void session_timer(struct session *s, uint64_t now)
{
	if (s->state == S_WAIT_ICCN && now >= s->deadline_ms)
		session_close(s, CDN_ERROR, "no ICCN in time", 1);
}

void session_cdn(struct session *s, const struct ctrl_msg *m)
{
	uint16_t result = 0;

	if (m->avp[AVP_RESULT].val && m->avp[AVP_RESULT].len >= 2)
		result = (uint16_t)(m->avp[AVP_RESULT].val[0] << 8 |
				    m->avp[AVP_RESULT].val[1]);
	log_session(LOG_INFO, s, "CDN from the peer (result %u)", result);
	session_close(s, 0, "peer sent CDN", 0);
}

static const char *pppd_exit_text(int code)
{
	switch (code) {
	case 0: return "pppd ended normally";
	case 2: return "pppd: an error in its options";
	case 10: return "pppd: PPP negotiation failed";
	case 11: return "pppd: the peer failed to authenticate";
	case 15: return "pppd: the peer stopped answering LCP echoes";
	case 16: return "pppd: hangup";
	case 19: return "pppd: authentication failed";
	default: return "pppd exited";
	}
}

void session_pppd_exited(struct lns *lns, pid_t pid, int status)
{
	struct tunnel *t;
	struct session *s;
	char why[96];
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	for (t = lns->tunnels; t; t = t->next)
		for (s = t->sessions; s; s = s->next)
			if (s->pppd == pid) {
				snprintf(why, sizeof(why), "%s (status %d)",
					 pppd_exit_text(code), code);
				log_session(LOG_INFO, s, "%s", why);
				s->pppd = 0;
				session_close(s, CDN_ADMIN, why, 1);
				return;
			}
}

void session_close(struct session *s, uint16_t result, const char *why,
		   int cdn)
{
	struct tunnel *t = s->t;
	struct session **pp;

	if (cdn && t->state != T_CLOSING)
		send_cdn(t, s->id, s->peer_id, result, why);
	if (s->pppd > 0) {
		sys_pppd_stop(s->pppd);
		s->pppd = 0;
	}
	if (s->kernel) {
		int err = sys_session_delete(s);

		if (err && err != -ENOENT && err != -ENODEV)
			log_session(LOG_WARNING, s, "kernel session delete: %s",
				    lf_genl_strerror(err));
	}
	if (s->addr) {
		uint32_t a = s->addr;

		s->addr = 0;	/* not in use while it goes back */
		session_addr_put(t, a);
	}
	log_session(LOG_INFO, s, "session closed: %s", why);
	for (pp = &t->sessions; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	t->n_sessions--;
	t->lns->n_sessions--;
	free(s);
}
