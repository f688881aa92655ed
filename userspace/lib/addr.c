// SPDX-License-Identifier: GPL-2.0
/* Printing tunnel endpoints; see addr.h. */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
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

void lf_addr_format_ip(const struct lf_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, a->addr, buf, (socklen_t)len))
		snprintf(buf, len, "-");
}

int lf_addr_parse_ip(const char *s, struct lf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, a->addr) == 1)
		a->family = AF_INET6;
	else
		return -1;
	return 0;
}
