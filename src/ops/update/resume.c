// SPDX-License-Identifier: BSD-3-Clause
/*
 * Resuming a flash that was cut: before writing, ask the module which of
 * the package's images it already holds (getsha256digest over the image's
 * sectors, or a read-back when the programmer has no digest) and leave
 * those lines out. What remains keeps the safe order of plan_order(): on
 * NAND the SBL is erased first and programmed last whenever anything at
 * all is written, even when its own digest matches, so that a module cut
 * again half way still falls back to EDL instead of booting a mix.
 */
#include "ops/update/resume.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ops/update/flash_int.h"
#include "ops/update/flash_verify.h"
#include "ops/update/plan.h"

static bool is_image(const struct pkg_cmd *c)
{
	return c->op == PKG_OP_PROGRAM && c->present && c->file_size;
}

static bool same_name(const char *a, const char *b)
{
	return a && b && !strcasecmp(a, b);
}

/* An erase belongs to the programs of the same partition (or start). */
static bool erase_tied_to(const struct pkg *pkg, const struct pkg_cmd *e,
			  const struct pkg_cmd *p)
{
	if (same_name(pkg_cmd_partition(pkg, e), pkg_cmd_partition(pkg, p)))
		return true;
	return e->start.kind == PKG_V_NUM && p->start.kind == PKG_V_NUM &&
	       e->start_sector == p->start_sector && e->phys == p->phys;
}

/* Ask for one image: 1 already there, 0 not, < 0 error. */
static int image_there(struct fh_session *fh, const struct pkg_cmd *c,
		       bool *digest, const struct mf_log *log,
		       struct mf_err *err)
{
	uint8_t want[32], got[32];
	int rc = flash_image_digests(fh, c, *digest, want, got, err);

	if (rc == -EREMOTEIO && *digest) {
		/* listed but refused: the read-back answers the same */
		mf_log(log, MF_LOG_WARN,
		       "resume: the programmer refused getsha256digest (%s): "
		       "reading back",
		       err->msg);
		mf_err_clear(err);
		*digest = false;
		rc = flash_image_digests(fh, c, *digest, want, got, err);
	}
	if (rc)
		return rc;
	return !memcmp(want, got, 32);
}

int resume_scan(struct fh_session *fh, const struct pkg *pkg, bool *there,
		struct resume_result *res, const char *progress,
		const struct mf_log *log, struct mf_err *err)
{
	bool digest = fh_supports(fh, "getsha256digest");
	uint64_t total = 0, done = 0;
	struct stage_progress quiet;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < pkg->ncmds; i++) {
		there[i] = false;
		if (is_image(&pkg->cmds[i]))
			total += pkg->cmds[i].file_size;
	}
	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];

		if (!is_image(c))
			continue;
		if (progress)
			stage_progress_quiet(&quiet, fh);
		rc = image_there(fh, c, &digest, log, err);
		if (progress)
			stage_progress_end(&quiet);
		if (rc < 0)
			return rc;
		there[i] = rc == 1;
		res->images++;
		if (there[i]) {
			res->kept++;
			res->kept_bytes += c->file_size;
		} else {
			res->missing_bytes += c->file_size;
		}
		done += c->file_size;
		if (progress)
			mf_progress(log, progress, done, total);
	}
	res->by_digest = digest;
	res->complete = res->kept == res->images;
	return 0;
}

int resume_plan(struct fh_session *fh, const struct pkg *pkg, bool nand,
		bool *skip, struct resume_result *res, const struct mf_log *log,
		struct mf_err *err)
{
	bool *there = calloc(pkg->ncmds + 1, sizeof(*there));
	int rc;

	if (!there)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	for (size_t i = 0; i < pkg->ncmds; i++)
		skip[i] = false;
	rc = resume_scan(fh, pkg, there, res, "resume", log, err);
	if (rc)
		goto out;
	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];
		const char *part = pkg_cmd_partition(pkg, c);

		if (is_image(c))
			mf_log(log, MF_LOG_INFO, "resume: %s %s",
			       part ? part : c->filename,
			       there[i] ? "already on the module" : "to write");
	}
	if (res->complete) {
		/* the whole package is there: nothing to erase or program */
		for (size_t i = 0; i < pkg->ncmds; i++)
			skip[i] = pkg->cmds[i].op == PKG_OP_ERASE ||
				  pkg->cmds[i].op == PKG_OP_PROGRAM;
		goto out;
	}
	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];
		bool tied = false, all_there = true;

		if (nand && plan_is_sbl(pkg_cmd_partition(pkg, c)))
			continue; /* erased first, programmed last: always */
		if (is_image(c)) {
			skip[i] = there[i];
			continue;
		}
		if (c->op != PKG_OP_ERASE)
			continue;
		/* an erase goes with its programs: kept when they all are */
		for (size_t j = 0; j < pkg->ncmds; j++) {
			const struct pkg_cmd *p = &pkg->cmds[j];

			if (!is_image(p) || !erase_tied_to(pkg, c, p))
				continue;
			tied = true;
			all_there = all_there && there[j];
		}
		skip[i] = tied && all_there;
	}
	if (nand)
		for (size_t i = 0; i < pkg->ncmds; i++)
			if (is_image(&pkg->cmds[i]) && there[i] &&
			    plan_is_sbl(
				    pkg_cmd_partition(pkg, &pkg->cmds[i]))) {
				res->kept--;
				res->kept_bytes -= pkg->cmds[i].file_size;
				res->missing_bytes += pkg->cmds[i].file_size;
			}
out:
	free(there);
	return rc;
}
