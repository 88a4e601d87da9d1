// SPDX-License-Identifier: BSD-3-Clause
/*
 * verify PKG: does the module hold the package? Every partition the
 * package programs is compared by digest (read back where the programmer
 * has none) in a flash run that writes nothing (FLASH_MODE_VERIFY): the
 * lock, the ModemManager hold, the EDL switch and the post-check are
 * flash's. Exit 0 all equal, 6 some differ (named).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_flash.h"

enum {
	OPT_FACTORY = 256,
	OPT_BOOT_TIMEOUT,
};

static int verify_parse(struct cli *cli, int argc, char **argv,
			struct flash_args *a)
{
	static const struct option opts[] = {
		{ "factory", no_argument, NULL, OPT_FACTORY },
		{ "boot-timeout", required_argument, NULL, OPT_BOOT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	flash_args_init(cli, a);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FACTORY:
			a->o.factory = true;
			break;
		case OPT_BOOT_TIMEOUT:
			a->o.boot_timeout_ms = atoi(optarg) * 1000;
			if (a->o.boot_timeout_ms <= 0)
				return flash_usage(
					cli, "verify",
					"--boot-timeout takes seconds");
			break;
		default:
			return cli_bad_option(cli, "verify", argv);
		}
	}
	if (optind < argc)
		a->o.package = argv[optind++];
	if (optind < argc)
		return flash_usage(cli, "verify", "unexpected argument '%s'",
				   argv[optind]);
	if (!a->o.package)
		return flash_usage(cli, "verify", "which package? verify PKG");
	return 0;
}

int cmd_verify(struct cli *cli, int argc, char **argv)
{
	struct flash_args a = { 0 };
	struct flash_report r;
	struct mf_err err = { 0 };
	int rc = verify_parse(cli, argc, argv, &a);

	if (rc)
		return rc;
	a.o.mode = FLASH_MODE_VERIFY;
	a.o.verify = FLASH_VERIFY_AUTO; /* digest, else read back */
	rc = flash_run_selected(&a.o, cli->select, &r, &cli->log, &err);
	if (rc && !r.usb_path[0])
		return cli_fail(cli, "verify", &err); /* no module picked */
	return flash_finish(cli, "verify", &r, rc, &err);
}
