// SPDX-License-Identifier: BSD-3-Clause
/*
 * reset: restart the module (AT+CFUN=1,1, or Firehose power in EDL).
 */
#include <stdlib.h>

#include "cli/cli.h"
#include "ops/select.h"
#include "cli/cmd_flash.h"

int cmd_reset(struct cli *cli, int argc, char **argv)
{
	struct flash_args a = { 0 };
	struct mf_err err = { 0 };
	struct pkg p = { 0 };
	struct mf_scan *s;
	json_object *res;
	int i, rc;

	rc = flash_parse(cli, "reset", argc, argv, &a);
	if (rc)
		return rc;
	s = ops_scan(cli->sysroot, &cli->log, &err);
	if (!s)
		return cli_fail(cli, "reset", &err);
	i = ops_pick(s, cli->select, &cli->log, &err);
	if (i < 0)
		goto fail;
	if (a.o.package && !a.o.programmer &&
	    s->modules[i].mode == MF_MODE_EDL) {
		rc = pkg_open(&p, a.o.package, &(struct pkg_opts){ 0 },
			      &cli->log, &err);
		if (rc)
			goto fail;
	}
	rc = flash_reset(cli->sysroot, &s->modules[i],
			 a.o.programmer ? a.o.programmer : p.programmer,
			 &cli->log, &err);
	if (rc)
		goto fail;
	cli_say(cli, "%s: restarting (%s)", s->modules[i].usb.path,
		s->modules[i].mode == MF_MODE_EDL ? "Firehose power reset"
						  : "AT+CFUN=1,1");
	res = json_object_new_object();
	json_object_object_add(res, "module",
			       json_object_new_string(s->modules[i].usb.path));
	json_object_object_add(
		res, "mode",
		json_object_new_string(mf_mode_name(s->modules[i].mode)));
	pkg_close(&p);
	free(s);
	return cli_result(cli, "reset", res, 0);
fail:
	pkg_close(&p);
	free(s);
	return cli_fail(cli, "reset", &err);
}
