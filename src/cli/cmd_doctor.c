// SPDX-License-Identifier: BSD-3-Clause
#include "cli/cli.h"

int cmd_doctor(struct cli *cli, int argc, char **argv)
{
	return cli_not_yet(cli, "doctor");
}

int cmd_usb_enable(struct cli *cli, int argc, char **argv)
{
	return cli_not_yet(cli, "usb-enable");
}
