/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FLASH_WRITE_H
#define MF_OPS_FLASH_WRITE_H

#include "ops/update/flash.h"
#include "pkg/pkg.h"
#include "proto/firehose.h"

/*
 * The writing half of a flash over an open, configured Firehose session:
 * the package's lines in the safe order (ops/update/plan.h), then the DISK
 * patches (the verification is flash_verify.h). r->bytes_written and
 * r->wrote are kept up to date so that a failure half way is reported as
 * such.
 */
int flash_write(struct fh_session *fh, const struct pkg *pkg,
		struct flash_report *r, const struct mf_log *log,
		struct mf_err *err);

#endif
