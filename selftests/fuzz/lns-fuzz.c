// SPDX-License-Identifier: GPL-2.0
/*
 * l2tpfastd's engine under libFuzzer: each input is a script of up to 256
 * steps for four LACs on the model of the system (selftests/unit/
 * lns-model.c): well-formed messages with the peer's own sequence numbers,
 * raw datagrams, time passing, batches with the timer in them, pppds
 * exiting, reloads. After the script the LNS shuts down, and nothing may be
 * left: no kernel tunnel or session, no pppd, no socket, no pool address.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lns-model.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] =
	"[global]\n"
	"max tunnels = 16\n"
	"max half-open = 6\n"
	"max sessions per tunnel = 8\n"
	"max starting = 6\n"
	"setup timeout = 5\n"
	"max retries = 3\n"
	"[lns default]\n"
	"exclusive = yes\n"
	"ip range = 10.9.0.10-10.9.0.13\n"
	"local ip = 10.9.0.1\n";

struct lac {
	struct peer p;
	uint16_t lsid;		/* the LNS's id of its last call */
};

static void lac_take(struct lac *l)
{
	struct ctrl_msg m;
	uint16_t sid;

	if (peer_recv(&l->p, &m) == MSG_ICRP && !avp_u16(&m, AVP_SESSION_ID, &sid))
		l->lsid = sid;
}

static void step(struct lns *lns, struct lac *lacs, const uint8_t *d, size_t *pos,
		 size_t size)
{
	uint8_t op = d[(*pos)++], arg = *pos < size ? d[(*pos)++] : 0;
	struct lac *l = &lacs[op >> 6];
	int i;

	switch (op & 0x0f) {
	case 0:
		l->p.tunnel_id = (uint16_t)(1 + arg);
		peer_sccrq(&l->p);
		break;
	case 1:
		peer_scccn(&l->p);
		break;
	case 2:
		peer_icrq(&l->p, (uint16_t)(1 + arg));
		break;
	case 3:
		peer_iccn(&l->p, l->lsid, 1);
		break;
	case 4:
		peer_cdn(&l->p, l->lsid, 1);
		break;
	case 5:
		peer_stopccn(&l->p);
		break;
	case 6:
		peer_zlb(&l->p);
		break;
	case 7:		/* raw bytes: arg of them */
		if (*pos + arg > size)
			arg = (uint8_t)(size - *pos);
		model_deliver(&l->p.addr, &l->p.lns, l->p.mark, d + *pos, arg);
		*pos += arg;
		break;
	case 8:		/* time passes: at most 5 minutes in all */
		if (model.now + (uint64_t)arg * 200 <= 300000)
			model_advance(lns, (uint64_t)arg * 200);
		return;
	case 9:
		model_batch(lns, 1);
		return;
	case 10:
		for (i = 0; i < MODEL_PPPDS; i++)
			if (model.pppd[i] && !arg--) {
				model_pppd_exit(lns, model.pppd[i], 0);
				break;
			}
		return;
	case 11:
		model_lns_reload(lns, NULL);
		return;
	case 12:
		model.fail_pppd = arg & 1;
		return;
	default:
		lac_take(l);
		return;
	}
	model_pump(lns);
	lac_take(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int logs;
	struct lac lacs[4];
	struct lns *lns;
	size_t pos = 0;
	int i, steps = 0;

	if (!logs++) {
		log_open(1, 0);
		log_threshold(LOG_ERR);
	}
	model_reset();
	lns = model_lns_start(conf);
	if (!lns)
		abort();
	for (i = 0; i < 4; i++) {
		char ip[32];

		/* Two of them share an address, as clients behind one NAT do. */
		snprintf(ip, sizeof(ip), "198.51.100.%d", i < 2 ? 1 : i);
		peer_init(&lacs[i].p, ip, (uint16_t)(1701 + i), lns, (uint16_t)(1 + i));
		lacs[i].lsid = 0;
	}
	while (pos < size && steps++ < 256)
		step(lns, lacs, data, &pos, size);
	model_advance(lns, 60000);
	if (lns->tunnels && lns->tunnels->pool->n_used > (unsigned int)model.n_pppd)
		abort();	/* an address held by no running call */
	model_lns_stop(lns);
	if (model.kernel_tunnels || model.kernel_sessions || model.attached ||
	    model.n_pppd || model.n_open) {
		fprintf(stderr, "left behind: %d kernel tunnels, %d sessions, %d attached, %d pppds, %d sockets\n",
			model.kernel_tunnels, model.kernel_sessions, model.attached,
			model.n_pppd, model.n_open);
		abort();
	}
	model_free();
	return 0;
}
