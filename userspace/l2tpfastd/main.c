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
#include "sys.h"
#include "xfrm.h"

static void reap_children(struct lns *lns)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		session_pppd_exited(lns, pid, status);
}

/* 1 when it is time to stop. */
static int handle_signal(struct lns *lns, int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap_children(lns);
			break;
		case SIGHUP:
			lns_reload(lns);
			break;
		default:
			return 1;	/* SIGTERM, SIGINT */
		}
	}
	return 0;
}

/* One batch of events; 1 when a signal says stop. */
static int handle_events(struct lns *lns, struct epoll_event *ev, int n,
			 int sfd, int tfd)
{
	int i, stop = 0;
	uint64_t x;

	for (i = 0; i < n; i++) {
		void *p = ev[i].data.ptr;

		if (p == LNS_EV_SIGNAL)
			stop |= handle_signal(lns, sfd);
		else if (p == LNS_EV_TIMER) {
			if (read(tfd, &x, sizeof(x)) > 0) {
				lns_tick(lns);
				xfrm_tick(lns);
			}
		} else if (p == LNS_EV_XFRM)
			xfrm_input(lns);
		else
			lns_input(lns, p);
	}
	lns_batch_done(lns);
	return stop;
}

static int run(struct lns *lns)
{
	struct itimerspec its = {
		.it_interval = { 0, LNS_TICK_MS * 1000000L },
		.it_value = { 0, LNS_TICK_MS * 1000000L },
	};
	struct epoll_event ev[32];
	uint64_t deadline;
	sigset_t mask;
	int sfd, tfd, n;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (sfd < 0 || tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) ||
	    sys_watch(lns, sfd, LNS_EV_SIGNAL) || sys_watch(lns, tfd, LNS_EV_TIMER))
		return 1;

	for (;;) {
		n = epoll_wait(lns->epfd, ev, 32, -1);
		if (n < 0 && errno != EINTR)
			return 1;
		if (n > 0 && handle_events(lns, ev, n, sfd, tfd))
			break;
	}
	/* StopCCN to every tunnel, then up to 5 s for their acknowledgements. */
	lns_stop(lns);
	deadline = sys_now_ms() + 5000;
	while (lns->tunnels && sys_now_ms() < deadline) {
		n = epoll_wait(lns->epfd, ev, 32, LNS_TICK_MS);
		if (n > 0)
			handle_events(lns, ev, n, sfd, tfd);
	}
	xfrm_close(lns);
	lns_close(lns);
	log_msg(LOG_NOTICE, "stopped");
	return 0;
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

/* The daemon proper, once the run directory is ours. */
static int serve(struct lns *lns, int foreground)
{
	lns->gen = generation_load(lns->conf_path, lns->run_dir);
	if (!lns->gen)
		return 1;
	if (!foreground && daemon(0, 0)) {
		log_msg(LOG_ERR, "daemon: %s", strerror(errno));
		return 1;
	}
	restart_begin(lns);
	if (lf_genl_open(&lns->l2tp, "l2tp") < 0) {
		log_msg(LOG_ERR, "the kernel's l2tp family is missing: modprobe l2tp_netlink l2tp_ppp");
		return 1;
	}
	lns->have_fast = lf_genl_open(&lns->fast, L2TPFAST_FAMILY_NAME) == 0;
	if (!lns->have_fast)
		log_msg(LOG_NOTICE, "l2tpfast.ko is not loaded: tunnels work, per-session figures are unavailable (modprobe l2tpfast)");
	find_ip_up(lns);
	lns->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (lns->epfd < 0 || lns_open(lns))
		return 1;
	/* Tunnels through IPsec go when their SA does (l2tpfast shows the SA). */
	if (lns->have_fast)
		xfrm_open(lns);
	log_msg(LOG_NOTICE, "listening on %s:%u, %d lns section(s)%s",
		inet_ntoa(lns->gen->cfg.listen_addr), lns->gen->cfg.port,
		lns->gen->cfg.n_lns, lns->have_fast ? ", l2tpfast figures on" : "");
	return run(lns);
}

int main(int argc, char **argv)
{
	struct lns lns = { .conf_path = "/etc/xl2tpd/xl2tpd.conf",
			   .run_dir = "/run/l2tpfastd", .hello_ms = 60000,
			   .pid_fd = -1, .run_fd = -1 };
	int c, rc, foreground = 0, check = 0, debug = 0;

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
	mkdir(lns.run_dir, 0700);
	if (gethostname(lns.hostname, sizeof(lns.hostname) - 1))
		snprintf(lns.hostname, sizeof(lns.hostname), "l2tpfast");
	if (check) {
		lns.gen = generation_load(lns.conf_path, lns.run_dir);
		if (!lns.gen)
			return 1;
		printf("%s: OK, %d lns section(s)\n", lns.conf_path, lns.gen->cfg.n_lns);
		generation_put(lns.gen);
		return 0;
	}
	/* Before the generation puts its options files into the run directory. */
	if (restart_lock(&lns)) {
		restart_end(&lns);
		return 1;
	}
	rc = serve(&lns, foreground);
	restart_end(&lns);
	return rc;
}
