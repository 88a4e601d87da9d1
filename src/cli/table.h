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

struct cli_cmd {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *args;
	const char *summary;
	const struct cli_opt *opts; /* NULL-terminated by name, or NULL */
};

extern const struct cli_opt cli_global_opts[];
extern const struct cli_cmd cli_cmds[];

const struct cli_cmd *cli_find_cmd(const char *name);
/* The option argv[i] names in cmd (or the global table), or NULL. */
const struct cli_opt *cli_match_opt(const struct cli_opt *tab,
				    const char *word);
void cli_help_all(FILE *f, const char *prog);
void cli_help_cmd(FILE *f, const char *prog, const struct cli_cmd *cmd);

#endif
