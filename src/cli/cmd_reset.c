// SPDX-License-Identifier: BSD-3-Clause
/*
 * reset: restart the module (AT+CFUN=1,1, or Firehose power in EDL).
 */
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/cmd_flash.h"

int cmd_reset(struct cli *cli, int argc, char **argv)
{
	struct flash_args a = { 0 };
	struct mf_err err = { 0 };
	struct mf_module m;
	json_object *res;
	int rc;

	rc = flash_parse(cli, "reset", argc, argv, &a);
	if (rc)
		return rc;
	rc = flash_reset(cli->sysroot, cli->select, a.o.package, a.o.programmer,
			 &m, &cli->log, &err);
	if (rc)
		return cli_fail(cli, "reset", &err);
	cli_say(cli, "%s: restarting (%s)", m.usb.path,
		m.mode == MF_MODE_EDL ? "Firehose power reset" : "AT+CFUN=1,1");
	res = json_object_new_object();
	json_object_object_add(res, "usb_path",
			       json_object_new_string(m.usb.path));
	json_object_object_add(res, "module", /* alias of usb_path */
			       json_object_new_string(m.usb.path));
	json_object_object_add(res, "mode",
			       json_object_new_string(mf_mode_name(m.mode)));
	return cli_result(cli, "reset", res, 0);
}
