// SPDX-License-Identifier: BSD-3-Clause
/*
 * The device table: every USB, model and chip row is consistent with the
 * others (a wrong row fails here, not on a module), and the lookups.
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "devices/devices.h"

static void test_models(void **state)
{
	const struct dev_model *m = dev_model_find("BG95-M3");
	uint32_t page = 0, block = 0;

	assert_non_null(m);
	assert_string_equal(m->chip, "MDM9205");
	assert_int_equal(dev_model_msm(m), 0x001070E1);
	assert_string_equal(m->programmer, "prog_firehose_nand_mdm9x05.elf");
	assert_int_equal(dev_geometry_parse(m->geometry, &page, &block), 0);
	assert_int_equal(page, 2048);
	assert_int_equal(block, 128 * 1024);
	assert_true(dev_is_calibration(m, "0:EFS2"));
	assert_true(dev_is_calibration(m, "rawdata"));
	assert_false(dev_is_calibration(m, "modem"));
	assert_true(m->has_disusb);
	assert_string_equal(dev_model_find("BG95-M6")->chip, "MDM9205");
	assert_string_equal(dev_model_find("BG77")->chip, "MDM9205");
	assert_string_equal(dev_model_find("BG96")->chip, "MDM9206");
	assert_string_equal(dev_model_find("EG25-G")->chip, "MDM9x07");
	assert_string_equal(dev_model_find("EC25")->programmer,
			    "prog_nand_firehose_9x07.mbn");
	assert_string_equal(dev_model_find("EG91")->chip, "MDM9x07");
	m = dev_model_find("RM500Q-GL");
	assert_string_equal(m->chip, "SDX55");
	assert_int_equal(dev_geometry_parse(m->geometry, &page, &block), 0);
	assert_int_equal(page, 4096);
	assert_true(dev_is_calibration(m, "modemst1"));
	assert_string_equal(dev_model_find("rm520n-gl")->programmer,
			    "prog_firehose_sdx6x.elf");
	assert_null(dev_model_find("XYZ"));
	assert_null(dev_model_find(""));
	assert_null(dev_model_find(NULL));
	/* an ASR module whose name starts like a Qualcomm one */
	assert_null(dev_model_find("EC200U"));
}

/* FOTA paths per model (what ops/fota plans with). */
static void test_fota(void **state)
{
	const struct dev_model *m;

	m = dev_model_find("EC25");
	assert_non_null(m);
	assert_string_equal(m->fota.dir, "/data/ufs/");
	assert_true(m->fota.verified);
	assert_string_equal(dev_model_find("EG25-G")->fota.dir, "/data/ufs/");
	assert_string_equal(dev_model_find("RM500Q-GL")->fota.dir,
			    "/cache/ufs/");
	m = dev_model_find("BG95-M3");
	assert_string_equal(m->fota.dir, "/cache/ufs/");
	assert_false(m->fota.verified);
	m = dev_model_find("BG96");
	assert_string_equal(m->fota.start, "1");
	assert_string_equal(m->fota.upload, "EUFS:/fota/update.zip");
	/* BG600L has no known FOTA path */
	assert_null(dev_model_find("BG600L-M3")->fota.dir);
}

/*
 * A USB family is not its first model row: 2c7c:0700 may be any BG95 or
 * a BG77, so the family gives the chip they share and no model until ATI
 * names one (a BG95-M6 once carried the BG95-M3 row here).
 */
static void test_family_is_not_a_model(void **state)
{
	assert_null(dev_model_of_family("bg95"));
	assert_null(dev_model_of_family("ec25"));
	assert_string_equal(dev_family_chip("bg95")->name, "MDM9205");
	assert_string_equal(dev_family_chip("ec25")->name, "MDM9x07");
	assert_string_equal(dev_family_chip("rm500q")->name, "SDX55");
	assert_string_equal(dev_model_of_family("bg96")->name, "BG96");
	assert_null(dev_model_of_family(NULL));
	assert_null(dev_family_chip(NULL));
	assert_null(dev_family_chip("nope"));
}

static void test_by_revision(void **state)
{
	assert_string_equal(
		dev_model_by_rev("BG95M6LAR02A02_01.204.01.204")->name,
		"BG95-M6");
	assert_string_equal(dev_model_by_rev("EG25GGBR07A08M2G_30.006")->name,
			    "EG25");
	assert_int_equal(dev_rev_prefix_len("BG95M3LAR02A03"), 6);
	assert_int_equal(dev_rev_prefix_len("EM20GRAR01A04V01M4G"), 5);
	assert_null(dev_model_by_rev("XY12ABR01A01"));
	assert_int_equal(dev_rev_prefix_len("XY12ABR01A01"), 0);
	assert_null(dev_model_by_rev(NULL));
}

static void test_usb_rows(void **state)
{
	const struct dev_usb *u, *v;
	size_t rows = 0;

	for (size_t i = 0; (u = dev_usb_at(i)); i++, rows++) {
		size_t n = dev_usb_nroles(u);

		assert_true(n > 0);
		assert_non_null(u->models);
		assert_int_not_equal(u->mode, MF_MODE_UNKNOWN);
		/* each interface number has one role */
		for (size_t a = 0; a < n; a++)
			for (size_t b = a + 1; b < n; b++)
				assert_int_not_equal(u->roles[a].num,
						     u->roles[b].num);
		for (size_t a = n; a < DEV_MAX_ROLES; a++)
			assert_int_equal(u->roles[a].role, MF_ROLE_NONE);
		/* a family key names model rows */
		if (u->family) {
			const struct dev_model *m;
			bool found = false;

			for (size_t k = 0; (m = dev_model_at(k)); k++)
				found |= m->family &&
					 !strcmp(m->family, u->family);
			assert_true(found);
		}
		/* rows of one VID/PID are compositions, told apart */
		for (size_t k = i + 1; (v = dev_usb_at(k)); k++)
			if (u->vid == v->vid && u->pid == v->pid) {
				assert_non_null(u->composition);
				assert_non_null(v->composition);
				assert_string_not_equal(u->composition,
							v->composition);
			}
	}
	assert_true(rows >= 30);
	assert_int_equal(dev_usb_role(dev_usb_at(0), 2), MF_ROLE_AT);
	assert_int_equal(dev_usb_role(dev_usb_at(0), 9), MF_ROLE_NONE);
	assert_string_equal(dev_adapter_find(0x0403, 0x6001)->name,
			    "FTDI USB-UART");
	assert_null(dev_adapter_find(0x2c7c, 0x0700));
	assert_int_equal(dev_role_from_protocol(0xff, 0xff, 0x30),
			 MF_ROLE_DIAG);
	assert_int_equal(dev_role_from_protocol(0x02, 0xff, 0x30),
			 MF_ROLE_NONE);
}

static bool upper_alnum(const char *s)
{
	for (; *s; s++)
		if (!isupper((unsigned char)*s) && !isdigit((unsigned char)*s))
			return false;
	return true;
}

static void test_model_rows(void **state)
{
	const struct dev_model *m, *o;
	uint32_t page, block;

	for (size_t i = 0; (m = dev_model_at(i)); i++) {
		assert_non_null(m->name);
		/* the lookup by its own name finds the row */
		assert_ptr_equal(dev_model_find(m->name), m);
		for (size_t k = i + 1; (o = dev_model_at(k)); k++)
			assert_int_not_equal(strcasecmp(m->name, o->name), 0);
		/* revision prefixes: upper-case, unique over the table */
		for (size_t r = 0; r < DEV_MAX_REVS && m->revs[r]; r++) {
			assert_true(upper_alnum(m->revs[r]));
			assert_ptr_equal(dev_model_by_rev(m->revs[r]), m);
			for (size_t k = 0; (o = dev_model_at(k)); k++)
				for (size_t s = 0;
				     s < DEV_MAX_REVS && o->revs[s]; s++)
					if (o != m || s != r)
						assert_string_not_equal(
							m->revs[r], o->revs[s]);
		}
		if (m->chip)
			assert_non_null(dev_chip_find(m->chip));
		/* the programmer's file name names the row's chip */
		if (m->programmer)
			assert_ptr_equal(dev_chip_from_file(m->programmer),
					 dev_chip_find(m->chip));
		if (m->geometry)
			assert_int_equal(
				dev_geometry_parse(m->geometry, &page, &block),
				0);
		if (m->calibration)
			assert_non_null(m->calibration[0]);
		if (m->fota.dir) {
			assert_int_equal(m->fota.dir[0], '/');
			assert_int_equal(m->fota.dir[strlen(m->fota.dir) - 1],
					 '/');
		}
		assert_true(m->fota.dir || !m->fota.upload);
	}
}

static void test_chips(void **state)
{
	const struct dev_chip *c, *d;

	for (size_t i = 0; (c = dev_chip_at(i)); i++) {
		assert_non_null(c->tags[0]);
		for (size_t t = 0; t < 3 && c->tags[t]; t++) {
			for (const char *p = c->tags[t]; *p; p++)
				assert_false(isupper((unsigned char)*p));
			assert_ptr_equal(dev_chip_from_file(c->tags[t]), c);
		}
		for (size_t k = 0; k < 4 && c->msm_ids[k]; k++)
			assert_ptr_equal(dev_chip_from_msm(c->msm_ids[k]), c);
		for (size_t k = i + 1; (d = dev_chip_at(k)); k++)
			assert_string_not_equal(c->name, d->name);
	}
	c = dev_chip_from_file(
		"update/firehose/prog_firehose_nand_mdm9x05.elf");
	assert_string_equal(c->name, "MDM9205");
	assert_true(dev_chip_has_msm(c, 0x001070E1));
	assert_false(dev_chip_has_msm(c, 0x000480E1));
	assert_null(dev_chip_from_file("prog_unknown.mbn"));
	assert_null(dev_chip_from_msm(0x12345678));
}

static void test_geometry_and_calibration(void **state)
{
	uint32_t page = 1, block = 1;

	assert_int_equal(dev_geometry_parse("p4K_b256K", &page, &block), 0);
	assert_int_equal(page, 4096);
	assert_int_equal(block, 262144);
	assert_int_equal(dev_geometry_parse("p4K_b256", &page, &block),
			 -EINVAL);
	assert_int_equal(dev_geometry_parse("p4K_b256Kx", &page, &block),
			 -EINVAL);
	assert_int_equal(dev_geometry_parse("p4K_b6K", &page, &block), -EINVAL);
	assert_int_equal(dev_geometry_parse("p0K_b128K", &page, &block),
			 -EINVAL);
	assert_int_equal(dev_geometry_parse(NULL, &page, &block), -EINVAL);
	/* with no model: a calibration partition of any module */
	assert_true(dev_is_calibration(NULL, "0:EFS2"));
	assert_true(dev_is_calibration(NULL, "fsg"));
	assert_true(dev_is_calibration(NULL, "modemst2"));
	assert_false(dev_is_calibration(NULL, "modem"));
	assert_false(dev_is_calibration(NULL, NULL));
	/* a BG95 keeps no fsg: the model's own list */
	assert_false(dev_is_calibration(dev_model_find("BG95-M3"), "fsg"));
}

/* The module added as one USB row and one model row. */
static void test_eg21g(void **state)
{
	const struct dev_model *m = dev_model_find("EG21-G");
	const struct dev_usb *u;
	bool usb = false;

	assert_non_null(m);
	assert_string_equal(m->chip, "MDM9x07");
	assert_int_equal(dev_model_msm(m), 0x000480E1);
	assert_string_equal(m->fota.dir, "/data/ufs/");
	assert_false(m->has_disusb);
	assert_ptr_equal(dev_model_by_rev("EG21GGBR07A08M2G_01.001.01.001"), m);
	assert_int_equal(dev_rev_prefix_len("EG21GGBR07A08M2G"), 5);
	for (size_t i = 0; (u = dev_usb_at(i)); i++)
		if (u->vid == 0x2c7c && u->pid == 0x0121) {
			usb = true;
			assert_non_null(strstr(u->models, "EG21-G"));
			assert_string_equal(u->family, m->family);
			assert_int_equal(dev_usb_role(u, 2), MF_ROLE_AT);
		}
	assert_true(usb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_models),
		cmocka_unit_test(test_fota),
		cmocka_unit_test(test_family_is_not_a_model),
		cmocka_unit_test(test_by_revision),
		cmocka_unit_test(test_usb_rows),
		cmocka_unit_test(test_model_rows),
		cmocka_unit_test(test_chips),
		cmocka_unit_test(test_geometry_and_calibration),
		cmocka_unit_test(test_eg21g),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
