// SPDX-License-Identifier: BSD-3-Clause
/* After the write: every image by digest, or read back, as asked. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops/update/flash_int.h"
#include "ops/update/flash_verify.h"

static int readback_one(struct fh_session *fh, const struct pkg_cmd *c,
			struct fh_msg_attr *a, size_t na, uint8_t got[32],
			struct mf_err *err)
{
	char tmpl[] = "/tmp/modemflash-verify-XXXXXX";
	uint64_t sectors = c->file_sectors;
	char num[24];
	int fd, rc;

	fd = mkstemp(tmpl);
	if (fd < 0)
		return mf_err_set(err, MF_FAILED, -errno,
				  "cannot create a temporary file: %s",
				  strerror(errno));
	unlink(tmpl);
	snprintf(num, sizeof(num), "%" PRIu64, sectors);
	for (size_t i = 0; i < na; i++)
		if (!strcmp(a[i].name, "num_partition_sectors"))
			a[i].value = num;
	rc = fh_read(fh, a, na, fd);
	if (!rc)
		rc = sha256_fd(fd, c->file_size, c->file_size, got);
	close(fd);
	return rc;
}

int flash_image_digests(struct fh_session *fh, const struct pkg_cmd *c,
			bool digest, uint8_t want[32], uint8_t got[32],
			struct mf_err *err)
{
	struct fh_msg_attr a[PKG_MAX_ATTRS];
	size_t na = flash_cmd_attrs(c, a, PKG_MAX_ATTRS);
	uint64_t pad = c->file_sectors * (c->sector_size ? c->sector_size : 1);
	char num[24];
	int fd, rc;

	if (c->has_sha256) {
		/* hashed with its md5 when the package was opened */
		memcpy(want, digest ? c->sha256_padded : c->sha256_file, 32);
	} else {
		fd = open(c->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return mf_err_set(err, MF_BAD_PACKAGE, -errno,
					  "cannot open %s", c->path);
		rc = sha256_fd(fd, c->file_size, digest ? pad : c->file_size,
			       want);
		close(fd);
		if (rc)
			return mf_err_set(err, MF_FAILED, rc, "cannot read %s",
					  c->path);
	}
	if (!digest)
		return readback_one(fh, c, a, na, got, err);
	snprintf(num, sizeof(num), "%" PRIu64, c->file_sectors);
	for (size_t i = 0; i < na; i++)
		if (!strcmp(a[i].name, "num_partition_sectors"))
			a[i].value = num;
	return fh_sha256_digest(fh, a, na, got);
}

static int verify_one(struct fh_session *fh, const struct pkg *pkg,
		      const struct pkg_cmd *c, bool digest,
		      struct flash_report *r, const struct mf_log *log,
		      struct mf_err *err)
{
	const char *part = pkg_cmd_partition(pkg, c);
	struct flash_part_stat *ps;
	uint8_t want[32], got[32];
	char hw[65], hg[65];
	int rc;

	ps = NULL; /* this run's row of the partition, if it wrote it */
	for (size_t i = 0; i < r->nparts && !ps; i++)
		if (!strcmp(r->parts[i].name, part ? part : "?"))
			ps = &r->parts[i];
	if (digest && ps && ps->checked) {
		/* a resumed image: checked whole before the SBL came */
		mf_log(log, MF_LOG_INFO,
		       "verified %s (by digest, when its rest was written)",
		       part ? part : c->filename);
		ps->verified = true;
		return 0;
	}
	rc = flash_image_digests(fh, c, digest, want, got, err);
	if (rc)
		return rc;
	if (memcmp(want, got, 32)) {
		hex_str(want, 32, hw);
		hex_str(got, 32, hg);
		mf_err_set(err, MF_MISMATCH, -EBADMSG,
			   "verification failed for %s: the package has "
			   "SHA-256 %s, the module %s",
			   part ? part : c->filename, hw, hg);
		mf_err_hint(err, "run the same command again; if it fails "
				 "again the flash memory may be worn");
		return -EBADMSG;
	}
	mf_log(log, MF_LOG_INFO, "verified %s", part ? part : c->filename);
	/* a partition this run programmed: its row says verified */
	for (size_t i = 0; i < r->nparts; i++)
		if (!strcmp(r->parts[i].name, part ? part : "?"))
			r->parts[i].verified = true;
	return 0;
}

int flash_verify(struct fh_session *fh, const struct pkg *pkg,
		 enum flash_verify how, struct flash_report *r,
		 const struct mf_log *log, struct mf_err *err)
{
	bool digest = fh_supports(fh, "getsha256digest");
	uint64_t total = flash_program_total(pkg), done = 0;
	struct stage_progress quiet;
	int rc = 0;

	if (how == FLASH_VERIFY_NONE || (how == FLASH_VERIFY_AUTO && !digest)) {
		snprintf(r->verified, sizeof(r->verified), "none");
		if (how == FLASH_VERIFY_AUTO)
			mf_log(log, MF_LOG_WARN,
			       "the programmer has no getsha256digest: not "
			       "verified (use --verify=readback)");
		return 0;
	}
	if (how == FLASH_VERIFY_DIGEST && !digest)
		return mf_err_set(
			err, MF_FAILED, -ENOTSUP,
			"the programmer does not support getsha256digest");
	if (how == FLASH_VERIFY_READBACK)
		digest = false;
	flash_stage_enter(r, "verify");
	snprintf(r->verified, sizeof(r->verified), "%s",
		 digest ? "digest" : "readback");
	for (size_t i = 0; i < pkg->ncmds && !rc; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];

		if (c->op != PKG_OP_PROGRAM || !c->present || !c->file_size)
			continue;
		/* one bar for the stage: a read-back's own is held back */
		stage_progress_quiet(&quiet, fh);
		rc = verify_one(fh, pkg, c, digest, r, log, err);
		if (rc == -EREMOTEIO && digest && how == FLASH_VERIFY_AUTO) {
			/* a programmer that lists it but refuses it: read back */
			mf_log(log, MF_LOG_WARN,
			       "the programmer refused getsha256digest (%s): "
			       "verifying by read-back",
			       err->msg);
			mf_err_clear(err);
			digest = false;
			snprintf(r->verified, sizeof(r->verified), "readback");
			rc = verify_one(fh, pkg, c, digest, r, log, err);
		}
		stage_progress_end(&quiet);
		done += c->file_size;
		mf_progress(log, "verify", done, total);
	}
	return rc;
}
