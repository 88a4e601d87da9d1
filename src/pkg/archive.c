// SPDX-License-Identifier: BSD-3-Clause
/*
 * Packages shipped as zip, 7z or tar: extracted with libarchive into a
 * private mkdtemp directory. Entries are untrusted: absolute paths, "..",
 * links and device files are refused, entry count and total size bounded.
 * Only regular files and directories are ever created, with O_EXCL and
 * O_NOFOLLOW, so nothing is written outside the directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "pkg/pkg.h"
#include "pkg/pkgint.h"

bool pkg_is_archive(const char *path)
{
	static const char *const ext[] = { ".zip",    ".7z",  ".tar",
					   ".tar.gz", ".tgz", ".tar.xz",
					   ".tar.bz2" };
	size_t n = strlen(path), i, e;
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return false;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		e = strlen(ext[i]);
		if (n > e && strcasecmp(path + n - e, ext[i]) == 0)
			return true;
	}
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Relative, no "..", no empty name; backslashes become '/'. */
static int clean_name(const char *in, char *out, size_t cap)
{
	size_t n = strlen(in), i;
	const char *c;
	char *save = NULL, *tok, tmp[4096];

	if (!n || n >= cap || n >= sizeof(tmp))
		return -ENAMETOOLONG;
	for (i = 0; i <= n; i++)
		tmp[i] = in[i] == '\\' ? '/' : in[i];
	if (tmp[0] == '/' || (n > 1 && tmp[1] == ':'))
		return -EPERM;
	out[0] = 0;
	for (tok = strtok_r(tmp, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, "..") == 0)
			return -EPERM;
		if (strcmp(tok, ".") == 0)
			continue;
		for (c = tok; *c; c++)
			if ((unsigned char)*c < 0x20)
				return -EPERM;
		if (out[0])
			strcat(out, "/");
		strcat(out, tok);
	}
	return out[0] ? 0 : -ENOENT; /* "." or "./": the top itself */
}

/* mkdir -p of the parents of rel under dirfd, never following links. */
static int make_parents(int dirfd, char *rel)
{
	char *s;
	struct stat st;

	for (s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
		*s = 0;
		if (mkdirat(dirfd, rel, 0700) && errno != EEXIST) {
			*s = '/';
			return -errno;
		}
		if (fstatat(dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode)) {
			*s = '/';
			return -EPERM;
		}
		*s = '/';
	}
	return 0;
}

static int too_big(uint64_t max, struct mf_err *err)
{
	mf_err_set(err, MF_BAD_PACKAGE, -EFBIG,
		   "archive expands past %llu bytes", (unsigned long long)max);
	mf_err_hint(err, "this is not a firmware package (a compression "
			 "bomb?): get the package from Quectel again");
	return -EFBIG;
}

static bool stopped(const struct pkg_limits *lim)
{
	return mf_stop_requested(lim->stop);
}

static int interrupted(const struct pkg_limits *lim, struct mf_err *err)
{
	return mf_stop_err(lim->stop, err, "the package's extraction");
}

static int write_entry(struct archive *a, struct archive_entry *e, int dirfd,
		       char *rel, uint64_t *total, const struct pkg_limits *lim,
		       struct mf_err *err)
{
	uint64_t max = lim->max_total;
	char buf[65536];
	la_ssize_t r;
	int fd, rc = 0;

	/* a declared size past the bound is refused before a byte is written */
	if (archive_entry_size_is_set(e) &&
	    (archive_entry_size(e) < 0 ||
	     (uint64_t)archive_entry_size(e) > max - *total))
		return too_big(max, err);
	rc = make_parents(dirfd, rel);
	if (rc)
		return mf_err_set(err, MF_BAD_PACKAGE, rc,
				  "archive entry '%s' cannot be placed safely",
				  rel);
	fd = openat(dirfd, rel,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return mf_err_set(
			err, MF_BAD_PACKAGE, -errno,
			"archive entry '%s' cannot be created (duplicate?)",
			rel);
	/* sizes in headers can lie: the bound holds for the bytes produced */
	while ((r = archive_read_data(a, buf, sizeof(buf))) > 0) {
		if (stopped(lim)) {
			rc = interrupted(lim, err);
			break;
		}
		if ((uint64_t)r > max - *total) {
			rc = too_big(max, err);
			break;
		}
		*total += (uint64_t)r;
		if (write(fd, buf, (size_t)r) != r) {
			rc = mf_err_set(err, MF_FAILED, -EIO,
					"cannot write the extracted package");
			break;
		}
	}
	if (!rc && r < 0)
		rc = mf_err_set(err, MF_BAD_PACKAGE, -EIO,
				"archive damaged: %s", archive_error_string(a));
	close(fd);
	return rc;
}

static int check_entry(struct archive_entry *e, char *rel, size_t cap,
		       struct mf_err *err)
{
	const char *name = archive_entry_pathname(e);
	mode_t type = archive_entry_filetype(e);
	int rc = name ? clean_name(name, rel, cap) : -EPERM;

	/* `tar -C DIR -cf x.tar .` names the top "./": nothing to make */
	if (rc == -ENOENT && type == AE_IFDIR)
		return 1;
	if (rc)
		return mf_err_set(err, MF_BAD_PACKAGE, -EPERM,
				  "archive entry '%s' is absolute or climbs "
				  "out with '..'",
				  name ? name : "(none)");
	if (archive_entry_hardlink(e) || type == AE_IFLNK)
		return mf_err_set(err, MF_BAD_PACKAGE, -EPERM,
				  "archive entry '%s' is a link (refused)",
				  name);
	if (type != AE_IFREG && type != AE_IFDIR)
		return mf_err_set(
			err, MF_BAD_PACKAGE, -EPERM,
			"archive entry '%s' is a device or special file", name);
	return 0;
}

static int extract_all(struct archive *a, int dirfd,
		       const struct pkg_limits *lim, struct mf_err *err)
{
	struct archive_entry *e;
	char rel[4096];
	uint64_t total = 0;
	unsigned count = 0;
	int r, rc;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		if (stopped(lim))
			return interrupted(lim, err);
		if (++count > lim->max_entries)
			return mf_err_set(err, MF_BAD_PACKAGE, -E2BIG,
					  "archive has more than %u entries",
					  lim->max_entries);
		/* room for the "/x" a directory entry gets below */
		rc = check_entry(e, rel, sizeof(rel) - 2, err);
		if (rc > 0)
			continue;
		if (rc)
			return rc;
		if (archive_entry_filetype(e) == AE_IFDIR) {
			strcat(rel, "/x");
			rc = make_parents(dirfd, rel);
			if (rc)
				return mf_err_set(
					err, MF_BAD_PACKAGE, rc,
					"archive directory cannot be made");
			continue;
		}
		rc = write_entry(a, e, dirfd, rel, &total, lim, err);
		if (rc)
			return rc;
	}
	if (r != ARCHIVE_EOF)
		return mf_err_set(err, MF_BAD_PACKAGE, -EBADMSG,
				  "not a readable zip, 7z or tar archive: %s",
				  archive_error_string(a));
	return 0;
}

int pkg_extract(const char *archive, const char *parent, char **out,
		const struct mf_log *log, struct mf_err *err)
{
	static const struct pkg_limits lim = { PKG_MAX_TOTAL, PKG_MAX_ENTRIES,
					       NULL };

	return pkg_extract_limited(archive, parent, &lim, out, log, err);
}

int pkg_extract_limited(const char *archive, const char *parent,
			const struct pkg_limits *lim, char **out,
			const struct mf_log *log, struct mf_err *err)
{
	struct archive *a;
	char *dir;
	int dirfd, rc;

	if (!parent || !parent[0])
		parent = getenv("TMPDIR");
	if (!parent || !parent[0])
		parent = "/tmp";
	if (asprintf(&dir, "%s/modemflash-pkg-XXXXXX", parent) < 0)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	if (!mkdtemp(dir)) {
		rc = -errno;
		free(dir);
		return mf_err_set(err, MF_FAILED, rc,
				  "cannot create a temporary directory in %s",
				  parent);
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	a = archive_read_new();
	archive_read_support_format_zip(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (dirfd < 0 ||
	    archive_read_open_filename(a, archive, 65536) != ARCHIVE_OK)
		rc = mf_err_set(err, MF_BAD_PACKAGE, -EBADMSG,
				"cannot open archive %s: %s", archive,
				archive_error_string(a)
					? archive_error_string(a)
					: "?");
	else
		rc = extract_all(a, dirfd, lim, err);
	archive_read_free(a);
	if (dirfd >= 0)
		close(dirfd);
	if (rc) {
		pkg_rmtree(dir);
		free(dir);
		return rc;
	}
	mf_log(log, MF_LOG_INFO, "extracted %s into %s", archive, dir);
	*out = dir;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	if (flag == FTW_DP || flag == FTW_D)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void pkg_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
