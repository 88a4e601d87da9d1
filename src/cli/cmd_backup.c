// SPDX-License-Identifier: BSD-3-Clause
/*
 * backup: the flash options, the module's partitions read into a package.
 */
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/cmd_flash.h"

int cmd_backup(struct cli *cli, int argc, char **argv)
{
	struct flash_args a = { 0 };
	int rc = flash_parse(cli, "backup", argc, argv, &a);

	if (rc)
		return rc;
	/* without PKG: the module's own partition table, a cached programmer */
	a.o.mode = FLASH_MODE_BACKUP;
	return a.all ? flash_all(cli, "backup", &a)
		     : flash_run_one(cli, "backup", &a);
}
