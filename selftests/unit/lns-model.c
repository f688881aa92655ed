// SPDX-License-Identifier: GPL-2.0
/*
 * The model of the system l2tpfastd's engine runs on in the host's driver
 * harness and fuzz target; see lns-model.h.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "genl.h"
#include "lns-model.h"
#include "sys.h"

struct model model;
static char dir[64], conf_path[128], run_dir[128];
static unsigned int open_seq, fd_seq[MODEL_FDS];
static int fd_top;		/* fds at or above it were never opened */

void model_reset(void)
{
	model_free();
	memset(&model, 0, offsetof(struct model, fd));
	memset(model.pppd, 0, sizeof(model.pppd));
	memset(&model.n_pppd, 0, sizeof(model) - offsetof(struct model, n_pppd));
	model.next_pid = 1000;
}

void model_free(void)
{
	int i, j;

	for (i = 0; i < fd_top; i++)
		for (j = 0; j < model.fd[i].n; j++)
			free(model.fd[i].q[j]);
	for (i = 0; i < model.n_out; i++)
		free(model.out[i]);
	memset(model.fd, 0, (size_t)fd_top * sizeof(model.fd[0]));
	fd_top = 0;
	model.n_out = 0;
}

/* sys.h, as the model does it. */

uint64_t sys_now_ms(void)
{
	return model.now;
}

static int fd_new(const struct sockaddr_in *local)
{
	int fd;

	for (fd = 3; fd < MODEL_FDS; fd++)
		if (!model.fd[fd].open)
			break;
	if (fd == MODEL_FDS) {
		errno = EMFILE;
		return -1;
	}
	memset(&model.fd[fd], 0, sizeof(model.fd[fd]));
	if (fd >= fd_top)
		fd_top = fd + 1;
	model.fd[fd].open = 1;
	model.fd[fd].local = *local;
	if (!local->sin_port)	/* an ephemeral port */
		model.fd[fd].local.sin_port = htons((uint16_t)(40000 + fd));
	fd_seq[fd] = ++open_seq;
	model.n_open++;
	return fd;
}

int sys_udp_listen(const struct sockaddr_in *local)
{
	int fd = fd_new(local);

	if (fd >= 0)
		model.fd[fd].listening = 1;
	return fd;
}

int sys_udp_tunnel(const struct sockaddr_in *local, const struct sockaddr_in *peer,
		   uint32_t mark)
{
	int fd = fd_new(local);

	if (fd >= 0) {
		model.fd[fd].connected = 1;
		model.fd[fd].peer = *peer;
		model.fd[fd].mark = mark;
	}
	return fd;
}

int sys_udp_reconnect(int fd, const struct sockaddr_in *peer)
{
	model.fd[fd].peer = *peer;
	return 0;
}

ssize_t sys_recv(int fd, void *buf, size_t len, struct sockaddr_in *from,
		 struct in_addr *to, uint32_t *mark)
{
	struct model_fd *f = &model.fd[fd];
	struct model_dgram *d;
	size_t n;

	if (fd < 0 || fd >= MODEL_FDS || !f->open) {
		fprintf(stderr, "# sys_recv on fd %d, which is not open\n", fd);
		abort();
	}
	if (!f->n) {
		errno = EAGAIN;
		return -1;
	}
	d = f->q[0];
	memmove(f->q, f->q + 1, (size_t)(f->n - 1) * sizeof(f->q[0]));
	f->n--;
	n = d->len < len ? d->len : len;
	memcpy(buf, d->buf, n);
	if (from)
		*from = d->from;
	if (to)
		*to = d->to.sin_addr;
	if (mark)
		*mark = d->mark;
	free(d);
	return (ssize_t)n;
}

int sys_send(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	struct model_fd *f = &model.fd[fd];
	struct model_dgram *d;

	if (fd < 0 || fd >= MODEL_FDS || !f->open) {
		fprintf(stderr, "# sys_send on fd %d, which is not open\n", fd);
		abort();
	}
	model.sent++;
	if (model.n_out == (int)(sizeof(model.out) / sizeof(model.out[0])) ||
	    len > sizeof(d->buf))
		return 0;	/* lost on the way */
	d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	d->from = f->local;
	d->to = to ? *to : f->peer;
	d->mark = f->mark;
	d->len = len;
	memcpy(d->buf, buf, len);
	model.out[model.n_out++] = d;
	return 0;
}

void sys_close(int fd)
{
	struct model_fd *f = &model.fd[fd];
	int j;

	if (fd < 0 || fd >= MODEL_FDS || !f->open) {
		fprintf(stderr, "# close of fd %d, which is not open\n", fd);
		abort();
	}
	if (f->watched) {
		fprintf(stderr, "# fd %d closed while still watched\n", fd);
		abort();
	}
	for (j = 0; j < f->n; j++)
		free(f->q[j]);
	memset(f, 0, sizeof(*f));
	model.n_open--;
}

int sys_watch(struct lns *lns, int fd, void *tag)
{
	(void)lns;
	if (fd < 0 || fd >= MODEL_FDS || !model.fd[fd].open)
		return -1;
	model.fd[fd].watched = 1;
	model.fd[fd].tag = tag;
	return 0;
}

void sys_unwatch(struct lns *lns, int fd)
{
	(void)lns;
	model.fd[fd].watched = 0;
	model.fd[fd].tag = NULL;
}

int sys_tunnel_create(struct tunnel *t)
{
	(void)t;
	model.kernel_tunnels++;
	return 0;
}

int sys_tunnel_delete(struct tunnel *t)
{
	(void)t;
	model.kernel_tunnels--;
	return 0;
}

int sys_session_create(struct session *s)
{
	model.last_seq = s->seq;
	model.kernel_sessions++;
	return 0;
}

int sys_session_delete(struct session *s)
{
	(void)s;
	model.kernel_sessions--;
	return 0;
}

int sys_tunnel_attach(struct tunnel *t)
{
	(void)t;
	if (model.fail_attach)
		return -EOPNOTSUPP;
	model.attached++;
	return 0;
}

void sys_tunnel_detach(struct tunnel *t)
{
	(void)t;
	model.attached--;
}

int sys_net_set(struct lns *lns, int required, uint16_t port)
{
	(void)lns;
	model.net_calls++;
	if (model.fail_net)
		return -EOPNOTSUPP;
	model.net_required = required;
	model.net_port = port;
	return 0;
}

int sys_tunnel_ipsec(struct tunnel *t, uint32_t *spi_in, uint32_t *reqid)
{
	(void)t;
	*spi_in = model.ipsec_spi;
	*reqid = 0;
	return 0;
}

int sys_tunnel_sa_gone(struct tunnel *t)
{
	return t->sa_spi_in && t->sa_spi_in == model.gone_spi;
}

int sys_session_annotate(struct session *s)
{
	(void)s;
	return 0;
}

pid_t sys_pppd_start(struct session *s, const char *const *argv)
{
	int i;

	(void)s;
	(void)argv;
	if (model.fail_pppd) {
		errno = EAGAIN;
		return -1;
	}
	for (i = 0; i < MODEL_PPPDS; i++)
		if (!model.pppd[i]) {
			model.pppd[i] = model.next_pid++;
			model.n_pppd++;
			model.pppd_started++;
			return model.pppd[i];
		}
	errno = EAGAIN;
	return -1;
}

static int pppd_forget(pid_t pid)
{
	int i;

	for (i = 0; i < MODEL_PPPDS; i++)
		if (model.pppd[i] == pid) {
			model.pppd[i] = 0;
			model.n_pppd--;
			return 1;
		}
	return 0;
}

/* SIGTERM: the model's pppd goes at once; its exit reaches nobody. */
void sys_pppd_stop(pid_t pid)
{
	if (!pppd_forget(pid)) {
		fprintf(stderr, "# SIGTERM to pid %d, no pppd of ours\n", (int)pid);
		abort();
	}
	model.pppd_stopped++;
}

const char *lf_genl_strerror(int err)
{
	return strerror(err < 0 ? -err : err);
}

/* The LNS on the model. */

static int write_conf(const char *conf)
{
	FILE *f = fopen(conf_path, "w");

	if (!f)
		return -1;
	fputs(conf, f);
	return fclose(f);
}

struct lns *model_lns_start(const char *conf)
{
	struct lns *lns = calloc(1, sizeof(*lns));

	if (!lns)
		return NULL;
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/lns-model-XXXXXX");
		if (!mkdtemp(dir)) {
			dir[0] = '\0';
			free(lns);
			return NULL;
		}
		snprintf(conf_path, sizeof(conf_path), "%s/xl2tpd.conf", dir);
		snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
		mkdir(run_dir, 0700);
	}
	lns->conf_path = conf_path;
	lns->run_dir = run_dir;
	lns->hello_ms = 60000;
	lns->have_fast = 1;
	lns->listen_fd = -1;
	snprintf(lns->hostname, sizeof(lns->hostname), "lns");
	if (write_conf(conf))
		goto fail;
	lns->gen = generation_load(conf_path, run_dir);
	if (!lns->gen)
		goto fail;
	if (lns_open(lns)) {
		generation_put(lns->gen);
		goto fail;
	}
	return lns;
fail:
	free(lns);
	return NULL;
}

void model_lns_stop(struct lns *lns)
{
	lns_stop(lns);
	model_pump(lns);
	lns_close(lns);
	free(lns);
}

void model_cleanup(void)
{
	char cmd[160];

	model_reset();
	model_free();
	if (!dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "# %s failed\n", cmd);
	dir[0] = '\0';
}

void model_lns_reload(struct lns *lns, const char *conf)
{
	if (conf && write_conf(conf))
		fprintf(stderr, "# cannot rewrite %s\n", conf_path);
	lns_reload(lns);
	lns_batch_done(lns);
}

static int same_addr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

/*
 * As the kernel picks: a connected socket (the newest: sockets that share
 * their addresses and ports get one another's datagrams), else a listening
 * one. mark: the datagram's, as its IPsec SA set it.
 */
int model_deliver(const struct sockaddr_in *from, const struct sockaddr_in *to,
		  uint32_t mark, const void *buf, size_t len)
{
	struct model_dgram *d;
	int fd, best = -1;

	for (fd = 0; fd < fd_top; fd++) {
		const struct model_fd *f = &model.fd[fd];

		if (!f->open || f->local.sin_port != to->sin_port ||
		    (f->local.sin_addr.s_addr != INADDR_ANY &&
		     f->local.sin_addr.s_addr != to->sin_addr.s_addr))
			continue;
		if (f->connected && same_addr(&f->peer, from)) {
			if (best < 0 || !model.fd[best].connected || fd_seq[fd] > fd_seq[best])
				best = fd;
		} else if (f->listening && best < 0) {
			best = fd;
		}
	}
	if (best < 0 || model.fd[best].n == MODEL_QUEUE || len > L2TP_MAX_MSG)
		return -1;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	d->from = *from;
	d->to = *to;
	d->mark = mark;
	d->len = len;
	memcpy(d->buf, buf, len);
	model.fd[best].q[model.fd[best].n++] = d;
	return best;
}

void model_batch(struct lns *lns, int timer)
{
	void *tags[MODEL_FDS + 1];
	int fd, n = 0, i;

	if (timer)
		tags[n++] = LNS_EV_TIMER;
	for (fd = 0; fd < fd_top; fd++)
		if (model.fd[fd].watched && model.fd[fd].n)
			tags[n++] = model.fd[fd].tag;
	for (i = 0; i < n; i++) {
		if (tags[i] == LNS_EV_TIMER)
			lns_tick(lns);
		else
			lns_input(lns, tags[i]);
	}
	lns_batch_done(lns);
}

void model_pump(struct lns *lns)
{
	int fd, busy, rounds = 0;

	do {
		busy = 0;
		for (fd = 0; fd < fd_top && !busy; fd++)
			busy = model.fd[fd].watched && model.fd[fd].n;
		if (busy)
			model_batch(lns, 0);
	} while (busy && ++rounds < 1000);
}

void model_advance(struct lns *lns, uint64_t ms)
{
	uint64_t end = model.now + ms;

	while (model.now < end) {
		model.now += LNS_TICK_MS;
		model_batch(lns, 1);
	}
}

void model_pppd_exit(struct lns *lns, pid_t pid, int code)
{
	if (!pppd_forget(pid))
		return;
	session_pppd_exited(lns, pid, code << 8);
	lns_batch_done(lns);
}

/* Scripted LACs. */

void peer_init(struct peer *p, const char *ip, uint16_t port,
	       const struct lns *lns, uint16_t tunnel_id)
{
	memset(p, 0, sizeof(*p));
	p->addr.sin_family = AF_INET;
	inet_pton(AF_INET, ip, &p->addr.sin_addr);
	p->addr.sin_port = htons(port);
	p->lns = model.fd[lns->listen_fd].local;
	if (p->lns.sin_addr.s_addr == INADDR_ANY)
		inet_pton(AF_INET, "192.0.2.1", &p->lns.sin_addr);
	p->tunnel_id = tunnel_id;
}

static void peer_out(struct peer *p, struct ctrl_out *o, uint16_t ns)
{
	size_t len = ctrl_finish(o, ns, p->nr);

	model_deliver(&p->addr, &p->lns, p->mark, o->buf, len);
}

void peer_send(struct peer *p, struct ctrl_out *o)
{
	peer_out(p, o, p->ns++);
}

void peer_zlb(struct peer *p)
{
	struct ctrl_out o;

	ctrl_begin_zlb(&o, p->lns_tunnel_id);
	peer_out(p, &o, p->ns);
}

/*
 * Sent to its address and port, through its SA: the one whose mark, under
 * the default 'ipsec mark mask', is the sending socket's.
 */
static int to_peer(const struct model_dgram *d, const struct peer *p)
{
	return same_addr(&d->to, &p->addr) && d->mark == (p->mark & 0x00ffffffu);
}

int peer_recv(struct peer *p, struct ctrl_msg *parsed)
{
	static struct ctrl_msg m;
	const char *why;
	int i, j = 0, type = -1;

	for (i = 0; i < model.n_out; i++) {
		struct model_dgram *d = model.out[i];

		if (!to_peer(d, p)) {
			model.out[j++] = d;
			continue;
		}
		p->got++;
		if (!ctrl_parse(d->buf, d->len, NULL, &m, &why)) {
			type = m.zlb ? 0 : m.type;
			if (!m.zlb && m.ns == p->nr)
				p->nr++;
			if (m.type == MSG_SCCRP)
				avp_u16(&m, AVP_TUNNEL_ID, &p->lns_tunnel_id);
			/* Later messages come from where the LNS answered. */
			p->lns = d->from;
			p->last = *d;
			if (parsed)
				ctrl_parse(p->last.buf, p->last.len, NULL, parsed, &why);
		}
		free(d);
	}
	model.n_out = j;
	return type;
}

int peer_count(const struct peer *p, uint16_t type)
{
	static struct ctrl_msg m;
	const char *why;
	int i, n = 0;

	for (i = 0; i < model.n_out; i++)
		if (to_peer(model.out[i], p) &&
		    !ctrl_parse(model.out[i]->buf, model.out[i]->len, NULL, &m, &why) &&
		    (type ? !m.zlb && m.type == type : m.zlb))
			n++;
	return n;
}

void peer_sccrq(struct peer *p)
{
	struct ctrl_out o;

	ctrl_begin(&o, MSG_SCCRQ, 0, 0);
	ctrl_avp_u16(&o, 1, AVP_PROTO_VERSION, 0x0100);
	ctrl_avp_u32(&o, 1, AVP_FRAMING_CAP, 3);
	ctrl_avp(&o, 1, AVP_HOST_NAME, "lac", 3);
	ctrl_avp_u16(&o, 1, AVP_TUNNEL_ID, p->tunnel_id);
	ctrl_avp_u16(&o, 0, AVP_RWS, 4);
	p->ns = 0;
	p->nr = 0;
	peer_send(p, &o);
}

void peer_scccn(struct peer *p)
{
	struct ctrl_out o;

	ctrl_begin(&o, MSG_SCCCN, p->lns_tunnel_id, 0);
	peer_send(p, &o);
}

void peer_icrq(struct peer *p, uint16_t session_id)
{
	struct ctrl_out o;

	ctrl_begin(&o, MSG_ICRQ, p->lns_tunnel_id, 0);
	ctrl_avp_u16(&o, 1, AVP_SESSION_ID, session_id);
	ctrl_avp_u32(&o, 1, AVP_CALL_SERIAL, session_id);
	peer_send(p, &o);
}

void peer_iccn(struct peer *p, uint16_t lns_session_id, uint16_t session_id)
{
	struct ctrl_out o;

	(void)session_id;
	ctrl_begin(&o, MSG_ICCN, p->lns_tunnel_id, lns_session_id);
	ctrl_avp_u32(&o, 1, AVP_TX_SPEED, 100000000);
	ctrl_avp_u32(&o, 1, AVP_FRAMING_TYPE, 1);
	peer_send(p, &o);
}

void peer_cdn(struct peer *p, uint16_t lns_session_id, uint16_t session_id)
{
	struct ctrl_out o;

	ctrl_begin(&o, MSG_CDN, p->lns_tunnel_id, lns_session_id);
	ctrl_avp_result(&o, 3, 0, "bye");
	ctrl_avp_u16(&o, 1, AVP_SESSION_ID, session_id);
	peer_send(p, &o);
}

void peer_stopccn(struct peer *p)
{
	struct ctrl_out o;

	ctrl_begin(&o, MSG_STOPCCN, p->lns_tunnel_id, 0);
	ctrl_avp_u16(&o, 1, AVP_TUNNEL_ID, p->tunnel_id);
	ctrl_avp_result(&o, 1, 0, "bye");
	peer_send(p, &o);
}
