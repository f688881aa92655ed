// SPDX-License-Identifier: GPL-2.0
/*
 * Send L2TP data packets with random tunnel and session ids to a tunnel's
 * socket, forged to come from its peer's address and port (a raw IPv4
 * socket), so that they reach the connected tunnel socket and l2tpfast must
 * drop and count them without allocating anything.
 *
 *   l2tp-flood SRC_IP:PORT DST_IP:PORT COUNT [v2|v3]
 *
 * The ids are drawn from a fixed-seed xorshift, so runs repeat.
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
	uint8_t l2tp[8 + PAYLOAD_LEN];	/* header, then zero payload */
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

	h[0] = 0x00;
	h[1] = 0x02;
	memcpy(h + 2, &r, 4);
	return 6;
}

/* L2TPv3 over UDP data header: flags/version, reserved, session id. */
static size_t l2tp_v3(uint8_t *h)
{
	uint32_t sid = rnd() | 1;	/* never 0: that is a control packet */

	h[0] = 0x00;
	h[1] = 0x03;
	h[2] = 0;
	h[3] = 0;
	memcpy(h + 4, &sid, 4);
	return 8;
}

int main(int argc, char **argv)
{
	struct sockaddr_in src, dst;
	unsigned long count, i, sent = 0;
	struct pkt p;
	int v3, fd;

	if (argc < 4 || parse(argv[1], &src) || parse(argv[2], &dst)) {
		fprintf(stderr, "usage: %s SRC_IP:PORT DST_IP:PORT COUNT [v2|v3]\n",
			argv[0]);
		return 2;
	}
	count = strtoul(argv[3], NULL, 0);
	v3 = argc > 4 && !strcmp(argv[4], "v3");
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("l2tp-flood: raw socket");
		return 1;
	}
	for (i = 0; i < count; i++) {
		size_t hl, len;

		memset(&p, 0, sizeof(p));
		hl = v3 ? l2tp_v3(p.l2tp) : l2tp_v2(p.l2tp);
		len = sizeof(p.ip) + sizeof(p.udp) + hl + PAYLOAD_LEN;
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
