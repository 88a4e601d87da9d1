// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ops/update/backup.h"
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

/* Bytes up to the last page that is not all 0xFF (erased NAND). */
static uint64_t used_length(int fd, uint64_t len, uint32_t page)
{
	uint8_t buf[16384];

	if (page > sizeof(buf) || !page)
		return len;
	while (len >= page) {
		size_t i;

		if (pread(fd, buf, page, (off_t)(len - page)) != (ssize_t)page)
			return len;
		for (i = 0; i < page && buf[i] == 0xff; i++)
			;
		if (i < page)
			return len;
		len -= page;
	}
	return len;
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
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = -EIO;
			break;
		}
	if (n < 0)
		rc = -EIO;
	close(in);
	if (close(out))
		rc = -EIO;
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
 * One <read> per BACKUP_CHUNK sectors: a dropped link loses at most one
 * chunk's wait, and progress moves evenly.
 */
#define BACKUP_CHUNK 512

static int read_chunks(struct rd *r, const struct plan_part *p, int fd)
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
	for (uint64_t off = 0; off < p->sectors && !rc; off += BACKUP_CHUNK) {
		uint64_t n = p->sectors - off < BACKUP_CHUNK ? p->sectors - off
							     : BACKUP_CHUNK;

		snprintf(start, sizeof(start), "%" PRIu64, p->start + off);
		snprintf(num, sizeof(num), "%" PRIu64, n);
		rc = fh_read_checked(r->fh, a, 5, fd); /* ttyUSB loses data */
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
	int fd, rc;

	snprintf(path, sizeof(path), "%s/%s.bin", r->dir, p->name);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return mf_err_set(r->err, MF_FAILED, -errno,
				  "cannot create %s: %s", path,
				  strerror(errno));
	snprintf(ss, sizeof(ss), "%u", page);
	snprintf(ppb, sizeof(ppb), "%u", r->src->pages_per_block);
	snprintf(start, sizeof(start), "%" PRIu64, p->start);
	snprintf(num, sizeof(num), "%" PRIu64, p->sectors);
	mf_log(r->log, MF_LOG_INFO, "backup: reading %s (%" PRIu64 " bytes)",
	       p->name, p->sectors * page);
	rc = read_chunks(r, p, fd);
	if (rc)
		goto out;
	len = used_length(fd, p->sectors * page, page);
	if (ftruncate(fd, (off_t)len) || sha256_fd(fd, len, len, digest)) {
		rc = mf_err_set(r->err, MF_FAILED, -EIO, "cannot write %s",
				path);
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
	close(fd);
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
	if (json_object_to_file_ext(path, root, JSON_C_TO_STRING_PRETTY))
		rc = -EIO;
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

/*
 * Make "<dir>.partial" atomically (mkdir fails on an existing one), so that
 * two runs in one second (--all, modules with one IMEI) never share it;
 * unless exact, "-2", "-3" ... are tried.
 */
static int claim_dir(char *dir, size_t cap, bool exact, char *tmp, size_t tcap)
{
	char base[1024], *slash;
	int rc;

	snprintf(base, sizeof(base), "%s", dir);
	slash = strrchr(base, '/');
	if (slash && slash != base) {
		*slash = '\0';
		rc = backup_mkdirs(base);
		*slash = '/';
		if (rc)
			return rc;
	}
	for (int i = 1; i < 100; i++) {
		if (i > 1 && exact)
			break;
		if (i > 1)
			snprintf(dir, cap, "%s-%d", base, i);
		snprintf(tmp, tcap, "%s.partial", dir);
		if (access(dir, F_OK) == 0)
			continue;
		if (mkdir(tmp, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int backup_read(struct fh_session *fh, const struct backup_src *src,
		const struct mod_ident *id, const char *usbpath,
		const struct plan_part *parts, size_t nparts, char *dir,
		size_t dircap, bool exact, struct backup_info *info,
		const struct mf_log *log, struct mf_err *err)
{
	struct rd r = { .fh = fh, .src = src, .log = log, .err = err };
	const char *prog = strrchr(src->programmer, '/');
	char tmp[1100], path[1300];
	uint64_t total = 0;
	int rc;

	memset(info, 0, sizeof(*info));
	for (size_t i = 0; i < nparts; i++)
		total += parts[i].sectors * src->page_size;
	rc = claim_dir(dir, dircap, exact, tmp, sizeof(tmp));
	if (rc)
		return mf_err_set(err, MF_FAILED, rc, "cannot create %s: %s",
				  tmp, strerror(-rc));
	r.dir = tmp;
	snprintf(path, sizeof(path), "%s/rawprogram_nand_%s_update.xml", tmp,
		 src->geometry);
	r.xml = fopen(path, "wx");
	r.images = json_object_new_array();
	if (!r.xml) {
		rc = mf_err_set(err, MF_FAILED, -errno, "cannot create %s",
				path);
		goto out;
	}
	stage_progress_begin(&r.sp, fh, log, "backup", total);
	rc = backup_parts(&r, parts, nparts, info);
	stage_progress_end(&r.sp);
	if (fclose(r.xml) && !rc)
		rc = mf_err_set(err, MF_FAILED, -EIO, "cannot write %s", path);
	r.xml = NULL;
	if (rc)
		goto out;
	snprintf(path, sizeof(path), "%s/%s", tmp,
		 prog ? prog + 1 : src->programmer);
	rc = backup_copy_file(src->programmer, path);
	if (!rc)
		rc = write_manifest(tmp, src, id, usbpath, r.images);
	if (!rc && rename(tmp, dir))
		rc = -errno;
	if (rc)
		mf_err_set(err, MF_FAILED, rc,
			   "cannot complete the backup in %s: %s", tmp,
			   strerror(-rc));
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
