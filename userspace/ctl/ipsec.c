// SPDX-License-Identifier: GPL-2.0
/*
 * l2tpfast-ctl ipsec: the netns's IPsec switch. l2tpfastd sets it from
 * 'ipsec required'; this is for the operator who must turn it off without
 * the LNS (before rmmod, which it blocks) or look at it alone.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "genl.h"

static void ipsec_print(const struct lf_net *n)
{
	if (n->ipsec_required)
		printf("ipsec: required (port %u)\n", n->ipsec_port);
	else
		printf("ipsec: not required: cleartext L2TP is accepted\n");
}

static int ipsec_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > 65535) {
		fprintf(stderr, "l2tpfast-ctl ipsec: '%s' is no UDP port (1..65535)\n", s);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

int ctl_ipsec(struct lf_genl *g, int argc, char **argv)
{
	uint16_t port = 1701;
	struct lf_net n;
	int required = -1, ret;

	if (argc == 2 && !strcmp(argv[1], "off")) {
		required = 0;
		port = 0;
	} else if ((argc == 2 || argc == 3) && !strcmp(argv[1], "required")) {
		required = 1;
		if (argc == 3 && ipsec_port(argv[2], &port))
			return 2;
	} else if (argc != 1) {
		fprintf(stderr, "usage: l2tpfast-ctl ipsec [required [PORT]|off]\n");
		return 2;
	}
	ret = lf_net_set(g, required, port, &n);
	if (ret) {
		fprintf(stderr, "l2tpfast-ctl ipsec: %s\n", lf_genl_strerror(ret));
		return 1;
	}
	ipsec_print(&n);
	return 0;
}
