/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_PREFLIGHT_H
#define MF_OPS_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/log.h"
#include "ops/identity.h"
#include "pkg/pkg.h"
#include "pkg/rules.h"

/*
 * The preflight verdict (docs/design.md "The safe update" step 3), one per run,
 * shared by flash, restore and inspect -d. A flash learns the module in
 * steps (AT, then Sahara, then the Firehose storage info) and evaluates
 * again after each; the verdict is always the latest, while each override
 * and the completed revision are said once per run.
 */
struct preflight {
	const struct pkg *pkg;
	struct pkg_allow allow;
	bool restore;	    /* a backup going back: only the hardware rules */
	bool factory;	    /* --factory: the calibration hint names it */
	bool say_overrides; /* log each override (inspect renders them) */
	struct pkg_verdict *v;
	char guessed_rev[96]; /* see preflight_eval */
	bool warned_baseline;
	const char *said[PKG_MAX_FINDINGS]; /* rules whose override was said */
	size_t nsaid;
};

/* v receives the verdict of every evaluation; pkg and v outlive p. */
void preflight_init(struct preflight *p, const struct pkg *pkg,
		    const struct pkg_allow *allow, bool restore, bool factory,
		    struct pkg_verdict *v);

/*
 * Evaluate the rules for what is known of the module (pm; its revision
 * may be completed in place: a bare "01.020" under the package's
 * baseline). Fills *p->v.
 */
void preflight_eval(struct preflight *p, struct pkg_module *pm,
		    const struct mf_log *log);

/*
 * 0, or -EPERM with err filled (MF_REFUSED): the first finding not
 * overridden, and the override that would allow it. waiting_in_edl: the
 * module was already switched (the hint says to power-cycle it).
 */
int preflight_refusal(const struct preflight *p, bool waiting_in_edl,
		      struct mf_err *err);

/* preflight_eval, then preflight_refusal. */
int preflight_check(struct preflight *p, struct pkg_module *pm,
		    bool waiting_in_edl, const struct mf_log *log,
		    struct mf_err *err);

#endif
