// SPDX-License-Identifier: BSD-3-Clause
/*
 * Windows: no change notification is wired here (SetupAPI enumeration
 * only), so a wait is a short poll: at most 10 ms between rescans.
 */
#include "discover/discover.h"

#include <stdlib.h>

#include "base/clock.h"

#define WATCH_POLL_MS 10

struct mf_watch {
	int unused;
};

struct mf_watch *mf_watch_open(const char *sysroot)
{
	(void)sysroot;
	return calloc(1, sizeof(struct mf_watch));
}

bool mf_watch_has_events(const struct mf_watch *w)
{
	(void)w;
	return false;
}

int mf_watch_wait(struct mf_watch *w, int timeout_ms)
{
	(void)w;
	mf_sleep_ms(timeout_ms < 0 || timeout_ms > WATCH_POLL_MS ? WATCH_POLL_MS
								 : timeout_ms);
	return 0;
}

void mf_watch_close(struct mf_watch *w)
{
	free(w);
}
