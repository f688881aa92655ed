// SPDX-License-Identifier: GPL-2.0
/* RFC 2661 control messages; see avp.h. */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "avp.h"
#include "md5.h"

#define AVP_M		0x8000
#define AVP_H		0x4000
#define AVP_LEN_MASK	0x03ff
#define AVP_HDR_LEN	6

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

const char ctrl_secret_later[] = "";

/* RFC 2661 4.3: the value is XORed with MD5(type, secret, RV), MD5(secret, c1)... */
static int avp_unhide(struct ctrl_msg *m, uint16_t type, const char *secret,
		      const uint8_t *val, uint16_t len, const char **why)
{
	uint8_t *out = m->hidden_buf + m->hidden_used, digest[16];
	uint8_t tb[2];
	uint16_t i, orig;
	struct md5 c;

	if (!secret || !m->random_vector) {
		*why = "hidden AVP without a shared secret or Random Vector";
		return -1;
	}
	if (len < 2 || m->hidden_used + len > sizeof(m->hidden_buf)) {
		*why = "hidden AVP too short";
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (i % 16 == 0) {
			md5_init(&c);
			if (i == 0) {
				put16(tb, type);
				md5_update(&c, tb, 2);
				md5_update(&c, secret, strlen(secret));
				md5_update(&c, m->random_vector, m->random_vector_len);
			} else {
				md5_update(&c, secret, strlen(secret));
				md5_update(&c, val + i - 16, 16);
			}
			md5_final(&c, digest);
		}
		out[i] = val[i] ^ digest[i % 16];
	}
	orig = get16(out);
	if (orig > len - 2) {
		*why = "hidden AVP: wrong secret, or a bad original length";
		return -1;
	}
	m->avp[type].val = out + 2;
	m->avp[type].len = orig;
	m->hidden_used += len;
	return 0;
}

static int avp_parse_one(struct ctrl_msg *m, const uint8_t *p, uint16_t len,
			 const char *secret, const char **why)
{
	uint16_t flags = get16(p), vendor = get16(p + 2), type = get16(p + 4);
	const uint8_t *val = p + AVP_HDR_LEN;
	uint16_t vlen = (uint16_t)(len - AVP_HDR_LEN);

	if (flags & 0x3c00) {
		*why = "AVP with reserved bits set";
		return -1;
	}
	if (vendor != 0 || type >= AVP_MAX) {
		if ((flags & AVP_M) && m->unknown_mandatory < 0)
			m->unknown_mandatory = vendor ? 0x10000 | type : type;
		return 0;
	}
	if (type == AVP_RANDOM_VECTOR) {
		m->random_vector = val;
		m->random_vector_len = vlen;
	}
	if ((flags & AVP_H) && secret == ctrl_secret_later) {
		m->hidden_pending++;
		return 0;
	}
	if (flags & AVP_H)
		return avp_unhide(m, type, secret, val, vlen, why);
	m->avp[type].val = val;
	m->avp[type].len = vlen;
	return 0;
}

int ctrl_parse(const uint8_t *buf, size_t len, const char *secret,
	       struct ctrl_msg *m, const char **why)
{
	uint16_t flags, mlen;
	size_t off;

	memset(m, 0, offsetof(struct ctrl_msg, hidden_buf));
	m->hidden_used = 0;
	m->unknown_mandatory = -1;
	if (len < L2TP_CTRL_HDR_LEN) {
		*why = "shorter than a control header";
		return -1;
	}
	flags = get16(buf);
	if ((flags & 0x000f) != 2) {
		*why = "not L2TP version 2";
		return -1;
	}
	if ((flags & (L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S)) !=
	    (L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S) || (flags & L2TP_HDR_O)) {
		*why = "control header without T, L and S, or with O";
		return -1;
	}
	mlen = get16(buf + 2);
	if (mlen < L2TP_CTRL_HDR_LEN || mlen > len) {
		*why = "length field beyond the packet";
		return -1;
	}
	m->tunnel_id = get16(buf + 4);
	m->session_id = get16(buf + 6);
	m->ns = get16(buf + 8);
	m->nr = get16(buf + 10);
	if (mlen == L2TP_CTRL_HDR_LEN) {
		m->zlb = 1;
		return 0;
	}
	for (off = L2TP_CTRL_HDR_LEN; off < mlen;) {
		uint16_t alen;

		if (mlen - off < AVP_HDR_LEN) {
			*why = "truncated AVP header";
			return -1;
		}
		alen = get16(buf + off) & AVP_LEN_MASK;
		if (alen < AVP_HDR_LEN || alen > mlen - off) {
			*why = "AVP length beyond the message";
			return -1;
		}
		if (off == L2TP_CTRL_HDR_LEN &&
		    (get16(buf + off + 2) != 0 || get16(buf + off + 4) != AVP_MSG_TYPE ||
		     (get16(buf + off) & AVP_H) || alen != 8)) {
			*why = "first AVP is not a plain Message Type";
			return -1;
		}
		if (off > L2TP_CTRL_HDR_LEN && get16(buf + off + 2) == 0 &&
		    get16(buf + off + 4) == AVP_MSG_TYPE) {
			*why = "a second Message Type AVP";
			return -1;
		}
		if (avp_parse_one(m, buf + off, alen, secret, why))
			return -1;
		off += alen;
	}
	if (avp_u16(m, AVP_MSG_TYPE, &m->type)) {
		*why = "no Message Type AVP";
		return -1;
	}
	return 0;
}

int avp_u16(const struct ctrl_msg *m, int type, uint16_t *v)
{
	if (!m->avp[type].val || m->avp[type].len != 2)
		return -1;
	*v = get16(m->avp[type].val);
	return 0;
}

int avp_u32(const struct ctrl_msg *m, int type, uint32_t *v)
{
	const uint8_t *p = m->avp[type].val;

	if (!p || m->avp[type].len != 4)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}

void avp_str(const struct ctrl_msg *m, int type, char *buf, size_t len)
{
	size_t i, n = m->avp[type].val ? m->avp[type].len : 0;

	if (!len)
		return;
	if (n > len - 1)
		n = len - 1;
	for (i = 0; i < n; i++) {
		uint8_t c = m->avp[type].val[i];

		buf[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[n] = '\0';
}

void ctrl_begin(struct ctrl_out *o, uint16_t type, uint16_t tunnel_id,
		uint16_t session_id)
{
	ctrl_begin_zlb(o, tunnel_id);
	put16(o->buf + 6, session_id);
	ctrl_avp_u16(o, 1, AVP_MSG_TYPE, type);
}

void ctrl_begin_zlb(struct ctrl_out *o, uint16_t tunnel_id)
{
	memset(o->buf, 0, L2TP_CTRL_HDR_LEN);
	put16(o->buf, L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S | 2);
	put16(o->buf + 4, tunnel_id);
	o->len = L2TP_CTRL_HDR_LEN;
	o->overflow = 0;
}

void ctrl_avp(struct ctrl_out *o, int mandatory, int type, const void *val,
	      size_t len)
{
	uint8_t *p = o->buf + o->len;

	if (o->overflow || len > AVP_LEN_MASK - AVP_HDR_LEN ||
	    o->len + AVP_HDR_LEN + len > sizeof(o->buf)) {
		o->overflow = 1;
		return;
	}
	put16(p, (uint16_t)((mandatory ? AVP_M : 0) | (AVP_HDR_LEN + len)));
	put16(p + 2, 0);
	put16(p + 4, (uint16_t)type);
	if (len)
		memcpy(p + AVP_HDR_LEN, val, len);
	o->len += AVP_HDR_LEN + len;
}

void ctrl_avp_u16(struct ctrl_out *o, int mandatory, int type, uint16_t v)
{
	uint8_t b[2];

	put16(b, v);
	ctrl_avp(o, mandatory, type, b, 2);
}

void ctrl_avp_u32(struct ctrl_out *o, int mandatory, int type, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };

	ctrl_avp(o, mandatory, type, b, 4);
}

void ctrl_avp_result(struct ctrl_out *o, uint16_t result, uint16_t error,
		     const char *text)
{
	uint8_t b[4 + 128];
	size_t n = text ? strlen(text) : 0;

	if (n > 128)
		n = 128;
	put16(b, result);
	put16(b + 2, error);
	if (n)
		memcpy(b + 4, text, n);
	ctrl_avp(o, 1, AVP_RESULT, b, 4 + n);
}

size_t ctrl_finish(struct ctrl_out *o, uint16_t ns, uint16_t nr)
{
	put16(o->buf + 2, (uint16_t)o->len);
	put16(o->buf + 8, ns);
	put16(o->buf + 10, nr);
	return o->overflow ? 0 : o->len;
}

const char *msg_type_name(uint16_t type)
{
	static const char *const names[] = {
		[MSG_SCCRQ] = "SCCRQ", [MSG_SCCRP] = "SCCRP",
		[MSG_SCCCN] = "SCCCN", [MSG_STOPCCN] = "StopCCN",
		[MSG_HELLO] = "HELLO", [MSG_OCRQ] = "OCRQ", [MSG_OCRP] = "OCRP",
		[MSG_OCCN] = "OCCN", [MSG_ICRQ] = "ICRQ", [MSG_ICRP] = "ICRP",
		[MSG_ICCN] = "ICCN", [MSG_CDN] = "CDN", [MSG_WEN] = "WEN",
		[MSG_SLI] = "SLI",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown";
}
