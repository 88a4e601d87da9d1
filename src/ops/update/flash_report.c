// SPDX-License-Identifier: BSD-3-Clause
/*
 * What a failed or stopped flash tells the user: the stage it ended in,
 * a lost link said plainly, and the way back (ops/update/flash.c calls
 * these once the run has ended).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/stop.h"
#include "ops/update/flash_int.h"
#include "ops/update/flash_run.h"
#include "proto/firehose.h"

/* After a write: not back, or failed half way: the way back, exactly. */
void flash_recovery_hint(struct run *x)
{
	const char *lost;
	const char *dir = x->r->backup[0]   ? x->r->backup
			  : x->has_manifest ? x->o->package
					    : NULL;

	if (!x->r->wrote && x->r->stage[0] && strcmp(x->r->stage, "post-check"))
		return;
	if (x->r->persistent) {
		/* the same write fails the same way: no "run it again" */
		char why[MF_ERR_HINT_MAX];

		snprintf(why, sizeof(why), "%s", x->err->hint);
		if (dir && x->o->mode != FLASH_MODE_RESTORE)
			mf_err_hint(x->err,
				    "%.300s; the module waits in EDL: restore "
				    "the backup, whose images it held: "
				    "modemflash -d %s restore %s",
				    why, x->m->usb.path, dir);
		else
			mf_err_hint(x->err,
				    "%.300s; the module waits in EDL: flash a "
				    "package whose images it can hold, or "
				    "replace the module",
				    why);
		return;
	}
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
	/* a lost link: the module is back only once it is on the bus again */
	lost = x->err->code == -ENODEV ? "the link was lost: reconnect or "
					 "power-cycle the module; "
				       : "";
	if (dir)
		mf_err_hint(x->err,
			    "%sthe module is in EDL or will boot into it; run "
			    "the same command again to complete, or restore "
			    "the backup: modemflash -d %s restore %s",
			    lost, x->m->usb.path, dir);
	else
		mf_err_hint(x->err,
			    "%sthe module is in EDL or will boot into it; run "
			    "the same command again to complete",
			    lost);
}

/*
 * A Firehose failure names the stage it ended (the command alone does not
 * say whether anything was written: a <read> NAK in the backup is not one
 * in the verification).
 */
static void name_stage(struct run *x)
{
	static const struct {
		const char *stage, *text;
	} names[] = {
		{ "configure", "configuring the programmer failed (nothing "
			       "written)" },
		{ "backup", "the backup failed (nothing written)" },
		{ "erase", "the write failed" },
		{ "program", "the write failed" },
		{ "patch", "the write failed" },
		{ "verify", "the verification failed" },
	};
	char msg[MF_ERR_MSG_MAX + 80];
	const char *st = x->r->stage;

	if (!strcmp(st, "sahara") && x->e.fh.cmd[0]) {
		/* the programmer was up: edl_firehose() failed configuring */
		snprintf(x->r->stage, sizeof(x->r->stage), "configure");
		st = x->r->stage;
	}
	if (!strcmp(st, "post-check") && x->r->reset_warning[0]) {
		snprintf(msg, sizeof(msg), "%.300s (after the reset: %.180s)",
			 x->err->msg, x->r->reset_warning);
		snprintf(x->err->msg, sizeof(x->err->msg), "%.*s",
			 (int)sizeof(x->err->msg) - 1, msg);
		return;
	}
	if (strncmp(x->err->msg, "Firehose", 8))
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(st, names[i].stage))
			continue;
		snprintf(msg, sizeof(msg), "%s: %s", names[i].text,
			 x->err->msg);
		snprintf(x->err->msg, sizeof(x->err->msg), "%.*s",
			 (int)sizeof(x->err->msg) - 1, msg);
		return;
	}
}

/* A link that vanished mid-way is a failure of that stage, said plainly. */
void flash_lost_link(struct run *x, int rc)
{
	static const char *const stages[] = { "sahara", "configure", "backup",
					      "erase",	"program",   "patch",
					      "verify", "edl",	     "resume" };
	char msg[MF_ERR_MSG_MAX + 64];

	if (rc != -ENODEV && rc != -EIO) {
		name_stage(x);
		return;
	}
	/*
	 * edl_firehose() uploads the programmer (stage "sahara") and then
	 * configures it: once a Firehose command went out, it failed there.
	 */
	if (!strcmp(x->r->stage, "sahara") && x->e.fh.cmd[0])
		snprintf(x->r->stage, sizeof(x->r->stage), "configure");
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		if (strcmp(x->r->stage, stages[i]))
			continue;
		snprintf(msg, sizeof(msg),
			 "lost the link to the module during %s: %s",
			 x->r->stage, x->err->msg);
		snprintf(x->err->msg, sizeof(x->err->msg), "%.*s",
			 (int)sizeof(x->err->msg) - 1, msg);
		x->err->status = MF_FAILED;
		/* no backup to name, none needed: the module is as it was */
		if (!x->r->wrote)
			mf_err_hint(x->err,
				    "nothing was written to the module; check "
				    "the cable and power (replug or "
				    "power-cycle it if it does not show up), "
				    "then run the same command again");
		return;
	}
}

/*
 * Nothing written, and it came from normal mode: the programmer restarts
 * it there, as it was (a re-run then starts from the top, with its
 * backup). Written, or found in EDL: it stays where it is.
 */
static void restart_unchanged(struct run *x)
{
	struct mf_err tmp = { 0 };

	if (!x->e.fh_ready || x->r->wrote || x->r->started_in_edl)
		return;
	x->e.fh.err = &tmp;
	x->reset_sent = !fh_power(&x->e.fh, "reset", 1);
	x->e.fh.err = x->err;
	if (x->reset_sent)
		mf_log(x->log, MF_LOG_INFO,
		       "%s: nothing written: restarting it in normal mode",
		       x->m->usb.path);
}

int flash_package_checked(struct run *x, bool block)
{
	int rc;

	if (x->no_pkg || !pkg_md5_deferred(&x->pkg))
		return 0;
	rc = block ? 0 : pkg_md5_wait(&x->pkg, false, x->err);
	if (!block && (!rc || rc == -EINPROGRESS || rc == -EINTR))
		return 0; /* known good, not yet known, or a stop: later */
	flash_stage_enter(x->r, "package-check");
	rc = pkg_md5_wait(&x->pkg, true, x->err);
	if (rc == -EINTR)
		return mf_stop_err(x->o->stop, x->err,
				   "the package check, before the first write");
	if (!rc)
		return 0;
	restart_unchanged(x);
	mf_err_hint(x->err,
		    "nothing was written; the module %s; take an undamaged "
		    "copy of the package (download or unpack it again) and "
		    "run the same command",
		    x->reset_sent ? "restarts in normal mode, unchanged"
		    : x->r->started_in_edl ? "waits in EDL, as it was found"
					   : "is unchanged");
	return rc;
}

/*
 * Stopped by a signal at a safe point: where the module is, said plainly,
 * and that the same command continues from there (the CLI adds the
 * command line).
 */
void flash_stopped(struct run *x)
{
	struct flash_report *r = x->r;
	const char *where;

	/*
	 * Nothing written, and it came from normal mode: let the programmer
	 * restart it there, as it was (a re-run then starts from the top,
	 * with its backup). Written, or found in EDL: it stays where it is.
	 */
	if (strcmp(r->stage, "post-check"))
		restart_unchanged(x);

	if (!strcmp(r->stage, "post-check"))
		where = x->o->mode == FLASH_MODE_BACKUP ||
					x->o->mode == FLASH_MODE_VERIFY
				? "restarting in normal mode, unchanged"
				: "restarting into the new firmware (not yet "
				  "confirmed)";
	else if (x->reset_sent)
		where = "restarting in normal mode, unchanged";
	else if (x->e.link && r->wrote)
		where = "in EDL with the programmer running, partly written "
			"(it boots into EDL until a flash completes)";
	else if (x->e.link && x->e.firehose_running)
		where = "in EDL with the programmer running, nothing written";
	else if (x->e.link)
		where = "in EDL (Sahara), nothing written";
	else if (r->started_in_edl)
		where = "in EDL, nothing written";
	else
		where = "in normal mode, unchanged";
	snprintf(r->left, sizeof(r->left), "%s", where);
	mf_err_hint(x->err,
		    "the module is %s; run the same command again to "
		    "continue%s%s",
		    where, r->backup[0] ? " (backup: " : "", r->backup);
	if (r->backup[0])
		strncat(x->err->hint, ")",
			sizeof(x->err->hint) - strlen(x->err->hint) - 1);
}
