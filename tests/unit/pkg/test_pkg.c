// SPDX-License-Identifier: BSD-3-Clause
/*
 * src/pkg on the real EG25-G package files (tests/fixtures/real/xml) and
 * on hostile inputs built here.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "pkg/pkg.h"
#include "pkg/rules.h"

#define A08 MF_FIXTURES "/xml/eg25g_mdm9607_EG25GGBR07A08M2G_30.006"
#define OCPU                                                                   \
	MF_FIXTURES "/xml/eg25g_mdm9607_EG25GGBR07A07M2G_OCPU_01.001.01.001"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = malloc(4 << 20);

	assert_non_null(f);
	*len = fread(b, 1, 4 << 20, f);
	fclose(f);
	return b;
}

static void test_ident(void **state)
{
	struct pkg_ident a, b;

	assert_int_equal(pkg_ident_parse("BG95M3LAR02A03_01.014.01.014", &a),
			 0);
	assert_string_equal(a.model, "BG95M3");
	assert_string_equal(a.baseline, "BG95M3LAR02A03");
	assert_string_equal(a.vcode, "LA");
	assert_int_equal(a.hw, 2);
	assert_int_equal(a.rel, 3);
	assert_int_equal(a.flash_gbit, 0);
	assert_string_equal(a.version, "01.014.01.014");
	assert_int_equal(pkg_ident_parse("BG95M3LAR02A03_01.009.01.009", &b),
			 0);
	assert_true(pkg_ident_cmp(&b, &a) < 0);
	assert_int_equal(
		pkg_ident_parse("EG25GGBR07A07M2G_OCPU_01.001.01.001", &a), 0);
	assert_string_equal(a.model, "EG25G");
	assert_int_equal(a.variant, PKG_VARIANT_QUECOPEN);
	assert_int_equal(a.flash_gbit, 2);
	assert_int_equal(
		pkg_ident_parse("RM500QGLAAR01A01M4G_BETA_20200428F", &a), 0);
	assert_true(a.beta);
	assert_string_equal(a.beta_tag, "20200428F");
	assert_string_equal(a.model, "RM500Q");
	assert_int_equal(pkg_ident_parse("EC25EFAR06A01M4G_BETA0614", &a), 0);
	assert_string_equal(a.beta_tag, "0614");
	assert_int_equal(pkg_ident_parse("EM20GRAR01A04V01M4G", &a), 0);
	assert_int_equal(
		pkg_ident_find("eg25g_mdm9607_EG25GGBR07A08M2G_30.006", &a), 0);
	assert_string_equal(a.baseline, "EG25GGBR07A08M2G");
	assert_int_not_equal(pkg_ident_parse("hello", &a), 0);
	assert_int_not_equal(pkg_ident_parse("BG95M3LAR2A03", &a), 0);
	assert_true(pkg_model_eq("BG95-M3", "BG95M3"));
	assert_false(pkg_model_eq("BG95-M3", "BG95M6"));
}

static void test_values(void **state)
{
	struct pkg_value v;
	uint64_t out;

	assert_int_equal(pkg_value_parse("NUM_DISK_BLOCKS-1458.", &v), 0);
	assert_int_equal(pkg_value_resolve(&v, 131072, 64, NULL, 0, &out), 0);
	assert_int_equal(out, 590);
	assert_int_equal(pkg_value_parse("NUM_DISK_SECTORS-5.", &v), 0);
	assert_int_equal(pkg_value_resolve(&v, 131072, 64, NULL, 0, &out), 0);
	assert_int_equal(out, 131067);
	assert_int_equal(pkg_value_resolve(&v, 0, 64, NULL, 0, &out), -EINVAL);
	assert_int_equal(pkg_value_parse("CRC32(0,4096)", &v), 0);
	assert_int_equal(v.kind, PKG_V_CRC32);
	assert_int_equal(v.len, 4096);
	assert_int_equal(
		pkg_value_resolve(&v, 0, 0, (const uint8_t *)"x", 1, &out),
		-ERANGE);
	assert_int_equal(pkg_crc32(0, (const uint8_t *)"123456789", 9),
			 0xCBF43926);
	assert_int_equal(pkg_value_parse("640.", &v), 0);
	assert_int_equal(v.num, 640);
	assert_int_equal(pkg_value_parse("0x280", &v), 0);
	assert_int_equal(v.num, 640);
	assert_int_not_equal(pkg_value_parse("99999999999999999999", &v), 0);
	assert_int_not_equal(pkg_value_parse("NUM_DISK_SECTORS+5", &v), 0);
}

static void test_mibib(void **state)
{
	struct pkg_mibib m;
	struct mf_err err = { 0 };
	size_t len;
	uint8_t *b = slurp(
		A08 "/update/firehose/partition_complete_p2K_b128K.mbn", &len);

	assert_int_equal(len, 8192);
	assert_int_equal(pkg_mibib_parse(b, len, 2048, &m, &err), 0);
	assert_int_equal(m.version, 4);
	assert_int_equal(m.n, 17);
	assert_string_equal(m.parts[0].name, "0:SBL");
	assert_string_equal(m.parts[16].name, "0:system");
	assert_int_equal(m.parts[16].start, 0x5b2);
	assert_int_equal(m.parts[16].length, 590);
	assert_string_equal(pkg_mibib_find(&m, 24256 / 64)->name, "0:modem");
	assert_true(m.has_trailer);
	assert_int_equal(m.crc, 0xDE5D6102);
	/* a table claiming more entries than a page holds */
	b[2048 + 12] = 0xff;
	assert_int_equal(pkg_mibib_parse(b, len, 2048, &m, &err), -EBADMSG);
	assert_int_equal(err.status, MF_BAD_PACKAGE);
	assert_int_equal(pkg_mibib_parse(b, 100, 2048, &m, &err), -EBADMSG);
	free(b);
	b = slurp(OCPU "/update/firehose/partition_complete_p2K_b128K.mbn",
		  &len);
	assert_int_equal(pkg_mibib_parse(b, len, 2048, &m, &err), 0);
	assert_int_equal(m.n, 18);
	free(b);
	b = slurp(A08 "/update/partition.mbn", &len);
	assert_int_equal(pkg_usertable_parse(b, len, &m, &err), 0);
	assert_string_equal(m.parts[2].name, "0:EFS2");
	assert_int_equal(m.parts[2].start, 16384); /* size_kb */
	free(b);
}

static void test_md5(void **state)
{
	struct pkg_md5 m = { 0 };
	struct mf_err err = { 0 };
	size_t len;
	uint8_t *b = slurp(A08 "/md5.txt", &len);

	assert_int_equal(pkg_md5_parse((char *)b, len, &m, &err), 0);
	assert_int_equal(m.n, 19);
	assert_string_equal(m.entries[0].name, "\\contents.xml");
	assert_string_equal(m.entries[0].hex,
			    "5b15ed398bc0f9612b6bfb1fc8b844c8");
	assert_string_equal(m.entries[18].name, "\\upgrade\\targetfiles.zip");
	pkg_md5_free(&m);
	assert_int_equal(
		pkg_md5_parse(
			"5b15ed398bc0f9612b6bfb1fc8b844c8  update/x.mbn\n", 46,
			&m, &err),
		0);
	assert_string_equal(m.entries[0].name, "update/x.mbn");
	pkg_md5_free(&m);
	assert_int_not_equal(pkg_md5_parse("FILE:\\x:ZZ\n", 11, &m, &err), 0);
	pkg_md5_free(&m);
	free(b);
}

/* SHA-256 of the file's bytes and then pad zero bytes. */
static void sha_of(const char *path, uint64_t pad, uint8_t out[32])
{
	size_t len = 0;
	uint8_t *b = slurp(path, &len), z = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	assert_non_null(ctx);
	assert_true(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL));
	assert_true(EVP_DigestUpdate(ctx, b, len));
	for (uint64_t i = 0; i < pad; i++)
		assert_true(EVP_DigestUpdate(ctx, &z, 1));
	assert_true(EVP_DigestFinal_ex(ctx, out, NULL));
	EVP_MD_CTX_free(ctx);
	free(b);
}

/* Every present image's SHA-256, with and without its last sector's
 * zeros, as computed here; returns how many images end inside a sector. */
static size_t check_digests(const struct pkg *pkg)
{
	size_t hashed = 0, padded = 0;

	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];
		uint8_t want[32];

		if (c->op != PKG_OP_PROGRAM || !c->present)
			continue;
		assert_true(c->has_sha256);
		hashed++;
		padded += c->file_sectors * c->sector_size > c->file_size;
		sha_of(c->path, 0, want);
		assert_memory_equal(c->sha256_file, want, 32);
		sha_of(c->path, c->file_sectors * c->sector_size - c->file_size,
		       want);
		assert_memory_equal(c->sha256_padded, want, 32);
	}
	assert_true(hashed > 0);
	return padded;
}

/* mkpkg's package in dir/pkg (size: of the modem image, 0 the default),
 * with tz.mbn made to end inside its last sector, md5.txt kept true. */
static void make_pkg(const char *build, const char *dir, const char *size,
		     char *path, size_t cap)
{
	char cmd[2400];

	snprintf(path, cap, "%s/pkg", dir);
	snprintf(cmd, sizeof(cmd),
		 "'%s/tools/mkpkg' --profile bg95-m3 --revision "
		 "BG95M3LAR02A03_01.014.01.014 %s%s -o '%s' >/dev/null",
		 build, size[0] ? "--size " : "", size, path);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && printf tail >>update/tz.mbn && "
		 "h=$(md5sum update/tz.mbn | cut -c1-32) && "
		 "sed -i \"s/tz.mbn:[0-9A-Fa-f]*/tz.mbn:$h/\" md5.txt",
		 path);
	assert_int_equal(system(cmd), 0);
}

static void rm_rf(const char *dir)
{
	char cmd[1100];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* The md5 pass gives each listed image its SHA-256, with and without the
 * zeros to its last sector (verify and resume read it from there). */
static void test_md5_pass_sha256(void **state)
{
	const char *build = getenv("MF_BUILD_DIR");
	char dir[] = "/tmp/mf-test-pkg-XXXXXX", path[1100];
	struct pkg_opts o = { 0 };
	struct mf_err err = { 0 };
	struct pkg pkg;

	(void)state;
	if (!build) {
		skip();
		return;
	}
	assert_non_null(mkdtemp(dir));
	/* a modem image of 3 MiB: its SHA-256 comes from a second thread */
	make_pkg(build, dir, "3145728", path, sizeof(path));
	assert_int_equal(pkg_open(&pkg, path, &o, NULL, &err), 0);
	assert_int_equal(check_digests(&pkg), 1);
	pkg_close(&pkg);
	/* --no-md5: nothing hashed ahead, verify hashes the file itself */
	o.no_md5 = true;
	assert_int_equal(pkg_open(&pkg, path, &o, NULL, &err), 0);
	for (size_t i = 0; i < pkg.ncmds; i++)
		assert_false(pkg.cmds[i].has_sha256);
	pkg_close(&pkg);
	rm_rf(dir);
}

/* md5_later: the same results from the thread, a damaged image named by
 * the wait, and a close that does not wait for the rest. */
static void test_md5_later(void **state)
{
	const char *build = getenv("MF_BUILD_DIR");
	char dir[] = "/tmp/mf-test-pkg-XXXXXX", path[1100], cmd[2400];
	struct pkg_opts o = { .md5_later = true };
	struct mf_err err = { 0 };
	struct pkg pkg;

	(void)state;
	if (!build) {
		skip();
		return;
	}
	assert_non_null(mkdtemp(dir));
	make_pkg(build, dir, "3145728", path, sizeof(path));
	assert_int_equal(pkg_open(&pkg, path, &o, NULL, &err), 0);
	assert_true(pkg_md5_deferred(&pkg));
	assert_int_equal(pkg_md5_wait(&pkg, true, &err), 0);
	assert_int_equal(pkg_md5_wait(&pkg, true, &err),
			 0); /* again: the same */
	pkg_sha256_wait(&pkg);
	assert_int_equal(check_digests(&pkg), 1);
	assert_true(pkg.md5.ok > 0);
	assert_int_equal(pkg.md5.mismatch, 0);
	pkg_close(&pkg);

	/* no_sha256: the md5 only */
	o.no_sha256 = true;
	assert_int_equal(pkg_open(&pkg, path, &o, NULL, &err), 0);
	assert_int_equal(pkg_md5_wait(&pkg, true, &err), 0);
	pkg_sha256_wait(&pkg);
	for (size_t i = 0; i < pkg.ncmds; i++)
		assert_false(pkg.cmds[i].has_sha256);
	pkg_close(&pkg);

	/* closed while it runs: stops, nothing leaks (ASan) */
	o.no_sha256 = false;
	assert_int_equal(pkg_open(&pkg, path, &o, NULL, &err), 0);
	pkg_close(&pkg);

	/* one byte of the modem image changed: the open succeeds, the wait
	 * fails as the open would have */
	snprintf(cmd, sizeof(cmd),
		 "printf Z | dd of='%s/update/NON-HLOS.ubi' bs=1 seek=1000000 "
		 "conv=notrunc status=none",
		 path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(pkg_open(&pkg, path, &o, NULL, &err), 0);
	assert_int_equal(pkg_md5_wait(&pkg, true, &err), -EBADMSG);
	assert_int_equal(err.status, MF_BAD_PACKAGE);
	assert_non_null(strstr(err.msg, "md5 of \\update\\NON-HLOS.ubi"));
	pkg_sha256_wait(&pkg);
	pkg_close(&pkg);
	o.md5_later = false;
	mf_err_clear(&err);
	assert_int_equal(pkg_open(&pkg, path, &o, NULL, &err), -EBADMSG);
	pkg_close(&pkg);
	rm_rf(dir);
}

static void test_rawprogram(void **state)
{
	struct pkg_cmd *c = NULL;
	struct pkg_patch *p = NULL;
	struct mf_err err = { 0 };
	size_t len, n = 0;
	uint8_t *b = slurp(
		A08 "/update/firehose/rawprogram_nand_p2K_b128K_update.xml",
		&len);
	static const char dtd[] = "<?xml version=\"1.0\"?><!DOCTYPE d "
				  "[<!ENTITY a \"x\">]><data/>";
	static const char whole[] =
		"<data><erase SECTOR_SIZE_IN_BYTES=\"512\" label=\"erase whole "
		"disk\" "
		"physical_partition_number=\"0\" start_sector=\"0\" "
		"vendor=\"quectel\" x=\"1\"/></data>";

	assert_int_equal(pkg_rawprogram_parse((char *)b, len, 0, &c, &n, &err),
			 0);
	assert_int_equal(n, 22);
	assert_int_equal(c[0].op, PKG_OP_PROGRAM);
	assert_string_equal(c[0].filename, "..\\sbl1.mbn");
	assert_int_equal(c[0].part_sectors, 640);
	assert_int_equal(c[0].pages_per_block, 64);
	assert_null(c[0].label);
	assert_int_equal(c[21].start_sector, 13952);
	pkg_cmds_free(c, n);
	assert_int_equal(pkg_rawprogram_parse((char *)b, len, 10, &c, &n, &err),
			 -E2BIG);
	free(b);
	mf_err_clear(&err);
	assert_int_equal(
		pkg_rawprogram_parse(dtd, sizeof(dtd) - 1, 0, &c, &n, &err),
		-EPERM);
	assert_int_equal(err.status, MF_BAD_PACKAGE);
	assert_int_equal(
		pkg_rawprogram_parse(whole, sizeof(whole) - 1, 0, &c, &n, &err),
		0);
	assert_true(c[0].whole_disk);
	assert_true(c[0].vendor);
	assert_int_equal(c[0].nattrs, 6);
	assert_string_equal(pkg_cmd_attr(&c[0], "x"), "1");
	pkg_cmds_free(c, n);
	b = slurp(A08 "/update/firehose/patch_p2K_b128K.xml", &len);
	assert_int_equal(pkg_patch_parse((char *)b, len, &p, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_false(p[0].disk);
	assert_int_equal(p[0].byte_offset, 484);
	assert_int_equal(p[0].value.kind, PKG_V_DISK_BLOCKS);
	assert_int_equal(p[0].value.num, 1458);
	assert_int_equal(p[1].value.kind, PKG_V_CRC32);
	pkg_patches_free(p, n);
	free(b);
}

static void test_geometry_and_paths(void **state)
{
	struct pkg_geometry g;
	char *out;

	assert_int_equal(pkg_geometry_from_name(
				 "rawprogram_nand_p4K_b256K_update.xml", &g),
			 0);
	assert_int_equal(g.page_size, 4096);
	assert_int_equal(g.block_size, 262144);
	assert_int_equal(g.pages_per_block, 64);
	assert_int_equal(pkg_geometry_from_name("rawprogram_nand.xml", &g),
			 -ENOENT);
	char root[4096], base[4200], want[4200];

	assert_non_null(realpath(A08, root));
	snprintf(base, sizeof(base), "%s/update/firehose", root);
	snprintf(want, sizeof(want), "%s/update/partition.mbn", root);
	assert_int_equal(pkg_resolve(root, base, "..\\partition.mbn", &out), 0);
	assert_string_equal(out, want);
	free(out);
	assert_int_equal(pkg_resolve(root, base, "..\\..\\..\\x", &out),
			 -EPERM);
	free(out);
	assert_int_equal(pkg_resolve(root, base, "/etc/passwd", &out), -EPERM);
	free(out);
	assert_int_equal(pkg_resolve(root, base, "nothing.bin", &out), -ENOENT);
	free(out);
}

static void test_prog_bounds(void **state)
{
	uint8_t b[256] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };
	struct pkg_prog p;
	struct mf_err err = { 0 };

	/* 1 program header at 52 whose segment runs past the file */
	b[28] = 52;
	b[42] = 32;
	b[44] = 1;
	b[52 + 4] = 0x80;  /* offset 0x80 */
	b[52 + 16] = 0xff; /* filesz 0xff */
	assert_int_equal(pkg_prog_parse(b, sizeof(b), &p, &err), -EBADMSG);
	b[52 + 16] = 40;
	b[52 + 27] = 0x02;   /* hash segment */
	b[0x80 + 4] = 3;     /* MBN v3 */
	b[0x80 + 28] = 0x40; /* signature size past the segment */
	assert_int_equal(pkg_prog_parse(b, sizeof(b), &p, &err), -EBADMSG);
	b[0x80 + 28] = 0;
	assert_int_equal(pkg_prog_parse(b, sizeof(b), &p, &err), 0);
	assert_true(p.has_mbn);
	assert_false(p.is_signed);
	assert_int_equal(pkg_prog_parse(b, 10, &p, &err), -EBADMSG);
	b[5] = 2;
	assert_int_equal(pkg_prog_parse(b, sizeof(b), &p, &err), -EBADMSG);
}

static void test_rules(void **state)
{
	static struct pkg p;
	struct pkg_module mod = { .variant = -1 };
	struct pkg_allow allow = { 0 };
	struct pkg_verdict v;

	memset(&p, 0, sizeof(p));
	assert_int_equal(
		pkg_ident_parse("BG95M3LAR02A03_01.014.01.014", &p.ident), 0);
	p.has_ident = true;
	p.chip = dev_chip_from_file("prog_firehose_nand_mdm9x05.elf");
	assert_non_null(p.chip);
	assert_int_equal(p.chip->msm_ids[0], 0x001070E1);
	p.geo.page_size = 2048;
	p.geo.block_size = 131072;

	mod.revision = "BG95M6LAR02A02_01.200.01.200";
	pkg_evaluate(&p, &mod, &allow, &v);
	assert_int_equal(v.kind, PKG_VERDICT_REFUSED);
	assert_string_equal(v.f[0].rule, "model");
	assert_string_equal(v.f[0].package, "BG95M3");
	assert_string_equal(v.f[0].module, "BG95M6");
	assert_null(v.f[0].override);

	mod.revision = "BG95M3LAR02A03_01.014.01.014";
	pkg_evaluate(&p, &mod, &allow, &v);
	assert_int_equal(v.kind, PKG_VERDICT_UP_TO_DATE);
	mod.revision = "BG95M3LAR02A03_01.009.01.009";
	pkg_evaluate(&p, &mod, &allow, &v);
	assert_int_equal(v.kind, PKG_VERDICT_OK);
	mod.revision = "BG95M3LAR02A03_01.200.01.200";
	pkg_evaluate(&p, &mod, &allow, &v);
	assert_string_equal(v.f[0].rule, "downgrade");
	allow.downgrade = true;
	pkg_evaluate(&p, &mod, &allow, &v);
	assert_int_equal(v.kind, PKG_VERDICT_OK);
	assert_true(v.f[0].overridden);
	mod.revision = "BG95M3LAR03A03_01.009.01.009";
	pkg_evaluate(&p, &mod, &allow, &v);
	assert_string_equal(v.f[0].rule, "baseline");
	assert_string_equal(v.f[0].override, "--allow-cross-baseline");
	mod.revision = "BG95M3LAR02A03_01.009.01.009";
	p.ident.variant = PKG_VARIANT_QUECOPEN; /* field report 2 */
	pkg_evaluate(&p, &mod, &allow, &v);
	assert_string_equal(v.f[0].rule, "variant");
	p.ident.variant = PKG_VARIANT_STANDARD;
	mod.msm_id = 0x000480E1;
	mod.page_size = 4096;
	mod.block_size = 262144;
	pkg_evaluate(&p, &mod, &allow, &v);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.f[0].rule, "chip");
	assert_string_equal(v.f[1].rule, "geometry");
	assert_string_equal(v.f[1].package, "p2K_b128K");
	assert_string_equal(v.f[1].module, "p4K_b256K");
	mod.msm_id = 0x001070E1;
	mod.page_size = 2048;
	mod.block_size = 131072;
	p.prog.is_signed = true;
	p.prog.has_root = true;
	mod.pk_hash_len = 48;
	mod.pk_hash[0] = 0xd4;
	pkg_evaluate(&p, &mod, &allow, &v);
	assert_string_equal(v.f[0].rule, "pk-hash");
	memcpy(p.prog.root_sha384, mod.pk_hash, 48);
	p.writes_calibration = true;
	p.factory = true;
	pkg_evaluate(&p, &mod, &allow, &v);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.f[0].rule, "calibration");
	assert_string_equal(v.f[0].override, "--allow-calibration-write");
	assert_true(pkg_is_calibration("0:EFS2"));
	assert_true(pkg_is_calibration("modemst1"));
	assert_false(pkg_is_calibration("modem"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_mibib),
		cmocka_unit_test(test_md5),
		cmocka_unit_test(test_md5_pass_sha256),
		cmocka_unit_test(test_md5_later),
		cmocka_unit_test(test_rawprogram),
		cmocka_unit_test(test_geometry_and_paths),
		cmocka_unit_test(test_prog_bounds),
		cmocka_unit_test(test_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
