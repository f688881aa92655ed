/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 2661 control messages: the header, the AVPs an LNS reads and writes,
 * and a builder. Parsing never trusts a length: a message that does not
 * add up is refused with a reason, never read past its end.
 */
#ifndef L2TPFASTD_AVP_H
#define L2TPFASTD_AVP_H

#include <stddef.h>
#include <stdint.h>

/* Message types (RFC 2661 3.2). */
enum {
	MSG_SCCRQ = 1, MSG_SCCRP = 2, MSG_SCCCN = 3, MSG_STOPCCN = 4,
	MSG_HELLO = 6, MSG_OCRQ = 7, MSG_OCRP = 8, MSG_OCCN = 9,
	MSG_ICRQ = 10, MSG_ICRP = 11, MSG_ICCN = 12, MSG_CDN = 14,
	MSG_WEN = 15, MSG_SLI = 16,
};

/* Attribute types (RFC 2661 4.4). */
enum {
	AVP_MSG_TYPE = 0, AVP_RESULT = 1, AVP_PROTO_VERSION = 2,
	AVP_FRAMING_CAP = 3, AVP_BEARER_CAP = 4, AVP_TIE_BREAKER = 5,
	AVP_FIRMWARE = 6, AVP_HOST_NAME = 7, AVP_VENDOR_NAME = 8,
	AVP_TUNNEL_ID = 9, AVP_RWS = 10, AVP_CHALLENGE = 11,
	AVP_Q931_CAUSE = 12, AVP_CHALLENGE_RESP = 13, AVP_SESSION_ID = 14,
	AVP_CALL_SERIAL = 15, AVP_MIN_BPS = 16, AVP_MAX_BPS = 17,
	AVP_BEARER_TYPE = 18, AVP_FRAMING_TYPE = 19, AVP_CALLED_NUMBER = 21,
	AVP_CALLING_NUMBER = 22, AVP_SUB_ADDRESS = 23, AVP_TX_SPEED = 24,
	AVP_PHYS_CHANNEL = 25, AVP_INIT_LCP = 26, AVP_LAST_SENT_LCP = 27,
	AVP_LAST_RECV_LCP = 28, AVP_PROXY_AUTH_TYPE = 29,
	AVP_PROXY_AUTH_NAME = 30, AVP_PROXY_AUTH_CHAL = 31,
	AVP_PROXY_AUTH_ID = 32, AVP_PROXY_AUTH_RESP = 33, AVP_CALL_ERRORS = 34,
	AVP_ACCM = 35, AVP_RANDOM_VECTOR = 36, AVP_PRIVATE_GROUP = 37,
	AVP_RX_SPEED = 38, AVP_SEQ_REQUIRED = 39,
	AVP_MAX = 40,
};

#define L2TP_HDR_T	0x8000
#define L2TP_HDR_L	0x4000
#define L2TP_HDR_S	0x0800
#define L2TP_HDR_O	0x0200
#define L2TP_HDR_P	0x0100
#define L2TP_CTRL_HDR_LEN 12
#define L2TP_MAX_MSG	1024

/* A control message as received: header fields and where each AVP is. */
struct ctrl_msg {
	uint16_t tunnel_id, session_id, ns, nr;
	int zlb;			/* no AVPs: an acknowledgement only */
	uint16_t type;			/* Message Type AVP */
	struct {
		const uint8_t *val;
		uint16_t len;
	} avp[AVP_MAX];			/* IETF AVPs by type; val NULL: absent */
	int unknown_mandatory;		/* attribute type of one, or -1 */
	const uint8_t *random_vector;	/* for hidden AVPs */
	uint16_t random_vector_len;
	int hidden_pending;		/* hidden AVPs left for later */
	uint8_t hidden_buf[L2TP_MAX_MSG];	/* unhidden values live here */
	size_t hidden_used;
};

/*
 * Parse @len bytes of UDP payload. @secret (may be NULL) unhides hidden
 * AVPs. Returns 0, or -1 with *why set to a static reason.
 */
int ctrl_parse(const uint8_t *buf, size_t len, const char *secret,
	       struct ctrl_msg *m, const char **why);
/*
 * As @secret: leave hidden AVPs out and count them in hidden_pending. An
 * SCCRQ names its peer in the clear; the secret that unhides the rest
 * depends on that name.
 */
extern const char ctrl_secret_later[];

int avp_u16(const struct ctrl_msg *m, int type, uint16_t *v);
int avp_u32(const struct ctrl_msg *m, int type, uint32_t *v);
/* A printable copy of a string AVP (host name...), "" when absent. */
void avp_str(const struct ctrl_msg *m, int type, char *buf, size_t len);

/* Building a message: header first, AVPs appended, length fixed at the end. */
struct ctrl_out {
	uint8_t buf[L2TP_MAX_MSG];
	size_t len;
	int overflow;
};

void ctrl_begin(struct ctrl_out *o, uint16_t type, uint16_t tunnel_id,
		uint16_t session_id);
void ctrl_begin_zlb(struct ctrl_out *o, uint16_t tunnel_id);
void ctrl_avp(struct ctrl_out *o, int mandatory, int type, const void *val,
	      size_t len);
void ctrl_avp_u16(struct ctrl_out *o, int mandatory, int type, uint16_t v);
void ctrl_avp_u32(struct ctrl_out *o, int mandatory, int type, uint32_t v);
/* Result Code AVP: result, error, and a message for the peer's log. */
void ctrl_avp_result(struct ctrl_out *o, uint16_t result, uint16_t error,
		     const char *text);
/* Set Ns/Nr and the length; returns the bytes to send. */
size_t ctrl_finish(struct ctrl_out *o, uint16_t ns, uint16_t nr);

const char *msg_type_name(uint16_t type);

#endif /* L2TPFASTD_AVP_H */
