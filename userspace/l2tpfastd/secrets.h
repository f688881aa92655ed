/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tunnel secrets, in xl2tpd's "auth file" format: one "them me secret" per
 * line, "*" matching any host, "#" starting a comment.
 */
#ifndef L2TPFASTD_SECRETS_H
#define L2TPFASTD_SECRETS_H

#include <stddef.h>

/* 0 and the secret for peer host @them talking to us as @me, else -1. */
int secrets_lookup(const char *path, const char *them, const char *me,
		   char *secret, size_t len);

#endif /* L2TPFASTD_SECRETS_H */
