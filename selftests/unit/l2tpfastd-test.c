// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of l2tpfastd's pure logic, built with ASan and UBSan by
 * selftests/unit.sh: MD5, control message encoding and parsing (malformed
 * input included), hidden AVPs, the configuration parser's every error
 * path, address pools, which tunnels lost their last IPsec SA.
 */

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "avp.h"
#include "config.h"
#include "md5.h"
#include "secrets.h"
#include "pool.h"
#include "reliable.h"
#include "sacheck.h"

static int n, failed;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	n++;
	printf("%sok %d - ", cond ? "" : "not ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		failed++;
}

static void diag_line(const char *s)
{
	printf("#   %s\n", s);
}

static void test_md5(void)
{
	static const char *const in[] = { "", "abc", "message digest" };
	static const char *const want[] = {
		"d41d8cd98f00b204e9800998ecf8427e",
		"900150983cd24fb0d6963f7d28e17f72",
		"f96b697d7cb7938d525a2f31aaf161d0",
	};
	char hex[33];
	uint8_t d[16];
	struct md5 c;
	int i, j;

	for (i = 0; i < 3; i++) {
		md5_init(&c);
		md5_update(&c, in[i], strlen(in[i]));
		md5_final(&c, d);
		for (j = 0; j < 16; j++)
			sprintf(hex + 2 * j, "%02x", d[j]);
		ok(!strcmp(hex, want[i]), "md5(\"%s\") (RFC 1321 vector)", in[i]);
	}
}

static void test_roundtrip(void)
{
	struct ctrl_msg *m = malloc(sizeof(*m));
	struct ctrl_out o;
	const char *why = "";
	uint16_t v16 = 0;
	uint32_t v32 = 0;
	char host[64];
	size_t len;

	ctrl_begin(&o, MSG_SCCRP, 4242, 0);
	ctrl_avp_u16(&o, 1, AVP_PROTO_VERSION, 0x0100);
	ctrl_avp_u32(&o, 1, AVP_FRAMING_CAP, 3);
	ctrl_avp(&o, 1, AVP_HOST_NAME, "lns", 3);
	ctrl_avp_u16(&o, 1, AVP_TUNNEL_ID, 7);
	ctrl_avp_result(&o, 2, 8, "why");
	len = ctrl_finish(&o, 5, 9);
	ok(len == 12 + 8 + 8 + 10 + 9 + 8 + 13, "SCCRP encodes to %zu bytes", len);
	ok(!ctrl_parse(o.buf, len, NULL, m, &why), "SCCRP parses back (%s)", why);
	ok(m->type == MSG_SCCRP && m->tunnel_id == 4242 && m->ns == 5 && m->nr == 9,
	   "header fields and message type survive");
	ok(!avp_u16(m, AVP_TUNNEL_ID, &v16) && v16 == 7, "Assigned Tunnel ID");
	ok(!avp_u32(m, AVP_FRAMING_CAP, &v32) && v32 == 3, "Framing Capabilities");
	avp_str(m, AVP_HOST_NAME, host, sizeof(host));
	ok(!strcmp(host, "lns"), "Host Name");
	ok(m->avp[AVP_RESULT].len == 7, "Result Code with its message");
	ok(m->unknown_mandatory == -1, "no unknown mandatory AVP");

	ctrl_begin_zlb(&o, 99);
	len = ctrl_finish(&o, 1, 2);
	ok(!ctrl_parse(o.buf, len, NULL, m, &why) && m->zlb, "ZLB parses as an acknowledgement");

	/* Every prefix of a valid message but the whole is refused. */
	ctrl_begin(&o, MSG_ICRQ, 1, 0);
	ctrl_avp_u16(&o, 1, AVP_SESSION_ID, 3);
	len = ctrl_finish(&o, 0, 0);
	{
		size_t cut, bad = 0;

		for (cut = 0; cut < len; cut++)
			if (!ctrl_parse(o.buf, cut, NULL, m, &why))
				bad++;
		ok(bad == 0, "all %zu truncations of an ICRQ refused", len);
	}
	o.buf[1] = 0x03;
	ok(ctrl_parse(o.buf, len, NULL, m, &why) && strstr(why, "version"),
	   "version 3 refused: %s", why);
	o.buf[1] = 0x02;
	o.buf[3] = 0xff;
	ok(ctrl_parse(o.buf, len, NULL, m, &why) && strstr(why, "length"),
	   "length beyond the packet refused: %s", why);
	free(m);
}

static void test_unknown_avp(void)
{
	struct ctrl_msg *m = malloc(sizeof(*m));
	const char *why = "";
	struct ctrl_out o;
	size_t len;

	ctrl_begin(&o, MSG_HELLO, 1, 0);
	ctrl_avp(&o, 1, 200, "x", 1);
	len = ctrl_finish(&o, 0, 0);
	ok(!ctrl_parse(o.buf, len, NULL, m, &why) && m->unknown_mandatory == 200,
	   "unknown mandatory AVP reported for the RFC's teardown");
	ctrl_begin(&o, MSG_HELLO, 1, 0);
	ctrl_avp(&o, 0, 200, "x", 1);
	len = ctrl_finish(&o, 0, 0);
	ok(!ctrl_parse(o.buf, len, NULL, m, &why) && m->unknown_mandatory == -1,
	   "unknown optional AVP ignored");
	free(m);
}

/* Hide a value as RFC 2661 4.3 says, independently of avp.c. */
static size_t hide(uint16_t type, const char *secret, const uint8_t *rv,
		   size_t rvlen, const uint8_t *val, size_t vlen, uint8_t *out)
{
	uint8_t plain[64], d[16], tb[2] = { (uint8_t)(type >> 8), (uint8_t)type };
	size_t len = 2 + vlen, i;
	struct md5 c;

	plain[0] = (uint8_t)(vlen >> 8);
	plain[1] = (uint8_t)vlen;
	memcpy(plain + 2, val, vlen);
	for (i = 0; i < len; i++) {
		if (i % 16 == 0) {
			md5_init(&c);
			if (!i) {
				md5_update(&c, tb, 2);
				md5_update(&c, secret, strlen(secret));
				md5_update(&c, rv, rvlen);
			} else {
				md5_update(&c, secret, strlen(secret));
				md5_update(&c, out + i - 16, 16);
			}
			md5_final(&c, d);
		}
		out[i] = plain[i] ^ d[i % 16];
	}
	return len;
}

/* Every message type, carrying every IETF AVP, survives encode and parse. */
static void test_every_type(void)
{
	static const uint16_t types[] = {
		MSG_SCCRQ, MSG_SCCRP, MSG_SCCCN, MSG_STOPCCN, MSG_HELLO,
		MSG_OCRQ, MSG_OCRP, MSG_OCCN, MSG_ICRQ, MSG_ICRP, MSG_ICCN,
		MSG_CDN, MSG_WEN, MSG_SLI,
	};
	struct ctrl_msg *m = malloc(sizeof(*m));
	const char *why = "";
	int i, a, bad_type = 0, bad_avp = 0, named = 0;

	for (i = 0; i < (int)(sizeof(types) / sizeof(types[0])); i++) {
		struct ctrl_out o;
		uint8_t val[24];
		size_t len;

		ctrl_begin(&o, types[i], 0x1234, 0x5678);
		for (a = 1; a < AVP_MAX; a++) {
			if (a == AVP_RANDOM_VECTOR)
				continue;	/* only with hidden AVPs */
			memset(val, a, sizeof(val));
			ctrl_avp(&o, a & 1, a, val, (size_t)(a % 20) + 1);
		}
		len = ctrl_finish(&o, 3, 4);
		if (!len || ctrl_parse(o.buf, len, NULL, m, &why) ||
		    m->type != types[i] || m->tunnel_id != 0x1234 ||
		    m->session_id != 0x5678 || m->ns != 3 || m->nr != 4 ||
		    m->unknown_mandatory != -1) {
			bad_type++;
			continue;
		}
		for (a = 1; a < AVP_MAX; a++) {
			if (a == AVP_RANDOM_VECTOR)
				continue;
			memset(val, a, sizeof(val));
			if (!m->avp[a].val || m->avp[a].len != (a % 20) + 1 ||
			    memcmp(m->avp[a].val, val, m->avp[a].len))
				bad_avp++;
		}
		if (strcmp(msg_type_name(types[i]), "unknown"))
			named++;
	}
	ok(!bad_type, "14 message types with 38 AVPs each encode and parse back (%s)",
	   bad_type ? why : "header, type, no unknown mandatory");
	ok(!bad_avp, "every AVP value and length survives (%d wrong)", bad_avp);
	ok(named == 14 && !strcmp(msg_type_name(5), "unknown"),
	   "every message type has its name; type 5 (reserved) has none");
	free(m);
}

static void test_hidden(void)
{
	struct ctrl_msg *m = malloc(sizeof(*m));
	static const uint8_t rv[16] = "0123456789abcdef";
	const char *name = "a-host-name-longer-than-16";
	uint8_t hidden[64];
	const char *why = "";
	struct ctrl_out o;
	char got[64];
	size_t len, hl;

	hl = hide(AVP_HOST_NAME, "s3cret", rv, sizeof(rv), (const uint8_t *)name,
		  strlen(name), hidden);
	ctrl_begin(&o, MSG_SCCRQ, 0, 0);
	ctrl_avp(&o, 1, AVP_RANDOM_VECTOR, rv, sizeof(rv));
	ctrl_avp(&o, 1, AVP_HOST_NAME, hidden, hl);
	len = ctrl_finish(&o, 0, 0);
	o.buf[12 + 8 + 22] |= 0x40;	/* H bit of the Host Name AVP */
	ok(!ctrl_parse(o.buf, len, "s3cret", m, &why), "hidden AVP parses (%s)", why);
	avp_str(m, AVP_HOST_NAME, got, sizeof(got));
	ok(!strcmp(got, name), "hidden Host Name unhidden over two MD5 blocks: %s", got);
	ok(ctrl_parse(o.buf, len, NULL, m, &why), "hidden AVP without a secret refused: %s", why);
	ok(!ctrl_parse(o.buf, len, ctrl_secret_later, m, &why) &&
	   m->hidden_pending == 1 && !m->avp[AVP_HOST_NAME].val &&
	   m->avp[AVP_RANDOM_VECTOR].val,
	   "secret later: parses, the hidden AVP left out and counted");
	free(m);
}

static const char *write_conf(const char *text)
{
	static char path[] = "/tmp/l2tpfastd-unit-XXXXXX";
	int fd;

	strcpy(path, "/tmp/l2tpfastd-unit-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return path;
}

static void conf_err(const char *text, int line, const char *want)
{
	const char *path = write_conf(text);
	struct config *c = malloc(sizeof(*c));
	char err[512], exp[512];

	snprintf(exp, sizeof(exp), "%s:%d: %s", path, line, want);
	ok(config_load(path, c, err, sizeof(err)) == -1 && !strcmp(err, exp),
	   "config error: %s", err);
	unlink(path);
	free(c);
}

static void test_config(void)
{
	const char *seed =
		"[global]\nport = 1701\nauth file = /etc/xl2tpd/xl2tp-secrets\n"
		"access control = no\n\n[lns default]\nexclusive = yes\n"
		"ip range = 10.1.20.31-10.1.20.50\nhidden bit = no\n"
		"local ip = 10.1.20.30\nlength bit = yes\nrequire chap = yes\n"
		"refuse pap = yes\nname = vpn\nppp debug = yes\n"
		"pppoptfile = /etc/ppp/options.xl2tpd\n";
	struct config *c = malloc(sizeof(*c));
	const char *path = write_conf(seed);
	char err[512] = "";

	ok(!config_load(path, c, err, sizeof(err)), "the seed's xl2tpd.conf loads (%s)", err);
	ok(c->port == 1701 && c->n_lns == 1 && !strcmp(c->lns[0].name, "default"),
	   "port and [lns default]");
	ok(c->lns[0].ip_range.n == 1 && c->lns[0].ip_range.r[0].last - c->lns[0].ip_range.r[0].first == 19,
	   "ip range of 20 addresses");
	ok(c->lns[0].require_chap == TRI_YES && c->lns[0].refuse_pap == TRI_YES &&
	   c->lns[0].exclusive && !strcmp(c->lns[0].ppp_name, "vpn"),
	   "require chap, refuse pap, exclusive, name");
	ok(config_lns_for(c, 0x0a000001) == &c->lns[0], "default section for any peer");
	unlink(path);
	free(c);

	conf_err("[global]\nport = 70000\n[lns default]\n", 2,
		 "'port' takes a number from 1 to 65535, not '70000'");
	conf_err("[global]\nlisten-addr = nowhere\n", 2,
		 "'listen-addr' takes an IPv4 address, not 'nowhere'");
	conf_err("[lns default]\nexclusive = maybe\n", 2,
		 "'exclusive' takes yes or no, not 'maybe'");
	conf_err("[lns default]\nip range = 10.0.0.9-10.0.0.1\n", 2,
		 "'ip range': '10.0.0.9-10.0.0.1' is not an address or range a.b.c.d-a.b.c.e (at most 16)");
	conf_err("[lns default]\nlocal ip = 300.1.1.1\n", 2,
		 "'local ip' takes an IPv4 address, not '300.1.1.1'");
	conf_err("[lns default]\nunix authentication = yes\n", 2,
		 "'unix authentication' is not supported: pppd 'login' against the system's passwords is not supported; use chap-secrets");
	conf_err("[global]\nipsec saref = yes\n", 2,
		 "'ipsec saref' is not supported: Openswan SAref kernel patches are not used; IPsec SAs are followed by l2tpfast.ko");
	conf_err("[lac office]\nlns = 192.0.2.1\n", 1,
		 "[lac office]: l2tpfastd is an LNS; LAC sections are not supported");
	conf_err("[lns default]\nbogus = 1\n", 2, "unknown key 'bogus' in [lns default]");
	conf_err("[elsewhere]\nport = 1\n", 1,
		 "unknown section [elsewhere] (expected [global] or [lns NAME])");
	conf_err("[lns default]\ntunnel rws = 0\n", 2,
		 "'tunnel rws' takes a number from 1 to 64, not '0'");
	conf_err("[lns default]\nrequire chap = yes\nrefuse chap = yes\n", 1,
		 "[lns default]: 'require chap' and 'refuse chap' both yes");
	conf_err("[lns x]\nrequire pap = yes\nrequire authentication = no\n", 1,
		 "[lns x]: 'require authentication = no' contradicts 'require pap = yes'");
	conf_err("[global]\nforce userspace = yes\n[lns default]\n", 2,
		 "'force userspace = yes' is not supported: l2tpfastd's data path is the kernel's (l2tp_core)");
	conf_err("[lns default]\nunix auth = yes\n", 2,
		 "'unix auth' is not supported: pppd 'login' against the system's passwords is not supported; use chap-secrets");
	conf_err("[lns default]\ndefaultroute = yes\n", 2,
		 "'defaultroute' is not supported: a LAC key (a default route through the tunnel): l2tpfastd is an LNS");
	conf_err("[lns default]\nip range 10.0.0.1\n", 2,
		 "'ip range 10.0.0.1': a line is 'key = value'");
	conf_err("[global]\nport = 1701\nipsec required = sometimes\n[lns default]\n", 3,
		 "'ipsec required' takes yes or no, not 'sometimes'");
	conf_err("[lns default]\nipsec required = yes\n", 2,
		 "unknown key 'ipsec required' in [lns default]");
}

/* 'ipsec required': off unless said, yes/no/true/false/1/0 as other booleans. */
static void test_config_ipsec(void)
{
	static const struct { const char *v; int want; } cases[] = {
		{ NULL, 0 }, { "yes", 1 }, { "no", 0 }, { "TRUE", 1 }, { "0", 0 },
	};
	char conf[160], err[512];
	struct config *c = malloc(sizeof(*c));
	const char *path;
	size_t i;
	int good = 1;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(conf, sizeof(conf), "[global]\n%s%s%s[lns default]\n",
			 cases[i].v ? "ipsec required = " : "",
			 cases[i].v ? cases[i].v : "", cases[i].v ? "\n" : "");
		path = write_conf(conf);
		err[0] = '\0';
		if (config_load(path, c, err, sizeof(err)) ||
		    c->ipsec_required != cases[i].want) {
			good = 0;
			diag_line(err);
		}
		unlink(path);
	}
	ok(good, "'ipsec required': no by default; yes, no, TRUE, 0 read as booleans");
	free(c);
}

/* xl2tpd.conf as xl2tpd reads it, where inih read it otherwise. */
static void test_config_like_xl2tpd(void)
{
	char conf[2048], err[512] = "";
	struct config *c = malloc(sizeof(*c));
	const char *path;
	int n, i;

	n = snprintf(conf, sizeof(conf),
		     "; a comment\n"
		     "[global]\n"
		     "  port = 1702 ; indented, and a comment after it\n"
		     "\tauth file = /tmp/secrets\n"
		     "# a comment too\n"
		     "force userspace = no\n"
		     "cap backoff = 4\n"
		     "[lns default]\n"
		     "    ip range = 10.0.0.10 - 10.0.0.20, 10.0.1.5 -9\n"
		     "    lac = localhost, 192.0.2.1 - 192.0.2.9\n"
		     "    require auth = yes\n"
		     "    refuse auth = yes\n"
		     "    no ip range = ");
	for (i = 0; i < 16; i++)
		n += snprintf(conf + n, sizeof(conf) - (size_t)n, "%s10.0.2.%d-10.0.2.%d",
			      i ? ", " : "", 100 + 2 * i, 101 + 2 * i);
	snprintf(conf + n, sizeof(conf) - (size_t)n, "\n");
	path = write_conf(conf);
	ok(!config_load(path, c, err, sizeof(err)), "indented keys, ';' comments, a %zu-character line load (%s)",
	   strlen(strrchr(conf, '=') ? strstr(conf, "    no ip range") : conf), err);
	ok(c->port == 1702 && !strcmp(c->auth_file, "/tmp/secrets") && c->cap_backoff == 4,
	   "an indented key is a key, not part of the value before it");
	ok(c->lns[0].ip_range.n == 2 && c->lns[0].ip_range.r[0].first == 0x0a00000a &&
	   c->lns[0].ip_range.r[0].last == 0x0a000014 && c->lns[0].ip_range.r[1].last == 0x0a000109,
	   "'ip range = A - B' with spaces, and 'A -e'");
	ok(c->lns[0].lac.n == 2 && c->lns[0].lac.r[0].first == 0x7f000001,
	   "a host name in 'lac' (localhost: 127.0.0.1)");
	ok(c->lns[0].require_auth == TRI_YES && c->lns[0].refuse_auth == TRI_YES,
	   "'require auth' and 'refuse auth', xl2tpd's short forms");
	ok(c->lns[0].no_ip_range.n == 16 && c->lns[0].no_ip_range.r[15].last == 0x0a000283,
	   "the long line is read whole: 16 ranges, the last 10.0.2.130-10.0.2.131");
	unlink(path);
	free(c);
}

/* The auth file: xl2tpd's l2tp-secrets, "us them secret". */
static void test_secrets(void)
{
	const char *path = write_conf("; xl2tpd's example\n"
				      "lns-host   office   s3cret ; a comment\n"
				      "*          branch   branchsecret # and another\n"
				      "# lns-host anyone   commented\n"
				      "lns-host   *        fallback\n");
	struct secrets s;
	const char *v;

	ok(!secrets_load(path, &s) && s.n == 3, "the auth file loads: 3 lines (%d)", s.n);
	v = secrets_find(&s, "lns-host", "office");
	ok(v && !strcmp(v, "s3cret"), "us first, them second: 'lns-host office'");
	v = secrets_find(&s, "LNS-Host", "OFFICE");
	ok(v && !strcmp(v, "s3cret"), "names compare without regard to case");
	v = secrets_find(&s, "other", "branch");
	ok(v && !strcmp(v, "branchsecret"), "'*' as us; '#' ends the secret");
	v = secrets_find(&s, "lns-host", "anyone");
	ok(v && !strcmp(v, "fallback"), "a commented line is not read; '*' as them");
	ok(!secrets_find(&s, "office", "lns-host"), "the columns are not read the other way round");
	secrets_free(&s);
	unlink(path);
}

/* Every key l2tpfastd honours, set away from its default, lands in its field. */
static void test_config_every_key(void)
{
	static const char *const refused[] = {
		"ipsec saref", "saref refinfo", "unix authentication",
		"local ip range", "pass peer", "rand source", "autodial",
		"redial", "redial timeout", "max redials", "lns",
	};
	const char *text =
		"[global]\nport = 1702\nlisten-addr = 192.0.2.1\n"
		"auth file = /tmp/l2tp-secrets\naccess control = yes\n"
		"max retries = 7\ndebug tunnel = yes\n"
		"[lns edge]\nexclusive = yes\nassign ip = no\n"
		"ip range = 10.2.0.10-10.2.0.20, 10.3.0.1\n"
		"no ip range = 10.2.0.15\nlac = 192.0.2.0-192.0.2.99\n"
		"no lac = 192.0.2.50\nlocal ip = 10.2.0.1\n"
		"require chap = yes\nrefuse chap = no\nrequire pap = no\n"
		"refuse pap = yes\nrequire authentication = yes\n"
		"refuse authentication = no\nchallenge = yes\nhidden bit = yes\n"
		"length bit = yes\nflow bit = yes\nppp debug = yes\nname = srv\n"
		"hostname = lns.example\npppoptfile = /tmp/opts\n"
		"tunnel rws = 8\ncall rws = 3\ntx bps = 1000\nrx bps = 2000\n";
	struct config *c = malloc(sizeof(*c));
	const char *path = write_conf(text);
	const struct lns_config *l = &c->lns[0];
	char err[512] = "", conf[128], want[160];
	size_t i;
	int good;

	ok(!config_load(path, c, err, sizeof(err)), "every honoured key at once loads (%s)", err);
	good = c->port == 1702 && c->listen_addr.s_addr == htonl(0xc0000201) &&
	       !strcmp(c->auth_file, "/tmp/l2tp-secrets") && c->access_control &&
	       c->max_retries == 7 && c->debug;
	ok(good, "[global]: port, listen-addr, auth file, access control, max retries, debug");
	good = c->n_lns == 1 && !strcmp(l->name, "edge") && l->exclusive &&
	       !l->assign_ip && l->ip_range.n == 2 && l->no_ip_range.n == 1 &&
	       ip_ranges_contain(&l->lac, 0xc0000263) && ip_ranges_contain(&l->no_lac, 0xc0000232) &&
	       l->local_ip == 0x0a020001;
	ok(good, "[lns edge]: exclusive, assign ip, ip range (2), no ip range, lac, no lac, local ip");
	good = l->require_chap == TRI_YES && l->refuse_chap == TRI_NO &&
	       l->require_pap == TRI_NO && l->refuse_pap == TRI_YES &&
	       l->require_auth == TRI_YES && l->refuse_auth == TRI_NO && l->challenge;
	ok(good, "require/refuse chap, pap, authentication; challenge");
	good = l->hidden_bit && l->length_bit && l->flow_bit && l->ppp_debug &&
	       !strcmp(l->ppp_name, "srv") && !strcmp(l->hostname, "lns.example") &&
	       !strcmp(l->pppoptfile, "/tmp/opts") && l->tunnel_rws == 8 &&
	       l->call_rws == 3 && l->tx_bps == 1000 && l->rx_bps == 2000;
	ok(good, "hidden/length/flow bit, ppp debug, name, hostname, pppoptfile, rws, bps");
	ok(config_lns_for(c, 0xc0000205) == l && !config_lns_for(c, 0xc0000232) &&
	   !config_lns_for(c, 0xc6336401),
	   "access control: a listed peer gets [lns edge]; 'no lac' and unlisted peers none");
	unlink(path);
	free(c);

	good = 1;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const char *p2;

		c = malloc(sizeof(*c));
		snprintf(conf, sizeof(conf), "[lns default]\n%s = yes\n", refused[i]);
		p2 = write_conf(conf);
		snprintf(want, sizeof(want), ":2: '%s' is not supported: ", refused[i]);
		if (config_load(p2, c, err, sizeof(err)) != -1 || !strstr(err, want)) {
			good = 0;
			diag_line(err);
		}
		unlink(p2);
		free(c);
	}
	ok(good, "each of the %zu keys xl2tpd knows and l2tpfastd does not stops start-up with FILE:2 and why",
	   sizeof(refused) / sizeof(refused[0]));
}

static void test_pool(void)
{
	struct lns_config l = { 0 };
	uint32_t pinned[1] = { 0x0a000002 }, a, b, c;
	struct pool p = { 0 };
	int r;

	l.ip_range.n = 1;
	l.ip_range.r[0].first = 0x0a000001;
	l.ip_range.r[0].last = 0x0a000004;
	l.no_ip_range.n = 1;
	l.no_ip_range.r[0].first = l.no_ip_range.r[0].last = 0x0a000004;
	l.local_ip = 0x0a000003;
	r = pool_init(&p, &l, pinned, 1);
	ok(!r && p.n == 1,
	   "pool: range less local ip, no ip range and pinned: %u address", p.n);
	ok(!pool_get(&p, &a) && a == 0x0a000001, "pool: first address");
	ok(pool_get(&p, &b) == -1, "pool: exhausted");
	pool_put(&p, a);
	ok(!pool_get(&p, &c) && c == a, "pool: returned address given again");
	pool_free(&p);
}

/* What the reliable-delivery machine sent, as the peer would see it. */
static struct {
	uint16_t ns[64], nr[64];
	int zlb[64];
	int n;
} wire;

static void wire_xmit(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	if (wire.n == 64)
		return;
	wire.ns[wire.n] = (uint16_t)(buf[8] << 8 | buf[9]);
	wire.nr[wire.n] = (uint16_t)(buf[10] << 8 | buf[11]);
	wire.zlb[wire.n] = len == L2TP_CTRL_HDR_LEN;
	wire.n++;
}

static size_t hello(uint8_t *buf)
{
	struct ctrl_out o;
	size_t len;

	ctrl_begin(&o, MSG_HELLO, 77, 0);
	len = ctrl_finish(&o, 0, 0);
	memcpy(buf, o.buf, len);
	return len;
}

static void test_rel_window(void)
{
	uint8_t msg[L2TP_MAX_MSG];
	size_t len = hello(msg);
	struct rel r;
	int i, rc = 0;

	memset(&wire, 0, sizeof(wire));
	rel_init(&r, 1, 4, 4, 5, 77, wire_xmit, NULL);
	for (i = 0; i < 6; i++)
		rc |= rel_queue(&r, msg, len, 0);
	ok(!rc && wire.n == 4 && r.n_txq == 6,
	   "window full: 6 queued, 4 sent (peer RWS 4), %d on the wire", wire.n);
	ok(wire.ns[0] == 0 && wire.ns[3] == 3 && wire.nr[0] == 1,
	   "Ns 0..3 carry our Nr 1");
	rel_ack(&r, 2, 10);
	ok(wire.n == 6 && wire.ns[4] == 4 && wire.ns[5] == 5 && r.n_txq == 4,
	   "Nr 2 acknowledges two: Ns 4 and 5 go out, 4 left unacknowledged");
	rel_ack(&r, 40, 20);
	ok(r.n_txq == 4, "an Nr beyond anything sent acknowledges nothing");
	rel_ack(&r, 6, 30);
	ok(r.n_txq == 0 && wire.n == 6, "Nr 6 acknowledges all; nothing resent");
	for (i = 0; i < 500; i++)
		rc |= rel_queue(&r, msg, len, 40);
	ok(!rc && r.n_txq == 500 && wire.n == 10,
	   "500 queued at once (33 pppds exiting, and more): all kept, %d sent within the peer's window",
	   wire.n - 6);
	while (!rel_queue(&r, msg, len, 40))
		i++;
	ok(r.txq_bytes <= REL_TXQ_BYTES && i == REL_TXQ_MSGS,
	   "the queue stops at %d messages or %d KiB unacknowledged (%d of %zu bytes)",
	   REL_TXQ_MSGS, REL_TXQ_BYTES / 1024, i, len);
	rel_free(&r);
}

static void test_rel_loss(void)
{
	static const uint64_t due[] = { 1000, 3000, 7000, 15000, 23000 };
	uint8_t msg[L2TP_MAX_MSG];
	size_t len = hello(msg);
	struct rel r;
	int i, good = 1;

	memset(&wire, 0, sizeof(wire));
	rel_init(&r, 1, 4, 4, 5, 77, wire_xmit, NULL);
	rel_queue(&r, msg, len, 0);
	rel_timer(&r, 999);
	ok(wire.n == 1, "nothing resent before the first timeout (1 s)");
	for (i = 0; i < 5; i++) {
		if (rel_timer(&r, due[i] - 1) || wire.n != 1 + i)
			good = 0;
		if (rel_timer(&r, due[i]) || wire.n != 2 + i || wire.ns[1 + i] != 0)
			good = 0;
	}
	ok(good, "loss: retransmitted at 1, 3, 7, 15, 23 s (back-off doubling to 8 s)");
	ok(rel_timer(&r, 31000) == -1 && wire.n == 6,
	   "after 5 retransmissions the peer is given up");
	rel_free(&r);

	/* A retransmission carries the Nr of its time, not of its first send. */
	memset(&wire, 0, sizeof(wire));
	rel_init(&r, 1, 4, 4, 5, 77, wire_xmit, NULL);
	rel_queue(&r, msg, len, 0);
	rel_accept(&r, 1, msg, len);
	rel_accept(&r, 2, msg, len);
	rel_timer(&r, 1000);
	ok(wire.n == 2 && wire.nr[0] == 1 && wire.nr[1] == 3,
	   "the retransmission carries the current Nr (3, first sent with 1)");
	rel_flush_ack(&r);
	ok(wire.n == 2, "no ZLB: the retransmission acknowledged both");
	rel_ack(&r, 1, 1001);
	ok(r.n_txq == 0 && rel_timer(&r, 100000) == 0 && wire.n == 2,
	   "acknowledged: never resent again");
	rel_free(&r);
}

static void test_rel_receive(void)
{
	uint8_t msg[L2TP_MAX_MSG], *b;
	size_t len = hello(msg), blen = 0;
	enum rel_verdict v1, v2, v3, v4;
	struct rel r;
	int order = 1;

	memset(&wire, 0, sizeof(wire));
	rel_init(&r, 1, 4, 4, 5, 77, wire_xmit, NULL);
	ok(rel_accept(&r, 1, msg, len) == REL_DELIVER && r.nr == 2,
	   "in sequence: delivered, Nr 2");
	rel_flush_ack(&r);
	ok(wire.n == 1 && wire.zlb[0] && wire.nr[0] == 2,
	   "nothing to say: a ZLB acknowledges it");
	ok(rel_accept(&r, 1, msg, len) == REL_DUPLICATE, "the same Ns again: duplicate");
	rel_flush_ack(&r);
	ok(wire.n == 2 && wire.zlb[1] && wire.nr[1] == 2,
	   "a duplicate is acknowledged again (our ZLB may have been lost)");

	/* Reordering: 4 and 3 arrive before 2. */
	msg[12] = 4;	/* tag each message by its first AVP byte */
	v1 = rel_accept(&r, 4, msg, len);
	msg[12] = 3;
	v2 = rel_accept(&r, 3, msg, len);
	v3 = rel_accept(&r, 3, msg, len);
	ok(v1 == REL_HELD && v2 == REL_HELD && v3 == REL_DUPLICATE && r.nr == 2,
	   "reordering: Ns 4 and 3 held ahead of the gap, a second 3 is a duplicate");
	ok(!rel_next(&r, &blen), "nothing handed over while Ns 2 is missing");
	msg[12] = 2;
	v4 = rel_accept(&r, 2, msg, len);
	b = rel_next(&r, &blen);
	order &= b && b[12] == 3 && blen == len;
	free(b);
	b = rel_next(&r, &blen);
	order &= b && b[12] == 4;
	free(b);
	ok(v4 == REL_DELIVER && order && !rel_next(&r, &blen) && r.nr == 5,
	   "Ns 2 arrives: 2, 3, 4 processed in order, Nr 5");
	ok(rel_accept(&r, 9, msg, len) == REL_OUT_OF_WINDOW &&
	   rel_accept(&r, 8, msg, len) == REL_HELD,
	   "our RWS 4: Ns 9 dropped, Ns 8 held");
	ok(r.stats.delivered == 4 && r.stats.held == 3 &&
	   r.stats.duplicates == 2 && r.stats.out_of_window == 1,
	   "counted: 4 delivered, 3 held, 2 duplicates, 1 out of window");
	rel_free(&r);	/* Ns 8 still held: ASan would see a leak */

	/* Across the 16-bit wrap. */
	rel_init(&r, 65535, 4, 4, 5, 77, wire_xmit, NULL);
	v1 = rel_accept(&r, 65535, msg, len);
	v2 = rel_accept(&r, 1, msg, len);
	v3 = rel_accept(&r, 65534, msg, len);
	v4 = rel_accept(&r, 0, msg, len);
	b = rel_next(&r, &blen);
	ok(v1 == REL_DELIVER && v2 == REL_HELD && v3 == REL_DUPLICATE &&
	   v4 == REL_DELIVER && b && r.nr == 2,
	   "sequence numbers wrap: 65535, (1 held), 0, then 1; 65534 is old");
	free(b);
	rel_free(&r);
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

/* Which tunnels lost their last inbound SA (sacheck.c), as xfrm.c asks. */
static void test_sa_lost(void)
{
	const uint32_t gw = ip4("192.0.2.1"), c1 = ip4("198.51.100.1"),
		       c2 = ip4("198.51.100.2");
	const struct sa_tunnel t1 = { .reqid = 5, .local = gw, .peer = c1 };
	/* A CHILD_SA is a pair: in (peer to us) and out (us to peer). */
	const struct sa_state in_old = { 5, 0xc0000001, c1, gw, IPPROTO_ESP, 0, 0, 0, 0 };
	const struct sa_state out_old = { 5, 0xc1000001, gw, c1, IPPROTO_ESP, 0, 0, 0, 0 };
	const struct sa_state in_new = { 5, 0xc0000002, c1, gw, IPPROTO_ESP, 0, 0, 0, 0 };
	const struct sa_state out_new = { 5, 0xc1000002, gw, c1, IPPROTO_ESP, 0, 0, 0, 0 };
	const struct sa_state in_c2 = { 6, 0xc0000003, c2, gw, IPPROTO_ESP, 0, 0, 0, 0 };
	struct sa_state sas[4];
	struct sa_tunnel ts[3];
	unsigned char lost[1000];
	struct sa_tunnel *many;
	struct sa_state *many_sa;
	int r, i, good;

	sas[0] = in_old; sas[1] = out_old; sas[2] = in_new; sas[3] = out_new;
	r = sa_lost(&t1, 1, sas, 4, lost);
	ok(r == 0 && !lost[0], "SAs: old and new pairs with the tunnel's reqid (a rekey under way): kept");
	sas[0] = in_new; sas[1] = out_new;
	r = sa_lost(&t1, 1, sas, 2, lost);
	ok(r == 0 && !lost[0], "rekey: the old pair deleted, the new one (same reqid) left: kept");
	sas[0] = in_new;
	r = sa_lost(&t1, 1, sas, 1, lost);
	ok(r == 0 && !lost[0], "the inbound SA alone is enough");
	sas[0] = out_old; sas[1] = in_c2;
	r = sa_lost(&t1, 1, sas, 2, lost);
	ok(r == 1 && lost[0],
	   "terminate: its inbound SA gone; its outbound one (daddr the peer) and another client's do not keep it");
	r = sa_lost(&t1, 1, NULL, 0, lost);
	ok(r == 1 && lost[0], "no SA at all (flush, charon stopped): lost");
	sas[0] = in_new;
	sas[0].proto = IPPROTO_AH;
	sas[1] = in_new;
	sas[1].spi = 0;		/* larval: an acquire, not an SA */
	r = sa_lost(&t1, 1, sas, 2, lost);
	ok(r == 1 && lost[0], "an AH SA and a larval ESP state (SPI 0) do not count");
	sas[0] = in_new;
	sas[0].daddr = ip4("192.0.2.9");
	r = sa_lost(&t1, 1, sas, 1, lost);
	ok(r == 1 && lost[0], "the same reqid into another of our addresses does not count");
	ts[0] = t1;
	ts[0].local = 0;	/* the tunnel's address unknown: any of ours */
	r = sa_lost(ts, 1, sas, 1, lost);
	ok(r == 0 && !lost[0], "... unless the tunnel's own address is unknown (any)");

	/* Fallback: reqid unknown, the peer's address and ours decide. */
	ts[0] = (struct sa_tunnel){ .reqid = 0, .local = gw, .peer = c1 };
	ts[1] = (struct sa_tunnel){ .reqid = 0, .local = gw, .peer = c2 };
	ts[2] = (struct sa_tunnel){ .reqid = 7, .local = gw, .peer = c2 };
	sas[0] = in_new;	/* c1 -> gw, reqid 5 */
	sas[1] = out_new;	/* gw -> c1 */
	r = sa_lost(ts, 3, sas, 2, lost);
	ok(r == 2 && !lost[0] && lost[1] && lost[2],
	   "no reqid: an SA from its peer's address to ours keeps it, whatever its reqid; other peers' tunnels lost");
	sas[0] = in_c2;		/* c2 -> gw, reqid 6 */
	r = sa_lost(ts, 3, sas, 1, lost);
	ok(r == 2 && lost[0] && !lost[1] && lost[2],
	   "... and a known reqid is not matched by address: reqid 7 with only reqid 6 from its peer is lost");

	/* A burst: 1000 tunnels, the SAs of the even ones left. */
	many = calloc(1000, sizeof(*many));
	many_sa = calloc(1000, sizeof(*many_sa));
	if (!many || !many_sa)
		abort();
	for (i = 0; i < 1000; i++) {
		many[i] = (struct sa_tunnel){ .reqid = (uint32_t)(i + 1), .local = gw,
					      .peer = htonl(0x0a000000u + (uint32_t)i) };
		many_sa[i] = (struct sa_state){ (uint32_t)((i % 2 ? i + 1 : i) + 1),
						0x1000u + (uint32_t)i, many[i].peer, gw, IPPROTO_ESP, 0, 0, 0, 0 };
	}
	r = sa_lost(many, 1000, many_sa, 1000, lost);
	good = r == 500;
	for (i = 0; i < 1000; i++)
		good &= lost[i] == (i % 2);
	ok(good, "1000 tunnels, the SAs of 500 left: exactly the other 500 lost (%d)", r);
	free(many);
	free(many_sa);
}

/*
 * Which bound tunnels an IKE daemon restarted without deleting its SAs has
 * displaced (sacheck.c): clients behind one NAT, their SAs from the NAT's
 * address, each from its own NAT-T port; the outbound SA of mark M is
 * where M's policy leads.
 */
#define SA(reqid, spi, src, dst, sport, dport, added, mark) \
	((struct sa_state){ reqid, spi, src, dst, IPPROTO_ESP, sport, dport, added, mark })
static void test_sa_displaced(void)
{
	const uint32_t gw = ip4("203.0.113.1"), nat = ip4("203.0.113.2"),
		       other = ip4("198.51.100.7");
	/* alice: mark 1, in 0xa1 from the NAT's port 4500, out 0xa2, at 100 s. */
	const struct sa_tunnel alice = { .reqid = 1, .local = gw, .peer = nat,
					 .spi_in = 0xa1, .mark = 1, .mask = 0xffffff };
	struct sa_state sas[6];
	struct sa_tunnel t[2];
	unsigned char out[2];
	int r;

	sas[0] = SA(1, 0xa1, nat, gw, 4500, 4500, 100, 0);
	sas[1] = SA(1, 0xa2, gw, nat, 4500, 4500, 100, 1);
	sas[2] = SA(1, 0xa3, nat, gw, 4500, 4500, 160, 0);
	sas[3] = SA(1, 0xa4, gw, nat, 4500, 4500, 160, 1);
	r = sa_displaced(&alice, 1, sas, 4, out);
	ok(r == 0 && !out[0], "displaced: a rekey (a new pair, mark 1, to and from her endpoint): no");
	sas[2] = SA(1, 0xb1, nat, gw, 4501, 4500, 160, 0);
	sas[3] = SA(1, 0xb2, gw, nat, 4500, 4501, 160, 1);
	r = sa_displaced(&alice, 1, sas, 4, out);
	ok(r == 1 && out[0],
	   "... a newer outbound SA of mark 1 to another NAT-T port (charon restarted, bob got mark 1): yes");
	sas[3].reqid = 7;
	r = sa_displaced(&alice, 1, sas, 4, out);
	ok(r == 1 && out[0], "... whatever its reqid (charon's marks and reqids can drift apart)");
	sas[3] = SA(1, 0xb2, gw, other, 4500, 4500, 160, 1);
	r = sa_displaced(&alice, 1, sas, 4, out);
	ok(r == 1 && out[0], "... to another address: yes");
	sas[3].mark = 2;
	r = sa_displaced(&alice, 1, sas, 4, out);
	ok(r == 0 && !out[0], "... of another mark: no");
	sas[3] = SA(1, 0xb2, gw, nat, 4500, 4501, 160, 0x7000001);
	r = sa_displaced(&alice, 1, sas, 4, out);
	ok(r == 1 && out[0], "... bits outside the mask do not matter");
	sas[3] = SA(1, 0xb2, gw, nat, 4500, 4501, 50, 1);
	r = sa_displaced(&alice, 1, sas, 4, out);
	ok(r == 0 && !out[0],
	   "... one installed before her inbound SA (the stale one, seen from the new client's tunnel): no");
	sas[3] = SA(1, 0xb2, gw, nat, 4500, 4501, 160, 1);
	t[0] = alice;
	t[0].mark = 0;
	r = sa_displaced(t, 1, sas, 4, out);
	ok(r == 0 && !out[0], "... an unmarked tunnel (no binding to its client's mark): not judged");
	t[0] = alice;
	t[0].spi_in = 0xdead;
	r = sa_displaced(t, 1, sas, 4, out);
	ok(r == 0 && !out[0], "... its own SA gone: sa_lost()'s matter, not this");
	/* NAT rebinding: both of her SAs moved to port 4999 in place. */
	sas[0] = SA(1, 0xa1, nat, gw, 4999, 4500, 100, 0);
	sas[1] = SA(1, 0xa2, gw, nat, 4500, 4999, 100, 1);
	r = sa_displaced(&alice, 1, sas, 2, out);
	ok(r == 0 && !out[0], "... NAT rebinding (both SAs moved to a new port): no");
	/* bob's new tunnel beside alice's: bob's pair is the newest. */
	sas[0] = SA(1, 0xa1, nat, gw, 4500, 4500, 100, 0);
	sas[1] = SA(1, 0xa2, gw, nat, 4500, 4500, 100, 1);
	sas[2] = SA(1, 0xb1, nat, gw, 4501, 4500, 160, 0);
	sas[3] = SA(1, 0xb2, gw, nat, 4500, 4501, 160, 1);
	t[0] = alice;
	t[1] = (struct sa_tunnel){ .reqid = 1, .local = gw, .peer = nat,
				   .spi_in = 0xb1, .mark = 1, .mask = 0xffffff };
	r = sa_displaced(t, 2, sas, 4, out);
	ok(r == 1 && out[0] && !out[1], "... of both tunnels with mark 1, only the older one goes");
	sas[3].spi = 0;		/* larval */
	r = sa_displaced(&alice, 1, sas, 4, out);
	ok(r == 0 && !out[0], "... a larval state (SPI 0) does not count");
	sas[3].spi = 0xb2;
	/* An outbound SA of mark 1 from another of our addresses. */
	sas[3].saddr = ip4("192.0.2.1");
	r = sa_displaced(&alice, 1, sas, 4, out);
	ok(r == 0 && !out[0], "... one from another of our addresses (another policy): no");
	/* Her inbound SPI also names an SA into another of our addresses. */
	sas[2] = SA(9, 0xa1, other, ip4("192.0.2.9"), 0, 0, 150, 0);
	sas[3] = SA(1, 0xa4, gw, nat, 4500, 4500, 160, 1);
	r = sa_displaced(&alice, 1, sas, 4, out);
	ok(r == 0 && !out[0], "... her SPI into another address is not her SA: her own is found, no");
	/* Tunnels bound under two masks (a reload changed it). */
	sas[2] = SA(1, 0xb1, nat, gw, 4501, 4500, 160, 0);
	sas[3] = SA(1, 0xb2, gw, nat, 4500, 4501, 160, 0x101);
	t[0] = alice;
	t[1] = alice;
	t[1].mask = 0xff;
	r = sa_displaced(t, 2, sas, 4, out);
	ok(r == 1 && !out[0] && out[1],
	   "... mark 0x101: not mark 1 under 0xffffff, mark 1 under 0xff (each tunnel its own mask)");
}
#undef SA

int main(void)
{
	printf("TAP version 13\n# l2tpfastd unit tests\n");
	test_md5();
	test_roundtrip();
	test_unknown_avp();
	test_every_type();
	test_hidden();
	test_config();
	test_config_every_key();
	test_config_like_xl2tpd();
	test_config_ipsec();
	test_secrets();
	test_pool();
	test_rel_window();
	test_rel_loss();
	test_rel_receive();
	test_sa_lost();
	test_sa_displaced();
	printf("1..%d\n# unit: %d passed, %d failed\n", n, n - failed, failed);
	return failed ? 1 : 0;
}
