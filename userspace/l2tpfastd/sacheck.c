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

static int by_reqid_cmp(const void *a, const void *b)
{
	const struct sa_state *x = *(const struct sa_state * const *)a;
	const struct sa_state *y = *(const struct sa_state * const *)b;

	return x->reqid < y->reqid ? -1 : x->reqid > y->reqid;
}

/* Is @o another client's SA with the reqid of @own, into its address? */
static int other_client(const struct sa_state *own, const struct sa_state *o)
{
	return o != own && o->daddr == own->daddr && o->added >= own->added &&
	       (o->saddr != own->saddr || o->sport != own->sport);
}

/* Tunnel @t's range of @v (n SAs sorted by reqid): displaced? */
static int one_displaced(const struct sa_tunnel *t,
			 const struct sa_state **v, size_t n)
{
	const struct sa_state *own = NULL;
	size_t lo = 0, up = n, i;

	while (lo < up) {
		size_t mid = lo + (up - lo) / 2;

		if (v[mid]->reqid < t->reqid)
			lo = mid + 1;
		else
			up = mid;
	}
	for (i = lo; i < n && v[i]->reqid == t->reqid; i++)
		if (v[i]->spi == t->spi_in &&
		    (!t->local || v[i]->daddr == t->local))
			own = v[i];
	if (!own)
		return 0;	/* sa_lost()'s matter */
	for (i = lo; i < n && v[i]->reqid == t->reqid; i++)
		if (other_client(own, v[i]))
			return 1;
	return 0;
}

int sa_displaced(const struct sa_tunnel *t, size_t nt,
		 const struct sa_state *sa, size_t ns,
		 unsigned char *displaced)
{
	const struct sa_state **v;
	size_t i, n = 0;
	int n_out = 0;

	memset(displaced, 0, nt);
	v = malloc((ns ? ns : 1) * sizeof(*v));
	if (!v)
		return -1;
	for (i = 0; i < ns; i++)
		if (sa[i].proto == IPPROTO_ESP && sa[i].spi)
			v[n++] = &sa[i];
	qsort(v, n, sizeof(*v), by_reqid_cmp);
	for (i = 0; i < nt; i++) {
		if (!t[i].marked || !t[i].reqid || !t[i].spi_in ||
		    !one_displaced(&t[i], v, n))
			continue;
		displaced[i] = 1;
		n_out++;
	}
	free(v);
	return n_out;
}
