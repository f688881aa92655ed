// SPDX-License-Identifier: GPL-2.0
/* l2tpfast-ctl show and watch: read a snapshot, print it in a format. */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

enum show_format { SHOW_TABLE, SHOW_JSON, SHOW_PROMETHEUS };

int ctl_show(struct lf_genl *g, int argc, char **argv)
{
	enum show_format fmt = SHOW_TABLE;
	struct lf_snapshot s;
	uint32_t id = 0;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			fmt = SHOW_JSON;
		else if (!strcmp(argv[i], "--prometheus"))
			fmt = SHOW_PROMETHEUS;
		else if (parse_tunnel_id("show", argv[i], &id))
			return 2;
	}
	ret = lf_snapshot_take(g, id, &s);
	if (ret) {
		report_error("show", id, ret);
		return 1;
	}
	if (fmt == SHOW_JSON)
		format_json(stdout, &s);
	else if (fmt == SHOW_PROMETHEUS)
		format_prometheus(stdout, &s);
	else
		format_table(stdout, &s);
	lf_snapshot_free(&s);
	return 0;
}

static volatile sig_atomic_t watch_stop;

static void on_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

int ctl_watch(struct lf_genl *g, int argc, char **argv)
{
	struct lf_snapshot prev, cur;
	struct timespec pause;
	double interval = 1.0;
	long count = -1;
	uint32_t id = 0;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-i") && i + 1 < argc)
			interval = atof(argv[++i]);
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			count = atol(argv[++i]);
		else if (parse_tunnel_id("watch", argv[i], &id))
			return 2;
	}
	if (interval < 0.1) {
		fprintf(stderr, "l2tpfast-ctl watch: -i must be at least 0.1 s\n");
		return 2;
	}
	pause.tv_sec = (time_t)interval;
	pause.tv_nsec = (long)((interval - (double)pause.tv_sec) * 1e9);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	ret = lf_snapshot_take(g, id, &prev);
	while (!ret && !watch_stop && count != 0) {
		nanosleep(&pause, NULL);
		ret = lf_snapshot_take(g, id, &cur);
		if (ret)
			break;
		format_rates(stdout, &prev, &cur);
		fflush(stdout);
		lf_snapshot_free(&prev);
		prev = cur;
		if (count > 0)
			count--;
	}
	lf_snapshot_free(&prev);
	if (ret) {
		report_error("watch", id, ret);
		return 1;
	}
	return 0;
}
