// SPDX-License-Identifier: GPL-2.0
/*
 * Every output format of l2tpfast-ctl in one place: the table (like
 * `wg show`), JSON (a contract: keys are added, never renamed), Prometheus
 * text exposition, and watch's rates. One table of counters drives them.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

struct counter_def {
	int attr;
	const char *key;	/* JSON key; Prometheus name stem */
	const char *help;
	const char *reason;	/* drop reason label, NULL for traffic */
};

static const struct counter_def counters[] = {
	{ L2TPFAST_A_COUNTERS_RX_DATA_PACKETS, "rx_packets", "Data packets received.", NULL },
	{ L2TPFAST_A_COUNTERS_RX_DATA_BYTES, "rx_bytes", "Bytes of data packets received, L2TP header included.", NULL },
	{ L2TPFAST_A_COUNTERS_TX_DATA_PACKETS, "tx_packets", "Data packets sent.", NULL },
	{ L2TPFAST_A_COUNTERS_TX_DATA_BYTES, "tx_bytes", "Bytes of data packets sent, L2TP header included.", NULL },
	{ L2TPFAST_A_COUNTERS_RX_CTRL_PACKETS, "rx_ctrl_packets", "Control packets received.", NULL },
	{ L2TPFAST_A_COUNTERS_RX_CTRL_BYTES, "rx_ctrl_bytes", "Bytes of control packets received.", NULL },
	{ L2TPFAST_A_COUNTERS_TX_CTRL_PACKETS, "tx_ctrl_packets", "Control packets sent.", NULL },
	{ L2TPFAST_A_COUNTERS_TX_CTRL_BYTES, "tx_ctrl_bytes", "Bytes of control packets sent.", NULL },
	{ L2TPFAST_A_COUNTERS_RX_DROP_NO_SESSION, "rx_drops_no_session", "Received packets dropped: no such session.", "no_session" },
	{ L2TPFAST_A_COUNTERS_RX_DROP_MALFORMED, "rx_drops_malformed", "Received packets dropped: malformed header.", "malformed" },
	{ L2TPFAST_A_COUNTERS_RX_DROP_VERSION, "rx_drops_version", "Received packets dropped: L2TP version mismatch.", "version" },
	{ L2TPFAST_A_COUNTERS_RX_DROP_TOO_SHORT, "rx_drops_too_short", "Received packets dropped: too short.", "too_short" },
	{ L2TPFAST_A_COUNTERS_RX_DROP_CLEARTEXT, "rx_drops_cleartext", "Received packets dropped: cleartext where IPsec is required.", "cleartext" },
	{ L2TPFAST_A_COUNTERS_TX_DROP_CLEARTEXT, "tx_drops_cleartext", "Packets not sent: IPsec is required and would not have transformed them.", NULL },
	{ L2TPFAST_A_COUNTERS_RX_DROP_BINDING, "rx_drops_binding", "Received packets dropped: they carried the tunnel's ids but not through the SA (or from the peer) it is bound to.", "binding" },
	{ L2TPFAST_A_COUNTERS_TX_DROP_BINDING, "tx_drops_binding", "Packets not sent: they would have left through another SA than the tunnel's own, or none.", NULL },
};

#define N_COUNTERS (sizeof(counters) / sizeof(counters[0]))

static uint64_t cv(const struct lf_counters *c, int attr)
{
	return c->v[attr];
}

static uint64_t drops(const struct lf_counters *c)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < N_COUNTERS; i++)
		if (counters[i].reason)
			sum += cv(c, counters[i].attr);
	return sum;
}

/* ns since the last packet, or -1 when there was none. */
static int64_t ago(const struct lf_snapshot *s, uint64_t last)
{
	if (!last)
		return -1;
	return last > s->taken_ns ? 0 : (int64_t)(s->taken_ns - last);
}

static void human_bytes(char *buf, size_t len, double b)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (b >= 1024 && u < 4) {
		b /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.2f %s" : "%.0f %s", b, unit[u]);
}

static void human_ago(char *buf, size_t len, int64_t ns)
{
	const int64_t sec = 1000000000, min = 60 * sec, hour = 60 * min;

	if (ns < 0)
		snprintf(buf, len, "never");
	else if (ns < min)
		snprintf(buf, len, "%.1fs ago", (double)ns / 1e9);
	else if (ns < hour)
		snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s ago",
			 ns / min, (ns / sec) % 60);
	else
		snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m ago",
			 ns / hour, (ns / min) % 60);
}

static void table_traffic(FILE *f, const char *indent,
			  const struct lf_snapshot *s, const struct lf_counters *c)
{
	char rb[32], tb[32], ra[32], ta[32];

	human_bytes(rb, sizeof(rb), (double)cv(c, L2TPFAST_A_COUNTERS_RX_DATA_BYTES));
	human_bytes(tb, sizeof(tb), (double)cv(c, L2TPFAST_A_COUNTERS_TX_DATA_BYTES));
	human_ago(ra, sizeof(ra), ago(s, cv(c, L2TPFAST_A_COUNTERS_RX_LAST_NS)));
	human_ago(ta, sizeof(ta), ago(s, cv(c, L2TPFAST_A_COUNTERS_TX_LAST_NS)));
	fprintf(f, "%stransfer: %" PRIu64 " pkts (%s) received, %" PRIu64 " pkts (%s) sent\n",
		indent, cv(c, L2TPFAST_A_COUNTERS_RX_DATA_PACKETS), rb,
		cv(c, L2TPFAST_A_COUNTERS_TX_DATA_PACKETS), tb);
	fprintf(f, "%slast packet: received %s, sent %s\n", indent, ra, ta);
}

/* What the LNS told l2tpfast: user, address, peer host, uptime. */
static void table_session_info(FILE *f, const struct lf_snapshot *s,
			       const struct lf_session_info *i)
{
	if (i->user[0])
		fprintf(f, "    user: %s\n", i->user);
	if (i->address.family) {
		char addr[64];

		lf_addr_format_ip(&i->address, addr, sizeof(addr));
		fprintf(f, "    address: %s\n", addr);
	}
	if (i->peer_host[0])
		fprintf(f, "    peer host: %s\n", i->peer_host);
	if (i->start_ns) {
		char up[32];

		human_ago(up, sizeof(up), ago(s, i->start_ns));
		fprintf(f, "    started: %s\n", up);
	}
}

/* "; not sent: cleartext=N binding=M", for the reasons that have some. */
static void table_not_sent(FILE *f, const struct lf_counters *c)
{
	uint64_t clear = cv(c, L2TPFAST_A_COUNTERS_TX_DROP_CLEARTEXT);
	uint64_t bind = cv(c, L2TPFAST_A_COUNTERS_TX_DROP_BINDING);

	if (!clear && !bind)
		return;
	fprintf(f, "; not sent:");
	if (clear)
		fprintf(f, " cleartext=%" PRIu64, clear);
	if (bind)
		fprintf(f, " binding=%" PRIu64, bind);
}

/* The SAs a tunnel's packets went through, as `ipsec trafficstatus` would. */
static void table_ipsec(FILE *f, const char *indent, const struct lf_ipsec *x)
{
	if (!x->present) {
		fprintf(f, "%sipsec: none\n", indent);
		return;
	}
	if (!x->spi_in && !x->spi_out) {
		fprintf(f, "%sipsec: no packet through an SA yet\n", indent);
		goto bound;
	}
	fprintf(f, "%sipsec: spi in 0x%08x, out 0x%08x, reqid %u", indent,
		x->spi_in, x->spi_out, x->reqid);
	if (x->encap_sport)
		fprintf(f, ", nat-t %u -> %u", x->encap_sport, x->encap_dport);
	if (x->mark)
		fprintf(f, ", mark 0x%x", x->mark);
	fprintf(f, ", changed %u times", x->changes);
	if (x->nat_changes)
		fprintf(f, ", nat rebound %u times", x->nat_changes);
	fprintf(f, "\n");
bound:
	if (x->bound_mask || x->bound_reqid_set) {
		fprintf(f, "%sbound to:", indent);
		if (x->bound_mask)
			fprintf(f, " mark 0x%x/0x%x", x->bound_mark, x->bound_mask);
		if (x->bound_reqid_set)
			fprintf(f, " reqid %u", x->bound_reqid);
		fprintf(f, "\n");
	}
}

static void table_net(FILE *f, const struct lf_net *n)
{
	if (!n->ipsec_required) {
		fprintf(f, "ipsec: not required: cleartext L2TP is accepted\n\n");
		return;
	}
	fprintf(f, "ipsec: required (port %u); cleartext dropped for no tunnel: "
		"%" PRIu64 " received, %" PRIu64 " sent\n\n", n->ipsec_port,
		n->rx_drop_cleartext, n->tx_drop_cleartext);
}

void format_table(FILE *f, const struct lf_snapshot *s)
{
	char local[64], peer[64];
	size_t i, j, k;

	table_net(f, &s->net);
	if (!s->n_tunnels)
		fprintf(f, "no tunnels attached (l2tpfast-ctl attach TUNNEL_ID)\n");
	for (i = 0; i < s->n_tunnels; i++) {
		const struct lf_tunnel *t = &s->tunnels[i];

		lf_addr_format(&t->local, local, sizeof(local));
		lf_addr_format(&t->peer, peer, sizeof(peer));
		fprintf(f, "%stunnel: %u\n", i ? "\n" : "", t->id);
		fprintf(f, "  version: L2TPv%u\n  local: %s\n  peer: %s (tunnel %u)\n",
			t->version, local, peer, t->peer_id);
		fprintf(f, "  control: %" PRIu64 " pkts received, %" PRIu64 " pkts sent\n",
			cv(&t->c, L2TPFAST_A_COUNTERS_RX_CTRL_PACKETS),
			cv(&t->c, L2TPFAST_A_COUNTERS_TX_CTRL_PACKETS));
		table_traffic(f, "  ", s, &t->c);
		fprintf(f, "  drops: %" PRIu64, drops(&t->c));
		for (k = 0; k < N_COUNTERS; k++)
			if (counters[k].reason && cv(&t->c, counters[k].attr))
				fprintf(f, " %s=%" PRIu64, counters[k].reason,
					cv(&t->c, counters[k].attr));
		table_not_sent(f, &t->c);
		fprintf(f, "\n");
		table_ipsec(f, "  ", &t->ipsec);
		fprintf(f, "  sessions: %u\n", t->session_count);
		for (j = 0; j < t->n_sessions; j++) {
			const struct lf_session *ss = &t->sessions[j];

			fprintf(f, "\n  session: %u (peer %u)%s%s\n", ss->id,
				ss->peer_id, ss->ifname[0] ? " on " : "",
				ss->ifname);
			table_session_info(f, s, &ss->info);
			table_ipsec(f, "    ", &t->ipsec);
			table_traffic(f, "    ", s, &ss->c);
		}
	}
}

static void json_counters(FILE *f, const struct lf_snapshot *s,
			  const struct lf_counters *c)
{
	int64_t ra = ago(s, cv(c, L2TPFAST_A_COUNTERS_RX_LAST_NS));
	int64_t ta = ago(s, cv(c, L2TPFAST_A_COUNTERS_TX_LAST_NS));
	size_t k;

	fprintf(f, "{");
	for (k = 0; k < N_COUNTERS; k++)
		fprintf(f, "\"%s\":%" PRIu64 ",", counters[k].key,
			cv(c, counters[k].attr));
	fprintf(f, "\"rx_drops\":%" PRIu64 ",", drops(c));
	fprintf(f, "\"rx_first_ns\":%" PRIu64 ",\"rx_last_ns\":%" PRIu64 ","
		"\"tx_first_ns\":%" PRIu64 ",\"tx_last_ns\":%" PRIu64 ",",
		cv(c, L2TPFAST_A_COUNTERS_RX_FIRST_NS),
		cv(c, L2TPFAST_A_COUNTERS_RX_LAST_NS),
		cv(c, L2TPFAST_A_COUNTERS_TX_FIRST_NS),
		cv(c, L2TPFAST_A_COUNTERS_TX_LAST_NS));
	if (ra < 0)
		fprintf(f, "\"rx_last_ns_ago\":null,");
	else
		fprintf(f, "\"rx_last_ns_ago\":%" PRId64 ",", ra);
	if (ta < 0)
		fprintf(f, "\"tx_last_ns_ago\":null}");
	else
		fprintf(f, "\"tx_last_ns_ago\":%" PRId64 "}", ta);
}

/* ifnames are [A-Za-z0-9_.-] in practice; escape anything else anyway. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* Keys user, address, peer_host: null when unset; start_ns, uptime_ns too. */
static void json_session_info(FILE *f, const struct lf_snapshot *s,
			      const struct lf_session_info *i)
{
	fprintf(f, ",\"user\":");
	if (i->user[0])
		json_string(f, i->user);
	else
		fprintf(f, "null");
	fprintf(f, ",\"address\":");
	if (i->address.family) {
		char addr[64];

		lf_addr_format_ip(&i->address, addr, sizeof(addr));
		json_string(f, addr);
	} else {
		fprintf(f, "null");
	}
	fprintf(f, ",\"peer_host\":");
	if (i->peer_host[0])
		json_string(f, i->peer_host);
	else
		fprintf(f, "null");
	if (i->start_ns)
		fprintf(f, ",\"start_ns\":%" PRIu64 ",\"uptime_ns\":%" PRId64,
			i->start_ns, ago(s, i->start_ns));
	else
		fprintf(f, ",\"start_ns\":null,\"uptime_ns\":null");
}

/* Key ipsec: null when no packet of the tunnel went through an SA. */
static void json_ipsec(FILE *f, const struct lf_ipsec *x)
{
	fprintf(f, ",\"ipsec\":");
	if (!x->present) {
		fprintf(f, "null");
		return;
	}
	fprintf(f, "{\"spi_in\":%u,\"spi_out\":%u,\"reqid\":%u,\"mark\":%u,"
		"\"changes\":%u,\"nat_changes\":%u,\"natt_peer_port\":",
		x->spi_in, x->spi_out, x->reqid, x->mark, x->changes,
		x->nat_changes);
	if (x->encap_sport)
		fprintf(f, "%u,\"natt_local_port\":%u", x->encap_sport,
			x->encap_dport);
	else
		fprintf(f, "null,\"natt_local_port\":null");
	fprintf(f, ",\"bound_mark\":");
	if (x->bound_mask)
		fprintf(f, "%u,\"bound_mask\":%u", x->bound_mark, x->bound_mask);
	else
		fprintf(f, "null,\"bound_mask\":null");
	fprintf(f, ",\"bound_reqid\":");
	if (x->bound_reqid_set)
		fprintf(f, "%u}", x->bound_reqid);
	else
		fprintf(f, "null}");
}

void format_json(FILE *f, const struct lf_snapshot *s)
{
	char local[64], peer[64];
	size_t i, j;

	fprintf(f, "{\"ipsec\":{\"required\":%s,\"port\":%u,"
		"\"rx_drops_cleartext\":%" PRIu64 ",\"tx_drops_cleartext\":%" PRIu64 "},",
		s->net.ipsec_required ? "true" : "false", s->net.ipsec_port,
		s->net.rx_drop_cleartext, s->net.tx_drop_cleartext);
	fprintf(f, "\"tunnels\":[");
	for (i = 0; i < s->n_tunnels; i++) {
		const struct lf_tunnel *t = &s->tunnels[i];

		lf_addr_format(&t->local, local, sizeof(local));
		lf_addr_format(&t->peer, peer, sizeof(peer));
		fprintf(f, "%s{\"tunnel_id\":%u,\"peer_tunnel_id\":%u,"
			"\"local\":\"%s\",\"peer\":\"%s\",\"version\":%u,"
			"\"session_count\":%u,\"counters\":",
			i ? "," : "", t->id, t->peer_id, local, peer,
			t->version, t->session_count);
		json_counters(f, s, &t->c);
		json_ipsec(f, &t->ipsec);
		fprintf(f, ",\"sessions\":[");
		for (j = 0; j < t->n_sessions; j++) {
			const struct lf_session *ss = &t->sessions[j];

			fprintf(f, "%s{\"session_id\":%u,\"peer_session_id\":%u,\"ifname\":",
				j ? "," : "", ss->id, ss->peer_id);
			json_string(f, ss->ifname);
			json_session_info(f, s, &ss->info);
			json_ipsec(f, &t->ipsec);
			fprintf(f, ",\"counters\":");
			json_counters(f, s, &ss->c);
			fprintf(f, "}");
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n");
}

/* Label values: escape backslash, double quote and newline. */
static void prom_label(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fprintf(f, "\\n");
		else
			fputc(*v, f);
	}
}

static void prom_family(FILE *f, const struct lf_snapshot *s,
			const struct counter_def *d, int sessions)
{
	const char *scope = sessions ? "session" : "tunnel";
	const char *name = d->reason ? "rx_drops" : d->key;
	size_t i, j, k;

	if (d->reason && !sessions && strcmp(d->reason, "no_session"))
		return;	/* one family for all reasons, printed once */
	fprintf(f, "# HELP l2tpfast_%s_%s_total %s\n", scope, name,
		d->reason ? "Received packets dropped, by reason." : d->help);
	fprintf(f, "# TYPE l2tpfast_%s_%s_total counter\n", scope, name);
	for (i = 0; i < s->n_tunnels; i++) {
		const struct lf_tunnel *t = &s->tunnels[i];

		if (!sessions) {
			if (!d->reason) {
				fprintf(f, "l2tpfast_tunnel_%s_total{tunnel=\"%u\"} %" PRIu64 "\n",
					name, t->id, cv(&t->c, d->attr));
				continue;
			}
			for (k = 0; k < N_COUNTERS; k++)
				if (counters[k].reason)
					fprintf(f, "l2tpfast_tunnel_rx_drops_total{tunnel=\"%u\",reason=\"%s\"} %" PRIu64 "\n",
						t->id, counters[k].reason,
						cv(&t->c, counters[k].attr));
			continue;
		}
		for (j = 0; j < t->n_sessions; j++) {
			const struct lf_session *ss = &t->sessions[j];

			fprintf(f, "l2tpfast_session_%s_total{tunnel=\"%u\",session=\"%u\",ifname=\"",
				name, t->id, ss->id);
			prom_label(f, ss->ifname);
			fprintf(f, "\"} %" PRIu64 "\n", cv(&ss->c, d->attr));
		}
	}
}

void format_prometheus(FILE *f, const struct lf_snapshot *s)
{
	char peer[64];
	size_t i, k;

	fprintf(f, "# HELP l2tpfast_tunnel_info An attached tunnel; value 1.\n");
	fprintf(f, "# TYPE l2tpfast_tunnel_info gauge\n");
	for (i = 0; i < s->n_tunnels; i++) {
		lf_addr_format(&s->tunnels[i].peer, peer, sizeof(peer));
		fprintf(f, "l2tpfast_tunnel_info{tunnel=\"%u\",peer_tunnel=\"%u\",version=\"%u\",peer=\"",
			s->tunnels[i].id, s->tunnels[i].peer_id,
			s->tunnels[i].version);
		prom_label(f, peer);
		fprintf(f, "\"} 1\n");
	}
	fprintf(f, "# HELP l2tpfast_tunnel_ipsec_info The SAs a tunnel's packets last went through; value 1.\n");
	fprintf(f, "# TYPE l2tpfast_tunnel_ipsec_info gauge\n");
	for (i = 0; i < s->n_tunnels; i++) {
		const struct lf_ipsec *x = &s->tunnels[i].ipsec;

		if (x->present)
			fprintf(f, "l2tpfast_tunnel_ipsec_info{tunnel=\"%u\",spi_in=\"0x%08x\",spi_out=\"0x%08x\",reqid=\"%u\",mark=\"0x%x\",natt_peer_port=\"%u\"} 1\n",
				s->tunnels[i].id, x->spi_in, x->spi_out,
				x->reqid, x->mark, x->encap_sport);
	}
	fprintf(f, "# HELP l2tpfast_tunnel_ipsec_changes_total Times the inbound SA of a tunnel changed (rekeys).\n");
	fprintf(f, "# TYPE l2tpfast_tunnel_ipsec_changes_total counter\n");
	for (i = 0; i < s->n_tunnels; i++)
		if (s->tunnels[i].ipsec.present)
			fprintf(f, "l2tpfast_tunnel_ipsec_changes_total{tunnel=\"%u\"} %u\n",
				s->tunnels[i].id, s->tunnels[i].ipsec.changes);
	fprintf(f, "# HELP l2tpfast_tunnel_ipsec_nat_changes_total Times the peer's NAT-T port moved under a tunnel (NAT rebinding).\n");
	fprintf(f, "# TYPE l2tpfast_tunnel_ipsec_nat_changes_total counter\n");
	for (i = 0; i < s->n_tunnels; i++)
		if (s->tunnels[i].ipsec.present)
			fprintf(f, "l2tpfast_tunnel_ipsec_nat_changes_total{tunnel=\"%u\"} %u\n",
				s->tunnels[i].id, s->tunnels[i].ipsec.nat_changes);
	fprintf(f, "# HELP l2tpfast_ipsec_required 1 if the netns drops L2TP that did not come through IPsec.\n");
	fprintf(f, "# TYPE l2tpfast_ipsec_required gauge\n");
	fprintf(f, "l2tpfast_ipsec_required %d\n", s->net.ipsec_required ? 1 : 0);
	fprintf(f, "# HELP l2tpfast_net_rx_drops_cleartext_total Cleartext L2TP received for no tunnel, dropped.\n");
	fprintf(f, "# TYPE l2tpfast_net_rx_drops_cleartext_total counter\n");
	fprintf(f, "l2tpfast_net_rx_drops_cleartext_total %" PRIu64 "\n", s->net.rx_drop_cleartext);
	fprintf(f, "# HELP l2tpfast_net_tx_drops_cleartext_total Cleartext L2TP from no tunnel's socket, not sent.\n");
	fprintf(f, "# TYPE l2tpfast_net_tx_drops_cleartext_total counter\n");
	fprintf(f, "l2tpfast_net_tx_drops_cleartext_total %" PRIu64 "\n", s->net.tx_drop_cleartext);
	for (k = 0; k < N_COUNTERS; k++)
		prom_family(f, s, &counters[k], 0);
	/* Sessions carry data only: traffic counters, not drops or control. */
	for (k = 0; k < 4; k++)
		prom_family(f, s, &counters[k], 1);
}

static double rate(uint64_t now, uint64_t before, double dt)
{
	return now >= before ? (double)(now - before) / dt : 0;
}

void format_rates(FILE *f, const struct lf_snapshot *prev,
		  const struct lf_snapshot *cur)
{
	double dt = (double)(cur->taken_ns - prev->taken_ns) / 1e9;
	size_t i, j;

	if (dt <= 0)
		return;
	fprintf(f, "%-8s %-8s %-12s %10s %12s %10s %12s\n", "TUNNEL",
		"SESSION", "IFNAME", "RX-PPS", "RX-BIT/S", "TX-PPS", "TX-BIT/S");
	for (i = 0; i < cur->n_tunnels; i++) {
		const struct lf_tunnel *t = &cur->tunnels[i];
		const struct lf_tunnel *pt = lf_snapshot_tunnel(prev, t->id);

		for (j = 0; j < t->n_sessions; j++) {
			const struct lf_session *ss = &t->sessions[j];
			const struct lf_session *ps = pt ? lf_tunnel_session(pt, ss->id) : NULL;
			struct lf_counters zero = { { 0 } };
			const struct lf_counters *pc = ps ? &ps->c : &zero;

			fprintf(f, "%-8u %-8u %-12s %10.1f %12.0f %10.1f %12.0f\n",
				t->id, ss->id, ss->ifname[0] ? ss->ifname : "-",
				rate(cv(&ss->c, L2TPFAST_A_COUNTERS_RX_DATA_PACKETS),
				     cv(pc, L2TPFAST_A_COUNTERS_RX_DATA_PACKETS), dt),
				8 * rate(cv(&ss->c, L2TPFAST_A_COUNTERS_RX_DATA_BYTES),
					 cv(pc, L2TPFAST_A_COUNTERS_RX_DATA_BYTES), dt),
				rate(cv(&ss->c, L2TPFAST_A_COUNTERS_TX_DATA_PACKETS),
				     cv(pc, L2TPFAST_A_COUNTERS_TX_DATA_PACKETS), dt),
				8 * rate(cv(&ss->c, L2TPFAST_A_COUNTERS_TX_DATA_BYTES),
					 cv(pc, L2TPFAST_A_COUNTERS_TX_DATA_BYTES), dt));
		}
	}
	fprintf(f, "\n");
}
