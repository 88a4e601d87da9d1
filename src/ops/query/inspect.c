// SPDX-License-Identifier: BSD-3-Clause
/*
 * inspect: the package, and the verdict flash would reach for a module.
 * Facts given by hand win over what -d reads from the module, so a user
 * can ask "what if it ran revision X".
 */
#include "ops/query/inspect.h"

#include <errno.h>
#include <string.h>

#include "ops/select.h"
#include "ops/update/preflight.h"

/* -d SEL: the module's own facts over AT (chip, PK hash and geometry need
 * EDL: flash checks them there). */
static int module_facts(const struct inspect_opts *o, struct inspect_report *r,
			const struct mf_log *log, struct mf_err *err)
{
	struct pkg_module dev;
	struct mf_module m;
	int rc;

	rc = ops_find_module(o->sysroot, o->select, &m, log, err);
	if (rc < 0)
		return rc;
	if (m.mode != MF_MODE_NORMAL) {
		rc = mf_err_set(err, MF_FAILED, -EAGAIN,
				"module %s is not in normal mode: inspect -d "
				"reads its identity over AT",
				m.usb.path);
		mf_err_hint(err, "give its revision with --for REVISION; flash "
				 "reads the identity in EDL itself");
		return rc;
	}
	rc = ident_normal(&m, &r->id, log, err);
	if (rc)
		return rc;
	ident_to_rules(&r->id, m.model ? m.model->name : NULL, &dev);
	mf_log(log, MF_LOG_INFO,
	       "module %s: %s; chip, PK hash and NAND geometry are "
	       "checked by flash in EDL",
	       m.usb.path, dev.revision ? dev.revision : "revision unknown");
	if (!r->mod.revision)
		r->mod.revision = dev.revision;
	if (!r->mod.model)
		r->mod.model = dev.model;
	if (r->mod.variant < 0)
		r->mod.variant = dev.variant;
	r->have_module = true;
	return 0;
}

int inspect_run(const struct inspect_opts *o, struct inspect_report *r,
		const struct mf_log *log, struct mf_err *err)
{
	struct preflight pf;
	int rc;

	memset(r, 0, sizeof(*r));
	r->mod = o->mod;
	r->have_module = o->have_module;
	if (o->select) {
		rc = module_facts(o, r, log, err);
		if (rc < 0)
			return rc;
	}
	rc = pkg_open(&r->pkg, o->path, &o->pkg, log, err);
	if (rc)
		return rc;
	if (r->have_module) {
		/* the same verdict flash reaches; the caller renders overrides */
		preflight_init(&pf, &r->pkg, &o->allow, false, r->pkg.factory,
			       &r->verdict);
		pf.say_overrides = false;
		preflight_eval(&pf, &r->mod, log);
		if (r->verdict.kind == PKG_VERDICT_REFUSED)
			r->status = MF_REFUSED;
	}
	if (!r->status && r->pkg.absent)
		r->status = MF_BAD_PACKAGE;
	return 0;
}

void inspect_close(struct inspect_report *r)
{
	pkg_close(&r->pkg);
}
