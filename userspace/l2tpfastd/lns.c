// SPDX-License-Identifier: GPL-2.0
/*
 * The LNS as the event loop drives it: configuration generations, the
 * listening socket, timers, reloads and shutdown. Nothing here blocks or
 * touches the system except through sys.h, so the driver harness runs the
 * same code with a scripted peer.
 *
 * A tunnel torn down while a batch of events is handled (a timer, a
 * StopCCN) is only unlinked: a later event of the same batch may still
 * name it. lns_batch_done() frees such tunnels once the batch is over.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "l2tpfastd.h"
#include "log.h"
#include "sys.h"

/* Options a pppd on a PPPoL2TP socket has no use for: tty locking. */
static int tty_only(const char *line)
{
	char word[32];

	return sscanf(line, " %31s", word) == 1 && !strcmp(word, "lock");
}

/*
 * pppoptfile as pppd will read it, in a file of its own (mode 0600: it may
 * hold secrets): xl2tpd setups often carry "lock", which Debian's pppd
 * refuses ("unrecognized option"); it only ever meant the serial tty,
 * which an L2TP session does not have.
 */
static int optfile_prepare(const char *src, const char *run_dir, char *dst,
			   size_t dst_len)
{
	char line[1024];
	FILE *in, *out;
	int n = 0, fd;

	in = fopen(src, "r");
	if (!in) {
		log_msg(LOG_ERR, "%s: %s", src, strerror(errno));
		return -1;
	}
	snprintf(dst, dst_len, "%s/" LNS_OPTFILE_PREFIX "XXXXXX", run_dir);
	fd = mkstemp(dst);
	out = fd < 0 ? NULL : fdopen(fd, "w");
	if (!out) {
		log_msg(LOG_ERR, "%s: %s", dst, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(dst);
		}
		dst[0] = '\0';
		fclose(in);
		return -1;
	}
	while (fgets(line, sizeof(line), in)) {
		n++;
		if (tty_only(line)) {
			log_msg(LOG_NOTICE, "%s:%d: 'lock' locks a serial tty, which an L2TP session does not have; left out",
				src, n);
			continue;
		}
		fputs(line, out);
	}
	fclose(in);
	return fclose(out) ? -1 : 0;
}

static int generation_secrets(struct generation *g)
{
	int i, needed = 0;

	for (i = 0; i < g->cfg.n_lns; i++)
		needed |= g->cfg.lns[i].challenge;
	if (!secrets_load(g->cfg.auth_file, &g->secrets))
		return 0;
	if (needed) {
		log_msg(LOG_ERR, "%s: %s ('challenge = yes' needs its secrets)",
			g->cfg.auth_file, strerror(errno));
		return -1;
	}
	return 0;	/* no secrets: peers that hide AVPs are refused */
}

struct generation *generation_load(const char *path, const char *run_dir)
{
	struct generation *g = calloc(1, sizeof(*g));
	uint32_t pinned[256];
	char err[512];
	int i, n_pinned;

	if (!g)
		return NULL;
	if (config_load(path, &g->cfg, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		free(g);
		return NULL;
	}
	g->refs = 1;
	if (generation_secrets(g))
		goto fail;
	n_pinned = chap_secrets_pinned("/etc/ppp/chap-secrets", pinned, 256);
	for (i = 0; i < g->cfg.n_lns; i++) {
		const struct lns_config *l = &g->cfg.lns[i];

		if (pool_init(&g->pools[i], l, pinned, n_pinned))
			goto fail;
		if (l->pppoptfile[0] &&
		    optfile_prepare(l->pppoptfile, run_dir, g->optfile[i],
				    sizeof(g->optfile[i])))
			goto fail;
	}
	return g;
fail:
	generation_put(g);
	return NULL;
}

void generation_put(struct generation *g)
{
	int i;

	if (--g->refs > 0)
		return;
	for (i = 0; i < g->cfg.n_lns; i++) {
		pool_free(&g->pools[i]);
		if (g->optfile[i][0])
			unlink(g->optfile[i]);
	}
	secrets_free(&g->secrets);
	free(g);
}

/*
 * l2tpfast.ko's IPsec switch as @c says (net-set). With 'ipsec required
 * = yes' a failure is fatal to start-up or to the reload (fail closed);
 * with 'no' the switch is turned off if the module is there, and the
 * operator is told that L2TP is then accepted in cleartext.
 */
static int ipsec_switch(struct lns *lns, const struct config *c, int starting)
{
	if (c->ipsec_required) {
		int err = sys_net_set(lns, 1, c->port);

		if (err) {
			log_msg(LOG_ERR, "'ipsec required = yes' in %s, but l2tpfast.ko cannot enforce it: %s%s; %s",
				c->path, err == -ENODEV ? "l2tpfast.ko is not loaded (modprobe l2tpfast)" : lf_genl_strerror(err),
				err == -EOPNOTSUPP || err == -EINVAL ?
				" (a module without net-set, or a kernel without IPsec: CONFIG_XFRM)" : "",
				starting ? "not starting" : "the running configuration stays");
			return -1;
		}
		log_msg(LOG_NOTICE, "IPsec required: l2tpfast.ko drops L2TP to port %u that did not come through an IPsec SA, and L2TP that would leave without one",
			c->port);
		return 0;
	}
	sys_net_set(lns, 0, 0);		/* no module, an old one: nothing to turn off */
	log_msg(LOG_WARNING, "WARNING: 'ipsec required = no' in %s: L2TP is accepted in cleartext; tunnels, user names and PPP traffic are readable and forgeable on the wire unless something else (IPsec policies, a firewall) protects udp/%u",
		c->path, c->port);
	return 0;
}

int lns_open(struct lns *lns)
{
	const struct config *c = &lns->gen->cfg;
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(c->port),
		.sin_addr = c->listen_addr,
	};

	/* Before the listening socket: nothing is taken in before the switch is on. */
	if (ipsec_switch(lns, c, 1))
		return -1;
	lns->listen_fd = sys_udp_listen(&a);
	if (lns->listen_fd < 0) {
		log_msg(LOG_ERR, "cannot listen on %s:%u: %s", inet_ntoa(c->listen_addr),
			c->port, strerror(errno));
		return -1;
	}
	if (sys_watch(lns, lns->listen_fd, LNS_EV_LISTEN)) {
		sys_close(lns->listen_fd);
		return -1;
	}
	return 0;
}

static void listen_input(struct lns *lns)
{
	struct ctrl_msg *m = malloc(sizeof(*m));
	struct sockaddr_in from;
	struct in_addr to;
	uint8_t buf[2048];
	const char *why;
	uint32_t mark;
	ssize_t n;
	int budget = LNS_RX_BUDGET;

	if (!m)
		return;
	while (budget-- > 0 &&
	       (n = sys_recv(lns->listen_fd, buf, sizeof(buf), &from, &to,
			     &mark)) >= 0) {
		if (ctrl_parse(buf, (size_t)n, ctrl_secret_later, m, &why)) {
			log_limited(LOG_NOTICE, "%s:%u: malformed packet dropped: %s",
				    inet_ntoa(from.sin_addr), ntohs(from.sin_port), why);
			continue;
		}
		if (m->type == MSG_SCCRQ && m->tunnel_id == 0 && !lns->stopping)
			tunnel_sccrq(lns, &from, to,
				     mark & lns->gen->cfg.ipsec_mark_mask, m,
				     buf, (size_t)n);
		else if (m->tunnel_id && !m->zlb && !lns->stopping)
			/* Its peer's port moved? tunnel_floated() decides. */
			tunnel_floated(lns, &from, to,
				       mark & lns->gen->cfg.ipsec_mark_mask,
				       buf, (size_t)n);
	}
	free(m);
}

void lns_input(struct lns *lns, void *tag)
{
	if (tag == LNS_EV_LISTEN)
		listen_input(lns);
	else
		tunnel_input(tag);
}

void lns_tick(struct lns *lns)
{
	struct tunnel *t, *next;
	uint64_t now = sys_now_ms();

	log_limited_flush();
	for (t = lns->tunnels; t; t = next) {
		next = t->next;
		tunnel_timer(t, now);
	}
}

void lns_reload(struct lns *lns)
{
	struct generation *g = generation_load(lns->conf_path, lns->run_dir);

	if (!g) {
		log_msg(LOG_ERR, "SIGHUP: configuration not reloaded; the running one stays");
		return;
	}
	if (g->cfg.port != lns->gen->cfg.port ||
	    g->cfg.listen_addr.s_addr != lns->gen->cfg.listen_addr.s_addr) {
		log_msg(LOG_ERR, "SIGHUP: 'port' and 'listen-addr' change only with a restart; the running configuration stays");
		generation_put(g);
		return;
	}
	if (g->cfg.ipsec_required != lns->gen->cfg.ipsec_required &&
	    ipsec_switch(lns, &g->cfg, 0)) {
		generation_put(g);
		return;
	}
	generation_put(lns->gen);
	lns->gen = g;
	log_msg(LOG_NOTICE, "SIGHUP: %s reloaded; it applies to new tunnels", lns->conf_path);
}

void lns_batch_done(struct lns *lns)
{
	tunnel_free_dead(lns);
}

/* StopCCN to every tunnel; the event loop runs on until they are gone. */
void lns_stop(struct lns *lns)
{
	struct tunnel *t;

	lns->stopping = 1;
	log_msg(LOG_NOTICE, "shutting down: StopCCN to %d tunnel(s)", lns->n_tunnels);
	for (t = lns->tunnels; t; t = t->next)
		tunnel_stop(t, 6, "LNS shutting down");
}

void lns_close(struct lns *lns)
{
	while (lns->tunnels)
		tunnel_destroy(lns->tunnels);
	tunnel_free_dead(lns);
	if (lns->listen_fd >= 0) {
		sys_unwatch(lns, lns->listen_fd);
		sys_close(lns->listen_fd);
		lns->listen_fd = -1;
	}
	generation_put(lns->gen);
	lns->gen = NULL;
}
