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

static time_t limited_second;
static unsigned long limited_n, limited_dropped;
static int limited_prio;

/* A new second: say how many were left out in the last one. */
void log_limited_flush(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec == limited_second)
		return;
	if (limited_dropped)
		log_msg(limited_prio, "%lu more such messages left out", limited_dropped);
	limited_second = ts.tv_sec;
	limited_n = 0;
	limited_dropped = 0;
}

void log_limited(int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio == LOG_DEBUG && !debug_on)
		return;
	log_limited_flush();
	if (++limited_n > LOG_BURST) {
		limited_dropped++;
		limited_prio = prio;
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
