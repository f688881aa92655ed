// SPDX-License-Identifier: GPL-2.0
/* IPv4 address pools; see pool.h. */

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

static int excluded(const struct lns_config *l, const uint32_t *pinned,
		    int n_pinned, uint32_t ip)
{
	int i;

	if (ip == l->local_ip || ip_ranges_contain(&l->no_ip_range, ip))
		return 1;
	for (i = 0; i < n_pinned; i++)
		if (pinned[i] == ip)
			return 1;
	return 0;
}

int pool_init(struct pool *p, const struct lns_config *l,
	      const uint32_t *pinned, int n_pinned)
{
	uint64_t ip;
	int i;

	memset(p, 0, sizeof(*p));
	p->addr = calloc(POOL_MAX, sizeof(*p->addr));
	if (!p->addr)
		return -1;
	for (i = 0; i < l->ip_range.n; i++)
		for (ip = l->ip_range.r[i].first;
		     ip <= l->ip_range.r[i].last && p->n < POOL_MAX; ip++)
			if (!excluded(l, pinned, n_pinned, (uint32_t)ip))
				p->addr[p->n++] = (uint32_t)ip;
	p->used = calloc(p->n ? p->n : 1, 1);
	if (!p->used) {
		pool_free(p);
		return -1;
	}
	return 0;
}

void pool_free(struct pool *p)
{
	free(p->addr);
	free(p->used);
	memset(p, 0, sizeof(*p));
}

int pool_get(struct pool *p, uint32_t *ip)
{
	uint32_t i;

	for (i = 0; i < p->n; i++)
		if (!p->used[i]) {
			p->used[i] = 1;
			p->n_used++;
			*ip = p->addr[i];
			return 0;
		}
	return -1;
}

void pool_put(struct pool *p, uint32_t ip)
{
	uint32_t i;

	for (i = 0; i < p->n; i++)
		if (p->addr[i] == ip && p->used[i]) {
			p->used[i] = 0;
			p->n_used--;
			return;
		}
}

/* One whitespace-separated field, "quoted" or not; advances *s. */
static int field(char **s, char *out, size_t len)
{
	char *p = *s, quote = 0;
	size_t n = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return -1;
	if (*p == '"' || *p == '\'')
		quote = *p++;
	while (*p && (quote ? *p != quote : !isspace((unsigned char)*p))) {
		if (n + 1 < len)
			out[n++] = *p;
		p++;
	}
	if (quote && *p)
		p++;
	out[n] = '\0';
	*s = p;
	return 0;
}

int chap_secrets_pinned(const char *path, uint32_t *out, int max)
{
	char line[1024], f[256];
	int n = 0, i;
	FILE *fp = fopen(path, "r");

	if (!fp)
		return 0;
	while (n < max && fgets(line, sizeof(line), fp)) {
		char *s = line;
		struct in_addr a;

		for (i = 0; i < 3; i++)
			if (field(&s, f, sizeof(f)))
				break;
		if (i < 3)
			continue;
		while (n < max && !field(&s, f, sizeof(f)))
			if (inet_pton(AF_INET, f, &a) == 1)
				out[n++] = ntohl(a.s_addr);
	}
	fclose(fp);
	return n;
}
