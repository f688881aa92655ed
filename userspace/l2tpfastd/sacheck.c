// SPDX-License-Identifier: GPL-2.0
/*
 * Which tunnels have lost their last inbound IPsec SA; see sacheck.h.
 *
 * The SAs become two sorted key arrays, (reqid, daddr) and (saddr, daddr),
 * each key 64 bits with the destination in host order in the low half, so
 * that "any of our addresses" is the range of one high half.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sacheck.h"

static uint64_t key(uint32_t hi, uint32_t daddr)
{
	return (uint64_t)hi << 32 | ntohl(daddr);
}

static int key_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Is there a key with high half @hi and, unless @daddr is 0, low half @daddr? */
static int has(const uint64_t *k, size_t n, uint32_t hi, uint32_t daddr)
{
	uint64_t want = key(hi, daddr);
	size_t lo = 0, up = n;

	/* The first key >= want. */
	while (lo < up) {
		size_t mid = lo + (up - lo) / 2;

		if (k[mid] < want)
			lo = mid + 1;
		else
			up = mid;
	}
	if (lo == n)
		return 0;
	if (daddr)
		return k[lo] == want;
	return (uint32_t)(k[lo] >> 32) == hi;
}

int sa_lost(const struct sa_tunnel *t, size_t nt, const struct sa_state *sa,
	    size_t ns, unsigned char *lost)
{
	uint64_t *by_reqid, *by_peer;
	size_t i, n = 0;
	int n_lost = 0;

	memset(lost, 0, nt);
	by_reqid = malloc((ns ? ns : 1) * sizeof(*by_reqid));
	by_peer = malloc((ns ? ns : 1) * sizeof(*by_peer));
	if (!by_reqid || !by_peer) {
		free(by_reqid);
		free(by_peer);
		return -1;
	}
	for (i = 0; i < ns; i++) {
		if (sa[i].proto != IPPROTO_ESP || !sa[i].spi)
			continue;
		by_reqid[n] = key(sa[i].reqid, sa[i].daddr);
		by_peer[n] = key(ntohl(sa[i].saddr), sa[i].daddr);
		n++;
	}
	qsort(by_reqid, n, sizeof(*by_reqid), key_cmp);
	qsort(by_peer, n, sizeof(*by_peer), key_cmp);
	for (i = 0; i < nt; i++) {
		int left;

		if (t[i].reqid)
			left = has(by_reqid, n, t[i].reqid, t[i].local);
		else
			left = has(by_peer, n, ntohl(t[i].peer), t[i].local);
		if (!left) {
			lost[i] = 1;
			n_lost++;
		}
	}
	free(by_reqid);
	free(by_peer);
	return n_lost;
}

static uint32_t sort_mask;	/* for by_mark_cmp(): qsort has no context */

static int by_spi_cmp(const void *a, const void *b)
{
	const struct sa_state *x = *(const struct sa_state * const *)a;
	const struct sa_state *y = *(const struct sa_state * const *)b;

	return x->spi < y->spi ? -1 : x->spi > y->spi;
}

static int by_mark_cmp(const void *a, const void *b)
{
	uint32_t x = (*(const struct sa_state * const *)a)->mark & sort_mask;
	uint32_t y = (*(const struct sa_state * const *)b)->mark & sort_mask;

	return x < y ? -1 : x > y;
}

/* The first of @v (n, sorted by @key) whose key is not below @want. */
static size_t lower_bound(const struct sa_state **v, size_t n, uint32_t want,
			  uint32_t (*key_of)(const struct sa_state *))
{
	size_t lo = 0, up = n;

	while (lo < up) {
		size_t mid = lo + (up - lo) / 2;

		if (key_of(v[mid]) < want)
			lo = mid + 1;
		else
			up = mid;
	}
	return lo;
}

static uint32_t spi_key(const struct sa_state *s)
{
	return s->spi;
}

static uint32_t mark_key(const struct sa_state *s)
{
	return s->mark & sort_mask;
}

/* Does @out (an outbound SA) lead elsewhere than @in comes from? */
static int leads_elsewhere(const struct sa_state *in, const struct sa_state *out)
{
	return out->saddr == in->daddr && out->added >= in->added &&
	       (out->daddr != in->saddr || out->dport != in->sport);
}

static int one_displaced(const struct sa_tunnel *t,
			 const struct sa_state **by_spi,
			 const struct sa_state **by_mark, size_t n)
{
	const struct sa_state *own = NULL;
	size_t i;

	for (i = lower_bound(by_spi, n, t->spi_in, spi_key);
	     i < n && by_spi[i]->spi == t->spi_in; i++)
		if (!t->local || by_spi[i]->daddr == t->local)
			own = by_spi[i];
	if (!own)
		return 0;	/* sa_lost()'s matter */
	for (i = lower_bound(by_mark, n, t->mark, mark_key);
	     i < n && mark_key(by_mark[i]) == t->mark; i++)
		if (leads_elsewhere(own, by_mark[i]))
			return 1;
	return 0;
}

int sa_displaced(const struct sa_tunnel *t, size_t nt,
		 const struct sa_state *sa, size_t ns,
		 unsigned char *displaced)
{
	const struct sa_state **by_spi, **by_mark;
	unsigned char *done;
	size_t i, j, n = 0;
	int n_out = 0;

	memset(displaced, 0, nt);
	by_spi = malloc((ns ? ns : 1) * sizeof(*by_spi));
	by_mark = malloc((ns ? ns : 1) * sizeof(*by_mark));
	done = calloc(nt ? nt : 1, 1);
	if (!by_spi || !by_mark || !done) {
		free(by_spi);
		free(by_mark);
		free(done);
		return -1;
	}
	for (i = 0; i < ns; i++)
		if (sa[i].proto == IPPROTO_ESP && sa[i].spi)
			by_spi[n++] = &sa[i];
	memcpy(by_mark, by_spi, n * sizeof(*by_mark));
	qsort(by_spi, n, sizeof(*by_spi), by_spi_cmp);
	/*
	 * One pass per mask the tunnels were bound under: a reload may have
	 * changed 'ipsec mark mask' since older ones were (one in practice).
	 */
	for (i = 0; i < nt; i++) {
		if (done[i])
			continue;
		sort_mask = t[i].mask;
		qsort(by_mark, n, sizeof(*by_mark), by_mark_cmp);
		for (j = i; j < nt; j++) {
			if (done[j] || t[j].mask != sort_mask)
				continue;
			done[j] = 1;
			if (!t[j].mark || !t[j].spi_in ||
			    !one_displaced(&t[j], by_spi, by_mark, n))
				continue;
			displaced[j] = 1;
			n_out++;
		}
	}
	free(by_spi);
	free(by_mark);
	free(done);
	return n_out;
}
