/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_CLI_DRY_RUN_H
#define MF_CLI_DRY_RUN_H

#include "cli/cli.h"
#include "ops/update/flash.h"

/* flash/restore --dry-run: the plan as JSON and for a person. */
json_object *flash_plan_json(const struct flash_plan *p);
void flash_say_plan(struct cli *cli, const char *cmd,
		    const struct flash_report *r);

#endif
