// SPDX-License-Identifier: BSD-3-Clause
/*
 * --fault SPEC parsing and the one-shot bookkeeping (docs/design.md, "The
 * simulator"). Property faults (disusb, hwid, pkhash, geometry, badblock,
 * slow) hold for the life of the process; the others fire once. echo: the
 * first EDL port is a fresh ttyUSB still cooked (ECHO on) when the HELLO
 * arrives, so the line discipline echoes it to the device (docs/usbvm.md,
 * finding 1). noflow: the EDL port's device->host bytes are not flow
 * controlled: what a reader lagging for more than a moment has no room for
 * is lost (finding 7); lose:read:BYTES loses one run of them, once.
 * stall:PHASE:BYTES: after BYTES of PHASE the device stops reading the
 * port (a hung module: the host's writes fill the line and block).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core.h"

/* Phases whose byte counts the device code checks (sim_fault_drop). */
static const char *const drop_phases[] = {
	"diag",	   "sahara", "configure",   "erase",
	"program", "read",   "fota-upload", NULL,
};

/* Phases whose device->host bytes can be lost (lose:PHASE:BYTES). */
static const char *const lose_phases[] = { "read", NULL };

/* Phases after whose BYTES the device stops reading (stall:PHASE:BYTES). */
static const char *const stall_phases[] = { "sahara", "program", NULL };

/* The faults KIND:PHASE:BYTES and the phases each one knows. */
static const struct {
	const char *kind;
	const char *const *phases;
} at_bytes[] = {
	{ "drop", drop_phases },
	{ "lose", lose_phases },
	{ "stall", stall_phases },
};

static const char *const *bytes_phases(const char *kind)
{
	for (size_t i = 0; i < sizeof(at_bytes) / sizeof(at_bytes[0]); i++)
		if (!strcmp(at_bytes[i].kind, kind))
			return at_bytes[i].phases;
	return NULL;
}

/*
 * Phases that can go mute once: the protocols, every Firehose command, and
 * a FOTA update (it hangs at its first step: no URC after START).
 */
static const char *const silent_phases[] = {
	"diag",	 "sahara",  "firehose",	      "configure",
	"erase", "program", "read",	      "patch",
	"power", "nop",	    "getstorageinfo", "getsha256digest",
	"fota",	 NULL,
};

static bool in_list(const char *const *list, const char *w)
{
	for (; *list; list++)
		if (!strcmp(*list, w))
			return true;
	return false;
}

static bool all_of(const char *str, int (*cls)(int), const char *extra)
{
	if (!*str)
		return false;
	for (; *str; str++)
		if (!cls((unsigned char)*str) && !strchr(extra, *str))
			return false;
	return true;
}

static int check_value(const char *kind, const char *arg, uint64_t *bytes,
		       char *why, size_t cap)
{
	const char *const *phases = bytes_phases(kind);
	char *end;

	if (phases) {
		const char *colon = strchr(arg, ':');
		char phase[32];

		if (!colon || (size_t)(colon - arg) >= sizeof(phase))
			goto bad;
		memcpy(phase, arg, (size_t)(colon - arg));
		phase[colon - arg] = 0;
		if (!in_list(phases, phase) || !all_of(colon + 1, isdigit, ""))
			goto bad;
		errno = 0;
		*bytes = strtoull(colon + 1, &end, 10);
		if (errno || *end)
			goto bad;
		return 0;
	}
	if (!strcmp(kind, "silent"))
		return in_list(silent_phases, arg) ? 0 : -EINVAL;
	if (!strcmp(kind, "nak") || !strcmp(kind, "corrupt"))
		return all_of(arg, isalnum, "_-") ? 0 : -EINVAL;
	if (!strcmp(kind, "hwid"))
		return (!strncmp(arg, "0x", 2) || !strncmp(arg, "0X", 2)) &&
				       strlen(arg) <= 18 &&
				       all_of(arg + 2, isxdigit, "")
			       ? 0
			       : -EINVAL;
	if (!strcmp(kind, "pkhash"))
		return (strlen(arg) == 64 || strlen(arg) == 96) &&
				       all_of(arg, isxdigit, "")
			       ? 0
			       : -EINVAL;
	if (!strcmp(kind, "geometry")) {
		unsigned pg, blk;
		char tail;

		if (sscanf(arg, "p%uK_b%uK%c", &pg, &blk, &tail) != 2 || !pg ||
		    !blk || pg > 64 || blk > 16384 || blk % pg)
			goto bad;
		return 0;
	}
	if (!strcmp(kind, "badblock"))
		return all_of(arg, isdigit, ",") && arg[0] != ',' &&
				       arg[strlen(arg) - 1] != ',' &&
				       !strstr(arg, ",,")
			       ? 0
			       : -EINVAL;
	if (!strcmp(kind, "slow")) {
		double f = strtod(arg, &end);

		return (*end || !(f > 0) || f > 1000) ? -EINVAL : 0;
	}
	snprintf(why, cap, "unknown fault kind '%s'", kind);
	return -ENOENT;
bad:
	return -EINVAL;
}

int sim_fault_parse(struct sim *s, const char *spec, char *why, size_t cap)
{
	struct sim_fault *f;
	const char *colon;
	size_t klen;
	int err;

	if (s->nfaults >= SIM_MAX_FAULTS) {
		snprintf(why, cap, "too many --fault options (at most %d)",
			 SIM_MAX_FAULTS);
		return -E2BIG;
	}
	f = &s->faults[s->nfaults];
	memset(f, 0, sizeof(*f));
	colon = strchr(spec, ':');
	klen = colon ? (size_t)(colon - spec) : strlen(spec);
	if (klen == 0 || klen >= sizeof(f->kind)) {
		snprintf(why, cap, "bad fault '%s'", spec);
		return -EINVAL;
	}
	memcpy(f->kind, spec, klen);
	/*
	 * disusb, noflow: properties; echo: the first EDL tty is fresh
	 * (cooked)
	 */
	if (!strcmp(f->kind, "disusb") || !strcmp(f->kind, "echo") ||
	    !strcmp(f->kind, "noflow")) {
		if (colon) {
			snprintf(why, cap, "fault '%s' takes no argument",
				 f->kind);
			return -EINVAL;
		}
		s->nfaults++;
		return 0;
	}
	if (!colon) {
		snprintf(why, cap, "fault '%s' needs an argument (%s:VALUE)",
			 spec, f->kind);
		return -EINVAL;
	}
	if (strlen(colon + 1) >= sizeof(f->arg)) {
		snprintf(why, cap, "value of fault '%.20s...' too long", spec);
		return -EINVAL;
	}
	strcpy(f->arg, colon + 1);
	err = check_value(f->kind, f->arg, &f->bytes, why, cap);
	if (err == -EINVAL)
		snprintf(why, cap, "bad value in fault '%s'", spec);
	if (err)
		return err;
	if (bytes_phases(f->kind))
		*strchr(f->arg, ':') = 0; /* arg = phase */
	s->nfaults++;
	return 0;
}

bool sim_fault_once(struct sim *s, const char *kind, const char *arg)
{
	size_t i;

	for (i = 0; i < s->nfaults; i++) {
		struct sim_fault *f = &s->faults[i];

		if (f->spent || strcmp(f->kind, kind))
			continue;
		if (arg && strcmp(f->arg, arg))
			continue;
		f->spent = true;
		sim_debug(s, "fault %s:%s fires", kind, f->arg);
		return true;
	}
	return false;
}

static bool fault_at(struct sim *s, const char *kind, const char *phase,
		     uint64_t bytes)
{
	size_t i;

	for (i = 0; i < s->nfaults; i++) {
		struct sim_fault *f = &s->faults[i];

		if (f->spent || strcmp(f->kind, kind) ||
		    strcmp(f->arg, phase) || bytes < f->bytes)
			continue;
		f->spent = true;
		sim_debug(s, "fault %s:%s:%llu fires", kind, phase,
			  (unsigned long long)f->bytes);
		return true;
	}
	return false;
}

bool sim_fault_drop(struct sim *s, const char *phase, uint64_t bytes)
{
	return fault_at(s, "drop", phase, bytes);
}

bool sim_fault_stall(struct sim *s, const char *phase, uint64_t bytes)
{
	return fault_at(s, "stall", phase, bytes);
}

bool sim_fault_lose(struct sim *s, const char *phase, uint64_t bytes,
		    uint64_t *at)
{
	size_t i;

	for (i = 0; i < s->nfaults; i++) {
		struct sim_fault *f = &s->faults[i];

		if (f->spent || strcmp(f->kind, "lose") ||
		    strcmp(f->arg, phase) || bytes <= f->bytes)
			continue;
		f->spent = true;
		*at = f->bytes;
		sim_debug(s, "fault lose:%s:%llu fires", phase,
			  (unsigned long long)f->bytes);
		return true;
	}
	return false;
}

const char *sim_fault_value(const struct sim *s, const char *kind)
{
	size_t i;

	for (i = 0; i < s->nfaults; i++)
		if (!strcmp(s->faults[i].kind, kind))
			return s->faults[i].kind[0] == 'd' &&
					       !strcmp(kind, "disusb")
				       ? "1"
				       : s->faults[i].arg;
	return NULL;
}
