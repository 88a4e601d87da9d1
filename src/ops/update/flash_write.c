// SPDX-License-Identifier: BSD-3-Clause
/* The writing half of a flash: program in the safe order, then patch. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops/update/flash_int.h"
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
	uint64_t t = 0;

	for (size_t i = 0; i < pkg->ncmds; i++)
		if (pkg->cmds[i].op == PKG_OP_PROGRAM && pkg->cmds[i].present)
			t += pkg->cmds[i].file_size;
	return t;
}

static int program_one(struct fh_session *fh, const struct pkg_cmd *c,
		       struct fh_msg_attr *a, size_t na, struct mf_err *err)
{
	int fd, rc;

	fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mf_err_set(err, MF_BAD_PACKAGE, -errno,
				  "cannot open %s: %s", c->path,
				  strerror(errno));
	rc = fh_program(fh, a, na, fd, 0, c->file_size);
	close(fd);
	return rc;
}

static int run_line(struct fh_session *fh, const struct pkg *pkg,
		    const struct pkg_cmd *c, struct stage_progress *sp,
		    struct flash_report *r, const struct mf_log *log,
		    struct mf_err *err)
{
	const char *part = pkg_cmd_partition(pkg, c);
	struct fh_msg_attr a[PKG_MAX_ATTRS];
	size_t na = flash_cmd_attrs(c, a, PKG_MAX_ATTRS);
	int rc;

	if (c->op == PKG_OP_ERASE) {
		mf_log(log, MF_LOG_INFO, "erase %s", part ? part : "?");
		snprintf(r->stage, sizeof(r->stage), "erase");
		r->wrote = true;
		return fh_erase(fh, a, na);
	}
	if (c->op != PKG_OP_PROGRAM || !c->present || !c->file_size)
		return 0;
	mf_log(log, MF_LOG_INFO, "program %s (%" PRIu64 " bytes)",
	       part ? part : "?", c->file_size);
	snprintf(r->stage, sizeof(r->stage), "program");
	r->wrote = true;
	rc = program_one(fh, c, a, na, err);
	if (!rc) {
		sp->base += c->file_size;
		r->bytes_written += c->file_size;
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

int flash_write(struct fh_session *fh, const struct pkg *pkg,
		struct flash_report *r, const struct mf_log *log,
		struct mf_err *err)
{
	struct plan_item *items = calloc(pkg->ncmds + 1, sizeof(*items));
	size_t *order = calloc(pkg->ncmds + 1, sizeof(*order));
	bool nand = !strcasecmp(fh->memory[0] ? fh->memory : "nand", "nand");
	struct stage_progress sp;
	size_t n;
	int rc = 0;

	if (!items || !order) {
		rc = mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < pkg->ncmds; i++) {
		items[i].op = pkg->cmds[i].op;
		items[i].sbl =
			plan_is_sbl(pkg_cmd_partition(pkg, &pkg->cmds[i]));
		items[i].has_start = pkg->cmds[i].start.kind == PKG_V_NUM;
		items[i].start = pkg->cmds[i].start_sector;
	}
	n = plan_order(items, pkg->ncmds, nand, order);
	stage_progress_begin(&sp, fh, log, "program", flash_program_total(pkg));
	for (size_t k = 0; k < n && !rc; k++)
		rc = run_line(fh, pkg, &pkg->cmds[order[k]], &sp, r, log, err);
	stage_progress_end(&sp);
	if (!rc) {
		snprintf(r->stage, sizeof(r->stage), "patch");
		rc = run_patches(fh, pkg, log);
	}
out:
	free(items);
	free(order);
	return rc;
}
