// SPDX-License-Identifier: BSD-3-Clause
/*
 * info: identity of one module, rendered. The conversation (AT and DIAG
 * in normal mode, Sahara in EDL) is in ops/query/info.c.
 */
#include <stdio.h>

#include "cli/show_module.h"
#include "ops/query/info.h"

static void add_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key,
			       v && v[0] ? json_object_new_string(v) : NULL);
}

static void say_normal(struct cli *cli, const struct info_report *r,
		       json_object *res)
{
	cli_say(cli, "model:     %s %s", r->manufacturer, r->model);
	cli_say(cli, "revision:  %s", r->revision);
	cli_say(cli, "imei:      %s", r->imei);
	if (r->disusb >= 0)
		cli_say(cli, "usb:       %s (AT+QCFGEXT=\"disusb\" answers %d)",
			r->disusb ? "disabled" : "enabled", r->disusb);
	add_str(res, "manufacturer", r->manufacturer);
	add_str(res, "model", r->model);
	add_str(res, "revision", r->revision);
	add_str(res, "baseline", r->baseline);
	add_str(res, "imei", r->imei);
	add_str(res, "chip", r->chip);
	json_object_object_add(
		res, "usb_enabled",
		r->disusb < 0 ? NULL : json_object_new_boolean(r->disusb == 0));
	if (r->have_build_id) {
		cli_say(cli, "build id:  %s (msm 0x%08x)", r->build_id,
			r->build_msm);
		add_str(res, "build_id", r->build_id);
	}
}

static void say_edl(struct cli *cli, const struct info_report *r,
		    json_object *res)
{
	char buf[16];

	json_object_object_add(res, "firehose_running",
			       json_object_new_boolean(r->firehose_running));
	if (r->firehose_running) {
		cli_say(cli,
			"firehose:  a programmer an earlier run uploaded is "
			"still running (no Sahara identity until it restarts)");
		cli_say(cli, "free it:   modemflash -d %s reset",
			r->module.usb.path);
		return;
	}
	if (!r->cmd_mode) {
		cli_say(cli,
			"the boot ROM refused Sahara command mode: no serial,"
			" HW ID or PK hash");
		return;
	}
	snprintf(buf, sizeof(buf), "0x%08x", r->serial);
	cli_say(cli, "serial:    %s", r->have_serial ? buf : "?");
	cli_say(cli, "hw id:     %s", r->have_hwid ? r->hwid : "?");
	cli_say(cli, "pk hash:   %s", r->pk_hash[0] ? r->pk_hash : "?");
	add_str(res, "serial", r->have_serial ? buf : NULL);
	add_str(res, "hwid", r->have_hwid ? r->hwid : NULL);
	snprintf(buf, sizeof(buf), "0x%08x", r->msm_id);
	add_str(res, "msm_id", r->have_hwid ? buf : NULL);
	add_str(res, "pk_hash", r->pk_hash);
	json_object_object_add(res, "sahara_version",
			       json_object_new_int((int)r->sahara_version));
}

/* Another run holds the module: who, and that nothing was asked. */
static void say_busy(struct cli *cli, const struct info_report *r,
		     json_object *res)
{
	const struct mf_lock_who *w = &r->holder;
	json_object *b = json_object_new_object();

	cli_say(cli,
		"in use:    another modemflash (pid %ld) is updating %s (%s); "
		"not asked, to leave it alone",
		w->pid, w->module[0] ? w->module : r->module.usb.path,
		w->command[0] ? w->command : "?");
	json_object_object_add(b, "pid", json_object_new_int64(w->pid));
	add_str(b, "module", w->module);
	add_str(b, "command", w->command);
	add_str(b, "serial", w->serial);
	json_object_object_add(res, "busy", b);
}

int cmd_info(struct cli *cli, int argc, char **argv)
{
	struct mf_err err = { 0 };
	struct info_report r;
	const struct mf_module *m = &r.module;
	json_object *res, *mj, *v;
	int rc;

	if (argc > 1)
		return cli_usage(cli, "info",
				 "takes no arguments (select with -d)");
	rc = info_run(cli->sysroot, cli->select, &r, &cli->log, &err);
	if (!r.found)
		return cli_fail(cli, "info", &err);
	cli_say(cli, "usb:       %s %04x:%04x (%s mode)", m->usb.path,
		m->usb.vid, m->usb.pid, mf_mode_name(m->mode));
	if (rc < 0)
		return cli_fail(cli, "info", &err);
	res = json_object_new_object();
	if (r.busy)
		say_busy(cli, &r, res);
	mj = cli_module_json(m);
	json_object_object_add(res, "usb_path",
			       json_object_new_string(m->usb.path));
	json_object_object_add(res, "mode",
			       json_object_new_string(mf_mode_name(m->mode)));
	if (json_object_object_get_ex(mj, "ports", &v))
		json_object_object_add(res, "ports", json_object_get(v));
	json_object_object_add(res, "device", json_object_get(mj));
	json_object_object_add(res, "module", mj); /* alias of device */
	if (r.normal)
		say_normal(cli, &r, res);
	else if (r.edl)
		say_edl(cli, &r, res);
	return cli_result(cli, "info", res, 0);
}
