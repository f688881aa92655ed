// SPDX-License-Identifier: GPL-2.0
/*
 * l2tpfastd: options, configuration generations, the event loop (the
 * listening socket, one socket per tunnel, signals, a timer) and shutdown.
 *
 *   l2tpfastd [-c CONFIG] [-D] [-t] [-d] [-r RUNDIR] [-H HELLO_SECONDS]
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/l2tpfast.h>

#include "l2tpfastd.h"
#include "log.h"

#define EV_LISTEN	((void *)1)
#define EV_SIGNAL	((void *)2)
#define EV_TIMER	((void *)3)
#define TICK_MS		200

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Options a pppd on a PPPoL2TP socket has no use for: tty locking. */
static int tty_only(const char *line)
{
	char word[32];

	return sscanf(line, " %31s", word) == 1 && !strcmp(word, "lock");
}

/*
 * pppoptfile as pppd will read it: xl2tpd setups often carry "lock", which
 * Debian's pppd refuses ("unrecognized option"); it only ever meant the
 * serial tty, which an L2TP session does not have.
 */
static int optfile_prepare(const char *src, const char *dst)
{
	char line[1024];
	FILE *in, *out;
	int n = 0;

	in = fopen(src, "r");
	if (!in) {
		log_msg(LOG_ERR, "%s: %s", src, strerror(errno));
		return -1;
	}
	out = fopen(dst, "w");
	if (!out) {
		log_msg(LOG_ERR, "%s: %s", dst, strerror(errno));
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

static struct generation *generation_load(const char *path, const char *run_dir)
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
	n_pinned = chap_secrets_pinned("/etc/ppp/chap-secrets", pinned, 256);
	for (i = 0; i < g->cfg.n_lns; i++) {
		const struct lns_config *l = &g->cfg.lns[i];

		if (pool_init(&g->pools[i], l, pinned, n_pinned))
			goto fail;
		if (l->pppoptfile[0]) {
			snprintf(g->optfile[i], sizeof(g->optfile[i]), "%s/options.%d.%ld",
				 run_dir, i, (long)time(NULL));
			if (optfile_prepare(l->pppoptfile, g->optfile[i]))
				goto fail;
		}
	}
	g->refs = 1;
	return g;
fail:
	g->refs = 1;
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
	free(g);
}

static int listen_socket(const struct config *c)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(c->port),
		.sin_addr = c->listen_addr,
	};
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		log_msg(LOG_ERR, "cannot listen on %s:%u: %s", inet_ntoa(c->listen_addr),
			c->port, strerror(errno));
		return -1;
	}
	return fd;
}

static void listen_input(struct lns *lns)
{
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	struct ctrl_msg *m = malloc(sizeof(*m));
	uint8_t buf[2048];
	const char *why;
	ssize_t n;

	if (!m)
		return;
	while ((n = recvfrom(lns->listen_fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &fl)) >= 0) {
		fl = sizeof(from);
		if (ctrl_parse(buf, (size_t)n, ctrl_secret_later, m, &why)) {
			log_msg(LOG_NOTICE, "%s:%u: malformed packet dropped: %s",
				inet_ntoa(from.sin_addr), ntohs(from.sin_port), why);
			continue;
		}
		if (m->type == MSG_SCCRQ && m->tunnel_id == 0 && !lns->stopping)
			tunnel_sccrq(lns, &from, m, buf, (size_t)n);
		else if (!m->zlb)
			log_msg(LOG_DEBUG, "%s:%u: %s for tunnel %u on the listening socket; dropped",
				inet_ntoa(from.sin_addr), ntohs(from.sin_port),
				msg_type_name(m->type), m->tunnel_id);
	}
	free(m);
}

static void reap_children(struct lns *lns)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		session_pppd_exited(lns, pid, status);
}

static void reload(struct lns *lns)
{
	struct generation *g = generation_load(lns->conf_path, lns->run_dir);

	if (!g) {
		log_msg(LOG_ERR, "SIGHUP: configuration not reloaded; the running one stays");
		return;
	}
	generation_put(lns->gen);
	lns->gen = g;
	log_msg(LOG_NOTICE, "SIGHUP: %s reloaded; it applies to new tunnels", lns->conf_path);
}

static void tick(struct lns *lns)
{
	struct tunnel *t, *next;
	uint64_t now = now_ms();

	for (t = lns->tunnels; t; t = next) {
		next = t->next;
		tunnel_timer(t, now);
	}
}

static int handle_signal(struct lns *lns, int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap_children(lns);
			break;
		case SIGHUP:
			reload(lns);
			break;
		default:
			return 1;	/* SIGTERM, SIGINT */
		}
	}
	return 0;
}

static void shutdown_all(struct lns *lns, int sfd, int tfd)
{
	struct tunnel *t, *next;
	uint64_t deadline = now_ms() + 5000;
	struct epoll_event ev[16];
	int i;

	lns->stopping = 1;
	log_msg(LOG_NOTICE, "shutting down: StopCCN to %d tunnel(s)", lns->n_tunnels);
	for (t = lns->tunnels; t; t = t->next)
		tunnel_stop(t, 6, "LNS shutting down");
	while (lns->tunnels && now_ms() < deadline) {
		int n = epoll_wait(lns->epfd, ev, 16, TICK_MS);
		for (i = 0; i < n; i++) {
			if (ev[i].data.ptr == EV_SIGNAL)
				handle_signal(lns, sfd);
			else if (ev[i].data.ptr == EV_TIMER) {
				uint64_t x;

				if (read(tfd, &x, sizeof(x)) < 0)
					continue;
				tick(lns);
			} else if (ev[i].data.ptr != EV_LISTEN) {
				tunnel_input(ev[i].data.ptr);
			}
		}
	}
	for (t = lns->tunnels; t; t = next) {
		next = t->next;
		tunnel_destroy(t);
	}
}

static int run(struct lns *lns)
{
	struct itimerspec its = {
		.it_interval = { 0, TICK_MS * 1000000L },
		.it_value = { 0, TICK_MS * 1000000L },
	};
	struct epoll_event ev[32];
	sigset_t mask;
	int sfd, tfd, i;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	lns->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || tfd < 0 || lns->epfd < 0 || timerfd_settime(tfd, 0, &its, NULL))
		return 1;
	epoll_ctl(lns->epfd, EPOLL_CTL_ADD, lns->listen_fd,
		  &(struct epoll_event){ .events = EPOLLIN, .data.ptr = EV_LISTEN });
	epoll_ctl(lns->epfd, EPOLL_CTL_ADD, sfd,
		  &(struct epoll_event){ .events = EPOLLIN, .data.ptr = EV_SIGNAL });
	epoll_ctl(lns->epfd, EPOLL_CTL_ADD, tfd,
		  &(struct epoll_event){ .events = EPOLLIN, .data.ptr = EV_TIMER });

	for (;;) {
		int n = epoll_wait(lns->epfd, ev, 32, -1);
		if (n < 0 && errno != EINTR)
			return 1;
		for (i = 0; i < n; i++) {
			void *p = ev[i].data.ptr;

			if (p == EV_LISTEN) {
				listen_input(lns);
			} else if (p == EV_SIGNAL) {
				if (handle_signal(lns, sfd)) {
					shutdown_all(lns, sfd, tfd);
					log_msg(LOG_NOTICE, "stopped");
					return 0;
				}
			} else if (p == EV_TIMER) {
				uint64_t x;

				if (read(tfd, &x, sizeof(x)) > 0)
					tick(lns);
			} else {
				tunnel_input(p);
			}
		}
	}
}

/* pppd's ip-up-script: l2tpfastd-ip-up next to this program, if it is there. */
static void find_ip_up(struct lns *lns)
{
	char self[200];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	lns->ip_up[0] = '\0';
	if (n <= 0)
		return;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return;
	*slash = '\0';
	snprintf(lns->ip_up, sizeof(lns->ip_up), "%s/l2tpfastd-ip-up", self);
	if (access(lns->ip_up, X_OK))
		lns->ip_up[0] = '\0';
}

static void usage(FILE *f)
{
	fprintf(f, "usage: l2tpfastd [-c CONFIG] [-D] [-t] [-d] [-r RUNDIR] [-H HELLO_SECONDS]\n"
		"  -c CONFIG   xl2tpd.conf-format configuration (default /etc/xl2tpd/xl2tpd.conf)\n"
		"  -D          stay in the foreground, log to stderr\n"
		"  -t          check the configuration and exit\n"
		"  -d          debug logging\n"
		"  -r RUNDIR   runtime files (default /run/l2tpfastd)\n"
		"  -H SECONDS  HELLO after this long without a message (default 60)\n");
}

int main(int argc, char **argv)
{
	struct lns lns = { .conf_path = "/etc/xl2tpd/xl2tpd.conf",
			   .run_dir = "/run/l2tpfastd", .hello_ms = 60000 };
	int c, foreground = 0, check = 0, debug = 0, ret;

	while ((c = getopt(argc, argv, "c:Dtdr:H:h")) != -1) {
		switch (c) {
		case 'c': lns.conf_path = optarg; break;
		case 'D': foreground = 1; break;
		case 't': check = 1; foreground = 1; break;
		case 'd': debug = 1; break;
		case 'r': lns.run_dir = optarg; break;
		case 'H': lns.hello_ms = atoi(optarg) * 1000; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || lns.hello_ms <= 0) {
		usage(stderr);
		return 2;
	}
	log_open(foreground, debug);
	mkdir(lns.run_dir, 0755);
	lns.gen = generation_load(lns.conf_path, lns.run_dir);
	if (!lns.gen)
		return 1;
	if (check) {
		printf("%s: OK, %d lns section(s)\n", lns.conf_path, lns.gen->cfg.n_lns);
		generation_put(lns.gen);
		return 0;
	}
	if (!foreground && daemon(0, 0)) {
		log_msg(LOG_ERR, "daemon: %s", strerror(errno));
		return 1;
	}
	if (lf_genl_open(&lns.l2tp, "l2tp") < 0) {
		log_msg(LOG_ERR, "the kernel's l2tp family is missing: modprobe l2tp_netlink l2tp_ppp");
		return 1;
	}
	lns.have_fast = lf_genl_open(&lns.fast, L2TPFAST_FAMILY_NAME) == 0;
	if (!lns.have_fast)
		log_msg(LOG_NOTICE, "l2tpfast.ko is not loaded: tunnels work, per-session figures are unavailable (modprobe l2tpfast)");
	find_ip_up(&lns);
	lns.listen_fd = listen_socket(&lns.gen->cfg);
	if (lns.listen_fd < 0)
		return 1;
	log_msg(LOG_NOTICE, "listening on %s:%u, %d lns section(s)%s",
		inet_ntoa(lns.gen->cfg.listen_addr), lns.gen->cfg.port,
		lns.gen->cfg.n_lns, lns.have_fast ? ", l2tpfast figures on" : "");
	ret = run(&lns);
	generation_put(lns.gen);
	return ret;
}
