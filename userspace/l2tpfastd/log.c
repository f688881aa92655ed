// SPDX-License-Identifier: GPL-2.0
/* Logging; see log.h. */

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static int to_stderr;
static int debug_on;

void log_open(int foreground, int debug)
{
	to_stderr = foreground;
	debug_on = debug;
	if (!foreground)
		openlog("l2tpfastd", LOG_PID, LOG_DAEMON);
}

void log_msg(int prio, const char *fmt, ...)
{
	static const char *const level[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
	};
	va_list ap;

	if (prio == LOG_DEBUG && !debug_on)
		return;
	va_start(ap, fmt);
	if (to_stderr) {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%02d:%02d:%02d.%03ld l2tpfastd %s: ", tm.tm_hour,
			tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, level[prio & 7]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}
