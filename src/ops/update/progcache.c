// SPDX-License-Identifier: BSD-3-Clause
/*
 * The programmer cache: a flash that worked keeps its Firehose programmer,
 * by the module's MSM id, so that a backup without a package can still
 * talk to the module.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops/update/backup.h"
#include "ops/update/progcache.h"
#include "pkg/image.h"

static int cache_base(char *out, size_t cap)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg && *xdg == '/')
		n = snprintf(out, cap, "%s/modemflash/programmers", xdg);
	else if (home && *home)
		n = snprintf(out, cap, "%s/.local/share/modemflash/programmers",
			     home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int progcache_dir(uint32_t msm_id, char *out, size_t cap)
{
	char base[900];
	int rc = cache_base(base, sizeof(base)), n;

	if (rc)
		return rc;
	n = snprintf(out, cap, "%s/0x%08x", base, msm_id);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* Newest regular file of dir (no symlinks, no dot files) into best. */
static void newest_in(const char *dir, char *best, size_t cap, int64_t *best_t)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[1200];
		struct stat st;
		int64_t t;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) || !S_ISREG(st.st_mode) || !st.st_size ||
		    st.st_size > PKG_PROG_MAX_SIZE)
			continue;
		t = (int64_t)st.st_mtim.tv_sec * 1000000000 +
		    st.st_mtim.tv_nsec;
		if (t > *best_t || (t == *best_t && strcmp(path, best) > 0)) {
			*best_t = t;
			snprintf(best, cap, "%s", path);
		}
	}
	closedir(d);
}

int progcache_find(uint32_t msm_id, char *out, size_t cap)
{
	int64_t t = -1;
	char dir[1000];
	DIR *d;
	struct dirent *de;

	out[0] = '\0';
	if (msm_id) {
		if (progcache_dir(msm_id, dir, sizeof(dir)))
			return -ENOENT;
		newest_in(dir, out, cap, &t);
		return out[0] ? 0 : -ENOENT;
	}
	if (cache_base(dir, sizeof(dir)) || !(d = opendir(dir)))
		return -ENOENT;
	while ((de = readdir(d))) {
		char sub[1300];

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		newest_in(sub, out, cap, &t);
	}
	closedir(d);
	return out[0] ? 0 : -ENOENT;
}

int progcache_store(uint32_t msm_id, const char *programmer)
{
	const char *base = strrchr(programmer, '/');
	char dir[1000], tmp[1200], dst[1200];
	int rc, fd;

	base = base ? base + 1 : programmer;
	if (!*base || *base == '.')
		return -EINVAL;
	rc = progcache_dir(msm_id, dir, sizeof(dir));
	if (!rc)
		rc = backup_mkdirs(dir);
	if (rc)
		return rc;
	/* a unique name, then rename: parallel runs (--all) never mix */
	snprintf(tmp, sizeof(tmp), "%s/.incoming-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	close(fd);
	unlink(tmp);
	snprintf(dst, sizeof(dst), "%s/%s", dir, base);
	rc = backup_copy_file(programmer, tmp);
	if (!rc && rename(tmp, dst))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}
