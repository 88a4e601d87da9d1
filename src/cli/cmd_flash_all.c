// SPDX-License-Identifier: BSD-3-Clause
/*
 * --all: ops/update/flash_all.c runs every module in its own thread; here
 * each module's lines get its USB path in front, its progress becomes a
 * JSON event (no bars side by side), and the reports are rendered.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "ops/update/flash_all.h"
#include "cli/cmd_flash.h"

static void job_emit(void *ctx, const struct flash_job *j, enum mf_level level,
		     const char *msg)
{
	struct cli *cli = ctx;
	char line[1200];

	snprintf(line, sizeof(line), "[%s] %s", j->m->usb.path, msg);
	if (cli->log.emit)
		cli->log.emit(cli->log.ctx, level, line);
}

static void job_progress(void *ctx, const struct flash_job *j,
			 const char *stage, uint64_t done, uint64_t total)
{
	struct cli *cli = ctx;
	const struct flash_report *r = &j->r; /* ours: called on j's thread */
	int64_t ms = 0;
	json_object *f;

	if (!cli->json)
		return;
	if (r->nstages)
		ms = mf_now_ms() - r->t0_ms -
		     r->stages[r->nstages - 1].start_ms;
	f = json_object_new_object();
	json_object_object_add(f, "usb_path",
			       json_object_new_string(j->m->usb.path));
	json_object_object_add(f, "module",
			       json_object_new_string(j->m->usb.path));
	json_object_object_add(f, "stage", json_object_new_string(stage));
	json_object_object_add(f, "done", json_object_new_int64((int64_t)done));
	json_object_object_add(f, "total",
			       json_object_new_int64((int64_t)total));
	/* bytes per second since the stage began */
	json_object_object_add(
		f, "rate",
		json_object_new_int64(
			ms > 0 ? (int64_t)((double)done * 1000.0 / (double)ms)
			       : 0));
	cli_event(cli, "progress", f);
}

static int job_code(const struct flash_job *j)
{
	if (!j->rc)
		return 0;
	return j->err.status ? (int)j->err.status : 1;
}

static void report(struct cli *cli, const char *cmd, const struct flash_job *j,
		   json_object *arr)
{
	json_object *o = flash_report_json(&j->r);

	json_object_object_add(o, "ok", json_object_new_boolean(j->rc == 0));
	json_object_object_add(o, "exit", json_object_new_int(job_code(j)));
	if (j->rc) {
		cli_error_line(cli, "%s: %s: %s: %s", cli->prog, cmd,
			       j->m->usb.path, j->err.msg);
		if (j->err.hint[0])
			fprintf(stderr, "hint: %s\n", j->err.hint);
		json_object_object_add(
			o, "code",
			json_object_new_string(cli_code_name(job_code(j))));
		json_object_object_add(o, "error",
				       json_object_new_string(j->err.msg));
		json_object_object_add(o, "hint",
				       json_object_new_string(j->err.hint));
	}
	if (!j->rc)
		flash_say_parts(cli, cmd, &j->r);
	flash_say_report(cli, cmd, &j->r, j->rc);
	json_object_array_add(arr, o);
}

int flash_all(struct cli *cli, const char *cmd, struct flash_args *a)
{
	struct flash_all_sink sink = { job_emit, job_progress, cli,
				       cli->log.max_level };
	struct mf_err err = { 0 };
	struct flash_all *run;
	json_object *arr, *res;
	int code = 0;

	run = flash_run_all(&a->o, &sink, &cli->log, &err);
	if (!run)
		return cli_fail(cli, cmd, &err);
	arr = json_object_new_array();
	for (size_t i = 0; i < flash_all_count(run); i++) {
		const struct flash_job *j = flash_all_job(run, i);

		report(cli, cmd, j, arr);
		if (!code)
			code = job_code(j);
	}
	res = json_object_new_object();
	json_object_object_add(res, "modules", arr);
	flash_all_free(run);
	return cli_result(cli, cmd, res, code);
}
