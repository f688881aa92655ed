// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters: allocation, read-out (sum over CPUs minus the last
 * reset) and their netlink form, the counters attribute set.
 */

#include <linux/ktime.h>
#include <linux/netdevice.h>
#include <net/netlink.h>
#include <uapi/linux/l2tpfast.h>

#include "stats.h"

int l2tpfast_stats_init(struct l2tpfast_stats *st)
{
	st->pcpu = netdev_alloc_pcpu_stats(struct l2tpfast_pcpu_stats);
	if (!st->pcpu)
		return -ENOMEM;
	memset(&st->base, 0, sizeof(st->base));
	/* Any packet from now on is a "first" one. */
	st->epoch_ns = 1;
	return 0;
}

void l2tpfast_stats_free(struct l2tpfast_stats *st)
{
	free_percpu(st->pcpu);
	st->pcpu = NULL;
}

static void l2tpfast_stats_read_cpu(const struct l2tpfast_pcpu_stats *s,
				    struct l2tpfast_counters *c)
{
	int d, k;

	for (d = 0; d < L2TPFAST_NDIRS; d++) {
		for (k = 0; k < L2TPFAST_NKINDS; k++) {
			c->packets[d][k] = u64_stats_read(&s->packets[d][k]);
			c->bytes[d][k] = u64_stats_read(&s->bytes[d][k]);
		}
		c->first_ns[d] = u64_stats_read(&s->first_ns[d]);
		c->last_ns[d] = u64_stats_read(&s->last_ns[d]);
	}
	for (k = 0; k < L2TPFAST_NDROPS; k++)
		c->drops[k] = u64_stats_read(&s->drops[k]);
}

/* Fold one CPU into the total; times older than the last reset do not count. */
static void l2tpfast_stats_fold(struct l2tpfast_counters *sum,
				const struct l2tpfast_counters *c, u64 epoch)
{
	int d, k;

	for (d = 0; d < L2TPFAST_NDIRS; d++) {
		for (k = 0; k < L2TPFAST_NKINDS; k++) {
			sum->packets[d][k] += c->packets[d][k];
			sum->bytes[d][k] += c->bytes[d][k];
		}
		if (c->first_ns[d] >= epoch &&
		    (!sum->first_ns[d] || c->first_ns[d] < sum->first_ns[d]))
			sum->first_ns[d] = c->first_ns[d];
		if (c->last_ns[d] >= epoch && c->last_ns[d] > sum->last_ns[d])
			sum->last_ns[d] = c->last_ns[d];
	}
	for (k = 0; k < L2TPFAST_NDROPS; k++)
		sum->drops[k] += c->drops[k];
}

static void l2tpfast_stats_sum(const struct l2tpfast_stats *st,
			       struct l2tpfast_counters *sum)
{
	struct l2tpfast_counters c;
	unsigned int start;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct l2tpfast_pcpu_stats *s = per_cpu_ptr(st->pcpu, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			l2tpfast_stats_read_cpu(s, &c);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		l2tpfast_stats_fold(sum, &c, READ_ONCE(st->epoch_ns));
	}
}

void l2tpfast_stats_read(const struct l2tpfast_stats *st,
			 struct l2tpfast_counters *c)
{
	int d, k;

	l2tpfast_stats_sum(st, c);
	for (d = 0; d < L2TPFAST_NDIRS; d++) {
		for (k = 0; k < L2TPFAST_NKINDS; k++) {
			c->packets[d][k] -= st->base.packets[d][k];
			c->bytes[d][k] -= st->base.bytes[d][k];
		}
	}
	for (k = 0; k < L2TPFAST_NDROPS; k++)
		c->drops[k] -= st->base.drops[k];
}

/* Callers serialise resets and read-outs (the netns mutex). */
void l2tpfast_stats_reset(struct l2tpfast_stats *st)
{
	WRITE_ONCE(st->epoch_ns, ktime_get_coarse_real_ns());
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
