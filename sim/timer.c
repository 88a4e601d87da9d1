// SPDX-License-Identifier: BSD-3-Clause
/*
 * Time and one-shot timers of the simulator loop. Reboots, re-enumeration
 * and URC pacing are timers, so that the control socket stays responsive.
 */
#include <stdlib.h>
#include <time.h>

#include "sim/core.h"

int64_t sim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double sim_slow(const struct sim *s)
{
	const char *v = sim_fault_value(s, "slow");
	double f = v ? strtod(v, NULL) : 1.0;

	return f > 0 ? f : 1.0;
}

/* Module time in ms -> wall time: 0 in fast timing. */
int sim_delay_ms(const struct sim *s, int real_ms)
{
	double ms;

	if (!s->timing_real)
		return 0;
	ms = real_ms * s->time_scale * sim_slow(s);
	if (ms > 3600000.0)
		ms = 3600000.0;
	return (int)ms;
}

void sim_timer_add(struct sim *s, int delay_ms, sim_timer_fn fn, long arg)
{
	size_t i;

	for (i = 0; i < SIM_MAX_TIMERS; i++) {
		if (s->timers[i].used)
			continue;
		s->timers[i].used = true;
		s->timers[i].due = sim_now_ms() + (delay_ms > 0 ? delay_ms : 0);
		s->timers[i].fn = fn;
		s->timers[i].arg = arg;
		return;
	}
	/* table full: run it now rather than lose a state change */
	fn(s, arg);
}

void sim_timer_cancel_all(struct sim *s)
{
	size_t i;

	for (i = 0; i < SIM_MAX_TIMERS; i++)
		s->timers[i].used = false;
}

/* ms until the next timer, -1 when none */
int sim_timer_next(const struct sim *s, int64_t now)
{
	int64_t best = -1;
	size_t i;

	for (i = 0; i < SIM_MAX_TIMERS; i++) {
		if (!s->timers[i].used)
			continue;
		if (best < 0 || s->timers[i].due - now < best)
			best = s->timers[i].due - now;
		if (best < 0)
			best = 0;
	}
	return best > 100000 ? 100000 : (int)best;
}

void sim_timer_run(struct sim *s, int64_t now)
{
	size_t i;

	for (i = 0; i < SIM_MAX_TIMERS; i++) {
		struct sim_timer t = s->timers[i];

		if (!t.used || t.due > now)
			continue;
		s->timers[i].used = false;
		t.fn(s, t.arg);
	}
}

static void sleep_ms(double ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - ts.tv_sec * 1000.0) * 1e6);
	nanosleep(&ts, NULL);
}

void sim_sleep(struct sim *s, double seconds)
{
	if (!s->timing_real)
		return;
	sleep_ms(seconds * 1000.0 * s->time_scale * sim_slow(s));
}

void sim_throughput_sleep(struct sim *s, uint64_t bytes, double bytes_per_s)
{
	if (!s->timing_real || bytes_per_s <= 0)
		return;
	sim_sleep(s, (double)bytes / bytes_per_s);
}

bool sim_timing_real(const struct sim *s)
{
	return s->timing_real;
}
