// SPDX-License-Identifier: BSD-3-Clause
/*
 * The table of commands and their options, and the help printed from it.
 */
#include <string.h>

#include "cli/table.h"

const struct cli_exit cli_exits[] = {
	{ 0, "ok", "done" },
	{ 1, "failed", "failed (host errors such as a full disk included)" },
	{ 2, "usage", "usage: a bad command line, an argument file missing" },
	{ 3, "refused",
	  "refused by preflight: incompatible or unsafe without the override "
	  "the message names" },
	{ 4, "no-device", "no module or port found (or the path is no port)" },
	{ 5, "timeout", "timed out: the module did not answer in time" },
	{ 6, "mismatch", "verification mismatch" },
	{ 7, "bad-package",
	  "bad package: a package, backup or delta missing, unreadable or "
	  "malformed" },
	{ 130, "interrupted",
	  "interrupted by SIGINT (143: SIGTERM); the module is left where the "
	  "next run continues" },
	{ 0, NULL, NULL },
};

const struct cli_choice cli_choices[] = {
	{ "verify", "auto digest readback none" },
	{ "variant", "standard quecopen" },
	{ "geometry", "p2K_b128K p4K_b256K" },
	{ NULL, NULL },
};

const struct cli_opt cli_global_opts[] = {
	{ "sysroot", 0, "DIR",
	  "read sys/bus/usb/devices and dev/ below DIR (must exist)", "/" },
	{ "device", 'd', "SEL",
	  "select a module: USB path, IMEI, Sahara serial or port path",
	  "the only module" },
	{ "json", 0, NULL,
	  "JSON Lines on stdout: events, then one result object", NULL },
	{ "log", 0, "FILE",
	  "append the protocol trace to FILE (bulk data as sizes and SHA-256; "
	  "-vv: as hex)",
	  NULL },
	{ "verbose", 'v', NULL,
	  "every step, not one line per stage; -vv traces every byte", NULL },
	{ "quiet", 'q', NULL, "errors only", NULL },
	{ "help", 'h', NULL, "this help, or the command's", NULL },
	{ "version", 'V', NULL, "print the version", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

#define ALLOW_OPTS                                                             \
	{ "allow-downgrade", 0, NULL,                                          \
	  "accept a package older than the module", NULL },                    \
		{ "allow-cross-baseline", 0, NULL,                             \
		  "accept a package of another baseline (R01 vs R02)", NULL }, \
		{ "allow-variant-change", 0, NULL,                             \
		  "accept standard <-> QuecOpen", NULL },                      \
	{                                                                      \
		"allow-calibration-write", 0, NULL,                            \
			"let the package write calibration partitions", NULL   \
	}

static const struct cli_opt flash_opts[] = {
	ALLOW_OPTS,
	{ "factory", 0, NULL,
	  "a factory package: write every partition it names", NULL },
	{ "no-backup", 0, NULL, "skip the backup before writing", NULL },
	{ "output", 'o', "DIR", "put the backup in DIR",
	  "$XDG_DATA_HOME/modemflash/backups/<module>-<time>" },
	{ "backup-dir", 0, "DIR", "base directory for automatic backups",
	  "$XDG_DATA_HOME/modemflash/backups" },
	{ "verify", 0, "HOW",
	  "how to check what was written: auto, digest, readback or none",
	  "auto" },
	{ "all", 0, NULL, "every module found, in parallel", NULL },
	{ "boot-timeout", 0, "SEC", "wait this long for the module to boot",
	  "90" },
	{ "programmer", 0, "FILE",
	  "Firehose programmer (backup and reset only)",
	  "the package's, else the cached one" },
	{ "dry-run", 0, NULL,
	  "flash, restore: identify, judge and print the plan; send nothing "
	  "else",
	  NULL },
	{ "allow-foreign-backup", 0, NULL,
	  "restore only: accept a backup read from another module (judged "
	  "as a package)",
	  NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct cli_opt port_opts[] = {
	{ "port", 0, "PATH", "the module's AT port (tty)",
	  "found from the USB interfaces" },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct cli_opt inspect_opts[] = {
	{ "for", 0, "REV", "the verdict for a module at revision REV", NULL },
	{ "model", 0, "MODEL", "the module's model, e.g. EG25G", NULL },
	{ "variant", 0, "V", "standard or quecopen", "standard" },
	{ "msm", 0, "ID", "the module's MSM HW ID (Sahara)", NULL },
	{ "pk-hash", 0, "HEX", "the module's OEM PK hash, 64 or 96 hex digits",
	  NULL },
	{ "geometry", 0, "G", "NAND geometry: p2K_b128K or p4K_b256K", NULL },
	{ "factory", 0, NULL, "judge as a factory package", NULL },
	{ "no-md5", 0, NULL, "do not check the package's md5 list", NULL },
	ALLOW_OPTS,
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct cli_opt fota_opts[] = {
	{ "port", 0, "PATH", "the module's AT port (UART or USB AT port)",
	  NULL },
	{ "url", 0, "URL", "let the module download the delta itself", NULL },
	{ "force", 0, NULL,
	  "start a delta made for another revision (the module judges it)",
	  NULL },
	{ "name", 0, "NAME", "file name in the module's UFS",
	  "dfota_update.bin" },
	{ "fota-dir", 0, "DIR", "the module's UFS path for AT+QFOTADL", NULL },
	{ "timeout", 0, "SEC", "the whole update", "600" },
	{ "reopen-timeout", 0, "SEC", "wait for the port after a restart",
	  "120" },
	{ "urc-timeout", 0, "SEC", "silence between progress reports", "300" },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct cli_opt verify_opts[] = {
	{ "factory", 0, NULL, "compare with the package's factory XML", NULL },
	{ "boot-timeout", 0, "SEC", "wait this long for the module to boot",
	  "90" },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct cli_opt reset_opts[] = {
	{ "programmer", 0, "FILE", "Firehose programmer for a module in EDL",
	  "the cached one" },
	{ NULL, 0, NULL, NULL, NULL },
};

const struct cli_cmd cli_cmds[] = {
	{ "list", cmd_list, "",
	  "every module: USB path, VID:PID, model, mode, its ports by role",
	  NULL },
	{ "info", cmd_info, "",
	  "model, revision, IMEI, USB state; in EDL: Sahara serial, HW ID, "
	  "PK hash",
	  NULL },
	{ "doctor", cmd_doctor, "[--port PATH]",
	  "why can this module not be updated? each finding with the fix",
	  port_opts },
	{ "usb-enable", cmd_usb_enable, "--port PATH",
	  "switch USB back on over the UART and restart the module",
	  port_opts },
	{ "inspect", cmd_inspect, "PKG [--for REV]",
	  "validate a package; with --for or -d, the verdict for that module",
	  inspect_opts },
	{ "flash", cmd_flash, "PKG [options]",
	  "the safe update: preflight, backup, flash, verify, post-check",
	  flash_opts },
	{ "backup", cmd_backup, "[-o DIR] [PKG]",
	  "read the module's partitions into a restorable package",
	  flash_opts },
	{ "restore", cmd_restore, "DIR",
	  "write a backup (or any package) back, also from EDL", flash_opts },
	{ "fota", cmd_fota, "FILE --port PATH",
	  "delta firmware update over AT (UART or USB AT port)", fota_opts },
	{ "reset", cmd_reset, "", "restart the module", reset_opts },
	{ "verify", cmd_verify, "PKG",
	  "compare the module's partitions with a package by digest, "
	  "writing nothing (exit 6: some differ)",
	  verify_opts },
	{ "help", NULL, "[COMMAND]", "this help, or a command's", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cli_cmd *cli_find_cmd(const char *name)
{
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

const struct cli_opt *cli_match_opt(const struct cli_opt *tab, const char *word)
{
	size_t n;

	if (!tab || word[0] != '-')
		return NULL;
	for (const struct cli_opt *o = tab; o->name; o++) {
		if (word[1] != '-') {
			if (o->shortopt && word[1] == o->shortopt)
				return o;
			continue;
		}
		n = strlen(o->name);
		if (!strncmp(word + 2, o->name, n) &&
		    (word[2 + n] == '\0' || word[2 + n] == '='))
			return o;
	}
	return NULL;
}

static void print_opts(FILE *f, const struct cli_opt *tab)
{
	char left[64];

	for (const struct cli_opt *o = tab; o && o->name; o++) {
		int n = 0;

		if (o->shortopt)
			n = snprintf(left, sizeof(left), "-%c, ", o->shortopt);
		snprintf(left + n, sizeof(left) - (size_t)n, "--%s%s%s",
			 o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-28s %s", left, o->help);
		if (o->def)
			fprintf(f, " (default: %s)", o->def);
		fputc('\n', f);
	}
}

static void print_exit_codes(FILE *f)
{
	fprintf(f, "\nExit codes: 0 done, 1 failed, 2 usage, 3 refused by "
		   "preflight,\n"
		   "4 no module or port, 5 timed out, 6 verification mismatch, "
		   "7 bad package,\n"
		   "130/143 stopped by SIGINT/SIGTERM where a re-run "
		   "continues.\n");
}

void cli_help_all(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [OPTIONS] COMMAND [ARGS] [OPTIONS]\n"
		"Update the firmware of Qualcomm-based cellular modules, "
		"safely.\n\n"
		"Options (before or after the command):\n",
		prog);
	print_opts(f, cli_global_opts);
	fputs("\nCommands:\n", f);
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		fprintf(f, "  %-10s %-17s %s\n", c->name, c->args, c->summary);
	fprintf(f,
		"\n'%s help COMMAND' or '%s COMMAND --help' for a "
		"command's options.\n",
		prog, prog);
	print_exit_codes(f);
}

void cli_help_cmd(FILE *f, const char *prog, const struct cli_cmd *cmd)
{
	fprintf(f, "Usage: %s %s %s\n%s\n", prog, cmd->name, cmd->args,
		cmd->summary);
	if (cmd->opts) {
		fputs("\nOptions:\n", f);
		print_opts(f, cmd->opts);
	}
	fputs("\nGlobal options (before or after the command):\n", f);
	print_opts(f, cli_global_opts);
	print_exit_codes(f);
}
