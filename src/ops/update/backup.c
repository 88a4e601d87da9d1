// SPDX-License-Identifier: BSD-3-Clause
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ops/update/backup.h"
#include "ops/update/backup_hash.h"
#include "ops/update/flash_int.h"
#include "proto/firehose_verify.h"

int backup_mkdirs(const char *path)
{
	char tmp[1024];
	size_t n = strlen(path);

	if (n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int backup_default_dir(const char *base, const char *key, char *out, size_t cap)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
	if (base)
		n = snprintf(out, cap, "%s/%s/%s", base, key, when);
	else if (xdg && *xdg == '/')
		n = snprintf(out, cap, "%s/modemflash/backups/%s/%s", xdg, key,
			     when);
	else if (home && *home)
		n = snprintf(out, cap,
			     "%s/.local/share/modemflash/backups/%s/%s", home,
			     key, when);
	else
		return -ENOENT;
	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	/* two backups in one second: add a suffix */
	for (int i = 2; i < 100 && access(out, F_OK) == 0; i++) {
		size_t len = strlen(out);
		char *dash = strrchr(out, '-');

		if (dash && dash > strrchr(out, '/'))
			len = (size_t)(dash - out);
		if (len + 4 >= cap)
			return -ENAMETOOLONG;
		snprintf(out + len, cap - len, "-%d", i);
	}
	return 0;
}

int backup_copy_file(const char *from, const char *to)
{
	uint8_t buf[65536];
	int in, out, rc = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		rc = -errno;
		close(in);
		return rc;
	}
	while (!rc && (n = read(in, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0, w; off < n && !rc; off += w) {
			w = write(out, buf + off, (size_t)(n - off));
			if (w <= 0)
				rc = w < 0 ? -errno : -ENOSPC;
		}
	if (!rc && n < 0)
		rc = -EIO;
	close(in);
	if (close(out) && !rc)
		rc = -errno; /* NFS and quotas say ENOSPC only here */
	return rc;
}

void backup_src_pkg(struct backup_src *s, const struct pkg *pkg)
{
	memset(s, 0, sizeof(*s));
	s->programmer = pkg->programmer;
	s->page_size = pkg->geo.page_size;
	s->pages_per_block = pkg->geo.pages_per_block;
	snprintf(s->geometry, sizeof(s->geometry), "%s", pkg->geo.name);
}

int backup_src_geo(struct backup_src *s, const char *programmer,
		   uint32_t page_size, uint32_t block_size)
{
	memset(s, 0, sizeof(*s));
	if (page_size < 512 || page_size > 65536 || page_size % 512 ||
	    !block_size || block_size % page_size ||
	    block_size / page_size > 4096)
		return -EINVAL;
	s->programmer = programmer;
	s->page_size = page_size;
	s->pages_per_block = block_size / page_size;
	snprintf(s->geometry, sizeof(s->geometry), "p%uK_b%uK",
		 page_size / 1024, block_size / 1024);
	return 0;
}

struct rd {
	struct fh_session *fh;
	const struct backup_src *src;
	const char *dir;
	FILE *xml;
	json_object *images;
	struct stage_progress sp;
	const struct mf_log *log;
	struct mf_err *err;
};

/*
 * One <read> per BACKUP_CHUNK bytes: a dropped link loses at most one
 * chunk's wait, a loss on a tty reads one chunk again, and each chunk
 * costs two round trips (the read, and on a tty its digest): 8 MiB keeps
 * those under a millisecond per MiB, a re-read under 3 s of NAND time.
 */
#define BACKUP_CHUNK (8u << 20)

static int read_chunks(struct rd *r, const struct plan_part *p, int fd,
		       const struct fh_tap *tap)
{
	uint32_t page = r->src->page_size;
	char ss[16], ppb[16], start[24], num[24];
	struct fh_msg_attr a[5];
	int rc = 0;

	snprintf(ss, sizeof(ss), "%u", page);
	snprintf(ppb, sizeof(ppb), "%u", r->src->pages_per_block);
	a[0] = (struct fh_msg_attr){ "PAGES_PER_BLOCK", ppb };
	a[1] = (struct fh_msg_attr){ "SECTOR_SIZE_IN_BYTES", ss };
	a[2] = (struct fh_msg_attr){ "num_partition_sectors", num };
	a[3] = (struct fh_msg_attr){ "physical_partition_number", "0" };
	a[4] = (struct fh_msg_attr){ "start_sector", start };
	const uint64_t chunk = BACKUP_CHUNK / page ? BACKUP_CHUNK / page : 1;

	for (uint64_t off = 0; off < p->sectors && !rc; off += chunk) {
		uint64_t n =
			p->sectors - off < chunk ? p->sectors - off : chunk;

		if (mf_stop_requested(r->src->stop))
			return mf_stop_err(r->src->stop, r->err, "the backup");
		snprintf(start, sizeof(start), "%" PRIu64, p->start + off);
		snprintf(num, sizeof(num), "%" PRIu64, n);
		rc = fh_read_checked(r->fh, a, 5, fd, tap); /* ttyUSB loses */
		r->sp.base += n * page;
	}
	return rc;
}

static int read_part(struct rd *r, const struct plan_part *p, uint64_t *bytes)
{
	uint32_t page = r->src->page_size;
	char path[1200], ss[16], ppb[16], start[24], num[24], sum[65];
	uint8_t digest[32];
	uint64_t len;
	json_object *o;
	struct part_hash *h = part_hash_new(page);
	struct fh_tap tap;
	int fd, rc;

	if (!h)
		return mf_err_set(r->err, MF_FAILED, -ENOMEM, "out of memory");
	tap = part_hash_tap(h);
	snprintf(path, sizeof(path), "%s/%s.bin", r->dir, p->name);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno; /* backup_read names it */
		part_hash_free(h);
		return rc;
	}
	snprintf(ss, sizeof(ss), "%u", page);
	snprintf(ppb, sizeof(ppb), "%u", r->src->pages_per_block);
	snprintf(start, sizeof(start), "%" PRIu64, p->start);
	snprintf(num, sizeof(num), "%" PRIu64, p->sectors);
	mf_log(r->log, MF_LOG_INFO, "backup: reading %s (%" PRIu64 " bytes)",
	       p->name, p->sectors * page);
	rc = read_chunks(r, p, fd, &tap);
	if (rc)
		goto out;
	/* hashed as it came: the file is not read back */
	if (!part_hash_end(h, &len, digest)) {
		rc = mf_err_set(r->err, MF_FAILED, -EIO, "cannot hash %s",
				path);
		goto out;
	}
	if (ftruncate(fd, (off_t)len)) {
		rc = -errno;
		goto out;
	}
	*bytes += p->sectors * page;
	hex_str(digest, 32, sum);
	fprintf(r->xml,
		"  <erase PAGES_PER_BLOCK=\"%s\" SECTOR_SIZE_IN_BYTES=\"%s\" "
		"label=\"%s\" num_partition_sectors=\"%s\" "
		"physical_partition_number=\"0\" start_sector=\"%s\"/>\n",
		ppb, ss, p->name, num, start);
	if (len)
		fprintf(r->xml,
			"  <program PAGES_PER_BLOCK=\"%s\" "
			"SECTOR_SIZE_IN_BYTES=\"%s\" filename=\"%s.bin\" "
			"label=\"%s\" num_partition_sectors=\"%s\" "
			"physical_partition_number=\"0\" "
			"start_sector=\"%s\"/>\n",
			ppb, ss, p->name, p->name, num, start);
	o = json_object_new_object();
	json_object_object_add(o, "partition", json_object_new_string(p->name));
	snprintf(path, sizeof(path), "%s.bin", p->name);
	json_object_object_add(o, "file", json_object_new_string(path));
	json_object_object_add(o, "start_sector",
			       json_object_new_int64((int64_t)p->start));
	json_object_object_add(o, "num_sectors",
			       json_object_new_int64((int64_t)p->sectors));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)len));
	json_object_object_add(o, "calibration",
			       json_object_new_boolean(p->calibration));
	json_object_object_add(o, "sha256", json_object_new_string(sum));
	json_object_array_add(r->images, o);
out:
	part_hash_free(h);
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}

static json_object *module_json(const struct mod_ident *id, const char *usbpath)
{
	json_object *m = json_object_new_object();
	char hex[160];

	json_object_object_add(m, "usb_path", json_object_new_string(usbpath));
	if (id->normal) {
		json_object_object_add(m, "model",
				       json_object_new_string(id->at.model));
		json_object_object_add(
			m, "revision",
			json_object_new_string(id->at.full_revision));
		json_object_object_add(m, "imei",
				       json_object_new_string(id->at.imei));
	}
	if (id->edl && id->sid.have_serial) {
		snprintf(hex, sizeof(hex), "0x%08x", id->sid.serial);
		json_object_object_add(m, "serial",
				       json_object_new_string(hex));
	}
	if (id->edl && id->sid.have_hwid) {
		sahara_hwid_str(&id->sid, hex, sizeof(hex));
		json_object_object_add(m, "hwid", json_object_new_string(hex));
	}
	if (id->edl && id->sid.pkhash_len) {
		sahara_pkhash_str(&id->sid, hex, sizeof(hex));
		json_object_object_add(m, "pk_hash",
				       json_object_new_string(hex));
	}
	return m;
}

static int write_manifest(const char *dir, const struct backup_src *src,
			  const struct mod_ident *id, const char *usbpath,
			  json_object *images)
{
	json_object *root = json_object_new_object();
	char path[1200], when[32];
	time_t now = time(NULL);
	const char *prog = strrchr(src->programmer, '/');
	struct tm tm;
	int rc = 0;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(root, "schema",
			       json_object_new_int(BACKUP_SCHEMA));
	json_object_object_add(root, "kind",
			       json_object_new_string("modemflash-backup"));
	json_object_object_add(root, "time", json_object_new_string(when));
	json_object_object_add(root, "module", module_json(id, usbpath));
	json_object_object_add(root, "geometry",
			       json_object_new_string(src->geometry));
	json_object_object_add(
		root, "programmer",
		json_object_new_string(prog ? prog + 1 : src->programmer));
	json_object_object_add(root, "images", json_object_get(images));
	snprintf(path, sizeof(path), "%s/" BACKUP_MANIFEST, dir);
	errno = 0;
	if (json_object_to_file_ext(path, root, JSON_C_TO_STRING_PRETTY))
		rc = errno ? -errno : -EIO;
	json_object_put(root);
	return rc;
}

static int backup_parts(struct rd *r, const struct plan_part *parts,
			size_t nparts, struct backup_info *info)
{
	int rc = 0;

	fprintf(r->xml, "<?xml version=\"1.0\" ?>\n<data>\n");
	fprintf(r->xml, "  <!--modemflash backup: restore with 'modemflash "
			"restore DIR'-->\n");
	for (size_t i = 0; i < nparts && !rc; i++)
		rc = read_part(r, &parts[i], &info->bytes);
	fprintf(r->xml, "</data>\n");
	return rc;
}

bool backup_host_errno(int rc)
{
	switch (-rc) {
	case ENOSPC:
	case EDQUOT:
	case EROFS:
	case EACCES:
	case EPERM:
	case EFBIG:
	case ENOTDIR:
	case ENAMETOOLONG:
	case EEXIST:
	case ENOTEMPTY:
		return true;
	default:
		return false;
	}
}

/* The symbolic name next to strerror: what a user searches for. */
static const char *errno_name(int e)
{
	switch (e) {
	case ENOSPC:
		return "ENOSPC";
	case EDQUOT:
		return "EDQUOT";
	case EROFS:
		return "EROFS";
	case EACCES:
		return "EACCES";
	case EPERM:
		return "EPERM";
	case EFBIG:
		return "EFBIG";
	case EEXIST:
		return "EEXIST";
	case ENOTDIR:
		return "ENOTDIR";
	default:
		return "errno";
	}
}

/* Remove a flat folder of ours (files only; a subfolder stops it). */
static int remove_flat(const char *dir)
{
	char path[1400];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	return rmdir(dir) ? -errno : 0;
}

static bool dir_empty(const char *dir, int *rc)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	bool empty = true;

	*rc = 0;
	if (!d) {
		*rc = -errno;
		return false;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = false;
			break;
		}
	closedir(d);
	return empty;
}

/*
 * A "<dir>.partial" whose writer is gone (its OWNER file names a pid that
 * no longer runs, or it has none) is an abandoned backup: never a backup,
 * so it goes.
 */
#define BACKUP_OWNER ".owner"

static bool partial_abandoned(const char *partial)
{
	char path[1200], buf[32] = "";
	struct stat st;
	long pid;
	FILE *f;

	snprintf(path, sizeof(path), "%s/" BACKUP_OWNER, partial);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	pid = strtol(buf, NULL, 10);
	if (pid > 0)
		return kill((pid_t)pid, 0) && errno == ESRCH;
	/*
	 * No owner yet: a run beside us (another module of flash --all, or
	 * another process) may have just made the folder and not written its
	 * .owner; only an old one is abandoned.
	 */
	return !stat(partial, &st) && time(NULL) - st.st_mtim.tv_sec > 60;
}

bool backup_is_partial(const char *dir)
{
	char path[1200];
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n > 8 && !strncmp(dir + n - 8, ".partial", 8))
		return true;
	snprintf(path, sizeof(path), "%s/" BACKUP_OWNER, dir);
	return access(path, F_OK) == 0;
}

bool backup_partial_drop(const char *partial)
{
	return partial_abandoned(partial) && !remove_flat(partial);
}

static int write_owner(const char *work)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" BACKUP_OWNER, work);
	f = fopen(path, "wxe");
	if (!f)
		return -errno;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) ? -errno : 0;
}

static int dest_fail(struct mf_err *err, int rc, const char *what,
		     const char *path)
{
	mf_err_set(err, MF_FAILED, rc, "cannot %s %s: %s (%s)", what, path,
		   strerror(-rc), errno_name(-rc));
	mf_err_hint(err, "nothing was sent to the module; choose a folder "
			 "that can be written (-o DIR or --backup-dir DIR), "
			 "or --no-backup to flash without one");
	return rc;
}

/* An existing empty folder: written in place, proven writable. */
static int claim_in_place(struct backup_dest *d, struct mf_err *err)
{
	int rc = 0;

	if (!dir_empty(d->dir, &rc)) {
		if (rc)
			return dest_fail(err, rc, "read the backup folder",
					 d->dir);
		mf_err_set(err, MF_FAILED, -ENOTEMPTY,
			   "the backup folder %s exists and is not empty",
			   d->dir);
		mf_err_hint(err, "nothing was sent to the module; give a new "
				 "or empty folder with -o DIR");
		return -ENOTEMPTY;
	}
	snprintf(d->work, sizeof(d->work), "%s", d->dir);
	rc = write_owner(d->work);
	if (rc)
		return dest_fail(err, rc, "write into the backup folder",
				 d->dir);
	d->in_place = true;
	d->claimed = true;
	return 0;
}

int backup_dest_claim(struct backup_dest *d, const char *dir, bool exact,
		      struct mf_err *err)
{
	char base[1000], *slash;
	struct stat st;
	int rc;

	memset(d, 0, sizeof(*d));
	d->exact = exact;
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	snprintf(base, sizeof(base), "%s", dir);
	if (exact && !stat(dir, &st)) {
		if (!S_ISDIR(st.st_mode))
			return dest_fail(err, -ENOTDIR, "use as backup folder",
					 dir);
		return claim_in_place(d, err);
	}
	slash = strrchr(base, '/');
	if (slash && slash != base) {
		*slash = '\0';
		rc = backup_mkdirs(base);
		if (rc)
			return dest_fail(err, rc, "create the folder", base);
		*slash = '/';
	}
	/*
	 * mkdir of "<dir>.partial" is atomic, so two runs in one second
	 * (--all, modules with one IMEI) never share it.
	 */
	for (int i = 1; i < 100; i++) {
		if (i > 1 && exact)
			break;
		if (i > 1)
			snprintf(d->dir, sizeof(d->dir), "%s-%d", base, i);
		snprintf(d->work, sizeof(d->work), "%s.partial", d->dir);
		if (access(d->dir, F_OK) == 0)
			continue;
		if (mkdir(d->work, 0700) == 0)
			goto claimed;
		if (errno != EEXIST)
			return dest_fail(err, -errno, "create", d->work);
		if (backup_partial_drop(d->work) && mkdir(d->work, 0700) == 0)
			goto claimed;
	}
	return dest_fail(err, -EEXIST, "create", d->work);
claimed:
	d->claimed = true;
	rc = write_owner(d->work);
	if (rc) {
		backup_dest_abandon(d);
		return dest_fail(err, rc, "write into", d->work);
	}
	return 0;
}

uint64_t backup_need_bytes(const struct backup_src *src,
			   const struct plan_part *parts, size_t nparts)
{
	struct stat st;
	uint64_t need = 64 * 1024; /* XML, manifest, file system slack */

	for (size_t i = 0; i < nparts; i++)
		need += parts[i].sectors * src->page_size;
	if (src->programmer && !stat(src->programmer, &st))
		need += (uint64_t)st.st_size;
	return need;
}

int backup_dest_space(const struct backup_dest *d, uint64_t need, size_t nparts,
		      struct mf_err *err)
{
	struct statvfs vfs;
	uint64_t avail;

	if (statvfs(d->work, &vfs))
		return 0; /* unknown: the writes will say it */
	avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (avail >= need)
		return 0;
	mf_err_set(err, MF_FAILED, -ENOSPC,
		   "not enough free space for the backup in %s (ENOSPC): it "
		   "needs %" PRIu64 " bytes (%.1f MiB, %zu partitions and the "
		   "programmer), the file system has %" PRIu64
		   " bytes (%.1f MiB) free",
		   d->dir, need, (double)need / 1048576.0, nparts, avail,
		   (double)avail / 1048576.0);
	mf_err_hint(err, "nothing was written to the module; free space, or "
			 "choose another folder with -o DIR or --backup-dir "
			 "DIR");
	return -ENOSPC;
}

void backup_dest_abandon(struct backup_dest *d)
{
	char path[1400];
	struct dirent *de;
	DIR *dd;

	if (!d->claimed)
		return;
	d->claimed = false;
	if (!d->in_place) {
		remove_flat(d->work);
		/* our own <key> folder goes too when nothing else is in it */
		snprintf(path, sizeof(path), "%s", d->work);
		if (!d->exact && strrchr(path, '/')) {
			*strrchr(path, '/') = '\0';
			rmdir(path);
		}
		return;
	}
	/* the user's folder stays, empty as it was found */
	dd = opendir(d->work);
	if (!dd)
		return;
	while ((de = readdir(dd))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", d->work, de->d_name);
		unlink(path);
	}
	closedir(dd);
}

/* The host's own error while writing the backup, said as such. */
static int host_error(struct mf_err *err, int rc, const char *dir)
{
	mf_err_clear(err);
	mf_err_set(err, MF_FAILED, rc, "cannot write the backup in %s: %s (%s)",
		   dir, strerror(-rc), errno_name(-rc));
	mf_err_hint(err, "a problem of this computer, not of the module or the "
			 "link; nothing was written to the module: free space "
			 "or choose another folder (-o DIR, --backup-dir DIR), "
			 "then run again");
	return rc;
}

int backup_read(struct fh_session *fh, const struct backup_src *src,
		const struct mod_ident *id, const char *usbpath,
		const struct plan_part *parts, size_t nparts,
		struct backup_dest *d, struct backup_info *info,
		const struct mf_log *log, struct mf_err *err)
{
	struct rd r = { .fh = fh, .src = src, .log = log, .err = err };
	const char *prog = strrchr(src->programmer, '/');
	const char *tmp = d->work;
	char path[1300];
	uint64_t total = 0;
	int rc;

	memset(info, 0, sizeof(*info));
	for (size_t i = 0; i < nparts; i++)
		total += parts[i].sectors * src->page_size;
	r.dir = tmp;
	snprintf(path, sizeof(path), "%s/rawprogram_nand_%s_update.xml", tmp,
		 src->geometry);
	r.xml = fopen(path, "wx");
	r.images = json_object_new_array();
	if (!r.xml) {
		rc = host_error(err, -errno, d->dir);
		goto out;
	}
	stage_progress_begin(&r.sp, fh, log, "backup", total);
	rc = backup_parts(&r, parts, nparts, info);
	stage_progress_end(&r.sp);
	if (fclose(r.xml) && !rc)
		rc = host_error(err, -errno, d->dir);
	r.xml = NULL;
	if (rc) {
		if (backup_host_errno(rc))
			host_error(err, rc, d->dir);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s", tmp,
		 prog ? prog + 1 : src->programmer);
	rc = backup_copy_file(src->programmer, path);
	if (!rc)
		rc = write_manifest(tmp, src, id, usbpath, r.images);
	if (!rc) {
		snprintf(path, sizeof(path), "%s/" BACKUP_OWNER, tmp);
		unlink(path);
	}
	if (!rc && !d->in_place && rename(tmp, d->dir))
		rc = -errno;
	if (rc) {
		host_error(err, rc, d->dir);
		goto out;
	}
	d->claimed = false; /* complete: no longer ours to remove */
	info->nparts = nparts;
out:
	json_object_put(r.images);
	return rc;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int backup_manifest_read(const char *dir, struct backup_info *info,
			 struct mf_err *err)
{
	char path[1100];
	json_object *root, *mod = NULL;
	const char *s;
	int rc = 0;

	memset(info, 0, sizeof(*info));
	snprintf(path, sizeof(path), "%s/" BACKUP_MANIFEST, dir);
	root = json_object_from_file(path);
	if (!root)
		return -ENOENT;
	if (!json_object_is_type(root, json_type_object) ||
	    !jstr(root, "kind") ||
	    strcmp(jstr(root, "kind"), "modemflash-backup")) {
		rc = mf_err_set(err, MF_BAD_PACKAGE, -EBADMSG,
				"%s is not a modemflash backup manifest", path);
		goto out;
	}
	json_object_object_get_ex(root, "module", &mod);
	s = jstr(mod, "revision");
	snprintf(info->revision, sizeof(info->revision), "%s", s ? s : "");
	s = jstr(mod, "model");
	snprintf(info->model, sizeof(info->model), "%s", s ? s : "");
	s = jstr(mod, "imei");
	snprintf(info->imei, sizeof(info->imei), "%s", s ? s : "");
	s = jstr(mod, "serial");
	if (s && !strncmp(s, "0x", 2) && strlen(s) <= 10) {
		char *end;
		unsigned long v = strtoul(s + 2, &end, 16);

		if (!*end) {
			info->serial = (uint32_t)v;
			info->have_serial = true;
		}
	}
out:
	json_object_put(root);
	return rc;
}
