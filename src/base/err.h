/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_BASE_ERR_H
#define MF_BASE_ERR_H

#include <stddef.h>

/*
 * Outcome classes. Their values are the process exit codes of the
 * command-line contract (docs/design.md), so the CLI maps an error context to
 * an exit code without a table.
 */
enum mf_status {
	MF_OK = 0,
	MF_FAILED = 1,	    /* anything else went wrong */
	MF_USAGE = 2,	    /* bad command line */
	MF_REFUSED = 3,	    /* refused by preflight, override flag named */
	MF_NO_DEVICE = 4,   /* no module or port found */
	MF_TIMEOUT = 5,	    /* a device did not answer in time */
	MF_MISMATCH = 6,    /* verification mismatch */
	MF_BAD_PACKAGE = 7, /* malformed or hostile package */
	/* stopped by a signal at a safe point (base/stop.h): 128 + signo */
	MF_INTERRUPTED = 130, /* SIGINT */
	MF_TERMINATED = 143,  /* SIGTERM */
};

#define MF_ERR_MSG_MAX	512
#define MF_ERR_HINT_MAX 512

/*
 * Filled by library code on failure: one human sentence and one hint
 * (the exact fix, or empty). Library functions return a negative errno
 * style code and fill this; only cli/ prints it.
 */
struct mf_err {
	enum mf_status status;
	int code; /* negative errno of the first failure */
	char msg[MF_ERR_MSG_MAX];
	char hint[MF_ERR_HINT_MAX];
};

void mf_err_clear(struct mf_err *err);

/*
 * Record a failure. The first failure wins: a later call on an error that
 * is already set keeps the original message (the root cause) unless
 * mf_err_clear() was called. Returns code (a negative errno), so that
 * "return mf_err_set(...)" reads naturally. err may be NULL.
 */
int mf_err_set(struct mf_err *err, enum mf_status status, int code,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Attach the hint (the fix) to an error already set. */
void mf_err_hint(struct mf_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Status class for a bare negative errno (ETIMEDOUT -> MF_TIMEOUT, ...). */
enum mf_status mf_status_from_errno(int code);

#endif
