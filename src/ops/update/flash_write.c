// SPDX-License-Identifier: BSD-3-Clause
/* The writing half of a flash: program in the safe order, then patch. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "ops/update/flash_int.h"
#include "ops/update/flash_verify.h"
#include "ops/update/flash_write.h"
#include "ops/update/plan.h"

size_t flash_cmd_attrs(const struct pkg_cmd *c, struct fh_msg_attr *a,
		       size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nattrs && n < cap; i++) {
		/* a host-side name: the device has no use for it */
		if (!strcmp(c->attrs[i].name, "filename") ||
		    !strcmp(c->attrs[i].name, "label") ||
		    !strcmp(c->attrs[i].name, "sparse"))
			continue;
		a[n++] = (struct fh_msg_attr){ c->attrs[i].name,
					       c->attrs[i].value };
	}
	return n;
}

uint64_t flash_program_total(const struct pkg *pkg)
{
	return flash_program_total_some(pkg, NULL);
}

uint64_t flash_program_total_some(const struct pkg *pkg, const bool *skip)
{
	uint64_t t = 0;

	for (size_t i = 0; i < pkg->ncmds; i++)
		if (pkg->cmds[i].op == PKG_OP_PROGRAM && pkg->cmds[i].present &&
		    (!skip || !skip[i]))
			t += pkg->cmds[i].file_size;
	return t;
}

static int program_from(struct fh_session *fh, const struct pkg_cmd *c,
			struct fh_msg_attr *a, size_t na, uint64_t from,
			struct mf_err *err)
{
	int fd, rc;

	fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mf_err_set(err, MF_BAD_PACKAGE, -errno,
				  "cannot open %s: %s", c->path,
				  strerror(errno));
	rc = fh_program(fh, a, na, fd, from, c->file_size - from);
	close(fd);
	return rc;
}

static int program_one(struct fh_session *fh, const struct pkg_cmd *c,
		       struct fh_msg_attr *a, size_t na, struct mf_err *err)
{
	return program_from(fh, c, a, na, 0, err);
}

/*
 * What can be known before the first erase is known before it (SBL goes
 * first and is written last): every image is still there, readable to its
 * last byte and of the size the package was opened with, and the
 * programmer takes the commands the plan sends.
 */
static int check_first(struct fh_session *fh, const struct pkg *pkg,
		       struct mf_err *err)
{
	static const char *const need[] = { "erase", "program" };
	uint8_t last;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!fh_supports(fh, need[i]))
			return mf_err_set(err, MF_FAILED, -ENOTSUP,
					  "the programmer does not list <%s>: "
					  "nothing was written",
					  need[i]);
	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];
		struct stat st = { 0 };
		int fd, e = 0;

		if (c->op != PKG_OP_PROGRAM || !c->present || !c->file_size)
			continue;
		errno = 0;
		fd = open(c->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) ||
		    (uint64_t)st.st_size != c->file_size ||
		    pread(fd, &last, 1, (off_t)c->file_size - 1) != 1)
			e = errno ? errno : EIO;
		if (fd >= 0)
			close(fd);
		if (e || (uint64_t)st.st_size != c->file_size) {
			mf_err_set(err, MF_BAD_PACKAGE, -(e ? e : EIO),
				   "%s changed or became unreadable since the "
				   "package was opened (%s): nothing was "
				   "written",
				   c->path, e ? strerror(e) : "size differs");
			mf_err_hint(err, "keep the package in place while "
					 "flashing and run the command again");
			return -(e ? e : EIO);
		}
	}
	return 0;
}

/*
 * The device refused the same partition twice, its range erased in
 * between: not the link, not a passing state of the programmer, but the
 * NAND (no good block left for the image, a block that fails every
 * program). A re-run would do the same: the error says so.
 */
static int persistent(const char *part, struct flash_report *r,
		      struct mf_err *err)
{
	char said[MF_ERR_MSG_MAX];
	/* the device's own words say whether its NAND is the cause */
	bool nand = strstr(err->msg, "block") || strstr(err->msg, "page");

	snprintf(said, sizeof(said), "%s", err->msg);
	mf_err_clear(err);
	r->persistent = true;
	mf_err_set(err, MF_FAILED, -EREMOTEIO,
		   "the module cannot store %s: the programmer refused it "
		   "twice, with the partition erased in between (%.300s)",
		   part, said);
	if (nand)
		mf_err_hint(err, "this is the module's flash memory (too many "
				 "bad blocks for this image), not the link: a "
				 "re-run will not help");
	else
		mf_err_hint(err, "the programmer refuses this image every "
				 "time, a re-run will not help: check that "
				 "the package matches this module (geometry, "
				 "chip)");
	return -EREMOTEIO;
}

/*
 * A program the device refused (NAK) is tried once more on its erased
 * range: a block that failed is marked bad by the programmer and skipped
 * the second time. A second refusal is persistent().
 */
static int program_retry(struct fh_session *fh, const struct pkg *pkg,
			 const struct pkg_cmd *c, struct fh_msg_attr *a,
			 size_t na, struct flash_report *r,
			 const struct mf_log *log, struct mf_err *err)
{
	const struct pkg_cmd *e = flash_erase_of(pkg, c);
	const char *part = pkg_cmd_partition(pkg, c);
	struct fh_msg_attr ea[PKG_MAX_ATTRS];
	int rc;

	if (!part)
		part = c->filename ? c->filename : "the image";
	if (!e)
		return -EREMOTEIO; /* no range to erase: the NAK stands */
	mf_log(log, MF_LOG_WARN, "%s; erasing %s and programming it once more",
	       err->msg, part);
	mf_err_clear(err);
	rc = fh_erase(fh, ea, flash_cmd_attrs(e, ea, PKG_MAX_ATTRS));
	if (!rc)
		rc = program_one(fh, c, a, na, err);
	if (rc != -EREMOTEIO)
		return rc;
	rc = persistent(part, r, err);
	if (!r->restoring || plan_is_sbl(part))
		return rc;
	/* the error stays in err for flash_write()'s end; SBL still comes */
	mf_log(log, MF_LOG_ERROR,
	       "%s; restoring the other partitions and SBL, so that the "
	       "module boots whatever it can hold",
	       err->msg);
	return 0;
}

/*
 * The rest of an image cut half way (from: its first sector not held,
 * ops/update/resume.h): its erase was resumed at the same sector, so the
 * rest is programmed there, then the whole image is checked at once. A
 * start that only looked held (a gap the search stepped over, a bad block
 * that moved it) is then erased and written whole, before anything that
 * comes after it in the plan (the SBL last).
 */
static int program_rest(struct fh_session *fh, const struct pkg *pkg,
			const struct pkg_cmd *c, struct fh_msg_attr *a,
			size_t na, uint64_t from, uint64_t *len, bool *checked,
			const struct mf_log *log, struct mf_err *err)
{
	const struct pkg_cmd *e = flash_erase_of(pkg, c);
	const char *part = pkg_cmd_partition(pkg, c);
	struct fh_msg_attr ea[PKG_MAX_ATTRS];
	uint8_t want[32], got[32];
	char st[24];
	int rc;

	snprintf(st, sizeof(st), "%" PRIu64, c->start_sector + from);
	flash_attr_set(a, na, "start_sector", st);
	rc = program_from(fh, c, a, na, from * c->sector_size, err);
	flash_attr_set(a, na, "start_sector", c->start.text);
	if (!rc)
		rc = flash_image_digests(fh, c, true, want, got, err);
	if (rc)
		return rc;
	*checked = !memcmp(want, got, 32);
	if (*checked)
		return 0;
	mf_log(log, MF_LOG_WARN,
	       "resume: %s does not check out whole after its rest was "
	       "written: erasing it and writing it whole",
	       part ? part : c->filename);
	rc = fh_erase(fh, ea, flash_cmd_attrs(e, ea, PKG_MAX_ATTRS));
	if (!rc)
		rc = program_one(fh, c, a, na, err);
	if (!rc)
		*len += c->file_size; /* the rest, then all of it */
	return rc;
}

/* A resumed erase: the partition's range from sector from on. */
static int erase_rest(struct fh_session *fh, const struct pkg_cmd *c,
		      struct fh_msg_attr *a, size_t na, uint64_t from)
{
	char st[24], num[24];

	snprintf(st, sizeof(st), "%" PRIu64, c->start_sector + from);
	snprintf(num, sizeof(num), "%" PRIu64, c->part_sectors - from);
	flash_attr_set(a, na, "start_sector", st);
	flash_attr_set(a, na, "num_partition_sectors", num);
	return fh_erase(fh, a, na);
}

static int run_line(struct fh_session *fh, const struct pkg *pkg,
		    const struct pkg_cmd *c, uint64_t from,
		    struct stage_progress *sp, struct flash_report *r,
		    const struct mf_log *log, struct mf_err *err)
{
	const char *part = pkg_cmd_partition(pkg, c);
	struct fh_msg_attr a[PKG_MAX_ATTRS];
	size_t na = flash_cmd_attrs(c, a, PKG_MAX_ATTRS);
	uint64_t skipped = from * c->sector_size, len;
	struct flash_part_stat *ps;
	bool checked = false;
	int64_t t0;
	int rc;

	if (c->op == PKG_OP_ERASE) {
		snprintf(r->stage, sizeof(r->stage), "erase");
		r->wrote = true;
		if (!from) {
			mf_log(log, MF_LOG_INFO, "erase %s", part ? part : "?");
			return fh_erase(fh, a, na);
		}
		mf_log(log, MF_LOG_INFO, "erase %s from sector %" PRIu64,
		       part ? part : "?", from);
		return erase_rest(fh, c, a, na, from);
	}
	if (c->op != PKG_OP_PROGRAM || !c->present || !c->file_size)
		return 0;
	len = c->file_size - skipped;
	if (from)
		mf_log(log, MF_LOG_INFO,
		       "program %s from sector %" PRIu64 " (%" PRIu64
		       " of %" PRIu64 " bytes)",
		       part ? part : "?", from, len, c->file_size);
	else
		mf_log(log, MF_LOG_INFO, "program %s (%" PRIu64 " bytes)",
		       part ? part : "?", c->file_size);
	snprintf(r->stage, sizeof(r->stage), "program");
	r->wrote = true;
	t0 = mf_now_ms();
	if (from)
		rc = program_rest(fh, pkg, c, a, na, from, &len, &checked, log,
				  err);
	else
		rc = program_one(fh, c, a, na, err);
	if (rc == -EREMOTEIO) {
		rc = program_retry(fh, pkg, c, a, na, r, log, err);
		len = c->file_size; /* erased and written whole */
	}
	if (len > c->file_size - skipped) /* a resume written whole after all */
		sp->total += len - (c->file_size - skipped);
	if (!rc) {
		sp->base += len;
		r->bytes_written += len;
		/* the closing table: bytes and time of each partition */
		ps = flash_part_get(r, part);
		if (ps) {
			ps->bytes += len;
			ps->ms += mf_now_ms() - t0;
			ps->checked = checked && rc == 0;
		}
	}
	return rc;
}

static int run_patches(struct fh_session *fh, const struct pkg *pkg,
		       const struct mf_log *log)
{
	for (size_t i = 0; i < pkg->npatches; i++) {
		const struct pkg_patch *p = &pkg->patches[i];
		char ss[16], bo[24], sz[16], ppn[16];
		struct fh_msg_attr a[8];
		int rc;

		if (!p->disk)
			continue; /* host-file patches were applied by the build */
		snprintf(ss, sizeof(ss), "%u", p->sector_size);
		snprintf(bo, sizeof(bo), "%" PRIu64, p->byte_offset);
		snprintf(sz, sizeof(sz), "%u", p->size_in_bytes);
		snprintf(ppn, sizeof(ppn), "%u", p->phys);
		a[0] = (struct fh_msg_attr){ "SECTOR_SIZE_IN_BYTES", ss };
		a[1] = (struct fh_msg_attr){ "byte_offset", bo };
		a[2] = (struct fh_msg_attr){ "filename", "DISK" };
		a[3] = (struct fh_msg_attr){ "physical_partition_number", ppn };
		a[4] = (struct fh_msg_attr){ "size_in_bytes", sz };
		a[5] = (struct fh_msg_attr){ "start_sector", p->start.text };
		a[6] = (struct fh_msg_attr){ "value", p->value.text };
		a[7] = (struct fh_msg_attr){ "what", p->what ? p->what : "" };
		mf_log(log, MF_LOG_INFO, "patch: %s", p->what ? p->what : "");
		rc = fh_patch(fh, a, 8);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Between two lines: 0 goes on, -EINTR stops (err filled). */
static int safe_point(const mf_stop_flag *stop, size_t k, bool *warned,
		      const struct mf_log *log, struct mf_err *err)
{
	if (!mf_stop_requested(stop))
		return 0;
	if (!k)
		return mf_stop_err(stop, err,
				   "the write, before the first erase");
	if (mf_stop_hard(stop))
		return mf_stop_err(stop, err,
				   "the write (stopped between two commands)");
	if (!*warned)
		mf_log(log, MF_LOG_WARN,
		       "stopping once the write is complete and verified: the "
		       "boot loader stays erased until it is programmed at the "
		       "end (signal again to stop at the next command; the "
		       "module then boots into EDL)");
	*warned = true;
	return 0;
}

int flash_write(struct fh_session *fh, const struct pkg *pkg,
		const mf_stop_flag *stop, struct flash_report *r,
		const struct mf_log *log, struct mf_err *err)
{
	return flash_write_some(fh, pkg, NULL, NULL, stop, r, log, err);
}

int flash_write_some(struct fh_session *fh, const struct pkg *pkg,
		     const bool *skip, const uint64_t *from,
		     const mf_stop_flag *stop, struct flash_report *r,
		     const struct mf_log *log, struct mf_err *err)
{
	size_t *order = calloc(pkg->ncmds + 1, sizeof(*order));
	bool nand = !strcasecmp(fh->memory[0] ? fh->memory : "nand", "nand");
	struct stage_progress sp;
	bool warned = false;
	uint64_t total;
	size_t n;
	long nord;
	int rc = 0;

	if (!order) {
		rc = mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		goto out;
	}
	rc = check_first(fh, pkg, err);
	if (rc)
		goto out;
	nord = plan_pkg_order(pkg, nand, order);
	if (nord < 0) {
		rc = mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		goto out;
	}
	n = (size_t)nord;
	total = flash_program_total_some(pkg, skip);
	for (size_t i = 0; from && i < pkg->ncmds; i++)
		if (pkg->cmds[i].op == PKG_OP_PROGRAM && pkg->cmds[i].present)
			total -= from[i] * pkg->cmds[i].sector_size;
	stage_progress_begin(&sp, fh, log, "program", total);
	for (size_t k = 0; k < n && !rc; k++) {
		if (skip && skip[order[k]])
			continue; /* resume: already on the module */
		/* "before the first erase" means nothing written yet */
		rc = safe_point(stop, r->wrote, &warned, log, err);
		if (!rc)
			rc = run_line(fh, pkg, &pkg->cmds[order[k]],
				      from ? from[order[k]] : 0, &sp, r, log,
				      err);
	}
	stage_progress_end(&sp);
	if (!rc && pkg->npatches && (!skip || r->wrote)) {
		flash_stage_enter(r, "patch");
		rc = run_patches(fh, pkg, log);
	}
out:
	free(order);
	/* a restore that went on past a refused partition still failed */
	if (!rc && r->persistent)
		rc = err->code ? err->code
			       : mf_err_set(err, MF_FAILED, -EREMOTEIO,
					    "the module refused a partition "
					    "for good (see above)");
	return rc;
}
