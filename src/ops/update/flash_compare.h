/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FLASH_COMPARE_H
#define MF_OPS_FLASH_COMPARE_H

#include "ops/update/flash.h"
#include "pkg/pkg.h"
#include "proto/firehose.h"

/*
 * verify PKG: which partitions of the package the module holds, by the
 * same digests a resumed flash asks for (ops/update/resume.h); nothing is
 * written. Fills r->parts (equal), r->ndiffer and r->verified. 0 or a
 * negative errno with err filled (a failure to ask, not a difference).
 */
int flash_compare(struct fh_session *fh, const struct pkg *pkg,
		  struct flash_report *r, const struct mf_log *log,
		  struct mf_err *err);

/*
 * After the module is back: 0 when every partition held its image, else
 * -EBADMSG with err (MF_MISMATCH) naming those that differ.
 */
int flash_compare_verdict(const struct flash_report *r, const char *package,
			  struct mf_err *err);

#endif
