// SPDX-License-Identifier: GPL-2.0
/*
 * Send L2TP data packets with random tunnel and session ids to a tunnel's
 * socket, forged to come from its peer's address and port (a raw IPv4
 * socket), so that they reach the connected tunnel socket and l2tpfast must
 * drop and count them without allocating anything.
 *
 *   l2tp-flood SRC_IP:PORT DST_IP:PORT COUNT KIND
 *
 * KIND: v2 or v3 (data packets with random ids, never those below 65536 for
 * v3 sessions or below 1000 for v2 tunnels, which tests use), short (a
 * 1-byte L2TP payload), badver (version 5), badlen (a v3 control header whose
 * length field disagrees with the packet). The ids are drawn from a
 * fixed-seed xorshift, so runs repeat.
 */

#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PAYLOAD_LEN 32

struct pkt {
	struct iphdr ip;
	struct udphdr udp;
	uint8_t l2tp[12 + PAYLOAD_LEN];	/* header, then zero payload */
} __attribute__((packed));

static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static int parse(const char *s, struct sockaddr_in *a)
{
	char host[32];
	const char *c = strchr(s, ':');

	if (!c || (size_t)(c - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(c - s));
	host[c - s] = '\0';
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)atoi(c + 1));
	return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

/* L2TPv2 data header without optional fields: flags/version, tunnel, session. */
static size_t l2tp_v2(uint8_t *h)
{
	uint32_t r = rnd();
	uint16_t tid = (uint16_t)(1000 + (r >> 16) % 64000);

	h[0] = 0x00;
	h[1] = 0x02;
	h[2] = (uint8_t)(tid >> 8);
	h[3] = (uint8_t)tid;
	h[4] = (uint8_t)(r >> 8);
	h[5] = (uint8_t)r;
	return 6 + PAYLOAD_LEN;
}

/* L2TPv3 over UDP data header: flags/version, reserved, session id. */
static size_t l2tp_v3(uint8_t *h)
{
	uint32_t sid = rnd() | 0x10000;	/* never 0 (control) nor a test's id */

	h[0] = 0x00;
	h[1] = 0x03;
	h[2] = 0;
	h[3] = 0;
	memcpy(h + 4, &sid, 4);
	return 8 + PAYLOAD_LEN;
}

static size_t l2tp_short(uint8_t *h)
{
	h[0] = 0x00;
	return 1;
}

static size_t l2tp_badver(uint8_t *h)
{
	h[0] = 0x00;
	h[1] = 0x05;
	return 8 + PAYLOAD_LEN;
}

/* v3 control: T, L, S set, version 3, a length that is not the packet's. */
static size_t l2tp_badlen(uint8_t *h)
{
	h[0] = 0xc8;
	h[1] = 0x03;
	h[2] = 0x01;
	h[3] = 0x00;
	return 12;
}

static const struct {
	const char *name;
	size_t (*build)(uint8_t *h);
} kinds[] = {
	{ "v2", l2tp_v2 },
	{ "v3", l2tp_v3 },
	{ "short", l2tp_short },
	{ "badver", l2tp_badver },
	{ "badlen", l2tp_badlen },
};

int main(int argc, char **argv)
{
	size_t (*build)(uint8_t *h) = NULL;
	struct sockaddr_in src, dst;
	unsigned long count, i, sent = 0;
	struct pkt p;
	size_t k;
	int fd;

	for (k = 0; argc > 4 && k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcmp(argv[4], kinds[k].name))
			build = kinds[k].build;
	if (!build || parse(argv[1], &src) || parse(argv[2], &dst)) {
		fprintf(stderr,
			"usage: %s SRC_IP:PORT DST_IP:PORT COUNT v2|v3|short|badver|badlen\n",
			argv[0]);
		return 2;
	}
	count = strtoul(argv[3], NULL, 0);
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("l2tp-flood: raw socket");
		return 1;
	}
	for (i = 0; i < count; i++) {
		size_t len;

		memset(&p, 0, sizeof(p));
		len = sizeof(p.ip) + sizeof(p.udp) + build(p.l2tp);
		p.ip.version = 4;
		p.ip.ihl = 5;
		p.ip.ttl = 64;
		p.ip.protocol = IPPROTO_UDP;
		p.ip.tot_len = htons((uint16_t)len);
		p.ip.saddr = src.sin_addr.s_addr;
		p.ip.daddr = dst.sin_addr.s_addr;
		p.udp.source = src.sin_port;
		p.udp.dest = dst.sin_port;
		p.udp.len = htons((uint16_t)(len - sizeof(p.ip)));
		p.udp.check = 0;	/* no checksum: allowed over IPv4 */
		if (sendto(fd, &p, len, 0, (struct sockaddr *)&dst, sizeof(dst)) ==
		    (ssize_t)len)
			sent++;
	}
	close(fd);
	printf("%lu\n", sent);
	return sent == count ? 0 : 1;
}
