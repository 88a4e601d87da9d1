// SPDX-License-Identifier: BSD-3-Clause
#include "cli/cli.h"

int cmd_list(struct cli *cli, int argc, char **argv)
{
	return cli_not_yet(cli, "list");
}
