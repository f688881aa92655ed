/* SPDX-License-Identifier: GPL-2.0 */
/* MD5 (RFC 1321), for L2TP's hidden AVPs and tunnel authentication only. */
#ifndef L2TPFASTD_MD5_H
#define L2TPFASTD_MD5_H

#include <stddef.h>
#include <stdint.h>

struct md5 {
	uint32_t h[4];
	uint64_t len;
	uint8_t block[64];
	size_t used;
};

void md5_init(struct md5 *c);
void md5_update(struct md5 *c, const void *data, size_t len);
void md5_final(struct md5 *c, uint8_t digest[16]);

#endif /* L2TPFASTD_MD5_H */
