/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_CLI_CLI_H
#define MF_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "base/err.h"
#include "base/log.h"

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
	int verbosity;	   /* -1 quiet, 0 normal, 1 -v, 2 -vv (trace) */
	FILE *logf;	   /* --log FILE: full trace, or NULL */
	bool tty;	   /* stderr is a terminal: progress bars */
	struct mf_log log; /* the funnel handed to library code */
	/* progress bar state */
	char stage[32];
	long long last_bar_ms;
	long long stage_start_ms;
};

/* Text for a person: stdout unless --json (then stderr). */
void cli_say(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Diagnostics: always stderr, unless -q. */
void cli_note(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * With --json, print {"event": name, ...fields} as one line; fields is
 * consumed (may be NULL). Without --json, does nothing but free fields.
 */
void cli_event(struct cli *cli, const char *name, json_object *fields);

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

/* Usage error: message to stderr, returns 2. */
int cli_usage(struct cli *cli, const char *command, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

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

#endif
