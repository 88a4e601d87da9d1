// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <signal.h>

#include "base/stop.h"

int mf_stop_err(const mf_stop_flag *s, struct mf_err *err, const char *where)
{
	int sig = mf_stop_signal(s);
	const char *name = sig == SIGTERM ? "SIGTERM" : "SIGINT";

	/* the stop is the cause now, whatever a lower layer said before */
	mf_err_clear(err);
	return mf_err_set(err, sig == SIGTERM ? MF_TERMINATED : MF_INTERRUPTED,
			  -EINTR, "interrupted (%s) during %s", name,
			  where && *where ? where : "the run");
}
