// SPDX-License-Identifier: GPL-2.0
/*
 * Send COUNT copies of one L2TPv2 data packet (PPP, an IPv4 payload) for a
 * given tunnel and session, forged from the tunnel's peer with a raw IPv4
 * socket, in sendmmsg() batches, and print how long it took per packet.
 *
 * The receiving namespace is across a veth on the same machine: veth hands
 * each packet to the backlog of this CPU and the softirq runs as the send
 * returns, so with the sender pinned to one CPU the time per packet is the
 * whole receive path, l2tp_core and l2tpfast included.
 *
 *   l2tp-blast SRC_IP:PORT DST_IP:PORT TID SID COUNT
 *   -> "ns_per_packet 1234.5"
 *
 * SID may be a range FIRST-LAST: the packets then go to each session of it
 * in turn, COUNT in all (the selftests spread traffic over many sessions).
 *
 *   l2tp-blast --udp DST_IP:PORT COUNT
 *
 * sends COUNT plain UDP datagrams with a DNS-sized payload from a socket of
 * its own instead: traffic that leaves through an L2TPv3 pseudowire, or
 * any other UDP of the namespace (what the transmit hook costs it).
 */
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PAYLOAD 64

struct pkt {
	struct iphdr ip;
	struct udphdr udp;
	uint8_t l2tp[6];	/* flags/version, tunnel id, session id */
	uint8_t ppp[4];		/* address, control, protocol (IPv4) */
	uint8_t payload[PAYLOAD];
} __attribute__((packed));

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

static void build(struct pkt *p, const struct sockaddr_in *src,
		  const struct sockaddr_in *dst, uint16_t tid, uint16_t sid)
{
	memset(p, 0, sizeof(*p));
	p->ip.version = 4;
	p->ip.ihl = 5;
	p->ip.ttl = 64;
	p->ip.protocol = IPPROTO_UDP;
	p->ip.tot_len = htons(sizeof(*p));
	p->ip.saddr = src->sin_addr.s_addr;
	p->ip.daddr = dst->sin_addr.s_addr;
	p->udp.source = src->sin_port;
	p->udp.dest = dst->sin_port;
	p->udp.len = htons(sizeof(*p) - sizeof(p->ip));
	p->l2tp[1] = 0x02;
	p->l2tp[2] = (uint8_t)(tid >> 8);
	p->l2tp[3] = (uint8_t)tid;
	p->l2tp[4] = (uint8_t)(sid >> 8);
	p->l2tp[5] = (uint8_t)sid;
	p->ppp[0] = 0xff;
	p->ppp[1] = 0x03;
	p->ppp[3] = 0x21;
}

static void report(const struct timespec *t0, unsigned long count)
{
	struct timespec t1;
	double ns;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (double)(t1.tv_sec - t0->tv_sec) * 1e9 +
	     (double)(t1.tv_nsec - t0->tv_nsec);
	printf("ns_per_packet %.1f\n", ns / (double)count);
}

static int udp_blast(int argc, char **argv)
{
	static uint8_t payload[PAYLOAD];
	struct mmsghdr msgs[BATCH];
	struct sockaddr_in dst;
	unsigned long count, sent = 0;
	struct timespec t0;
	struct iovec iov;
	int fd, i;

	if (argc != 4 || parse(argv[2], &dst)) {
		fprintf(stderr, "usage: %s --udp DST_IP:PORT COUNT\n", argv[0]);
		return 2;
	}
	count = strtoul(argv[3], NULL, 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("l2tp-blast: udp socket");
		return 1;
	}
	iov.iov_base = payload;
	iov.iov_len = sizeof(payload);
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (sent < count) {
		unsigned int n = count - sent < BATCH ? (unsigned int)(count - sent) : BATCH;
		int r = sendmmsg(fd, msgs, n, 0);

		if (r <= 0) {
			perror("l2tp-blast: sendmmsg");
			return 1;
		}
		sent += (unsigned long)r;
	}
	report(&t0, count);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in src, dst;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct timespec t0;
	unsigned long count, sent = 0, first, last, span;
	static struct pkt p[BATCH];
	char *dash;
	int fd, i;

	if (argc > 1 && !strcmp(argv[1], "--udp"))
		return udp_blast(argc, argv);
	if (argc != 6 || parse(argv[1], &src) || parse(argv[2], &dst)) {
		fprintf(stderr, "usage: %s SRC_IP:PORT DST_IP:PORT TID SID COUNT\n",
			argv[0]);
		return 2;
	}
	count = strtoul(argv[5], NULL, 0);
	first = strtoul(argv[4], &dash, 0);
	last = *dash == '-' ? strtoul(dash + 1, NULL, 0) : first;
	if (last < first || last > 65535) {
		fprintf(stderr, "l2tp-blast: SID is 0..65535 or FIRST-LAST\n");
		return 2;
	}
	span = last - first + 1;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("l2tp-blast: raw socket");
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		build(&p[i], &src, &dst, (uint16_t)atoi(argv[3]),
		      (uint16_t)(first + (unsigned long)i % span));
		iov[i].iov_base = &p[i];
		iov[i].iov_len = sizeof(p[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (sent < count) {
		unsigned int n = count - sent < BATCH ? (unsigned int)(count - sent) : BATCH;
		int r = sendmmsg(fd, msgs, n, 0);

		if (r <= 0) {
			perror("l2tp-blast: sendmmsg");
			return 1;
		}
		sent += (unsigned long)r;
		for (i = 0; span > BATCH && i < r; i++) {
			uint16_t sid = (uint16_t)(first + (sent + (unsigned long)i) % span);

			p[i].l2tp[4] = (uint8_t)(sid >> 8);
			p[i].l2tp[5] = (uint8_t)sid;
		}
	}
	report(&t0, count);
	close(fd);
	return 0;
}
