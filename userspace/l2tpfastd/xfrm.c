// SPDX-License-Identifier: GPL-2.0
/*
 * SA gone, tunnel gone: the kernel's xfrm events (XFRMNLGRP_SA,
 * XFRMNLGRP_EXPIRE) through libnl-xfrm-3. An ESP SA deleted, hard-expired
 * or flushed arms a check a little later (SA_CHECK_DELAY_MS after the last
 * such event, at most SA_CHECK_MAX_MS after the first): a rekey installs
 * the new SA before it deletes the old, and the delay makes the check
 * robust against the other order too. Any number of events arm one check.
 *
 * The check (from the event loop's timer, never from the event itself)
 * learns again the SA each attached tunnel's packets came through (one
 * l2tpfast dump), dumps the kernel's SAs (XFRM_MSG_GETSA) and asks
 * sacheck.c which tunnels have no inbound SA left. Those are stopped as
 * an operator would stop them: StopCCN, pppd ended, address back in the
 * pool at once; l2tp_core's tunnel and the socket SA_GONE_CLOSE_MS later,
 * by the tunnel's timer. Nothing is freed here: tunnel_destroy()'s
 * deferred free does it once the batch of events is over.
 *
 * A new or updated ESP SA arms the check too: an outbound SA with a bound
 * tunnel's mark to another client (another address or NAT-T port) means
 * the IKE daemon restarted without deleting its SAs and gives its marks
 * (and reqids) from 1 again; the mark's policy now leads to the new
 * client. Seen in two checks a second apart (a dump is not atomic), the
 * old tunnel goes at once, nothing sent (sacheck.c, sa_displaced()).
 *
 * NAT rebinding: the kernel tells (XFRMNLGRP_MAPPING) when ESP of an SA
 * with NAT-T comes from another address or port than the SA has; the IKE
 * daemon then moves the SA there. The tunnel and its binding carry on
 * (the SA's mark and reqid stay); a line in the log says so, once per new
 * port (the kernel repeats it for every packet until the SA is moved).
 * l2tpfast.ko counts the change (nat-changes) and multicasts it once the
 * tunnel's packets come through the moved SA (tunnel-nat-ntf).
 *
 * Why the kernel's events and not charon's vici: what the kernel holds is
 * what carries (or no longer carries) the packets; no dependency on the
 * IKE daemon, its version or its socket; the same code whatever IKE daemon
 * installs the SAs (charon, pluto, racoon, ip xfrm by hand).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ipsec.h>
#include <linux/xfrm.h>
#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/xfrm/sa.h>

#include "l2tpfast.h"
#include "l2tpfastd.h"
#include "log.h"
#include "sacheck.h"
#include "sys.h"
#include "xfrm.h"

#define SA_CHECK_DELAY_MS	1000	/* after the last deletion event */
#define SA_CHECK_MAX_MS		4000	/* after the first: a flood still gets checked */
#define SA_CHECK_RETRY_MS	5000	/* the SA dump failed: again then */
#define SA_GONE_CLOSE_MS	300	/* StopCCN's chance before the tunnel goes */
#define XFRM_RX_BUDGET		64	/* reads per wakeup */
/*
 * Mapping events looked at per second: the kernel sends one per packet
 * from a new port until the SA moves, and an on-path attacker can make
 * the port alternate (the outer UDP header is not authenticated).
 */
#define MAPPINGS_PER_SEC	20

struct xfrm_watch {
	struct nl_sock *ev;	/* the events */
	struct nl_sock *dump;	/* requests: XFRM_MSG_GETSA dumps */
	int fd;
	int armed;
	uint64_t first_ms, due_ms;
	unsigned long events;	/* since the last check, for the log */
	uint32_t mapped_spi;	/* the last NAT rebinding logged */
	uint16_t mapped_sport;
	uint64_t mapping_sec;	/* mapping events looked at this second */
	int mapping_n;
};

static void arm(struct lns *lns, uint64_t delay_ms)
{
	struct xfrm_watch *x = lns->xfrm;
	uint64_t now = sys_now_ms();

	x->events++;
	if (!x->armed) {
		x->armed = 1;
		x->first_ms = now;
	}
	x->due_ms = now + delay_ms;
	if (x->due_ms > x->first_ms + SA_CHECK_MAX_MS)
		x->due_ms = x->first_ms + SA_CHECK_MAX_MS;
}

/* The peer's NAT moved an SA's NAT-T port (or address): say so, once. */
static void on_mapping(struct lns *lns, const struct xfrm_user_mapping *m)
{
	struct xfrm_watch *x = lns->xfrm;
	uint32_t spi = ntohl(m->id.spi);
	char from[INET_ADDRSTRLEN] = "?", to[INET_ADDRSTRLEN] = "?";
	struct tunnel *t;
	int told = 0;

	if (!x || (x->mapped_spi == spi && x->mapped_sport == m->new_sport))
		return;
	if (sys_now_ms() / 1000 != x->mapping_sec) {
		x->mapping_sec = sys_now_ms() / 1000;
		x->mapping_n = 0;
	}
	if (++x->mapping_n > MAPPINGS_PER_SEC)
		return;
	x->mapped_spi = spi;
	x->mapped_sport = m->new_sport;
	if (m->id.family == AF_INET) {
		inet_ntop(AF_INET, &m->old_saddr.a4, from, sizeof(from));
		inet_ntop(AF_INET, &m->new_saddr.a4, to, sizeof(to));
	}
	for (t = lns->tunnels; t; t = t->next) {
		if (t->state == T_CLOSING || !t->sa_reqid || t->sa_reqid != m->reqid)
			continue;
		log_limited(LOG_NOTICE, "tunnel %u/%u %s: NAT rebinding: the client's NAT moved its IPsec SA (SPI 0x%08x, reqid %u) from %s:%u to %s:%u; the tunnel carries on",
			    t->id, t->peer_id, t->peer_str, spi, m->reqid,
			    from, ntohs(m->old_sport), to, ntohs(m->new_sport));
		told = 1;
	}
	if (!told)
		log_limited(LOG_NOTICE, "NAT rebinding: IPsec SA 0x%08x (reqid %u) moved from %s:%u to %s:%u (no tunnel of ours through it yet)",
			spi, m->reqid, from, ntohs(m->old_sport), to,
			ntohs(m->new_sport));
}

/* One event: only an ESP SA that goes arms the check. */
static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	const void *p = nlmsg_data(h);
	int len = nlmsg_datalen(h);
	int proto = -1;

	switch (h->nlmsg_type) {
	case XFRM_MSG_DELSA:
		if (len >= (int)sizeof(struct xfrm_usersa_id))
			proto = ((const struct xfrm_usersa_id *)p)->proto;
		break;
	case XFRM_MSG_EXPIRE:
		if (len >= (int)sizeof(struct xfrm_user_expire) &&
		    ((const struct xfrm_user_expire *)p)->hard)
			proto = ((const struct xfrm_user_expire *)p)->state.id.proto;
		break;
	case XFRM_MSG_FLUSHSA:
		if (len >= (int)sizeof(struct xfrm_usersa_flush)) {
			proto = ((const struct xfrm_usersa_flush *)p)->proto;
			if (proto == 0 || proto == IPSEC_PROTO_ANY)
				proto = IPPROTO_ESP;
		}
		break;
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA:
		/*
		 * One that takes a bound tunnel's mark (sa_displaced()):
		 * charon adds outbound SAs and updates the inbound ones it
		 * reserved the SPI of.
		 */
		if (len >= (int)sizeof(struct xfrm_usersa_info))
			proto = ((const struct xfrm_usersa_info *)p)->id.proto;
		break;
	case XFRM_MSG_MAPPING:
		if (len >= (int)sizeof(struct xfrm_user_mapping))
			on_mapping(arg, p);
		break;
	default:
		break;		/* an updated SA takes no tunnel away */
	}
	if (proto == IPPROTO_ESP)
		arm(arg, SA_CHECK_DELAY_MS);
	return NL_OK;
}

int xfrm_open(struct lns *lns)
{
	struct xfrm_watch *x = calloc(1, sizeof(*x));
	int err = -NLE_NOMEM;

	if (!x)
		goto fail;
	x->ev = nl_socket_alloc();
	x->dump = nl_socket_alloc();
	if (!x->ev || !x->dump)
		goto fail;
	nl_socket_disable_seq_check(x->ev);
	nl_socket_modify_cb(x->ev, NL_CB_VALID, NL_CB_CUSTOM, on_event, lns);
	err = nl_connect(x->ev, NETLINK_XFRM);
	if (!err)
		err = nl_socket_add_memberships(x->ev, XFRMNLGRP_SA, XFRMNLGRP_EXPIRE,
						XFRMNLGRP_MAPPING, 0);
	if (!err)
		err = nl_socket_set_nonblocking(x->ev);
	if (!err)
		err = nl_connect(x->dump, NETLINK_XFRM);
	if (err)
		goto fail;
	/* A burst of deletions is coalesced anyway; fewer overruns with room. */
	nl_socket_set_buffer_size(x->ev, 1 << 20, 0);
	x->fd = nl_socket_get_fd(x->ev);
	lns->xfrm = x;
	if (sys_watch(lns, x->fd, LNS_EV_XFRM)) {
		err = -NLE_FAILURE;
		lns->xfrm = NULL;
		goto fail;
	}
	return 0;
fail:
	log_msg(LOG_WARNING, "xfrm events: %s; a tunnel whose IPsec SA is deleted is not torn down until HELLO finds it gone",
		nl_geterror(err));
	if (x) {
		nl_socket_free(x->ev);
		nl_socket_free(x->dump);
		free(x);
	}
	return -1;
}

void xfrm_close(struct lns *lns)
{
	struct xfrm_watch *x = lns->xfrm;

	if (!x)
		return;
	sys_unwatch(lns, x->fd);
	nl_socket_free(x->ev);
	nl_socket_free(x->dump);
	free(x);
	lns->xfrm = NULL;
}

void xfrm_input(struct lns *lns)
{
	struct xfrm_watch *x = lns->xfrm;
	int budget = XFRM_RX_BUDGET;

	while (x && budget-- > 0) {
		int err = nl_recvmsgs_default(x->ev);

		if (err == -NLE_AGAIN)
			break;
		if (err == -NLE_NOMEM) {
			/* ENOBUFS: events were lost; whatever they were, check. */
			log_limited(LOG_NOTICE, "xfrm events overran the socket: every IPsec tunnel is checked");
			arm(lns, SA_CHECK_DELAY_MS);
		} else if (err < 0) {
			log_limited(LOG_WARNING, "xfrm events: %s", nl_geterror(err));
			break;
		}
	}
}

/*
 * Each attached tunnel's SA as l2tpfast saw its packets: one dump for all
 * (the reqid stays across a rekey; the SPI follows it).
 */
static void learn_all(struct lns *lns)
{
	struct lf_snapshot snap;
	struct tunnel *t;

	for (t = lns->tunnels; t; t = t->next)
		if (t->attached)
			break;
	if (!t || lf_snapshot_take(&lns->fast, 0, &snap))
		return;
	for (t = lns->tunnels; t; t = t->next) {
		const struct lf_tunnel *lt;

		if (!t->attached || !(lt = lf_snapshot_tunnel(&snap, t->id)) ||
		    !lt->ipsec.spi_in)
			continue;
		t->sa_spi_in = lt->ipsec.spi_in;
		if (lt->ipsec.reqid)
			t->sa_reqid = lt->ipsec.reqid;
	}
	lf_snapshot_free(&snap);
}

static uint32_t addr4(struct nl_addr *a)
{
	uint32_t v = 0;

	if (a && nl_addr_get_family(a) == AF_INET && nl_addr_get_len(a) == 4)
		memcpy(&v, nl_addr_get_binary_addr(a), 4);
	return v;
}

struct sa_list {
	struct sa_state *v;
	size_t n, cap;
};

static void add_sa(struct nl_object *o, void *arg)
{
	struct xfrmnl_sa *sa = (struct xfrmnl_sa *)o;
	unsigned long long bytes, packets, added = 0, used;
	unsigned int type, sport = 0, dport = 0, mask = 0, mark = 0;
	struct sa_list *l = arg;
	struct nl_addr *oa = NULL;

	if (xfrmnl_sa_get_family(sa) != AF_INET || l->n == l->cap)
		return;
	if (xfrmnl_sa_get_encap_tmpl(sa, &type, &sport, &dport, &oa) < 0)
		sport = dport = 0;
	if (oa)
		nl_addr_put(oa);
	if (xfrmnl_sa_get_mark(sa, &mask, &mark) < 0)
		mask = mark = 0;
	if (xfrmnl_sa_get_curlifetime(sa, &bytes, &packets, &added, &used) < 0)
		added = 0;
	l->v[l->n++] = (struct sa_state){
		.reqid = (uint32_t)xfrmnl_sa_get_reqid(sa),
		.spi = (uint32_t)xfrmnl_sa_get_spi(sa),
		.saddr = addr4(xfrmnl_sa_get_saddr(sa)),
		.daddr = addr4(xfrmnl_sa_get_daddr(sa)),
		.proto = (uint8_t)xfrmnl_sa_get_proto(sa),
		.sport = (uint16_t)sport,
		.dport = (uint16_t)dport,
		.added = added,
		.mark = mark & mask,
	};
}

/* The kernel's SAs now: 0, or -1 (nothing known). */
static int dump_sas(struct xfrm_watch *x, struct sa_list *l)
{
	struct nl_cache *cache = NULL;
	int err = xfrmnl_sa_alloc_cache(x->dump, &cache);

	if (err < 0) {
		log_msg(LOG_WARNING, "xfrm SA dump: %s; checked again in %d s",
			nl_geterror(err), SA_CHECK_RETRY_MS / 1000);
		return -1;
	}
	l->cap = (size_t)nl_cache_nitems(cache);
	l->n = 0;
	l->v = calloc(l->cap ? l->cap : 1, sizeof(*l->v));
	if (!l->v) {
		nl_cache_free(cache);
		return -1;
	}
	nl_cache_foreach(cache, add_sa, l);
	nl_cache_free(cache);
	return 0;
}

static void check(struct lns *lns)
{
	struct xfrm_watch *x = lns->xfrm;
	struct sa_list sas = { 0 };
	struct sa_tunnel *in = NULL;
	struct tunnel **who = NULL, *t;
	unsigned char *lost = NULL, *moved = NULL;
	size_t n = 0, i;

	learn_all(lns);
	for (t = lns->tunnels; t; t = t->next)
		if (t->state != T_CLOSING && t->sa_spi_in)
			n++;
	log_msg(LOG_DEBUG, "xfrm: %lu SA event(s): %zu tunnel(s) through IPsec to check",
		x->events, n);
	x->events = 0;
	if (!n)
		return;
	in = calloc(n, sizeof(*in));
	who = calloc(n, sizeof(*who));
	lost = calloc(n, 1);
	moved = calloc(n, 1);
	if (!in || !who || !lost || !moved)
		goto out;
	if (dump_sas(x, &sas)) {
		arm(lns, SA_CHECK_RETRY_MS);
		goto out;
	}
	i = 0;
	for (t = lns->tunnels; t && i < n; t = t->next) {
		if (t->state == T_CLOSING || !t->sa_spi_in)
			continue;
		who[i] = t;
		in[i] = (struct sa_tunnel){ .reqid = t->sa_reqid,
					    .local = t->local.sin_addr.s_addr,
					    .peer = t->peer.sin_addr.s_addr,
					    .spi_in = t->sa_spi_in,
					    .mark = t->mark,
					    .mask = t->gen->cfg.ipsec_mark_mask };
		i++;
	}
	if (sa_displaced(in, n, sas.v, sas.n, moved) < 0 ||
	    sa_lost(in, n, sas.v, sas.n, lost) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		t = who[i];
		if (!moved[i]) {
			t->displaced_seen = 0;
		} else if (!t->displaced_seen++) {
			/*
			 * A dump is not atomic: an SA moved while it ran (NAT
			 * rebinding) may look half-moved. Seen again a
			 * moment later, it is so.
			 */
			log_tunnel(LOG_DEBUG, t, "IPsec: mark 0x%x seems to lead to another client: checked again",
				   t->mark);
			arm(lns, SA_CHECK_DELAY_MS);
		} else {
			/*
			 * Its mark now leads to another client: nothing more
			 * may be sent, not even a StopCCN (it would go to
			 * that client).
			 */
			log_tunnel(LOG_NOTICE, t, "IPsec: mark 0x%x now leads to another client's SA, not to this tunnel's client (SPI in 0x%08x): the IKE daemon restarted without deleting its SAs? Tearing down at once",
				   t->mark, t->sa_spi_in);
			tunnel_destroy(t);
			continue;
		}
		if (!lost[i])
			continue;
		if (t->sa_reqid)
			log_tunnel(LOG_NOTICE, t, "IPsec SA gone (SPI in 0x%08x, reqid %u): no inbound SA with reqid %u left; tearing down",
				   t->sa_spi_in, t->sa_reqid, t->sa_reqid);
		else
			log_tunnel(LOG_NOTICE, t, "IPsec SA gone (SPI in 0x%08x, reqid unknown): no inbound SA from the peer's address left; tearing down",
				   t->sa_spi_in);
		tunnel_stop_soon(t, "IPsec SA gone", SA_GONE_CLOSE_MS);
	}
out:
	free(sas.v);
	free(in);
	free(who);
	free(lost);
	free(moved);
}

int xfrm_tunnel_sa_gone(struct lns *lns, const struct tunnel *t)
{
	struct xfrm_watch *x = lns->xfrm;
	struct xfrmnl_sa *sa = NULL;
	struct nl_addr *local;
	int err;

	if (!x || !t->sa_spi_in)
		return 0;
	local = nl_addr_build(AF_INET, &t->local.sin_addr, 4);
	if (!local)
		return 0;
	/*
	 * Looked up with the tunnel's mark: it finds the inbound SA unmarked
	 * (the shipped configuration: mark_in on its policy) or marked with
	 * it (mark_in_sa).
	 */
	err = xfrmnl_sa_get_kernel(x->dump, local, t->sa_spi_in, IPPROTO_ESP,
				   t->mark, 0xffffffffu, &sa);
	nl_addr_put(local);
	if (!err) {
		xfrmnl_sa_put(sa);
		return 0;
	}
	return err == -NLE_OBJ_NOTFOUND;
}

void xfrm_tick(struct lns *lns)
{
	struct xfrm_watch *x = lns->xfrm;

	if (!x || !x->armed || sys_now_ms() < x->due_ms)
		return;
	x->armed = 0;
	check(lns);
}
