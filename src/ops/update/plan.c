// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ops/update/plan.h"

/* Boot-loader partition names seen in Qualcomm NAND tables. */
static const char *const sbl_names[] = { "SBL", "SBL1", "SBL2", "sbl1_a" };

bool plan_is_sbl(const char *name)
{
	if (!name)
		return false;
	if (name[0] && name[1] == ':') /* MIBIB names: "0:SBL" */
		name += 2;
	for (size_t i = 0; i < sizeof(sbl_names) / sizeof(sbl_names[0]); i++)
		if (!strcasecmp(name, sbl_names[i]))
			return true;
	return false;
}

static bool in_order(const size_t *order, size_t k, size_t i)
{
	for (size_t m = 0; m < k; m++)
		if (order[m] == i)
			return true;
	return false;
}

size_t plan_order(const struct plan_item *items, size_t n, bool nand,
		  size_t *order)
{
	size_t k = 0;

	if (!nand) {
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		return n;
	}
	for (size_t i = 0; i < n; i++)
		if (items[i].sbl && items[i].op == PKG_OP_ERASE)
			order[k++] = i;
	for (size_t i = 0; i < n; i++) {
		if ((items[i].sbl && items[i].op != PKG_OP_OTHER) ||
		    in_order(order, k, i))
			continue;
		/* a later erase of the same range goes first */
		for (size_t j = i + 1; items[i].op == PKG_OP_PROGRAM &&
				       items[i].has_start && j < n;
		     j++)
			if (!items[j].sbl && items[j].op == PKG_OP_ERASE &&
			    items[j].has_start &&
			    items[j].start == items[i].start &&
			    !in_order(order, k, j))
				order[k++] = j;
		order[k++] = i;
	}
	for (size_t i = 0; i < n; i++)
		if (items[i].sbl && items[i].op == PKG_OP_PROGRAM)
			order[k++] = i;
	return k;
}

static int by_start(const void *a, const void *b)
{
	const struct plan_part *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static size_t add_part(struct plan_part *out, size_t n, size_t cap,
		       const char *name, uint64_t start, uint64_t sectors,
		       bool cal)
{
	for (size_t i = 0; i < n; i++) {
		if (out[i].start != start)
			continue;
		if (sectors > out[i].sectors)
			out[i].sectors = sectors;
		out[i].calibration |= cal;
		return n;
	}
	if (n >= cap || !sectors)
		return n;
	memset(&out[n], 0, sizeof(out[n]));
	snprintf(out[n].name, sizeof(out[n].name), "%s",
		 name && *name ? name : "part");
	out[n].start = start;
	out[n].sectors = sectors;
	out[n].calibration = cal;
	return n + 1;
}

size_t plan_backup_parts(const struct pkg *pkg, struct plan_part *out,
			 size_t cap)
{
	uint32_t ppb = pkg->geo.pages_per_block;
	size_t n = 0;

	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];
		uint64_t sectors = c->part_sectors;

		if (c->op == PKG_OP_OTHER || c->whole_disk ||
		    c->start.kind != PKG_V_NUM)
			continue;
		if (!c->has_part_sectors || !sectors)
			sectors = c->file_sectors;
		n = add_part(out, n, cap, pkg_cmd_partition(pkg, c),
			     c->start_sector, sectors,
			     pkg_is_calibration(pkg_cmd_partition(pkg, c)));
	}
	for (size_t i = 0; pkg->has_mibib && ppb && i < pkg->mibib.n; i++) {
		const struct pkg_mibib_part *p = &pkg->mibib.parts[i];
		const char *name =
			p->name[0] && p->name[1] == ':' ? p->name + 2 : p->name;

		if (!pkg_is_calibration(name))
			continue;
		n = add_part(out, n, cap, name, (uint64_t)p->start * ppb,
			     (uint64_t)p->length * ppb, true);
	}
	qsort(out, n, sizeof(out[0]), by_start);
	return n;
}

long plan_pkg_order(const struct pkg *pkg, bool nand, size_t *order)
{
	struct plan_item *items = calloc(pkg->ncmds + 1, sizeof(*items));
	size_t n;

	if (!items)
		return -ENOMEM;
	for (size_t i = 0; i < pkg->ncmds; i++) {
		items[i].op = pkg->cmds[i].op;
		items[i].sbl =
			plan_is_sbl(pkg_cmd_partition(pkg, &pkg->cmds[i]));
		items[i].has_start = pkg->cmds[i].start.kind == PKG_V_NUM;
		items[i].start = pkg->cmds[i].start_sector;
	}
	n = plan_order(items, pkg->ncmds, nand, order);
	free(items);
	return (long)n;
}
