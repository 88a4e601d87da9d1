/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FLASH_WRITE_H
#define MF_OPS_FLASH_WRITE_H

#include "base/stop.h"
#include "ops/update/flash.h"
#include "pkg/pkg.h"
#include "proto/firehose.h"

/*
 * The writing half of a flash over an open, configured Firehose session:
 * the package's lines in the safe order (ops/update/plan.h), then the DISK
 * patches (the verification is flash_verify.h). r->bytes_written and
 * r->wrote are kept up to date so that a failure half way is reported as
 * such. A stop request (stop, may be NULL) ends it before the first erase;
 * once the boot loader is erased only a second (hard) request stops it,
 * between two commands; otherwise the write, its verification and the
 * reset run to the end and the run stops in the post-check (the next safe
 * point: the module restarts into complete, verified firmware).
 */
int flash_write(struct fh_session *fh, const struct pkg *pkg,
		const mf_stop_flag *stop, struct flash_report *r,
		const struct mf_log *log, struct mf_err *err);

/*
 * The same, leaving out the lines skip[] marks (indexes into pkg->cmds;
 * a resumed flash, ops/update/resume.h) and starting a line i at its
 * sector from[i] where that is not 0 (NULL: all whole; an image so
 * resumed is checked whole by digest right after its program): the order
 * of the rest is kept, and the patches run only when something was
 * written.
 */
int flash_write_some(struct fh_session *fh, const struct pkg *pkg,
		     const bool *skip, const uint64_t *from,
		     const mf_stop_flag *stop, struct flash_report *r,
		     const struct mf_log *log, struct mf_err *err);

#endif
