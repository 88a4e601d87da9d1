/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_CLI_CMD_FLASH_H
#define MF_CLI_CMD_FLASH_H

#include "cli/cli.h"
#include "ops/update/flash.h"
#include "pkg/pkg.h"

/* Shared by cmd_flash.c, cmd_flash_all.c, cmd_backup.c, cmd_restore.c and
 * cmd_reset.c. */
struct flash_args {
	struct flash_opts o;
	bool all;
};

/*
 * A usage error, also as the one final result object under --json (a
 * script reading stdout always gets one). Returns the usage exit code.
 */
int flash_usage(struct cli *cli, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The options of flash/backup/restore/reset; 0, or the usage exit code. */
int flash_parse(struct cli *cli, const char *cmd, int argc, char **argv,
		struct flash_args *a);
/* Pick the module (-d or the only one), run the operation, report. */
int flash_run_one(struct cli *cli, const char *cmd, struct flash_args *a);

json_object *flash_report_json(const struct flash_report *r);
/* r->parts as JSON: flash (seconds, rate, verified) or verify (equal). */
json_object *flash_parts_json(const struct flash_report *r, bool compare);
/* The closing table of r->parts (nothing with -q or no partitions). */
void flash_say_parts(struct cli *cli, const char *cmd,
		     const struct flash_report *r);
/* The defaults of a run from cli (sysroot, stage events, stop flag). */
void flash_args_init(struct cli *cli, struct flash_args *a);
void flash_say_report(struct cli *cli, const char *cmd,
		      const struct flash_report *r, int rc);
int flash_finish(struct cli *cli, const char *cmd, const struct flash_report *r,
		 int rc, const struct mf_err *err);
/* Every module at once, one thread each; one report per module. */
int flash_all(struct cli *cli, const char *cmd, struct flash_args *a);

#endif
