// SPDX-License-Identifier: GPL-2.0
/* Printing tunnel endpoints; see addr.h. */

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "addr.h"

void lf_addr_format(const struct lf_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (!a->family || !inet_ntop(a->family, a->addr, ip, sizeof(ip))) {
		snprintf(buf, len, "-");
		return;
	}
	if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", ip, a->port);
	else
		snprintf(buf, len, "%s:%u", ip, a->port);
}
