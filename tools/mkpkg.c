// SPDX-License-Identifier: BSD-3-Clause
/*
 * mkpkg: write a Quectel-shaped firmware package for a simulated module
 * (layout of the real EG25-G packages, docs/field-data.md, packages), with
 * images the simulated boot ROM understands (sim/edl/image.h).
 *
 *   mkpkg --profile P --revision REV [--size BYTES]
 *         [--variant standard|quecopen] [--programmer-root FILE|--unsigned]
 *         -o DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "sim/edl/content.h"
#include "sim/edl/image.h"
#include "sim/edl/nand.h"
#include "sim/profile.h"

#ifndef MF_TESTROOTS
#define MF_TESTROOTS "data/testroots"
#endif

#define MAX_FILES 64

struct pkg {
	const struct sim_profile *p;
	const char *dir, *revision, *variant;
	uint64_t modem_size;
	char geo[32];
	char *files[MAX_FILES]; /* relative paths, '/' separated */
	size_t nfiles;
};

__attribute__((format(printf, 1, 2))) static int die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkpkg: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void add_file(struct pkg *k, const char *rel)
{
	for (size_t i = 0; i < k->nfiles; i++)
		if (!strcmp(k->files[i], rel))
			return;
	if (k->nfiles < MAX_FILES)
		k->files[k->nfiles++] = strdup(rel);
}

static FILE *open_out(struct pkg *k, const char *rel, const char *mode)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", k->dir, rel);
	add_file(k, rel);
	return fopen(path, mode);
}

static int write_blob(struct pkg *k, const char *rel, const void *b, size_t n)
{
	FILE *f = open_out(k, rel, "wb");
	int rc = 0;

	if (!f)
		return -errno;
	if (fwrite(b, 1, n, f) != n)
		rc = errno ? -errno : -EIO;
	if (fclose(f) && !rc)
		rc = errno ? -errno : -EIO;
	return rc;
}

/* Images are written sparsely: the zero middle of a big modem is a hole. */
static int write_content(struct pkg *k, const char *rel,
			 const struct sim_content *c)
{
	char path[4096];
	static uint8_t buf[1 << 16];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", k->dir, rel);
	add_file(k, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	for (uint64_t off = 0; off < c->total && !rc; off += sizeof(buf)) {
		size_t l = c->total - off < sizeof(buf)
				   ? (size_t)(c->total - off)
				   : sizeof(buf);

		if (sim_content_is_hole(c, off, l))
			continue;
		sim_content_fill(c, off, buf, l);
		if (pwrite(fd, buf, l, (off_t)off) != (ssize_t)l)
			rc = errno ? -errno : -EIO;
	}
	if (!rc && ftruncate(fd, (off_t)c->total))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}

static uint64_t part_pages(const struct pkg *k, const struct sim_part *pt)
{
	return (uint64_t)pt->num_blocks * k->p->pages_per_block;
}

static uint64_t part_start(const struct pkg *k, const struct sim_part *pt)
{
	return (uint64_t)pt->start_block * k->p->pages_per_block;
}

static int write_images(struct pkg *k)
{
	for (size_t i = 0; i < k->p->nparts; i++) {
		const struct sim_part *pt = &k->p->parts[i];
		struct sim_content c;
		char rel[512];
		int rc = sim_content_part(k->p, pt, k->revision, k->variant,
					  k->modem_size, &c);

		if (rc == -ENOENT)
			continue;
		if (rc == -EFBIG) {
			fprintf(stderr,
				"mkpkg: the %s image does not fit partition %s "
				"(%llu bytes); use a smaller --size\n",
				pt->image, pt->name,
				(unsigned long long)(part_pages(k, pt) *
						     k->p->page_size));
			return rc;
		}
		snprintf(rel, sizeof(rel), "update/%s", pt->image);
		rc = write_content(k, rel, &c);
		if (rc)
			return rc;
	}
	return 0;
}

static const char *file_attr(struct pkg *k, const struct sim_part *pt,
			     char *buf, size_t cap)
{
	if (!strcmp(pt->name, "MIBIB"))
		snprintf(buf, cap, "partition_complete_%s.mbn", k->geo);
	else
		snprintf(buf, cap, "..\\%s", pt->image);
	return buf;
}

static void xml_line(FILE *f, struct pkg *k, const char *tag,
		     const struct sim_part *pt, const char *file)
{
	fprintf(f, "  <%s PAGES_PER_BLOCK=\"%u\" SECTOR_SIZE_IN_BYTES=\"%u\"",
		tag, k->p->pages_per_block, k->p->page_size);
	if (file)
		fprintf(f, " filename=\"%s\"", file);
	fprintf(f,
		" num_partition_sectors=\"%llu\" "
		"physical_partition_number=\"0\" start_sector=\"%llu\"/>\n",
		(unsigned long long)part_pages(k, pt),
		(unsigned long long)part_start(k, pt));
}

/* A partition the package writes: MIBIB or an image (not calibration). */
static bool has_image(const struct sim_part *pt)
{
	return !pt->calibration && (!strcmp(pt->name, "MIBIB") || pt->image);
}

/* Index of the partition called name, nparts when there is none. */
static size_t part_index(const struct sim_profile *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nparts; i++)
		if (!strcmp(p->parts[i].name, name))
			break;
	return i;
}

static int write_rawprogram(struct pkg *k, bool factory)
{
	char rel[256], file[300];
	size_t rpm;
	FILE *f;
	uint64_t total = (uint64_t)k->p->total_blocks * k->p->pages_per_block;

	snprintf(rel, sizeof(rel), "update/firehose/rawprogram_nand_%s_%s.xml",
		 k->geo, factory ? "factory" : "update");
	f = open_out(k, rel, "w");
	if (!f)
		return -errno;
	fprintf(f, "<?xml version=\"1.0\" ?>\n<data>\n");
	fprintf(f, "  <!--NOTE: This is an ** Autogenerated file **-->\n");
	fprintf(f, "  <!--BlockSize = %u KB-->\n",
		k->p->page_size * k->p->pages_per_block / 1024);
	fprintf(f, "  <!--PageSize  = %u KB-->\n", k->p->page_size / 1024);
	fprintf(f, "  <!--NUM_PARTITION_SECTORS  = %llu-->\n",
		(unsigned long long)total);
	/*
	 * The order of the real EG25-G packages
	 * (tests/fixtures/real/xml/eg25g_*,
	 * rawprogram_nand_p2K_b128K_update.xml): the boot chain before RPM
	 * (SBL, MIBIB, TZ) programmed first with no erase, RPM erased, every
	 * later image erased then programmed, the boot chain's erases at the
	 * end in reverse, RPM programmed last. Run literally it would erase
	 * what it wrote first: hosts must order it themselves (QFirehose does,
	 * docs/protocols.md, NAND).
	 */
	rpm = part_index(k->p, "RPM");
	for (size_t i = 0; i < rpm; i++)
		if (has_image(&k->p->parts[i]))
			xml_line(f, k, "program", &k->p->parts[i],
				 file_attr(k, &k->p->parts[i], file,
					   sizeof(file)));
	if (rpm < k->p->nparts)
		xml_line(f, k, "erase", &k->p->parts[rpm], NULL);
	/* calibration (EFS2, RAWDATA) is only ever erased by factory */
	for (size_t i = 0; factory && i < k->p->nparts; i++)
		if (k->p->parts[i].calibration)
			xml_line(f, k, "erase", &k->p->parts[i], NULL);
	for (size_t i = rpm + 1; i < k->p->nparts; i++) {
		const struct sim_part *pt = &k->p->parts[i];

		if (!has_image(pt))
			continue;
		xml_line(f, k, "erase", pt, NULL);
		xml_line(f, k, "program", pt,
			 file_attr(k, pt, file, sizeof(file)));
	}
	for (size_t i = rpm; i-- > 0;)
		if (has_image(&k->p->parts[i]))
			xml_line(f, k, "erase", &k->p->parts[i], NULL);
	if (rpm < k->p->nparts)
		xml_line(f, k, "program", &k->p->parts[rpm],
			 file_attr(k, &k->p->parts[rpm], file, sizeof(file)));
	fprintf(f, "</data>\n");
	return fclose(f) ? -errno : 0;
}

static int write_patch(struct pkg *k)
{
	char rel[256];
	FILE *f;
	const struct sim_part *last = &k->p->parts[k->p->nparts - 1];

	snprintf(rel, sizeof(rel), "update/firehose/patch_%s.xml", k->geo);
	f = open_out(k, rel, "w");
	if (!f)
		return -errno;
	fprintf(f, "<?xml version=\"1.0\" ?>\n<patches>\n");
	fprintf(f, "  <!--NOTE: This is an ** Autogenerated file **-->\n");
	fprintf(f, "  <!--NOTE: Patching is in little endian format, i.e. "
		   "0xAABBCCDD will look like DD CC BB AA in the file or on "
		   "disk-->\n");
	fprintf(f,
		"  <patch SECTOR_SIZE_IN_BYTES=\"%u\" byte_offset=\"%zu\" "
		"filename=\"partition_complete_%s.mbn\" "
		"physical_partition_number=\"0\" size_in_bytes=\"4\" "
		"start_sector=\"1\" value=\"NUM_DISK_BLOCKS-%u.\" "
		"what=\"Update MIBIB partition last sector size limit\"/>\n",
		k->p->page_size, (size_t)(16 + (k->p->nparts - 1) * 28 + 20),
		k->geo, last->start_block);
	fprintf(f,
		"  <patch SECTOR_SIZE_IN_BYTES=\"%u\" byte_offset=\"12\" "
		"filename=\"partition_complete_%s.mbn\" "
		"physical_partition_number=\"0\" size_in_bytes=\"4\" "
		"start_sector=\"3\" value=\"CRC32(0,4096)\" what=\"Update "
		"MIBIB partition with CRC of MIBIB header sector and Syster "
		"partition sector.\"/>\n",
		k->p->page_size, k->geo);
	fprintf(f, "</patches>\n");
	return fclose(f) ? -errno : 0;
}

static int write_partition_xml(struct pkg *k)
{
	FILE *f = open_out(k, "update/partition_nand.xml", "w");
	uint32_t blk_kb = k->p->page_size * k->p->pages_per_block / 1024;

	if (!f)
		return -errno;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<nandboot>\n");
	fprintf(f, "\t<magic_numbers>\n\t\t<usr_part_magic1>0xAA7D1B9A</"
		   "usr_part_magic1>\n\t\t<usr_part_magic2>0x1F7D48BC</"
		   "usr_part_magic2>\n\t</magic_numbers>\n");
	fprintf(f, "\t<partition_version "
		   "length=\"4\">0x4</partition_version>\n\t<partitions>\n");
	for (size_t i = 0; i < k->p->nparts; i++) {
		const struct sim_part *pt = &k->p->parts[i];

		fprintf(f,
			"\t\t<partition>\n\t\t\t<name length=\"16\" "
			"type=\"string\">0:%s</name>\n",
			pt->name);
		fprintf(f, "\t\t\t<size_kb length=\"4\">%u</size_kb>\n",
			pt->num_blocks * blk_kb);
		fprintf(f, "\t\t\t<pad_kb "
			   "length=\"4\">0</pad_kb>\n\t\t\t<which_flash>0</"
			   "which_flash>\n");
		fprintf(f,
			"\t\t\t<attr>0xFF</attr>\n\t\t\t<attr>0x01</"
			"attr>\n\t\t\t<attr>%s</attr>\n\t\t\t<attr>0xFF</"
			"attr>\n",
			pt->calibration ? "0xFF" : "0x00");
		if (pt->image)
			fprintf(f,
				"\t\t\t<img_name "
				"type=\"string\">%s</img_name>\n",
				pt->image);
		fprintf(f, "\t\t</partition>\n");
	}
	fprintf(f, "\t</partitions>\n</nandboot>\n");
	return fclose(f) ? -errno : 0;
}

static int write_contents(struct pkg *k)
{
	FILE *f = open_out(k, "contents.xml", "w");

	if (!f)
		return -errno;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<contents>\n  "
		   "<product_info>\n");
	fprintf(f, "    <product_name>%s.LE.1.0</product_name>\n", k->p->chip);
	fprintf(f, "    <hlos_type cmm_var=\"HLOS_TYPE\">LE</hlos_type>\n");
	fprintf(f,
		"    <chipid cmm_var=\"CHIPID\">%s</chipid>\n  "
		"</product_info>\n",
		k->p->chip);
	fprintf(f, "  <builds_flat>\n    <build>\n      <name>common</name>\n  "
		   "    <role>common</role>\n");
	fprintf(f,
		"      <chipset>%s</chipset>\n      <build_id>%s</build_id>\n",
		k->p->chip, k->revision);
	fprintf(f, "      <windows_root_path>.\\</windows_root_path>\n      "
		   "<linux_root_path>./</linux_root_path>\n");
	fprintf(f,
		"      <image_dir>update</image_dir>\n      <partition_file>\n "
		"       <file_name>partition_nand.xml</file_name>\n        "
		"<file_path>update/</file_path>\n      </partition_file>\n");
	fprintf(f, "    </build>\n  </builds_flat>\n</contents>\n");
	return fclose(f) ? -errno : 0;
}

static int write_programmer(struct pkg *k, const char *root, bool unsigned_)
{
	char key[4096], cert[4096], rel[512], err[256] = "";
	uint8_t *b = NULL;
	size_t n = 0;
	int rc;

	if (!unsigned_ && !root && k->p->root) {
		snprintf(cert, sizeof(cert), "%s/%s", MF_TESTROOTS, k->p->root);
		root = cert;
	} else if (root) {
		snprintf(cert, sizeof(cert), "%s", root);
	}
	if (!unsigned_ && root) {
		size_t l = strlen(cert);

		snprintf(key, sizeof(key), "%.*s.key",
			 (int)(l > 4 && !strcmp(cert + l - 4, ".der") ? l - 4
								      : l),
			 cert);
	}
	rc = sim_prog_build(k->p->chip, k->p->msm_id,
			    !unsigned_ && root ? key : NULL,
			    !unsigned_ && root ? cert : NULL, 0x20000, &b, &n,
			    err, sizeof(err));
	if (rc) {
		fprintf(stderr, "mkpkg: %s\n", err[0] ? err : strerror(-rc));
		return rc;
	}
	snprintf(rel, sizeof(rel), "update/firehose/%s", k->p->programmer);
	rc = write_blob(k, rel, b, n);
	free(b);
	return rc;
}

static int md5_file(const char *path, char out[33])
{
	static uint8_t buf[1 << 16];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t md[16];
	unsigned int dl = 0;
	FILE *f = fopen(path, "rb");
	size_t r;

	if (!f || !ctx) {
		int e = f ? ENOMEM : errno;

		if (f)
			fclose(f);
		EVP_MD_CTX_free(ctx);
		return -e;
	}
	EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(ctx, buf, r);
	fclose(f);
	EVP_DigestFinal_ex(ctx, md, &dl);
	EVP_MD_CTX_free(ctx);
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02X", md[i]);
	return 0;
}

static int cmp_files(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

static int write_md5(struct pkg *k)
{
	char path[4096], md5[33];
	FILE *f;

	qsort(k->files, k->nfiles, sizeof(k->files[0]), cmp_files);
	snprintf(path, sizeof(path), "%s/md5.txt", k->dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "VERSION:1.0\r\nFILE:START\r\n");
	for (size_t i = 0; i < k->nfiles; i++) {
		snprintf(path, sizeof(path), "%s/%s", k->dir, k->files[i]);
		int rc = md5_file(path, md5);

		if (rc) {
			fclose(f);
			return rc;
		}
		fprintf(f, "FILE:\\");
		for (const char *c = k->files[i]; *c; c++)
			fputc(*c == '/' ? '\\' : *c, f);
		fprintf(f, ":%s\r\n", md5);
	}
	fprintf(f, "FILE:END\r\n");
	return fclose(f) ? -errno : 0;
}

static int mkdirs(const char *dir)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *c = p + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		*c = '/';
	}
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	snprintf(p, sizeof(p), "%s/update", dir);
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	snprintf(p, sizeof(p), "%s/update/firehose", dir);
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: mkpkg --profile P --revision REV [--size "
			"BYTES] [--variant standard|quecopen]\n"
			"             [--programmer-root FILE.der|--unsigned] "
			"-o DIR\n");
	return 2;
}

static int build(struct pkg *k, const char *root, bool unsigned_)
{
	uint8_t *mibib;
	size_t cap = (size_t)k->p->page_size * SIM_MIBIB_PAGES;
	char rel[256];
	int rc = mkdirs(k->dir);

	if (rc)
		return die("cannot create %s: %s", k->dir, strerror(-rc));
	nand_geometry_name(k->p->page_size, k->p->pages_per_block, k->geo,
			   sizeof(k->geo));
	mibib = malloc(cap);
	if (!mibib || sim_mibib(k->p, mibib, cap) < 0) {
		free(mibib);
		return die("cannot build the MIBIB of %s", k->p->name);
	}
	snprintf(rel, sizeof(rel), "update/firehose/partition_complete_%s.mbn",
		 k->geo);
	rc = write_blob(k, rel, mibib, cap);
	free(mibib);
	if (!rc)
		rc = write_images(k);
	if (!rc)
		rc = write_programmer(k, root, unsigned_);
	if (!rc)
		rc = write_rawprogram(k, false);
	if (!rc)
		rc = write_rawprogram(k, true);
	if (!rc)
		rc = write_patch(k);
	if (!rc)
		rc = write_partition_xml(k);
	if (!rc)
		rc = write_contents(k);
	if (!rc)
		rc = write_md5(k);
	if (rc)
		return die("cannot write the package in %s: %s", k->dir,
			   strerror(-rc));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "revision", required_argument, NULL, 'r' },
		{ "size", required_argument, NULL, 's' },
		{ "variant", required_argument, NULL, 'v' },
		{ "programmer-root", required_argument, NULL, 'R' },
		{ "unsigned", no_argument, NULL, 'U' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct pkg k = { 0 };
	const char *profile = NULL, *variant = NULL, *root = NULL;
	bool unsigned_ = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile = optarg;
			break;
		case 'r':
			k.revision = optarg;
			break;
		case 's': {
			char *end;

			errno = 0;
			k.modem_size = strtoull(optarg, &end, 0);
			if (errno || *end || !k.modem_size)
				return die(
					"--size wants a byte count, not '%s'",
					optarg);
			break;
		}
		case 'v':
			variant = optarg;
			break;
		case 'R':
			root = optarg;
			break;
		case 'U':
			unsigned_ = true;
			break;
		case 'o':
			k.dir = optarg;
			break;
		default:
			return usage();
		}
	}
	if (!profile || !k.revision || !k.dir || optind != argc)
		return usage();
	k.p = sim_profile_find(profile);
	if (!k.p)
		return die("unknown profile '%s'", profile);
	if (strlen(k.revision) >= 64 || strpbrk(k.revision, "/\\\"<>&"))
		return die("revision '%s' is too long or has unsafe characters",
			   k.revision);
	if (variant && strcmp(variant, "standard") &&
	    strcmp(variant, "quecopen"))
		return die("--variant is standard or quecopen, not '%s'",
			   variant);
	if (root && unsigned_)
		return die(
			"%s",
			"--programmer-root and --unsigned exclude each other");
	k.variant = sim_variant_of(k.revision, variant);
	rc = build(&k, root, unsigned_);
	for (size_t i = 0; i < k.nfiles; i++)
		free(k.files[i]);
	return rc;
}
