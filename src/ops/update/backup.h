/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_BACKUP_H
#define MF_OPS_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "ops/identity.h"
#include "ops/update/plan.h"
#include "pkg/pkg.h"
#include "proto/firehose.h"

/*
 * A backup is a package that flash and restore accept (docs/design.md flash
 * step 4): in one folder, rawprogram_nand_<geometry>_update.xml (erase and
 * program of each partition read), the images (<partition>.bin, trailing
 * erased pages trimmed), the programmer the package brought, and
 * manifest.json: module identity, time, geometry, SHA-256 of each image.
 * It is written into "<dir>.partial" and renamed when complete, so that a
 * folder without that suffix is always a whole backup.
 */
#define BACKUP_MANIFEST "manifest.json"
#define BACKUP_SCHEMA	1

struct backup_info {
	char revision[96]; /* module revision when read, "" unknown */
	char model[32];
	char imei[32];
	bool have_serial;
	uint32_t serial;
	uint64_t bytes; /* bytes read */
	size_t nparts;
};

/* Where a backup's reads come from: copied into it so that it restores. */
struct backup_src {
	const char *programmer; /* path of the programmer in use */
	uint32_t page_size;	/* NAND page = Firehose sector */
	uint32_t pages_per_block;
	char geometry[24]; /* "p2K_b128K" (rawprogram name) */
};

/* The source as a package describes it. */
void backup_src_pkg(struct backup_src *s, const struct pkg *pkg);
/* The source from the device's own geometry. -EINVAL when unusable. */
int backup_src_geo(struct backup_src *s, const char *programmer,
		   uint32_t page_size, uint32_t block_size);

/*
 * Read parts through an open Firehose session into dir (which must not
 * exist; unless exact, a suffix is added to a taken name), with src's
 * programmer and geometry. Progress: stage "backup".
 */
int backup_read(struct fh_session *fh, const struct backup_src *src,
		const struct mod_ident *id, const char *usbpath,
		const struct plan_part *parts, size_t nparts, char *dir,
		size_t dircap, bool exact, struct backup_info *info,
		const struct mf_log *log, struct mf_err *err);

/* Read dir/manifest.json (untrusted: every field checked). */
int backup_manifest_read(const char *dir, struct backup_info *info,
			 struct mf_err *err);

/*
 * "<base>/<key>/<UTC time>" for a new backup; base is
 * $XDG_DATA_HOME/modemflash/backups (or ~/.local/share/...) when NULL.
 */
int backup_default_dir(const char *base, const char *key, char *out,
		       size_t cap);

/* mkdir -p. 0 or negative errno. */
int backup_mkdirs(const char *path);

/* Copy a file to a new path (O_EXCL). 0 or negative errno. */
int backup_copy_file(const char *from, const char *to);

/*
 * The module's own partition table (backup without a package): the MIBIB
 * is the first block after SBL whose first page carries the MIBIB header
 * magic (docs/field-data.md, packages); blocks 1..BACKUP_MIBIB_SCAN are
 * searched. Every partition it lists becomes one part (names made safe
 * for file names, ranges clipped to total_blocks when known). Returns 0
 * with *n set, or a negative errno with err filled (-ENOENT: no MIBIB).
 */
#define BACKUP_MIBIB_SCAN 64
int backup_module_parts(struct fh_session *fh, const struct backup_src *src,
			uint64_t total_blocks, struct plan_part *out,
			size_t cap, size_t *n, const struct mf_log *log,
			struct mf_err *err);

#endif
