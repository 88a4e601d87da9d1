// SPDX-License-Identifier: BSD-3-Clause
/*
 * Opening a package: find its files, read each exactly, build the
 * partition plan and check it (paths inside the package, images fit their
 * partitions, md5). Anything hostile or malformed fails with
 * MF_BAD_PACKAGE and one sentence naming the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/devices.h"
#include "pkg/pkg.h"
#include "pkg/pick.h"
#include "pkg/pkgint.h"

/* Calibration of any module: a package is read before the module is known. */
bool pkg_is_calibration(const char *name)
{
	return dev_is_calibration(NULL, name);
}

void pkg_warn(struct pkg *pkg, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (pkg->nwarn >= PKG_MAX_WARN)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		pkg->warn[pkg->nwarn++] = s;
	va_end(ap);
}

int pkg_read_file(const char *path, size_t max, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *b;
	ssize_t r;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EPERM;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	b = malloc((size_t)st.st_size + 1);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size &&
	       (r = read(fd, b + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	b[got] = 0;
	*out = b;
	*len = got;
	return 0;
}

static char *join(const char *a, const char *b)
{
	char *s;

	return asprintf(&s, "%s/%s", a, b) < 0 ? NULL : s;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* An archive holding one top folder: that folder is the package. */
static char *single_subdir(const char *dir)
{
	struct pick_dir pd;
	char *sub = NULL;

	if (pick_list(dir, &pd))
		return NULL;
	if (pd.n == 1) {
		sub = join(dir, pd.names[0]);
		if (sub && !is_dir(sub)) {
			free(sub);
			sub = NULL;
		}
	}
	pick_free(&pd);
	return sub;
}

static void strip_ext(char *s)
{
	static const char *const ext[] = { ".tar.gz", ".tar.xz", ".tar.bz2",
					   ".zip",    ".7z",	 ".tar",
					   ".tgz" };
	size_t n = strlen(s), i, e;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		e = strlen(ext[i]);
		if (n > e && strcasecmp(s + n - e, ext[i]) == 0) {
			s[n - e] = 0;
			return;
		}
	}
}

static int locate(struct pkg *pkg, const char *path, const struct pkg_opts *o,
		  const struct mf_log *log, struct mf_err *err)
{
	char real[PATH_MAX], *tmp, *sub;
	int rc;

	tmp = strdup(path);
	if (!tmp)
		return -ENOMEM;
	pkg->name = strdup(basename(tmp));
	free(tmp);
	if (!pkg->name)
		return -ENOMEM;
	if (!is_dir(path) && pkg_is_archive(path)) {
		strip_ext(pkg->name);
		struct pkg_limits lim = { PKG_MAX_TOTAL, PKG_MAX_ENTRIES,
					  o->stop };

		rc = pkg_extract_limited(path, o->tmpdir, &lim, &pkg->tmpdir,
					 log, err);
		if (rc)
			return rc;
		sub = single_subdir(pkg->tmpdir);
		if (sub) {
			free(pkg->name);
			tmp = strdup(sub);
			pkg->name = strdup(tmp ? basename(tmp) : "");
			free(tmp);
		}
		path = sub ? sub : pkg->tmpdir;
		if (!realpath(path, real)) {
			free(sub);
			return mf_err_set(err, MF_FAILED, -errno,
					  "extracted package vanished");
		}
		free(sub);
	} else if (!realpath(path, real) || !is_dir(real)) {
		return mf_err_set(
			err, MF_BAD_PACKAGE, -ENOENT,
			"%s is neither a package folder nor an archive", path);
	}
	pkg->root = strdup(real);
	tmp = join(real, "update/firehose");
	if (tmp && is_dir(tmp)) {
		pkg->fhdir = tmp;
	} else {
		free(tmp);
		pkg->fhdir = strdup(real);
	}
	return pkg->root && pkg->fhdir ? 0 : -ENOMEM;
}

static int read_programmer(struct pkg *pkg, const char *name,
			   struct mf_err *err)
{
	uint8_t *b;
	size_t len;
	int rc;

	rc = pkg_resolve(pkg->root, pkg->fhdir, name, &pkg->programmer);
	if (rc)
		return mf_err_set(err, MF_BAD_PACKAGE, rc,
				  "programmer %s is not a regular file inside "
				  "the package",
				  name);
	rc = pkg_read_file(pkg->programmer, PKG_PROG_MAX_SIZE, &b, &len);
	if (rc)
		return mf_err_set(
			err, MF_BAD_PACKAGE, rc,
			"programmer %s cannot be read (or is too large)", name);
	rc = pkg_prog_parse(b, len, &pkg->prog, err);
	free(b);
	if (rc)
		return rc;
	pkg->chip = dev_chip_from_file(name);
	if (pkg->prog.target_msm) {
		const struct dev_chip *c =
			dev_chip_from_msm(pkg->prog.target_msm);

		if (pkg->chip &&
		    !dev_chip_has_msm(pkg->chip, pkg->prog.target_msm))
			pkg_warn(pkg,
				 "programmer name says %s but the image "
				 "targets MSM 0x%08X",
				 pkg->chip->name, pkg->prog.target_msm);
		if (c)
			pkg->chip = c;
	}
	if (!pkg->chip)
		pkg_warn(pkg, "chip of programmer %s unknown", name);
	return 0;
}

static int pick_files(struct pkg *pkg, const struct pkg_opts *o,
		      struct mf_err *err)
{
	struct pick_dir pd;
	const char *f;
	char why[256];
	int rc;

	rc = pick_list(pkg->fhdir, &pd);
	if (rc)
		return mf_err_set(err, MF_BAD_PACKAGE, rc, "cannot list %s",
				  pkg->fhdir);
	f = pick_programmer(&pd, why, sizeof(why));
	if (!f) {
		rc = mf_err_set(
			err, MF_BAD_PACKAGE, -ENOENT,
			"no Firehose programmer (prog_*firehose*) in %s",
			pkg->fhdir);
		goto out;
	}
	if (why[0])
		pkg->programmer_why = strdup(why);
	rc = read_programmer(pkg, f, err);
	if (rc)
		goto out;
	rc = pick_rawprogram(&pd, o->factory, &f, why, sizeof(why));
	if (rc == -EACCES) {
		rc = mf_err_set(err, MF_REFUSED, rc,
				"the package has only a _factory rawprogram "
				"XML, which erases calibration (EFS2)");
		mf_err_hint(err, "use an _update package, or pass --factory if "
				 "you mean it");
		goto out;
	}
	if (rc) {
		rc = mf_err_set(err, MF_BAD_PACKAGE, rc,
				"no %srawprogram XML in %s",
				o->factory ? "_factory " : "", pkg->fhdir);
		goto out;
	}
	if (why[0])
		pkg_warn(pkg, "%s", why);
	pkg->factory = o->factory;
	pkg->rawprogram = join(pkg->fhdir, f);
	if (pkg_geometry_from_name(f, &pkg->geo))
		pkg_warn(pkg, "no geometry (p2K_b128K ...) in the name %s", f);
	f = pick_patch(&pd, pkg->geo.name);
	if (f)
		pkg->patchxml = join(pkg->fhdir, f);
	f = pick_mibib(&pd, pkg->geo.name);
	if (f)
		pkg->mibib_file = join(pkg->fhdir, f);
out:
	pick_free(&pd);
	return rc;
}

int pkg_open(struct pkg *pkg, const char *path, const struct pkg_opts *opts,
	     const struct mf_log *log, struct mf_err *err)
{
	static const struct pkg_opts none;
	const struct pkg_opts *o = opts ? opts : &none;
	int rc;

	memset(pkg, 0, sizeof(*pkg));
	rc = locate(pkg, path, o, log, err);
	if (!rc)
		rc = pick_files(pkg, o, err);
	if (!rc)
		rc = pkg_read_plan(pkg, err);
	if (!rc)
		rc = pkg_read_tables(pkg, err);
	if (!rc)
		pkg_read_identity(pkg, o);
	if (!rc && !o->no_md5)
		rc = o->md5_later ? pkg_check_md5_later(pkg, !o->no_sha256,
							o->stop, err)
				  : pkg_check_md5(pkg, err);
	if (rc && !err->msg[0])
		mf_err_set(err, MF_BAD_PACKAGE, rc, "cannot read package %s",
			   path);
	if (!rc)
		mf_log(log, MF_LOG_INFO, "package %s: %zu lines, programmer %s",
		       pkg->root, pkg->ncmds, pkg->programmer);
	return rc;
}

void pkg_close(struct pkg *pkg)
{
	size_t i;

	pkg_md5_job_end(pkg);
	pkg_cmds_free(pkg->cmds, pkg->ncmds);
	pkg_patches_free(pkg->patches, pkg->npatches);
	pkg_md5_free(&pkg->md5);
	for (i = 0; i < pkg->nwarn; i++)
		free(pkg->warn[i]);
	if (pkg->tmpdir)
		pkg_rmtree(pkg->tmpdir);
	free(pkg->tmpdir);
	free(pkg->root);
	free(pkg->fhdir);
	free(pkg->name);
	free(pkg->programmer);
	free(pkg->programmer_why);
	free(pkg->rawprogram);
	free(pkg->patchxml);
	free(pkg->mibib_file);
	memset(pkg, 0, sizeof(*pkg));
}
