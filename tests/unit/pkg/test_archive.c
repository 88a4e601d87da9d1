// SPDX-License-Identifier: BSD-3-Clause
/*
 * The archive extractor (src/pkg/archive.c) on archives written here with
 * libarchive: zip, 7z, tar, tar.gz, tar.xz read back byte for byte; hostile
 * entries (climbing names, absolute names, links, devices, FIFOs, too many
 * entries, a compression bomb with a lying size) refused with nothing left
 * behind; pkg_open on an archive removes its temp dir, also on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>
#include <dirent.h>

#include "pkg/pkg.h"
#include "pkg/pkgint.h"

#define A08 MF_FIXTURES "/xml/eg25g_mdm9607_EG25GGBR07A08M2G_30.006"

enum fmt { F_ZIP, F_7Z, F_TAR, F_TGZ, F_TXZ };

struct ent {
	const char *name;
	mode_t type;	  /* AE_IFREG, AE_IFDIR, AE_IFLNK, ... */
	const char *data; /* regular file contents */
	const char *link; /* symlink target */
	const char *hardlink;
	size_t zeros; /* extra zero bytes after data */
};

#define REG(n, d)                                                              \
	{                                                                      \
		.name = (n), .type = AE_IFREG, .data = (d)                     \
	}
#define DIRE(n)                                                                \
	{                                                                      \
		.name = (n), .type = AE_IFDIR                                  \
	}
#define LNK(n, t)                                                              \
	{                                                                      \
		.name = (n), .type = AE_IFLNK, .link = (t)                     \
	}
#define HLN(n, t)                                                              \
	{                                                                      \
		.name = (n), .type = AE_IFREG, .hardlink = (t)                 \
	}
#define SPECIAL(n, t)                                                          \
	{                                                                      \
		.name = (n), .type = (t)                                       \
	}

struct dirs {
	char top[64];	 /* a fresh dir per test */
	char parent[96]; /* extraction parent: must stay empty */
	char arc[128];
};

static void writer_format(struct archive *w, enum fmt f)
{
	switch (f) {
	case F_ZIP:
		archive_write_set_format_zip(w);
		break;
	case F_7Z:
		archive_write_set_format_7zip(w);
		break;
	default:
		archive_write_set_format_pax_restricted(w);
		break;
	}
	if (f == F_TGZ)
		assert_int_equal(archive_write_add_filter_gzip(w), ARCHIVE_OK);
	if (f == F_TXZ)
		assert_int_equal(archive_write_add_filter_xz(w), ARCHIVE_OK);
}

static void write_zeros(struct archive *w, size_t n)
{
	static const char z[65536];
	size_t k;

	while (n) {
		k = n < sizeof(z) ? n : sizeof(z);
		assert_int_equal(archive_write_data(w, z, k), (la_ssize_t)k);
		n -= k;
	}
}

static void mkarc(const char *path, enum fmt f, const struct ent *e, size_t n)
{
	struct archive *w = archive_write_new();
	struct archive_entry *ae;
	size_t i, len;

	writer_format(w, f);
	assert_int_equal(archive_write_open_filename(w, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		ae = archive_entry_new();
		len = (e[i].data ? strlen(e[i].data) : 0) + e[i].zeros;
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_filetype(ae, e[i].type);
		archive_entry_set_perm(ae, e[i].type == AE_IFDIR ? 0755 : 0644);
		if (e[i].link)
			archive_entry_set_symlink(ae, e[i].link);
		if (e[i].hardlink)
			archive_entry_set_hardlink(ae, e[i].hardlink);
		if (e[i].type == AE_IFCHR || e[i].type == AE_IFBLK)
			archive_entry_set_rdev(ae, makedev(1, 3));
		archive_entry_set_size(
			ae, e[i].type == AE_IFREG ? (la_int64_t)len : 0);
		if (archive_write_header(w, ae) != ARCHIVE_OK)
			fail_msg("%s: %s", e[i].name, archive_error_string(w));
		if (e[i].type == AE_IFREG && e[i].data)
			archive_write_data(w, e[i].data, strlen(e[i].data));
		if (e[i].zeros)
			write_zeros(w, e[i].zeros);
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(w), ARCHIVE_OK);
	archive_write_free(w);
}

static void setup_dirs(struct dirs *d, const char *arcname)
{
	snprintf(d->top, sizeof(d->top), "%s/mf-arc-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(d->top));
	snprintf(d->parent, sizeof(d->parent), "%s/work", d->top);
	assert_int_equal(mkdir(d->parent, 0700), 0);
	snprintf(d->arc, sizeof(d->arc), "%s/%s", d->top, arcname);
}

static size_t count_dir(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(dir);
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(dir);
	return n;
}

/* Only "work" and the archive itself may exist in top afterwards. */
static void assert_clean(const struct dirs *d)
{
	assert_int_equal(count_dir(d->parent), 0);
	assert_int_equal(count_dir(d->top), 2);
}

static void teardown_dirs(struct dirs *d)
{
	pkg_rmtree(d->top);
}

static void slurp_eq(const char *dir, const char *rel, const char *want)
{
	char path[512], buf[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	assert_string_equal(buf, want);
}

static void test_formats(void **state)
{
	static const char *const names[] = { "p.zip", "p.7z", "p.tar",
					     "p.tar.gz", "p.tar.xz" };
	static const struct ent e[] = {
		DIRE("EG25GGBR07A08M2G_30.006.30.006/"),
		REG("EG25GGBR07A08M2G_30.006.30.006/update/md5.txt", "abc\n"),
		REG("EG25GGBR07A08M2G_30.006.30.006/update/firehose/p.mbn",
		    "\x7f"
		    "ELF"),
		REG("./EG25GGBR07A08M2G_30.006.30.006/contents.xml",
		    "<contents/>"),
	};
	struct mf_err err = { 0 };
	struct dirs d;
	char *out = NULL;
	int f;

	for (f = F_ZIP; f <= F_TXZ; f++) {
		setup_dirs(&d, names[f]);
		mkarc(d.arc, f, e, 4);
		assert_true(pkg_is_archive(d.arc));
		assert_int_equal(pkg_extract(d.arc, d.parent, &out, NULL, &err),
				 0);
		assert_int_equal(strncmp(out, d.parent, strlen(d.parent)), 0);
		slurp_eq(out, "EG25GGBR07A08M2G_30.006.30.006/update/md5.txt",
			 "abc\n");
		slurp_eq(out,
			 "EG25GGBR07A08M2G_30.006.30.006/update/firehose/p.mbn",
			 "\x7f"
			 "ELF");
		slurp_eq(out, "EG25GGBR07A08M2G_30.006.30.006/contents.xml",
			 "<contents/>");
		assert_int_equal(count_dir(d.parent), 1);
		pkg_rmtree(out);
		free(out);
		assert_clean(&d);
		teardown_dirs(&d);
	}
}

struct hostile {
	enum fmt f;
	struct ent e[3];
	size_t n;
	const char *msg;     /* part of the error */
	const char *outside; /* must not exist afterwards (relative to top) */
};

static const struct hostile hostile[] = {
	{ F_ZIP, { REG("../evil", "x") }, 1, "climbs out", "evil" },
	{ F_TAR, { REG("../evil", "x") }, 1, "climbs out", "evil" },
	{ F_7Z, { REG("a/../../evil", "x") }, 1, "climbs out", "evil" },
	{ F_TAR,
	  { REG("ok", "fine"), REG("a/b/../../../../evil", "x") },
	  2,
	  "climbs out",
	  "evil" },
	{ F_ZIP, { REG("..\\evil", "x") }, 1, "climbs out", "evil" },
	{ F_TAR, { REG("/tmp/mf-abs-evil", "x") }, 1, "absolute", NULL },
	{ F_ZIP, { REG("C:\\evil", "x") }, 1, "absolute", NULL },
	{ F_TAR,
	  { REG("a\x01"
		"b",
		"x") },
	  1,
	  "climbs out",
	  NULL },
	{ F_TAR,
	  { LNK("link", ".."), REG("link/evil", "x") },
	  2,
	  "is a link",
	  "evil" },
	{ F_ZIP, { LNK("link", "../evil") }, 1, "is a link", "evil" },
	{ F_7Z, { LNK("link", "/etc/passwd") }, 1, "is a link", NULL },
	{ F_TAR,
	  { REG("a", "x"), HLN("h", "/etc/passwd") },
	  2,
	  "is a link",
	  NULL },
	{ F_TAR, { REG("a", "x"), HLN("h", "a") }, 2, "is a link", NULL },
	{ F_TAR, { SPECIAL("null", AE_IFCHR) }, 1, "device or special", NULL },
	{ F_TAR, { SPECIAL("sda", AE_IFBLK) }, 1, "device or special", NULL },
	{ F_TAR, { SPECIAL("fifo", AE_IFIFO) }, 1, "device or special", NULL },
	{ F_7Z, { SPECIAL("fifo", AE_IFIFO) }, 1, "device or special", NULL },
	{ F_TAR, { REG("a", "x"), REG("a", "y") }, 2, "duplicate", NULL },
	{ F_TAR, { REG("a", "x"), REG("a/b", "y") }, 2, "placed safely", NULL },
	{ F_ZIP, { REG("a", "x"), DIRE("a/") }, 2, "directory", NULL },
};

static void test_hostile(void **state)
{
	static const char *const ext[] = { ".zip", ".7z", ".tar", ".tgz",
					   ".txz" };
	struct mf_err err;
	struct dirs d;
	char *out, name[32], path[160];
	size_t i;

	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const struct hostile *h = &hostile[i];

		snprintf(name, sizeof(name), "h%zu%s", i, ext[h->f]);
		setup_dirs(&d, name);
		mkarc(d.arc, h->f, h->e, h->n);
		memset(&err, 0, sizeof(err));
		out = NULL;
		assert_true(pkg_extract(d.arc, d.parent, &out, NULL, &err) < 0);
		assert_null(out);
		assert_int_equal(err.status, MF_BAD_PACKAGE);
		if (!strstr(err.msg, h->msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
				 h->msg);
		if (h->outside) {
			snprintf(path, sizeof(path), "%s/%s", d.top,
				 h->outside);
			assert_int_not_equal(access(path, F_OK), 0);
		}
		assert_clean(&d);
		teardown_dirs(&d);
	}
	assert_int_not_equal(access("/tmp/mf-abs-evil", F_OK), 0);
}

static void test_entries_bound(void **state)
{
	static const struct pkg_limits lim = { 1 << 20, 8, NULL };
	struct ent e[PKG_MAX_ENTRIES + 1];
	char names[PKG_MAX_ENTRIES + 1][12];
	struct mf_err err = { 0 };
	struct dirs d;
	char *out = NULL;
	size_t i;

	for (i = 0; i <= PKG_MAX_ENTRIES; i++) {
		snprintf(names[i], sizeof(names[i]), "f%zu", i);
		e[i] = (struct ent)REG(names[i], "");
	}
	setup_dirs(&d, "many.tar");
	mkarc(d.arc, F_TAR, e, 9);
	assert_int_equal(
		pkg_extract_limited(d.arc, d.parent, &lim, &out, NULL, &err),
		-E2BIG);
	assert_non_null(strstr(err.msg, "more than 8 entries"));
	assert_clean(&d);
	/* exactly at the bound is fine */
	mkarc(d.arc, F_TAR, e, 8);
	assert_int_equal(
		pkg_extract_limited(d.arc, d.parent, &lim, &out, NULL, &err),
		0);
	assert_int_equal(count_dir(out), 8);
	pkg_rmtree(out);
	free(out);
	/* the real bound */
	memset(&err, 0, sizeof(err));
	mkarc(d.arc, F_TAR, e, PKG_MAX_ENTRIES + 1);
	assert_int_equal(pkg_extract(d.arc, d.parent, &out, NULL, &err),
			 -E2BIG);
	assert_non_null(strstr(err.msg, "more than 4096 entries"));
	assert_clean(&d);
	teardown_dirs(&d);
}

/* Patch every uncompressed size of a zip (local and central headers). */
static void zip_lie(const char *path, uint32_t size)
{
	FILE *f = fopen(path, "r+b");
	static uint8_t b[1 << 20];
	size_t n, i, off;

	assert_non_null(f);
	n = fread(b, 1, sizeof(b), f);
	assert_true(n < sizeof(b));
	for (i = 0; i + 46 <= n; i++) {
		if (b[i] != 'P' || b[i + 1] != 'K')
			continue;
		if (b[i + 2] == 3 && b[i + 3] == 4)
			off = 22;
		else if (b[i + 2] == 1 && b[i + 3] == 2)
			off = 24;
		else if (b[i + 2] == 7 && b[i + 3] == 8)
			off = 12;
		else
			continue;
		b[i + off] = (uint8_t)size;
		b[i + off + 1] = (uint8_t)(size >> 8);
		b[i + off + 2] = (uint8_t)(size >> 16);
		b[i + off + 3] = (uint8_t)(size >> 24);
	}
	rewind(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

/*
 * A 64 MiB entry of zeros against a 1 MiB bound, with RLIMIT_FSIZE at
 * 2 MiB: had the extractor written on past the bound, write() would fail
 * with EFBIG and the error would be an I/O one, not the bound's.
 */
static void bomb(struct dirs *d, bool lie, const char *msg)
{
	static const struct pkg_limits lim = { 1 << 20, 16, NULL };
	struct ent e = { .name = "bomb.bin",
			 .type = AE_IFREG,
			 .zeros = 64u << 20 };
	struct rlimit old, small;
	struct mf_err err = { 0 };
	struct stat st;
	char *out = NULL;
	int rc;

	mkarc(d->arc, F_ZIP, &e, 1);
	assert_int_equal(stat(d->arc, &st), 0);
	assert_true(st.st_size < (1 << 20)); /* highly compressed */
	if (lie)
		zip_lie(d->arc, 1000);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 2u << 20;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	rc = pkg_extract_limited(d->arc, d->parent, &lim, &out, NULL, &err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	if (rc != -EFBIG)
		fail_msg("rc %d: %s", rc, err.msg);
	assert_int_equal(err.status, MF_BAD_PACKAGE);
	assert_non_null(strstr(err.msg, msg));
	assert_non_null(strstr(err.hint, "compression bomb"));
	assert_clean(d);
}

static void test_bomb(void **state)
{
	struct dirs d;

	setup_dirs(&d, "bomb.zip");
	bomb(&d, false, "expands past 1048576 bytes");
	bomb(&d, true, "expands past 1048576 bytes");
	teardown_dirs(&d);
}

/* A tar header declaring 9 GiB (base-256 size), no data: the real bound. */
static void huge_tar(const char *path)
{
	uint8_t h[1024] = { 0 };
	uint64_t size = 9ULL << 30;
	unsigned sum = 0, i;
	FILE *f;

	strcpy((char *)h, "huge.bin");
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	h[124] = 0x80;
	for (i = 0; i < 8; i++)
		h[135 - i] = (uint8_t)(size >> (8 * i));
	memcpy(h + 136, "00000000000", 12);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar  ", 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(h, 1, sizeof(h), f), sizeof(h));
	fclose(f);
}

static void test_declared_past_total(void **state)
{
	struct mf_err err = { 0 };
	struct rlimit old, small;
	struct dirs d;
	char *out = NULL;
	int rc;

	setup_dirs(&d, "huge.tar");
	huge_tar(d.arc);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 1u << 20;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	rc = pkg_extract(d.arc, d.parent, &out, NULL, &err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(rc, -EFBIG);
	assert_non_null(strstr(err.msg, "expands past 8589934592 bytes"));
	assert_clean(&d);
	teardown_dirs(&d);
}

static void test_not_archive(void **state)
{
	struct mf_err err = { 0 };
	struct dirs d;
	char *out = NULL;
	FILE *f;

	setup_dirs(&d, "junk.zip");
	f = fopen(d.arc, "wb");
	fputs("this is not a zip file at all, just text\n", f);
	fclose(f);
	assert_true(pkg_extract(d.arc, d.parent, &out, NULL, &err) < 0);
	assert_int_equal(err.status, MF_BAD_PACKAGE);
	assert_clean(&d);
	/* a missing parent is an ordinary failure */
	memset(&err, 0, sizeof(err));
	assert_true(pkg_extract(d.arc, "/nonexistent-mf-dir", &out, NULL,
				&err) < 0);
	assert_int_equal(err.status, MF_FAILED);
	assert_null(out);
	teardown_dirs(&d);
}

/* A name of 4094 bytes + "/x" for a directory entry: refused, no overflow. */
static void test_long_names(void **state)
{
	static char name[5000];
	struct ent e = DIRE(name);
	struct mf_err err = { 0 };
	struct dirs d;
	char *out = NULL;

	memset(name, 'a', sizeof(name) - 1);
	for (size_t i = 200; i < sizeof(name) - 1; i += 201)
		name[i] = '/';
	name[4094] = 0;
	setup_dirs(&d, "long.tar");
	mkarc(d.arc, F_TAR, &e, 1);
	assert_true(pkg_extract(d.arc, d.parent, &out, NULL, &err) < 0);
	assert_int_equal(err.status, MF_BAD_PACKAGE);
	assert_clean(&d);
	teardown_dirs(&d);
}

/* pkg_open on a 7z of the real fixture folder reads what the folder gives. */
static void pack_dir(const char *dir, const char *prefix, const char *out,
		     enum fmt f)
{
	char cmd[1024];
	struct archive *w = archive_write_new();
	struct archive_entry *ae;
	FILE *l;
	char line[512], rel[600];
	size_t n;

	writer_format(w, f);
	assert_int_equal(archive_write_open_filename(w, out), ARCHIVE_OK);
	snprintf(cmd, sizeof(cmd), "cd '%s' && find . -type f", dir);
	l = popen(cmd, "r");
	assert_non_null(l);
	while (fgets(line, sizeof(line), l)) {
		char full[1024], *buf;
		FILE *in;
		long len;

		line[strcspn(line, "\n")] = 0;
		snprintf(full, sizeof(full), "%s/%s", dir, line + 2);
		snprintf(rel, sizeof(rel), "%s/%s", prefix, line + 2);
		in = fopen(full, "rb");
		assert_non_null(in);
		fseek(in, 0, SEEK_END);
		len = ftell(in);
		rewind(in);
		buf = malloc((size_t)len + 1);
		n = fread(buf, 1, (size_t)len, in);
		fclose(in);
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, rel);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)n);
		assert_int_equal(archive_write_header(w, ae), ARCHIVE_OK);
		archive_write_data(w, buf, n);
		archive_entry_free(ae);
		free(buf);
	}
	pclose(l);
	assert_int_equal(archive_write_close(w), ARCHIVE_OK);
	archive_write_free(w);
}

static void test_pkg_open_archive(void **state)
{
	static const enum fmt fmts[] = { F_7Z, F_ZIP, F_TXZ };
	static const char *const names[] = {
		"EG25GGBR07A08M2G_30.006.30.006.7z",
		"EG25GGBR07A08M2G_30.006.30.006.zip",
		"EG25GGBR07A08M2G_30.006.30.006.tar.xz"
	};
	struct pkg_opts o = { 0 };
	struct mf_err e1 = { 0 }, e2 = { 0 };
	struct pkg folder, arc;
	struct dirs d;
	int r1, r2;
	size_t i;

	r1 = pkg_open(&folder, A08, &o, NULL, &e1);
	for (i = 0; i < 3; i++) {
		setup_dirs(&d, names[i]);
		pack_dir(A08, "EG25GGBR07A08M2G_30.006.30.006", d.arc, fmts[i]);
		o.tmpdir = d.parent;
		memset(&e2, 0, sizeof(e2));
		r2 = pkg_open(&arc, d.arc, &o, NULL, &e2);
		assert_int_equal(r1, r2);
		assert_int_equal(e1.status, e2.status);
		assert_int_equal(folder.ncmds, arc.ncmds);
		assert_int_equal(folder.has_ident, arc.has_ident);
		assert_string_equal(arc.name, "EG25GGBR07A08M2G_30.006.30.006");
		assert_non_null(arc.tmpdir);
		assert_int_equal(count_dir(d.parent), 1);
		pkg_close(&arc);
		assert_clean(&d);
		teardown_dirs(&d);
	}
	pkg_close(&folder);
}

/*
 * A stop request (the CLI's SIGINT/SIGTERM flag) ends the extraction with
 * -EINTR and no temp dir, before any pkg_close; an archive that extracts
 * but is no package leaves none after the pkg_close of the error path.
 */
static void test_pkg_open_stopped_or_bad_cleans(void **state)
{
	static const struct ent e[] = { REG("p/readme.txt", "not a package") };
	mf_stop_flag stop = SIGINT;
	struct pkg_opts o = { 0 };
	struct mf_err err = { 0 };
	struct pkg arc;
	struct dirs d;

	setup_dirs(&d, "A08.zip");
	pack_dir(A08, "EG25GGBR07A08M2G_30.006.30.006", d.arc, F_ZIP);
	o.tmpdir = d.parent;
	o.stop = &stop;
	assert_int_equal(pkg_open(&arc, d.arc, &o, NULL, &err), -EINTR);
	assert_non_null(strstr(err.msg, "interrupted (SIGINT)"));
	assert_int_equal(err.status, MF_INTERRUPTED);
	assert_null(arc.tmpdir);
	assert_clean(&d);
	pkg_close(&arc);
	teardown_dirs(&d);

	setup_dirs(&d, "nopkg.zip");
	mkarc(d.arc, F_ZIP, e, 1);
	o.stop = NULL;
	memset(&err, 0, sizeof(err));
	assert_true(pkg_open(&arc, d.arc, &o, NULL, &err) < 0);
	pkg_close(&arc); /* every caller's error path */
	assert_clean(&d);
	teardown_dirs(&d);
}

/* A hostile archive through pkg_open: refused, temp dir gone. */
static void test_pkg_open_hostile(void **state)
{
	static const struct ent e[] = { REG("p/update/x", "x"),
					LNK("p/update/l", "/etc") };
	struct pkg_opts o = { 0 };
	struct mf_err err = { 0 };
	struct pkg p;
	struct dirs d;

	setup_dirs(&d, "p.tar.gz");
	mkarc(d.arc, F_TGZ, e, 2);
	o.tmpdir = d.parent;
	assert_true(pkg_open(&p, d.arc, &o, NULL, &err) < 0);
	assert_int_equal(err.status, MF_BAD_PACKAGE);
	pkg_close(&p);
	assert_clean(&d);
	/* a harmless archive that is no package: also cleaned after failure */
	mkarc(d.arc, F_TGZ, e, 1);
	memset(&err, 0, sizeof(err));
	assert_true(pkg_open(&p, d.arc, &o, NULL, &err) < 0);
	pkg_close(&p);
	assert_clean(&d);
	teardown_dirs(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_entries_bound),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_declared_past_total),
		cmocka_unit_test(test_not_archive),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_pkg_open_archive),
		cmocka_unit_test(test_pkg_open_hostile),
		cmocka_unit_test(test_pkg_open_stopped_or_bad_cleans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
