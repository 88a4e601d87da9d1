// SPDX-License-Identifier: BSD-3-Clause
#include "cli/cli.h"

int cmd_flash(struct cli *cli, int argc, char **argv)
{
	return cli_not_yet(cli, "flash");
}

int cmd_backup(struct cli *cli, int argc, char **argv)
{
	return cli_not_yet(cli, "backup");
}

int cmd_restore(struct cli *cli, int argc, char **argv)
{
	return cli_not_yet(cli, "restore");
}

int cmd_reset(struct cli *cli, int argc, char **argv)
{
	return cli_not_yet(cli, "reset");
}
