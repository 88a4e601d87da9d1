/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_CLI_TABLE_H
#define MF_CLI_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"

/*
 * The one table of commands and options. main.c uses it to find global
 * options anywhere on the line and to know which options take a value;
 * help, COMMAND --help and the man page are printed from it. A test checks
 * that every option a parser accepts or a message names is in it.
 */
struct cli_opt {
	const char *name; /* long name without "--" */
	char shortopt;	  /* 0: none */
	const char *arg;  /* metavar, NULL: takes no value */
	const char *help;
	const char *def; /* default, NULL: none worth naming */
};

/* Options whose value is one of a few words (completion, man page). */
struct cli_choice {
	const char *opt;   /* long name */
	const char *words; /* space-separated */
};

extern const struct cli_choice cli_choices[]; /* ends with opt NULL */

struct cli_cmd {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *args;
	const char *summary;
	const struct cli_opt *opts; /* NULL-terminated by name, or NULL */
};

/* The exit codes of DESIGN.md, for help, man page and JSON "code". */
struct cli_exit {
	int code;
	const char *name; /* the JSON "code" */
	const char *meaning;
};

extern const struct cli_exit cli_exits[]; /* ends with name NULL */
extern const struct cli_opt cli_global_opts[];
extern const struct cli_cmd cli_cmds[];

const struct cli_cmd *cli_find_cmd(const char *name);
/* The option argv[i] names in cmd (or the global table), or NULL. */
const struct cli_opt *cli_match_opt(const struct cli_opt *tab,
				    const char *word);
void cli_help_all(FILE *f, const char *prog);
void cli_help_cmd(FILE *f, const char *prog, const struct cli_cmd *cmd);

#endif
