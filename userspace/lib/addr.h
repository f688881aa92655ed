/* SPDX-License-Identifier: GPL-2.0 */
#ifndef L2TPFAST_ADDR_H
#define L2TPFAST_ADDR_H

#include <stddef.h>
#include <stdint.h>

/* One end of a tunnel's UDP socket. */
struct lf_addr {
	int family;		/* AF_INET, AF_INET6, 0 if unknown */
	uint8_t addr[16];	/* network order */
	uint16_t port;		/* host order */
};

/* "192.0.2.1:1701", "[2001:db8::1]:1701", or "-" */
void lf_addr_format(const struct lf_addr *a, char *buf, size_t len);

/* The address alone: "192.0.2.1", "2001:db8::1", or "-". */
void lf_addr_format_ip(const struct lf_addr *a, char *buf, size_t len);
/* An IPv4 or IPv6 address; -1 if it is neither. */
int lf_addr_parse_ip(const char *s, struct lf_addr *a);

#endif /* L2TPFAST_ADDR_H */
