// SPDX-License-Identifier: BSD-3-Clause
/*
 * Delta FOTA over AT: the plan. Identify the module, check the delta
 * applies to it, make room in UFS, upload, start, follow, confirm
 * (docs/protocols.md, AT). The top of the room: it calls down into the steps
 * (fota_upload.c, fota_follow.c), which share the port (fota_port.c) and
 * the events (fota_events.c); nothing below calls back up here.
 */
#include "ops/fota/fota_int.h"
#include "pkg/revision.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "ops/lock.h"
#include "ops/select.h"

/* The tap keeps the last upload count so that a failure can say how far. */
static void tap_emit(void *ctx, enum mf_level level, const char *msg)
{
	struct fota_run *r = ctx;

	if (r->log && r->log->emit)
		r->log->emit(r->log->ctx, level, msg);
}

static void tap_progress(void *ctx, const char *stage, uint64_t done,
			 uint64_t total)
{
	struct fota_run *r = ctx;

	if (!strcmp(stage, "upload"))
		r->up_done = done;
	mf_progress(r->log, stage, done, total);
}

/* A wait still running: to the caller's funnel as it came. */
static void tap_waiting(void *ctx, const char *what, unsigned elapsed_s,
			unsigned timeout_s)
{
	struct fota_run *r = ctx;

	mf_waiting(r->log, what, (int64_t)elapsed_s * 1000,
		   (int64_t)timeout_s * 1000);
}

static int ms_or(int v, int def)
{
	return v > 0 ? v : def;
}

static int identify(struct fota_run *r)
{
	struct at_identity id;
	int rc;

	fota_stage(r, "identify");
	memset(&id, 0, sizeof(id));
	rc = at_identify(&r->at, &id);
	if (rc < 0)
		return mf_err_set(
			r->err, mf_status_from_errno(rc), rc,
			"the module on %s did not tell its identity (ATI)",
			r->o->port);
	snprintf(r->res->model, sizeof(r->res->model), "%s", id.model);
	snprintf(r->res->from, sizeof(r->res->from), "%s",
		 id.full_revision[0] ? id.full_revision : id.revision);
	mf_log(r->log, MF_LOG_INFO, "module %s, revision %s", r->res->model,
	       r->res->from);
	return 0;
}

static int open_delta(struct fota_run *r)
{
	uint8_t head[FOTA_DELTA_HEAD_MAX];
	struct stat st;
	ssize_t n;
	int rc;

	r->fd = open(r->o->file, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st) < 0) {
		rc = -errno;
		/* the delta is the package of a FOTA: missing is exit 7 */
		mf_err_set(r->err, MF_BAD_PACKAGE, rc,
			   "cannot read the delta %s: %s", r->o->file,
			   strerror(-rc));
		return rc;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		return mf_err_set(
			r->err, MF_BAD_PACKAGE, -EINVAL,
			"the delta %s is not a non-empty regular file",
			r->o->file);
	r->size = (uint64_t)st.st_size;
	n = pread(r->fd, head, sizeof(head), 0);
	if (n < 0)
		return mf_err_set(r->err, MF_BAD_PACKAGE, -errno,
				  "cannot read the delta %s", r->o->file);
	rc = delta_msg_parse(head, (size_t)n, r->size, &r->delta);
	if (rc < 0)
		return mf_err_set(r->err, MF_BAD_PACKAGE, rc,
				  "the delta %s has a damaged header",
				  r->o->file);
	return 0;
}

/*
 * The delta names the revision it applies to: refuse another one before a
 * byte is uploaded. --force exists for a module whose AT+QGMR cannot be
 * compared (old builds answer with the base only) and for testing what the
 * module itself says (it refuses with END,510 and keeps its firmware).
 */
static int check_revision(struct fota_run *r)
{
	const char *cur = r->res->from;

	fota_stage(r, "preflight");
	if (!r->delta.known) {
		mf_log(r->log, MF_LOG_WARN,
		       "%s has no modemflash delta header: uploading it as it "
		       "is; "
		       "the module will judge whether it applies to %s",
		       r->o->file, cur);
		return 0;
	}
	snprintf(r->res->expected, sizeof(r->res->expected), "%s", r->delta.to);
	mf_log(r->log, MF_LOG_INFO, "delta %s -> %s, %llu bytes", r->delta.from,
	       r->delta.to, (unsigned long long)r->size);
	if (pkg_rev_matches(cur, r->delta.from))
		return 0;
	if (r->o->force) {
		mf_log(r->log, MF_LOG_WARN,
		       "the delta applies to %s but the module runs %s: going "
		       "on "
		       "because of --force",
		       r->delta.from, cur);
		return 0;
	}
	if (pkg_rev_matches(cur, r->delta.to)) {
		mf_err_set(r->err, MF_REFUSED, -EALREADY,
			   "the module already runs %s (%s); the delta applies "
			   "to %s",
			   r->delta.to, cur, r->delta.from);
		mf_err_hint(r->err, "nothing to do");
		return -EALREADY;
	}
	mf_err_set(r->err, MF_REFUSED, -EPERM,
		   "the delta applies to revision %s but the module runs %s",
		   r->delta.from, cur);
	mf_err_hint(r->err,
		    "use the delta made for %s (or pass --force to let "
		    "the module judge it; it will refuse it with error 510)",
		    cur);
	return -EPERM;
}

static int plan_paths(struct fota_run *r)
{
	const char *name = r->o->name ? r->o->name : FOTA_DEFAULT_NAME;
	const struct dev_model *m;
	const char *dir;

	if (r->o->url) {
		snprintf(r->start, sizeof(r->start), "\"%s\"", r->o->url);
		return 0;
	}
	m = dev_model_find(r->res->model);
	r->model = m && m->fota.dir ? &m->fota : NULL;
	if (!r->model && !r->o->fota_dir) {
		mf_err_set(r->err, MF_FAILED, -ENOTSUP,
			   "no FOTA file location is known for the model %s",
			   r->res->model[0] ? r->res->model : "(unknown)");
		mf_err_hint(r->err,
			    "pass --fota-dir with the module's UFS path "
			    "(EC25: /data/ufs/, SDX55: /cache/ufs/)");
		return -ENOTSUP;
	}
	if (r->model && !r->model->verified && !r->o->fota_dir)
		mf_log(r->log, MF_LOG_WARN,
		       "the FOTA path of %s is not confirmed on real modules",
		       r->res->model);
	if (r->model && r->model->upload && !r->o->name && !r->o->fota_dir)
		name = r->model->upload;
	snprintf(r->name, sizeof(r->name), "%s", name);
	if (r->model && r->model->start && !r->o->fota_dir) {
		snprintf(r->start, sizeof(r->start), "%s", r->model->start);
		return 0;
	}
	dir = r->o->fota_dir ? r->o->fota_dir : r->model->dir;
	snprintf(r->start, sizeof(r->start), "\"%s%s%s\"", dir,
		 dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	return 0;
}

static int check_opts(const struct fota_opts *o, struct mf_err *err)
{
	if (!o->port || !!o->file == !!o->url)
		return mf_err_set(
			err, MF_USAGE, -EINVAL,
			"fota needs a port and either a delta file or --url");
	if (o->name && (strlen(o->name) > 80 || strpbrk(o->name, "\"\r\n")))
		return mf_err_set(err, MF_USAGE, -EINVAL,
				  "the UFS file name must be at most 80 bytes "
				  "without quotes or line breaks");
	if (o->url && (strlen(o->url) > 255 || strpbrk(o->url, "\"\r\n")))
		return mf_err_set(
			err, MF_USAGE, -EINVAL,
			"the URL must be at most 255 bytes without quotes "
			"or line breaks");
	return 0;
}

/*
 * The module a USB AT port belongs to: claimed (ops/lock.h) and kept away
 * from ModemManager; a UART that belongs to no module: the port claimed.
 */
static int hold_mm(struct fota_run *r)
{
	const struct mf_module *m;
	struct mf_scan *s;
	int rc;

	if (!r->o->sysroot)
		return 0;
	s = ops_scan(r->o->sysroot, r->log, r->err);
	mf_err_clear(r->err); /* no scan: no module to hold, go on */
	m = s ? mf_scan_module_by_port(s, r->o->port) : NULL;
	rc = m ? mf_lock_module(r->o->sysroot, m->usb.path, "fota", &r->lock,
				r->err)
	       : mf_lock_port(r->o->sysroot, r->o->port, "fota", &r->lock,
			      r->err);
	if (!rc && m)
		rc = mf_mm_hold(r->o->sysroot, m, NULL, &r->mm, r->log, r->err);
	free(s);
	return rc;
}

/* A safe point: -EINTR (err filled) when asked to stop. */
static int stop_here(struct fota_run *r, const char *where)
{
	if (!mf_stop_requested(r->o->stop))
		return 0;
	mf_stop_err(r->o->stop, r->err, where);
	mf_err_hint(r->err, "the firmware is unchanged; run the same command "
			    "again to continue");
	return -EINTR;
}

static int run_steps(struct fota_run *r)
{
	int rc;

	if (r->o->file) {
		rc = open_delta(r);
		if (rc < 0)
			return rc;
	}
	/* before the first byte; held through the module's restarts */
	rc = hold_mm(r);
	if (rc < 0)
		return rc;
	rc = fota_port_open(r, true);
	if (rc < 0)
		return rc;
	rc = identify(r);
	if (rc < 0)
		return rc;
	if (r->o->file) {
		rc = check_revision(r);
		if (rc < 0)
			return rc;
	}
	rc = plan_paths(r);
	if (rc < 0)
		return rc;
	if (r->o->file) {
		rc = stop_here(r, "the check, before the upload");
		if (rc < 0)
			return rc;
		rc = fota_prepare_ufs(r);
		if (rc < 0)
			return rc;
		rc = fota_upload(r);
		if (rc < 0)
			return rc;
	}
	/* AT+QFOTADL is the point of no return: the module goes on alone */
	rc = stop_here(r, "the upload, before the update starts");
	if (rc < 0)
		return rc;
	rc = fota_start(r);
	if (rc < 0)
		return rc;
	rc = fota_follow(r);
	if (rc < 0)
		return rc;
	return fota_verify(r);
}

int fota_run(const struct fota_opts *opts, const struct mf_log *log,
	     struct fota_result *res, struct mf_err *err)
{
	struct fota_run r;
	int rc;

	memset(res, 0, sizeof(*res));
	res->fota_code = -1;
	rc = check_opts(opts, err);
	if (rc < 0)
		return rc;
	memset(&r, 0, sizeof(r));
	r.o = opts;
	r.log = log;
	r.tap.emit = tap_emit;
	r.tap.progress = tap_progress;
	r.tap.waiting = tap_waiting;
	r.tap.ctx = &r;
	r.tap.max_level = log ? log->max_level : MF_LOG_ERROR;
	r.err = err;
	r.res = res;
	r.fd = -1;
	r.cmd_ms = ms_or(opts->cmd_timeout_ms, FOTA_CMD_MS);
	r.ack_ms = ms_or(opts->upload_ack_ms, FOTA_ACK_MS);
	r.reopen_ms = ms_or(opts->reopen_ms, FOTA_REOPEN_MS);
	r.urc_ms = ms_or(opts->urc_ms, FOTA_MSG_URC_MS);
	r.deadline = mf_deadline(ms_or(opts->total_ms, FOTA_TOTAL_MS));
	r.t0_ms = mf_now_ms();

	rc = run_steps(&r);
	fota_stage_close(&r, rc == 0);
	fota_port_close(&r);
	if (r.fd >= 0)
		close(r.fd);
	mf_mm_release(r.mm);
	mf_lock_release(r.lock);
	return rc;
}
