// SPDX-License-Identifier: BSD-3-Clause
/*
 * verify PKG: the module's partitions against a package, by digest (or
 * read back), writing nothing. The question is the one a resumed flash
 * asks (resume_scan); here the answer is the report.
 */
#include "ops/update/flash_compare.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/update/flash_int.h"
#include "ops/update/resume.h"

int flash_compare(struct fh_session *fh, const struct pkg *pkg,
		  struct flash_report *r, const struct mf_log *log,
		  struct mf_err *err)
{
	bool *there = calloc(pkg->ncmds + 1, sizeof(*there));
	struct resume_result res;
	int rc;

	if (!there)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	rc = resume_scan(fh, pkg, there, NULL, &res, "verify", log, err);
	if (rc)
		goto out;
	snprintf(r->verified, sizeof(r->verified), "%s",
		 res.by_digest ? "digest" : "readback");
	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];
		struct flash_part_stat *p;

		if (c->op != PKG_OP_PROGRAM || !c->present || !c->file_size)
			continue;
		p = flash_part_get(r, pkg_cmd_partition(pkg, c));
		if (!p)
			continue;
		p->bytes += c->file_size;
		p->equal = p->equal && there[i];
		r->bytes_read += c->file_size;
	}
	for (size_t i = 0; i < r->nparts; i++) {
		if (!r->parts[i].equal)
			r->ndiffer++;
		mf_log(log, MF_LOG_INFO, "verify: %s %s", r->parts[i].name,
		       r->parts[i].equal ? "holds the package's image"
					 : "differs from the package");
	}
out:
	free(there);
	return rc;
}

int flash_compare_verdict(const struct flash_report *r, const char *package,
			  struct mf_err *err)
{
	char names[MF_ERR_MSG_MAX / 2];
	size_t off = 0;

	if (!r->ndiffer)
		return 0;
	names[0] = '\0';
	for (size_t i = 0; i < r->nparts && off < sizeof(names); i++) {
		if (r->parts[i].equal)
			continue;
		off += (size_t)snprintf(names + off, sizeof(names) - off,
					"%s%s", off ? ", " : "",
					r->parts[i].name);
	}
	mf_err_set(err, MF_MISMATCH, -EBADMSG,
		   "%zu of %zu partitions differ from the package: %s",
		   r->ndiffer, r->nparts, names);
	mf_err_hint(err,
		    "nothing was written; to make the module hold the "
		    "package, flash it: modemflash -d %s flash %s",
		    r->usb_path, package);
	return -EBADMSG;
}
