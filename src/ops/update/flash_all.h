/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FLASH_ALL_H
#define MF_OPS_FLASH_ALL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "ops/update/flash.h"

/*
 * flash --all: every module present, each in its own thread with its own
 * report; one failure does not stop the others.
 */
struct flash_job {
	const struct mf_module *m; /* points into the run's scan */
	struct flash_report r;
	struct mf_err err;
	int rc; /* flash_run's */
	/* private: the module's own sink and its progress pacing */
	struct flash_all *all;
	struct mf_log log;
	char last_stage[24];
	int64_t last_ms;
};

/*
 * Where the jobs' messages go. Calls are serialized (one at a time across
 * all threads); progress comes at most twice a second per module, and on
 * every change of stage and at the end of each.
 */
struct flash_all_sink {
	void (*emit)(void *ctx, const struct flash_job *j, enum mf_level level,
		     const char *msg);
	void (*progress)(void *ctx, const struct flash_job *j,
			 const char *stage, uint64_t done, uint64_t total);
	void *ctx;
	enum mf_level max_level;
};

struct flash_all;

/*
 * Scan o->sysroot and run o->mode on every module found, in parallel.
 * Returns the run (free with flash_all_free) or NULL with err filled: no
 * modules (MF_NO_DEVICE), a failed scan, no memory. Each job's outcome is
 * in its own rc and err; a thread that could not start is a failed job.
 */
struct flash_all *flash_run_all(const struct flash_opts *o,
				const struct flash_all_sink *sink,
				const struct mf_log *log, struct mf_err *err);
size_t flash_all_count(const struct flash_all *a);
const struct flash_job *flash_all_job(const struct flash_all *a, size_t i);
void flash_all_free(struct flash_all *a);

#endif
