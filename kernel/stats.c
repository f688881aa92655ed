// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters: allocation, read-out (sum over CPUs minus the last
 * reset) and their netlink form, the counters attribute set.
 */

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/percpu.h>
#include <net/netlink.h>
#include <uapi/linux/l2tpfast.h>

#include "stats.h"

/*
 * Per-CPU counters, charged to the memory cgroup of the caller (or to the
 * one set with set_active_memcg()).
 */
#define l2tpfast_alloc_pcpu(type)					\
({									\
	type __percpu *p = alloc_percpu_gfp(type, GFP_KERNEL_ACCOUNT);	\
	int cpu;							\
									\
	if (p)								\
		for_each_possible_cpu(cpu)				\
			u64_stats_init(&per_cpu_ptr(p, cpu)->syncp);	\
	p;								\
})

int l2tpfast_stats_init(struct l2tpfast_stats *st, bool with_drops)
{
	memset(st, 0, sizeof(*st));
	st->pcpu = l2tpfast_alloc_pcpu(struct l2tpfast_pcpu_stats);
	if (!st->pcpu)
		return -ENOMEM;
	if (with_drops) {
		st->drops = l2tpfast_alloc_pcpu(struct l2tpfast_pcpu_drops);
		if (!st->drops) {
			free_percpu(st->pcpu);
			st->pcpu = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

void l2tpfast_stats_free(struct l2tpfast_stats *st)
{
	free_percpu(st->pcpu);
	free_percpu(st->drops);
	st->pcpu = NULL;
	st->drops = NULL;
}

static void l2tpfast_stats_sum(const struct l2tpfast_stats *st,
			       struct l2tpfast_counters *sum)
{
	unsigned int start;
	int cpu, d, k;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct l2tpfast_pcpu_stats *s = per_cpu_ptr(st->pcpu, cpu);
		u64 p[L2TPFAST_NDIRS][L2TPFAST_NKINDS];
		u64 b[L2TPFAST_NDIRS][L2TPFAST_NKINDS];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (d = 0; d < L2TPFAST_NDIRS; d++) {
				for (k = 0; k < L2TPFAST_NKINDS; k++) {
					p[d][k] = u64_stats_read(&s->packets[d][k]);
					b[d][k] = u64_stats_read(&s->bytes[d][k]);
				}
			}
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (d = 0; d < L2TPFAST_NDIRS; d++) {
			for (k = 0; k < L2TPFAST_NKINDS; k++) {
				sum->packets[d][k] += p[d][k];
				sum->bytes[d][k] += b[d][k];
			}
		}
	}
	if (!st->drops)
		return;
	for_each_possible_cpu(cpu) {
		const struct l2tpfast_pcpu_drops *s = per_cpu_ptr(st->drops, cpu);
		u64 v[L2TPFAST_NDROPS];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (k = 0; k < L2TPFAST_NDROPS; k++)
				v[k] = u64_stats_read(&s->drops[k]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (k = 0; k < L2TPFAST_NDROPS; k++)
			sum->drops[k] += v[k];
	}
}

/* A jiffies stamp as wall-clock ns, seen from now (now_j, now_ns). */
static u64 l2tpfast_stamp_to_ns(unsigned long stamp, unsigned long now_j,
				u64 now_ns)
{
	u64 age;

	if (!stamp)
		return 0;
	age = jiffies_to_nsecs(now_j - stamp);
	return age < now_ns ? now_ns - age : 1;
}

void l2tpfast_stats_read(const struct l2tpfast_stats *st,
			 struct l2tpfast_counters *c)
{
	unsigned long now_j = jiffies;
	u64 now_ns = ktime_get_real_ns();
	int d, k;

	l2tpfast_stats_sum(st, c);
	for (d = 0; d < L2TPFAST_NDIRS; d++) {
		for (k = 0; k < L2TPFAST_NKINDS; k++) {
			c->packets[d][k] -= st->base.packets[d][k];
			c->bytes[d][k] -= st->base.bytes[d][k];
		}
		c->first_ns[d] = l2tpfast_stamp_to_ns(READ_ONCE(st->first[d]),
						      now_j, now_ns);
		c->last_ns[d] = l2tpfast_stamp_to_ns(READ_ONCE(st->last[d]),
						     now_j, now_ns);
	}
	for (k = 0; k < L2TPFAST_NDROPS; k++)
		c->drops[k] -= st->base.drops[k];
}

/* Callers serialise resets and read-outs (the netns mutex). */
void l2tpfast_stats_reset(struct l2tpfast_stats *st)
{
	int d;

	for (d = 0; d < L2TPFAST_NDIRS; d++) {
		WRITE_ONCE(st->first[d], 0);
		WRITE_ONCE(st->last[d], 0);
	}
	l2tpfast_stats_sum(st, &st->base);
}

/* The counters attribute set, indexed by attribute type. */
static void l2tpfast_stats_to_attrs(const struct l2tpfast_counters *c,
				    u64 *v)
{
	const int rx = L2TPFAST_RX, tx = L2TPFAST_TX;
	const int data = L2TPFAST_DATA, ctrl = L2TPFAST_CTRL;

	v[L2TPFAST_A_COUNTERS_RX_DATA_PACKETS] = c->packets[rx][data];
	v[L2TPFAST_A_COUNTERS_RX_DATA_BYTES] = c->bytes[rx][data];
	v[L2TPFAST_A_COUNTERS_RX_CTRL_PACKETS] = c->packets[rx][ctrl];
	v[L2TPFAST_A_COUNTERS_RX_CTRL_BYTES] = c->bytes[rx][ctrl];
	v[L2TPFAST_A_COUNTERS_TX_DATA_PACKETS] = c->packets[tx][data];
	v[L2TPFAST_A_COUNTERS_TX_DATA_BYTES] = c->bytes[tx][data];
	v[L2TPFAST_A_COUNTERS_TX_CTRL_PACKETS] = c->packets[tx][ctrl];
	v[L2TPFAST_A_COUNTERS_TX_CTRL_BYTES] = c->bytes[tx][ctrl];
	v[L2TPFAST_A_COUNTERS_RX_DROP_NO_SESSION] =
		c->drops[L2TPFAST_DROP_NO_SESSION];
	v[L2TPFAST_A_COUNTERS_RX_DROP_MALFORMED] =
		c->drops[L2TPFAST_DROP_MALFORMED];
	v[L2TPFAST_A_COUNTERS_RX_DROP_VERSION] = c->drops[L2TPFAST_DROP_VERSION];
	v[L2TPFAST_A_COUNTERS_RX_DROP_TOO_SHORT] =
		c->drops[L2TPFAST_DROP_TOO_SHORT];
	v[L2TPFAST_A_COUNTERS_RX_DROP_CLEARTEXT] =
		c->drops[L2TPFAST_DROP_CLEARTEXT];
	v[L2TPFAST_A_COUNTERS_TX_DROP_CLEARTEXT] =
		c->drops[L2TPFAST_DROP_TX_CLEARTEXT];
	v[L2TPFAST_A_COUNTERS_RX_DROP_BINDING] = c->drops[L2TPFAST_DROP_BINDING];
	v[L2TPFAST_A_COUNTERS_TX_DROP_BINDING] =
		c->drops[L2TPFAST_DROP_TX_BINDING];
	v[L2TPFAST_A_COUNTERS_RX_FIRST_NS] = c->first_ns[rx];
	v[L2TPFAST_A_COUNTERS_RX_LAST_NS] = c->last_ns[rx];
	v[L2TPFAST_A_COUNTERS_TX_FIRST_NS] = c->first_ns[tx];
	v[L2TPFAST_A_COUNTERS_TX_LAST_NS] = c->last_ns[tx];
}

int l2tpfast_stats_fill(struct sk_buff *msg, int attrtype,
			const struct l2tpfast_stats *st)
{
	u64 v[L2TPFAST_A_COUNTERS_MAX + 1] = {};
	struct l2tpfast_counters c;
	struct nlattr *nest;
	int type;

	l2tpfast_stats_read(st, &c);
	l2tpfast_stats_to_attrs(&c, v);

	nest = nla_nest_start(msg, attrtype);
	if (!nest)
		return -EMSGSIZE;
	for (type = L2TPFAST_A_COUNTERS_PAD + 1;
	     type <= L2TPFAST_A_COUNTERS_MAX; type++) {
		if (nla_put_u64_64bit(msg, type, v[type],
				      L2TPFAST_A_COUNTERS_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}
