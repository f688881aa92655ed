/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What l2tpfastd asks of the system, at one seam: the clock, UDP sockets,
 * the event loop's interest list, l2tp_core's tunnels and sessions (the
 * l2tp genl family), l2tpfast's figures, and pppd on a PPPoL2TP socket.
 *
 * sys.c does all of it for real. The host's driver harness
 * (selftests/unit/lns-driver.c) links a model of it instead, so the
 * protocol engine runs under ASan/UBSan with a scripted peer, timers that
 * fire when it says and pppds that exit when it says.
 */
#ifndef L2TPFASTD_SYS_H
#define L2TPFASTD_SYS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct lns;
struct tunnel;
struct session;

uint64_t sys_now_ms(void);

/* The listening socket: -1 and errno on failure. */
int sys_udp_listen(const struct sockaddr_in *local);
/*
 * A tunnel's socket, bound to @local and connected to @peer; @mark (0:
 * none) is its SO_MARK, which makes its packets take the IPsec SA of that
 * mark, and lets it share @local and @peer with other tunnels' sockets.
 */
int sys_udp_tunnel(const struct sockaddr_in *local, const struct sockaddr_in *peer,
		   uint32_t mark);
/* The tunnel's socket follows its peer to @peer (connect again): 0 or -1. */
int sys_udp_reconnect(int fd, const struct sockaddr_in *peer);
/*
 * One datagram: its length, -1 when there is none (errno EAGAIN) or on
 * error. @from, @to (the address it was sent to) and @mark (the mark it
 * came with: its IPsec SA's, see config.h) may be NULL.
 */
ssize_t sys_recv(int fd, void *buf, size_t len, struct sockaddr_in *from,
		 struct in_addr *to, uint32_t *mark);
/* @to NULL: the socket's peer. */
int sys_send(int fd, const void *buf, size_t len, const struct sockaddr_in *to);
void sys_close(int fd);

/* The event loop watches @fd for input and hands back @tag. */
int sys_watch(struct lns *lns, int fd, void *tag);
void sys_unwatch(struct lns *lns, int fd);

/* l2tp_core: 0 or -errno. */
int sys_tunnel_create(struct tunnel *t);
int sys_tunnel_delete(struct tunnel *t);
int sys_session_create(struct session *s);
int sys_session_delete(struct session *s);

/* l2tpfast.ko, when it is loaded: 0 or -errno. */
int sys_tunnel_attach(struct tunnel *t);
void sys_tunnel_detach(struct tunnel *t);
int sys_session_annotate(struct session *s);
/*
 * The netns's IPsec switch in l2tpfast.ko (net-set): L2TP to @port only
 * through an IPsec SA when @required. 0 or -errno (-ENODEV: no module).
 */
int sys_net_set(struct lns *lns, int required, uint16_t port);
/*
 * The SAs l2tpfast saw @t's packets go through: 0 and *spi_in, *reqid
 * (spi_in 0: none yet), or -errno.
 */
int sys_tunnel_ipsec(struct tunnel *t, uint32_t *spi_in, uint32_t *reqid);
/*
 * Is the inbound SA @t's packets last came through (t->sa_spi_in, learnt
 * again first: tunnel_learn_sa) gone from the kernel? 1 if so; 0 if it is
 * there or nothing is known (xfrm.c).
 */
int sys_tunnel_sa_gone(struct tunnel *t);

/*
 * pppd for @s on a PPPoL2TP socket of its own, with @argv: its pid, or -1
 * and errno. Its exit comes back through session_pppd_exited().
 */
pid_t sys_pppd_start(struct session *s, const char *const *argv);
void sys_pppd_stop(pid_t pid);

#endif /* L2TPFASTD_SYS_H */
