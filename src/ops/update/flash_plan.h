/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FLASH_PLAN_H
#define MF_OPS_FLASH_PLAN_H

#include <stdbool.h>

#include "base/err.h"
#include "ops/update/flash.h"
#include "pkg/pkg.h"

/*
 * flash/restore --dry-run: what a flash of pkg would read (with_backup)
 * and write, in its order, from the package alone (the same planners as
 * the backup and flash_write). 0, or -ENOMEM with err filled.
 */
int flash_dry_plan(const struct pkg *pkg, bool with_backup,
		   struct flash_plan *p, struct mf_err *err);

#endif
