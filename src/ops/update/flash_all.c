// SPDX-License-Identifier: BSD-3-Clause
/*
 * flash --all: one thread per module, each with its own sink and report.
 * The sinks share one mutex around the caller's callbacks: the only state
 * the threads share.
 */
#include "ops/update/flash_all.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "ops/select.h"

struct flash_all {
	const struct flash_opts *o;
	struct flash_opts shared; /* o, with the package opened once */
	struct pkg pkg;
	bool has_pkg;
	struct flash_all_sink sink;
	pthread_mutex_t mu;
	struct mf_scan *scan;
	struct flash_job *jobs;
	size_t n;
};

static void job_emit(void *ctx, enum mf_level level, const char *msg)
{
	struct flash_job *j = ctx;
	struct flash_all *a = j->all;

	if (!a->sink.emit)
		return;
	pthread_mutex_lock(&a->mu);
	a->sink.emit(a->sink.ctx, j, level, msg);
	pthread_mutex_unlock(&a->mu);
}

static void job_progress(void *ctx, const char *stage, uint64_t done,
			 uint64_t total)
{
	struct flash_job *j = ctx;
	struct flash_all *a = j->all;
	int64_t now = mf_now_ms();
	bool fresh = strcmp(j->last_stage, stage) != 0;

	if (!fresh && done < total && now - j->last_ms < 500)
		return;
	snprintf(j->last_stage, sizeof(j->last_stage), "%s", stage);
	j->last_ms = now;
	if (!a->sink.progress)
		return;
	pthread_mutex_lock(&a->mu);
	a->sink.progress(a->sink.ctx, j, stage, done, total);
	pthread_mutex_unlock(&a->mu);
}

static void *job_run(void *arg)
{
	struct flash_job *j = arg;

	j->rc = flash_run(j->all->o, j->m, &j->r, &j->log, &j->err);
	return NULL;
}

static void start_all(struct flash_all *a, pthread_t *th, bool *started)
{
	for (size_t i = 0; i < a->n; i++) {
		struct flash_job *j = &a->jobs[i];

		j->all = a;
		j->m = &a->scan->modules[i];
		snprintf(j->r.usb_path, sizeof(j->r.usb_path), "%s",
			 j->m->usb.path);
		/* waits are told as INFO lines, tagged with the module */
		j->log = (struct mf_log){ .emit = job_emit,
					  .progress = job_progress,
					  .ctx = j,
					  .max_level = a->sink.max_level };
		started[i] = pthread_create(&th[i], NULL, job_run, j) == 0;
		if (!started[i])
			j->rc = mf_err_set(&j->err, MF_FAILED, -EAGAIN,
					   "cannot start a thread for %s",
					   j->m->usb.path);
	}
	for (size_t i = 0; i < a->n; i++)
		if (started[i])
			pthread_join(th[i], NULL);
}

struct flash_all *flash_run_all(const struct flash_opts *o,
				const struct flash_all_sink *sink,
				const struct mf_log *log, struct mf_err *err)
{
	struct flash_all *a = calloc(1, sizeof(*a));
	pthread_t *th = NULL;
	bool *started = NULL;

	if (!a) {
		mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		return NULL;
	}
	a->o = o;
	a->sink = *sink;
	pthread_mutex_init(&a->mu, NULL);
	a->scan = ops_scan(o->sysroot, log, err);
	if (!a->scan)
		goto fail;
	if (!a->scan->nmodules) {
		mf_err_set(err, MF_NO_DEVICE, -ENODEV, "no modules found");
		goto fail;
	}
	a->n = a->scan->nmodules;
	/*
	 * The package is read, extracted and checked (md5 of every image)
	 * once, not once per module: with N modules that is N-1 passes over
	 * every byte less on a machine whose cores the flashes share.
	 */
	a->shared = *o;
	if (o->mode == FLASH_MODE_FLASH && o->package) {
		struct pkg_opts po = { .factory = o->factory };

		if (pkg_open(&a->pkg, o->package, &po, log, err)) {
			pkg_close(&a->pkg);
			goto fail;
		}
		a->has_pkg = true;
		a->shared.opened = &a->pkg;
		a->o = &a->shared;
	}
	a->jobs = calloc(a->n, sizeof(*a->jobs));
	th = calloc(a->n, sizeof(*th));
	started = calloc(a->n, sizeof(*started));
	if (!a->jobs || !th || !started) {
		mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		goto fail;
	}
	start_all(a, th, started);
	free(th);
	free(started);
	return a;
fail:
	free(th);
	free(started);
	flash_all_free(a);
	return NULL;
}

size_t flash_all_count(const struct flash_all *a)
{
	return a ? a->n : 0;
}

const struct flash_job *flash_all_job(const struct flash_all *a, size_t i)
{
	return a && i < a->n ? &a->jobs[i] : NULL;
}

void flash_all_free(struct flash_all *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->mu);
	if (a->has_pkg)
		pkg_close(&a->pkg);
	free(a->jobs);
	free(a->scan);
	free(a);
}
