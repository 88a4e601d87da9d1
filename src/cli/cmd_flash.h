/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_CLI_CMD_FLASH_H
#define MF_CLI_CMD_FLASH_H

#include "cli/cli.h"
#include "ops/flash.h"
#include "pkg/pkg.h"

/* Shared by cmd_flash.c and cmd_flash_all.c. */
struct flash_args {
	struct flash_opts o;
	bool all;
};

json_object *flash_report_json(const struct flash_report *r);
void flash_say_report(struct cli *cli, const char *cmd,
		      const struct flash_report *r, int rc);
int flash_finish(struct cli *cli, const char *cmd, const struct flash_report *r,
		 int rc, const struct mf_err *err);
/* Every module at once, one thread each; one report per module. */
int flash_all(struct cli *cli, const char *cmd, struct flash_args *a);

#endif
