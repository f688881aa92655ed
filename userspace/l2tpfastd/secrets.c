// SPDX-License-Identifier: GPL-2.0
/* Tunnel secrets; see secrets.h. */

#include <stdio.h>
#include <string.h>

#include "secrets.h"

static int host_match(const char *pattern, const char *host)
{
	return !strcmp(pattern, "*") || !strcmp(pattern, host);
}

int secrets_lookup(const char *path, const char *them, const char *me,
		   char *secret, size_t len)
{
	char line[512], a[128], b[128], s[256];
	FILE *f;
	int found = -1;

	if (!path || !path[0])
		return -1;
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (found && fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		if (sscanf(line, "%127s %127s %255s", a, b, s) != 3)
			continue;
		if (host_match(a, them) && host_match(b, me)) {
			snprintf(secret, len, "%s", s);
			found = 0;
		}
	}
	fclose(f);
	return found;
}
