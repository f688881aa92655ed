// SPDX-License-Identifier: GPL-2.0
/*
 * l2tpfastd's engine (tunnel.c, session.c, lns.c, reliable.c...) on the
 * host under ASan/UBSan, driven by scripted LACs through the model of the
 * system in lns-model.c: timers fire when the script says, pppds exit when
 * it says, and events come in the batches epoll would make of them.
 *
 * Each scenario is one of the ways the daemon went wrong before: a tunnel
 * freed while a later event of its batch still named it; half-open tunnels
 * and calls that held an fd, a kernel tunnel or a pool address forever; a
 * reload within one second that deleted the live pppd options file; 33
 * messages in flight that tore a tunnel down; a peer's new SCCRQ dropped
 * while its old tunnel lived; a shift by the retry count.
 */

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lns-model.h"
#include "log.h"

static int n_test, n_fail;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	n_test++;
	if (!cond)
		n_fail++;
	printf("%s %d - ", cond ? "ok" : "not ok", n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static const char conf_small[] =
	"[global]\n"
	"port = 1701\n"
	"[lns default]\n"
	"ip range = 10.9.0.10-10.9.0.13\n"
	"local ip = 10.9.0.1\n"
	"require chap = yes\n"
	"pppoptfile = /dev/null\n";

static uint16_t icrp_session(struct peer *p)
{
	struct ctrl_msg m;
	uint16_t sid = 0;

	if (peer_recv(p, &m) == MSG_ICRP)
		avp_u16(&m, AVP_SESSION_ID, &sid);
	return sid;
}

/* SCCRQ, SCCRP, SCCCN: an established tunnel. */
static int establish(struct lns *lns, struct peer *p)
{
	peer_sccrq(p);
	model_pump(lns);
	if (peer_recv(p, NULL) != MSG_SCCRP)
		return -1;
	peer_scccn(p);
	model_pump(lns);
	peer_recv(p, NULL);
	return lns->tunnels && lns->tunnels->state == T_ESTABLISHED ? 0 : -1;
}

/* ICRQ, ICRP, ICCN: the LNS's session id, 0 on failure. */
static uint16_t call(struct lns *lns, struct peer *p, uint16_t sid)
{
	uint16_t lsid;

	peer_icrq(p, sid);
	model_pump(lns);
	lsid = icrp_session(p);
	if (!lsid)
		return 0;
	peer_iccn(p, lsid, sid);
	model_pump(lns);
	peer_recv(p, NULL);
	return lsid;
}

static void test_handshake(void)
{
	struct lns *lns;
	struct peer p;
	uint16_t lsid;

	model_reset();
	lns = model_lns_start(conf_small);
	ok(lns != NULL, "handshake: the LNS starts on the model");
	if (!lns)
		return;
	peer_init(&p, "198.51.100.7", 1701, lns, 7);
	ok(!establish(lns, &p), "SCCRQ, SCCRP, SCCCN: tunnel established");
	ok(model.kernel_tunnels == 1 && model.attached == 1,
	   "... l2tp_core has the tunnel, l2tpfast is attached");
	lsid = call(lns, &p, 70);
	ok(lsid && model.kernel_sessions == 1 && model.n_pppd == 1,
	   "ICRQ, ICRP, ICCN: kernel session and pppd");
	ok(lns->tunnels->pool->n_used == 1, "... one pool address taken");
	peer_cdn(&p, lsid, 70);
	model_pump(lns);
	ok(!model.kernel_sessions && !model.n_pppd && !lns->tunnels->pool->n_used,
	   "CDN: session, pppd and address gone");
	peer_stopccn(&p);
	model_pump(lns);
	model_advance(lns, 40000);
	ok(!lns->tunnels && !model.kernel_tunnels && !model.attached &&
	   model.n_open == 1, "StopCCN: tunnel, kernel tunnel, socket gone (the listening socket left)");
	model_lns_stop(lns);
}

/*
 * A tunnel whose close deadline passes in the same batch as junk on its
 * socket: the timer tears it down, then the socket's event comes.
 */
static void test_uaf_batch(void)
{
	struct lns *lns;
	struct peer p;
	uint8_t junk[20] = { 0xc8, 0x02, 0, 20 };

	model_reset();
	lns = model_lns_start(conf_small);
	peer_init(&p, "198.51.100.8", 1701, lns, 8);
	ok(!establish(lns, &p), "batch: tunnel established");
	peer_stopccn(&p);
	model_pump(lns);
	peer_recv(&p, NULL);
	model.now += 60000;	/* past its close time */
	model_deliver(&p.addr, &p.lns, 0, junk, sizeof(junk));
	model_batch(lns, 1);	/* the timer first, then the socket */
	ok(!lns->tunnels && !model.kernel_tunnels,
	   "a tunnel torn down by the timer is not touched by its socket's event in the same batch");
	model_lns_stop(lns);
}

static void test_half_open(void)
{
	static const char conf[] =
		"[global]\n"
		"max half-open = 50\n"
		"[lns default]\n"
		"ip range = 10.9.0.10-10.9.0.13\n";
	struct lns *lns;
	struct peer p;
	uint64_t sent0;
	int i, sccrps;
	char ip[32];

	model_reset();
	lns = model_lns_start(conf);
	peer_init(&p, "198.51.100.9", 1701, lns, 9);
	peer_sccrq(&p);
	model_pump(lns);
	peer_recv(&p, NULL);
	peer_zlb(&p);		/* SCCRP acknowledged, no SCCCN ever */
	model_pump(lns);
	model_advance(lns, 29000);
	ok(lns->n_tunnels == 1, "half-open: the tunnel waits for SCCCN (29 s)");
	model_advance(lns, 2000);
	ok(!lns->n_tunnels && !model.kernel_tunnels && model.n_open == 1,
	   "... and is gone after 30 s: no tunnel, kernel tunnel or socket left");

	/* A spoofed SCCRQ: what does it draw? */
	peer_init(&p, "203.0.113.1", 1701, lns, 1);
	sent0 = model.sent;
	peer_sccrq(&p);
	model_pump(lns);
	model_advance(lns, 60000);
	sccrps = (int)(model.sent - sent0);
	ok(sccrps <= 3 && !lns->n_tunnels,
	   "a spoofed SCCRQ draws %d SCCRPs (at most 3) and is forgotten", sccrps);
	peer_recv(&p, NULL);

	/* 1,000 spoofed SCCRQs from 200 addresses. */
	for (i = 0; i < 1000; i++) {
		snprintf(ip, sizeof(ip), "203.0.113.%d", 1 + i % 200);
		peer_init(&p, ip, (uint16_t)(1701 + i / 200), lns, (uint16_t)(1 + i));
		peer_sccrq(&p);
		if (i % 50 == 49)
			model_pump(lns);
	}
	model_pump(lns);
	ok(lns->n_tunnels <= 50 && model.n_open <= 51,
	   "1000 spoofed SCCRQs: %d half-open tunnels, %d sockets (cap 50)",
	   lns->n_tunnels, model.n_open);
	model_advance(lns, 31000);
	ok(!lns->n_tunnels && model.n_open == 1, "... all forgotten 30 s later");
	model_lns_stop(lns);
}

static void test_icrq_no_iccn(void)
{
	struct lns *lns;
	struct peer p;
	int i, held = 0;

	model_reset();
	lns = model_lns_start(conf_small);
	peer_init(&p, "198.51.100.10", 1701, lns, 10);
	establish(lns, &p);
	for (i = 0; i < 4; i++) {
		peer_icrq(&p, (uint16_t)(100 + i));
		model_pump(lns);
		held += icrp_session(&p) != 0;
	}
	ok(held == 4 && !lns->tunnels->pool->n_used,
	   "4 ICRQs without ICCN: %d calls answered, %u of 4 pool addresses taken",
	   held, lns->tunnels->pool->n_used);
	ok(call(lns, &p, 200) && lns->tunnels->pool->n_used == 1,
	   "... a fifth call completes and gets an address");
	model_advance(lns, 31000);
	ok(lns->tunnels->n_sessions == 1,
	   "... the 4 never completed are given up after 30 s (%d session left)",
	   lns->tunnels->n_sessions);
	model_lns_stop(lns);
}

/* SIGHUP twice in one second while a tunnel of the first generation lives. */
static void test_reload_optfile(void)
{
	static const char conf[] =
		"[lns default]\n"
		"ip range = 10.9.0.10-10.9.0.13\n"
		"pppoptfile = /tmp/lns-driver-options\n";
	struct lns *lns;
	struct peer p;
	struct stat st;
	FILE *f = fopen("/tmp/lns-driver-options", "w");

	if (f) {
		fputs("ms-dns 10.9.0.1\n", f);
		fclose(f);
	}
	model_reset();
	lns = model_lns_start(conf);
	peer_init(&p, "198.51.100.11", 1701, lns, 11);
	establish(lns, &p);
	model_lns_reload(lns, NULL);
	model_lns_reload(lns, NULL);
	ok(!stat(lns->gen->optfile[0], &st) && (st.st_mode & 0777) == 0600,
	   "reloaded twice in a second: the options file is there, mode 0600");
	peer_stopccn(&p);
	model_pump(lns);
	model_advance(lns, 40000);
	ok(!lns->tunnels && !stat(lns->gen->optfile[0], &st),
	   "... and still there once the first generation's tunnel is gone");
	model_lns_stop(lns);
	unlink("/tmp/lns-driver-options");
}

/* 40 pppds exit at once: 40 CDNs to send, the peer's window is 4. */
static void test_many_cdns(void)
{
	static const char conf[] =
		"[lns default]\n"
		"ip range = 10.9.0.10-10.9.0.200\n";
	uint16_t lsid[40];
	struct lns *lns;
	struct peer p;
	int i, got = 0, rounds;

	model_reset();
	lns = model_lns_start(conf);
	peer_init(&p, "198.51.100.12", 1701, lns, 12);
	establish(lns, &p);
	for (i = 0; i < 40; i++)
		lsid[i] = call(lns, &p, (uint16_t)(1 + i));
	ok(lns->tunnels->n_sessions == 40 && model.n_pppd == 40, "40 sessions up");
	(void)lsid;
	for (i = 0; i < MODEL_PPPDS; i++)
		if (model.pppd[i])
			model_pppd_exit(lns, model.pppd[i], 0);
	ok(lns->tunnels && lns->tunnels->state == T_ESTABLISHED && !lns->tunnels->n_sessions,
	   "40 pppds exit at once: the tunnel stays");
	for (rounds = 0; rounds < 40 && got < 40; rounds++) {
		got += peer_count(&p, MSG_CDN);
		peer_recv(&p, NULL);
		peer_zlb(&p);
		model_pump(lns);
	}
	ok(got == 40, "... and the peer gets all 40 CDNs, 4 at a time (%d)", got);
	model_lns_stop(lns);
}

/*
 * The SCCRPs are lost (a lossy path): the peer's SCCRQ again, with Ns 0,
 * brings the SCCRP's next retransmission forward, at most once a second;
 * the SCCRP still goes out 3 times in all, whatever a spoofer sends.
 */
static void test_sccrp_again(void)
{
	static const int at[] = { 1400, 1600, 2600, 3800 };
	static const int want[] = { 1, 0, 0, 0 };
	struct lns *lns;
	struct peer p, again, x;
	int i, right = 1, total = 1;

	model_reset();
	lns = model_lns_start(conf_small);
	peer_init(&p, "198.51.100.15", 1701, lns, 15);
	again = p;
	peer_sccrq(&p);
	model_pump(lns);
	ok(peer_count(&p, MSG_SCCRP) == 1, "SCCRP lost: the LNS sent it");
	peer_recv(&again, NULL);	/* and the peer never had it */
	for (i = 0; i < 4; i++) {
		x = again;
		model_advance(lns, (uint64_t)(at[i] - (i ? at[i - 1] : 0)));
		total += peer_count(&p, MSG_SCCRP);	/* the LNS's own timer */
		peer_recv(&x, NULL);
		peer_sccrq(&x);
		model_pump(lns);
		int answers = peer_count(&p, MSG_SCCRP);

		total += answers;
		peer_recv(&x, NULL);
		if (answers != want[i]) {
			right = 0;
			printf("# SCCRQ again at %d ms: %d SCCRPs at once, want %d\n",
			       at[i], answers, want[i]);
		}
	}
	ok(right, "... the peer's SCCRQ again brings the next one forward, at most once a second");
	ok(total == 3, "... 3 SCCRPs in all, SCCRQs again or not (%d)", total);
	if (!lns->tunnels) {
		ok(0, "... and the SCCCN that follows establishes the tunnel: it is gone");
		model_lns_stop(lns);
		return;
	}
	p.lns_tunnel_id = lns->tunnels->id;	/* an SCCRP got through at last */
	p.nr = 1;
	peer_scccn(&p);
	model_pump(lns);
	ok(lns->tunnels && lns->tunnels->state == T_ESTABLISHED,
	   "... and the SCCCN that follows establishes the tunnel");
	model_lns_stop(lns);
}

/*
 * The peer restarts: its new SCCRQ comes from the same address and port,
 * onto the old tunnel's connected socket.
 */
static void test_restart(void)
{
	struct lns *lns;
	struct peer p, again;
	uint64_t t0;
	int n = -1, i;

	model_reset();
	lns = model_lns_start(conf_small);
	peer_init(&p, "198.51.100.13", 1701, lns, 13);
	establish(lns, &p);
	again = p;
	peer_sccrq(&again);	/* the same SCCRQ again (p keeps its Ns, Nr) */
	model_pump(lns);
	ok(peer_count(&p, MSG_HELLO) == 1,
	   "its SCCRQ again on an established tunnel: a LAC that restarted with the same id? HELLO");
	for (i = 0; i < 8; i++) {	/* it had not: it answers */
		peer_recv(&p, NULL);
		peer_zlb(&p);
		model_pump(lns);
		model_advance(lns, 10000);
	}
	ok(lns->n_tunnels == 1 && lns->tunnels->state == T_ESTABLISHED,
	   "... answered: the tunnel stays");
	peer_recv(&p, NULL);
	again = p;
	again.tunnel_id = 14;
	again.lns = model.fd[lns->listen_fd].local;
	again.lns.sin_addr = p.lns.sin_addr;
	t0 = model.now;
	peer_sccrq(&again);	/* lands on the old tunnel's connected socket */
	model_pump(lns);
	ok(peer_count(&p, MSG_HELLO) == 1, "a new Assigned Tunnel ID from there: the old tunnel is probed with HELLO");
	peer_recv(&p, NULL);	/* the restarted peer does not know it */
	while (n != MSG_SCCRP && model.now - t0 < 20000) {
		model_advance(lns, 1000);
		peer_sccrq(&again);	/* as a LAC retransmits it */
		model_pump(lns);
		n = peer_recv(&again, NULL);
	}
	ok(n == MSG_SCCRP && lns->n_tunnels == 1 && again.lns.sin_port == htons(1701),
	   "unanswered, it goes; the redial gets its SCCRP from port 1701 after %d s",
	   (int)((model.now - t0) / 1000));
	peer_scccn(&again);
	model_pump(lns);
	ok(call(lns, &again, 1) != 0, "... and carries a call");
	model_lns_stop(lns);
}

/* A spoofed SCCRQ from a live peer's address and port: nothing changes for it. */
static void test_spoofed_sccrq(const char *conf, const char *what)
{
	struct lns *lns;
	struct peer p, spoof;
	uint16_t id;
	int i;

	model_reset();
	lns = model_lns_start(conf);
	peer_init(&p, "198.51.100.18", 1701, lns, 18);
	establish(lns, &p);
	id = lns->tunnels->id;
	call(lns, &p, 1);
	spoof = p;
	spoof.tunnel_id = 99;
	spoof.lns = model.fd[lns->listen_fd].local;
	spoof.lns.sin_addr = p.lns.sin_addr;
	for (i = 0; i < 10; i++) {
		peer_sccrq(&spoof);
		model_pump(lns);
		peer_recv(&p, NULL);
		peer_zlb(&p);	/* the live peer acknowledges what it gets */
		model_pump(lns);
		model_advance(lns, 1000);
	}
	ok(lns->n_tunnels <= 2 && tunnel_find_peer(lns, &p.addr, 18, 0) &&
	   tunnel_find_peer(lns, &p.addr, 18, 0)->id == id &&
	   tunnel_find_peer(lns, &p.addr, 18, 0)->n_sessions == 1,
	   "%s10 spoofed SCCRQs from a live peer's address and port: its tunnel and call stay", what);
	model_advance(lns, 40000);
	ok(lns->n_tunnels == 1, "%s... and what they started is forgotten", what);
	model_lns_stop(lns);
}

/* A peer whose tunnel is closing (its StopCCN) redials at once. */
static void test_redial_after_stopccn(void)
{
	struct lns *lns;
	struct peer p;

	model_reset();
	lns = model_lns_start(conf_small);
	peer_init(&p, "198.51.100.19", 1701, lns, 19);
	establish(lns, &p);
	peer_stopccn(&p);
	model_pump(lns);
	peer_recv(&p, NULL);
	p.tunnel_id = 20;
	p.lns = model.fd[lns->listen_fd].local;
	p.lns.sin_addr.s_addr = htonl(0xc0000201);
	peer_sccrq(&p);
	model_pump(lns);
	ok(peer_recv(&p, NULL) == MSG_SCCRP && p.lns.sin_port == htons(1701) &&
	   lns->n_tunnels == 1,
	   "the peer closed its tunnel and redials: SCCRP at once, from port 1701");
	model_lns_stop(lns);
}

/* A probe's HELLO or its answer lost: the live peer keeps its tunnel. */
static void test_probe_loss(void)
{
	struct lns *lns;
	struct peer p, spoof;
	uint16_t id;

	model_reset();
	lns = model_lns_start(conf_small);
	peer_init(&p, "198.51.100.20", 1701, lns, 20);
	establish(lns, &p);
	id = lns->tunnels->id;
	spoof = p;
	spoof.tunnel_id = 77;
	peer_sccrq(&spoof);
	model_pump(lns);
	peer_recv(&p, NULL);	/* lost: no answer */
	model_advance(lns, 1200);
	peer_recv(&p, NULL);	/* lost again */
	model_advance(lns, 600);
	ok(peer_count(&p, MSG_HELLO) >= 1, "the probe's HELLO goes out again within 2 s");
	peer_recv(&p, NULL);
	peer_zlb(&p);		/* this one gets through */
	model_pump(lns);
	model_advance(lns, 5000);
	ok(lns->n_tunnels == 1 && lns->tunnels->id == id,
	   "two HELLOs lost, the third answered: the tunnel stays");
	model_lns_stop(lns);
}

/* With 'exclusive', a peer keeping a second tunnel ends up with the new one. */
static void test_exclusive_replace(void)
{
	static const char conf[] =
		"[lns default]\n"
		"exclusive = yes\n"
		"ip range = 10.9.0.10-10.9.0.13\n";
	struct lns *lns;
	struct peer p, second;
	uint16_t id;

	model_reset();
	lns = model_lns_start(conf);
	peer_init(&p, "198.51.100.21", 1701, lns, 21);
	establish(lns, &p);
	id = lns->tunnels->id;
	second = p;
	second.tunnel_id = 22;
	peer_sccrq(&second);
	model_pump(lns);
	peer_recv(&p, NULL);
	peer_zlb(&p);		/* the probe is answered */
	model_pump(lns);
	model_advance(lns, 400);
	peer_sccrq(&second);	/* its retransmission: a tunnel beside it */
	model_pump(lns);
	ok(peer_recv(&second, NULL) == MSG_SCCRP, "probe answered: the second SCCRQ gets its SCCRP");
	peer_scccn(&second);
	model_pump(lns);
	model_advance(lns, 40000);
	ok(lns->n_tunnels == 1 && lns->tunnels->id != id,
	   "exclusive: once established, the new tunnel replaced the old one");
	model_lns_stop(lns);
}

/* One address opens and closes tunnels: what it holds stays within its cap. */
static void test_per_peer_cap(void)
{
	static const char conf[] =
		"[global]\n"
		"max tunnels per peer = 4\n"
		"[lns default]\n"
		"ip range = 10.9.0.10-10.9.0.13\n";
	struct lns *lns;
	struct peer p;
	uint64_t sent0;
	int i;

	model_reset();
	lns = model_lns_start(conf);
	for (i = 0; i < 40; i++) {
		peer_init(&p, "198.51.100.22", (uint16_t)(2000 + i), lns, (uint16_t)(1 + i));
		if (!establish(lns, &p)) {
			peer_stopccn(&p);
			model_pump(lns);
		}
	}
	ok(lns->n_tunnels <= 4, "40 tunnels opened and closed from one address: %d held (cap 4)",
	   lns->n_tunnels);
	/* Refusals to spoofed sources: at most 50 answers a second. */
	sent0 = model.sent;
	for (i = 0; i < 500; i++) {
		peer_init(&p, "198.51.100.22", (uint16_t)(3000 + i), lns, (uint16_t)(100 + i));
		peer_sccrq(&p);
		if (i % 50 == 49)
			model_pump(lns);
	}
	model_pump(lns);
	ok(model.sent - sent0 <= 50, "500 SCCRQs over the cap in under a second: %d StopCCNs sent (at most 50)",
	   (int)(model.sent - sent0));
	model_lns_stop(lns);
}

static void test_max_retries(void)
{
	static const char conf[] =
		"[global]\n"
		"max retries = 100\n"
		"[lns default]\n"
		"ip range = 10.9.0.10-10.9.0.13\n";
	struct lns *lns;
	struct peer p;

	model_reset();
	lns = model_lns_start(conf);
	peer_init(&p, "198.51.100.14", 1701, lns, 14);
	establish(lns, &p);
	lns->tunnels->last_rx_ms = 0;
	model_advance(lns, 61000 + 100 * 8000);
	ok(!lns->n_tunnels, "max retries = 100: HELLO retried 100 times, then the tunnel goes");
	model_lns_stop(lns);
}

static void test_icrq_unknown_mandatory(void)
{
	struct lns *lns;
	struct peer p;
	struct ctrl_out o;

	model_reset();
	lns = model_lns_start(conf_small);
	peer_init(&p, "198.51.100.15", 1701, lns, 15);
	establish(lns, &p);
	ctrl_begin(&o, MSG_ICRQ, p.lns_tunnel_id, 0);
	ctrl_avp_u16(&o, 1, AVP_SESSION_ID, 5);
	ctrl_avp_u16(&o, 1, 39 + 20, 1);	/* not an AVP of RFC 2661 */
	peer_send(&p, &o);
	model_pump(lns);
	ok(peer_recv(&p, NULL) == MSG_CDN && lns->n_tunnels == 1 &&
	   lns->tunnels->state == T_ESTABLISHED,
	   "an unknown mandatory AVP in an ICRQ: a CDN for that call, the tunnel stays");
	model_lns_stop(lns);
}

/* An ICCN with Sequencing Required: the kernel session numbers its data. */
static void test_sequencing(void)
{
	struct lns *lns;
	struct peer p;
	struct ctrl_out o;
	uint16_t lsid;

	model_reset();
	lns = model_lns_start(conf_small);
	peer_init(&p, "198.51.100.16", 1701, lns, 16);
	establish(lns, &p);
	ok(call(lns, &p, 1) && !model.last_seq, "a call without Sequencing Required: no sequence numbers");
	peer_icrq(&p, 2);
	model_pump(lns);
	lsid = icrp_session(&p);
	ctrl_begin(&o, MSG_ICCN, p.lns_tunnel_id, lsid);
	ctrl_avp_u32(&o, 1, AVP_TX_SPEED, 100000000);
	ctrl_avp_u32(&o, 1, AVP_FRAMING_TYPE, 1);
	ctrl_avp(&o, 1, AVP_SEQ_REQUIRED, NULL, 0);
	peer_send(&p, &o);
	model_pump(lns);
	ok(model.kernel_sessions == 2 && model.last_seq == 1,
	   "an ICCN with Sequencing Required: the kernel session sends and expects Ns/Nr");
	model_lns_stop(lns);
}

/*
 * A second SCCRQ from @p's address and port (@second): it lands on @p's
 * tunnel's socket, which probes @p; @p answers, and the SCCRQ again
 * makes a tunnel. What the LNS answered @second, -1 for nothing.
 */
static int second_sccrq(struct lns *lns, struct peer *p, struct peer *second)
{
	int i, got = -1;

	peer_sccrq(second);
	model_pump(lns);
	peer_recv(p, NULL);
	peer_zlb(p);
	model_pump(lns);
	for (i = 0; i < 3 && got < 0; i++) {
		model_advance(lns, 400);
		peer_sccrq(second);
		model_pump(lns);
		got = peer_recv(second, NULL);
	}
	return got;
}

static struct tunnel *tunnel_of_peer(struct lns *lns, uint16_t peer_id)
{
	struct tunnel *t;

	for (t = lns->tunnels; t; t = t->next)
		if (t->peer_id == peer_id)
			return t;
	return NULL;
}

/*
 * 'ipsec required = yes': l2tpfast.ko's switch set before anything is
 * listened to, start-up stopped when it cannot be; a tunnel l2tpfast cannot
 * attach is refused; a second tunnel from one peer address and port gets a
 * StopCCN instead of an answer from an ephemeral port (without IPsec: the
 * same four-tuple with l2tpfast.ko, else a port of its own); SIGHUP turns the
 * switch as the file says, and keeps the running configuration when the
 * switch cannot be turned on.
 */
static void test_ipsec_required(void)
{
	static const char conf_yes[] =
		"[global]\nipsec required = yes\n"
		"[lns default]\nip range = 10.9.0.10-10.9.0.13\n";
	static const char conf_no[] =
		"[global]\nipsec required = no\n"
		"[lns default]\nip range = 10.9.0.10-10.9.0.13\n";
	struct lns *lns;
	struct peer p, second, nat[2];
	struct tunnel *a, *b, *c;
	int got, k;

	model_reset();
	model.fail_net = 1;
	lns = model_lns_start(conf_yes);
	ok(!lns && model.net_calls == 1,
	   "ipsec required: l2tpfast.ko cannot enforce it (net-set fails): start-up stops");
	if (lns)
		model_lns_stop(lns);
	model_reset();
	model.fail_net = 1;
	lns = model_lns_start(conf_no);
	ok(lns != NULL, "ipsec required = no: a failing net-set (no module, an old one) is no reason to stop");
	if (lns)
		model_lns_stop(lns);

	model_reset();
	lns = model_lns_start(conf_yes);
	ok(lns && model.net_required == 1 && model.net_port == 1701,
	   "ipsec required: net-set turns l2tpfast.ko's switch on for port 1701");
	if (!lns)
		return;
	model.fail_attach = 1;
	peer_init(&p, "198.51.100.31", 1701, lns, 31);
	peer_sccrq(&p);
	model_pump(lns);
	ok(peer_recv(&p, NULL) == MSG_STOPCCN && !lns->n_tunnels &&
	   !model.kernel_tunnels && model.n_open == 1,
	   "ipsec required: a tunnel l2tpfast cannot attach is refused (StopCCN, nothing left)");
	model.fail_attach = 0;
	model_advance(lns, 2000);
	peer_init(&p, "198.51.100.32", 1701, lns, 32);
	ok(!establish(lns, &p) && model.attached == 1, "... attached, the next one is established");
	second = p;
	second.tunnel_id = 33;
	got = second_sccrq(lns, &p, &second);
	ok(got == MSG_STOPCCN && lns->n_tunnels == 1 && model.n_open == 2 &&
	   second.lns.sin_port == htons(1701),
	   "ipsec required: a second tunnel from the same address and port gets a StopCCN from port 1701, no socket of its own");

	model_lns_reload(lns, conf_no);
	ok(!lns->gen->cfg.ipsec_required && model.net_required == 0,
	   "SIGHUP to 'ipsec required = no': the switch is turned off");
	model.fail_net = 1;
	model_lns_reload(lns, conf_yes);
	ok(!lns->gen->cfg.ipsec_required, "SIGHUP to 'yes' that net-set refuses: the running configuration stays");
	model.fail_net = 0;
	model_lns_reload(lns, conf_yes);
	ok(lns->gen->cfg.ipsec_required && model.net_required == 1,
	   "SIGHUP to 'yes': the switch is turned on");
	model_lns_stop(lns);

	/*
	 * Without IPsec, with l2tpfast.ko, a second tunnel from one address
	 * and port answers from 1701 too: xl2tpd sends every tunnel's
	 * messages to the port it called first. Either tunnel's messages may
	 * come to the other's socket, and go to the tunnel they name.
	 */
	model_reset();
	lns = model_lns_start(conf_no);
	peer_init(&p, "198.51.100.34", 1701, lns, 34);
	establish(lns, &p);
	second = p;
	second.tunnel_id = 35;
	got = second_sccrq(lns, &p, &second);
	ok(got == MSG_SCCRP && lns->n_tunnels == 2 && model.n_open == 3 &&
	   second.lns.sin_port == htons(1701),
	   "ipsec required = no, l2tpfast.ko there: the second tunnel's SCCRP comes from 1701, a socket of its own with the first's four-tuple");
	peer_scccn(&second);
	model_pump(lns);
	peer_recv(&second, NULL);
	a = tunnel_of_peer(lns, 34);
	b = tunnel_of_peer(lns, 35);
	ok(a && b && a->state == T_ESTABLISHED && b->state == T_ESTABLISHED &&
	   a->attached && b->attached && b->shared,
	   "... both established and attached, the second marked as sharing");
	ok(call(lns, &p, 7) && a->n_sessions == 1 && !b->n_sessions,
	   "... the first tunnel's ICRQ, read off the second's socket (UDP picks the newest), makes its session");
	ok(call(lns, &second, 8) && b->n_sessions == 1,
	   "... and the second's its own");
	model_lns_stop(lns);

	/* The same with a tunnel l2tpfast cannot attach: refused. */
	model_reset();
	lns = model_lns_start(conf_no);
	peer_init(&p, "198.51.100.36", 1701, lns, 36);
	establish(lns, &p);
	second = p;
	second.tunnel_id = 37;
	model.fail_attach = 1;
	got = second_sccrq(lns, &p, &second);
	a = tunnel_of_peer(lns, 36);
	ok(got == MSG_STOPCCN && lns->n_tunnels == 1 && model.n_open == 2 &&
	   a && a->state == T_ESTABLISHED && a->attached,
	   "ipsec required = no: a second tunnel on a shared four-tuple that l2tpfast cannot attach is refused (StopCCN), the first kept");
	model.fail_attach = 0;
	model_lns_stop(lns);

	/*
	 * Beside a tunnel l2tpfast could not attach (a warning, kept), the
	 * second answers from a port of its own: on the same four-tuple,
	 * 6.1's l2tp_core would look for the first one's sessions in the
	 * second (the newest socket gets the datagrams).
	 */
	model_reset();
	lns = model_lns_start(conf_no);
	peer_init(&p, "198.51.100.40", 1701, lns, 40);
	model.fail_attach = 1;
	establish(lns, &p);
	model.fail_attach = 0;
	second = p;
	second.tunnel_id = 41;
	got = second_sccrq(lns, &p, &second);
	b = tunnel_of_peer(lns, 41);
	ok(got == MSG_SCCRP && b && !b->shared && second.lns.sin_port != htons(1701),
	   "ipsec required = no: beside an unattached tunnel, the second answers from a port of its own (%u)",
	   ntohs(second.lns.sin_port));
	model_lns_stop(lns);

	/*
	 * Marked tunnels (clients behind a NAT through their SAs) and an
	 * SCCRQ in cleartext from their address and port (a forger): its
	 * tunnel gets a port of its own, not a socket that would take the
	 * clients' messages.
	 */
	model_reset();
	lns = model_lns_start(conf_no);
	for (k = 0; k < 2; k++) {
		peer_init(&nat[k], "203.0.113.9", 1701, lns, (uint16_t)(42 + k));
		nat[k].mark = (uint32_t)(k + 1);
		establish(lns, &nat[k]);
	}
	peer_init(&p, "203.0.113.9", 1701, lns, 44);
	peer_sccrq(&p);
	model_pump(lns);
	c = tunnel_of_peer(lns, 44);
	ok(c && !c->shared && c->local.sin_port != htons(1701),
	   "ipsec required = no: a cleartext SCCRQ from marked clients' address and port gets a port of its own (%u)",
	   c ? ntohs(c->local.sin_port) : 0);
	ok(call(lns, &nat[0], 9) && call(lns, &nat[1], 10),
	   "... both clients' calls are answered");
	model_lns_stop(lns);

	/*
	 * Without l2tpfast.ko, from a port of its own, for peers that follow
	 * it (RFC 2661 8.1). One that sends to 1701 all the same (xl2tpd)
	 * gets no second tunnel: its data would not reach it either.
	 */
	model_reset();
	lns = model_lns_start(conf_no);
	lns->have_fast = 0;
	peer_init(&p, "198.51.100.38", 1701, lns, 38);
	establish(lns, &p);
	second = p;
	second.tunnel_id = 39;
	got = second_sccrq(lns, &p, &second);
	ok(got == MSG_SCCRP && lns->n_tunnels == 2 && second.lns.sin_port != htons(1701),
	   "ipsec required = no, no l2tpfast.ko: the second tunnel's SCCRP comes from a port of its own (%u)",
	   ntohs(second.lns.sin_port));
	second.lns.sin_port = htons(1701);
	peer_scccn(&second);
	model_pump(lns);
	b = tunnel_of_peer(lns, 39);
	a = tunnel_of_peer(lns, 38);
	ok(b && b->state == T_WAIT_SCCCN && a && a->state == T_ESTABLISHED,
	   "... its SCCCN sent to 1701 is not read as the second tunnel's; the first is unharmed");
	model_lns_stop(lns);
}

/*
 * What xfrm.c does to a tunnel whose last IPsec SA went: StopCCN, its
 * pppd and address at once, l2tp_core's tunnel and the socket a second
 * later whatever the peer says (it cannot answer without its SA).
 */
static void test_sa_gone(void)
{
	struct lns *lns;
	struct peer p;

	model_reset();
	lns = model_lns_start(conf_small);
	peer_init(&p, "198.51.100.41", 1701, lns, 41);
	establish(lns, &p);
	call(lns, &p, 1);
	ok(lns->n_tunnels == 1 && model.n_pppd == 1 && lns->tunnels->pool->n_used == 1,
	   "SA gone: a tunnel with a call");
	lns->tunnels->sa_spi_in = 0xc0ffee;	/* as xfrm.c learnt it */
	lns->tunnels->sa_reqid = 7;
	tunnel_stop_soon(lns->tunnels, "IPsec SA gone", 1000);
	model_pump(lns);
	ok(peer_count(&p, MSG_STOPCCN) == 1 && !model.n_pppd && !model.kernel_sessions &&
	   lns->tunnels && !lns->tunnels->pool->n_used,
	   "... StopCCN sent; pppd, kernel session and pool address gone at once");
	model_advance(lns, 1200);
	ok(!lns->tunnels && !model.kernel_tunnels && !model.attached && model.n_open == 1,
	   "... tunnel, kernel tunnel and socket gone within 1.2 s, unacknowledged");
	peer_recv(&p, NULL);
	peer_sccrq(&p);		/* the client reconnects at once (a new SA) */
	model_pump(lns);
	ok(peer_recv(&p, NULL) == MSG_SCCRP, "... and the client's next SCCRQ gets its SCCRP");
	model_lns_stop(lns);
}

static struct tunnel *tunnel_of_mark(struct lns *lns, uint32_t mark)
{
	struct tunnel *t;

	for (t = lns->tunnels; t; t = t->next)
		if (t->mark == mark)
			return t;
	return NULL;
}

/*
 * Three clients behind one NAT, all from 203.0.113.2:1701, two with the
 * same Assigned Tunnel ID: told apart by the marks their SAs set. The
 * model gives every datagram to the newest of the sockets that share the
 * addresses and ports, as UDP may.
 */
static void test_nat_marks(void)
{
	static const char conf[] =
		"[global]\nipsec required = yes\n"
		"[lns default]\nexclusive = yes\nip range = 10.9.0.10-10.9.0.19\n";
	static const uint16_t ids[3] = { 7, 7, 8 };
	struct peer p[3], forger;
	struct tunnel *t1;
	struct lns *lns;
	int k, n = 0, marked = 0, calls = 0;

	model_reset();
	lns = model_lns_start(conf);
	if (!lns)
		return;
	for (k = 0; k < 3; k++) {
		peer_init(&p[k], "203.0.113.2", 1701, lns, ids[k]);
		/* Other bits of the mark are someone else's (the mask). */
		p[k].mark = 0x7f000000u | (uint32_t)(k + 1);
		n += !establish(lns, &p[k]);
	}
	ok(n == 3 && lns->n_tunnels == 3 && model.attached == 3,
	   "NAT: three clients from one address and port 1701 get three tunnels");
	for (k = 0; k < 3; k++) {
		const struct tunnel *t = tunnel_of_mark(lns, (uint32_t)(k + 1));

		marked += t && model.fd[t->fd].mark == t->mark &&
			  t->local.sin_port == htons(1701);
	}
	ok(marked == 3,
	   "... each on a socket from port 1701 with its client's mark (under the mask) as SO_MARK");
	for (k = 0; k < 3; k++)
		calls += call(lns, &p[k], (uint16_t)(10 + k)) != 0;
	ok(calls == 3 && model.kernel_sessions == 3 && model.n_pppd == 3,
	   "... each carries a call, whichever socket its messages came to");
	t1 = tunnel_of_mark(lns, 1);
	forger = p[1];
	forger.lns_tunnel_id = p[0].lns_tunnel_id;
	peer_stopccn(&forger);
	model_pump(lns);
	ok(t1 && t1 == tunnel_of_mark(lns, 1) && t1->state == T_ESTABLISHED &&
	   t1->n_sessions == 1 && model.n_pppd == 3,
	   "... a StopCCN with client 1's tunnel id through client 2's SA is not client 1's");
	peer_stopccn(&p[1]);
	model_pump(lns);
	model_advance(lns, 40000);
	ok(lns->n_tunnels == 2 && tunnel_of_mark(lns, 1) && tunnel_of_mark(lns, 3) &&
	   !tunnel_of_mark(lns, 2) && model.n_pppd == 2,
	   "... client 2's own StopCCN ends its tunnel only");
	model_lns_stop(lns);
}

/*
 * The gateway's charon restarts: marks and reqids start from 1 again. An
 * SCCRQ with the mark of a tunnel whose SA is gone is a new client: the old
 * tunnel, its pppd and its address go at once, and the new client gets a
 * tunnel of its own (never the old one).
 */
static void test_restart_marks(void)
{
	static const char conf[] =
		"[global]\nipsec required = yes\n"
		"[lns default]\nip range = 10.9.0.10-10.9.0.19\n";
	struct peer old, fresh, again;
	struct tunnel *t;
	struct lns *lns;
	int up;

	model_reset();
	lns = model_lns_start(conf);
	if (!lns)
		return;
	peer_init(&old, "203.0.113.2", 1701, lns, 7);
	old.mark = 1;
	up = !establish(lns, &old) && call(lns, &old, 10) != 0;
	t = lns->tunnels;
	if (up)
		t->sa_spi_in = 0xc0ffee;	/* as xfrm.c learnt it */
	/* A rekey moved it to a new SA; the old one is gone. */
	model.gone_spi = 0xc0ffee;
	model.ipsec_spi = 0xbeef;
	peer_init(&again, "203.0.113.2", 1701, lns, 8);
	again.mark = 1;
	peer_sccrq(&again);
	model_pump(lns);
	ok(up && lns->n_tunnels == 1 && lns->tunnels == t && t->probing &&
	   t->sa_spi_in == 0xbeef,
	   "an SCCRQ with a live tunnel's mark after its rekey (its last SA gone, the new one there): probed, not torn down");
	model_advance(lns, 20000);
	model.ipsec_spi = 0;
	if (lns->n_tunnels == 1 && lns->tunnels == t)
		t->sa_spi_in = 0xc0ffee;
	model.gone_spi = 0xc0ffee;			/* charon went */
	peer_init(&fresh, "203.0.113.2", 1701, lns, 9);
	fresh.mark = 1;					/* the new charon's first */
	ok(up && !establish(lns, &fresh) && lns->n_tunnels == 1 &&
	   lns->tunnels->peer_id == 9 && lns->tunnels->mark == 1 &&
	   model.n_pppd == 0 && model.kernel_sessions == 0,
	   "charon restarted: a new client with a gone SA's mark gets a tunnel of its own, the old one and its pppd go at once");
	model.gone_spi = 0;
	model_lns_stop(lns);
}

/*
 * Without IPsec, the peer's port moves (its NAT's new mapping, RFC 3193):
 * the tunnel follows, once its own messages go unacknowledged, a control
 * message with its ids and the next Ns from the new port; never one that
 * is not the next (a replay, a guess), nor any while the old path works.
 */
static void test_floating_port(void)
{
	struct peer p, stranger, old_path;
	struct ctrl_out o;
	struct tunnel *t;
	struct lns *lns;
	int up, moved;

	model_reset();
	lns = model_lns_start(conf_small);
	if (!lns)
		return;
	peer_init(&p, "198.51.100.7", 1701, lns, 5);
	up = !establish(lns, &p) && call(lns, &p, 21) != 0;
	t = lns->tunnels;
	old_path = p;			/* what still reaches 1701 */
	/* The very next Ns, from another port, while the old path works. */
	stranger = p;
	stranger.addr.sin_port = htons(40999);
	ctrl_begin(&o, MSG_HELLO, p.lns_tunnel_id, 0);
	peer_send(&stranger, &o);
	model_pump(lns);
	ok(up && t == lns->tunnels && ntohs(t->peer.sin_port) == 1701 &&
	   model.fd[t->fd].peer.sin_port == htons(1701) &&
	   peer_recv(&p, NULL) == MSG_HELLO,
	   "floating port: the tunnel's ids and next Ns from another port: not followed, a HELLO on the old path, which the live peer answers");
	peer_zlb(&p);
	model_pump(lns);
	/*
	 * The peer's NAT forgets it; idle, it speaks first from its new port:
	 * a HELLO on the old path first, not followed yet.
	 */
	p.addr.sin_port = htons(41000);
	ctrl_begin(&o, MSG_HELLO, p.lns_tunnel_id, 0);
	peer_send(&p, &o);
	model_pump(lns);
	ok(t == lns->tunnels && ntohs(t->peer.sin_port) == 1701 && t->rel.n_txq == 1 &&
	   peer_count(&old_path, MSG_HELLO) == 1,
	   "... idle, the peer's next message from a new port: a HELLO on the old path first, not followed yet");
	model_advance(lns, 1500);	/* unanswered, sent again */
	stranger.addr.sin_port = htons(40999);
	stranger.ns = (uint16_t)(p.ns - 2);
	ctrl_begin(&o, MSG_HELLO, p.lns_tunnel_id, 0);
	peer_send(&stranger, &o);
	model_pump(lns);
	ok(ntohs(t->peer.sin_port) == 1701 && t->rel.txq[0].tries >= 1,
	   "... the old path dead, a message from another port with an Ns already used: not followed");
	p.ns--;				/* the peer sends its HELLO again */
	ctrl_begin(&o, MSG_HELLO, p.lns_tunnel_id, 0);
	peer_send(&p, &o);
	model_pump(lns);
	moved = ntohs(t->peer.sin_port) == 41000 &&
		model.fd[t->fd].peer.sin_port == htons(41000);
	ok(moved && peer_count(&p, MSG_HELLO) >= 1 && t->state == T_ESTABLISHED &&
	   t->n_sessions == 1 && t->rel.txq[0].tries == 0,
	   "... its HELLO again (Ns as expected): followed, our HELLO resent there at once with its retries back, the session kept");
	model_lns_stop(lns);
}

int main(void)
{
	log_open(1, getenv("LNS_DRIVER_DEBUG") != NULL);
	printf("TAP version 13\n# l2tpfastd's engine on the model\n");
	test_handshake();
	test_uaf_batch();
	test_half_open();
	test_icrq_no_iccn();
	test_reload_optfile();
	test_many_cdns();
	test_sccrp_again();
	test_restart();
	test_spoofed_sccrq(conf_small, "");
	test_spoofed_sccrq("[lns default]\nexclusive = yes\nip range = 10.9.0.10-10.9.0.13\n",
			   "exclusive: ");
	test_redial_after_stopccn();
	test_probe_loss();
	test_exclusive_replace();
	test_per_peer_cap();
	test_max_retries();
	test_icrq_unknown_mandatory();
	test_sequencing();
	test_ipsec_required();
	test_sa_gone();
	test_nat_marks();
	test_restart_marks();
	test_floating_port();
	model_cleanup();
	printf("1..%d\n# lns-driver: %d passed, %d failed\n", n_test, n_test - n_fail, n_fail);
	return n_fail != 0;
}
