/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_CLI_CLI_H
#define MF_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "base/err.h"
#include "base/log.h"
#include "base/stop.h"

#define MF_JSON_SCHEMA 1

/*
 * State of one invocation. The only place that prints and exits.
 * Human text goes to stderr (stdout too when not --json and the text is
 * the command's answer); with --json, stdout carries JSON Lines: events and
 * one final result object.
 */
struct cli {
	const char *prog;
	const char *sysroot; /* "/" unless --sysroot */
	const char *select;  /* -d SEL or NULL */
	bool json;
	int verbosity; /* -1 quiet, 0 normal, 1 -v, 2 -vv (trace) */
	FILE *logf;    /* --log FILE: full trace, or NULL */
	bool tty;      /* stderr is a terminal: progress bars */
	/* colour on stdout, stderr: a terminal, NO_COLOR unset or empty,
	 * TERM not "dumb" (cli_colour_wanted) */
	bool colour_out, colour_err;
	struct mf_log log; /* the funnel handed to library code */
	long long t0_ms;   /* the command started (monotonic) */
	/* the module being worked on (flash, backup, restore): progress
	 * events name it; set from the stage events */
	char module[64];
	/* set by the SIGINT/SIGTERM handler (main.c), handed to ops */
	const mf_stop_flag *stop;
	int orig_argc;	  /* the command line as typed, to say how to */
	char **orig_argv; /* continue after a stop */
	/* progress bar state */
	char stage[32];
	long long last_bar_ms;
	long long stage_start_ms;
};

/* Text for a person: stdout unless --json (then stderr). */
void cli_say(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * The one-line result of a command that worked, as cli_say, in green
 * where the stream takes colour.
 */
void cli_say_ok(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An error line on stderr (never suppressed), red where it takes colour. */
void cli_error_line(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* SGR colours (https://no-color.org: none with NO_COLOR). */
enum cli_colour { CLI_RED = 31, CLI_GREEN = 32, CLI_YELLOW = 33 };
/*
 * Whether text on fd is coloured: fd is a terminal, NO_COLOR is unset or
 * empty and TERM is not "dumb".
 */
bool cli_colour_wanted(int fd);
/* The escape that starts colour c on f ("" where f takes none), and the
 * one that ends it. */
const char *cli_sgr(const struct cli *cli, FILE *f, enum cli_colour c);
const char *cli_sgr_end(const struct cli *cli, FILE *f);

/* Diagnostics: always stderr, unless -q. */
void cli_note(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * With --json, print {"event": name, ...fields} as one line; fields is
 * consumed (may be NULL). Without --json, does nothing but free fields.
 */
void cli_event(struct cli *cli, const char *name, json_object *fields);

/*
 * A stage of module began (end_ms < 0) or ended: the JSON events "stage"
 * and "stage_end" (docs/json.md), a line at -v for a person.
 * Thread-safe (several modules at once with --all).
 */
void cli_stage(struct cli *cli, const char *module, const char *stage,
	       long long start_ms, long long end_ms, unsigned long long bytes,
	       bool ok);

/* The stable machine name of an exit code ("usage", "bad-package" ...). */
const char *cli_code_name(int code);

/*
 * Finish: print the error (human: "error: msg" and "hint: ..."; JSON: the
 * final result object with "ok": false, "error", "hint", "exit") and return
 * the exit code for err->status.
 */
int cli_fail(struct cli *cli, const char *command, const struct mf_err *err);

/*
 * Finish successfully or with a given exit code: with --json print result
 * (consumed) as the final object, adding "schema", "command", "ok" and
 * "exit". Returns code.
 */
int cli_result(struct cli *cli, const char *command, json_object *result,
	       int code);

/*
 * The command that continues an interrupted run on module usbpath: the
 * command line as typed, with "-d usbpath" when it had no -d.
 */
void cli_continue_cmd(const struct cli *cli, const char *usbpath, char *out,
		      size_t cap);

/*
 * Usage error: message to stderr and, with --json, the one final result
 * object (exit 2, code "usage"). Returns 2.
 */
int cli_usage(struct cli *cli, const char *command, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * getopt_long() returned '?': a usage error naming the option that is
 * unknown or lacks its value (from optind/optopt).
 */
int cli_bad_option(struct cli *cli, const char *command, char **argv);

/* Commands. argv[0] is the command name; getopt state is reset. */
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_info(struct cli *cli, int argc, char **argv);
int cmd_doctor(struct cli *cli, int argc, char **argv);
int cmd_usb_enable(struct cli *cli, int argc, char **argv);
int cmd_inspect(struct cli *cli, int argc, char **argv);
int cmd_flash(struct cli *cli, int argc, char **argv);
int cmd_backup(struct cli *cli, int argc, char **argv);
int cmd_restore(struct cli *cli, int argc, char **argv);
int cmd_reset(struct cli *cli, int argc, char **argv);
int cmd_fota(struct cli *cli, int argc, char **argv);
int cmd_verify(struct cli *cli, int argc, char **argv);

#endif
