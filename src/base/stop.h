/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_BASE_STOP_H
#define MF_BASE_STOP_H

#include <signal.h>
#include <stdbool.h>

#include "base/err.h"

/*
 * A stop request (SIGINT, SIGTERM) handed down to long operations: a
 * pointer to a flag that only the CLI's signal handler writes (library
 * code holds no global; NULL means "never stops"). The value is the signal
 * number of the first request, with MF_STOP_HARD added by a second one.
 *
 * First request: stop at the next safe point, where the module is left so
 * that a plain re-run continues (never inside the window where the boot
 * loader is erased and not yet programmed). Second request: stop at the
 * next command boundary even inside that window (the module then boots
 * into EDL, which a re-run also continues from).
 */
typedef volatile sig_atomic_t mf_stop_flag;

#define MF_STOP_HARD 0x100

static inline bool mf_stop_requested(const mf_stop_flag *s)
{
	return s && *s;
}

static inline bool mf_stop_hard(const mf_stop_flag *s)
{
	return s && (*s & MF_STOP_HARD);
}

/* The signal that asked (SIGINT, SIGTERM), 0 none. */
static inline int mf_stop_signal(const mf_stop_flag *s)
{
	return s ? (int)(*s & 0xff) : 0;
}

/*
 * Record the stop in err: status MF_INTERRUPTED (130) for SIGINT,
 * MF_TERMINATED (143) for SIGTERM, the message "interrupted (SIGINT)
 * during WHERE". Returns -EINTR.
 */
int mf_stop_err(const mf_stop_flag *s, struct mf_err *err, const char *where);

#endif
