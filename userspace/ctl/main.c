// SPDX-License-Identifier: GPL-2.0
/*
 * l2tpfast-ctl: the operator's view of l2tpfast. `ip l2tp` creates tunnels
 * and sessions; this shows what the module sees of them.
 */

#include <stdio.h>
#include <string.h>

#include <linux/l2tpfast.h>

#include "ctl.h"
#include "genl.h"

static const struct {
	const char *name;
	int (*run)(struct lf_genl *g, int argc, char **argv);
	const char *help;
} commands[] = {
	{ "show", ctl_show,
	  "show [TUNNEL_ID] [--json|--prometheus]   tunnels, sessions, counters" },
	{ "watch", ctl_watch,
	  "watch [TUNNEL_ID] [-i SECONDS] [-n COUNT]   per-session rates" },
	{ "monitor", ctl_monitor,
	  "monitor [-n COUNT]   print tunnel and session events as they happen" },
	{ "attach", ctl_attach,
	  "attach TUNNEL_ID   follow a tunnel made with ip l2tp (encap udp)" },
	{ "detach", ctl_detach, "detach TUNNEL_ID   stop following it" },
	{ "reset", ctl_reset, "reset [TUNNEL_ID]   zero the counters" },
	{ "set", ctl_set,
	  "set TUNNEL_ID SESSION_ID {user|address|ifname|peer-host} VALUE...   annotate a session" },
	{ "ipsec", ctl_ipsec,
	  "ipsec [required [PORT]|off]   the netns's IPsec switch (l2tpfastd sets it)" },
	{ "version", ctl_version,
	  "version [--json]   module version and capabilities" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: l2tpfast-ctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].help);
}

int main(int argc, char **argv)
{
	struct lf_genl g;
	size_t i;
	int ret;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		if (lf_genl_open(&g, L2TPFAST_FAMILY_NAME) < 0)
			return 1;
		ret = commands[i].run(&g, argc - 1, argv + 1);
		lf_genl_close(&g);
		return ret;
	}
	fprintf(stderr, "l2tpfast-ctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
