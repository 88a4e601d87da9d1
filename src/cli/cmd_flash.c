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
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int flash_usage(struct cli *cli, const char *cmd, const char *fmt, ...)
{
	char msg[512];
	json_object *res;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_usage(cli, cmd, "%s", msg);
	res = json_object_new_object();
	json_object_object_add(res, "error", json_object_new_string(msg));
	json_object_object_add(res, "hint", json_object_new_string(""));
	return cli_result(cli, cmd, res, MF_USAGE);
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

int flash_parse(struct cli *cli, const char *cmd, int argc, char **argv,
		struct flash_args *a)
{
	int c;

	flash_opts_default(&a->o);
	a->o.sysroot = cli->sysroot;
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
			return flash_usage(cli, cmd, "unknown option");
		}
	}
	if (optind < argc)
		a->o.package = argv[optind++];
	if (optind < argc)
		return flash_usage(cli, cmd, "unexpected argument '%s'",
				   argv[optind]);
	if (a->o.programmer && strcmp(cmd, "backup") && strcmp(cmd, "reset"))
		return flash_usage(
			cli, cmd,
			"--programmer is for backup and reset; %s uses "
			"the package's programmer",
			cmd);
	return 0;
}

json_object *flash_report_json(const struct flash_report *r)
{
	json_object *o = json_object_new_object();
	json_object *f = json_object_new_array();

#define S(k, v) json_object_object_add(o, k, json_object_new_string(v))
	S("module", r->usb_path);
	S("model", r->model);
	S("imei", r->imei);
	S("serial", r->serial);
	S("before", r->before);
	S("package_revision", r->package_rev);
	S("after", r->after);
	S("backup", r->backup);
	S("stage", r->stage);
	S("verified", r->verified[0] ? r->verified : "none");
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
	return o;
}

/* One human line for a finished run (stdout, or stderr with --json). */
void flash_say_report(struct cli *cli, const char *cmd,
		      const struct flash_report *r, int rc)
{
	double s = (double)r->ms / 1000.0;

	if (rc)
		return;
	if (r->up_to_date)
		cli_say(cli,
			"%s: %s already runs %s: nothing to do, nothing "
			"written",
			r->usb_path, r->model[0] ? r->model : "the module",
			r->before);
	else if (!strcmp(cmd, "backup"))
		cli_say(cli, "%s: backup of %s in %s (%.1f s)", r->usb_path,
			r->before[0] ? r->before : "the module", r->backup, s);
	else
		cli_say(cli,
			"%s: %s %s%s%s, now running %s (%.1f s, verified: "
			"%s)%s%s",
			r->usb_path,
			!strcmp(cmd, "restore") ? "restored" : "updated",
			r->before[0] ? r->before : "from EDL", " -> ",
			r->package_rev, r->after, s,
			r->verified[0] ? r->verified : "none",
			r->backup[0] ? "; backup: " : "", r->backup);
}

/* Failure: the error and hint like cli_fail, the report in the result. */
int flash_finish(struct cli *cli, const char *cmd, const struct flash_report *r,
		 int rc, const struct mf_err *err)
{
	json_object *res = flash_report_json(r);
	int code = 0;

	if (rc) {
		code = err->status == MF_OK ? MF_FAILED : (int)err->status;
		fprintf(stderr, "%s: %s: %s\n", cli->prog, cmd,
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
