// SPDX-License-Identifier: BSD-3-Clause
/*
 * info: identity of one module. Normal mode: ATI, AT+QGMR, AT+CGSN and the
 * USB switch over the AT port, the build id over DIAG on the DM port.
 * EDL: Sahara command mode (serial, HW ID, PK hash), which leaves the
 * module waiting in image mode, ready for a flash.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_discover.h"
#include "ops/edl_link.h"
#include "proto/diag.h"
#include "proto/sahara.h"

static void add_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key,
			       v && v[0] ? json_object_new_string(v) : NULL);
}

/* "+QCFGEXT: \"disusb\",1" -> 1; -1 when absent or unparsable */
static int query_disusb(struct at_port *at)
{
	struct at_reply r;
	char v[32];

	if (at_cmd(at, "AT+QCFGEXT=\"disusb\"", AT_DEFAULT_TIMEOUT_MS, &r) < 0)
		return -1;
	if (at_reply_find(&r, "+QCFGEXT: \"disusb\",", v, sizeof(v)) < 0)
		return -1;
	return (v[0] == '0' || v[0] == '1') && !v[1] ? v[0] - '0' : -1;
}

static int info_normal(struct cli *cli, const struct mf_module *m,
		       json_object *res, struct mf_err *err)
{
	const struct mf_port *atp = mf_module_port(m, MF_ROLE_AT);
	const struct mf_port *dm = mf_module_port(m, MF_ROLE_DIAG);
	const struct dev_model *model;
	struct at_identity id = { 0 };
	struct diag_build_id b = { 0 };
	struct diag_opts o;
	struct at_port at;
	struct link *l;
	int disusb = -1;

	if (!atp || !atp->dev[0])
		atp = mf_module_port(m, MF_ROLE_MODEM);
	if (!atp || !atp->dev[0]) {
		mf_err_set(err, MF_NO_DEVICE, -ENODEV,
			   "module %s has no AT port tty", m->usb.path);
		mf_err_hint(err, "run 'modemflash doctor' for the fix");
		return -ENODEV;
	}
	if (cli_at_open(cli, atp->dev, &at, err) < 0)
		return err->code;
	at_identify(&at, &id);
	model = dev_model_find(id.model);
	if (model && model->has_disusb)
		disusb = query_disusb(&at);
	cli_at_close(&at);

	cli_say(cli, "model:     %s %s", id.manufacturer, id.model);
	cli_say(cli, "revision:  %s",
		id.full_revision[0] ? id.full_revision : id.revision);
	cli_say(cli, "imei:      %s", id.imei);
	if (disusb >= 0)
		cli_say(cli, "usb:       %s (AT+QCFGEXT=\"disusb\" answers %d)",
			disusb ? "disabled" : "enabled", disusb);
	add_str(res, "manufacturer", id.manufacturer);
	add_str(res, "model", id.model);
	add_str(res, "revision",
		id.full_revision[0] ? id.full_revision : id.revision);
	add_str(res, "baseline", id.revision);
	add_str(res, "imei", id.imei);
	add_str(res, "chip", model ? model->chip : NULL);
	json_object_object_add(
		res, "usb_enabled",
		disusb < 0 ? NULL : json_object_new_boolean(disusb == 0));

	/* the build id is a second opinion: its absence is not fatal */
	if (!dm || !dm->dev[0])
		return 0;
	l = link_tty_open(dm->dev, &cli->log, NULL);
	if (!l)
		return 0;
	diag_opts_default(&o);
	if (diag_build_id(l, &o, &b, &cli->log, NULL) == 0) {
		cli_say(cli, "build id:  %s (msm 0x%08x)", b.revision, b.msm);
		add_str(res, "build_id", b.revision);
	} else {
		mf_log(&cli->log, MF_LOG_WARN,
		       "DIAG build id query on %s "
		       "got no answer",
		       dm->dev);
	}
	link_close(l);
	return 0;
}

static int info_edl(struct cli *cli, const struct mf_module *m,
		    json_object *res, struct mf_err *err)
{
	struct sahara_identity id = { 0 };
	struct sahara_opts o;
	char hwid[32], hash[132], buf[16];
	struct link *l;
	int rc;

	l = edl_link_open(cli->sysroot, m, 5000, &cli->log, err);
	if (!l)
		return err->code ? err->code : -EIO;
	sahara_opts_default(&o);
	rc = sahara_identify(l, &o, &id, &cli->log, err);
	link_close(l);
	if (rc < 0)
		return rc;
	if (!id.cmd_mode) {
		cli_say(cli,
			"the boot ROM refused Sahara command mode: no serial,"
			" HW ID or PK hash");
		return 0;
	}
	sahara_hwid_str(&id, hwid, sizeof(hwid));
	sahara_pkhash_str(&id, hash, sizeof(hash));
	snprintf(buf, sizeof(buf), "0x%08x", id.serial);
	cli_say(cli, "serial:    %s", id.have_serial ? buf : "?");
	cli_say(cli, "hw id:     %s", id.have_hwid ? hwid : "?");
	cli_say(cli, "pk hash:   %s", id.pkhash_len ? hash : "?");
	add_str(res, "serial", id.have_serial ? buf : NULL);
	add_str(res, "hwid", id.have_hwid ? hwid : NULL);
	snprintf(buf, sizeof(buf), "0x%08x", id.msm_id);
	add_str(res, "msm_id", id.have_hwid ? buf : NULL);
	add_str(res, "pk_hash", id.pkhash_len ? hash : NULL);
	json_object_object_add(res, "sahara_version",
			       json_object_new_int((int)id.version));
	return 0;
}

int cmd_info(struct cli *cli, int argc, char **argv)
{
	struct mf_err err = { 0 };
	const struct mf_module *m;
	json_object *res, *mj, *v;
	struct mf_scan *s;
	int idx, rc;

	if (argc > 1)
		return cli_usage(cli, "info",
				 "takes no arguments (select with -d)");
	s = cli_scan(cli, &err);
	if (!s)
		return cli_fail(cli, "info", &err);
	idx = cli_pick(cli, s, &err);
	if (idx < 0) {
		free(s);
		return cli_fail(cli, "info", &err);
	}
	m = &s->modules[idx];
	res = json_object_new_object();
	mj = cli_module_json(m);
	cli_say(cli, "usb:       %s %04x:%04x (%s mode)", m->usb.path,
		m->usb.vid, m->usb.pid, mf_mode_name(m->mode));
	json_object_object_add(res, "usb_path",
			       json_object_new_string(m->usb.path));
	json_object_object_add(res, "mode",
			       json_object_new_string(mf_mode_name(m->mode)));
	if (json_object_object_get_ex(mj, "ports", &v))
		json_object_object_add(res, "ports", json_object_get(v));
	json_object_object_add(res, "module", mj);
	if (m->mode == MF_MODE_EDL)
		rc = info_edl(cli, m, res, &err);
	else if (m->mode == MF_MODE_NORMAL || m->mode == MF_MODE_UNKNOWN)
		rc = info_normal(cli, m, res, &err);
	else
		rc = mf_err_set(&err, MF_FAILED, -ENOTSUP,
				"module %s is in %s mode: no identity to read",
				m->usb.path, mf_mode_name(m->mode));
	free(s);
	if (rc < 0) {
		json_object_put(res);
		return cli_fail(cli, "info", &err);
	}
	return cli_result(cli, "info", res, 0);
}
