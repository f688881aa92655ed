// SPDX-License-Identifier: GPL-2.0
/*
 * One end of an L2TPv2 PPP pseudowire without an LNS, the way the kernel's
 * pppol2tp interface is meant to be driven: a connected UDP socket, a kernel
 * tunnel and session made through the "l2tp" genl family, a PPPoL2TP socket
 * connected to them, and pppd (pppol2tp plugin) running PPP over it.
 *
 *   l2tp-peer ppp LOCAL_IP:PORT REMOTE_IP:PORT TID:PEER_TID SID:PEER_SID
 *                 [--lns] [--mark M] [--attach] -- PPPD_OPTION...
 *                 (--attach: attach the tunnel to l2tpfast by its socket fd,
 *                 as an LNS that made the socket does; --mark: SO_MARK M
 *                 on the socket, which may then share its addresses and
 *                 ports with others (SO_REUSEADDR), and with --attach the
 *                 tunnel bound to the IPsec SA of mark M; --mark 0: shared,
 *                 no mark, bound to no SA)
 *   l2tp-peer stats TID [SID]     the kernel's own counters, as JSON
 *   l2tp-peer sessions LOCAL_IP:PORT REMOTE_IP:PORT TID:PEER_TID COUNT
 *                 an L2TPv2 tunnel on its own socket, attached to l2tpfast by
 *                 fd, with PPP sessions 1..COUNT (peer ids 10001..) made
 *                 through the l2tp family; holds them until killed
 *   l2tp-peer tunnels LOCAL_IP:FIRST_PORT REMOTE_IP:PORT FIRST_TID COUNT
 *                 COUNT L2TPv2 tunnels as an LNS makes them, one per client:
 *                 each on a socket of its own (local ports FIRST_PORT..),
 *                 tunnel ids FIRST_TID.., attached by fd before its one PPP
 *                 session (id 1) is made; holds them until killed. SIGUSR1
 *                 detaches them all, SIGUSR2 attaches them again (each
 *                 prints a line when done)
 *   l2tp-peer pppol2tp LOCAL_IP:PORT REMOTE_IP:PORT TID:PEER_TID SID:PEER_SID
 *                 a tunnel made the old way, by a PPPoL2TP tunnel-management
 *                 socket (l2tp_core's session 0) on a connected UDP socket,
 *                 with one PPPoL2TP session socket (SID) and no pppd,
 *                 attached by fd; holds them until killed
 *   l2tp-peer ppp-unit
 *                 make a ppp unit (/dev/ppp) and let it go again: a ppp
 *                 device registered and unregistered, nobody's session's
 *   l2tp-peer churn LOCAL_IP:PORT REMOTE_IP:PORT TID:PEER_TID SECONDS
 *                 for SECONDS (0: until SIGTERM): open a socket, make a tunnel
 *                 and a session on it, attach it by fd (when l2tpfast is
 *                 loaded), close the socket again (sometimes after a
 *                 detach); prints the cycles
 *   l2tp-peer reopen LOCAL_IP:PORT REMOTE_IP:PORT TID:PEER_TID COUNT
 *                 COUNT times: open a socket, make tunnel TID on it with no
 *                 session (as an LNS before its first call), attach it by
 *                 fd, close the socket with nobody detaching; each attach
 *                 must succeed (l2tp_core says nothing of such a close)
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <linux/l2tp.h>
#include <linux/ppp-ioctl.h>

#include "genl.h"
#include "l2tp.h"
#include "l2tpfast.h"
#include "pppol2tp.h"

#define PPPOL2TP_PLUGIN "pppol2tp.so"

union sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

static int parse_addr(const char *s, union sa *a)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	size_t len;

	if (!colon || (len = (size_t)(colon - s)) >= sizeof(host))
		return -1;
	memcpy(host, s, len);
	host[len] = '\0';
	memset(a, 0, sizeof(*a));
	if (host[0] == '[' && len > 2 && host[len - 1] == ']') {
		host[len - 1] = '\0';
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons((uint16_t)atoi(colon + 1));
		return inet_pton(AF_INET6, host + 1, &a->in6.sin6_addr) == 1 ? 0 : -1;
	}
	a->in.sin_family = AF_INET;
	a->in.sin_port = htons((uint16_t)atoi(colon + 1));
	return inet_pton(AF_INET, host, &a->in.sin_addr) == 1 ? 0 : -1;
}

static socklen_t sa_len(const union sa *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->in6) : sizeof(a->in);
}

static int parse_pair(const char *s, uint32_t *a, uint32_t *b)
{
	unsigned int x, y;

	if (sscanf(s, "%u:%u", &x, &y) != 2)
		return -1;
	*a = x;
	*b = y;
	return 0;
}

static int attach_fd_mark(int fd, uint32_t tunnel_id, uint32_t peer_id,
			  uint32_t mark, uint32_t mask)
{
	struct lf_tunnel_attach a = {
		.id = tunnel_id, .peer_id = peer_id, .version = 2, .fd = fd,
		.ipsec_mark = mark, .ipsec_mask = mask,
	};
	struct lf_genl g;
	int ret;

	if (lf_genl_open(&g, L2TPFAST_FAMILY_NAME) < 0)
		return -1;
	ret = lf_tunnel_attach(&g, &a);
	lf_genl_close(&g);
	if (ret)
		fprintf(stderr, "l2tp-peer: attach by fd: %s\n",
			lf_genl_strerror(ret));
	return ret;
}

static int attach_fd(int fd, uint32_t tunnel_id, uint32_t peer_id)
{
	return attach_fd_mark(fd, tunnel_id, peer_id, 0, 0);
}

/* $L2TP_PEER_BIND (a VRF, say), if set, is the device fd is bound to. */
static int bind_dev(int fd)
{
	const char *dev = getenv("L2TP_PEER_BIND");

	if (!dev || !*dev)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, strlen(dev));
}

static int cmd_ppp(int argc, char **argv)
{
	struct lf_l2tp_tunnel_cfg t = { .version = 2 };
	struct lf_l2tp_session_cfg s = { .pw_type = L2TP_PWTYPE_PPP };
	union sa local, remote;
	struct lf_genl g;
	char fdarg[16], tidarg[16], sidarg[16];
	char **pargv;
	int fd, pfd, i, n, ret, first = 5, attach = 0, one = 1, share = 0;
	uint32_t mark = 0, mask = 0;

	if (argc < 5 || parse_addr(argv[1], &local) ||
	    parse_addr(argv[2], &remote) ||
	    parse_pair(argv[3], &t.tunnel_id, &t.peer_tunnel_id) ||
	    parse_pair(argv[4], &s.session_id, &s.peer_session_id)) {
		fprintf(stderr, "l2tp-peer ppp: bad arguments\n");
		return 2;
	}
	if (first < argc && !strcmp(argv[first], "--lns")) {
		s.lns_mode = 1;
		first++;
	}
	if (first + 1 < argc && !strcmp(argv[first], "--mark")) {
		mark = (uint32_t)strtoul(argv[first + 1], NULL, 0);
		mask = mark ? UINT32_MAX : 0;
		share = 1;
		first += 2;
	}
	if (first < argc && !strcmp(argv[first], "--attach")) {
		attach = 1;
		first++;
	}
	if (first < argc && !strcmp(argv[first], "--"))
		first++;

	fd = socket(local.sa.sa_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind_dev(fd) ||
	    (mask && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark))) ||
	    (share && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))) ||
	    bind(fd, &local.sa, sa_len(&local)) ||
	    connect(fd, &remote.sa, sa_len(&remote))) {
		perror("l2tp-peer: udp socket");
		return 1;
	}
	if (lf_genl_open(&g, "l2tp") < 0)
		return 1;
	t.fd = fd;
	s.tunnel_id = t.tunnel_id;
	ret = lf_l2tp_tunnel_create(&g, &t);
	if (!ret)
		ret = lf_l2tp_session_create(&g, &s);
	lf_genl_close(&g);
	if (ret) {
		fprintf(stderr, "l2tp-peer: kernel tunnel/session: %s\n",
			lf_genl_strerror(ret));
		return 1;
	}
	pfd = lf_pppol2tp_connect(fd, &remote.sa, t.tunnel_id, t.peer_tunnel_id,
			       s.session_id, s.peer_session_id);
	if (pfd < 0) {
		perror("l2tp-peer: pppol2tp socket");
		return 1;
	}
	if (attach && attach_fd_mark(fd, t.tunnel_id, t.peer_tunnel_id,
				     mark, mask))
		return 1;

	/* pppd inherits both sockets; the tunnel lives as long as they do. */
	n = argc - first;
	pargv = calloc((size_t)n + 12, sizeof(*pargv));
	if (!pargv)
		return 1;
	snprintf(fdarg, sizeof(fdarg), "%d", pfd);
	snprintf(tidarg, sizeof(tidarg), "%u", t.tunnel_id);
	snprintf(sidarg, sizeof(sidarg), "%u", s.session_id);
	i = 0;
	pargv[i++] = "pppd";
	pargv[i++] = "plugin";
	pargv[i++] = PPPOL2TP_PLUGIN;
	pargv[i++] = "pppol2tp";
	pargv[i++] = fdarg;
	pargv[i++] = "pppol2tp_tunnel_id";
	pargv[i++] = tidarg;
	pargv[i++] = "pppol2tp_session_id";
	pargv[i++] = sidarg;
	if (s.lns_mode)
		pargv[i++] = "pppol2tp_lns_mode";
	memcpy(&pargv[i], &argv[first], (size_t)n * sizeof(*pargv));
	execvp("pppd", pargv);
	perror("l2tp-peer: exec pppd");
	return 1;
}

static int cmd_stats(int argc, char **argv)
{
	struct lf_l2tp_stats st;
	struct lf_genl g;
	int ret;

	if (argc < 2) {
		fprintf(stderr, "usage: l2tp-peer stats TID [SID]\n");
		return 2;
	}
	if (lf_genl_open(&g, "l2tp") < 0)
		return 1;
	ret = lf_l2tp_stats_get(&g, (uint32_t)strtoul(argv[1], NULL, 0),
				argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 0,
				&st);
	lf_genl_close(&g);
	if (ret) {
		fprintf(stderr, "l2tp-peer: stats: %s\n", lf_genl_strerror(ret));
		return 1;
	}
	printf("{\"tx_packets\":%llu,\"tx_bytes\":%llu,\"tx_errors\":%llu,"
	       "\"rx_packets\":%llu,\"rx_bytes\":%llu,\"rx_errors\":%llu,"
	       "\"rx_seq_discards\":%llu,\"rx_oos_packets\":%llu,"
	       "\"rx_cookie_discards\":%llu,\"rx_invalid\":%llu}\n",
	       (unsigned long long)st.tx_packets, (unsigned long long)st.tx_bytes,
	       (unsigned long long)st.tx_errors, (unsigned long long)st.rx_packets,
	       (unsigned long long)st.rx_bytes, (unsigned long long)st.rx_errors,
	       (unsigned long long)st.rx_seq_discards,
	       (unsigned long long)st.rx_oos_packets,
	       (unsigned long long)st.rx_cookie_discards,
	       (unsigned long long)st.rx_invalid);
	return 0;
}

static int cmd_sessions(int argc, char **argv)
{
	struct lf_l2tp_tunnel_cfg t = { .version = 2 };
	struct lf_l2tp_session_cfg s = { .pw_type = L2TP_PWTYPE_PPP };
	union sa local, remote;
	struct lf_genl g;
	unsigned long count, i;
	int fd, ret;

	if (argc != 5 || parse_addr(argv[1], &local) ||
	    parse_addr(argv[2], &remote) ||
	    parse_pair(argv[3], &t.tunnel_id, &t.peer_tunnel_id)) {
		fprintf(stderr, "l2tp-peer sessions: bad arguments\n");
		return 2;
	}
	count = strtoul(argv[4], NULL, 0);
	if (count < 1 || count > 55000) {
		fprintf(stderr, "l2tp-peer sessions: COUNT is 1..55000 (16-bit ids)\n");
		return 2;
	}
	fd = socket(local.sa.sa_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind_dev(fd) || bind(fd, &local.sa, sa_len(&local)) ||
	    connect(fd, &remote.sa, sa_len(&remote))) {
		perror("l2tp-peer: udp socket");
		return 1;
	}
	if (lf_genl_open(&g, "l2tp") < 0)
		return 1;
	t.fd = fd;
	ret = lf_l2tp_tunnel_create(&g, &t);
	if (!ret)
		ret = attach_fd(fd, t.tunnel_id, t.peer_tunnel_id);
	s.tunnel_id = t.tunnel_id;
	for (i = 1; !ret && i <= count; i++) {
		s.session_id = (uint32_t)i;
		s.peer_session_id = (uint32_t)(10000 + i);
		ret = lf_l2tp_session_create(&g, &s);
	}
	lf_genl_close(&g);
	if (ret) {
		fprintf(stderr, "l2tp-peer sessions: %s\n", lf_genl_strerror(ret));
		return 1;
	}
	printf("%lu sessions\n", count);
	fflush(stdout);
	/* The tunnel lives as long as its socket: until we are killed. */
	for (;;)
		pause();
}

/* A UDP socket bound to local and connected to remote; -1 on failure. */
static int udp_socket(const union sa *local, const union sa *remote)
{
	int fd = socket(local->sa.sa_family, SOCK_DGRAM, 0), one = 1;

	if (fd < 0)
		return -1;
	if (bind_dev(fd) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, &local->sa, sa_len(local)) ||
	    connect(fd, &remote->sa, sa_len(remote))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void set_port(union sa *a, unsigned int port)
{
	if (a->sa.sa_family == AF_INET6)
		a->in6.sin6_port = htons((uint16_t)port);
	else
		a->in.sin_port = htons((uint16_t)port);
}

static unsigned int get_port(const union sa *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->in6.sin6_port :
		     a->in.sin_port);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static volatile sig_atomic_t toggle;
static int *tunnel_fds;

static void on_toggle(int sig)
{
	toggle = sig;
}

/*
 * Detach (attach: false) or attach again every tunnel of cmd_tunnels, by
 * the sockets it keeps.
 */
static void tunnels_toggle(unsigned long first_tid, unsigned long count,
			   bool attach)
{
	struct lf_tunnel_attach a = { .version = 2 };
	unsigned long i, done = 0;
	struct lf_genl fast;

	if (lf_genl_open(&fast, L2TPFAST_FAMILY_NAME) < 0)
		return;
	for (i = 0; i < count; i++) {
		a.id = a.peer_id = (uint32_t)(first_tid + i);
		a.fd = tunnel_fds[i];
		if (!(attach ? lf_tunnel_attach(&fast, &a) :
			       lf_tunnel_detach(&fast, a.id)))
			done++;
	}
	lf_genl_close(&fast);
	printf("%s %lu tunnels\n", attach ? "attached" : "detached", done);
	fflush(stdout);
}

static int cmd_tunnels(int argc, char **argv)
{
	struct lf_l2tp_session_cfg s = { .pw_type = L2TP_PWTYPE_PPP,
					 .session_id = 1,
					 .peer_session_id = 10001 };
	struct lf_tunnel_attach a = { .version = 2 };
	struct lf_l2tp_tunnel_cfg t = { .version = 2 };
	struct lf_genl l2tp, fast;
	union sa local, remote;
	unsigned long count, i, first_tid;
	struct rlimit nofile;
	unsigned int port;
	double t0, t1;
	int ret = 0;

	if (argc != 5 || parse_addr(argv[1], &local) ||
	    parse_addr(argv[2], &remote)) {
		fprintf(stderr, "l2tp-peer tunnels: bad arguments\n");
		return 2;
	}
	first_tid = strtoul(argv[3], NULL, 0);
	count = strtoul(argv[4], NULL, 0);
	port = get_port(&local);
	if (!first_tid || count < 1 || first_tid + count > 65536 ||
	    port + count > 65536) {
		fprintf(stderr, "l2tp-peer tunnels: tunnel ids and ports are 16 bits\n");
		return 2;
	}
	tunnel_fds = calloc(count, sizeof(*tunnel_fds));
	if (!tunnel_fds)
		return 1;
	nofile.rlim_cur = nofile.rlim_max = count + 64;
	if (setrlimit(RLIMIT_NOFILE, &nofile)) {
		perror("l2tp-peer tunnels: RLIMIT_NOFILE");
		return 1;
	}
	if (lf_genl_open(&l2tp, "l2tp") < 0)
		return 1;
	if (lf_genl_open(&fast, L2TPFAST_FAMILY_NAME) < 0)
		return 1;
	t0 = now_ms();
	for (i = 0; !ret && i < count; i++) {
		set_port(&local, port + (unsigned int)i);
		t.fd = a.fd = udp_socket(&local, &remote);
		if (t.fd < 0) {
			perror("l2tp-peer tunnels: udp socket");
			return 1;
		}
		tunnel_fds[i] = t.fd;
		t.tunnel_id = a.id = (uint32_t)(first_tid + i);
		t.peer_tunnel_id = a.peer_id = (uint32_t)(first_tid + i);
		s.tunnel_id = t.tunnel_id;
		ret = lf_l2tp_tunnel_create(&l2tp, &t);
		if (!ret)
			ret = lf_tunnel_attach(&fast, &a);
		if (!ret)
			ret = lf_l2tp_session_create(&l2tp, &s);
	}
	t1 = now_ms();
	lf_genl_close(&l2tp);
	lf_genl_close(&fast);
	if (ret) {
		fprintf(stderr, "l2tp-peer tunnels: tunnel %lu: %s\n",
			first_tid + i - 1, lf_genl_strerror(ret));
		return 1;
	}
	printf("%lu tunnels in %.0f ms\n", count, t1 - t0);
	fflush(stdout);
	signal(SIGUSR1, on_toggle);
	signal(SIGUSR2, on_toggle);
	for (;;) {
		pause();
		if (toggle)
			tunnels_toggle(first_tid, count, toggle == SIGUSR2);
		toggle = 0;
	}
}

static int cmd_pppol2tp(int argc, char **argv)
{
	uint32_t tid, ptid, sid, psid;
	union sa local, remote;
	int fd, mgmt, session;

	if (argc != 5 || parse_addr(argv[1], &local) ||
	    parse_addr(argv[2], &remote) || parse_pair(argv[3], &tid, &ptid) ||
	    parse_pair(argv[4], &sid, &psid) || !sid) {
		fprintf(stderr, "l2tp-peer pppol2tp: bad arguments\n");
		return 2;
	}
	fd = udp_socket(&local, &remote);
	if (fd < 0) {
		perror("l2tp-peer pppol2tp: udp socket");
		return 1;
	}
	mgmt = lf_pppol2tp_connect(fd, &remote.sa, tid, ptid, 0, 0);
	session = mgmt < 0 ? -1 :
		  lf_pppol2tp_connect(fd, &remote.sa, tid, ptid, sid, psid);
	if (session < 0) {
		perror("l2tp-peer pppol2tp: PPPoL2TP connect");
		return 1;
	}
	if (attach_fd(fd, tid, ptid))
		return 1;
	printf("tunnel %u with sessions 0 and %u, attached\n", tid, sid);
	fflush(stdout);
	for (;;)
		pause();
}

static int cmd_ppp_unit(void)
{
	int fd = open("/dev/ppp", O_RDWR), unit = -1;

	if (fd < 0 || ioctl(fd, PPPIOCNEWUNIT, &unit) < 0) {
		perror("l2tp-peer ppp-unit");
		return 1;
	}
	printf("ppp%d\n", unit);
	close(fd);
	return 0;
}

static volatile sig_atomic_t churn_stop;

static void on_term(int sig)
{
	(void)sig;
	churn_stop = 1;
}

static int cmd_churn(int argc, char **argv)
{
	struct lf_l2tp_session_cfg s = { .pw_type = L2TP_PWTYPE_PPP,
					 .session_id = 1,
					 .peer_session_id = 1 };
	struct lf_l2tp_tunnel_cfg t = { .version = 2 };
	union sa local, remote;
	unsigned long cycles = 0, attached = 0;
	struct lf_genl l2tp, fast;
	double end;

	if (argc != 5 || parse_addr(argv[1], &local) ||
	    parse_addr(argv[2], &remote) ||
	    parse_pair(argv[3], &t.tunnel_id, &t.peer_tunnel_id)) {
		fprintf(stderr, "l2tp-peer churn: bad arguments\n");
		return 2;
	}
	end = atof(argv[4]) > 0 ? now_ms() + 1000.0 * atof(argv[4]) : 0;
	s.tunnel_id = t.tunnel_id;
	signal(SIGTERM, on_term);
	if (lf_genl_open(&l2tp, "l2tp") < 0)
		return 1;
	while (!churn_stop && (!end || now_ms() < end)) {
		struct lf_tunnel_attach a = { .id = t.tunnel_id, .version = 2,
					      .peer_id = t.peer_tunnel_id };
		struct timespec pause = { 0, (long)(rand() % 20) * 1000000L };

		t.fd = a.fd = udp_socket(&local, &remote);
		if (t.fd < 0) {
			perror("l2tp-peer churn: udp socket");
			return 1;
		}
		if (!lf_l2tp_tunnel_create(&l2tp, &t)) {
			lf_l2tp_session_create(&l2tp, &s);
			/* The module comes and goes: attach when it is there. */
			if (lf_genl_open_quiet(&fast, L2TPFAST_FAMILY_NAME) == 0) {
				if (!lf_tunnel_attach(&fast, &a))
					attached++;
				nanosleep(&pause, NULL);
				if (cycles % 3 == 0)
					lf_tunnel_detach(&fast, a.id);
				lf_genl_close(&fast);
			}
		}
		nanosleep(&pause, NULL);
		close(t.fd);
		cycles++;
	}
	lf_genl_close(&l2tp);
	printf("%lu cycles, %lu attached\n", cycles, attached);
	return 0;
}

/* Make tunnel t on a fresh socket; l2tp_core may still be freeing the last. */
static int reopen_tunnel(struct lf_genl *l2tp, struct lf_l2tp_tunnel_cfg *t,
			 const union sa *local, const union sa *remote)
{
	double give_up = now_ms() + 5000;
	struct timespec pause = { 0, 10 * 1000000L };

	t->fd = udp_socket(local, remote);
	if (t->fd < 0)
		return -1;
	while (lf_l2tp_tunnel_create(l2tp, t)) {
		if (now_ms() > give_up) {
			close(t->fd);
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	return 0;
}

static int cmd_reopen(int argc, char **argv)
{
	struct lf_l2tp_tunnel_cfg t = { .version = 2 };
	union sa local, remote;
	struct lf_genl l2tp, fast;
	long i, count, attached = 0;

	if (argc != 5 || parse_addr(argv[1], &local) ||
	    parse_addr(argv[2], &remote) ||
	    parse_pair(argv[3], &t.tunnel_id, &t.peer_tunnel_id) ||
	    (count = atol(argv[4])) <= 0) {
		fprintf(stderr, "l2tp-peer reopen: bad arguments\n");
		return 2;
	}
	if (lf_genl_open(&l2tp, "l2tp") < 0 ||
	    lf_genl_open(&fast, L2TPFAST_FAMILY_NAME) < 0)
		return 1;
	for (i = 0; i < count; i++) {
		struct lf_tunnel_attach a = { .id = t.tunnel_id, .version = 2,
					      .peer_id = t.peer_tunnel_id };
		int err;

		if (reopen_tunnel(&l2tp, &t, &local, &remote)) {
			fprintf(stderr, "l2tp-peer reopen: tunnel %u not made again\n",
				t.tunnel_id);
			break;
		}
		a.fd = t.fd;
		err = lf_tunnel_attach(&fast, &a);
		if (err) {
			fprintf(stderr, "l2tp-peer reopen: attach %ld of tunnel %u: %s\n",
				i + 1, t.tunnel_id, strerror(-err));
			close(t.fd);
			break;
		}
		attached++;
		close(t.fd);
	}
	lf_genl_close(&fast);
	lf_genl_close(&l2tp);
	printf("%ld of %ld attached\n", attached, count);
	return attached == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "ppp"))
		return cmd_ppp(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "stats"))
		return cmd_stats(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "sessions"))
		return cmd_sessions(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "tunnels"))
		return cmd_tunnels(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "churn"))
		return cmd_churn(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "reopen"))
		return cmd_reopen(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "pppol2tp"))
		return cmd_pppol2tp(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "ppp-unit"))
		return cmd_ppp_unit();
	fprintf(stderr,
		"usage: l2tp-peer ppp LOCAL:PORT REMOTE:PORT TID:PTID SID:PSID [--lns] [--attach] -- PPPD_OPTION...\n"
		"       l2tp-peer stats TID [SID]\n"
		"       l2tp-peer sessions LOCAL:PORT REMOTE:PORT TID:PTID COUNT\n"
		"       l2tp-peer tunnels LOCAL:FIRST_PORT REMOTE:PORT FIRST_TID COUNT\n"
		"       l2tp-peer pppol2tp LOCAL:PORT REMOTE:PORT TID:PTID SID:PSID\n"
		"       l2tp-peer ppp-unit\n"
		"       l2tp-peer churn LOCAL:PORT REMOTE:PORT TID:PTID SECONDS\n"
		"       l2tp-peer reopen LOCAL:PORT REMOTE:PORT TID:PTID COUNT\n");
	return 2;
}
