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

static const char *const busy_names[SIM_BUSY_KINDS] = {
	[SIM_BUSY_BOOT] = "boot",   [SIM_BUSY_ENUM] = "enumerate",
	[SIM_BUSY_ERASE] = "erase", [SIM_BUSY_PROGRAM] = "program",
	[SIM_BUSY_READ] = "read",   [SIM_BUSY_OTHER] = "other",
};

const char *sim_busy_name(enum sim_busy kind)
{
	return kind < SIM_BUSY_KINDS ? busy_names[kind] : "other";
}

double sim_busy_total(const struct sim *s)
{
	double ms = 0;

	for (int i = 0; i < SIM_BUSY_KINDS; i++)
		ms += s->busy_ms[i];
	return ms / 1000.0;
}

static void busy_add(struct sim *s, enum sim_busy kind, double ms)
{
	s->busy_ms[kind < SIM_BUSY_KINDS ? kind : SIM_BUSY_OTHER] += ms;
}

/* Module time in ms -> wall time: 0 in fast timing. The delay counts as
 * busy time when it is imposed, whether or not the timer fires (a power
 * cycle may cancel it): the host had to expect it. */
int sim_delay_ms(struct sim *s, enum sim_busy kind, int real_ms)
{
	double ms;

	if (!s->timing_real)
		return 0;
	ms = real_ms * s->time_scale * sim_slow(s);
	if (ms > 3600000.0)
		ms = 3600000.0;
	busy_add(s, kind, (int)ms);
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

void sim_sleep(struct sim *s, enum sim_busy kind, double seconds)
{
	double ms;

	if (!s->timing_real)
		return;
	ms = seconds * 1000.0 * s->time_scale * sim_slow(s);
	if (ms <= 0)
		return;
	busy_add(s, kind, ms);
	sleep_ms(ms);
}

void sim_throughput_sleep(struct sim *s, enum sim_busy kind, uint64_t bytes,
			  double bytes_per_s)
{
	if (!s->timing_real || bytes_per_s <= 0)
		return;
	sim_sleep(s, kind, (double)bytes / bytes_per_s);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void sim_pace_start(struct sim_pace *p)
{
	p->due = mono_s();
}

void sim_pace(struct sim *s, struct sim_pace *p, enum sim_busy kind,
	      uint64_t bytes, double bytes_per_s)
{
	double ms, now;

	if (!s->timing_real || bytes_per_s <= 0)
		return;
	ms = (double)bytes / bytes_per_s * 1000.0 * s->time_scale * sim_slow(s);
	busy_add(s, kind, ms);
	now = mono_s();
	/*
	 * This piece's storage work began when the previous one's ended, or
	 * at most one piece before now (one buffer on each side: the storage
	 * is never more than a piece ahead of the link or behind it).
	 */
	if (p->due < now - ms / 1000.0)
		p->due = now - ms / 1000.0;
	p->due += ms / 1000.0;
	sleep_ms((p->due - now) * 1000.0);
}

void sim_count(struct sim *s, enum sim_busy kind, uint64_t bytes)
{
	if (kind >= SIM_BUSY_KINDS)
		return;
	s->count_cmds[kind]++;
	s->count_bytes[kind] += bytes;
}

bool sim_timing_real(const struct sim *s)
{
	return s->timing_real;
}
