// SPDX-License-Identifier: GPL-2.0
/*
 * The system as l2tpfastd uses it, for real; see sys.h.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "l2tp.h"
#include "l2tpfast.h"
#include "l2tpfastd.h"
#include "pppol2tp.h"
#include "sys.h"
#include "xfrm.h"

#include <linux/l2tp.h>

uint64_t sys_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Each datagram's mark comes with it (SO_RCVMARK, Linux 5.19). */
#ifndef SO_RCVMARK
#define SO_RCVMARK 75
#endif

static int udp_socket(const struct sockaddr_in *local, uint32_t mark)
{
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVMARK, &one, sizeof(one)) ||
	    (mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark))) ||
	    bind(fd, (const struct sockaddr *)local, sizeof(*local))) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* The listening socket tells which of our addresses each SCCRQ was sent to. */
int sys_udp_listen(const struct sockaddr_in *local)
{
	int one = 1, fd = udp_socket(local, 0);

	if (fd >= 0 && setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one))) {
		close(fd);
		return -1;
	}
	return fd;
}

int sys_udp_tunnel(const struct sockaddr_in *local, const struct sockaddr_in *peer,
		   uint32_t mark)
{
	int fd = udp_socket(local, mark);

	if (fd >= 0 && connect(fd, (const struct sockaddr *)peer, sizeof(*peer))) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int sys_udp_reconnect(int fd, const struct sockaddr_in *peer)
{
	return connect(fd, (const struct sockaddr *)peer, sizeof(*peer));
}

static void recv_cmsgs(struct msghdr *mh, struct in_addr *to, uint32_t *mark)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (to && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*to = pi.ipi_addr;
		} else if (mark && c->cmsg_level == SOL_SOCKET &&
			   c->cmsg_type == SO_MARK) {
			memcpy(mark, CMSG_DATA(c), sizeof(*mark));
		}
	}
}

ssize_t sys_recv(int fd, void *buf, size_t len, struct sockaddr_in *from,
		 struct in_addr *to, uint32_t *mark)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo)) +
			 CMSG_SPACE(sizeof(uint32_t))];
	} ctl;
	struct sockaddr_in sa = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;

	n = recvmsg(fd, &mh, 0);
	if (n < 0)
		return -1;
	if (from)
		*from = sa;
	if (to)
		to->s_addr = INADDR_ANY;
	if (mark)
		*mark = 0;
	recv_cmsgs(&mh, to, mark);
	return n;
}


int sys_send(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	if (to)
		return sendto(fd, buf, len, 0, (const struct sockaddr *)to,
			      sizeof(*to)) < 0 ? -1 : 0;
	return send(fd, buf, len, 0) < 0 ? -1 : 0;
}

void sys_close(int fd)
{
	close(fd);
}

int sys_watch(struct lns *lns, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(lns->epfd, EPOLL_CTL_ADD, fd, &ev);
}

void sys_unwatch(struct lns *lns, int fd)
{
	epoll_ctl(lns->epfd, EPOLL_CTL_DEL, fd, NULL);
}

int sys_tunnel_create(struct tunnel *t)
{
	struct lf_l2tp_tunnel_cfg c = {
		.tunnel_id = t->id, .peer_tunnel_id = t->peer_id,
		.version = 2, .fd = t->fd,
	};

	return lf_l2tp_tunnel_create(&t->lns->l2tp, &c);
}

int sys_tunnel_delete(struct tunnel *t)
{
	return lf_l2tp_tunnel_delete(&t->lns->l2tp, t->id);
}

int sys_session_create(struct session *s)
{
	struct lf_l2tp_session_cfg c = {
		.tunnel_id = s->t->id, .session_id = s->id,
		.peer_session_id = s->peer_id, .pw_type = L2TP_PWTYPE_PPP,
		.lns_mode = 1, .seq = (uint8_t)s->seq,
	};

	return lf_l2tp_session_create(&s->t->lns->l2tp, &c);
}

int sys_session_delete(struct session *s)
{
	return lf_l2tp_session_delete(&s->t->lns->l2tp, s->t->id, s->id);
}

int sys_tunnel_attach(struct tunnel *t)
{
	struct lf_tunnel_attach a = {
		.id = t->id, .peer_id = t->peer_id, .version = 2, .fd = t->fd,
	};

	/* Bound to its client's SA: only its packets, and only through it. */
	if (t->mark) {
		a.ipsec_mark = t->mark;
		a.ipsec_mask = t->gen->cfg.ipsec_mark_mask;
	}

	return lf_tunnel_attach(&t->lns->fast, &a);
}

void sys_tunnel_detach(struct tunnel *t)
{
	lf_tunnel_detach(&t->lns->fast, t->id);
}

int sys_session_annotate(struct session *s)
{
	struct lf_session ls = { 0 };
	struct timespec ts;

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
	return lf_session_set(&s->t->lns->fast, &ls);
}

int sys_net_set(struct lns *lns, int required, uint16_t port)
{
	if (!lns->have_fast)
		return -ENODEV;
	return lf_net_set(&lns->fast, required, port, NULL);
}

int sys_tunnel_sa_gone(struct tunnel *t)
{
	return xfrm_tunnel_sa_gone(t->lns, t);
}

int sys_tunnel_ipsec(struct tunnel *t, uint32_t *spi_in, uint32_t *reqid)
{
	struct lf_snapshot snap;
	const struct lf_tunnel *lt;
	int err;

	*spi_in = *reqid = 0;
	if (!t->attached)
		return -ENODEV;
	err = lf_snapshot_take(&t->lns->fast, t->id, &snap);
	if (err)
		return err;
	lt = lf_snapshot_tunnel(&snap, t->id);
	if (lt) {
		*spi_in = lt->ipsec.spi_in;
		*reqid = lt->ipsec.reqid;
	}
	lf_snapshot_free(&snap);
	return lt ? 0 : -ENOENT;
}

pid_t sys_pppd_start(struct session *s, const char *const *argv)
{
	const struct tunnel *t = s->t;
	sigset_t none;
	pid_t pid, parent;
	int pfd, err;

	pfd = lf_pppol2tp_connect(t->fd, (const struct sockaddr *)&t->peer,
				  t->id, t->peer_id, s->id, s->peer_id);
	if (pfd < 0)
		return -1;
	parent = getpid();
	pid = fork();
	if (pid == 0) {
		/* Ends with us: a pppd outliving l2tpfastd holds a dead call. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
			_exit(127);
		/* The PPPoL2TP socket as fd 3, nothing else of ours. */
		if (pfd != 3 && dup2(pfd, 3) < 0)
			_exit(127);
		closefrom(4);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp("pppd", (char *const *)argv);
		_exit(127);
	}
	err = errno;
	close(pfd);
	errno = err;
	return pid;
}

void sys_pppd_stop(pid_t pid)
{
	kill(pid, SIGTERM);
}
