// SPDX-License-Identifier: BSD-3-Clause
/*
 * flash: option parsing and reports, shared with backup, restore and reset
 * (cmd_backup.c, cmd_restore.c, cmd_reset.c). The work is in
 * ops/update/flash.h; --all runs one thread per module (cmd_flash_all.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_flash.h"
#include "cli/dry_run.h"

enum {
	OPT_DOWNGRADE = 256,
	OPT_CROSS,
	OPT_VARIANT,
	OPT_CAL,
	OPT_FACTORY,
	OPT_NO_BACKUP,
	OPT_VERIFY,
	OPT_ALL,
	OPT_BOOT_TIMEOUT,
	OPT_BACKUP_BASE,
	OPT_PROGRAMMER,
	OPT_DRY_RUN,
	OPT_FOREIGN,
};

static const struct option flash_longopts[] = {
	{ "allow-downgrade", no_argument, NULL, OPT_DOWNGRADE },
	{ "allow-cross-baseline", no_argument, NULL, OPT_CROSS },
	{ "allow-variant-change", no_argument, NULL, OPT_VARIANT },
	{ "allow-calibration-write", no_argument, NULL, OPT_CAL },
	{ "factory", no_argument, NULL, OPT_FACTORY },
	{ "no-backup", no_argument, NULL, OPT_NO_BACKUP },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "boot-timeout", required_argument, NULL, OPT_BOOT_TIMEOUT },
	{ "backup-dir", required_argument, NULL, OPT_BACKUP_BASE },
	{ "programmer", required_argument, NULL, OPT_PROGRAMMER },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "allow-foreign-backup", no_argument, NULL, OPT_FOREIGN },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int flash_usage(struct cli *cli, const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cli_usage(cli, cmd, "%s", msg);
}

/* The run's stage events, rendered by the CLI (ops never prints). */
static void on_stage(void *ctx, const char *module, const struct flash_stage *s)
{
	cli_stage(ctx, module, s->name, s->start_ms, s->end_ms, s->bytes,
		  s->ok);
}

static int parse_verify(const char *s, enum flash_verify *v)
{
	static const struct {
		const char *name;
		enum flash_verify v;
	} t[] = {
		{ "auto", FLASH_VERIFY_AUTO },
		{ "digest", FLASH_VERIFY_DIGEST },
		{ "readback", FLASH_VERIFY_READBACK },
		{ "none", FLASH_VERIFY_NONE },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(s, t[i].name)) {
			*v = t[i].v;
			return 0;
		}
	return -EINVAL;
}

void flash_args_init(struct cli *cli, struct flash_args *a)
{
	flash_opts_default(&a->o);
	a->o.sysroot = cli->sysroot;
	a->o.events.stage = on_stage;
	a->o.events.ctx = cli;
	a->o.stop = cli->stop;
}

int flash_parse(struct cli *cli, const char *cmd, int argc, char **argv,
		struct flash_args *a)
{
	int c;

	flash_args_init(cli, a);
	while ((c = getopt_long(argc, argv, "o:h", flash_longopts, NULL)) !=
	       -1) {
		switch (c) {
		case OPT_DOWNGRADE:
			a->o.allow.downgrade = true;
			break;
		case OPT_CROSS:
			a->o.allow.cross_baseline = true;
			break;
		case OPT_VARIANT:
			a->o.allow.variant_change = true;
			break;
		case OPT_CAL:
			a->o.allow.calibration_write = true;
			break;
		case OPT_FACTORY:
			a->o.factory = true;
			break;
		case OPT_NO_BACKUP:
			a->o.no_backup = true;
			break;
		case OPT_ALL:
			a->all = true;
			break;
		case OPT_BACKUP_BASE:
			a->o.backup_base = optarg;
			break;
		case 'o':
			a->o.backup_dir = optarg;
			break;
		case OPT_PROGRAMMER:
			a->o.programmer = optarg;
			break;
		case OPT_DRY_RUN:
			a->o.dry_run = true;
			break;
		case OPT_FOREIGN:
			a->o.allow_foreign = true;
			break;
		case OPT_VERIFY:
			if (parse_verify(optarg, &a->o.verify))
				return flash_usage(
					cli, cmd,
					"--verify takes digest, readback "
					"or none, not '%s'",
					optarg);
			break;
		case OPT_BOOT_TIMEOUT:
			a->o.boot_timeout_ms = atoi(optarg) * 1000;
			if (a->o.boot_timeout_ms <= 0)
				return flash_usage(
					cli, cmd,
					"--boot-timeout takes seconds");
			break;
		default:
			return cli_bad_option(cli, cmd, argv);
		}
	}
	if (optind < argc)
		a->o.package = argv[optind++];
	if (optind < argc)
		return flash_usage(cli, cmd, "unexpected argument '%s'",
				   argv[optind]);
	if (a->o.dry_run && strcmp(cmd, "flash") && strcmp(cmd, "restore"))
		return flash_usage(cli, cmd,
				   "--dry-run is for flash and restore");
	if (a->o.programmer && strcmp(cmd, "backup") && strcmp(cmd, "reset"))
		return flash_usage(
			cli, cmd,
			"--programmer is for backup and reset; %s uses "
			"the package's programmer",
			cmd);
	if (a->o.allow_foreign && strcmp(cmd, "restore"))
		return flash_usage(cli, cmd,
				   "--allow-foreign-backup is for restore");
	return 0;
}

/* Every stage with its times and bytes: what benchmarks read. */
static json_object *stages_json(const struct flash_report *r)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < r->nstages; i++) {
		const struct flash_stage *s = &r->stages[i];
		json_object *j = json_object_new_object();
		int64_t end = s->end_ms < 0 ? s->start_ms : s->end_ms;

		json_object_object_add(j, "stage",
				       json_object_new_string(s->name));
		json_object_object_add(j, "start_ms",
				       json_object_new_int64(s->start_ms));
		json_object_object_add(j, "end_ms", json_object_new_int64(end));
		json_object_object_add(
			j, "ms", json_object_new_int64(end - s->start_ms));
		json_object_object_add(
			j, "bytes", json_object_new_int64((int64_t)s->bytes));
		json_object_object_add(j, "ok", json_object_new_boolean(s->ok));
		json_object_array_add(a, j);
	}
	return a;
}

json_object *flash_report_json(const struct flash_report *r)
{
	json_object *o = json_object_new_object();
	json_object *f = json_object_new_array();

#define S(k, v) json_object_object_add(o, k, json_object_new_string(v))
	S("usb_path", r->usb_path);
	S("module", r->usb_path); /* alias of usb_path (docs/json.md) */
	S("model", r->model);
	S("imei", r->imei);
	S("serial", r->serial);
	S("before", r->before);
	S("package_revision", r->package_rev);
	S("after", r->after);
	S("backup", r->backup);
	S("stage", r->stage);
	S("verified", r->verified[0] ? r->verified : "none");
	if (r->left[0]) /* stopped by a signal (--all: one per module) */
		S("module_state", r->left);
#undef S
	json_object_object_add(o, "started_in_edl",
			       json_object_new_boolean(r->started_in_edl));
	json_object_object_add(o, "up_to_date",
			       json_object_new_boolean(r->up_to_date));
	json_object_object_add(o, "wrote", json_object_new_boolean(r->wrote));
	json_object_object_add(o, "came_back",
			       json_object_new_boolean(r->came_back));
	json_object_object_add(
		o, "bytes_written",
		json_object_new_int64((int64_t)r->bytes_written));
	json_object_object_add(o, "bytes_read",
			       json_object_new_int64((int64_t)r->bytes_read));
	json_object_object_add(o, "seconds",
			       json_object_new_double((double)r->ms / 1000.0));
	for (size_t i = 0; i < r->verdict.n; i++) {
		const struct pkg_finding *x = &r->verdict.f[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "rule",
				       json_object_new_string(x->rule));
		json_object_object_add(
			j, "override",
			x->override ? json_object_new_string(x->override)
				    : NULL);
		json_object_object_add(j, "overridden",
				       json_object_new_boolean(x->overridden));
		json_object_object_add(j, "package",
				       json_object_new_string(x->package));
		json_object_object_add(j, "module",
				       json_object_new_string(x->module));
		json_object_object_add(j, "message",
				       json_object_new_string(x->msg));
		json_object_array_add(f, j);
	}
	json_object_object_add(o, "findings", f);
	json_object_object_add(o, "stages", stages_json(r));
	json_object_object_add(o, "partitions", flash_parts_json(r, false));
	if (r->dry_run) {
		json_object_object_add(o, "dry_run",
				       json_object_new_boolean(1));
		json_object_object_add(o, "plan", flash_plan_json(&r->plan));
	}
	return o;
}

/* One human line for a finished run (stdout, or stderr with --json). */
void flash_say_report(struct cli *cli, const char *cmd,
		      const struct flash_report *r, int rc)
{
	double s = (double)r->ms / 1000.0;

	if (rc)
		return;
	if (r->dry_run && !r->up_to_date)
		flash_say_plan(cli, cmd, r);
	else if (r->up_to_date)
		cli_say_ok(cli,
			   "%s: %s already runs %s: nothing to do, nothing "
			   "written",
			   r->usb_path, r->model[0] ? r->model : "the module",
			   r->before);
	else if (!strcmp(cmd, "verify"))
		cli_say_ok(cli,
			   "%s: the module holds %s: %zu partitions equal (by "
			   "%s, %.1f s), nothing written",
			   r->usb_path,
			   r->package_rev[0] ? r->package_rev : "the package",
			   r->nparts, r->verified[0] ? r->verified : "digest",
			   s);
	else if (!strcmp(cmd, "backup"))
		cli_say_ok(cli, "%s: backup of %s in %s (%.1f s)", r->usb_path,
			   r->before[0] ? r->before : "the module", r->backup,
			   s);
	else
		cli_say_ok(cli,
			   "%s: %s %s%s%s, now running %s (%.1f s, verified: "
			   "%s)%s%s",
			   r->usb_path,
			   !strcmp(cmd, "restore") ? "restored" : "updated",
			   r->before[0] ? r->before : "from EDL", " -> ",
			   r->package_rev, r->after, s,
			   r->verified[0] ? r->verified : "none",
			   r->backup[0] ? "; backup: " : "", r->backup);
}

/* Stopped by a signal: where the module is and the command that goes on. */
static void flash_say_stopped(struct cli *cli, const struct flash_report *r,
			      int code, json_object *res)
{
	char cont[2048];

	cli_continue_cmd(cli, r->usb_path, cont, sizeof(cont));
	fprintf(stderr, "%s: %s is %s\ncontinue with: %s\n", cli->prog,
		r->usb_path, r->left[0] ? r->left : "where it was", cont);
	json_object_object_add(res, "interrupted",
			       json_object_new_string(code == MF_TERMINATED
							      ? "SIGTERM"
							      : "SIGINT"));
	json_object_object_add(res, "module_state",
			       json_object_new_string(r->left));
	json_object_object_add(res, "continue", json_object_new_string(cont));
}

/* Failure: the error and hint like cli_fail, the report in the result. */
int flash_finish(struct cli *cli, const char *cmd, const struct flash_report *r,
		 int rc, const struct mf_err *err)
{
	json_object *res = flash_report_json(r);
	int code = 0;

	if (!strcmp(cmd, "verify")) {
		json_object *d = json_object_new_array();

		for (size_t i = 0; i < r->nparts; i++)
			if (!r->parts[i].equal)
				json_object_array_add(
					d, json_object_new_string(
						   r->parts[i].name));
		json_object_object_add(res, "partitions",
				       flash_parts_json(r, true));
		json_object_object_add(res, "differ", d);
	}

	if (rc)
		code = err->status == MF_OK ? MF_FAILED : (int)err->status;
	/* the closing table, before the one-line result (or the mismatch) */
	if (!rc || (code == MF_MISMATCH && !strcmp(cmd, "verify")))
		flash_say_parts(cli, cmd, r);
	if (rc) {
		cli_error_line(cli, "%s: %s: %s", cli->prog, cmd,
			       err->msg[0] ? err->msg : "failed");
		if (err->hint[0])
			fprintf(stderr, "hint: %s\n", err->hint);
		if (cli->logf)
			fprintf(cli->logf, "error: %s\nhint: %s\n", err->msg,
				err->hint);
		json_object_object_add(res, "error",
				       json_object_new_string(err->msg));
		json_object_object_add(res, "hint",
				       json_object_new_string(err->hint));
	}
	if (rc && (code == MF_INTERRUPTED || code == MF_TERMINATED))
		flash_say_stopped(cli, r, code, res);
	flash_say_report(cli, cmd, r, rc);
	return cli_result(cli, cmd, res, code);
}

int flash_run_one(struct cli *cli, const char *cmd, struct flash_args *a)
{
	struct flash_report r;
	struct mf_err err = { 0 };
	int rc;

	rc = flash_run_selected(&a->o, cli->select, &r, &cli->log, &err);
	if (rc && !r.usb_path[0])
		return cli_fail(cli, cmd, &err); /* no module picked */
	return flash_finish(cli, cmd, &r, rc, &err);
}

int cmd_flash(struct cli *cli, int argc, char **argv)
{
	struct flash_args a = { 0 };
	int rc = flash_parse(cli, "flash", argc, argv, &a);

	if (rc)
		return rc;
	if (!a.o.package)
		return flash_usage(cli, "flash", "which package? flash PKG");
	a.o.mode = FLASH_MODE_FLASH;
	return a.all ? flash_all(cli, "flash", &a)
		     : flash_run_one(cli, "flash", &a);
}
