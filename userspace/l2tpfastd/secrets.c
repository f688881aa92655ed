// SPDX-License-Identifier: GPL-2.0
/* Tunnel secrets; see secrets.h. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "secrets.h"

static int host_match(const char *pattern, const char *host)
{
	return !strcmp(pattern, "*") || !strcasecmp(pattern, host);
}

static int secrets_add(struct secrets *s, const char *us, const char *them,
		       const char *secret)
{
	struct secret *e = realloc(s->e, (size_t)(s->n + 1) * sizeof(*e));

	if (!e)
		return -1;
	s->e = e;
	e = &s->e[s->n];
	e->us = strdup(us);
	e->them = strdup(them);
	e->secret = strdup(secret);
	if (!e->us || !e->them || !e->secret) {
		free(e->us);
		free(e->them);
		free(e->secret);
		return -1;
	}
	s->n++;
	return 0;
}

int secrets_load(const char *path, struct secrets *s)
{
	char line[1024], us[256], them[256], secret[512];
	FILE *f;
	int ret = 0;

	s->e = NULL;
	s->n = 0;
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (!ret && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "#;")] = '\0';
		if (sscanf(line, "%255s %255s %511s", us, them, secret) == 3)
			ret = secrets_add(s, us, them, secret);
	}
	fclose(f);
	if (ret)
		secrets_free(s);
	return ret;
}

void secrets_free(struct secrets *s)
{
	int i;

	for (i = 0; i < s->n; i++) {
		free(s->e[i].us);
		free(s->e[i].them);
		free(s->e[i].secret);
	}
	free(s->e);
	s->e = NULL;
	s->n = 0;
}

const char *secrets_find(const struct secrets *s, const char *us, const char *them)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (host_match(s->e[i].us, us) && host_match(s->e[i].them, them))
			return s->e[i].secret;
	return NULL;
}
