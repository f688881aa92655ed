// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for l2tpfastd's control message parser, ctrl_parse() in
 * userspace/l2tpfastd/avp.c, and the readers of what it parsed (avp_u16,
 * avp_u32, avp_str, msg_type_name). Built and run by selftests/fuzz.sh.
 *
 * Input: one selector byte, then the UDP payload. The selector, modulo 5,
 * chooses the shared secret hidden AVPs are unhidden with: none, "s3cret"
 * (what the seed corpus hides with), an empty one, one longer than an MD5
 * block, or ctrl_secret_later. The last is how the listening socket parses
 * an SCCRQ: hidden AVPs are counted and left out, and when there are some
 * the message is parsed again with the secret, here "s3cret", into another
 * struct ctrl_msg, as tunnel_sccrq() does.
 *
 * Beyond what ASan and UBSan see, every AVP a parse reports must lie
 * inside the input or inside the part of hidden_buf in use: hidden_buf is
 * inside struct ctrl_msg, where ASan would not notice a read past its
 * used part.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "avp.h"

static const char *const secrets[] = {
	NULL,
	"s3cret",
	"",
	"a-shared-secret-longer-than-one-md5-block-of-sixty-four-bytes-0123456789",
	ctrl_secret_later,
};
#define N_SECRETS (sizeof(secrets) / sizeof(secrets[0]))

/* [p, p + n) inside [base, base + size)? */
static int within(const uint8_t *p, size_t n, const uint8_t *base, size_t size)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;

	return a >= b && a - b <= size && n <= size - (a - b);
}

static void check_avps(const struct ctrl_msg *m, const uint8_t *buf, size_t len)
{
	/* Sizes of avp_str()'s output: none, only a NUL, short, all of it. */
	static const size_t str_sizes[] = { 0, 1, 7, L2TP_MAX_MSG + 1 };
	unsigned int i, j;

	if (m->hidden_used > sizeof(m->hidden_buf))
		abort();
	if (m->random_vector &&
	    !within(m->random_vector, m->random_vector_len, buf, len))
		abort();
	for (i = 0; i < AVP_MAX; i++) {
		const uint8_t *val = m->avp[i].val;
		uint16_t len16 = m->avp[i].len, v16;
		uint32_t v32;
		int r;

		if (val && !within(val, len16, buf, len) &&
		    !within(val, len16, m->hidden_buf, m->hidden_used))
			abort();

		r = avp_u16(m, (int)i, &v16);
		if ((r == 0) != (val && len16 == 2))
			abort();
		r = avp_u32(m, (int)i, &v32);
		if ((r == 0) != (val && len16 == 4))
			abort();

		for (j = 0; j < sizeof(str_sizes) / sizeof(str_sizes[0]); j++) {
			size_t size = str_sizes[j];
			/* Exactly @size bytes, so ASan sees a write past them. */
			char *s = malloc(size ? size : 1);

			if (!s)
				abort();
			avp_str(m, (int)i, s, size);
			if (size) {
				size_t want = val ? len16 : 0;

				if (want > size - 1)
					want = size - 1;
				if (strlen(s) != want)
					abort();
			}
			free(s);
		}
	}
}

/*
 * Parse @len bytes at @buf with @secret into a struct ctrl_msg that holds
 * garbage beforehand, as the daemon reuses one across messages: what the
 * parse does not set must not be read. On the heap, so ASan bounds it.
 * Returns it when the parse succeeds, checked; NULL otherwise.
 */
static struct ctrl_msg *parse(const uint8_t *buf, size_t len, const char *secret)
{
	struct ctrl_msg *m = malloc(sizeof(*m));
	const char *why = NULL;
	uint16_t type;

	if (!m)
		abort();
	memset(m, 0xa5, sizeof(*m));
	if (ctrl_parse(buf, len, secret, m, &why)) {
		if (!why || !*why)
			abort();
		free(m);
		return NULL;
	}
	/* Each hidden AVP left for later takes at least an AVP header. */
	if (m->hidden_pending < 0 ||
	    (size_t)m->hidden_pending > len / 6 ||
	    (m->hidden_pending && secret != ctrl_secret_later))
		abort();
	if (m->zlb) {
		if (len < L2TP_CTRL_HDR_LEN || m->hidden_pending)
			abort();
	} else {
		if (avp_u16(m, AVP_MSG_TYPE, &type) || type != m->type)
			abort();
		if (!msg_type_name(m->type))
			abort();
	}
	check_avps(m, buf, len);
	return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctrl_msg *m;
	const char *secret;

	if (!size)
		return 0;
	secret = secrets[data[0] % N_SECRETS];
	m = parse(data + 1, size - 1, secret);
	if (m && m->hidden_pending) {
		struct ctrl_msg *full = parse(data + 1, size - 1, secrets[1]);

		/* The header and the Message Type do not depend on the secret. */
		if (full && (full->tunnel_id != m->tunnel_id ||
			     full->session_id != m->session_id ||
			     full->ns != m->ns || full->nr != m->nr ||
			     full->type != m->type))
			abort();
		free(full);
	}
	free(m);
	return 0;
}
