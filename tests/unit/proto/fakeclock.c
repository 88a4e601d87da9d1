// SPDX-License-Identifier: BSD-3-Clause
/*
 * A clock of the test's own, linked in place of src/base/clock.c: time
 * passes only when somebody sleeps (a timed fakelink read waiting out its
 * timeout), so that a wait of 20 s runs in microseconds and is measured
 * exactly. The four functions of base/clock.h, all of them, so that the
 * real clock.o is never pulled from the library beside them.
 */
#include "base/clock.h"

static int64_t fc_now = 1000000; /* not 0: no deadline is "never" */

int64_t mf_now_ms(void)
{
	return fc_now;
}

int64_t mf_deadline(int timeout_ms)
{
	if (timeout_ms < 0)
		return -1;
	return fc_now + timeout_ms;
}

int mf_remaining_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - fc_now;
	if (left <= 0)
		return 0;
	return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

void mf_sleep_ms(int ms)
{
	if (ms > 0)
		fc_now += ms;
}
