/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tunnel secrets, in xl2tpd's "auth file" format: one "us them secret"
 * per line, names compared without regard to case, "*" matching any host,
 * "#" and ";" starting a comment. Read once per configuration generation.
 */
#ifndef L2TPFASTD_SECRETS_H
#define L2TPFASTD_SECRETS_H

#include <stddef.h>

#define SECRETS_DEFAULT_FILE "/etc/xl2tpd/l2tp-secrets"

struct secret {
	char *us, *them, *secret;
};

struct secrets {
	struct secret *e;
	int n;
};

/* 0, or -1 with errno when the file cannot be read. */
int secrets_load(const char *path, struct secrets *s);
void secrets_free(struct secrets *s);

/* The secret of the first line for @us talking to peer host @them, or NULL. */
const char *secrets_find(const struct secrets *s, const char *us, const char *them);

#endif /* L2TPFASTD_SECRETS_H */
