/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A PPPoL2TP socket for a session of a kernel tunnel: what pppd's pppol2tp
 * plugin runs PPP over. The tunnel's UDP socket @fd and @remote (IPv4 or
 * IPv6) must be the ones the kernel tunnel was made with.
 */
#ifndef L2TPFAST_PPPOL2TP_H
#define L2TPFAST_PPPOL2TP_H

#include <stdint.h>
#include <sys/socket.h>

/* The connected socket, or -1 with errno set. */
int lf_pppol2tp_connect(int fd, const struct sockaddr *remote, uint32_t tid,
			uint32_t ptid, uint32_t sid, uint32_t psid);

#endif /* L2TPFAST_PPPOL2TP_H */
