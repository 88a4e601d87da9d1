// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/select.h"
#include "ops/update/preflight.h"
#include "pkg/ident.h"

void preflight_init(struct preflight *p, const struct pkg *pkg,
		    const struct pkg_allow *allow, bool restore, bool factory,
		    struct pkg_verdict *v)
{
	memset(p, 0, sizeof(*p));
	p->pkg = pkg;
	p->allow = *allow;
	p->restore = restore;
	p->factory = factory;
	p->say_overrides = !restore;
	p->v = v;
	memset(v, 0, sizeof(*v));
}

/*
 * A module that names no baseline anywhere (AT+QGMR and ATI both say a
 * bare "01.020"): compare its version under the package's baseline, so
 * that downgrade and up-to-date still hold; only a baseline change goes
 * unseen, and the user is told so.
 */
static void guess_baseline(struct preflight *p, struct pkg_module *pm,
			   const struct mf_log *log)
{
	const struct pkg *pkg = p->pkg;
	struct pkg_ident pi;
	int parts;

	/* never for another model: the model rule must still see it */
	if (!pm->revision || !pkg->has_ident || !pm->model ||
	    !pkg_model_eq(pm->model, pkg->ident.model) ||
	    !pkg_ident_parse(pm->revision, &pi))
		return;
	parts = ident_bare_version(pm->revision);
	if (parts != 2 && parts != 4)
		return;
	if (parts == 2)
		snprintf(p->guessed_rev, sizeof(p->guessed_rev),
			 "%.40s_%.20s.%.20s", pkg->ident.baseline, pm->revision,
			 pm->revision);
	else
		snprintf(p->guessed_rev, sizeof(p->guessed_rev), "%.40s_%.40s",
			 pkg->ident.baseline, pm->revision);
	if (pkg_ident_parse(p->guessed_rev, &pi))
		return;
	if (!p->warned_baseline)
		mf_log(log, MF_LOG_WARN,
		       "the module names no baseline (AT+QGMR and ATI say %s): "
		       "compared as %s; a change of baseline cannot be seen",
		       pm->revision, p->guessed_rev);
	p->warned_baseline = true;
	pm->revision = p->guessed_rev;
}

static bool said_before(struct preflight *p, const char *rule)
{
	for (size_t i = 0; i < p->nsaid; i++)
		if (!strcmp(p->said[i], rule))
			return true;
	if (p->nsaid < PKG_MAX_FINDINGS)
		p->said[p->nsaid++] = rule;
	return false;
}

void preflight_eval(struct preflight *p, struct pkg_module *pm,
		    const struct mf_log *log)
{
	struct pkg_allow allow = p->allow;
	const struct pkg_finding *f;

	if (p->restore) {
		/* the backup is what the module held: only the hardware rules */
		allow = (struct pkg_allow){ true, true, true, true };
		pm->revision = NULL;
		pm->model = NULL;
	}
	guess_baseline(p, pm, log);
	pkg_evaluate(p->pkg, pm, &allow, p->v);
	for (size_t i = 0; i < p->v->n; i++) {
		f = &p->v->f[i];
		if (f->overridden && p->say_overrides &&
		    !said_before(p, f->rule))
			mf_log(log, MF_LOG_WARN, "%s overridden by %s: %s",
			       f->rule, f->override, f->msg);
	}
}

int preflight_refusal(const struct preflight *p, bool waiting_in_edl,
		      struct mf_err *err)
{
	const struct pkg_finding *f = NULL;

	if (p->v->kind != PKG_VERDICT_REFUSED)
		return 0;
	for (size_t i = 0; i < p->v->n; i++)
		if (!p->v->f[i].overridden) {
			f = &p->v->f[i];
			break;
		}
	if (!f)
		return 0;
	mf_err_set(err, MF_REFUSED, -EPERM,
		   "refused by rule %s: %s (package: %s, module: %s)", f->rule,
		   f->msg, f->package, f->module);
	if (f->override && p->factory &&
	    !strcmp(f->override, "--allow-calibration-write"))
		mf_err_hint(err,
			    "nothing was written; --factory uses the package's "
			    "factory XML, which erases the calibration data: "
			    "if you are sure, run again with --factory "
			    "--allow-calibration-write (a backup with the "
			    "calibration data is taken first)");
	else if (f->override)
		mf_err_hint(err,
			    "nothing was written; if you are sure, run again "
			    "with %s (a backup is taken first)",
			    f->override);
	else
		mf_err_hint(
			err,
			"nothing was written; no override exists: use a "
			"package made for this module%s",
			waiting_in_edl
				? " (the module waits in EDL: power-cycle it)"
				: "");
	return -EPERM;
}

int preflight_check(struct preflight *p, struct pkg_module *pm,
		    bool waiting_in_edl, const struct mf_log *log,
		    struct mf_err *err)
{
	preflight_eval(p, pm, log);
	return preflight_refusal(p, waiting_in_edl, err);
}
