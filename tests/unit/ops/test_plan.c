// SPDX-License-Identifier: BSD-3-Clause
/*
 * The safe write order and the backup partition list (src/ops/update/plan.c),
 * the backup geometry of a package-less backup (backup.c) and the
 * revision the rules see for a bare AT+QGMR answer (identity.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>

#include "ops/update/backup.h"
#include "ops/identity.h"
#include "ops/update/plan.h"

static void test_sbl_names(void **state)
{
	(void)state;
	assert_true(plan_is_sbl("SBL"));
	assert_true(plan_is_sbl("0:SBL"));
	assert_true(plan_is_sbl("sbl1"));
	assert_false(plan_is_sbl("MIBIB"));
	assert_false(plan_is_sbl("sbl_backup_image"));
	assert_false(plan_is_sbl(NULL));
}

/* The XML of a BG95 package: erase/program pairs, SBL first. */
static const struct plan_item bg95[] = {
	{ PKG_OP_ERASE, true, false, 0 },  { PKG_OP_PROGRAM, true, false, 0 },
	{ PKG_OP_ERASE, false, false, 0 }, { PKG_OP_PROGRAM, false, false, 0 },
	{ PKG_OP_ERASE, false, false, 0 }, { PKG_OP_PROGRAM, false, false, 0 },
};

static void test_nand_order(void **state)
{
	size_t order[6];
	const size_t want[6] = { 0, 2, 3, 4, 5, 1 };

	(void)state;
	assert_int_equal(plan_order(bg95, 6, true, order), 6);
	assert_memory_equal(order, want, sizeof(want));
}

static void test_other_memory_keeps_xml_order(void **state)
{
	size_t order[6];
	const size_t want[6] = { 0, 1, 2, 3, 4, 5 };

	(void)state;
	assert_int_equal(plan_order(bg95, 6, false, order), 6);
	assert_memory_equal(order, want, sizeof(want));
}

/* SBL in the middle of the file, two SBL lines, a vendor line. */
static void test_sbl_anywhere(void **state)
{
	const struct plan_item items[] = {
		{ PKG_OP_ERASE, false, false, 0 },
		{ PKG_OP_OTHER, false, false, 0 },
		{ PKG_OP_PROGRAM, true, false, 0 },
		{ PKG_OP_ERASE, true, false, 0 },
		{ PKG_OP_PROGRAM, false, false, 0 },
	};
	const size_t want[5] = { 3, 0, 1, 4, 2 };
	size_t order[5];

	(void)state;
	assert_int_equal(plan_order(items, 5, true, order), 5);
	assert_memory_equal(order, want, sizeof(want));
}

/*
 * The real EG25-G update XML (tests/fixtures/real/xml): program SBL, MIBIB, TZ;
 * erase RPM; erase+program aboot ... system; erase TZ, MIBIB, SBL;
 * program RPM. MIBIB and TZ must be erased before they are programmed.
 */
static void test_eg25_order(void **state)
{
	const enum pkg_op E = PKG_OP_ERASE, P = PKG_OP_PROGRAM;
	const struct plan_item items[] = {
		{ P, true, true, 0 },	   /* 0 program SBL */
		{ P, false, true, 640 },   /* 1 program MIBIB */
		{ P, false, true, 13184 }, /* 2 program TZ */
		{ E, false, true, 13952 }, /* 3 erase RPM */
		{ E, false, true, 15552 }, /* 4 erase aboot */
		{ P, false, true, 15552 }, /* 5 program aboot */
		{ E, false, true, 13184 }, /* 6 erase TZ */
		{ E, false, true, 640 },   /* 7 erase MIBIB */
		{ E, true, true, 0 },	   /* 8 erase SBL */
		{ P, false, true, 13952 }, /* 9 program RPM */
	};
	const size_t want[10] = { 8, 7, 1, 6, 2, 3, 4, 5, 9, 0 };
	size_t order[10];

	(void)state;
	assert_int_equal(plan_order(items, 10, true, order), 10);
	assert_memory_equal(order, want, sizeof(want));
}

static void test_backup_parts(void **state)
{
	struct pkg_cmd cmds[3];
	struct pkg pkg;
	struct plan_part parts[8];
	size_t n;

	(void)state;
	memset(&pkg, 0, sizeof(pkg));
	memset(cmds, 0, sizeof(cmds));
	pkg.geo.pages_per_block = 64;
	pkg.geo.page_size = 2048;
	/* erase + program of modem (start 24256), program of SBL (start 0) */
	cmds[0] = (struct pkg_cmd){ .op = PKG_OP_ERASE,
				    .label = "modem",
				    .start_sector = 24256,
				    .part_sectors = 27392,
				    .has_part_sectors = true };
	cmds[1] = (struct pkg_cmd){ .op = PKG_OP_PROGRAM,
				    .label = "modem",
				    .start_sector = 24256,
				    .part_sectors = 27392,
				    .has_part_sectors = true };
	cmds[2] = (struct pkg_cmd){ .op = PKG_OP_PROGRAM,
				    .label = "SBL",
				    .start_sector = 0,
				    .part_sectors = 640,
				    .has_part_sectors = true };
	pkg.cmds = cmds;
	pkg.ncmds = 3;
	/* the MIBIB names EFS2 at block 20, 136 blocks: calibration */
	pkg.has_mibib = true;
	pkg.mibib.n = 2;
	snprintf(pkg.mibib.parts[0].name, 17, "0:EFS2");
	pkg.mibib.parts[0].start = 20;
	pkg.mibib.parts[0].length = 136;
	snprintf(pkg.mibib.parts[1].name, 17, "0:TZ");
	pkg.mibib.parts[1].start = 206;
	pkg.mibib.parts[1].length = 12;
	n = plan_backup_parts(&pkg, parts, 8);
	assert_int_equal(n, 3);
	assert_string_equal(parts[0].name, "SBL");
	assert_int_equal(parts[0].sectors, 640);
	assert_string_equal(parts[1].name, "EFS2");
	assert_int_equal(parts[1].start, 20 * 64);
	assert_int_equal(parts[1].sectors, 136 * 64);
	assert_true(parts[1].calibration);
	assert_string_equal(parts[2].name, "modem");
	assert_false(parts[2].calibration);
}

static void test_backup_geometry(void **state)
{
	struct backup_src s;

	(void)state;
	assert_int_equal(backup_src_geo(&s, "p.elf", 2048, 131072), 0);
	assert_int_equal(s.pages_per_block, 64);
	assert_string_equal(s.geometry, "p2K_b128K");
	assert_int_equal(backup_src_geo(&s, "p.elf", 4096, 262144), 0);
	assert_string_equal(s.geometry, "p4K_b256K");
	/* what a hostile or confused programmer might report */
	assert_int_equal(backup_src_geo(&s, "p.elf", 0, 131072), -EINVAL);
	assert_int_equal(backup_src_geo(&s, "p.elf", 2048, 0), -EINVAL);
	assert_int_equal(backup_src_geo(&s, "p.elf", 2048, 3000), -EINVAL);
	assert_int_equal(backup_src_geo(&s, "p.elf", 1u << 20, 1u << 24),
			 -EINVAL);
	assert_int_equal(backup_src_geo(&s, "p.elf", 512, 512u * 8192),
			 -EINVAL);
}

static void rules_rev(const char *ati, const char *qgmr, const char *want)
{
	struct mod_ident id;

	memset(&id, 0, sizeof(id));
	snprintf(id.at.revision, sizeof(id.at.revision), "%s", ati);
	snprintf(id.at.full_revision, sizeof(id.at.full_revision), "%s", qgmr);
	ident_rules_revision(&id, NULL);
	assert_string_equal(id.rules_rev, want);
}

static void test_bare_revision(void **state)
{
	(void)state;
	assert_int_equal(ident_bare_version("01.009"), 2);
	assert_int_equal(ident_bare_version("01.009.01.009"), 4);
	assert_int_equal(ident_bare_version("BG95M3LAR02A03_01.009.01.009"), 0);
	assert_int_equal(ident_bare_version(""), 0);
	assert_int_equal(ident_bare_version("01.0a9"), 0);
	/* ATI "Revision: BG95M3LAR02A03", AT+QGMR "01.009" */
	rules_rev("BG95M3LAR02A03", "01.009", "BG95M3LAR02A03_01.009.01.009");
	rules_rev("EG25GGBR07A08M2G", "30.006.30.006",
		  "EG25GGBR07A08M2G_30.006.30.006");
	/* a whole AT+QGMR answer is kept as it is */
	rules_rev("BG95M3LAR02A03", "BG95M3LAR02A03_01.014.01.014",
		  "BG95M3LAR02A03_01.014.01.014");
	/* no baseline on ATI either: nothing to join */
	rules_rev("01.009", "01.009", "01.009");
	rules_rev("", "01.009", "01.009");
	/* something that is not a version stays as it is */
	rules_rev("BG95M3LAR02A03", "garbage", "garbage");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbl_names),
		cmocka_unit_test(test_nand_order),
		cmocka_unit_test(test_other_memory_keeps_xml_order),
		cmocka_unit_test(test_sbl_anywhere),
		cmocka_unit_test(test_eg25_order),
		cmocka_unit_test(test_backup_parts),
		cmocka_unit_test(test_backup_geometry),
		cmocka_unit_test(test_bare_revision),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
