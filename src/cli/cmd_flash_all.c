// SPDX-License-Identifier: BSD-3-Clause
/*
 * --all: every module present, each in its own thread with its own log
 * sink and report; one failure does not stop the others. The sinks share
 * one mutex around the CLI's output (the only shared state).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "ops/select.h"
#include "cli/cmd_flash.h"

struct job {
	struct cli *cli;
	pthread_mutex_t *mu;
	const struct flash_opts *o;
	const struct mf_module *m;
	struct mf_log log;
	char last_stage[24];
	int64_t last_ms;
	struct flash_report r;
	struct mf_err err;
	int rc;
};

static void job_emit(void *ctx, enum mf_level level, const char *msg)
{
	struct job *j = ctx;
	char line[1200];

	snprintf(line, sizeof(line), "[%s] %s", j->m->usb.path, msg);
	pthread_mutex_lock(j->mu);
	if (j->cli->log.emit)
		j->cli->log.emit(j->cli->log.ctx, level, line);
	pthread_mutex_unlock(j->mu);
}

/* No bars side by side: a JSON event per step, rate-limited per module. */
static void job_progress(void *ctx, const char *stage, uint64_t done,
			 uint64_t total)
{
	struct job *j = ctx;
	int64_t now = mf_now_ms();
	bool fresh = strcmp(j->last_stage, stage) != 0;
	json_object *f;

	if (!fresh && done < total && now - j->last_ms < 500)
		return;
	snprintf(j->last_stage, sizeof(j->last_stage), "%s", stage);
	j->last_ms = now;
	if (!j->cli->json)
		return;
	f = json_object_new_object();
	json_object_object_add(f, "module",
			       json_object_new_string(j->m->usb.path));
	json_object_object_add(f, "stage", json_object_new_string(stage));
	json_object_object_add(f, "done", json_object_new_int64((int64_t)done));
	json_object_object_add(f, "total",
			       json_object_new_int64((int64_t)total));
	pthread_mutex_lock(j->mu);
	cli_event(j->cli, "progress", f);
	pthread_mutex_unlock(j->mu);
}

static void *job_run(void *arg)
{
	struct job *j = arg;

	j->rc = flash_run(j->o, j->m, &j->r, &j->log, &j->err);
	return NULL;
}

static void report(struct cli *cli, const char *cmd, struct job *j,
		   json_object *arr)
{
	json_object *o = flash_report_json(&j->r);

	json_object_object_add(o, "ok", json_object_new_boolean(j->rc == 0));
	json_object_object_add(
		o, "exit",
		json_object_new_int(
			j->rc ? (j->err.status ? (int)j->err.status : 1) : 0));
	if (j->rc) {
		fprintf(stderr, "%s: %s: %s: %s\n", cli->prog, cmd,
			j->m->usb.path, j->err.msg);
		if (j->err.hint[0])
			fprintf(stderr, "hint: %s\n", j->err.hint);
		json_object_object_add(o, "error",
				       json_object_new_string(j->err.msg));
		json_object_object_add(o, "hint",
				       json_object_new_string(j->err.hint));
	}
	flash_say_report(cli, cmd, &j->r, j->rc);
	json_object_array_add(arr, o);
}

int flash_all(struct cli *cli, const char *cmd, struct flash_args *a)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	struct mf_err err = { 0 };
	struct job *jobs = NULL;
	pthread_t *th = NULL;
	json_object *arr, *res;
	struct mf_scan *s;
	size_t n = 0;
	int code = 0;

	s = ops_scan(cli->sysroot, &cli->log, &err);
	if (!s)
		return cli_fail(cli, cmd, &err);
	if (!s->nmodules) {
		free(s);
		mf_err_set(&err, MF_NO_DEVICE, -ENODEV, "no modules found");
		return cli_fail(cli, cmd, &err);
	}
	jobs = calloc(s->nmodules, sizeof(*jobs));
	th = calloc(s->nmodules, sizeof(*th));
	if (!jobs || !th) {
		free(jobs);
		free(th);
		free(s);
		mf_err_set(&err, MF_FAILED, -ENOMEM, "out of memory");
		return cli_fail(cli, cmd, &err);
	}
	for (size_t i = 0; i < s->nmodules; i++) {
		struct job *j = &jobs[n];

		j->cli = cli;
		j->mu = &mu;
		j->o = &a->o;
		j->m = &s->modules[i];
		j->log = (struct mf_log){ job_emit, job_progress, j,
					  cli->log.max_level };
		if (pthread_create(&th[n], NULL, job_run, j)) {
			j->rc = mf_err_set(&j->err, MF_FAILED, -EAGAIN,
					   "cannot start a thread");
			continue;
		}
		n++;
	}
	for (size_t i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		report(cli, cmd, &jobs[i], arr);
		if (jobs[i].rc && !code)
			code = jobs[i].err.status ? (int)jobs[i].err.status : 1;
	}
	res = json_object_new_object();
	json_object_object_add(res, "modules", arr);
	free(jobs);
	free(th);
	free(s);
	return cli_result(cli, cmd, res, code);
}
