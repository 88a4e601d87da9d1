// SPDX-License-Identifier: BSD-3-Clause
/*
 * Rules that keep a package from bricking a module (docs/design.md, the safe
 * update, step 3). A table: adding a rule is adding a row.
 */
#include <stdio.h>
#include <string.h>

#include "pkg/rules.h"

#define SET(f, pv, mv, ...)                                                    \
	do {                                                                   \
		snprintf((f)->package, sizeof((f)->package), "%s", (pv));      \
		snprintf((f)->module, sizeof((f)->module), "%s", (mv));        \
		snprintf((f)->msg, sizeof((f)->msg), __VA_ARGS__);             \
	} while (0)

static bool have_rev(const struct pkg *p, const struct pkg_ident *m)
{
	return p->has_ident && m && m->baseline[0];
}

static bool r_model(const struct pkg *p, const struct pkg_ident *m,
		    const struct pkg_module *mod, struct pkg_finding *f)
{
	const char *mm = m && m->model[0] ? m->model : mod->model;

	if (!p->has_ident || !mm || pkg_model_eq(p->ident.model, mm))
		return false;
	SET(f, p->ident.model, mm, "the package is for %s, the module is a %s",
	    p->ident.model, mm);
	return true;
}

static bool r_baseline(const struct pkg *p, const struct pkg_ident *m,
		       const struct pkg_module *mod, struct pkg_finding *f)
{
	if (!have_rev(p, m) || !pkg_model_eq(p->ident.model, m->model) ||
	    strcmp(p->ident.line, m->line) == 0)
		return false;
	SET(f, p->ident.baseline, m->baseline,
	    "the package baseline %s is another line than the module's %s",
	    p->ident.baseline, m->baseline);
	return true;
}

static bool r_downgrade(const struct pkg *p, const struct pkg_ident *m,
			const struct pkg_module *mod, struct pkg_finding *f)
{
	if (!have_rev(p, m) || pkg_ident_cmp(&p->ident, m) >= 0)
		return false;
	SET(f, p->ident.revision, m->revision,
	    "%s is older than the module's %s", p->ident.revision, m->revision);
	return true;
}

static bool r_variant(const struct pkg *p, const struct pkg_ident *m,
		      const struct pkg_module *mod, struct pkg_finding *f)
{
	int mv = mod->variant >= 0     ? mod->variant
		 : m && m->baseline[0] ? (int)m->variant
				       : -1;

	if (!p->has_ident || mv < 0 || (int)p->ident.variant == mv)
		return false;
	SET(f, pkg_variant_name(p->ident.variant), pkg_variant_name(mv),
	    "the package is a %s build, the module runs %s firmware",
	    pkg_variant_name(p->ident.variant), pkg_variant_name(mv));
	return true;
}

static bool r_chip(const struct pkg *p, const struct pkg_ident *m,
		   const struct pkg_module *mod, struct pkg_finding *f)
{
	char mv[32];

	if (!mod->msm_id || !p->chip || !p->chip->msm_ids[0] ||
	    dev_chip_has_msm(p->chip, mod->msm_id))
		return false;
	snprintf(mv, sizeof(mv), "0x%08X", mod->msm_id);
	SET(f, p->chip->name, mv,
	    "the programmer is for %s (0x%08X), the module reports MSM id %s",
	    p->chip->name, p->chip->msm_ids[0], mv);
	return true;
}

static void hex(char *out, size_t cap, const uint8_t *b, size_t n)
{
	size_t i;

	out[0] = 0;
	for (i = 0; i < n && 2 * i + 3 < cap; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	if (2 * n + 1 > cap && cap > 4)
		strcpy(out + cap - 4, "...");
}

static bool r_pkhash(const struct pkg *p, const struct pkg_ident *m,
		     const struct pkg_module *mod, struct pkg_finding *f)
{
	char pv[96], mv[96];

	if (!mod->pk_hash_len || !p->prog.is_signed ||
	    pkg_prog_root_matches(&p->prog, mod->pk_hash, mod->pk_hash_len))
		return false;
	hex(pv, sizeof(pv),
	    mod->pk_hash_len == 48 ? p->prog.root_sha384 : p->prog.root_sha256,
	    mod->pk_hash_len);
	hex(mv, sizeof(mv), mod->pk_hash, mod->pk_hash_len);
	SET(f, pv, mv,
	    "the programmer is signed by another root than the module's OEM PK "
	    "hash");
	return true;
}

static bool r_geometry(const struct pkg *p, const struct pkg_ident *m,
		       const struct pkg_module *mod, struct pkg_finding *f)
{
	char pv[48], mv[48];

	if (!mod->page_size || !p->geo.page_size ||
	    (p->geo.page_size == mod->page_size &&
	     (!mod->block_size || p->geo.block_size == mod->block_size)))
		return false;
	snprintf(pv, sizeof(pv), "p%uK_b%uK", p->geo.page_size / 1024,
		 p->geo.block_size / 1024);
	snprintf(mv, sizeof(mv), "p%uK_b%uK", mod->page_size / 1024,
		 mod->block_size / 1024);
	SET(f, pv, mv,
	    "the package is built for NAND %s, the module's NAND is %s", pv,
	    mv);
	return true;
}

static bool r_calibration(const struct pkg *p, const struct pkg_ident *m,
			  const struct pkg_module *mod, struct pkg_finding *f)
{
	if (!p->writes_calibration)
		return false;
	SET(f, p->factory ? "factory XML" : "erase/program", "calibration data",
	    "the package erases or writes calibration partitions (EFS2, "
	    "RAWDATA, fsg, modemst1/2, fsc): IMEI and RF calibration would be "
	    "lost");
	return true;
}

const struct pkg_rule pkg_rules[] = {
	{ "model", NULL, r_model },
	{ "baseline", "--allow-cross-baseline", r_baseline },
	{ "downgrade", "--allow-downgrade", r_downgrade },
	{ "variant", "--allow-variant-change", r_variant },
	{ "chip", NULL, r_chip },
	{ "pk-hash", NULL, r_pkhash },
	{ "geometry", NULL, r_geometry },
	{ "calibration", "--allow-calibration-write", r_calibration },
};
const size_t pkg_nrules = sizeof(pkg_rules) / sizeof(pkg_rules[0]);

static bool allowed(const struct pkg_allow *a, const char *flag)
{
	if (!a || !flag)
		return false;
	return (a->downgrade && !strcmp(flag, "--allow-downgrade")) ||
	       (a->cross_baseline && !strcmp(flag, "--allow-cross-baseline")) ||
	       (a->variant_change && !strcmp(flag, "--allow-variant-change")) ||
	       (a->calibration_write &&
		!strcmp(flag, "--allow-calibration-write"));
}

void pkg_evaluate(const struct pkg *pkg, const struct pkg_module *mod,
		  const struct pkg_allow *allow, struct pkg_verdict *v)
{
	struct pkg_ident mid, *m = NULL;
	struct pkg_finding *f;
	size_t i;
	bool refused = false;

	memset(v, 0, sizeof(*v));
	if (mod->revision && pkg_ident_find(mod->revision, &mid) == 0)
		m = &mid;
	for (i = 0; i < pkg_nrules && v->n < PKG_MAX_FINDINGS; i++) {
		f = &v->f[v->n];
		memset(f, 0, sizeof(*f));
		if (!pkg_rules[i].check(pkg, m, mod, f))
			continue;
		f->rule = pkg_rules[i].name;
		f->override = pkg_rules[i].override;
		f->overridden = allowed(allow, f->override);
		refused |= !f->overridden;
		v->n++;
	}
	if (refused)
		v->kind = PKG_VERDICT_REFUSED;
	else if (m && pkg->has_ident &&
		 !strcmp(m->revision, pkg->ident.revision))
		v->kind = PKG_VERDICT_UP_TO_DATE;
	else
		v->kind = PKG_VERDICT_OK;
}

const char *pkg_verdict_name(enum pkg_verdict_kind k)
{
	return k == PKG_VERDICT_REFUSED	     ? "refused"
	       : k == PKG_VERDICT_UP_TO_DATE ? "up to date"
					     : "ok";
}
