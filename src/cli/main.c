// SPDX-License-Identifier: BSD-3-Clause
/*
 * modemflash: command-line front end. Parses the global options, installs
 * the output funnel, and dispatches to one command.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "cli/table.h"

#define PROGRESS_INTERVAL_MS 200

/*
 * The stop request: a signal handler has no context argument, so this
 * one flag lives here, in the CLI; library code only sees a pointer to it
 * (base/stop.h). First signal: stop at the next safe point; second: at the
 * next command, even where the boot loader is erased; third: at once (the
 * kernel still releases the module lock and ModemManager's hold).
 */
static mf_stop_flag stop_flag;

static void on_stop(int sig)
{
	static const char now[] = "modemflash: stopped at once\n";

#ifdef _WIN32
	signal(sig, on_stop); /* the CRT puts back the default each time */
#endif
	if (!stop_flag) {
		stop_flag = sig;
	} else if (!(stop_flag & MF_STOP_HARD)) {
		stop_flag |= MF_STOP_HARD;
	} else {
		if (write(STDERR_FILENO, now, sizeof(now) - 1) < 0)
			_exit(128 + sig);
		_exit(128 + sig);
	}
}

/*
 * Commands that write, or leave temporary files, stop at a safe point;
 * the read-only ones (list, info, doctor, help) keep the default: they
 * end at once.
 */
static void catch_stops(const struct cli_cmd *cmd, struct cli *cli)
{
	static const char *const writers[] = { "flash",	  "backup",
					       "restore", "reset",
					       "fota",	  "usb-enable",
					       "inspect", "verify" };
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
		if (strcmp(cmd->name, writers[i]))
			continue;
#ifdef _WIN32
		signal(SIGINT, on_stop); /* Ctrl-C and Ctrl-Break */
		signal(SIGTERM, on_stop);
#else
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_stop;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, SIGINT);
		sigaddset(&sa.sa_mask, SIGTERM);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
#endif
		cli->stop = &stop_flag;
		return;
	}
}

/*
 * A signal that came when no safe point was left (reset, usb-enable and
 * inspect have none; a flash past its post-check): the work that was done
 * stands (exit 0); a failure is reported as the interruption it followed.
 */
static int stopped_exit(struct cli *cli, const char *cmd, int rc)
{
	int sig = mf_stop_signal(cli->stop);
	const char *name = sig == SIGTERM ? "SIGTERM" : "SIGINT";

	if (!sig || rc == MF_INTERRUPTED || rc == MF_TERMINATED)
		return rc;
	if (!rc) {
		fprintf(stderr, "%s: %s: %s came after the work was done\n",
			cli->prog, cmd, name);
		return 0;
	}
	fprintf(stderr, "%s: %s: interrupted (%s)\n", cli->prog, cmd, name);
	return sig == SIGTERM ? MF_TERMINATED : MF_INTERRUPTED;
}

/*
 * Global options may come before or after the command (as with mmcli and
 * fwupdmgr): move every one the table knows to the front, skipping the
 * values of the command's own options, so getopt sees "GLOBALS CMD ARGS".
 * Stops at "--". Returns the new argc; out has room for argc + 1.
 */
static int hoist_globals(int argc, char **argv, char **out)
{
	const struct cli_cmd *cmd = NULL;
	int ng = 1, na = 0, i;
	char **rest = out + argc; /* scratch: command words, copied back */

	out[0] = argv[0];
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];
		const struct cli_opt *o;

		if (!strcmp(w, "--")) {
			while (i < argc)
				rest[na++] = argv[i++];
			break;
		}
		o = cli_match_opt(cli_global_opts, w);
		/* inside a command, -h is the command's help: leave it */
		if (o && cmd && o->shortopt == 'h')
			o = NULL;
		if (o) {
			out[ng++] = argv[i];
			if (o->arg && !strchr(w, '=') &&
			    !(w[1] != '-' && w[2]) && i + 1 < argc)
				out[ng++] = argv[++i];
			continue;
		}
		if (!cmd && w[0] != '-') {
			cmd = cli_find_cmd(w);
			rest[na++] = argv[i];
			if (!cmd) { /* unknown: leave the rest alone */
				while (++i < argc)
					rest[na++] = argv[i];
				break;
			}
			continue;
		}
		rest[na++] = argv[i];
		o = cmd ? cli_match_opt(cmd->opts, w) : NULL;
		if (o && o->arg && !strchr(w, '=') && i + 1 < argc)
			rest[na++] = argv[++i];
	}
	memmove(out + ng, rest, (size_t)na * sizeof(*out));
	out[ng + na] = NULL;
	return ng + na;
}

/* COMMAND -h/--help anywhere among the command's words (not a value). */
static bool wants_help(const struct cli_cmd *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const struct cli_opt *o;

		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
		o = cli_match_opt(cmd->opts, argv[i]);
		if (o && o->arg && !strchr(argv[i], '='))
			i++;
	}
	return false;
}

static const char *level_name(enum mf_level level)
{
	static const char *const names[] = { "error",  "warning", "info",
					     "device", "trace",	  "raw" };

	return level <= MF_LOG_RAW ? names[level] : "?";
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
		shown = MF_LOG_RAW;
	if (cli->verbosity < 0)
		shown = MF_LOG_ERROR;
	/*
	 * A run with stages (flash, backup, restore) says one line per stage
	 * (cli_stage); its step-by-step detail is for -v.
	 */
	if (cli->verbosity == 0 && cli->module[0] && level == MF_LOG_INFO)
		shown = MF_LOG_WARN;
	if (cli->logf) {
		fprintf(cli->logf, "[%lld] %s: %s\n", (long long)mf_now_ms(),
			level_name(level), msg);
		fflush(cli->logf);
	}
	if ((int)level <= shown) {
		clear_bar(cli);
		if (level <= MF_LOG_WARN)
			fprintf(stderr, "%s%s: %s%s\n",
				cli_sgr(cli, stderr,
					level == MF_LOG_ERROR ? CLI_RED
							      : CLI_YELLOW),
				level_name(level), msg,
				cli_sgr_end(cli, stderr));
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

/* module, and the rate since the stage's first progress (bytes/s). */
static void add_progress_fields(struct cli *cli, json_object *f, uint64_t done,
				long long now)
{
	long long ms = now - cli->stage_start_ms;

	if (cli->module[0]) {
		json_object_object_add(f, "usb_path",
				       json_object_new_string(cli->module));
		json_object_object_add(f, "module",
				       json_object_new_string(cli->module));
	}
	json_object_object_add(
		f, "rate",
		json_object_new_int64(
			ms > 0 ? (int64_t)((double)done * 1000.0 / (double)ms)
			       : 0));
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
		add_progress_fields(cli, f, done, now);
		cli_event(cli, "progress", f);
	} else if (cli->tty && cli->verbosity >= 0) {
		draw_bar(cli, stage, done, total, now);
	}
}

/*
 * A wait still running (at least every MF_WAIT_REPORT_MS): a line on the
 * terminal, a "waiting" event in JSON: {"event":"waiting","for":WHAT,
 * "elapsed":S,"timeout":S}.
 */
static void waiting(void *ctx, const char *what, unsigned elapsed_s,
		    unsigned timeout_s)
{
	struct cli *cli = ctx;
	char msg[256];

	snprintf(msg, sizeof(msg), "waiting for %s: %u s of at most %u s", what,
		 elapsed_s, timeout_s);
	if (cli->logf) {
		fprintf(cli->logf, "[%lld] info: %s\n", (long long)mf_now_ms(),
			msg);
		fflush(cli->logf);
	}
	if (cli->json) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "for", json_object_new_string(what));
		json_object_object_add(f, "elapsed",
				       json_object_new_int64(elapsed_s));
		json_object_object_add(f, "timeout",
				       json_object_new_int64(timeout_s));
		cli_event(cli, "waiting", f);
	} else if (cli->verbosity >= 0) {
		clear_bar(cli);
		fprintf(stderr, "%s\n", msg);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysroot", required_argument, NULL, 'S' },
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'J' },
		{ "log", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { .prog = "modemflash",
			   .sysroot = "/",
			   .t0_ms = mf_now_ms() };
	const char *log_path = NULL;
	const struct cli_cmd *cmd;
	struct stat st;
	char **args = calloc((size_t)argc * 2 + 1, sizeof(*args));
	int c, rc;

	if (!args)
		return 1;
	/* before the first message: usage errors are coloured too */
	cli.colour_err = cli_colour_wanted(STDERR_FILENO);
	cli.colour_out = cli_colour_wanted(STDOUT_FILENO);
	opterr = 0; /* cli_bad_option() says it, once, also in JSON */
	cli.orig_argc = argc;
	cli.orig_argv = argv;
	argc = hoist_globals(argc, argv, args);
	argv = args;

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
			cli_help_all(stdout, cli.prog);
			rc = 0;
			goto out;
		case 'V':
			printf("modemflash %s\n", MF_VERSION);
			rc = 0;
			goto out;
		default:
			rc = cli_bad_option(&cli, NULL, argv);
			goto out;
		}
	}
	if (optind >= argc) {
		cli_help_all(stderr, cli.prog);
		rc = cli_usage(&cli, NULL, "which command?");
		goto out;
	}
	if (stat(cli.sysroot, &st) || !S_ISDIR(st.st_mode)) {
		rc = cli_usage(&cli, argv[optind],
			       "--sysroot %s is not a directory", cli.sysroot);
		goto out;
	}
	if (log_path) {
		cli.logf = fopen(log_path, "a");
		if (!cli.logf) {
			rc = cli_usage(&cli, argv[optind],
				       "cannot open log file %s", log_path);
			goto out;
		}
	}
	cli.tty = isatty(STDERR_FILENO);
	cli.log.emit = emit;
	cli.log.progress = progress;
	cli.log.waiting = waiting;
	cli.log.ctx = &cli;
	/* --log: the protocol trace; bulk bytes as hex only with -vv */
	cli.log.max_level = cli.verbosity >= 2	 ? MF_LOG_RAW
			    : cli.logf		 ? MF_LOG_TRACE
			    : cli.verbosity >= 1 ? MF_LOG_DEVICE
						 : MF_LOG_INFO;

	argv += optind;
	argc -= optind;
	optind = 0; /* reset getopt for the command's own parsing */
	cmd = cli_find_cmd(argv[0]);
	if (!cmd) {
		rc = cli_usage(&cli, NULL, "unknown command '%s'", argv[0]);
		cli_help_all(stderr, cli.prog);
	} else if (!cmd->run) { /* help [COMMAND] */
		const struct cli_cmd *about =
			argc > 1 ? cli_find_cmd(argv[1]) : NULL;

		rc = 0;
		if (argc > 2 || (argc > 1 && (!about || !about->run))) {
			rc = cli_usage(&cli, "help", "no command '%s'",
				       argv[1]);
			cli_help_all(stderr, cli.prog);
		} else if (about) {
			cli_help_cmd(stdout, cli.prog, about);
		} else {
			cli_help_all(stdout, cli.prog);
		}
	} else if (wants_help(cmd, argc, argv)) {
		cli_help_cmd(stdout, cli.prog, cmd);
		rc = 0;
	} else {
		catch_stops(cmd, &cli);
		rc = cmd->run(&cli, argc, argv);
		rc = stopped_exit(&cli, cmd->name, rc);
	}
out:
	if (cli.logf)
		fclose(cli.logf);
	free(args);
	return rc;
}
