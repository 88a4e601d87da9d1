// SPDX-License-Identifier: BSD-3-Clause
/* NAND rules, provisioning and the boot ROM's decisions. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "core_double.h"
#include "sim/edl/boot.h"
#include "sim/edl/content.h"
#include "sim/edl/nand.h"

static void nand_rules(void **state)
{
	struct sim *s = double_new(&test_profile);
	struct sim_nand *n = s->nand;
	uint8_t page[2048], back[2048];

	memset(page, 0x5a, sizeof(page));
	assert_int_equal(nand_read(n, 3, 1, back), 0);
	for (size_t i = 0; i < sizeof(back); i++)
		assert_int_equal(back[i], 0xff); /* erased state */
	assert_int_equal(nand_program(n, 3, page), 0);
	assert_int_equal(nand_read(n, 3, 1, back), 0);
	assert_memory_equal(back, page, sizeof(page));
	/* programming a non-erased page is an error, as on real NAND */
	assert_int_equal(nand_program(n, 3, page), -EEXIST);
	assert_int_equal(nand_erase(n, 0, 1), 0);
	assert_true(nand_page_erased(n, 3));
	assert_int_equal(nand_program(n, 3, page), 0);
	/* bounds */
	assert_int_equal(nand_program(n, 256 * 64, page), -ERANGE);
	assert_int_equal(nand_read(n, 256 * 64 - 1, 2, back), -ERANGE);
	assert_int_equal(nand_erase(n, 255, 2), -ERANGE);
	/* bad blocks refuse program and erase */
	assert_int_equal(nand_mark_bad(n, 7), 0);
	assert_int_equal(nand_mark_bad(n, 256), -ERANGE);
	assert_int_equal(nand_program(n, 7 * 64 + 1, page), -EIO);
	assert_int_equal(nand_erase(n, 6, 2), -EIO);
	double_free(s);
}

static void nand_persists_sparse(void **state)
{
	struct sim *s = double_new(&test_profile);
	char path[300];
	uint8_t page[2048], zero[2048] = { 0 }, back[2048];
	struct stat st;

	memset(page, 0xa5, sizeof(page));
	assert_int_equal(nand_program(s->nand, 100, page), 0);
	assert_int_equal(nand_program(s->nand, 101, zero), 0);
	sim_nand_close(s->nand);
	snprintf(path, sizeof(path), "%s/nand.bin", s->state_dir);
	s->nand = sim_nand_open(path, 2048, 64, 256);
	assert_non_null(s->nand);
	assert_int_equal(nand_read(s->nand, 100, 1, back), 0);
	assert_memory_equal(back, page, 2048);
	assert_int_equal(nand_read(s->nand, 101, 1, back), 0);
	assert_memory_equal(back, zero, 2048); /* programmed zeros */
	assert_false(nand_page_erased(s->nand, 101));
	assert_int_equal(nand_program(s->nand, 101, page), -EEXIST);
	assert_int_equal(stat(path, &st), 0);
	assert_true((uint64_t)st.st_blocks * 512 <
		    1u << 20); /* 32 MiB, sparse */
	double_free(s);
}

/*
 * One read over programmed data, programmed zeros (holes in the file, filled
 * without a read), erased pages and data again: page by page as written.
 */
static void nand_read_runs(void **state)
{
	struct sim *s = double_new(&test_profile);
	static uint8_t want[16 * 2048], back[16 * 2048];

	memset(want, 0xff, sizeof(want));
	for (unsigned p = 0; p < 16; p++) {
		uint8_t *pg = want + p * 2048;

		if (p == 5 || p == 6)
			continue; /* left erased: 0xff */
		memset(pg, p >= 2 && p <= 4 ? 0 : (int)(0x10 + p), 2048);
		if (p == 9)
			pg[2047] =
				0x33; /* data after a hole, to the last byte */
		assert_int_equal(nand_program(s->nand, 64 + p, pg), 0);
	}
	memset(back, 0xaa, sizeof(back));
	assert_int_equal(nand_read(s->nand, 64, 16, back), 0);
	assert_memory_equal(back, want, sizeof(want));
	/* a read that starts inside the zeros and ends inside the data */
	memset(back, 0xaa, sizeof(back));
	assert_int_equal(nand_read(s->nand, 64 + 3, 8, back), 0);
	assert_memory_equal(back, want + 3 * 2048, 8 * 2048);
	double_free(s);
}

static void nand_open_checks(void **state)
{
	assert_null(sim_nand_open("/nonexistent-dir/x", 2048, 64, 256));
	assert_null(sim_nand_open("/tmp/x", 3000, 64, 256));
	assert_null(sim_nand_open("/tmp/x", 2048, 0, 256));
	assert_null(sim_nand_open("/tmp/x", 2048, 64, 0));
	assert_null(sim_nand_open(NULL, 2048, 64, 1));
}

static void geometry_names(void **state)
{
	char b[32];
	uint32_t ps, ppb;

	nand_geometry_name(2048, 64, b, sizeof(b));
	assert_string_equal(b, "p2K_b128K");
	nand_geometry_name(4096, 64, b, sizeof(b));
	assert_string_equal(b, "p4K_b256K");
	assert_int_equal(nand_geometry_parse("p4K_b256K", &ps, &ppb), 0);
	assert_int_equal(ps, 4096);
	assert_int_equal(ppb, 64);
	assert_int_equal(nand_geometry_parse("p2K_b256K", &ps, &ppb), 0);
	assert_int_equal(ppb, 128);
	assert_int_equal(nand_geometry_parse("p2K", &ps, &ppb), -EINVAL);
	assert_int_equal(nand_geometry_parse("p3K_b128K", &ps, &ppb), -EINVAL);
	assert_int_equal(nand_geometry_parse("x2K_b128K", &ps, &ppb), -EINVAL);
	assert_int_equal(nand_geometry_parse("p2K_b3K", &ps, &ppb), -EINVAL);
	assert_int_equal(nand_geometry_parse(NULL, &ps, &ppb), -EINVAL);
}

static void provision_and_boot(void **state)
{
	struct sim *s = double_new(&test_profile);
	char rev[80];
	uint8_t page[2048];

	/* empty NAND: no SBL -> EDL */
	assert_int_equal(sim_boot_check(s, false, rev, sizeof(rev)),
			 SIM_BOOT_EDL);
	assert_int_equal(sim_nand_provision(s, "BG95M3LAR02A03_01.009.01.009"),
			 0);
	assert_int_equal(sim_boot_check(s, false, rev, sizeof(rev)),
			 SIM_BOOT_NORMAL);
	assert_string_equal(rev, "BG95M3LAR02A03_01.009.01.009");
	/* the BOOT pin always wins */
	assert_int_equal(sim_boot_check(s, true, rev, sizeof(rev)),
			 SIM_BOOT_EDL);
	/* calibration derived from IMEI/serial */
	assert_int_equal(nand_read(s->nand, 20 * 64, 1, page), 0);
	assert_memory_equal(
		page, "MFCAL1 EFS2 IMEI=866425030000123 SN=0cf94c64\n", 45);
	assert_int_equal(nand_read(s->nand, 60 * 64, 1, page), 0);
	assert_memory_equal(page, "MFCAL1 RAWDATA IMEI=866425030000123", 35);
	/* MIBIB magics */
	assert_int_equal(nand_read(s->nand, 10 * 64, 1, page), 0);
	assert_memory_equal(page, "\xac\x9f\x56\xfe\x7a\x12\x7f\xcd", 8);
	/* FOTA */
	assert_int_equal(
		sim_nand_set_revision(s, "BG95M3LAR02A03_01.014.01.014"), 0);
	assert_int_equal(sim_boot_check(s, false, rev, sizeof(rev)),
			 SIM_BOOT_NORMAL);
	assert_string_equal(rev, "BG95M3LAR02A03_01.014.01.014");
	assert_int_equal(sim_nand_set_revision(s, NULL), -EINVAL);
	double_free(s);
}

static void boot_wrong_images(void **state)
{
	struct sim *s = double_new(&test_profile);
	const struct sim_part *modem = sim_profile_part(&test_profile, "modem");
	const struct sim_part *sbl = sim_profile_part(&test_profile, "SBL");
	struct sim_profile other = test_profile;
	const char *why;
	char rev[80];

	/* a QuecOpen build on standard hardware: silent (field report 2) */
	assert_int_equal(sim_provision(&test_profile, s->nand,
				       "BG95M3LAR02A03_OCPU_01.001.01.001",
				       "quecopen"),
			 0);
	assert_int_equal(sim_boot_decide(&test_profile, s->nand, false, rev,
					 sizeof(rev), &why),
			 SIM_BOOT_SILENT);
	/* images of another chip: SBL refused by the PBL -> EDL */
	other.chip = "MDM9207";
	other.msm_id = 0x000480E1;
	assert_int_equal(sim_provision(&other, s->nand,
				       "EG25GGBR07A08M2G_30.006.30.006",
				       "standard"),
			 0);
	assert_int_equal(sim_boot_decide(&test_profile, s->nand, false, rev,
					 sizeof(rev), &why),
			 SIM_BOOT_EDL);
	/* the right SBL but a modem for another chip: silent */
	assert_int_equal(nand_erase(s->nand, sbl->start_block, sbl->num_blocks),
			 0);
	{
		struct sim_content c;
		uint8_t page[2048];

		assert_int_equal(sim_content_part(&test_profile, sbl, "R",
						  "standard", 0, &c),
				 0);
		for (uint64_t off = 0; off < c.total; off += 2048) {
			memset(page, 0, sizeof(page));
			sim_content_fill(&c, off, page,
					 c.total - off < 2048 ? c.total - off
							      : 2048);
			assert_int_equal(
				nand_program(s->nand, off / 2048, page), 0);
		}
	}
	assert_int_equal(sim_boot_decide(&test_profile, s->nand, false, rev,
					 sizeof(rev), &why),
			 SIM_BOOT_SILENT);
	/* modem erased (interrupted flash): EDL */
	assert_int_equal(
		nand_erase(s->nand, modem->start_block, modem->num_blocks), 0);
	assert_int_equal(sim_boot_decide(&test_profile, s->nand, false, rev,
					 sizeof(rev), &why),
			 SIM_BOOT_EDL);
	double_free(s);
}

static void boot_half_written_modem(void **state)
{
	struct sim *s = double_new(&test_profile);
	const struct sim_part *modem = sim_profile_part(&test_profile, "modem");
	const char *why;
	char rev[80];
	struct sim_content c;
	uint8_t page[2048];

	assert_int_equal(
		sim_provision(&test_profile, s->nand, "REV_A", "standard"), 0);
	assert_int_equal(
		nand_erase(s->nand, modem->start_block, modem->num_blocks), 0);
	assert_int_equal(sim_content_part(&test_profile, modem, "REV_B",
					  "standard", 0, &c),
			 0);
	/* only the first half arrives */
	for (uint64_t off = 0; off < c.total / 2; off += 2048) {
		sim_content_fill(&c, off, page, 2048);
		assert_int_equal(
			nand_program(s->nand,
				     modem->start_block * 64 + off / 2048,
				     page),
			0);
	}
	assert_int_equal(sim_boot_decide(&test_profile, s->nand, false, rev,
					 sizeof(rev), &why),
			 SIM_BOOT_EDL);
	assert_string_equal(why, "no valid modem image");
	/* too big for the partition */
	assert_int_equal(sim_content_part(&test_profile, modem, "R", "standard",
					  200ull << 20, &c),
			 -EFBIG);
	double_free(s);
}

static void mibib_layout(void **state)
{
	uint8_t b[4 * 2048];

	assert_int_equal(sim_mibib(&test_profile, b, sizeof(b)), 8192);
	assert_memory_equal(b + 2048, "\xaa\x73\xee\x55\xdb\xbd\x5e\xe3", 8);
	assert_string_equal((char *)b + 2048 + 16, "0:SBL");
	assert_string_equal((char *)b + 2048 + 16 + 9 * 28, "0:system");
	assert_memory_equal(b + 3 * 2048, "\xa1\xbe\x41\x9d\xea\xd2\xde\xf1",
			    8);
	assert_int_equal(sim_mibib(&test_profile, b, 100), -ENOSPC);
	assert_string_equal(
		sim_variant_of("EG25GGBR07A07M2G_OCPU_01.001.01.001", NULL),
		"quecopen");
	assert_string_equal(
		sim_variant_of("BG95M3LAR02A03_01.014.01.014", NULL),
		"standard");
	assert_string_equal(sim_variant_of("X", "quecopen"), "quecopen");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nand_rules),
		cmocka_unit_test(nand_persists_sparse),
		cmocka_unit_test(nand_read_runs),
		cmocka_unit_test(nand_open_checks),
		cmocka_unit_test(geometry_names),
		cmocka_unit_test(provision_and_boot),
		cmocka_unit_test(boot_wrong_images),
		cmocka_unit_test(boot_half_written_modem),
		cmocka_unit_test(mibib_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
