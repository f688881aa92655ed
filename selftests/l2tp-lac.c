// SPDX-License-Identifier: GPL-2.0
/*
 * A small L2TPv2 LAC for the selftests: one tunnel with several sessions,
 * which Debian's xl2tpd cannot do (one call per [lac]; a call on an
 * existing tunnel through its control pipe has no [lac] and crashes it in
 * 1.3.18). Plain stop-and-wait reliable delivery, written apart from
 * l2tpfastd's so that the two check each other; only the message codec is
 * shared.
 *
 *   l2tp-lac SERVER_IP[:PORT] [LOCAL_IP:]LOCAL_PORT SESSIONS [--host NAME]
 *            [--secret SECRET [--hide]] -- PPPD_OPTION...
 *
 * --secret: tunnel authentication (Challenge / Challenge Response);
 * --hide: the SCCRQ's Assigned Tunnel ID goes as a hidden AVP.
 *
 * Brings up the tunnel and SESSIONS calls, then per call a kernel session,
 * a PPPoL2TP socket and pppd with PPPD_OPTION. Prints one line per event
 * ("tunnel up", "session N up", "CDN ...", "StopCCN ..."); answers HELLO;
 * sends CDN when a pppd ends and StopCCN on SIGTERM.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/l2tp.h>

#include "avp.h"
#include "genl.h"
#include "l2tp.h"
#include "md5.h"
#include "pppol2tp.h"

#define MAX_SESSIONS	64
#define TRIES		6

static struct {
	int fd;
	struct sockaddr_in server;
	const char *host, *secret;
	int hide;		/* hide the Assigned Tunnel ID in SCCRQ */
	uint16_t tid, ptid;
	uint16_t ns, nr;
	uint8_t challenge[16];
	struct {
		uint16_t psid;
		pid_t pppd;
	} s[MAX_SESSIONS + 1];
	int n;
	char **pppd_opts;
	int n_opts;
	int stopping;		/* sending StopCCN: SIGTERM no longer cuts short */
} lac;

static volatile sig_atomic_t stop;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("l2tp-lac: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void xmit(struct ctrl_out *o, int zlb)
{
	size_t len = ctrl_finish(o, lac.ns, lac.nr);

	sendto(lac.fd, o->buf, len, 0, (struct sockaddr *)&lac.server,
	       sizeof(lac.server));
	if (!zlb)
		lac.ns++;
}

static void ack(void)
{
	struct ctrl_out o;

	ctrl_begin_zlb(&o, lac.ptid);
	xmit(&o, 1);
}

static uint16_t result_of(const struct ctrl_msg *m, char *text, size_t len)
{
	uint16_t r = 0;

	text[0] = '\0';
	if (m->avp[AVP_RESULT].val && m->avp[AVP_RESULT].len >= 2) {
		r = (uint16_t)(m->avp[AVP_RESULT].val[0] << 8 |
			       m->avp[AVP_RESULT].val[1]);
		if (m->avp[AVP_RESULT].len > 4) {
			size_t n = m->avp[AVP_RESULT].len - 4u;

			if (n >= len)
				n = len - 1;
			memcpy(text, m->avp[AVP_RESULT].val + 4, n);
			text[n] = '\0';
		}
	}
	return r;
}

static int find_session(uint16_t sid)
{
	return sid >= 1 && sid <= lac.n ? sid : 0;
}

static void end_pppd(int i)
{
	if (lac.s[i].pppd > 0)
		kill(lac.s[i].pppd, SIGTERM);
	lac.s[i].pppd = 0;
}

/* Whatever the LNS says on its own: HELLO, CDN, StopCCN. */
static void unsolicited(const struct ctrl_msg *m)
{
	char text[128];
	uint16_t r;
	int i;

	switch (m->type) {
	case MSG_CDN:
		r = result_of(m, text, sizeof(text));
		i = find_session(m->session_id);
		say("CDN for session %u, result %u: %s", m->session_id, r, text);
		if (i)
			end_pppd(i);
		break;
	case MSG_STOPCCN:
		r = result_of(m, text, sizeof(text));
		say("StopCCN, result %u: %s", r, text);
		for (i = 1; i <= lac.n; i++)
			end_pppd(i);
		stop = 2;
		break;
	case MSG_HELLO:
		break;
	default:
		say("unexpected %s", msg_type_name(m->type));
	}
}

/*
 * Receive for up to @ms. Messages in sequence are acknowledged and, when of
 * type @want, copied to @out; others go to unsolicited(). Returns 1 when
 * our last message is acknowledged and (if @want) the reply came.
 */
static int receive(int ms, uint16_t want, struct ctrl_msg *out, int *got)
{
	static struct ctrl_msg m;
	static uint8_t keep[2048];
	struct sockaddr_in from;
	struct pollfd p = { .fd = lac.fd, .events = POLLIN };
	socklen_t fl = sizeof(from);
	uint8_t buf[2048];
	const char *why;
	long long end = now_ms() + ms;
	int acked = 0;
	ssize_t n;

	while (poll(&p, 1, (int)(end > now_ms() ? end - now_ms() : 0)) == 1) {
		n = recvfrom(lac.fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0 || ctrl_parse(buf, (size_t)n, lac.secret, &m, &why))
			continue;
		if (m.tunnel_id != lac.tid)
			continue;
		/* The LNS may answer from a port of its own (RFC 2661 8.1). */
		if (!lac.ptid || want == MSG_SCCRP)
			lac.server = from;
		if ((int16_t)(m.nr - lac.ns) >= 0)
			acked = 1;
		if (m.zlb)
			goto done;
		if (m.ns != lac.nr) {
			ack();		/* a duplicate: say again where we are */
			continue;
		}
		lac.nr++;
		if (want && out && m.type == want) {
			/* The reply outlives buf: parse it again from a copy. */
			memcpy(keep, buf, (size_t)n);
			ctrl_parse(keep, (size_t)n, lac.secret, out, &why);
			*got = 1;
		} else {
			unsolicited(&m);
		}
		ack();
done:
		if (acked && (!want || *got))
			return 1;
	}
	return 0;
}

/* Send, then wait for the acknowledgement and the reply, resending. */
static int exchange(struct ctrl_out *o, uint16_t want, struct ctrl_msg *reply)
{
	uint16_t ns = lac.ns;
	int i, got = 0;

	for (i = 0; i < TRIES; i++) {
		lac.ns = ns;
		xmit(o, 0);
		if (receive(1000 << (i < 3 ? i : 3), want, reply, &got))
			return 0;
		/* A SIGTERM cuts any exchange short but the StopCCN's. */
		if (stop == 2 || (stop == 1 && !lac.stopping))
			return -1;
	}
	say("no acknowledgement%s%s after %d tries", want ? " or " : "",
	    want ? msg_type_name(want) : "", TRIES);
	return -1;
}

static void chap(uint8_t type, const uint8_t *chal, size_t len, uint8_t out[16])
{
	struct md5 c;

	md5_init(&c);
	md5_update(&c, &type, 1);
	md5_update(&c, lac.secret, strlen(lac.secret));
	md5_update(&c, chal, len);
	md5_final(&c, out);
}

/*
 * A hidden AVP value (RFC 2661 4.3): original length and value, XORed with
 * MD5(type, secret, random vector), then MD5(secret, previous block).
 */
static size_t hide(uint16_t type, const uint8_t *rv, size_t rvlen,
		   const uint8_t *val, size_t len, uint8_t *out)
{
	uint8_t t[2] = { (uint8_t)(type >> 8), (uint8_t)type }, pad[16] = { 0 };
	size_t i, n = len + 2;
	struct md5 c;

	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	memcpy(out + 2, val, len);
	for (i = 0; i < n; i++) {
		if (i % 16 == 0) {
			md5_init(&c);
			if (!i) {
				md5_update(&c, t, 2);
				md5_update(&c, lac.secret, strlen(lac.secret));
				md5_update(&c, rv, rvlen);
			} else {
				md5_update(&c, lac.secret, strlen(lac.secret));
				md5_update(&c, out + i - 16, 16);
			}
			md5_final(&c, pad);
		}
		out[i] ^= pad[i % 16];
	}
	return n;
}

static int tunnel_up(void)
{
	static struct ctrl_msg r;
	struct ctrl_out o;
	uint8_t resp[16];

	ctrl_begin(&o, MSG_SCCRQ, 0, 0);
	ctrl_avp_u16(&o, 1, AVP_PROTO_VERSION, 0x0100);
	ctrl_avp(&o, 1, AVP_HOST_NAME, lac.host, strlen(lac.host));
	ctrl_avp_u32(&o, 1, AVP_FRAMING_CAP, 3);
	if (lac.hide && lac.secret) {
		uint8_t rv[16], id[2] = { (uint8_t)(lac.tid >> 8), (uint8_t)lac.tid };
		uint8_t h[32];
		size_t hl;

		for (size_t i = 0; i < sizeof(rv); i++)
			rv[i] = (uint8_t)rand();
		hl = hide(AVP_TUNNEL_ID, rv, sizeof(rv), id, sizeof(id), h);
		ctrl_avp(&o, 1, AVP_RANDOM_VECTOR, rv, sizeof(rv));
		ctrl_avp(&o, 1, AVP_TUNNEL_ID, h, hl);
		o.buf[o.len - hl - 6] |= 0x40;	/* the H bit */
	} else {
		ctrl_avp_u16(&o, 1, AVP_TUNNEL_ID, lac.tid);
	}
	ctrl_avp_u16(&o, 0, AVP_RWS, 4);
	if (lac.secret) {
		for (size_t i = 0; i < sizeof(lac.challenge); i++)
			lac.challenge[i] = (uint8_t)rand();
		ctrl_avp(&o, 1, AVP_CHALLENGE, lac.challenge, sizeof(lac.challenge));
	}
	if (exchange(&o, MSG_SCCRP, &r) || avp_u16(&r, AVP_TUNNEL_ID, &lac.ptid)) {
		say("no SCCRP");
		return -1;
	}
	if (lac.secret) {
		chap(MSG_SCCRP, lac.challenge, sizeof(lac.challenge), resp);
		if (!r.avp[AVP_CHALLENGE_RESP].val ||
		    r.avp[AVP_CHALLENGE_RESP].len != 16 ||
		    memcmp(resp, r.avp[AVP_CHALLENGE_RESP].val, 16))
			say("the LNS's Challenge Response is wrong: secrets differ");
	}
	ctrl_begin(&o, MSG_SCCCN, lac.ptid, 0);
	if (r.avp[AVP_CHALLENGE].val && lac.secret) {
		chap(MSG_SCCCN, r.avp[AVP_CHALLENGE].val, r.avp[AVP_CHALLENGE].len, resp);
		ctrl_avp(&o, 1, AVP_CHALLENGE_RESP, resp, sizeof(resp));
	}
	if (exchange(&o, 0, NULL) || stop)
		return -1;
	say("tunnel up: ours %u, the LNS's %u, LNS at %s:%u", lac.tid, lac.ptid,
	    inet_ntoa(lac.server.sin_addr), ntohs(lac.server.sin_port));
	return 0;
}

static int call_up(int i)
{
	static struct ctrl_msg r;
	struct ctrl_out o;

	ctrl_begin(&o, MSG_ICRQ, lac.ptid, 0);
	ctrl_avp_u16(&o, 1, AVP_SESSION_ID, (uint16_t)i);
	ctrl_avp_u32(&o, 1, AVP_CALL_SERIAL, (uint32_t)i);
	if (exchange(&o, MSG_ICRP, &r) || avp_u16(&r, AVP_SESSION_ID, &lac.s[i].psid)) {
		say("session %d: no ICRP", i);
		return -1;
	}
	ctrl_begin(&o, MSG_ICCN, lac.ptid, lac.s[i].psid);
	ctrl_avp_u32(&o, 1, AVP_TX_SPEED, 100000000);
	ctrl_avp_u32(&o, 1, AVP_FRAMING_TYPE, 1);
	if (exchange(&o, 0, NULL))
		return -1;
	return 0;
}

static pid_t pppd_start(int i, int pfd)
{
	char fdarg[16], tidarg[16], sidarg[16];
	sigset_t term, old;
	const char **argv;
	pid_t pid;
	int k = 0;

	argv = calloc((size_t)lac.n_opts + 12, sizeof(*argv));
	if (!argv)
		return -1;
	snprintf(fdarg, sizeof(fdarg), "%d", pfd);
	snprintf(tidarg, sizeof(tidarg), "%u", lac.tid);
	snprintf(sidarg, sizeof(sidarg), "%d", i);
	argv[k++] = "pppd";
	argv[k++] = "plugin";
	argv[k++] = "pppol2tp.so";
	argv[k++] = "pppol2tp";
	argv[k++] = fdarg;
	argv[k++] = "pppol2tp_tunnel_id";
	argv[k++] = tidarg;
	argv[k++] = "pppol2tp_session_id";
	argv[k++] = sidarg;
	argv[k++] = "nodetach";
	memcpy(&argv[k], lac.pppd_opts, (size_t)lac.n_opts * sizeof(*argv));
	/*
	 * A SIGTERM for the child before it execs pppd would meet our own
	 * handler, inherited, and be lost: pppd would then run on until its
	 * LCP gives up. The child takes the default action back first, with
	 * the signals held until it has.
	 */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigprocmask(SIG_BLOCK, &term, &old);
	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp("pppd", (char *const *)argv);
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(argv);
	return pid;
}

static int kernel_up(struct lf_genl *g)
{
	struct lf_l2tp_tunnel_cfg t = {
		.tunnel_id = lac.tid, .peer_tunnel_id = lac.ptid,
		.version = 2, .fd = lac.fd,
	};
	int i, err;

	if (connect(lac.fd, (struct sockaddr *)&lac.server, sizeof(lac.server)))
		return -1;
	err = lf_l2tp_tunnel_create(g, &t);
	if (err) {
		say("kernel tunnel: %s", lf_genl_strerror(err));
		return -1;
	}
	for (i = 1; i <= lac.n; i++) {
		struct lf_l2tp_session_cfg s = {
			.tunnel_id = lac.tid, .session_id = (uint32_t)i,
			.peer_session_id = lac.s[i].psid, .pw_type = L2TP_PWTYPE_PPP,
		};
		int pfd;

		err = lf_l2tp_session_create(g, &s);
		if (err) {
			say("kernel session %d: %s", i, lf_genl_strerror(err));
			return -1;
		}
		pfd = lf_pppol2tp_connect(lac.fd, (struct sockaddr *)&lac.server,
					  lac.tid, lac.ptid, (uint32_t)i, lac.s[i].psid);
		if (pfd < 0) {
			say("PPPoL2TP socket %d: %s", i, strerror(errno));
			return -1;
		}
		lac.s[i].pppd = pppd_start(i, pfd);
		close(pfd);
		say("session %d up: the LNS's %u, pppd %d", i, lac.s[i].psid,
		    (int)lac.s[i].pppd);
	}
	return 0;
}

static void reap(void)
{
	struct ctrl_out o;
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 1; i <= lac.n; i++) {
			if (lac.s[i].pppd != pid)
				continue;
			lac.s[i].pppd = 0;
			say("session %d: pppd ended; CDN", i);
			ctrl_begin(&o, MSG_CDN, lac.ptid, lac.s[i].psid);
			ctrl_avp_result(&o, 3, 0, "pppd ended");
			ctrl_avp_u16(&o, 1, AVP_SESSION_ID, (uint16_t)i);
			exchange(&o, 0, NULL);
		}
}

int main(int argc, char **argv)
{
	struct sockaddr_in local = { .sin_family = AF_INET };
	struct sigaction sa = { .sa_handler = on_signal };
	struct lf_genl g;
	struct ctrl_out o;
	char *colon;
	int i, rc, first = 4, got = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: l2tp-lac SERVER_IP[:PORT] [LOCAL_IP:]LOCAL_PORT SESSIONS [--host NAME] [--secret S [--hide]] -- PPPD_OPTION...\n");
		return 2;
	}
	lac.server.sin_family = AF_INET;
	lac.server.sin_port = htons(1701);
	colon = strchr(argv[1], ':');
	if (colon) {
		*colon = '\0';
		lac.server.sin_port = htons((uint16_t)atoi(colon + 1));
	}
	if (inet_pton(AF_INET, argv[1], &lac.server.sin_addr) != 1)
		return 2;
	colon = strchr(argv[2], ':');
	if (colon) {
		*colon = '\0';
		if (inet_pton(AF_INET, argv[2], &local.sin_addr) != 1)
			return 2;
	}
	local.sin_port = htons((uint16_t)atoi(colon ? colon + 1 : argv[2]));
	lac.n = atoi(argv[3]);
	if (lac.n < 1 || lac.n > MAX_SESSIONS)
		return 2;
	lac.host = "l2tp-lac";
	for (; first < argc; first++) {
		if (!strcmp(argv[first], "--host") && first + 1 < argc)
			lac.host = argv[++first];
		else if (!strcmp(argv[first], "--secret") && first + 1 < argc)
			lac.secret = argv[++first];
		else if (!strcmp(argv[first], "--hide"))
			lac.hide = 1;
		else if (!strcmp(argv[first], "--")) {
			first++;
			break;
		} else {
			return 2;
		}
	}
	lac.pppd_opts = &argv[first];
	lac.n_opts = argc - first;
	srand((unsigned int)time(NULL) ^ (unsigned int)getpid());
	lac.tid = (uint16_t)(1 + rand() % 60000);

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* pppd needs its PPPoL2TP socket only, not the tunnel's. */
	lac.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (lac.fd < 0 || bind(lac.fd, (struct sockaddr *)&local, sizeof(local))) {
		perror("l2tp-lac: socket");
		return 1;
	}
	if (lf_genl_open(&g, "l2tp") < 0)
		return 1;
	/*
	 * A set-up cut short (no answer, a kernel error, SIGTERM) ends like
	 * a SIGTERM later on: pppds ended, StopCCN to a tunnel the LNS has
	 * answered, the kernel's tunnel deleted.
	 */
	rc = tunnel_up();
	for (i = 1; i <= lac.n && !rc; i++)
		rc = call_up(i);
	if (!rc)
		rc = kernel_up(&g);
	while (!rc && !stop) {
		receive(500, 0, NULL, &got);
		reap();
	}
	for (i = 1; i <= lac.n; i++)
		end_pppd(i);
	if (stop != 2 && lac.ptid) {
		say(stop ? "SIGTERM: StopCCN" : "set-up failed: StopCCN");
		lac.stopping = 1;
		ctrl_begin(&o, MSG_STOPCCN, lac.ptid, 0);
		ctrl_avp_u16(&o, 1, AVP_TUNNEL_ID, lac.tid);
		ctrl_avp_result(&o, 1, 0, "l2tp-lac stopping");
		exchange(&o, 0, NULL);
	}
	lf_l2tp_tunnel_delete(&g, lac.tid);
	lf_genl_close(&g);
	return rc && stop != 1 ? 1 : 0;
}
