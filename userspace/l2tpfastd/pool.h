/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The addresses an lns section hands out: its "ip range"s, less "no ip
 * range", its "local ip", and the addresses chap-secrets pins to users
 * (pppd gives those to their users itself).
 */
#ifndef L2TPFASTD_POOL_H
#define L2TPFASTD_POOL_H

#include <stdint.h>

#include "config.h"

#define POOL_MAX 65536

struct pool {
	uint32_t *addr;		/* host order */
	uint8_t *used;
	uint32_t n, n_used;
};

/* pinned: addresses chap-secrets gives to users (may be NULL). */
int pool_init(struct pool *p, const struct lns_config *l,
	      const uint32_t *pinned, int n_pinned);
void pool_free(struct pool *p);
/* 0 and the address, or -1 when every address is taken. */
int pool_get(struct pool *p, uint32_t *ip);
void pool_put(struct pool *p, uint32_t ip);

/* The IPv4 addresses in the fourth column of a chap-secrets file. */
int chap_secrets_pinned(const char *path, uint32_t *out, int max);

#endif /* L2TPFASTD_POOL_H */
