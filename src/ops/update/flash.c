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
#include "ops/update/flash_compare.h"
#include "ops/update/flash_int.h"
#include "ops/update/flash_plan.h"
#include "ops/update/flash_run.h"
#include "ops/update/flash_verify.h"
#include "ops/update/flash_write.h"
#include "ops/identity.h"
#include "ops/lock.h"
#include "ops/mm.h"
#include "ops/select.h"
#include "ops/update/plan.h"
#include "ops/update/preflight.h"
#include "ops/update/progcache.h"
#include "ops/update/resume.h"
#include "pkg/revision.h"

void flash_opts_default(struct flash_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sysroot = "/";
	o->enum_timeout_ms = 30000;
	o->boot_timeout_ms = 90000;
}

/* A safe point between stages: -EINTR (err filled) when asked to stop. */
static int stop_here(struct run *x, const char *where)
{
	if (!mf_stop_requested(x->o->stop))
		return 0;
	return mf_stop_err(x->o->stop, x->err, where);
}

static void stage(struct run *x, const char *name)
{
	flash_stage_enter(x->r, name);
	/* kept for readers of the log events: the stage events say more */
	mf_log(x->log, MF_LOG_INFO, "== %s", name);
}

static int open_package(struct run *x)
{
	/* checked while the module is reached, waited for before a write */
	struct pkg_opts po = { .factory = x->o->factory,
			       .stop = x->o->stop,
			       .md5_later = !x->o->dry_run &&
					    (x->o->mode == FLASH_MODE_FLASH ||
					     x->o->mode == FLASH_MODE_RESTORE),
			       /* no digest wanted: neither verify nor resume */
			       .no_sha256 = x->o->verify == FLASH_VERIFY_NONE &&
					    x->m->mode != MF_MODE_EDL };
	int rc;

	if (x->o->package && backup_is_partial(x->o->package)) {
		mf_err_set(x->err, MF_BAD_PACKAGE, -ENOENT,
			   "%s is an unfinished backup (its reading was cut "
			   "off): it is not a backup and cannot be restored",
			   x->o->package);
		mf_err_hint(x->err, "restore a complete backup (a folder with "
				    "manifest.json and no .partial suffix)");
		return x->err->code;
	}
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
	if (x->o->opened && x->o->mode == FLASH_MODE_FLASH) {
		x->pkg = *x->o->opened; /* checked once for all modules */
		x->pkg_shared = true;
	} else {
		rc = pkg_open(&x->pkg, x->o->package, &po, x->log, x->err);
		if (rc)
			return rc;
	}
	/* a backup is judged as such only once it is known to be this
	 * module's (check_owner); any other package as a flash */
	/* verify writes nothing: only the rules of the hardware hold */
	preflight_init(&x->pf, &x->pkg, &x->o->allow,
		       x->has_manifest || x->o->mode == FLASH_MODE_VERIFY,
		       x->o->factory, &x->r->verdict);
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

/* restore of a backup: its manifest must name this module (backup.h) */
static int check_owner(struct run *x, bool final)
{
	enum backup_owner who;

	if (!x->has_manifest || x->owner_foreign)
		return 0; /* already judged as a package */
	/* matched by IMEI, then nothing to compare in EDL: still matched */
	who = backup_owner_check(&x->manifest, &x->id, final && !x->owner_known,
				 x->o->allow_foreign, x->log, x->err);
	if (who == BACKUP_OWNER_REFUSED)
		return x->err->code;
	if (who == BACKUP_OWNER_FOREIGN) {
		/* another module's data: every rule of a flash applies */
		x->pf.restore = false;
		x->pf.say_overrides = true;
		x->owner_foreign = true;
	}
	if (who == BACKUP_OWNER_SAME)
		x->owner_known = true;
	return 0;
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

	rc = stop_here(x, x->m->mode == MF_MODE_EDL ? "the start, in EDL"
						    : "the start, before the "
						      "EDL switch");
	if (rc)
		return rc;
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
		/* the same module on another port is still this one */
		rc = mf_lock_add_serial(x->lock, x->r->serial, x->err);
		if (rc)
			return rc;
		/* the cache is keyed by what the module says it is */
		if (x->no_pkg && !x->o->programmer && x->id.sid.have_hwid) {
			rc = pick_programmer(x, x->id.sid.msm_id);
			if (rc)
				return rc;
		}
	}
	rc = check_owner(x, true);
	if (!rc)
		rc = preflight(x);
	return rc;
}

static int open_firehose(struct run *x)
{
	struct fh_msg_storage_info si;
	const char *mem = x->no_pkg || x->pkg.geo.page_size ? "nand" : "emmc";
	int rc;

	rc = stop_here(x, "sahara, before the programmer upload");
	if (rc)
		return rc;
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
		edl_hint_rerun(&x->e, rc);
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

static bool wants_backup(const struct run *x)
{
	if (x->o->mode == FLASH_MODE_BACKUP)
		return true;
	if (x->o->mode == FLASH_MODE_VERIFY)
		return false; /* nothing is written: nothing to keep */
	/* a package restored is a flash in all but the name */
	return !x->o->no_backup &&
	       (x->o->mode == FLASH_MODE_FLASH || !x->has_manifest);
}

/*
 * Found in EDL: the backup of a flash that did not finish, when one holds
 * this module, is the backup; the module itself may be half written.
 */
static bool reuse_backup(struct run *x)
{
	bool by_sahara = x->id.edl && x->id.sid.have_serial;
	char *out = x->r->backup;
	size_t cap = sizeof(x->r->backup);
	int rc;

	if (!x->r->started_in_edl || x->o->mode == FLASH_MODE_BACKUP ||
	    x->no_pkg || x->backup_reused)
		return false;
	if (by_sahara)
		rc = backup_find_pending(x->o->backup_base, x->o->backup_dir,
					 &x->id, x->parts, x->nparts, out, cap);
	else if (x->fh_ok) /* the programmer ran already: no Sahara */
		rc = backup_find_pending_fh(&x->e.fh, x->src.page_size,
					    x->o->backup_base, x->o->backup_dir,
					    x->parts, x->nparts, out, cap);
	else
		return false;
	if (rc) {
		out[0] = '\0';
		return false;
	}
	x->backup_reused = true;
	backup_dest_abandon(&x->dest); /* claimed before it was known */
	mf_log(x->log, MF_LOG_INFO,
	       "backup: %s holds this module (%s) from before the flash that "
	       "did not finish: kept, not read again",
	       out,
	       by_sahara ? "same Sahara serial" : "same calibration digests");
	return true;
}

/*
 * Before the module is touched (or, found in EDL, before Firehose): the
 * backup's folder claimed, its room counted against the partitions to
 * read, so that a host that cannot hold it says so first.
 */
static int backup_prepare(struct run *x)
{
	char dir[1024], key[64];
	int rc;

	if (!wants_backup(x) || x->dest.claimed || x->backup_reused)
		return 0;
	if (!x->no_pkg) {
		backup_src_pkg(&x->src, &x->pkg);
		x->src.programmer = x->programmer;
		x->nparts =
			plan_backup_parts(&x->pkg, x->parts, PLAN_MAX_PARTS);
		if (reuse_backup(x))
			return 0;
	}
	if (x->o->backup_dir) {
		snprintf(dir, sizeof(dir), "%s", x->o->backup_dir);
	} else {
		backup_sweep_partials(x->o->backup_base);
		ident_key(&x->id, key, sizeof(key));
		rc = backup_default_dir(x->o->backup_base, key, dir,
					sizeof(dir));
		if (rc)
			return mf_err_set(
				x->err, MF_FAILED, rc,
				"no place for the backup: set XDG_DATA_HOME or "
				"HOME, or pass --no-backup");
	}
	rc = backup_dest_claim(&x->dest, dir, x->o->backup_dir != NULL, x->err);
	if (rc || x->no_pkg) /* no package: sizes once the table is read */
		return rc;
	return backup_dest_space(
		&x->dest, backup_need_bytes(&x->src, x->parts, x->nparts),
		x->nparts, x->err);
}

static int take_backup(struct run *x)
{
	struct backup_info bi;
	int rc;

	if (!wants_backup(x) || x->backup_reused || reuse_backup(x))
		return 0;
	rc = backup_prepare(x); /* found in EDL: claimed only now */
	if (!rc && x->no_pkg) {
		rc = module_plan(x, &x->src, x->parts, &x->nparts);
		if (!rc)
			rc = backup_dest_space(
				&x->dest,
				backup_need_bytes(&x->src, x->parts, x->nparts),
				x->nparts, x->err);
	}
	if (!rc)
		rc = stop_here(x, "configure, before the backup");
	if (rc)
		return rc;
	if (x->backup_reused)
		return 0;
	x->src.stop = x->o->stop;
	stage(x, "backup");
	rc = backup_read(&x->e.fh, &x->src, &x->id, x->m->usb.path, x->parts,
			 x->nparts, &x->dest, &bi, x->log, x->err);
	if (rc) {
		backup_dest_abandon(&x->dest);
		if (backup_host_errno(rc))
			mf_err_hint(x->err,
				    "a problem of this computer, not of the "
				    "module or the link; nothing was written "
				    "to the module, which waits in EDL: free "
				    "space or choose another folder (-o DIR, "
				    "--backup-dir DIR) and run the same "
				    "command again, or power-cycle the module "
				    "to boot its firmware");
		return rc;
	}
	snprintf(x->r->backup, sizeof(x->r->backup), "%s", x->dest.dir);
	x->r->bytes_read = bi.bytes;
	mf_log(x->log, MF_LOG_INFO, "backup: %zu partitions in %s", x->nparts,
	       x->r->backup);
	return 0;
}

static int post_check(struct run *x)
{
	/* verify wrote nothing: the module comes back as it was */
	const char *want = x->o->mode == FLASH_MODE_VERIFY ? x->r->before
							   : x->r->package_rev;
	struct mf_module back;
	int rc;

	stage(x, "reset");
	rc = fh_power(&x->e.fh, "reset", 1);
	edl_close(&x->e);
	/*
	 * A garbled answer to the reset says nothing about the module: the
	 * programmer resets on the command, not on our reading of its ACK.
	 * The module decides: the post-check looks at what it runs. A
	 * refusal (NAK) or silence (the programmer hung, still on the bus)
	 * ends the run here.
	 */
	if (rc == -EBADMSG) {
		snprintf(x->r->reset_warning, sizeof(x->r->reset_warning),
			 "%.199s", x->err->msg);
		mf_log(x->log, MF_LOG_WARN,
		       "%s; the module's own state decides: waiting for it to "
		       "come back",
		       x->r->reset_warning);
		mf_err_clear(x->err);
	} else if (rc) {
		return rc;
	}
	stage(x, "post-check");
	rc = ident_wait_normal_stop(x->o->sysroot, x->e.mod.usb.path,
				    x->o->boot_timeout_ms, x->o->stop, &back,
				    x->r->after, sizeof(x->r->after), x->log,
				    x->err);
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
	if (x->r->reset_warning[0])
		mf_log(x->log, MF_LOG_WARN,
		       "the reset was not acknowledged cleanly (%s), but the "
		       "module runs %s: done",
		       x->r->reset_warning, x->r->after);
	return 0;
}

/*
 * The write: all of it, or, on a module that was found in EDL (a cut
 * flash, ops/update/resume.c), only what it does not hold yet.
 */
static int write_images(struct run *x)
{
	struct resume_result res;
	bool nand = !strcasecmp(x->e.fh.memory[0] ? x->e.fh.memory : "nand",
				"nand");
	uint64_t *from;
	bool *skip;
	int rc;

	if (!x->r->started_in_edl) {
		stage(x, "program");
		return flash_write(&x->e.fh, &x->pkg, x->o->stop, x->r, x->log,
				   x->err);
	}
	skip = calloc(x->pkg.ncmds + 1, sizeof(*skip));
	from = calloc(x->pkg.ncmds + 1, sizeof(*from));
	if (!skip || !from) {
		free(skip);
		free(from);
		return mf_err_set(x->err, MF_FAILED, -ENOMEM, "out of memory");
	}
	stage(x, "resume");
	pkg_sha256_wait(&x->pkg); /* the images' digests, hashed meanwhile */
	rc = resume_plan(&x->e.fh, &x->pkg, nand, skip, from, &res, x->log,
			 x->err);
	if (!rc) {
		if (res.complete)
			mf_log(x->log, MF_LOG_INFO,
			       "resume: all %zu images are already on the "
			       "module: nothing to write",
			       res.images);
		else
			mf_log(x->log, MF_LOG_INFO,
			       "resume: %zu of %zu images already on the "
			       "module, %zu cut half way (%" PRIu64
			       " bytes held), writing %" PRIu64 " bytes",
			       res.kept, res.images, res.split, res.kept_bytes,
			       res.missing_bytes);
		stage(x, "program");
		rc = flash_write_some(&x->e.fh, &x->pkg, skip, from, x->o->stop,
				      x->r, x->log, x->err);
	}
	free(skip);
	free(from);
	return rc;
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
		if (!rc)
			rc = check_owner(x, false);
		if (!rc && o->mode != FLASH_MODE_BACKUP)
			rc = preflight(x);
		if (!rc && x->r->up_to_date) /* a damaged one still says so */
			rc = flash_package_checked(x, true);
		if (rc || x->r->up_to_date)
			return rc;
		if (!o->dry_run) { /* a dry run claims no backup folder */
			rc = backup_prepare(x);
			if (rc)
				return rc;
		}
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
	if (o->dry_run) {
		if (o->mode == FLASH_MODE_BACKUP)
			return 0;
		x->r->dry_run = true;
		return flash_dry_plan(
			&x->pkg,
			o->mode == FLASH_MODE_FLASH && !o->no_backup &&
				!x->r->started_in_edl && !x->no_pkg,
			&x->r->plan, x->err);
	}
	rc = flash_package_checked(x, false); /* damaged: not to EDL */
	if (!rc)
		rc = enter_edl(x);
	if (!rc)
		rc = backup_prepare(x); /* found in EDL: before Firehose */
	if (!rc)
		rc = open_firehose(x);
	if (!rc)
		rc = flash_package_checked(x, false); /* nor a backup */
	if (rc)
		return rc;
	rc = take_backup(x);
	if (rc)
		return rc;
	if (o->mode == FLASH_MODE_VERIFY) {
		/* read only; from EDL it stays there, as backup leaves it */
		rc = stop_here(x, "configure, before the comparison");
		if (rc)
			return rc;
		stage(x, "verify");
		rc = flash_compare(&x->e.fh, &x->pkg, x->r, x->log, x->err);
		if (!rc && !x->r->started_in_edl)
			rc = post_check(x);
		if (rc)
			return rc;
		flash_stage_close(x->r, true); /* a difference is no failure */
		return flash_compare_verdict(x->r, o->package, x->err);
	}
	if (o->mode == FLASH_MODE_BACKUP) {
		/* leave the module as we found it */
		if (x->r->started_in_edl)
			return 0;
		snprintf(x->r->package_rev, sizeof(x->r->package_rev), "%s",
			 x->r->before);
		return post_check(x);
	}
	rc = flash_package_checked(x, true);
	if (rc)
		return rc;
	if (x->r->backup[0] && !x->backup_reused &&
	    backup_mark_flashing(x->r->backup, o->package))
		mf_log(x->log, MF_LOG_WARN,
		       "could not mark the backup %s as the one of this "
		       "flash: a re-run from EDL will read the module again",
		       x->r->backup);
	rc = write_images(x);
	pkg_sha256_wait(&x->pkg);
	if (!rc)
		rc = flash_verify(&x->e.fh, &x->pkg, o->verify, x->r, x->log,
				  x->err);
	if (rc)
		return rc;
	rc = post_check(x);
	if (!rc) /* the module runs the new: no flash left unfinished */
		backup_mark_done(x->has_manifest ? o->package : x->r->backup);
	return rc;
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

static const char *mode_word(enum flash_mode mode)
{
	return mode == FLASH_MODE_RESTORE  ? "restore"
	       : mode == FLASH_MODE_BACKUP ? "backup"
	       : mode == FLASH_MODE_VERIFY ? "verify"
					   : "flash";
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
	r->events = &o->events;
	r->t0_ms = t0;
	if (!x)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	x->o = o;
	x->m = m;
	x->r = r;
	r->restoring = o->mode == FLASH_MODE_RESTORE;
	x->log = log;
	x->err = err;
	/* before the first byte, held until after the post-check */
	rc = mf_lock_module(o->sysroot, m->usb.path, mode_word(o->mode),
			    &x->lock, err);
	if (rc) {
		x->mm_refused = true; /* nothing sent: nothing to recover */
		goto out;
	}
	rc = do_run(x);
	/* a lower layer that stopped on the flag by itself (the package) */
	if (rc == -EINTR && mf_stop_requested(o->stop) &&
	    err->status != MF_INTERRUPTED && err->status != MF_TERMINATED)
		mf_stop_err(o->stop, err, x->r->stage);
	flash_stage_close(r, rc == 0);
	if (rc == -EINTR &&
	    (err->status == MF_INTERRUPTED || err->status == MF_TERMINATED)) {
		flash_stopped(x);
		goto out;
	}
	if (rc)
		flash_lost_link(x, rc);
	if (!rc && x->fh_ok)
		remember_programmer(x);
	if (rc && o->mode != FLASH_MODE_BACKUP &&
	    o->mode != FLASH_MODE_VERIFY && !x->mm_refused && !o->dry_run)
		flash_recovery_hint(x);
out:
	backup_dest_abandon(&x->dest); /* a failed backup leaves nothing */
	edl_close(&x->e);
	if (!x->pkg_shared)
		pkg_close(&x->pkg);
	mf_mm_release(x->mm);
	mf_lock_release(x->lock);
	r->ms = mf_now_ms() - t0;
	free(x);
	return rc;
}

int flash_lock_absent(const char *sysroot, const char *sel, int rc,
		      struct mf_err *err)
{
	enum mf_sel_kind k = mf_select_kind(sel);
	struct mf_lock_who who;

	if (rc != -ENODEV || (k != MF_SEL_NONE && k != MF_SEL_USB))
		return rc;
	if (!mf_lock_holders(sysroot,
			     k == MF_SEL_USB ? mf_usb_chain(sel) : NULL, &who,
			     1))
		return rc;
	mf_err_clear(err);
	mf_lock_busy(&who, sel, err);
	snprintf(err->hint + strlen(err->hint),
		 sizeof(err->hint) - strlen(err->hint),
		 " (the module is off the bus while it restarts)");
	return -EBUSY;
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
		return flash_lock_absent(o->sysroot, sel, rc, err);
	return flash_run(o, &m, r, log, err);
}
