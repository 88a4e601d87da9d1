/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_PLAN_H
#define MF_OPS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkg/pkg.h"

/*
 * The order in which a package's rawprogram lines are sent (docs/design.md
 * "The safe update", step 7). On NAND the boot ROM looks for a valid SBL
 * at power-on: erasing SBL first makes an interrupted flash boot into EDL
 * (recoverable) instead of a half-written image, and programming SBL last
 * means a valid SBL exists only once everything else is written. eMMC and
 * other memories keep the XML's order.
 */
struct plan_item {
	enum pkg_op op;
	bool sbl;	/* the line targets the SBL partition */
	bool has_start; /* start is a number (not an expression) */
	uint64_t start;
};

/* True when a partition name is a secondary boot loader ("SBL", "sbl1"). */
bool plan_is_sbl(const char *name);

/*
 * Fill order[0..n) with indices into items: on NAND, SBL erases first,
 * the other lines in their order, SBL programs last; otherwise 0..n-1.
 * A program whose range the file erases only later (the real EG25-G XML
 * programs MIBIB and TZ first and erases them near the end) gets that
 * erase before it: a NAND page takes a program only once erased.
 * Returns n.
 */
size_t plan_order(const struct plan_item *items, size_t n, bool nand,
		  size_t *order);

/*
 * plan_order over a package's lines: order (room for pkg->ncmds) gets the
 * indices into pkg->cmds in the order they are sent. Returns the count, or
 * -ENOMEM.
 */
long plan_pkg_order(const struct pkg *pkg, bool nand, size_t *order);

/* One partition to read for a backup, in Firehose sectors (NAND pages). */
struct plan_part {
	char name[24];
	uint64_t start;
	uint64_t sectors;
	bool calibration;
};

#define PLAN_MAX_PARTS 64

/*
 * Partitions a backup must hold for this package: every partition its
 * lines touch (by start sector, each once) plus the calibration
 * partitions of the package's partition table (MIBIB), sorted by start.
 * Lines whose start is an expression, or whole-disk erases, are skipped.
 * Returns the count (<= cap).
 */
size_t plan_backup_parts(const struct pkg *pkg, struct plan_part *out,
			 size_t cap);

#endif
