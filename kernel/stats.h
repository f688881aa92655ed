/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exact per-CPU counters of a tunnel or a session. Writers are the fast
 * path only (rx softirq, tx hook with BHs off), each on its own CPU, so they
 * need no lock; readers sum the CPUs under u64_stats_sync.
 */
#ifndef _L2TPFAST_STATS_H
#define _L2TPFAST_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <linux/types.h>

struct sk_buff;

enum l2tpfast_dir { L2TPFAST_RX, L2TPFAST_TX, L2TPFAST_NDIRS };
enum l2tpfast_kind { L2TPFAST_DATA, L2TPFAST_CTRL, L2TPFAST_NKINDS };

/* Why a received packet was not handed to one of l2tp_core's sessions. */
enum l2tpfast_drop {
	L2TPFAST_DROP_NO_SESSION,
	L2TPFAST_DROP_MALFORMED,
	L2TPFAST_DROP_VERSION,
	L2TPFAST_DROP_TOO_SHORT,
	L2TPFAST_DROP_CLEARTEXT,	/* reserved for "IPsec required" */
	L2TPFAST_NDROPS,
};

struct l2tpfast_pcpu_stats {
	u64_stats_t packets[L2TPFAST_NDIRS][L2TPFAST_NKINDS];
	u64_stats_t bytes[L2TPFAST_NDIRS][L2TPFAST_NKINDS];
	u64_stats_t drops[L2TPFAST_NDROPS];
	u64_stats_t first_ns[L2TPFAST_NDIRS];
	u64_stats_t last_ns[L2TPFAST_NDIRS];
	struct u64_stats_sync syncp;
};

/* A read-out: CPUs summed, the last reset subtracted. */
struct l2tpfast_counters {
	u64 packets[L2TPFAST_NDIRS][L2TPFAST_NKINDS];
	u64 bytes[L2TPFAST_NDIRS][L2TPFAST_NKINDS];
	u64 drops[L2TPFAST_NDROPS];
	u64 first_ns[L2TPFAST_NDIRS];
	u64 last_ns[L2TPFAST_NDIRS];
};

struct l2tpfast_stats {
	struct l2tpfast_pcpu_stats __percpu *pcpu;
	/*
	 * A reset cannot zero other CPUs' counters without racing with them,
	 * so it remembers the totals it saw and the time it happened instead.
	 */
	u64 epoch_ns;
	struct l2tpfast_counters base;
};

int l2tpfast_stats_init(struct l2tpfast_stats *st);
void l2tpfast_stats_free(struct l2tpfast_stats *st);
void l2tpfast_stats_read(const struct l2tpfast_stats *st,
			 struct l2tpfast_counters *c);
void l2tpfast_stats_reset(struct l2tpfast_stats *st);
int l2tpfast_stats_fill(struct sk_buff *msg, int attrtype,
			const struct l2tpfast_stats *st);

/* Count one packet. Callers run with BHs disabled. */
static inline void l2tpfast_stats_count(struct l2tpfast_stats *st,
					enum l2tpfast_dir dir,
					enum l2tpfast_kind kind,
					unsigned int len, u64 now)
{
	struct l2tpfast_pcpu_stats *s = this_cpu_ptr(st->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->packets[dir][kind]);
	u64_stats_add(&s->bytes[dir][kind], len);
	if (u64_stats_read(&s->first_ns[dir]) < READ_ONCE(st->epoch_ns))
		u64_stats_set(&s->first_ns[dir], now);
	u64_stats_set(&s->last_ns[dir], now);
	u64_stats_update_end(&s->syncp);
}

static inline void l2tpfast_stats_drop(struct l2tpfast_stats *st,
				       enum l2tpfast_drop why)
{
	struct l2tpfast_pcpu_stats *s = this_cpu_ptr(st->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->drops[why]);
	u64_stats_update_end(&s->syncp);
}

#endif /* _L2TPFAST_STATS_H */
