// SPDX-License-Identifier: BSD-3-Clause
/*
 * Backups found again by the module's identity (issue: the backup is not
 * taken twice): a flash marks its backup just before the first erase and
 * clears the mark once the module runs the new firmware, so a marked
 * backup is exactly "what the module held before a flash that did not
 * finish" - the one a re-run from EDL must keep, rather than reading the
 * half-written module again.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ops/update/backup.h"
#include "ops/update/flash_int.h"

#define BACKUP_FLASHING ".flashing"

int backup_mark_flashing(const char *dir, const char *package)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" BACKUP_FLASHING, dir);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "%s\n", package ? package : "");
	return fclose(f) ? -errno : 0;
}

void backup_mark_done(const char *dir)
{
	char path[1200];

	if (!dir || !dir[0])
		return;
	snprintf(path, sizeof(path), "%s/" BACKUP_FLASHING, dir);
	unlink(path);
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t jint(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

/* The same module: the Sahara serial, and HW ID / PK hash where both say. */
static bool same_module(json_object *mod, const struct mod_ident *id)
{
	const char *serial = jstr(mod, "serial");
	const char *hwid = jstr(mod, "hwid");
	const char *pk = jstr(mod, "pk_hash");
	char want[160];

	if (!id->edl || !id->sid.have_serial || !serial)
		return false;
	snprintf(want, sizeof(want), "0x%08x", id->sid.serial);
	if (strcasecmp(serial, want))
		return false;
	if (hwid && id->sid.have_hwid) {
		sahara_hwid_str(&id->sid, want, sizeof(want));
		if (strcasecmp(hwid, want))
			return false;
	}
	if (pk && id->sid.pkhash_len) {
		sahara_pkhash_str(&id->sid, want, sizeof(want));
		if (strcasecmp(pk, want))
			return false;
	}
	return true;
}

/*
 * Who the module is: its Sahara identity, or, when a programmer already
 * ran and Sahara said nothing, its calibration partitions (written by no
 * flash, and holding the IMEI): the device's SHA-256 over each non-empty
 * calibration image of the backup must equal the manifest's.
 */
struct who {
	const struct mod_ident *id;
	struct fh_session *fh;
	uint32_t page;
};

static bool same_calibration(json_object *images, const struct who *w)
{
	size_t len = json_object_array_length(images);
	char ss[16], start[24], num[24], hex[65];
	struct fh_msg_attr a[4];
	uint8_t dig[32];
	json_object *cal;
	size_t seen = 0;

	if (!w->fh || !w->page || !fh_supports(w->fh, "getsha256digest"))
		return false;
	snprintf(ss, sizeof(ss), "%u", w->page);
	a[0] = (struct fh_msg_attr){ "SECTOR_SIZE_IN_BYTES", ss };
	a[1] = (struct fh_msg_attr){ "num_partition_sectors", num };
	a[2] = (struct fh_msg_attr){ "physical_partition_number", "0" };
	a[3] = (struct fh_msg_attr){ "start_sector", start };
	for (size_t k = 0; k < len; k++) {
		json_object *im = json_object_array_get_idx(images, k);
		int64_t size = jint(im, "size"), st = jint(im, "start_sector");
		const char *sum = jstr(im, "sha256");

		if (!json_object_object_get_ex(im, "calibration", &cal) ||
		    !json_object_get_boolean(cal) || size <= 0 || st < 0 ||
		    size % w->page || !sum)
			continue;
		snprintf(start, sizeof(start), "%" PRId64, st);
		snprintf(num, sizeof(num), "%" PRId64, size / w->page);
		if (fh_sha256_digest(w->fh, a, 4, dig)) {
			mf_err_clear(w->fh->err);
			return false;
		}
		hex_str(dig, 32, hex);
		if (strcasecmp(hex, sum))
			return false;
		seen++;
	}
	return seen > 0;
}

/* Every partition to protect is in the backup, with the same range. */
static bool covers(json_object *images, const struct plan_part *parts, size_t n)
{
	size_t len = json_object_array_length(images);

	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t k = 0; k < len && !found; k++) {
			json_object *im = json_object_array_get_idx(images, k);
			const char *name = jstr(im, "partition");

			found = name && !strcmp(name, parts[i].name) &&
				jint(im, "start_sector") ==
					(int64_t)parts[i].start &&
				jint(im, "num_sectors") ==
					(int64_t)parts[i].sectors;
		}
		if (!found)
			return false;
	}
	return true;
}

/* dir when it is a complete, marked backup of this module: its time. */
static bool usable(const char *dir, const struct who *w,
		   const struct plan_part *parts, size_t n, char *when,
		   size_t cap)
{
	char path[1300];
	json_object *root, *mod = NULL, *images = NULL;
	bool ok = false;

	snprintf(path, sizeof(path), "%s/" BACKUP_FLASHING, dir);
	if (access(path, F_OK))
		return false;
	snprintf(path, sizeof(path), "%s/" BACKUP_MANIFEST, dir);
	root = json_object_from_file(path);
	if (!root)
		return false;
	if (json_object_is_type(root, json_type_object) && jstr(root, "kind") &&
	    !strcmp(jstr(root, "kind"), "modemflash-backup") &&
	    json_object_object_get_ex(root, "module", &mod) &&
	    json_object_object_get_ex(root, "images", &images) &&
	    json_object_is_type(images, json_type_array) &&
	    covers(images, parts, n) &&
	    (w->id ? same_module(mod, w->id) : same_calibration(images, w))) {
		snprintf(when, cap, "%s",
			 jstr(root, "time") ? jstr(root, "time") : "");
		ok = true;
	}
	json_object_put(root);
	return ok;
}

static int default_base(const char *base, char *out, size_t cap)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (base)
		snprintf(out, cap, "%s", base);
	else if (xdg && *xdg == '/')
		snprintf(out, cap, "%s/modemflash/backups", xdg);
	else if (home && *home)
		snprintf(out, cap, "%s/.local/share/modemflash/backups", home);
	else
		return -ENOENT;
	return 0;
}

void backup_sweep_partials(const char *base)
{
	char root[1024], key[1300], dir[1600];
	struct dirent *k, *t;
	DIR *kd, *td;

	if (default_base(base, root, sizeof(root)))
		return;
	kd = opendir(root);
	if (!kd)
		return;
	while ((k = readdir(kd))) {
		if (k->d_name[0] == '.')
			continue;
		snprintf(key, sizeof(key), "%s/%s", root, k->d_name);
		td = opendir(key);
		if (!td)
			continue;
		while ((t = readdir(td))) {
			size_t len = strlen(t->d_name);

			if (len <= 8 || strcmp(t->d_name + len - 8, ".partial"))
				continue;
			snprintf(dir, sizeof(dir), "%s/%s", key, t->d_name);
			backup_partial_drop(dir);
		}
		closedir(td);
	}
	closedir(kd);
}

static int find(const char *base, const char *exact, const struct who *w,
		const struct plan_part *parts, size_t n, char *out, size_t cap)
{
	char root[1024], key[1300], dir[1600], when[40], best[40] = "";
	struct dirent *k, *t;
	bool found = false;
	DIR *kd, *td;

	if (exact) {
		if (!usable(exact, w, parts, n, when, sizeof(when)))
			return -ENOENT;
		snprintf(out, cap, "%s", exact);
		return 0;
	}
	if (default_base(base, root, sizeof(root)))
		return -ENOENT;
	/* <base>/<key>/<time>: keys differ (IMEI, serial), the identity not */
	kd = opendir(root);
	if (!kd)
		return -ENOENT;
	while ((k = readdir(kd))) {
		if (k->d_name[0] == '.')
			continue;
		snprintf(key, sizeof(key), "%s/%s", root, k->d_name);
		td = opendir(key);
		if (!td)
			continue;
		while ((t = readdir(td))) {
			size_t len = strlen(t->d_name);

			if (t->d_name[0] == '.' ||
			    (len > 8 &&
			     !strcmp(t->d_name + len - 8, ".partial")))
				continue;
			snprintf(dir, sizeof(dir), "%s/%s", key, t->d_name);
			if (!usable(dir, w, parts, n, when, sizeof(when)) ||
			    (found && strcmp(when, best) < 0))
				continue;
			found = true;
			snprintf(best, sizeof(best), "%s", when);
			snprintf(out, cap, "%s", dir);
		}
		closedir(td);
	}
	closedir(kd);
	return found ? 0 : -ENOENT;
}

int backup_find_pending(const char *base, const char *exact,
			const struct mod_ident *id,
			const struct plan_part *parts, size_t n, char *out,
			size_t cap)
{
	struct who w = { .id = id };

	return find(base, exact, &w, parts, n, out, cap);
}

int backup_find_pending_fh(struct fh_session *fh, uint32_t page_size,
			   const char *base, const char *exact,
			   const struct plan_part *parts, size_t n, char *out,
			   size_t cap)
{
	struct who w = { .fh = fh, .page = page_size };

	return find(base, exact, &w, parts, n, out, cap);
}

static enum backup_owner foreign(const char *what, const char *theirs,
				 const char *mine, bool allow,
				 const struct mf_log *log, struct mf_err *err)
{
	if (allow) {
		mf_log(log, MF_LOG_WARN,
		       "restoring a backup of another module (%s %s, this "
		       "module %s): allowed by --allow-foreign-backup, judged "
		       "as a package",
		       what, theirs, mine);
		return BACKUP_OWNER_FOREIGN;
	}
	mf_err_set(err, MF_REFUSED, -EPERM,
		   "refused: this backup was read from the module with %s %s, "
		   "this module is %s",
		   what, theirs, mine);
	mf_err_hint(err, "nothing was written; calibration data belongs to one "
			 "module: pick its own backup; if you are sure, run "
			 "again with --allow-foreign-backup (the flash rules "
			 "then apply: calibration needs "
			 "--allow-calibration-write)");
	return BACKUP_OWNER_REFUSED;
}

enum backup_owner backup_owner_check(const struct backup_info *b,
				     const struct mod_ident *id, bool final,
				     bool allow_foreign,
				     const struct mf_log *log,
				     struct mf_err *err)
{
	bool by_serial = b->have_serial && id->edl && id->sid.have_serial;
	bool by_imei = b->imei[0] && id->normal && id->at.imei[0];
	char theirs[16], mine[16];

	if (by_serial && b->serial != id->sid.serial) {
		snprintf(theirs, sizeof(theirs), "0x%08x", b->serial);
		snprintf(mine, sizeof(mine), "0x%08x", id->sid.serial);
		return foreign("serial", theirs, mine, allow_foreign, log, err);
	}
	if (by_imei && strcmp(b->imei, id->at.imei))
		return foreign("IMEI", b->imei, id->at.imei, allow_foreign, log,
			       err);
	if (by_serial || by_imei)
		return BACKUP_OWNER_SAME;
	if (!final)
		return BACKUP_OWNER_UNKNOWN;
	return foreign("an identity", "this module cannot show",
		       "unknown (no IMEI or Sahara serial to compare)",
		       allow_foreign, log, err);
}
