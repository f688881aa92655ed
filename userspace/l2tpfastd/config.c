// SPDX-License-Identifier: GPL-2.0
/*
 * xl2tpd.conf, line by line as xl2tpd reads it: ';' starts a comment
 * anywhere, a line starting with '#' is one too; "[section]" or
 * "key = value", white space around both ignored, lines of any length.
 * An indented line is a line like any other (inih would join it to the
 * value before).
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

struct parse {
	struct config *cfg;
	FILE *f;
	int line;
	struct lns_config *lns;		/* the section being read, or NULL */
	int in_global;
	char *err;
	size_t errlen;
};

static int fail(struct parse *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (p->err[0])		/* the first error is the one to fix */
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->cfg->path, p->line, msg);
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int parse_ip(const char *v, uint32_t *ip)
{
	struct in_addr a;

	if (inet_pton(AF_INET, v, &a) != 1)
		return -1;
	*ip = ntohl(a.s_addr);
	return 0;
}

/* An address or, as xl2tpd allows, a host name (its first IPv4 address). */
static int parse_host(const char *v, uint32_t *ip)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res;

	if (!parse_ip(v, ip))
		return 0;
	/* Digits and dots are an address or nothing (getaddrinfo takes "9"). */
	if (!*v || strspn(v, "0123456789.") == strlen(v) ||
	    getaddrinfo(v, NULL, &hints, &res))
		return -1;
	*ip = ntohl(((const struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr);
	freeaddrinfo(res);
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	return s;
}

/* The part after '-': an address, a host name, or the last octet. */
static int parse_range_end(char *v, struct ip_range *x)
{
	char *end;
	unsigned long octet;

	v = trim(v);
	if (!parse_host(v, &x->last))
		return 0;
	octet = strtoul(v, &end, 10);
	if (!*v || *end || octet > 255)
		return -1;
	x->last = (x->first & 0xffffff00u) | (uint32_t)octet;
	return 0;
}

/*
 * "A", "A-B" or "A-e" (the last octet), spaces allowed around '-'; A and
 * B addresses or host names. Names are looked up only when what is
 * written is not an address range (a name may have a '-' in it).
 */
static int parse_range(char *tok, struct ip_range *x)
{
	char *dash, left[CFG_STR];

	tok = trim(tok);
	dash = strchr(tok, '-');
	if (dash && (size_t)(dash - tok) < sizeof(left)) {
		memcpy(left, tok, (size_t)(dash - tok));
		left[dash - tok] = '\0';
		if (!parse_ip(trim(left), &x->first))
			return parse_range_end(dash + 1, x);
	}
	if (!parse_host(tok, &x->first)) {
		x->last = x->first;
		return 0;
	}
	if (!dash || (size_t)(dash - tok) >= sizeof(left))
		return -1;
	if (parse_host(trim(left), &x->first))
		return -1;
	return parse_range_end(dash + 1, x);
}

/* Ranges, comma-separated. */
static int parse_ranges(const char *v, struct ip_ranges *r)
{
	char *buf = strdup(v), *save = NULL, *tok;
	int ret = buf ? 0 : -1;

	for (tok = buf ? strtok_r(buf, ",", &save) : NULL; tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		struct ip_range x;

		if (parse_range(tok, &x) || x.last < x.first || r->n == CFG_MAX_RANGES)
			ret = -1;
		else
			r->r[r->n++] = x;
	}
	free(buf);
	return ret;
}

int ip_ranges_contain(const struct ip_ranges *r, uint32_t ip)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (ip >= r->r[i].first && ip <= r->r[i].last)
			return 1;
	return 0;
}

static int set_str(struct parse *p, char *dst, const char *v, const char *key)
{
	if (strlen(v) >= CFG_STR)
		return fail(p, "'%s' is longer than %d characters", key, CFG_STR - 1);
	snprintf(dst, CFG_STR, "%s", v);
	return 1;
}

static int set_bool(struct parse *p, int *dst, const char *v, const char *key)
{
	if (parse_bool(v, dst))
		return fail(p, "'%s' takes yes or no, not '%s'", key, v);
	return 1;
}

static int set_tri(struct parse *p, enum tri *dst, const char *v, const char *key)
{
	int b;

	if (parse_bool(v, &b))
		return fail(p, "'%s' takes yes or no, not '%s'", key, v);
	*dst = b ? TRI_YES : TRI_NO;
	return 1;
}

static int set_int(struct parse *p, int *dst, const char *v, const char *key,
		   long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < min || n > max)
		return fail(p, "'%s' takes a number from %ld to %ld, not '%s'",
			    key, min, max, v);
	*dst = (int)n;
	return 1;
}

/* A 32-bit mask, in hex (0x...) or decimal; 0 turns marks off. */
static int set_mask(struct parse *p, uint32_t *dst, const char *v,
		    const char *key)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(v, &end, 0);
	if (errno || *end || end == v || *v == '-' || n > UINT32_MAX)
		return fail(p, "'%s' takes a 32-bit mask such as 0x00ffffff, not '%s'",
			    key, v);
	*dst = (uint32_t)n;
	return 1;
}

/* Keys xl2tpd knows that l2tpfastd does not do, and why. */
static const struct {
	const char *key;
	const char *why;
} refused[] = {
	{ "ipsec saref", "Openswan SAref kernel patches are not used; IPsec SAs are followed by l2tpfast.ko" },
	{ "saref refinfo", "Openswan SAref kernel patches are not used" },
	{ "unix authentication", "pppd 'login' against the system's passwords is not supported; use chap-secrets" },
	{ "unix auth", "pppd 'login' against the system's passwords is not supported; use chap-secrets" },
	{ "remote ip", "one peer address for every call is not supported; addresses come from 'ip range'" },
	{ "defaultroute", "a LAC key (a default route through the tunnel): l2tpfastd is an LNS" },
	{ "local ip range", "a local address per session is not supported; use 'local ip'" },
	{ "pass peer", "passing the peer address to pppd is not supported" },
	{ "rand source", "l2tpfastd always uses getrandom()" },
	{ "autodial", "a LAC key: l2tpfastd is an LNS" },
	{ "redial", "a LAC key: l2tpfastd is an LNS" },
	{ "redial timeout", "a LAC key: l2tpfastd is an LNS" },
	{ "max redials", "a LAC key: l2tpfastd is an LNS" },
	{ "lns", "a LAC key: l2tpfastd is an LNS" },
};

static int global_key(struct parse *p, const char *k, const char *v)
{
	struct config *c = p->cfg;
	int port;

	if (!strcasecmp(k, "port")) {
		if (set_int(p, &port, v, k, 1, 65535) == 0)
			return 0;
		c->port = (uint16_t)port;
		return 1;
	}
	if (!strcasecmp(k, "listen-addr")) {
		if (inet_pton(AF_INET, v, &c->listen_addr) != 1)
			return fail(p, "'listen-addr' takes an IPv4 address, not '%s'", v);
		return 1;
	}
	if (!strcasecmp(k, "auth file"))
		return set_str(p, c->auth_file, v, k);
	if (!strcasecmp(k, "access control"))
		return set_bool(p, &c->access_control, v, k);
	if (!strcasecmp(k, "ipsec required"))
		return set_bool(p, &c->ipsec_required, v, k);
	if (!strcasecmp(k, "ipsec mark mask"))
		return set_mask(p, &c->ipsec_mark_mask, v, k);
	if (!strcasecmp(k, "max retries"))
		return set_int(p, &c->max_retries, v, k, 1, 100);
	if (!strcasecmp(k, "force userspace")) {
		int on;

		if (set_bool(p, &on, v, k) == 0)
			return 0;
		if (on)
			return fail(p, "'force userspace = yes' is not supported: l2tpfastd's data path is the kernel's (l2tp_core)");
		return 1;
	}
	if (!strcasecmp(k, "cap backoff"))
		return set_int(p, &c->cap_backoff, v, k, 1, 3600);
	if (!strcasecmp(k, "max tunnels"))
		return set_int(p, &c->max_tunnels, v, k, 1, 32768);	/* ids stay easy to find */
	if (!strcasecmp(k, "max tunnels per peer"))
		return set_int(p, &c->max_tunnels_per_peer, v, k, 1, 65535);
	if (!strcasecmp(k, "max half-open"))
		return set_int(p, &c->max_half_open, v, k, 1, 65535);
	if (!strcasecmp(k, "max sessions"))
		return set_int(p, &c->max_calls, v, k, 1, 1000000);
	if (!strcasecmp(k, "max sessions per tunnel"))
		return set_int(p, &c->max_sessions, v, k, 1, 65535);
	if (!strcasecmp(k, "max starting"))
		return set_int(p, &c->max_starting, v, k, 1, 65535);
	if (!strcasecmp(k, "setup timeout"))
		return set_int(p, &c->setup_timeout, v, k, 5, 300);
	if (!strncasecmp(k, "debug ", 6)) {
		int on;

		if (set_bool(p, &on, v, k) == 0)
			return 0;
		c->debug |= on;
		return 1;
	}
	return -1;
}

static int lns_ranges(struct parse *p, struct ip_ranges *r, const char *k,
		      const char *v)
{
	if (parse_ranges(v, r))
		return fail(p, "'%s': '%s' is not an address or range a.b.c.d-a.b.c.e (at most %d)",
			    k, v, CFG_MAX_RANGES);
	return 1;
}

static int lns_key(struct parse *p, const char *k, const char *v)
{
	struct lns_config *l = p->lns;

	if (!strcasecmp(k, "exclusive"))
		return set_bool(p, &l->exclusive, v, k);
	if (!strcasecmp(k, "assign ip"))
		return set_bool(p, &l->assign_ip, v, k);
	if (!strcasecmp(k, "ip range"))
		return lns_ranges(p, &l->ip_range, k, v);
	if (!strcasecmp(k, "no ip range"))
		return lns_ranges(p, &l->no_ip_range, k, v);
	if (!strcasecmp(k, "lac"))
		return lns_ranges(p, &l->lac, k, v);
	if (!strcasecmp(k, "no lac"))
		return lns_ranges(p, &l->no_lac, k, v);
	if (!strcasecmp(k, "local ip")) {
		if (parse_ip(v, &l->local_ip))
			return fail(p, "'local ip' takes an IPv4 address, not '%s'", v);
		return 1;
	}
	if (!strcasecmp(k, "require chap"))
		return set_tri(p, &l->require_chap, v, k);
	if (!strcasecmp(k, "refuse chap"))
		return set_tri(p, &l->refuse_chap, v, k);
	if (!strcasecmp(k, "require pap"))
		return set_tri(p, &l->require_pap, v, k);
	if (!strcasecmp(k, "refuse pap"))
		return set_tri(p, &l->refuse_pap, v, k);
	if (!strcasecmp(k, "require authentication") || !strcasecmp(k, "require auth"))
		return set_tri(p, &l->require_auth, v, k);
	if (!strcasecmp(k, "refuse authentication") || !strcasecmp(k, "refuse auth"))
		return set_tri(p, &l->refuse_auth, v, k);
	if (!strcasecmp(k, "challenge"))
		return set_bool(p, &l->challenge, v, k);
	if (!strcasecmp(k, "hidden bit"))
		return set_bool(p, &l->hidden_bit, v, k);
	if (!strcasecmp(k, "length bit"))
		return set_bool(p, &l->length_bit, v, k);
	if (!strcasecmp(k, "flow bit"))
		return set_bool(p, &l->flow_bit, v, k);
	if (!strcasecmp(k, "ppp debug"))
		return set_bool(p, &l->ppp_debug, v, k);
	if (!strcasecmp(k, "name"))
		return set_str(p, l->ppp_name, v, k);
	if (!strcasecmp(k, "hostname"))
		return set_str(p, l->hostname, v, k);
	if (!strcasecmp(k, "pppoptfile"))
		return set_str(p, l->pppoptfile, v, k);
	if (!strcasecmp(k, "tunnel rws"))
		return set_int(p, &l->tunnel_rws, v, k, 1, 64);
	if (!strcasecmp(k, "call rws"))
		return set_int(p, &l->call_rws, v, k, -1, 64);
	if (!strcasecmp(k, "tx bps") || !strcasecmp(k, "rx bps") ||
	    !strcasecmp(k, "bps")) {
		int bps;

		if (set_int(p, &bps, v, k, 1, 2000000000) == 0)
			return 0;
		if (strcasecmp(k, "rx bps"))
			l->tx_bps = bps;
		if (strcasecmp(k, "tx bps"))
			l->rx_bps = bps;
		return 1;
	}
	return -1;
}

static void lns_defaults(struct lns_config *l, const char *name, int line)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->line = line;
	l->length_bit = 1;
	l->assign_ip = 1;
	l->tunnel_rws = 4;
	l->call_rws = -1;
	l->require_chap = l->refuse_chap = TRI_UNSET;
	l->require_pap = l->refuse_pap = TRI_UNSET;
	l->require_auth = l->refuse_auth = TRI_UNSET;
}

static int section(struct parse *p, const char *s)
{
	int i;

	p->lns = NULL;
	p->in_global = 0;
	if (!strcasecmp(s, "global")) {
		p->in_global = 1;
		return 1;
	}
	if (!strncasecmp(s, "lac ", 4) || !strcasecmp(s, "lac"))
		return fail(p, "[%s]: l2tpfastd is an LNS; LAC sections are not supported", s);
	if (strncasecmp(s, "lns ", 4))
		return fail(p, "unknown section [%s] (expected [global] or [lns NAME])", s);
	s += 4;
	for (i = 0; i < p->cfg->n_lns; i++)
		if (!strcmp(p->cfg->lns[i].name, s)) {
			p->lns = &p->cfg->lns[i];	/* xl2tpd merges a repeated section */
			return 1;
		}
	if (p->cfg->n_lns == CFG_MAX_LNS)
		return fail(p, "more than %d [lns] sections", CFG_MAX_LNS);
	p->lns = &p->cfg->lns[p->cfg->n_lns++];
	lns_defaults(p->lns, s, p->line);
	return 1;
}

static int entry(struct parse *p, const char *k, const char *v)
{
	size_t i;
	int r;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (!strcasecmp(k, refused[i].key))
			return fail(p, "'%s' is not supported: %s", k, refused[i].why);
	if (p->in_global)
		r = global_key(p, k, v);
	else if (p->lns)
		r = lns_key(p, k, v);
	else
		return fail(p, "'%s' outside any section", k);
	if (r < 0)
		return fail(p, "unknown key '%s' in [%s%s]", k,
			    p->in_global ? "global" : "lns ",
			    p->in_global ? "" : p->lns->name);
	return r;
}

/* One line; 0 once an error is recorded. */
static int config_line(struct parse *p, char *line)
{
	char *s, *eq;

	line[strcspn(line, ";")] = '\0';
	s = trim(line);
	if (!*s || *s == '#')
		return 1;
	if (*s == '[') {
		char *end = strchr(s, ']');

		if (!end || *trim(end + 1))
			return fail(p, "a section is '[global]' or '[lns NAME]', not '%s'", s);
		*end = '\0';
		return section(p, trim(s + 1));
	}
	eq = strchr(s, '=');
	if (!eq)
		return fail(p, "'%s': a line is 'key = value'", s);
	*eq = '\0';
	return entry(p, trim(s), trim(eq + 1));
}

/* Settings that contradict one another, section by section. */
static void config_check(struct parse *p)
{
	int i;

	for (i = 0; i < p->cfg->n_lns && !p->err[0]; i++) {
		const struct lns_config *l = &p->cfg->lns[i];

		p->line = l->line;
		if (l->require_chap == TRI_YES && l->refuse_chap == TRI_YES)
			fail(p, "[lns %s]: 'require chap' and 'refuse chap' both yes", l->name);
		else if (l->require_pap == TRI_YES && l->refuse_pap == TRI_YES)
			fail(p, "[lns %s]: 'require pap' and 'refuse pap' both yes", l->name);
		else if (l->require_auth == TRI_NO &&
			 (l->require_chap == TRI_YES || l->require_pap == TRI_YES))
			fail(p, "[lns %s]: 'require authentication = no' contradicts 'require %s = yes'",
			     l->name, l->require_chap == TRI_YES ? "chap" : "pap");
	}
}

static void config_defaults(struct config *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->port = 1701;
	c->ipsec_mark_mask = 0x00ffffff;
	snprintf(c->auth_file, sizeof(c->auth_file), "%s", "/etc/xl2tpd/l2tp-secrets");
	c->max_retries = 5;
	c->max_tunnels = 4000;
	c->max_tunnels_per_peer = 256;	/* many clients behind one NAT */
	c->max_half_open = 256;
	c->max_sessions = 1024;
	c->max_calls = 8000;
	c->max_starting = 64;
	c->setup_timeout = 30;
}

int config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	struct config *c = calloc(1, sizeof(*c));
	struct parse p = { .cfg = c, .err = err, .errlen = errlen };
	char *line = NULL;
	size_t cap = 0;

	if (!c) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	err[0] = '\0';
	config_defaults(c, path);
	p.f = fopen(path, "r");
	if (!p.f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(c);
		return -1;
	}
	while (!err[0] && getline(&line, &cap, p.f) >= 0) {
		p.line++;
		config_line(&p, line);
	}
	free(line);
	fclose(p.f);
	if (!err[0])
		config_check(&p);
	if (!err[0] && c->n_lns == 0)
		snprintf(err, errlen, "%s: no [lns] section: nothing to serve", path);
	if (err[0]) {
		free(c);
		return -1;
	}
	*cfg = *c;
	free(c);
	return 0;
}

static int lns_admits(const struct lns_config *l, uint32_t peer)
{
	if (ip_ranges_contain(&l->no_lac, peer))
		return 0;
	return ip_ranges_contain(&l->lac, peer);
}

const struct lns_config *config_lns_for(const struct config *cfg,
					uint32_t peer_ip)
{
	const struct lns_config *dflt = NULL;
	int i;

	for (i = 0; i < cfg->n_lns; i++) {
		const struct lns_config *l = &cfg->lns[i];

		if (lns_admits(l, peer_ip))
			return l;
		if (!strcmp(l->name, "default"))
			dflt = l;
	}
	/* access control: only peers listed in some "lac" are let in. */
	if (cfg->access_control)
		return NULL;
	return dflt ? dflt : &cfg->lns[0];
}
