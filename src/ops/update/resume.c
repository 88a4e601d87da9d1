// SPDX-License-Identifier: BSD-3-Clause
/*
 * Resuming a flash that was cut: before writing, ask the module which of
 * the package's images it already holds (getsha256digest over the image's
 * sectors, or a read-back when the programmer has no digest) and leave
 * those lines out. What remains keeps the safe order of plan_order(): on
 * NAND the SBL is erased first and programmed last whenever anything at
 * all is written, even when its own digest matches, so that a module cut
 * again half way still falls back to EDL instead of booting a mix.
 *
 * A big image cut half way is resumed inside itself: programs write in
 * order, so the module holds a run of the image's start. The digests of a
 * few chunks (a binary search for the first chunk that differs, the last
 * chunk first so that an image not there costs one chunk, not a whole
 * read) find where it ends; only the rest is erased and programmed, and
 * the whole image is then checked at once before anything comes after it
 * (flash_write.c), so that a start that only looked held (a bad block
 * moved it, a gap) is written whole again.
 */
#include "ops/update/resume.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ops/update/flash_int.h"
#include "ops/update/flash_verify.h"
#include "ops/update/plan.h"

#define RESUME_CHUNK	  (2u << 20) /* bytes a chunk asks about */
#define RESUME_MIN_CHUNKS 4	     /* smaller images go whole */

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

static bool is_nand(const struct fh_session *fh)
{
	return !strcasecmp(fh->memory[0] ? fh->memory : "nand", "nand");
}

/* Sectors per chunk: whole erase blocks. */
static uint64_t chunk_sectors(const struct pkg_cmd *c)
{
	uint64_t n = RESUME_CHUNK / c->sector_size;

	n -= n % c->pages_per_block;
	return n ? n : c->pages_per_block;
}

bool resume_split_ok(struct fh_session *fh, const struct pkg *pkg,
		     const struct pkg_cmd *c)
{
	const struct pkg_cmd *e = flash_erase_of(pkg, c);

	return is_image(c) && is_nand(fh) && c->sector_size &&
	       c->pages_per_block && e && e->has_part_sectors &&
	       e->part_sectors >= c->file_sectors &&
	       !plan_is_sbl(pkg_cmd_partition(pkg, c)) &&
	       fh_supports(fh, "getsha256digest") &&
	       c->file_sectors >= RESUME_MIN_CHUNKS * chunk_sectors(c);
}

/* Does the module hold chunk k of c? 1 yes, 0 no, < 0 error. */
static int chunk_there(struct fh_session *fh, const struct pkg_cmd *c,
		       uint64_t k, struct mf_err *err)
{
	uint64_t cs = chunk_sectors(c), s0 = k * cs, ss = c->sector_size;
	uint64_t n = c->file_sectors - s0 < cs ? c->file_sectors - s0 : cs;
	uint64_t off = s0 * ss;
	uint64_t len =
		c->file_size - off < n * ss ? c->file_size - off : n * ss;
	struct fh_msg_attr a[PKG_MAX_ATTRS];
	size_t na = flash_cmd_attrs(c, a, PKG_MAX_ATTRS);
	uint8_t want[32], got[32];
	char st[24], num[24];
	int fd, rc;

	fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mf_err_set(err, MF_BAD_PACKAGE, -errno, "cannot open %s",
				  c->path);
	rc = sha256_range(fd, off, len, n * ss, want);
	close(fd);
	if (rc)
		return mf_err_set(err, MF_FAILED, rc, "cannot read %s",
				  c->path);
	snprintf(st, sizeof(st), "%" PRIu64, c->start_sector + s0);
	snprintf(num, sizeof(num), "%" PRIu64, n);
	flash_attr_set(a, na, "start_sector", st);
	flash_attr_set(a, na, "num_partition_sectors", num);
	rc = fh_sha256_digest(fh, a, na, got);
	if (rc)
		return rc;
	return !memcmp(want, got, 32);
}

/*
 * How many sectors of c's start the module holds: the first chunk that
 * differs, by binary search below the last one (known to differ). A gap
 * the search steps over is found by the whole check after the write.
 */
static int held_start(struct fh_session *fh, const struct pkg_cmd *c,
		      uint64_t *held, struct mf_err *err)
{
	uint64_t cs = chunk_sectors(c), lo = 0;
	uint64_t hi = (c->file_sectors + cs - 1) / cs - 1;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		int rc = chunk_there(fh, c, mid, err);

		if (rc < 0)
			return rc;
		if (rc)
			lo = mid + 1;
		else
			hi = mid;
	}
	*held = lo * cs;
	return 0;
}

/* One image: there (1), not (0), < 0 error; held as resume_scan's. */
static int scan_one(struct fh_session *fh, const struct pkg *pkg,
		    const struct pkg_cmd *c, bool *digest, uint64_t *held,
		    const struct mf_log *log, struct mf_err *err)
{
	bool split = resume_split_ok(fh, pkg, c) && *digest;
	int rc = 1;

	if (held)
		*held = 0;
	if (split) /* the last chunk: an image not there costs one chunk */
		rc = chunk_there(fh, c,
				 (c->file_sectors - 1) / chunk_sectors(c), err);
	if (rc == -EREMOTEIO) { /* refused: image_there says what then */
		mf_err_clear(err);
		split = false;
		rc = 1;
	}
	if (rc == 1)
		rc = image_there(fh, c, digest, log, err);
	if (rc || !split || !held)
		return rc;
	return held_start(fh, c, held, err);
}

int resume_scan(struct fh_session *fh, const struct pkg *pkg, bool *there,
		uint64_t *held, struct resume_result *res, const char *progress,
		const struct mf_log *log, struct mf_err *err)
{
	bool digest = fh_supports(fh, "getsha256digest");
	uint64_t total = 0, done = 0;
	struct stage_progress quiet;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < pkg->ncmds; i++) {
		there[i] = false;
		if (held)
			held[i] = 0;
		if (is_image(&pkg->cmds[i]))
			total += pkg->cmds[i].file_size;
	}
	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];

		if (!is_image(c))
			continue;
		if (progress)
			stage_progress_quiet(&quiet, fh);
		rc = scan_one(fh, pkg, c, &digest, held ? &held[i] : NULL, log,
			      err);
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

/* How many images an erase line goes with; first: the first one. */
static size_t tied_images(const struct pkg *pkg, const struct pkg_cmd *e,
			  size_t *first)
{
	size_t n = 0;

	for (size_t j = 0; j < pkg->ncmds; j++) {
		if (!is_image(&pkg->cmds[j]) ||
		    !erase_tied_to(pkg, e, &pkg->cmds[j]))
			continue;
		if (!n++ && first)
			*first = j;
	}
	return n;
}

static void tell_plan(const struct pkg *pkg, const bool *there,
		      const uint64_t *held, const struct mf_log *log)
{
	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];
		const char *part = pkg_cmd_partition(pkg, c);

		if (!is_image(c))
			continue;
		if (held[i])
			mf_log(log, MF_LOG_INFO,
			       "resume: %s cut half way: its first %" PRIu64
			       " of %" PRIu64
			       " sectors are on the module, writing the rest",
			       part ? part : c->filename, held[i],
			       c->file_sectors);
		else
			mf_log(log, MF_LOG_INFO, "resume: %s %s",
			       part ? part : c->filename,
			       there[i] ? "already on the module" : "to write");
	}
}

/*
 * An erase goes with its programs: left out when they all are there,
 * resumed with the one image it erases for when that image is split, run
 * whole otherwise, and then none of its images is left out (the erase
 * would take them away).
 */
static void plan_erase(const struct pkg *pkg, size_t i, bool *there,
		       uint64_t *held, bool *skip, uint64_t *from)
{
	const struct pkg_cmd *e = &pkg->cmds[i];
	size_t first = 0, n = tied_images(pkg, e, &first);
	bool all_there = n > 0;

	for (size_t j = 0; j < pkg->ncmds; j++)
		if (is_image(&pkg->cmds[j]) &&
		    erase_tied_to(pkg, e, &pkg->cmds[j]))
			all_there = all_there && there[j];
	if (all_there) {
		skip[i] = true;
		return;
	}
	if (n == 1 && held[first] &&
	    flash_erase_of(pkg, &pkg->cmds[first]) == e) {
		from[i] = from[first] = held[first];
		return;
	}
	for (size_t j = 0; j < pkg->ncmds; j++)
		if (is_image(&pkg->cmds[j]) &&
		    erase_tied_to(pkg, e, &pkg->cmds[j])) {
			there[j] = false;
			held[j] = 0;
		}
}

int resume_plan(struct fh_session *fh, const struct pkg *pkg, bool nand,
		bool *skip, uint64_t *from, struct resume_result *res,
		const struct mf_log *log, struct mf_err *err)
{
	bool *there = calloc(pkg->ncmds + 1, sizeof(*there));
	uint64_t *held = calloc(pkg->ncmds + 1, sizeof(*held));
	int rc;

	if (!there || !held) {
		rc = mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < pkg->ncmds; i++) {
		skip[i] = false;
		from[i] = 0;
	}
	rc = resume_scan(fh, pkg, there, held, res, "resume", log, err);
	if (rc)
		goto out;
	if (res->complete) {
		tell_plan(pkg, there, held, log);
		/* the whole package is there: nothing to erase or program */
		for (size_t i = 0; i < pkg->ncmds; i++)
			skip[i] = pkg->cmds[i].op == PKG_OP_ERASE ||
				  pkg->cmds[i].op == PKG_OP_PROGRAM;
		goto out;
	}
	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];

		if (nand && plan_is_sbl(pkg_cmd_partition(pkg, c)))
			there[i] = false; /* erased first, programmed last */
		else if (c->op == PKG_OP_ERASE)
			plan_erase(pkg, i, there, held, skip, from);
	}
	res->kept = res->split = 0;
	res->kept_bytes = res->missing_bytes = 0;
	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];
		uint64_t have = from[i] * c->sector_size;

		if (!is_image(c))
			continue;
		skip[i] = there[i];
		if (!from[i])
			held[i] = 0; /* not split after all: written whole */
		if (there[i]) {
			res->kept++;
			res->kept_bytes += c->file_size;
			continue;
		}
		res->split += from[i] > 0;
		res->kept_bytes += have;
		res->missing_bytes += c->file_size - have;
	}
	tell_plan(pkg, there, held, log);
out:
	free(there);
	free(held);
	return rc;
}
