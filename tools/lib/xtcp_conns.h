/* SPDX-License-Identifier: GPL-2.0 */
/* Reading /proc/xtcp/conns from the tests: the state of one connection. */
#ifndef XTCP_CONNS_H
#define XTCP_CONNS_H

#include <stdio.h>
#include <string.h>
#include <time.h>

/*
 * Copy into state the state of the line whose local and remote endpoints
 * are local and remote ("127.0.0.1:5000"); returns 0, or -1 if none.
 */
static inline int xtcp_conn_state(const char *local, const char *remote,
				  char *state, size_t len)
{
	char line[256], l[64], r[64], s[32];
	FILE *f = fopen("/proc/xtcp/conns", "r");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %63s %31s", l, r, s) != 3)
			continue;
		if (!strcmp(l, local) && !strcmp(r, remote)) {
			snprintf(state, len, "%s", s);
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

/* Wait up to ms for the connection to show want ("" for: no line at all). */
static inline int xtcp_conn_wait(const char *local, const char *remote,
				 const char *want, int ms, char *seen, size_t len)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i <= ms / 10; i++) {
		if (xtcp_conn_state(local, remote, seen, len) < 0)
			snprintf(seen, len, "%s", "");
		if (!strcmp(seen, want))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

#endif /* XTCP_CONNS_H */
