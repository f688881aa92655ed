// SPDX-License-Identifier: GPL-2.0
/*
 * A small generic-netlink client for the selftests: send one raw request to a
 * family and say how the kernel answered, so a test can ask for things the
 * real tools never send (unknown attributes, ops as an unprivileged user).
 *
 *   genl-client FAMILY CMD [--dump] [TYPE:{u8,u16,u32,str,ip4}:VALUE]...
 *   genl-client FAMILY --join GROUP
 *
 * Prints "ok N" (N reply messages; "ok joined" for --join) or "error NAME"
 * with the errno's name (EPERM, EINVAL, ...), and exits 0 or 1 accordingly.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/ctrl.h>

#include "genl.h"

/* Join a multicast group of the family: what a listener for events does. */
static int join(struct lf_genl *g, const char *group)
{
	int grp = genl_ctrl_resolve_grp(g->sk, g->name, group);

	if (grp < 0) {
		printf("error ENOENT\n");
		return 1;
	}
	if (nl_socket_add_membership(g->sk, grp) < 0) {
		printf("error %s\n", strerrorname_np(errno));
		return 1;
	}
	printf("ok joined\n");
	return 0;
}

static int count_reply(struct nlattr **tb, void *arg)
{
	(void)tb;
	++*(int *)arg;
	return 0;
}

static int put_attr(struct nl_msg *msg, const char *spec)
{
	char kind[8];
	char value[256];
	unsigned int type;
	struct in_addr a4;

	if (sscanf(spec, "%u:%7[a-z0-9]:%255s", &type, kind, value) != 3)
		return -EINVAL;
	if (!strcmp(kind, "u32"))
		return nla_put_u32(msg, type, strtoul(value, NULL, 0));
	if (!strcmp(kind, "u16"))
		return nla_put_u16(msg, type, (uint16_t)strtoul(value, NULL, 0));
	if (!strcmp(kind, "u8"))
		return nla_put_u8(msg, type, (uint8_t)strtoul(value, NULL, 0));
	if (!strcmp(kind, "str"))
		return nla_put_string(msg, type, value);
	if (!strcmp(kind, "ip4") && inet_pton(AF_INET, value, &a4) == 1)
		return nla_put(msg, type, sizeof(a4), &a4);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct lf_genl g;
	struct nl_msg *msg;
	int dump = 0, replies = 0, i, ret;

	if (argc < 3) {
		fprintf(stderr, "usage: %s FAMILY CMD [--dump] [TYPE:u32|str:VALUE]...\n",
			argv[0]);
		return 2;
	}
	for (i = 3; i < argc; i++)
		if (!strcmp(argv[i], "--dump"))
			dump = 1;
	if (lf_genl_open(&g, argv[1]) < 0)
		return 1;
	if (!strcmp(argv[2], "--join") && argc == 4) {
		ret = join(&g, argv[3]);
		lf_genl_close(&g);
		return ret;
	}
	msg = lf_genl_msg(&g, atoi(argv[2]), dump);
	if (!msg)
		return 1;
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--dump"))
			continue;
		if (put_attr(msg, argv[i]) < 0) {
			fprintf(stderr, "bad attribute '%s'\n", argv[i]);
			nlmsg_free(msg);
			return 2;
		}
	}
	ret = lf_genl_call(&g, msg, 0, NULL, count_reply, &replies);
	lf_genl_close(&g);
	if (ret < 0) {
		printf("error %s\n", strerrorname_np(-ret));
		return 1;
	}
	printf("ok %d\n", replies);
	return 0;
}
