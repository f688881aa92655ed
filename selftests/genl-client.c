// SPDX-License-Identifier: GPL-2.0
/*
 * A small generic-netlink client for the selftests: send one raw request to a
 * family and say how the kernel answered, so a test can ask for things the
 * real tools never send (unknown attributes, ops as an unprivileged user).
 *
 *   genl-client FAMILY CMD [--dump] [TYPE:{u8,u16,u32,str,ip4}:VALUE]...
 *   genl-client FAMILY CMD --for SECONDS [TYPE:...:VALUE]...
 *   genl-client FAMILY --join GROUP
 *
 * Prints "ok N" (N reply messages; "ok joined" for --join) or "error NAME"
 * with the errno's name (EPERM, EINVAL, ...), and exits 0 or 1 accordingly.
 * --for: send the request once and wait for its answer; if it succeeded,
 * send it again and again for SECONDS (or until SIGTERM) without waiting
 * for answers (a flood: each runs the op, and whatever it notifies) and
 * print "ok N sent".
 */

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t flood_stop;

static void on_term(int sig)
{
	(void)sig;
	flood_stop = 1;
}

/*
 * The request in msg, already answered once, again and again for secs
 * seconds (or until SIGTERM) with no ack asked for: the kernel runs each as
 * it is sent, and sends back only errors (dropped once our queue is full:
 * nobody reads).
 */
static int flood(struct lf_genl *g, struct nl_msg *msg, double secs)
{
	double end = now_s() + secs;
	unsigned long sent = 0;

	signal(SIGTERM, on_term);
	nlmsg_hdr(msg)->nlmsg_flags &= ~NLM_F_ACK;
	nl_socket_disable_auto_ack(g->sk);
	while (!flood_stop && now_s() < end) {
		if (nl_send_auto(g->sk, msg) < 0) {
			printf("error sending after %lu\n", sent);
			return 1;
		}
		sent++;
	}
	printf("ok %lu sent\n", sent);
	return 0;
}

int main(int argc, char **argv)
{
	struct lf_genl g;
	struct nl_msg *msg;
	int dump = 0, replies = 0, i, ret;
	double secs = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s FAMILY CMD [--dump | --for SECONDS] [TYPE:u32|str:VALUE]...\n",
			argv[0]);
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--dump"))
			dump = 1;
		else if (!strcmp(argv[i], "--for") && i + 1 < argc)
			secs = atof(argv[++i]);
	}
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
		if (!strcmp(argv[i], "--for")) {
			i++;
			continue;
		}
		if (put_attr(msg, argv[i]) < 0) {
			fprintf(stderr, "bad attribute '%s'\n", argv[i]);
			nlmsg_free(msg);
			return 2;
		}
	}
	if (secs > 0)
		nlmsg_get(msg);		/* kept for the flood */
	ret = lf_genl_call(&g, msg, 0, NULL, count_reply, &replies);
	if (ret < 0) {
		if (secs > 0)
			nlmsg_free(msg);
		lf_genl_close(&g);
		printf("error %s\n", strerrorname_np(-ret));
		return 1;
	}
	if (secs > 0) {
		ret = flood(&g, msg, secs);
		nlmsg_free(msg);
		lf_genl_close(&g);
		return ret;
	}
	lf_genl_close(&g);
	printf("ok %d\n", replies);
	return 0;
}
