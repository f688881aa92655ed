/* SPDX-License-Identifier: GPL-2.0 */
/* One line per event: to stderr in the foreground, else to syslog. */
#ifndef L2TPFASTD_LOG_H
#define L2TPFASTD_LOG_H

#include <syslog.h>

void log_open(int foreground, int debug);
/* Nothing less urgent than @prio is logged (the fuzz target's quiet). */
void log_threshold(int prio);
void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * For what strangers can cause (malformed packets, refused requests): at
 * most LOG_BURST such lines a second, then one line saying how many were
 * left out.
 */
#define LOG_BURST 10
void log_limited(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Called now and then: the count of what was left out gets out in time. */
void log_limited_flush(void);

#define log_tunnel(prio, t, fmt, ...) \
	log_msg(prio, "tunnel %u/%u %s: " fmt, (t)->id, (t)->peer_id, \
		(t)->peer_str, ##__VA_ARGS__)
#define log_session(prio, s, fmt, ...) \
	log_msg(prio, "tunnel %u/%u session %u/%u %s: " fmt, (s)->t->id, \
		(s)->t->peer_id, (s)->id, (s)->peer_id, (s)->t->peer_str, \
		##__VA_ARGS__)

#endif /* L2TPFASTD_LOG_H */
