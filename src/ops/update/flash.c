// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/clock.h"
#include "ops/update/backup.h"
#include "ops/update/edl.h"
#include "ops/update/flash.h"
#include "ops/update/flash_verify.h"
#include "ops/update/flash_write.h"
#include "ops/identity.h"
#include "ops/mm.h"
#include "ops/select.h"
#include "ops/update/plan.h"
#include "ops/update/preflight.h"
#include "ops/update/progcache.h"
#include "pkg/revision.h"

void flash_opts_default(struct flash_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sysroot = "/";
	o->enum_timeout_ms = 30000;
	o->boot_timeout_ms = 90000;
}

/* Everything one run holds, freed in one place. */
struct run {
	const struct flash_opts *o;
	const struct mf_module *m;
	struct flash_report *r;
	const struct mf_log *log;
	struct mf_err *err;
	struct pkg pkg;
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
};

static void stage(struct run *x, const char *name)
{
	snprintf(x->r->stage, sizeof(x->r->stage), "%s", name);
	mf_log(x->log, MF_LOG_INFO, "== %s", name);
}

static int open_package(struct run *x)
{
	struct pkg_opts po = { .factory = x->o->factory };
	int rc;

	if (x->o->mode == FLASH_MODE_RESTORE &&
	    !backup_manifest_read(x->o->package, &x->manifest, x->err)) {
		x->has_manifest = true;
		if (x->manifest.revision[0])
			po.revision = x->manifest.revision;
	}
	if (x->err->code)
		return x->err->code;
	if (x->o->mode == FLASH_MODE_BACKUP && !x->o->package) {
		x->no_pkg = true;
		return 0;
	}
	stage(x, "package");
	rc = pkg_open(&x->pkg, x->o->package, &po, x->log, x->err);
	if (rc)
		return rc;
	preflight_init(&x->pf, &x->pkg, &x->o->allow,
		       x->o->mode == FLASH_MODE_RESTORE, x->o->factory,
		       &x->r->verdict);
	if (!x->pkg.programmer || !x->pkg.rawprogram)
		return mf_err_set(x->err, MF_BAD_PACKAGE, -ENOENT,
				  "%s has no %s", x->o->package,
				  x->pkg.programmer ? "rawprogram XML"
						    : "Firehose programmer");
	if (x->pkg.has_ident)
		snprintf(x->r->package_rev, sizeof(x->r->package_rev), "%s",
			 x->pkg.ident.revision);
	else if (x->has_manifest)
		snprintf(x->r->package_rev, sizeof(x->r->package_rev), "%s",
			 x->manifest.revision);
	for (size_t i = 0; i < x->pkg.ncmds; i++) {
		const struct pkg_cmd *c = &x->pkg.cmds[i];

		if (c->op == PKG_OP_PROGRAM && c->present && !c->fits)
			return mf_err_set(
				x->err, MF_BAD_PACKAGE, -EFBIG,
				"%s (%" PRIu64
				" bytes) does not fit its partition (line %u)",
				c->path, c->file_size, c->line);
	}
	return 0;
}

/*
 * The verdict with whatever is known so far: after AT, after Sahara, after
 * the storage info (each override said once, preflight.h).
 */
static int preflight(struct run *x)
{
	struct pkg_module pm;
	int rc;

	if (x->no_pkg)
		return 0; /* nothing to compare: a read-only backup */
	ident_to_rules(&x->id, x->m->model ? x->m->model->name : NULL, &pm);
	rc = preflight_check(&x->pf, &pm, x->r->wrote || x->e.link, x->log,
			     x->err);
	if (rc)
		return rc;
	if (x->r->verdict.kind == PKG_VERDICT_UP_TO_DATE &&
	    x->o->mode == FLASH_MODE_FLASH)
		x->r->up_to_date = true;
	return 0;
}

static int identify_normal(struct run *x)
{
	int rc;

	stage(x, "identify");
	rc = ident_normal(x->m, &x->id, x->log, x->err);
	if (rc)
		return rc;
	snprintf(x->r->model, sizeof(x->r->model), "%s", x->id.at.model);
	snprintf(x->r->imei, sizeof(x->r->imei), "%s", x->id.at.imei);
	snprintf(x->r->before, sizeof(x->r->before), "%s",
		 x->id.at.full_revision);
	return 0;
}

static int check_owner(struct run *x)
{
	if (!x->has_manifest || !x->manifest.have_serial ||
	    !x->id.sid.have_serial || x->id.sid.serial == x->manifest.serial)
		return 0;
	mf_err_set(x->err, MF_REFUSED, -EPERM,
		   "refused: this backup was read from the module with serial "
		   "0x%08x, this module is 0x%08x",
		   x->manifest.serial, x->id.sid.serial);
	mf_err_hint(x->err, "calibration data belongs to one module: pick its "
			    "own backup (or restore a package with flash)");
	return -EPERM;
}

/*
 * The programmer: --programmer FILE, else the package's, else the cache
 * that flashes fill (by the module's MSM id; 0: the newest of any chip).
 */
static int pick_programmer(struct run *x, uint32_t msm)
{
	char dir[1000];

	if (x->o->programmer) {
		if (access(x->o->programmer, R_OK))
			return mf_err_set(x->err, MF_USAGE, -errno,
					  "cannot read the programmer %s: %s",
					  x->o->programmer, strerror(errno));
		snprintf(x->programmer, sizeof(x->programmer), "%s",
			 x->o->programmer);
		return 0;
	}
	if (!x->no_pkg) {
		snprintf(x->programmer, sizeof(x->programmer), "%s",
			 x->pkg.programmer);
		return 0;
	}
	if (!progcache_find(msm, x->programmer, sizeof(x->programmer))) {
		mf_log(x->log, MF_LOG_INFO, "programmer from the cache: %s",
		       x->programmer);
		return 0;
	}
	if (progcache_dir(msm, dir, sizeof(dir)))
		snprintf(dir, sizeof(dir),
			 "$XDG_DATA_HOME/modemflash/programmers/<MSM id>");
	if (msm)
		mf_err_set(x->err, MF_FAILED, -ENOENT,
			   "no Firehose programmer for this module (MSM HW ID "
			   "0x%08x): none in the cache %s",
			   msm, dir);
	else
		mf_err_set(x->err, MF_FAILED, -ENOENT,
			   "no Firehose programmer for this module: the "
			   "programmer cache is empty");
	mf_err_hint(x->err,
		    "pass one with --programmer FILE, or a package for this "
		    "module (backup [-o DIR] PKG); a successful flash also "
		    "fills the cache %s%s",
		    dir,
		    x->e.link ? " (the module now waits in EDL: power-cycle it "
				"or run reset --programmer FILE)"
			      : "");
	return -ENOENT;
}

static int enter_edl(struct run *x)
{
	int rc;

	edl_init(&x->e, x->o->sysroot, x->log, x->err);
	x->e.t.enum_ms = x->o->enum_timeout_ms;
	stage(x, "edl");
	rc = edl_enter(&x->e, x->m);
	if (rc)
		return rc;
	stage(x, "sahara");
	rc = edl_identify(&x->e);
	if (rc)
		return rc;
	if (x->e.identified) {
		x->id.edl = true;
		x->id.sid = x->e.sid;
		if (x->id.sid.have_serial)
			snprintf(x->r->serial, sizeof(x->r->serial), "0x%08x",
				 x->id.sid.serial);
		/* the cache is keyed by what the module says it is */
		if (x->no_pkg && !x->o->programmer && x->id.sid.have_hwid) {
			rc = pick_programmer(x, x->id.sid.msm_id);
			if (rc)
				return rc;
		}
	}
	rc = check_owner(x);
	if (!rc)
		rc = preflight(x);
	return rc;
}

static int open_firehose(struct run *x)
{
	struct fh_msg_storage_info si;
	const char *mem = x->no_pkg || x->pkg.geo.page_size ? "nand" : "emmc";
	int rc;

	rc = edl_firehose(&x->e, x->programmer, mem);
	if (rc)
		return rc;
	x->fh_ok = true;
	stage(x, "configure");
	rc = fh_getstorageinfo(&x->e.fh, 0, &si);
	if (rc == 0) {
		x->id.page_size = si.page_size;
		x->id.block_size = si.block_size;
		x->total_blocks = si.total_blocks;
		mf_log(x->log, MF_LOG_INFO, "storage: %s page %u block %u",
		       si.mem_type, si.page_size, si.block_size);
	} else if (rc == -ENODATA || rc == -EREMOTEIO) {
		mf_err_clear(x->err);
		mf_log(x->log, MF_LOG_WARN,
		       "the programmer did not report the storage geometry");
	} else {
		return rc;
	}
	return preflight(x);
}

/* Without a package: the geometry the programmer reported, the MIBIB. */
static int module_plan(struct run *x, struct backup_src *src,
		       struct plan_part *parts, size_t *n)
{
	if (backup_src_geo(src, x->programmer, x->id.page_size,
			   x->id.block_size)) {
		mf_err_set(x->err, MF_FAILED, -ENODATA,
			   "the programmer did not report a usable NAND "
			   "geometry (page %u, block %u)",
			   x->id.page_size, x->id.block_size);
		mf_err_hint(x->err, "give a package made for this module: "
				    "backup [-o DIR] PKG");
		return -ENODATA;
	}
	stage(x, "partition-table");
	return backup_module_parts(&x->e.fh, src, x->total_blocks, parts,
				   PLAN_MAX_PARTS, n, x->log, x->err);
}

static int take_backup(struct run *x)
{
	struct plan_part parts[PLAN_MAX_PARTS];
	struct backup_src src;
	struct backup_info bi;
	size_t n = 0;
	char key[64];
	int rc;

	if (x->no_pkg) {
		rc = module_plan(x, &src, parts, &n);
		if (rc)
			return rc;
	} else {
		backup_src_pkg(&src, &x->pkg);
		src.programmer = x->programmer;
		n = plan_backup_parts(&x->pkg, parts, PLAN_MAX_PARTS);
	}
	stage(x, "backup");
	if (x->o->backup_dir) {
		snprintf(x->r->backup, sizeof(x->r->backup), "%s",
			 x->o->backup_dir);
	} else {
		ident_key(&x->id, key, sizeof(key));
		rc = backup_default_dir(x->o->backup_base, key, x->r->backup,
					sizeof(x->r->backup));
		if (rc)
			return mf_err_set(
				x->err, MF_FAILED, rc,
				"no place for the backup: set XDG_DATA_HOME or "
				"HOME, or pass --no-backup");
	}
	rc = backup_read(&x->e.fh, &src, &x->id, x->m->usb.path, parts, n,
			 x->r->backup, sizeof(x->r->backup),
			 x->o->backup_dir != NULL, &bi, x->log, x->err);
	if (rc) {
		x->r->backup[0] = '\0';
		return rc;
	}
	x->r->bytes_read = bi.bytes;
	mf_log(x->log, MF_LOG_INFO, "backup: %zu partitions in %s", n,
	       x->r->backup);
	return 0;
}

static int post_check(struct run *x)
{
	const char *want = x->r->package_rev;
	struct mf_module back;
	int rc;

	stage(x, "reset");
	rc = fh_power(&x->e.fh, "reset", 1);
	edl_close(&x->e);
	if (rc)
		return rc;
	stage(x, "post-check");
	rc = ident_wait_normal(x->o->sysroot, x->e.mod.usb.path,
			       x->o->boot_timeout_ms, &back, x->r->after,
			       sizeof(x->r->after), x->log, x->err);
	if (rc)
		return rc;
	x->r->came_back = true;
	/* the module may say "01.014" where the package says the whole name */
	if (want[0] && !pkg_rev_matches(x->r->after, want) &&
	    !pkg_rev_matches(want, x->r->after))
		return mf_err_set(x->err, MF_FAILED, -EPROTO,
				  "the module came back with %s, not %s",
				  x->r->after, want);
	mf_log(x->log, MF_LOG_INFO, "%s: running %s", back.usb.path,
	       x->r->after);
	return 0;
}

/* After a write: not back, or failed half way: the way back, exactly. */
static void recovery_hint(struct run *x)
{
	const char *dir = x->r->backup[0]		     ? x->r->backup
			  : x->o->mode == FLASH_MODE_RESTORE ? x->o->package
							     : NULL;

	if (!x->r->wrote && x->r->stage[0] && strcmp(x->r->stage, "post-check"))
		return;
	if (x->err->status == MF_TIMEOUT &&
	    !strcmp(x->r->stage, "post-check")) {
		x->err->status = MF_FAILED;
		if (dir)
			mf_err_hint(x->err,
				    "the backup is in %s; pull the BOOT pin "
				    "(or power-cycle into EDL) and run: "
				    "modemflash -d %s restore %s",
				    dir, x->m->usb.path, dir);
		else
			mf_err_hint(x->err,
				    "no backup was taken (--no-backup); bring "
				    "the module into EDL with the BOOT pin and "
				    "flash a package made for it");
		return;
	}
	if (dir)
		mf_err_hint(x->err,
			    "the module is in EDL or will boot into it; run "
			    "the same command again to complete, or restore "
			    "the backup: modemflash -d %s restore %s",
			    x->m->usb.path, dir);
	else
		mf_err_hint(x->err,
			    "the module is in EDL or will boot into it; run "
			    "the same command again to complete");
}

static int do_run(struct run *x)
{
	const struct flash_opts *o = x->o;
	int rc;

	rc = open_package(x);
	if (!rc)
		rc = pick_programmer(x,
				     x->m->chip ? x->m->chip->msm_ids[0] : 0);
	if (rc)
		return rc;
	/*
	 * ModemManager lets go of the module before our first byte and
	 * keeps off it through the EDL switch, every re-enumeration and
	 * the post-check: the hold (a D-Bus connection) lives until the
	 * end of flash_run().
	 */
	rc = mf_mm_hold(o->sysroot, x->m, NULL, &x->mm, x->log, x->err);
	if (rc) {
		x->mm_refused = true; /* nothing sent: nothing to recover */
		return rc;
	}
	if (x->m->mode == MF_MODE_NORMAL) {
		rc = identify_normal(x);
		if (!rc && o->mode != FLASH_MODE_BACKUP)
			rc = preflight(x);
		if (rc || x->r->up_to_date)
			return rc;
	} else if (x->m->mode == MF_MODE_EDL) {
		x->r->started_in_edl = true;
		mf_log(x->log, MF_LOG_INFO, "%s is in EDL: starting at Sahara",
		       x->m->usb.path);
	} else {
		return mf_err_set(
			x->err, MF_NO_DEVICE, -ENODEV,
			"module %s is in %s mode; it needs normal or EDL mode",
			x->m->usb.path, mf_mode_name(x->m->mode));
	}
	rc = enter_edl(x);
	if (!rc)
		rc = open_firehose(x);
	if (rc)
		return rc;
	if (o->mode == FLASH_MODE_BACKUP ||
	    (o->mode == FLASH_MODE_FLASH && !o->no_backup &&
	     !x->r->started_in_edl)) {
		rc = take_backup(x);
		if (rc)
			return rc;
	} else if (o->mode == FLASH_MODE_FLASH && !o->no_backup) {
		mf_log(x->log, MF_LOG_WARN,
		       "the module started in EDL: its contents may be "
		       "incomplete, no new backup taken");
	}
	if (o->mode == FLASH_MODE_BACKUP) {
		/* leave the module as we found it */
		if (x->r->started_in_edl)
			return 0;
		snprintf(x->r->package_rev, sizeof(x->r->package_rev), "%s",
			 x->r->before);
		return post_check(x);
	}
	stage(x, "program");
	rc = flash_write(&x->e.fh, &x->pkg, x->r, x->log, x->err);
	if (!rc)
		rc = flash_verify(&x->e.fh, &x->pkg, o->verify, x->r, x->log,
				  x->err);
	if (rc)
		return rc;
	return post_check(x);
}

/* A link that vanished mid-way is a failure of that stage, said plainly. */
static void lost_link(struct run *x, int rc)
{
	static const char *const stages[] = { "sahara", "configure", "backup",
					      "erase",	"program",   "patch",
					      "verify", "edl" };
	char msg[MF_ERR_MSG_MAX + 64];

	if (rc != -ENODEV && rc != -EIO)
		return;
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		if (strcmp(x->r->stage, stages[i]))
			continue;
		snprintf(msg, sizeof(msg),
			 "lost the link to the module during %s: %s",
			 x->r->stage, x->err->msg);
		snprintf(x->err->msg, sizeof(x->err->msg), "%.*s",
			 (int)sizeof(x->err->msg) - 1, msg);
		x->err->status = MF_FAILED;
		return;
	}
}

/* A programmer that worked is kept for backups without a package. */
static void remember_programmer(struct run *x)
{
	int rc;

	if (x->no_pkg || x->o->programmer || !x->id.sid.have_hwid ||
	    !x->pkg.programmer)
		return;
	rc = progcache_store(x->id.sid.msm_id, x->pkg.programmer);
	if (rc)
		mf_log(x->log, MF_LOG_WARN,
		       "could not keep the programmer in the cache: %s",
		       strerror(-rc));
}

int flash_run(const struct flash_opts *o, const struct mf_module *m,
	      struct flash_report *r, const struct mf_log *log,
	      struct mf_err *err)
{
	struct run *x = calloc(1, sizeof(*x));
	int64_t t0 = mf_now_ms();
	int rc;

	memset(r, 0, sizeof(*r));
	snprintf(r->usb_path, sizeof(r->usb_path), "%s", m->usb.path);
	if (!x)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	x->o = o;
	x->m = m;
	x->r = r;
	x->log = log;
	x->err = err;
	rc = do_run(x);
	if (rc)
		lost_link(x, rc);
	if (!rc && x->fh_ok)
		remember_programmer(x);
	if (rc && o->mode != FLASH_MODE_BACKUP && !x->mm_refused)
		recovery_hint(x);
	edl_close(&x->e);
	pkg_close(&x->pkg);
	mf_mm_release(x->mm);
	r->ms = mf_now_ms() - t0;
	free(x);
	return rc;
}

int flash_run_selected(const struct flash_opts *o, const char *sel,
		       struct flash_report *r, const struct mf_log *log,
		       struct mf_err *err)
{
	struct mf_module m;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = ops_find_module(o->sysroot, sel, &m, log, err);
	if (rc < 0)
		return rc;
	return flash_run(o, &m, r, log, err);
}
