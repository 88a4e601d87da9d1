/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FLASH_H
#define MF_OPS_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "discover/discover.h"
#include "pkg/rules.h"

/*
 * The safe update (docs/design.md "The safe update"): flash, backup, restore
 * and reset of one module. Everything a run needs is in its arguments: several
 * runs may go on at once in threads (--all), each with its own log.
 */
enum flash_verify {
	FLASH_VERIFY_AUTO,     /* digest when the programmer offers it */
	FLASH_VERIFY_DIGEST,   /* getsha256digest, refuse without it */
	FLASH_VERIFY_READBACK, /* read every image back and compare */
	FLASH_VERIFY_NONE,
};

enum flash_mode {
	FLASH_MODE_FLASH,   /* a package */
	FLASH_MODE_RESTORE, /* a backup (or any package), preflight relaxed */
	FLASH_MODE_BACKUP,  /* read only */
};

struct flash_opts {
	enum flash_mode mode;
	const char *sysroot;
	const char *package;	/* package, or backup folder; NULL: backup
					 * from the module's own partition table */
	const char *programmer; /* --programmer FILE (backup), or NULL */
	bool factory;
	bool no_backup;
	struct pkg_allow allow;
	enum flash_verify verify;
	const char *backup_base; /* parent of <module>/<time>, NULL: XDG */
	const char *backup_dir;	 /* exact folder (backup -o) */
	int enum_timeout_ms;	 /* DIAG switch -> EDL (30000) */
	int boot_timeout_ms;	 /* reset -> normal mode (90000) */
};

void flash_opts_default(struct flash_opts *o);

/* What happened, for the report (human and JSON). */
struct flash_report {
	char usb_path[64];
	char model[32];
	char imei[32];
	char serial[16];      /* "0x1b95a301" */
	char before[96];      /* revision found, "" in EDL */
	char package_rev[96]; /* revision the package brings */
	char after[96];	      /* AT+QGMR after the post-check */
	char backup[1024];    /* backup folder, "" none */
	char stage[24];	      /* last stage entered */
	bool started_in_edl;
	bool up_to_date; /* nothing written */
	bool wrote;	 /* something was erased or programmed */
	bool came_back;
	char verified[16]; /* "digest", "readback", "none" */
	uint64_t bytes_written;
	uint64_t bytes_read;
	int64_t ms;
	struct pkg_verdict verdict;
};

/*
 * Run o->mode on module m (as scanned). Returns 0 or a negative errno with
 * err filled (its status is the exit code: MF_REFUSED for a preflight
 * refusal, MF_TIMEOUT ... ); r is filled either way.
 */
int flash_run(const struct flash_opts *o, const struct mf_module *m,
	      struct flash_report *r, const struct mf_log *log,
	      struct mf_err *err);

/*
 * flash_run on the module sel names (or the only one) under o->sysroot.
 * When no module is picked, r->usb_path stays "" and err says why.
 */
int flash_run_selected(const struct flash_opts *o, const char *sel,
		       struct flash_report *r, const struct mf_log *log,
		       struct mf_err *err);

/*
 * reset: restart the module sel names (copied to m, m->usb.path "" when
 * none was picked): AT+CFUN=1,1 in normal mode; in EDL a Firehose power
 * reset with programmer, else package's, else the cached one.
 */
int flash_reset(const char *sysroot, const char *sel, const char *package,
		const char *programmer, struct mf_module *m,
		const struct mf_log *log, struct mf_err *err);

#endif
