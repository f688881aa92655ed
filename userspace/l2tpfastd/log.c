// SPDX-License-Identifier: GPL-2.0
/* Logging; see log.h. */

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static int to_stderr;
static int debug_on;
static int threshold = LOG_DEBUG;

void log_threshold(int prio)
{
	threshold = prio;
}

void log_open(int foreground, int debug)
{
	to_stderr = foreground;
	debug_on = debug;
	if (!foreground)
		openlog("l2tpfastd", LOG_PID, LOG_DAEMON);
}

static void log_v(int prio, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(prio, fmt, ap);
	va_end(ap);
}

void log_limited(int prio, const char *fmt, ...)
{
	static time_t second;
	static unsigned long n, dropped;
	struct timespec ts;
	va_list ap;

	if (prio == LOG_DEBUG && !debug_on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec != second) {
		if (dropped)
			log_msg(prio, "%lu more such messages left out", dropped);
		second = ts.tv_sec;
		n = 0;
		dropped = 0;
	}
	if (++n > LOG_BURST) {
		dropped++;
		return;
	}
	va_start(ap, fmt);
	log_v(prio, fmt, ap);
	va_end(ap);
}

static void log_v(int prio, const char *fmt, va_list ap)
{
	if (prio > threshold)
		return;
	static const char *const level[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
	};
	if (prio == LOG_DEBUG && !debug_on)
		return;
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
}
