/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_UPDATE_RESUME_H
#define MF_OPS_UPDATE_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"
#include "pkg/pkg.h"
#include "proto/firehose.h"

struct resume_result {
	size_t images; /* images of the package asked about */
	size_t kept;   /* of them, already on the module and left out */
	size_t split;  /* of the rest, cut half way: only their end written */
	uint64_t kept_bytes, missing_bytes; /* a split image's parts in each */
	bool complete;	/* the whole package is there: nothing to write */
	bool by_digest; /* getsha256digest (else read-back) */
};

/*
 * Which of pkg's images the module holds: there[i] (pkg->ncmds entries)
 * is set for every program line whose image the module's sectors hold, by
 * getsha256digest or, without it, by reading them back. held (NULL: not
 * asked; else pkg->ncmds entries) gets, for an image that is not there,
 * how many sectors at its start the module does hold (0: none, or not
 * known): asked only of a big image on NAND that has its own erase, by
 * the digests of a few chunks (resume_split_ok). res counts them
 * (complete: all of them; by_digest says how). progress (NULL: none)
 * names the stage the bytes compared are told to log's progress under.
 * Nothing is written. 0 or a negative errno with err filled.
 */
int resume_scan(struct fh_session *fh, const struct pkg *pkg, bool *there,
		uint64_t *held, struct resume_result *res, const char *progress,
		const struct mf_log *log, struct mf_err *err);

/*
 * Whether a cut image c can be resumed inside itself: NAND, a digest, a
 * numeric start with its own erase, block geometry known, not the SBL,
 * and at least a few chunks long.
 */
bool resume_split_ok(struct fh_session *fh, const struct pkg *pkg,
		     const struct pkg_cmd *c);

/*
 * Which lines of pkg a cut flash already wrote (ops/update/resume.c):
 * skip[i] (pkg->ncmds entries) is set for every erase and program the
 * module does not need again; from[i] (pkg->ncmds entries) is, for an
 * image cut half way and its erase, the sector (counted from the line's
 * start) the write resumes at, 0 for a whole line. On NAND (nand) the SBL
 * lines are kept whenever anything else is written. Returns 0 or a
 * negative errno with err filled.
 */
int resume_plan(struct fh_session *fh, const struct pkg *pkg, bool nand,
		bool *skip, uint64_t *from, struct resume_result *res,
		const struct mf_log *log, struct mf_err *err);

#endif
