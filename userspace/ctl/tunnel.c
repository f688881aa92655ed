// SPDX-License-Identifier: GPL-2.0
/*
 * l2tpfast-ctl attach / detach / reset: which tunnels l2tpfast follows.
 * attach takes a tunnel made with `ip l2tp add tunnel ... encap udp`: the
 * kernel's l2tp family says where its socket is, l2tpfast attaches to it.
 */

#include <errno.h>
#include <netinet/in.h>	/* before linux/l2tp.h: glibc's own in.h wins */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/l2tp.h>

#include "ctl.h"
#include "l2tp.h"

int parse_tunnel_id(const char *cmd, const char *s, uint32_t *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = s ? strtoul(s, &end, 0) : 0;
	if (!s || errno || *end || v == 0 || v > UINT32_MAX) {
		fprintf(stderr, "l2tpfast-ctl %s: expected a tunnel id (1-%u), got '%s'\n",
			cmd, UINT32_MAX, s ? s : "");
		return -1;
	}
	*id = (uint32_t)v;
	return 0;
}

void report_error(const char *cmd, uint32_t id, int err)
{
	if (err == -EPERM)
		fprintf(stderr, "l2tpfast-ctl %s: permission denied: l2tpfast's figures name subscribers (users, addresses, peers), so reading them needs CAP_NET_ADMIN in this network namespace, as ip l2tp does (run it as root)\n",
			cmd);
	else if (!id && (err == -ENOENT || err == -ENODEV))
		fprintf(stderr, "l2tpfast-ctl %s: %s\n", cmd, lf_genl_strerror(err));
	else if (err == -ENOENT || err == -ENODEV)
		fprintf(stderr, "l2tpfast-ctl %s: tunnel %u not found%s\n", cmd,
			id, strcmp(cmd, "attach") ? " (is it attached?)" :
			" (ip l2tp show tunnel lists the tunnels)");
	else if (err == -EBUSY)
		fprintf(stderr, "l2tpfast-ctl %s: tunnel %u is already attached\n",
			cmd, id);
	else
		fprintf(stderr, "l2tpfast-ctl %s: tunnel %u: %s\n", cmd, id,
			lf_genl_strerror(err));
}

int ctl_attach(struct lf_genl *g, int argc, char **argv)
{
	struct lf_tunnel_attach a = { .fd = -1 };
	struct lf_l2tp_tunnel_info info;
	struct lf_genl l2tp;
	int ret;

	if (argc != 2 || parse_tunnel_id("attach", argv[1], &a.id))
		return 2;
	if (lf_genl_open(&l2tp, "l2tp") < 0)
		return 1;
	ret = lf_l2tp_tunnel_info_get(&l2tp, a.id, &info);
	lf_genl_close(&l2tp);
	if (ret) {
		report_error("attach", a.id, ret);
		return 1;
	}
	if (info.encap != L2TP_ENCAPTYPE_UDP || !info.local.family) {
		fprintf(stderr,
			"l2tpfast-ctl attach: tunnel %u is not UDP-encapsulated; l2tpfast follows L2TP over UDP only\n",
			a.id);
		return 1;
	}
	a.version = info.version;
	a.peer_id = info.peer_id;
	a.local = info.local;
	a.peer = info.peer;
	ret = lf_tunnel_attach(g, &a);
	if (ret) {
		report_error("attach", a.id, ret);
		return 1;
	}
	return 0;
}

int ctl_detach(struct lf_genl *g, int argc, char **argv)
{
	uint32_t id;
	int ret;

	if (argc != 2 || parse_tunnel_id("detach", argv[1], &id))
		return 2;
	ret = lf_tunnel_detach(g, id);
	if (ret) {
		report_error("detach", id, ret);
		return 1;
	}
	return 0;
}

int ctl_reset(struct lf_genl *g, int argc, char **argv)
{
	uint32_t id = 0;
	int ret;

	if (argc > 2 || (argc == 2 && parse_tunnel_id("reset", argv[1], &id)))
		return 2;
	ret = lf_counters_reset(g, id);
	if (ret) {
		report_error("reset", id, ret);
		return 1;
	}
	return 0;
}

/* The value after a keyword of `set`; prints the error itself. */
static int set_value(struct lf_session *s, const char *key, const char *val)
{
	size_t max = 0;
	char *dst = NULL;

	if (!strcmp(key, "user")) {
		dst = s->info.user;
		max = sizeof(s->info.user);
	} else if (!strcmp(key, "peer-host")) {
		dst = s->info.peer_host;
		max = sizeof(s->info.peer_host);
	} else if (!strcmp(key, "ifname")) {
		dst = s->ifname;
		max = 16;	/* IFNAMSIZ */
	} else if (!strcmp(key, "address")) {
		if (lf_addr_parse_ip(val, &s->info.address) == 0)
			return 0;
		fprintf(stderr, "l2tpfast-ctl set: '%s' is not an IPv4 or IPv6 address\n",
			val);
		return -1;
	} else {
		fprintf(stderr, "l2tpfast-ctl set: unknown key '%s' (user, address, ifname, peer-host)\n",
			key);
		return -1;
	}
	if (!*val || strlen(val) >= max) {
		fprintf(stderr, "l2tpfast-ctl set: %s must be 1 to %zu characters\n",
			key, max - 1);
		return -1;
	}
	snprintf(dst, max, "%s", val);
	return 0;
}

int ctl_set(struct lf_genl *g, int argc, char **argv)
{
	struct lf_session s = { 0 };
	char *end;
	unsigned long sid;
	int i, ret;

	if (argc < 5 || argc % 2 == 0 ||
	    parse_tunnel_id("set", argv[1], &s.tunnel_id))
		goto usage;
	errno = 0;
	sid = strtoul(argv[2], &end, 0);
	if (errno || *end || sid == 0 || sid > UINT32_MAX) {
		fprintf(stderr, "l2tpfast-ctl set: expected a session id, got '%s'\n",
			argv[2]);
		return 2;
	}
	s.id = (uint32_t)sid;
	for (i = 3; i + 1 < argc; i += 2)
		if (set_value(&s, argv[i], argv[i + 1]))
			return 2;
	ret = lf_session_set(g, &s);
	if (ret == -ENOENT) {
		fprintf(stderr, "l2tpfast-ctl set: no session %u in attached tunnel %u\n",
			s.id, s.tunnel_id);
		return 1;
	}
	if (ret) {
		report_error("set", s.tunnel_id, ret);
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: l2tpfast-ctl set TUNNEL_ID SESSION_ID KEY VALUE...\n"
		"  keys: user, address, ifname, peer-host\n");
	return 2;
}
