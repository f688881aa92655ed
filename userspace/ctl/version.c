// SPDX-License-Identifier: GPL-2.0
/* l2tpfast-ctl version: what module is loaded and what it can do here. */

#include <stdio.h>
#include <string.h>

#include <linux/l2tpfast.h>

#include "ctl.h"
#include "genl.h"

struct version_reply {
	char version[64];
	char kernel[128];
	unsigned int api;
	unsigned int caps;
};

static const struct {
	unsigned int bit;
	const char *name;
} cap_names[] = {
	{ L2TPFAST_CAPS_IPV6, "ipv6" },
	{ L2TPFAST_CAPS_XFRM, "xfrm" },
	{ L2TPFAST_CAPS_NETNS_SESSION_LOOKUP, "netns-session-lookup" },
};

static int version_parse(struct nlattr **tb, void *arg)
{
	struct version_reply *r = arg;

	if (tb[L2TPFAST_A_VERSION])
		snprintf(r->version, sizeof(r->version), "%s",
			 nla_get_string(tb[L2TPFAST_A_VERSION]));
	if (tb[L2TPFAST_A_KERNEL_RELEASE])
		snprintf(r->kernel, sizeof(r->kernel), "%s",
			 nla_get_string(tb[L2TPFAST_A_KERNEL_RELEASE]));
	if (tb[L2TPFAST_A_API_VERSION])
		r->api = nla_get_u32(tb[L2TPFAST_A_API_VERSION]);
	if (tb[L2TPFAST_A_CAPS])
		r->caps = nla_get_u32(tb[L2TPFAST_A_CAPS]);
	return 0;
}

static void print_caps(unsigned int caps, const char *sep, const char *quote)
{
	const char *s = "";
	size_t i;

	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++) {
		if (!(caps & cap_names[i].bit))
			continue;
		printf("%s%s%s%s", s, quote, cap_names[i].name, quote);
		s = sep;
	}
}

int ctl_version(struct lf_genl *g, int argc, char **argv)
{
	struct version_reply r = { .version = "?", .kernel = "?" };
	int json = argc > 1 && !strcmp(argv[1], "--json");
	int ret;

	ret = lf_genl_call(g, lf_genl_msg(g, L2TPFAST_CMD_VERSION_GET, 0),
			   L2TPFAST_A_MAX, NULL, version_parse, &r);
	if (ret < 0) {
		fprintf(stderr, "l2tpfast-ctl: version: %s\n",
			lf_genl_strerror(ret));
		return 1;
	}
	if (json) {
		printf("{\"version\":\"%s\",\"api_version\":%u,\"kernel\":\"%s\",\"caps\":[",
		       r.version, r.api, r.kernel);
		print_caps(r.caps, ",", "\"");
		printf("]}\n");
		return 0;
	}
	printf("l2tpfast %s (api %u) on %s\ncaps: ", r.version, r.api,
	       r.kernel);
	print_caps(r.caps, " ", "");
	printf("\n");
	return 0;
}
