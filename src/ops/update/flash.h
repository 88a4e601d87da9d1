/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FLASH_H
#define MF_OPS_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "base/stop.h"
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
	FLASH_MODE_VERIFY,  /* compare with a package by digest, read only */
};

/*
 * One stage of a run (package, identify, edl, sahara, configure,
 * partition-table, backup, program, patch, verify, reset, post-check): the
 * names are stable, scripts and benchmarks key on them. Times are
 * milliseconds since the run began (monotonic clock).
 */
struct flash_stage {
	char name[24];
	int64_t start_ms;
	int64_t end_ms; /* -1 while the stage runs */
	uint64_t bytes; /* written to or read from the module in the stage */
	bool ok;	/* ended without an error (meaningful once ended) */
};

#define FLASH_MAX_STAGES 16

/*
 * Told as each stage starts (s->end_ms < 0) and ends. Called on the run's
 * own thread; with --all, from several threads at once, so it must be
 * thread-safe. module is the USB path the run started on.
 */
struct flash_events {
	void (*stage)(void *ctx, const char *module,
		      const struct flash_stage *s);
	void *ctx;
};

struct flash_opts {
	enum flash_mode mode;
	const char *sysroot;
	const char *package;	/* package, or backup folder; NULL: backup
					 * from the module's own partition table */
	const char *programmer; /* --programmer FILE (backup), or NULL */
	bool factory;
	bool no_backup;
	bool allow_foreign; /* restore: a backup of another module */
	struct pkg_allow allow;
	enum flash_verify verify;
	const char *backup_base; /* parent of <module>/<time>, NULL: XDG */
	const char *backup_dir;	 /* exact folder (backup -o) */
	int enum_timeout_ms;	 /* DIAG switch -> EDL (30000) */
	int boot_timeout_ms;	 /* reset -> normal mode (90000) */
	/* SIGINT/SIGTERM from the caller (base/stop.h), NULL: none */
	const mf_stop_flag *stop;
	struct flash_events events; /* may stay zero */
	/* flash/restore --dry-run: identify, judge, plan; nothing is sent
	 * beyond identification, the module stays in its mode */
	bool dry_run;
	/* package already opened and checked by the caller (flash --all:
	 * once for every module), read only; NULL: flash_run opens it */
	const struct pkg *opened;
};

/* One step of a dry run's plan: a partition to read or to write. */
struct flash_step {
	char op[8]; /* "read", "erase", "program" */
	char part[24];
	uint64_t bytes;
};

#define FLASH_PLAN_MAX 64

struct flash_plan {
	size_t nbackup, nwrite; /* steps kept (at most FLASH_PLAN_MAX each) */
	size_t nwrite_all;	/* every write step, also past the cap */
	struct flash_step backup[FLASH_PLAN_MAX];
	struct flash_step write[FLASH_PLAN_MAX];
	uint64_t backup_bytes, write_bytes;
};

void flash_opts_default(struct flash_opts *o);

/*
 * One partition of the run: flash, the image programmed (bytes, the time
 * its program took, its verification matched); verify, whether the module
 * holds the package's image (equal). Lines of one partition add up.
 */
struct flash_part_stat {
	char name[24];
	uint64_t bytes;
	int64_t ms;
	bool verified;
	bool checked; /* by digest whole, as a resume wrote its rest */
	bool equal;
};

#define FLASH_MAX_PARTS 64

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
	char left[96];	      /* stopped by a signal: where the module is */
	bool started_in_edl;
	bool up_to_date; /* nothing written */
	bool wrote;	 /* something was erased or programmed */
	bool came_back;
	/* a partition the module refused twice: a re-run will not help */
	bool persistent;
	/*
	 * Set by flash_run() when it writes a backup back: a partition the
	 * module refuses for good does not stop the rest, SBL last, so that
	 * the module boots whatever its flash memory still holds.
	 */
	bool restoring;
	/*
	 * The answer to the final reset was garbled or missing (the error it
	 * gave): a warning when the module comes back with the new revision.
	 */
	char reset_warning[200];
	char verified[16]; /* "digest", "readback", "none" */
	uint64_t bytes_written;
	uint64_t bytes_read;
	int64_t ms;
	struct pkg_verdict verdict;
	/* every stage entered, in order (the last one may have failed) */
	struct flash_stage stages[FLASH_MAX_STAGES];
	size_t nstages;
	bool dry_run;
	struct flash_plan plan; /* filled by a dry run */
	/* flash: every partition programmed; verify: every one compared */
	struct flash_part_stat parts[FLASH_MAX_PARTS];
	size_t nparts;
	size_t ndiffer; /* verify: partitions whose image differs */
	/* set by flash_run for the stage helpers (flash_int.h) */
	const struct flash_events *events;
	int64_t t0_ms;
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
 * A module not found (rc, -ENODEV) while another run holds one on sel's
 * position (or any, without sel): that run is updating it, and it is off
 * the bus for a moment. Returns -EBUSY with the holder in err, else rc.
 */
int flash_lock_absent(const char *sysroot, const char *sel, int rc,
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
