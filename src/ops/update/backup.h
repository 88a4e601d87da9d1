/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_BACKUP_H
#define MF_OPS_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/stop.h"
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
	char geometry[24];	  /* "p2K_b128K" (rawprogram name) */
	const mf_stop_flag *stop; /* checked between reads, NULL never */
};

/* The source as a package describes it. */
void backup_src_pkg(struct backup_src *s, const struct pkg *pkg);
/* The source from the device's own geometry. -EINVAL when unusable. */
int backup_src_geo(struct backup_src *s, const char *programmer,
		   uint32_t page_size, uint32_t block_size);

/*
 * Where a backup goes, claimed before the module is touched (so that a
 * bad destination is said before the EDL switch): a folder that does not
 * exist is written as "<dir>.partial" and renamed when complete; one that
 * exists and is empty is written in place, manifest.json last. Either way
 * a folder is a backup only when its manifest.json is there.
 */
struct backup_dest {
	char dir[1024];	 /* the backup's final folder */
	char work[1100]; /* where the files are written now */
	bool in_place;	 /* dir existed (empty): work == dir */
	bool exact;	 /* the user's folder (-o), else <base>/<key>/<time> */
	bool claimed;
};

/*
 * Claim dir (unless exact, "-2", "-3" ... are tried on a taken name):
 * parents made, a "<dir>.partial" left by a run that is gone removed,
 * writability proven by creating. The host's errno is named (EROFS,
 * EACCES, ENOSPC ...); a folder that exists and is not empty is refused.
 * MF_FAILED (exit 1) with err filled, or 0.
 */
int backup_dest_claim(struct backup_dest *d, const char *dir, bool exact,
		      struct mf_err *err);

/*
 * Enough room in the claimed folder for need bytes (partition sizes as
 * read, before trimming, plus the programmer)? -ENOSPC with both numbers
 * in err when not.
 */
int backup_dest_space(const struct backup_dest *d, uint64_t need, size_t nparts,
		      struct mf_err *err);

/* Remove what the claim and an unfinished backup_read made. */
void backup_dest_abandon(struct backup_dest *d);

/* Bytes a backup of parts takes before trimming, programmer included. */
uint64_t backup_need_bytes(const struct backup_src *src,
			   const struct plan_part *parts, size_t nparts);

/*
 * Read parts through an open Firehose session into the claimed d, with
 * src's programmer and geometry. Progress: stage "backup". On success the
 * backup is complete in d->dir; on failure d is left to
 * backup_dest_abandon (err names a host error as such: ENOSPC, EROFS).
 */
int backup_read(struct fh_session *fh, const struct backup_src *src,
		const struct mod_ident *id, const char *usbpath,
		const struct plan_part *parts, size_t nparts,
		struct backup_dest *d, struct backup_info *info,
		const struct mf_log *log, struct mf_err *err);

/*
 * A flash marks its backup just before the first erase and clears the
 * mark when the module runs the new firmware (backup_find.c).
 */
int backup_mark_flashing(const char *dir, const char *package);
void backup_mark_done(const char *dir);

/*
 * The newest complete backup, still marked, of the module id describes
 * (Sahara serial, HW ID, PK hash, matched to each manifest) that holds
 * every one of parts: in exact when given, else under base (NULL: the
 * XDG default) at <base>/<key>/<time>. 0 with out set, or -ENOENT.
 */
int backup_find_pending(const char *base, const char *exact,
			const struct mod_ident *id,
			const struct plan_part *parts, size_t n, char *out,
			size_t cap);

/*
 * A "<dir>.partial" is never a backup: one whose writer is gone (its pid
 * no longer runs) is removed. drop: that one (true when removed); sweep:
 * every one under base (NULL: the XDG default), <base>/<key>/.
 */
bool backup_partial_drop(const char *partial);
/* dir is an unfinished backup (".partial", or its writer's mark inside). */
bool backup_is_partial(const char *dir);
void backup_sweep_partials(const char *base);

/*
 * The same, for a module whose programmer already ran (no Sahara
 * identity): matched by the device's SHA-256 of the backup's non-empty
 * calibration images over an open session (page_size: its sector).
 */
int backup_find_pending_fh(struct fh_session *fh, uint32_t page_size,
			   const char *base, const char *exact,
			   const struct plan_part *parts, size_t n, char *out,
			   size_t cap);

/*
 * restore of a backup: is it this module's? Its manifest's IMEI against
 * AT (normal mode), its Sahara serial against EDL's. SAME; UNKNOWN while
 * nothing compares and more may be learnt (!final); FOREIGN when another
 * module's and allowed (--allow-foreign-backup: said in the log);
 * REFUSED (err filled, MF_REFUSED) otherwise.
 */
enum backup_owner {
	BACKUP_OWNER_SAME,
	BACKUP_OWNER_UNKNOWN,
	BACKUP_OWNER_FOREIGN,
	BACKUP_OWNER_REFUSED,
};
enum backup_owner backup_owner_check(const struct backup_info *b,
				     const struct mod_ident *id, bool final,
				     bool allow_foreign,
				     const struct mf_log *log,
				     struct mf_err *err);

/* True for an errno of the host's file system (not of the module). */
bool backup_host_errno(int rc);

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
