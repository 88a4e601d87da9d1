// SPDX-License-Identifier: BSD-3-Clause
/*
 * doctor and usb-enable: options and rendering. The checks and the fix
 * are in ops/query/doctor.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/show_module.h"
#include "ops/query/doctor.h"

static json_object *finding_json(const struct doctor_finding *f)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(f->id));
	json_object_object_add(o, "severity",
			       json_object_new_string(f->severity));
	json_object_object_add(o, "message",
			       json_object_new_string(f->message));
	json_object_object_add(o, "evidence",
			       json_object_new_string(f->evidence));
	json_object_object_add(o, "fix", json_object_new_string(f->fix));
	return o;
}

static int report(struct cli *cli, const struct doctor_report *r)
{
	json_object *res = json_object_new_object();
	json_object *arr = json_object_new_array();
	json_object *mods = json_object_new_array();

	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_finding *f = &r->f[i];

		cli_say(cli, "%s: %s", f->severity, f->message);
		cli_say(cli, "  evidence: %s", f->evidence);
		cli_say(cli, "  fix: %s", f->fix);
		cli_event(cli, "finding", finding_json(f));
		json_object_array_add(arr, finding_json(f));
	}
	for (size_t i = 0; i < r->scan->nmodules; i++)
		json_object_array_add(mods,
				      cli_module_json(&r->scan->modules[i]));
	cli_say(cli,
		r->blocked ? "the module cannot be updated as it is"
			   : "no blocking finding: the module can be updated");
	json_object_object_add(res, "findings", arr);
	json_object_object_add(res, "modules", mods);
	json_object_object_add(res, "updatable",
			       json_object_new_boolean(!r->blocked));
	return cli_result(cli, "doctor", res, r->blocked ? MF_FAILED : MF_OK);
}

static int parse_port(struct cli *cli, const char *cmd, int argc, char **argv,
		      const char **port)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*port = NULL;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'p')
			return cli_bad_option(cli, cmd, argv);
		*port = optarg;
	}
	if (optind < argc)
		return cli_usage(cli, cmd, "unexpected argument '%s'",
				 argv[optind]);
	return 0;
}

int cmd_doctor(struct cli *cli, int argc, char **argv)
{
	struct mf_err err = { 0 };
	struct doctor_report *r;
	const char *port;
	int rc;

	rc = parse_port(cli, "doctor", argc, argv, &port);
	if (rc)
		return rc;
	/* 24 findings of 1.5 KiB: not for the stack */
	r = calloc(1, sizeof(*r));
	if (!r) {
		mf_err_set(&err, MF_FAILED, -ENOMEM, "out of memory");
		return cli_fail(cli, "doctor", &err);
	}
	if (doctor_run(cli->sysroot, port, r, &cli->log, &err) < 0)
		rc = cli_fail(cli, "doctor", &err);
	else
		rc = report(cli, r);
	doctor_report_free(r);
	free(r);
	return rc;
}

int cmd_usb_enable(struct cli *cli, int argc, char **argv)
{
	const char *port, *env = getenv("MODEMFLASH_ENUM_TIMEOUT_S");
	int timeout_ms = (env && atoi(env) > 0 ? atoi(env) : 60) * 1000;
	struct usb_enable_report r;
	struct mf_err err = { 0 };
	json_object *res;
	int rc;

	rc = parse_port(cli, "usb-enable", argc, argv, &port);
	if (rc)
		return rc;
	if (!port)
		return cli_usage(cli, "usb-enable",
				 "--port PATH is required "
				 "(the module's UART)");
	rc = usb_enable_run(cli->sysroot, port, timeout_ms, &r, &cli->log,
			    &err);
	if (r.switched_on)
		cli_say(cli, "USB switched on (AT+QCFGEXT=\"disusb\",0); "
			     "restarting the module (AT+CFUN=1,1)");
	if (rc < 0)
		return cli_fail(cli, "usb-enable", &err);
	cli_say(cli, "the module enumerated on USB:");
	cli_say_module(cli, &r.module);
	res = json_object_new_object();
	json_object_object_add(res, "usb_path",
			       json_object_new_string(r.module.usb.path));
	json_object_object_add(res, "device", cli_module_json(&r.module));
	json_object_object_add(res, "module", cli_module_json(&r.module));
	return cli_result(cli, "usb-enable", res, 0);
}
