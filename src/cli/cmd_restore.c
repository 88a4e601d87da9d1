// SPDX-License-Identifier: BSD-3-Clause
/*
 * restore: a backup (or any package) written back, also from EDL.
 */
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/cmd_flash.h"

int cmd_restore(struct cli *cli, int argc, char **argv)
{
	struct flash_args a = { 0 };
	int rc = flash_parse(cli, "restore", argc, argv, &a);

	if (rc)
		return rc;
	if (!a.o.package)
		return flash_usage(cli, "restore", "which backup? restore DIR");
	/* a backup is not backed up again; a package is, unless --no-backup
	 * (ops/update/flash.c) */
	a.o.mode = FLASH_MODE_RESTORE;
	return flash_run_one(cli, "restore", &a);
}
