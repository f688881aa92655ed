/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exact per-CPU counters of a tunnel or a session. Writers are the fast
 * path only (rx softirq, tx hook with BHs off), each on its own CPU, so they
 * need no lock; readers sum the CPUs under u64_stats_sync.
 *
 * Times are jiffies, not a clock read: one load per packet, and immune to
 * the wall clock being stepped. They are shared by all CPUs but written at
 * most once per jiffy (last) or once (first), so they cost no cache-line
 * traffic worth the name; read-out turns them into wall-clock nanoseconds.
 */
#ifndef _L2TPFAST_STATS_H
#define _L2TPFAST_STATS_H

#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/bottom_half.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/u64_stats_sync.h>
#include <linux/types.h>

struct sk_buff;

enum l2tpfast_dir { L2TPFAST_RX, L2TPFAST_TX, L2TPFAST_NDIRS };
enum l2tpfast_kind { L2TPFAST_DATA, L2TPFAST_CTRL, L2TPFAST_NKINDS };

/*
 * Why a received packet was not handed to one of l2tp_core's sessions, or
 * a sent one not sent.
 */
enum l2tpfast_drop {
	L2TPFAST_DROP_NO_SESSION,
	L2TPFAST_DROP_MALFORMED,
	L2TPFAST_DROP_VERSION,
	L2TPFAST_DROP_TOO_SHORT,
	L2TPFAST_DROP_CLEARTEXT,	/* IPsec required, none used */
	L2TPFAST_DROP_TX_CLEARTEXT,	/* sent: IPsec would not transform it */
	L2TPFAST_DROP_BINDING,		/* not through the tunnel's own SA */
	L2TPFAST_DROP_TX_BINDING,	/* sent: through another SA, or none */
	L2TPFAST_NDROPS,
};

struct l2tpfast_pcpu_stats {
	u64_stats_t packets[L2TPFAST_NDIRS][L2TPFAST_NKINDS];
	u64_stats_t bytes[L2TPFAST_NDIRS][L2TPFAST_NKINDS];
	struct u64_stats_sync syncp;
};

/* Drops are counted on tunnels only. */
struct l2tpfast_pcpu_drops {
	u64_stats_t drops[L2TPFAST_NDROPS];
	struct u64_stats_sync syncp;
};

/* A read-out: CPUs summed, the last reset subtracted. */
struct l2tpfast_counters {
	u64 packets[L2TPFAST_NDIRS][L2TPFAST_NKINDS];
	u64 bytes[L2TPFAST_NDIRS][L2TPFAST_NKINDS];
	u64 drops[L2TPFAST_NDROPS];
	u64 first_ns[L2TPFAST_NDIRS];	/* CLOCK_REALTIME, 0: none */
	u64 last_ns[L2TPFAST_NDIRS];
};

struct l2tpfast_stats {
	struct l2tpfast_pcpu_stats __percpu *pcpu;
	struct l2tpfast_pcpu_drops __percpu *drops;	/* NULL: a session */
	/* jiffies stamps (see l2tpfast_stamp()); 0: no packet since reset */
	unsigned long first[L2TPFAST_NDIRS];
	unsigned long last[L2TPFAST_NDIRS];
	/*
	 * A reset cannot zero other CPUs' counters without racing with them,
	 * so it remembers the totals it saw instead.
	 */
	struct l2tpfast_counters base;
};

int l2tpfast_stats_init(struct l2tpfast_stats *st, bool with_drops);
void l2tpfast_stats_free(struct l2tpfast_stats *st);
void l2tpfast_stats_read(const struct l2tpfast_stats *st,
			 struct l2tpfast_counters *c);
void l2tpfast_stats_reset(struct l2tpfast_stats *st);
int l2tpfast_stats_fill(struct sk_buff *msg, int attrtype,
			const struct l2tpfast_stats *st);

/*
 * Around counting where BHs may be on (the transmit hook runs in process
 * context too, the receive path in softirq, on the same per-CPU counters):
 * on 64-bit each counter update is one instruction, so staying on the CPU
 * is enough; 32-bit's u64_stats seqcount needs the softirq kept out.
 */
static inline void l2tpfast_stats_enter(void)
{
	if (IS_ENABLED(CONFIG_64BIT))
		preempt_disable();
	else
		local_bh_disable();
}

static inline void l2tpfast_stats_exit(void)
{
	if (IS_ENABLED(CONFIG_64BIT))
		preempt_enable();
	else
		local_bh_enable();
}

/* The time of a packet: jiffies, never 0 (0 means "none"). */
static inline unsigned long l2tpfast_stamp(void)
{
	return jiffies | 1;
}

/* Count one packet: in softirq, or between stats_enter() and _exit(). */
static inline void l2tpfast_stats_count(struct l2tpfast_stats *st,
					enum l2tpfast_dir dir,
					enum l2tpfast_kind kind,
					unsigned int len, unsigned long now)
{
	struct l2tpfast_pcpu_stats *s = this_cpu_ptr(st->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->packets[dir][kind]);
	u64_stats_add(&s->bytes[dir][kind], len);
	u64_stats_update_end(&s->syncp);
	if (unlikely(!READ_ONCE(st->first[dir])))
		WRITE_ONCE(st->first[dir], now);
	if (READ_ONCE(st->last[dir]) != now)
		WRITE_ONCE(st->last[dir], now);
}

/* Count a drop on a tunnel: as l2tpfast_stats_count(). */
static inline void l2tpfast_stats_drop(struct l2tpfast_stats *st,
				       enum l2tpfast_drop why)
{
	struct l2tpfast_pcpu_drops *d = this_cpu_ptr(st->drops);

	u64_stats_update_begin(&d->syncp);
	u64_stats_inc(&d->drops[why]);
	u64_stats_update_end(&d->syncp);
}

#endif /* _L2TPFAST_STATS_H */
