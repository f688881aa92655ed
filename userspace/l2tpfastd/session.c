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
#include "l2tpfast.h"
#include "l2tpfastd.h"
#include "log.h"
#include "pppol2tp.h"

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
static int session_addr(struct tunnel *t, uint32_t *a)
{
	while (!pool_get(t->pool, a))
		if (!addr_in_use(t->lns, *a))
			return 0;
	return -1;
}

/* Back to every pool that may hold it: its own, the current and live ones. */
static void session_addr_put(struct tunnel *t, uint32_t a)
{
	const struct tunnel *o;
	int i;

	pool_put(t->pool, a);
	for (i = 0; i < t->lns->gen->cfg.n_lns; i++)
		pool_put(&t->lns->gen->pools[i], a);
	for (o = t->lns->tunnels; o; o = o->next)
		if (o->gen != t->lns->gen)
			for (i = 0; i < o->gen->cfg.n_lns; i++)
				pool_put(&o->gen->pools[i], a);
}

void session_icrq(struct tunnel *t, const struct ctrl_msg *m)
{
	struct ctrl_out o;
	struct session *s;
	uint16_t peer_id;
	char ip[INET_ADDRSTRLEN];

	if (avp_u16(m, AVP_SESSION_ID, &peer_id) || !peer_id) {
		log_tunnel(LOG_NOTICE, t, "ICRQ without an Assigned Session ID; ignored");
		return;
	}
	if (session_find_peer(t, peer_id))
		return;
	s = calloc(1, sizeof(*s));
	if (!s)
		return;
	s->t = t;
	s->peer_id = peer_id;
	s->id = session_new_id(t);
	if (t->cfg->assign_ip && t->pool->n && session_addr(t, &s->addr)) {
		log_session(LOG_WARNING, s, "refused: every address of [lns %s] 'ip range' is in use",
			    t->cfg->name);
		send_cdn(t, s->id, peer_id, CDN_NO_RESOURCES,
			 "no address left in the LNS's ip range");
		free(s);
		return;
	}
	s->next = t->sessions;
	t->sessions = s;
	t->n_sessions++;
	ip_str(s->addr, ip, sizeof(ip));
	log_session(LOG_INFO, s, "ICRQ: incoming call, address %s", ip);
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
	argv[i++] = "passive";
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
	if (l->require_auth == TRI_NO || l->refuse_auth == TRI_YES)
		argv[i++] = "noauth";
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
	argv[i++] = "ipparam";
	snprintf(bufs[3], 64, "%u %u", t->id, s->id);
	argv[i++] = bufs[3];
	if (t->lns->ip_up[0]) {
		argv[i++] = "ip-up-script";
		argv[i++] = t->lns->ip_up;
	}
	argv[i] = NULL;
}

static pid_t pppd_spawn(struct session *s, int pfd)
{
	const char *argv[48];
	char bufs[4][64];
	sigset_t all;
	pid_t pid;

	pppd_args(s, argv, bufs);
	pid = fork();
	if (pid != 0)
		return pid;
	/* The child: the PPPoL2TP socket as fd 3, nothing else of ours. */
	if (pfd != 3 && dup2(pfd, 3) < 0)
		_exit(127);
	closefrom(4);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	execvp("pppd", (char *const *)argv);
	_exit(127);
}

/* What l2tpfast shows for the session; ip-up adds user and interface. */
static void session_annotate(struct session *s)
{
	struct lf_session ls = { 0 };
	struct timespec ts;

	if (!s->t->attached)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	ls.tunnel_id = s->t->id;
	ls.id = s->id;
	ls.peer_id = s->peer_id;
	ls.info.start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	snprintf(ls.info.peer_host, sizeof(ls.info.peer_host), "%s", s->t->peer_host);
	if (s->addr) {
		uint32_t a = htonl(s->addr);

		ls.info.address.family = AF_INET;
		memcpy(ls.info.address.addr, &a, 4);
	}
	if (lf_session_set(&s->t->lns->fast, &ls))
		log_session(LOG_WARNING, s, "l2tpfast does not know the session; no figures for it");
}

void session_iccn(struct session *s, const struct ctrl_msg *m)
{
	struct tunnel *t = s->t;
	struct lf_l2tp_session_cfg c = {
		.tunnel_id = t->id, .session_id = s->id,
		.peer_session_id = s->peer_id, .pw_type = L2TP_PWTYPE_PPP,
		.lns_mode = 1,
	};
	int err, pfd;

	(void)m;
	if (s->state != S_WAIT_ICCN)
		return;
	err = lf_l2tp_session_create(&t->lns->l2tp, &c);
	if (err) {
		log_session(LOG_ERR, s, "kernel session: %s", lf_genl_strerror(err));
		session_close(s, CDN_ERROR, "LNS cannot create the session", 1);
		return;
	}
	s->kernel = 1;
	pfd = lf_pppol2tp_connect(t->fd, (const struct sockaddr *)&t->peer,
				  t->id, t->peer_id, s->id, s->peer_id);
	if (pfd < 0) {
		log_session(LOG_ERR, s, "PPPoL2TP socket: %s", strerror(errno));
		session_close(s, CDN_ERROR, "LNS cannot open a PPPoL2TP socket", 1);
		return;
	}
	session_annotate(s);
	s->pppd = pppd_spawn(s, pfd);
	close(pfd);
	if (s->pppd < 0) {
		s->pppd = 0;
		log_session(LOG_ERR, s, "fork: %s", strerror(errno));
		session_close(s, CDN_ERROR, "LNS cannot start pppd", 1);
		return;
	}
	s->state = S_ESTABLISHED;
	log_session(LOG_INFO, s, "ICCN: call established, pppd %d", (int)s->pppd);
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
		kill(s->pppd, SIGTERM);
		s->pppd = 0;
	}
	if (s->kernel) {
		int err = lf_l2tp_session_delete(&t->lns->l2tp, t->id, s->id);
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
	free(s);
}
