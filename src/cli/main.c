// SPDX-License-Identifier: BSD-3-Clause
/*
 * modemflash: command-line front end. Parses the global options, installs
 * the output funnel, and dispatches to one command.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "cli/cli.h"

#define PROGRESS_INTERVAL_MS 200

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *args;
	const char *help;
};

static const struct command commands[] = {
	{ "list", cmd_list, "",
	  "every module: USB path, VID:PID, model, mode, its ports by role" },
	{ "info", cmd_info, "",
	  "model, revision, IMEI, USB state; in EDL: Sahara serial, HW ID, PK "
	  "hash" },
	{ "doctor", cmd_doctor, "[--port PATH]",
	  "why can this module not be updated? each finding with the fix" },
	{ "usb-enable", cmd_usb_enable, "--port PATH",
	  "switch USB back on over the UART and restart the module" },
	{ "inspect", cmd_inspect, "PKG [--for REV]",
	  "validate a package; with --for or -d, the verdict for that module" },
	{ "flash", cmd_flash, "PKG [options]",
	  "the safe update: preflight, backup, flash, verify, post-check" },
	{ "backup", cmd_backup, "[-o DIR] [PKG]",
	  "read the module's partitions into a restorable package" },
	{ "restore", cmd_restore, "DIR",
	  "write a backup (or any package) back, also from EDL" },
	{ "fota", cmd_fota, "FILE --port PATH",
	  "delta firmware update over AT (UART or USB AT port)" },
	{ "reset", cmd_reset, "", "restart the module" },
};

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [--sysroot DIR] [-d SEL] [--json] [--log FILE] "
		"[-v|-q] COMMAND ...\n"
		"Update the firmware of Qualcomm-based cellular modules, "
		"safely.\n\n"
		"Options:\n"
		"  --sysroot DIR  read sys/bus/usb/devices and dev/ below DIR "
		"(default /)\n"
		"  -d SEL         select a module: USB path, IMEI, Sahara "
		"serial or port path\n"
		"  --json         JSON Lines on stdout: events, then one "
		"result object\n"
		"  --log FILE     write the full protocol trace to FILE\n"
		"  -v, -q         more or less output (-vv traces every byte)\n"
		"  -h, --help     this help;  -V, --version  the version\n\n"
		"Commands:\n",
		prog);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %-17s %s\n", commands[i].name,
			commands[i].args, commands[i].help);
	fprintf(f, "\nExit codes: 0 done, 1 failed, 2 usage, 3 refused by "
		   "preflight,\n"
		   "4 no module or port, 5 timed out, 6 verification mismatch, "
		   "7 bad package.\n");
}

static const char *level_name(enum mf_level level)
{
	static const char *const names[] = { "error", "warning", "info",
					     "device", "trace" };

	return level <= MF_LOG_TRACE ? names[level] : "?";
}

static void clear_bar(struct cli *cli)
{
	if (cli->stage[0] && cli->tty && !cli->json && cli->verbosity >= 0)
		fputs("\r\033[K", stderr);
}

static void emit(void *ctx, enum mf_level level, const char *msg)
{
	struct cli *cli = ctx;
	int shown = cli->verbosity >= 1 ? MF_LOG_DEVICE : MF_LOG_INFO;

	if (cli->verbosity >= 2)
		shown = MF_LOG_TRACE;
	if (cli->verbosity < 0)
		shown = MF_LOG_ERROR;
	if (cli->logf) {
		fprintf(cli->logf, "[%lld] %s: %s\n", (long long)mf_now_ms(),
			level_name(level), msg);
		fflush(cli->logf);
	}
	if ((int)level <= shown) {
		clear_bar(cli);
		if (level <= MF_LOG_WARN)
			fprintf(stderr, "%s: %s\n", level_name(level), msg);
		else
			fprintf(stderr, "%s\n", msg);
	}
	if (cli->json && level <= MF_LOG_INFO) {
		json_object *f = json_object_new_object();

		json_object_object_add(
			f, "level", json_object_new_string(level_name(level)));
		json_object_object_add(f, "message",
				       json_object_new_string(msg));
		cli_event(cli, "log", f);
	}
}

static void draw_bar(struct cli *cli, const char *stage, uint64_t done,
		     uint64_t total, long long now)
{
	double secs = (double)(now - cli->stage_start_ms) / 1000.0;
	double rate = secs > 0 ? (double)done / secs / 1e6 : 0;
	int pct = total ? (int)(done * 100 / total) : 0;
	int width = 30,
	    fill = total ? (int)(done * (uint64_t)width / total) : 0;
	char bar[64];

	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	fprintf(stderr, "\r\033[K%-10s [%s] %3d%% %6.2f MB/s", stage, bar, pct,
		rate);
	if (rate > 0 && total > done)
		fprintf(stderr, " ETA %.0fs",
			(double)(total - done) / (rate * 1e6));
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

static void progress(void *ctx, const char *stage, uint64_t done,
		     uint64_t total)
{
	struct cli *cli = ctx;
	long long now = mf_now_ms();
	bool new_stage = strcmp(cli->stage, stage) != 0;
	bool last = done >= total;

	if (new_stage) {
		snprintf(cli->stage, sizeof(cli->stage), "%s", stage);
		cli->stage_start_ms = now;
		cli->last_bar_ms = 0;
	}
	if (!new_stage && !last &&
	    now - cli->last_bar_ms < PROGRESS_INTERVAL_MS)
		return;
	cli->last_bar_ms = now;
	if (cli->json) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "stage",
				       json_object_new_string(stage));
		json_object_object_add(f, "done",
				       json_object_new_int64((int64_t)done));
		json_object_object_add(f, "total",
				       json_object_new_int64((int64_t)total));
		cli_event(cli, "progress", f);
	} else if (cli->tty && cli->verbosity >= 0) {
		draw_bar(cli, stage, done, total, now);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysroot", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ "log", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { .prog = "modemflash", .sysroot = "/" };
	const char *log_path = NULL;
	int c, rc;

	/* '+': stop at the command name; the command parses its own options */
	while ((c = getopt_long(argc, argv, "+d:vqhV", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			cli.sysroot = optarg;
			break;
		case 'd':
			cli.select = optarg;
			break;
		case 'J':
			cli.json = true;
			break;
		case 'L':
			log_path = optarg;
			break;
		case 'v':
			cli.verbosity++;
			break;
		case 'q':
			cli.verbosity = -1;
			break;
		case 'h':
			usage(stdout, cli.prog);
			return 0;
		case 'V':
			printf("modemflash %s\n", MF_VERSION);
			return 0;
		default:
			usage(stderr, cli.prog);
			return MF_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr, cli.prog);
		return MF_USAGE;
	}
	if (log_path) {
		cli.logf = fopen(log_path, "a");
		if (!cli.logf) {
			fprintf(stderr, "%s: cannot open log file %s\n",
				cli.prog, log_path);
			return MF_USAGE;
		}
	}
	cli.tty = isatty(STDERR_FILENO);
	cli.log.emit = emit;
	cli.log.progress = progress;
	cli.log.ctx = &cli;
	cli.log.max_level = (cli.logf || cli.verbosity >= 2) ? MF_LOG_TRACE
			    : cli.verbosity >= 1	     ? MF_LOG_DEVICE
							     : MF_LOG_INFO;

	rc = -1;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		/* reset getopt for the command's own parsing */
		argv += optind;
		argc -= optind;
		optind = 0;
		rc = commands[i].run(&cli, argc, argv);
		break;
	}
	if (rc < 0) {
		fprintf(stderr, "%s: unknown command '%s'\n", cli.prog,
			argv[optind]);
		usage(stderr, cli.prog);
		rc = MF_USAGE;
	}
	if (cli.logf)
		fclose(cli.logf);
	return rc;
}
