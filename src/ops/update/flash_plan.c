// SPDX-License-Identifier: BSD-3-Clause
#include "ops/update/flash_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ops/update/plan.h"

/*
 * --dry-run: what flash would read and write, in its order, from the
 * package alone (the same planners as take_backup and flash_write).
 */
int flash_dry_plan(const struct pkg *pkg, bool with_backup,
		   struct flash_plan *p, struct mf_err *err)
{
	struct plan_part parts[PLAN_MAX_PARTS];
	uint32_t page = pkg->geo.page_size ? pkg->geo.page_size : 512;
	size_t *order, n;
	long nord;

	if (with_backup) {
		n = plan_backup_parts(pkg, parts, PLAN_MAX_PARTS);
		for (size_t i = 0; i < n && i < FLASH_PLAN_MAX; i++) {
			struct flash_step *s = &p->backup[p->nbackup++];

			snprintf(s->op, sizeof(s->op), "read");
			snprintf(s->part, sizeof(s->part), "%.23s",
				 parts[i].name);
			s->bytes = parts[i].sectors * page;
			p->backup_bytes += s->bytes;
		}
	}
	order = calloc(pkg->ncmds + 1, sizeof(*order));
	nord = order ? plan_pkg_order(pkg, pkg->geo.page_size != 0, order)
		     : -ENOMEM;
	if (nord < 0) {
		free(order);
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	}
	n = (size_t)nord;
	for (size_t k = 0; k < n; k++) {
		const struct pkg_cmd *c = &pkg->cmds[order[k]];
		const char *part = pkg_cmd_partition(pkg, c);
		struct flash_step *s;

		if (c->op == PKG_OP_PROGRAM && (!c->present || !c->file_size))
			continue;
		if (c->op != PKG_OP_PROGRAM && c->op != PKG_OP_ERASE)
			continue;
		p->nwrite_all++;
		if (c->op == PKG_OP_PROGRAM)
			p->write_bytes += c->file_size;
		if (p->nwrite == FLASH_PLAN_MAX)
			continue;
		s = &p->write[p->nwrite++];
		snprintf(s->op, sizeof(s->op), "%s",
			 c->op == PKG_OP_PROGRAM ? "program" : "erase");
		snprintf(s->part, sizeof(s->part), "%s", part ? part : "?");
		s->bytes = c->op == PKG_OP_PROGRAM ? c->file_size : 0;
	}
	free(order);
	return 0;
}
