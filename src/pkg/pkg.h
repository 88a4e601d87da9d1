/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PKG_PKG_H
#define MF_PKG_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/stop.h"
#include "base/log.h"
#include "devices/devices.h"
#include "pkg/ident.h"
#include "pkg/image.h"
#include "pkg/xml.h"

/*
 * A firmware package, read exactly: the files picked (programmer,
 * rawprogram, patch), the partition plan with every image checked to stay
 * inside the package and to fit its partition, md5 results, the MIBIB,
 * the programmer's signing facts and the package identity. Everything here
 * is owned by struct pkg and freed by pkg_close().
 */

/* Bounds: a package that goes past one of these is refused as hostile. */
#define PKG_MAX_ENTRIES	  4096	       /* archive entries */
#define PKG_MAX_TOTAL	  (8ULL << 30) /* bytes extracted from an archive */
#define PKG_MAX_XML_BYTES (4u << 20)   /* one rawprogram/patch XML */
#define PKG_MAX_WARN	  64

struct pkg_opts {
	bool factory;	      /* use the _factory rawprogram (erases EFS2) */
	bool no_md5;	      /* skip md5 checks */
	const char *tmpdir;   /* extraction parent, default $TMPDIR or /tmp */
	const char *revision; /* identity when the name does not carry it */
	/*
	 * The CLI's stop request (base/stop.h): archive extraction stops at
	 * the next entry or 64 KiB, removes its directory and pkg_open()
	 * fails with -EINTR (status 130/143). NULL: never stops.
	 */
	const mf_stop_flag *stop;
	/*
	 * md5.txt is read and parsed in pkg_open(), its entries are checked
	 * by a thread of their own while the caller talks to the module,
	 * which then hashes each image with SHA-256 (unless no_sha256: the
	 * caller verifies nothing, and hashes where it needs a digest). Until
	 * pkg_md5_wait() returns, md5 and warn belong to that thread; until
	 * pkg_sha256_wait() returns, the commands' SHA-256 do. A flash waits
	 * for the md5 before its first write, for the SHA-256 before its
	 * verification.
	 */
	bool md5_later;
	bool no_sha256;
};

struct pkg_md5_entry {
	char *name;   /* as written: "\update\sbl1.mbn" */
	char *path;   /* resolved inside the package, NULL if escaping */
	char hex[33]; /* lowercase */
	enum {
		PKG_MD5_OK,
		PKG_MD5_MISMATCH,
		PKG_MD5_ABSENT,
		PKG_MD5_NOT_SHIPPED
	} result;
};

struct pkg_md5 {
	char *file; /* md5.txt or quectel.md5, NULL when none */
	struct pkg_md5_entry *entries;
	size_t n;
	size_t ok, mismatch, absent, not_shipped;
};

struct pkg {
	char *root;   /* package directory (extracted when archive) */
	char *tmpdir; /* private extraction dir, removed by pkg_close */
	char *fhdir;  /* root/update/firehose or root */
	char *name;   /* basename the identity came from */
	struct pkg_ident ident;
	bool has_ident;
	const struct dev_model *model; /* the table's row for ident, or NULL */

	char *programmer;     /* full path */
	char *programmer_why; /* reason when several candidates fit */
	struct pkg_prog prog;
	const struct dev_chip *chip; /* from file name or image, or NULL */

	char *rawprogram, *patchxml; /* full paths (patch may be NULL) */
	bool factory;
	struct pkg_geometry geo; /* from the XML name, page 0 if none */

	struct pkg_cmd *cmds; /* rawprogram in file order */
	size_t ncmds;
	struct pkg_patch *patches;
	size_t npatches;
	bool writes_calibration; /* some command touches EFS2/RAWDATA... */

	size_t absent;		/* program images not shipped */
	char *mibib_file;	/* partition_complete_*.mbn path */
	struct pkg_mibib mibib; /* partition_complete_*.mbn */
	bool has_mibib;
	struct pkg_mibib usertable; /* update/partition.mbn */
	bool has_usertable;

	char product[64];	   /* contents.xml product_name */
	char flash_programmer[64]; /* contents.xml flash_programmer */

	struct pkg_md5 md5;

	char *warn[PKG_MAX_WARN];
	size_t nwarn;

	struct pkg_md5_job *md5_job; /* md5_later: the check still running */
};

/*
 * Open a package folder or archive (zip, 7z, tar) and read all of it.
 * Returns 0, or a negative errno with err filled (status MF_BAD_PACKAGE for
 * a malformed or hostile package). pkg_close() is safe after a failure.
 */
int pkg_open(struct pkg *pkg, const char *path, const struct pkg_opts *opts,
	     const struct mf_log *log, struct mf_err *err);
void pkg_close(struct pkg *pkg);

/*
 * The md5 check of pkg_opts.md5_later: waits for its end (at once when
 * none was deferred; block false: -EINPROGRESS while it runs). 0 when
 * every image matched its md5, else a negative errno with err filled as
 * pkg_open() would have (-EINTR on a stop, err left to the caller). Safe
 * to call more than once.
 */
int pkg_md5_wait(struct pkg *pkg, bool block, struct mf_err *err);
bool pkg_md5_deferred(const struct pkg *pkg); /* md5_later took */
/* The md5_later thread ended: has_sha256 and its digests may be read. */
void pkg_sha256_wait(struct pkg *pkg);

/* Add a warning (formatted); silently drops past PKG_MAX_WARN. */
void pkg_warn(struct pkg *pkg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The partition name for a command (from the MIBIB by start block), or
 * the label, or NULL.
 */
const char *pkg_cmd_partition(const struct pkg *pkg, const struct pkg_cmd *c);

/* Calibration partitions (EFS2, RAWDATA, fsg, modemst1, modemst2, fsc). */
bool pkg_is_calibration(const char *name);

/* ---- pieces usable alone (each has its own unit test and fuzz target) */

/* Extract archive into a fresh mkdtemp dir under parent; *out = that dir. */
int pkg_extract(const char *archive, const char *parent, char **out,
		const struct mf_log *log, struct mf_err *err);
/* rm -rf of a directory made by pkg_extract (no symlink following). */
void pkg_rmtree(const char *dir);
bool pkg_is_archive(const char *path);

/*
 * Resolve rel (Windows or POSIX separators) against base, and check the
 * result is a regular file inside root (realpath prefix). *out is malloc'd.
 * -ENOENT when absent (out still set to the lexical path), -EPERM when it
 * escapes root or is not a regular file.
 */
int pkg_resolve(const char *root, const char *base, const char *rel,
		char **out);

/* md5.txt (Quectel) or md5sum format. Text is untrusted. */
int pkg_md5_parse(const char *text, size_t len, struct pkg_md5 *md5,
		  struct mf_err *err);
void pkg_md5_free(struct pkg_md5 *md5);

#endif
