// SPDX-License-Identifier: GPL-2.0
/* PPPoL2TP sockets; see pppol2tp.h. */

#include <netinet/in.h>	/* before the linux/ headers: glibc's in.h wins */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>

#include "pppol2tp.h"

int lf_pppol2tp_connect(int fd, const struct sockaddr *remote, uint32_t tid,
			uint32_t ptid, uint32_t sid, uint32_t psid)
{
	struct sockaddr_pppol2tpin6 s6 = { 0 };
	struct sockaddr_pppol2tp s4 = { 0 };
	int pfd = socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP), err;

	if (pfd < 0)
		return -1;
	if (remote->sa_family == AF_INET6) {
		s6.sa_family = AF_PPPOX;
		s6.sa_protocol = PX_PROTO_OL2TP;
		s6.pppol2tp.fd = fd;
		memcpy(&s6.pppol2tp.addr, remote, sizeof(s6.pppol2tp.addr));
		s6.pppol2tp.s_tunnel = (uint16_t)tid;
		s6.pppol2tp.d_tunnel = (uint16_t)ptid;
		s6.pppol2tp.s_session = (uint16_t)sid;
		s6.pppol2tp.d_session = (uint16_t)psid;
		if (connect(pfd, (struct sockaddr *)&s6, sizeof(s6)) == 0)
			return pfd;
	} else {
		s4.sa_family = AF_PPPOX;
		s4.sa_protocol = PX_PROTO_OL2TP;
		s4.pppol2tp.fd = fd;
		memcpy(&s4.pppol2tp.addr, remote, sizeof(s4.pppol2tp.addr));
		s4.pppol2tp.s_tunnel = (uint16_t)tid;
		s4.pppol2tp.d_tunnel = (uint16_t)ptid;
		s4.pppol2tp.s_session = (uint16_t)sid;
		s4.pppol2tp.d_session = (uint16_t)psid;
		if (connect(pfd, (struct sockaddr *)&s4, sizeof(s4)) == 0)
			return pfd;
	}
	err = errno;
	close(pfd);
	errno = err;
	return -1;
}
