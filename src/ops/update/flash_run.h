/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FLASH_RUN_H
#define MF_OPS_FLASH_RUN_H

/*
 * One flash, backup or restore run as ops/update/flash.c holds it, shared
 * only with flash_report.c (what a failure or a stop tells the user).
 */
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "ops/identity.h"
#include "ops/lock.h"
#include "ops/mm.h"
#include "ops/update/backup.h"
#include "ops/update/edl.h"
#include "ops/update/flash.h"
#include "ops/update/plan.h"
#include "ops/update/preflight.h"
#include "pkg/pkg.h"

/* Everything one run holds, freed in one place. */
struct run {
	const struct flash_opts *o;
	const struct mf_module *m;
	struct flash_report *r;
	const struct mf_log *log;
	struct mf_err *err;
	struct pkg pkg;
	bool pkg_shared; /* a copy of o->opened: not ours to close */
	struct backup_info manifest;
	bool has_manifest;
	struct mod_ident id;
	struct edl_session e;
	bool no_pkg;	       /* backup without a package */
	bool fh_ok;	       /* the programmer answered */
	char programmer[1024]; /* the one uploaded */
	uint64_t total_blocks; /* getstorageinfo, 0 unknown */
	struct preflight pf;   /* one verdict for the whole run */
	struct mf_mm_hold *mm; /* ModemManager inhibited, or NULL */
	bool mm_refused;
	/* the backup: claimed (and its room proven) before the EDL switch */
	struct backup_dest dest;
	struct backup_src src;
	struct plan_part parts[PLAN_MAX_PARTS];
	size_t nparts;
	bool backup_reused;   /* an interrupted flash's backup, kept */
	bool owner_known;     /* restore: the backup's module was matched */
	bool owner_foreign;   /* ... another's, allowed: judged as a package */
	struct mf_lock *lock; /* the claim on the module (ops/lock.h) */
	bool reset_sent;      /* stopped before writing: sent back to normal */
};

/*
 * Before the first write (block): the package's md5 check, deferred
 * while the module was reached (pkg_opts.md5_later), waited for in its
 * own stage "package-check". A damaged image ends the run there: nothing
 * written, a module that came from normal mode sent back to it. Not
 * block: the same end only when the check has already failed (before
 * the EDL switch and the backup: no time spent on a package refused).
 */
int flash_package_checked(struct run *x, bool block);
/* A failed run after a write: the way back, exactly, in err's hint. */
void flash_recovery_hint(struct run *x);
/*
 * A failure (rc) names the stage it ended in; a link that vanished is said
 * plainly, with "nothing was written" when that holds.
 */
void flash_lost_link(struct run *x, int rc);
/*
 * Stopped by a signal at a safe point: restarts an untouched module in
 * normal mode where it can, and says where the module is (r->left, hint).
 */
void flash_stopped(struct run *x);

#endif
