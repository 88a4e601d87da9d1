// SPDX-License-Identifier: BSD-3-Clause
/*
 * modemflash-docgen: the man pages and the bash completion, written from
 * the one command table (table.c) at build time, so that they cannot
 * drift from the parser (a test checks the parser against the table).
 *
 *   modemflash-docgen man DIR    modemflash.1 and modemflash-COMMAND.1
 *   modemflash-docgen bash FILE  bash completion
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"

/* roff: a backslash is \e, a minus \-, and no line starts with . or ' */
static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static void opt_item(FILE *f, const struct cli_opt *o)
{
	fputs(".TP\n", f);
	if (o->shortopt)
		fprintf(f, "\\fB\\-%c\\fR, ", o->shortopt);
	fputs("\\fB\\-\\-", f);
	esc(f, o->name);
	fputs("\\fR", f);
	if (o->arg) {
		fputs(" \\fI", f);
		esc(f, o->arg);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	esc(f, o->help);
	if (o->def) {
		fputs(" (default: ", f);
		esc(f, o->def);
		fputc(')', f);
	}
	fputs(".\n", f);
}

static void opts(FILE *f, const struct cli_opt *tab)
{
	for (const struct cli_opt *o = tab; o && o->name; o++)
		opt_item(f, o);
}

static void synopsis(FILE *f, const struct cli_cmd *c)
{
	fputs(".B modemflash\n[\\fIGLOBAL OPTIONS\\fR] \\fB", f);
	esc(f, c->name);
	fputs("\\fR ", f);
	esc(f, c->args);
	fputc('\n', f);
}

static void exit_status(FILE *f)
{
	fputs(".SH \"EXIT STATUS\"\n"
	      "The same cause gives the same code in every command; with "
	      "\\fB\\-\\-json\\fR the result's \\fBcode\\fR is the name.\n",
	      f);
	for (const struct cli_exit *e = cli_exits; e->name; e++) {
		fprintf(f, ".TP\n.B %d\n", e->code);
		esc(f, e->meaning);
		fputs(" (\\fB", f);
		esc(f, e->name);
		fputs("\\fR).\n", f);
	}
}

static void header(FILE *f, const char *name, const char *what)
{
	fputs(".TH ", f);
	for (const char *p = name; *p; p++)
		fputc(*p >= 'a' && *p <= 'z' ? *p - 32 : *p, f);
	fprintf(f, " 1 \"\" \"modemflash %s\" \"User Commands\"\n", MF_VERSION);
	fputs(".SH NAME\n", f);
	esc(f, name);
	fputs(" \\- ", f);
	esc(f, what);
	fputc('\n', f);
}

static const char *const environment =
	".SH ENVIRONMENT\n"
	".TP\n.B XDG_DATA_HOME\n"
	"Backups go to \\fI$XDG_DATA_HOME/modemflash/backups/\\fR and "
	"programmers are cached in \\fI$XDG_DATA_HOME/modemflash/"
	"programmers/\\fR (default \\fI~/.local/share\\fR).\n"
	".TP\n.B HOME\n"
	"Used when XDG_DATA_HOME is not set.\n"
	".TP\n.B MODEMFLASH_ENUM_TIMEOUT_S\n"
	"How long usb\\-enable waits for the module on USB (60).\n"
	".TP\n.B DBUS_SYSTEM_BUS_ADDRESS\n"
	"The system bus where ModemManager is asked to let go of the module.\n"
	".TP\n.B NO_COLOR\n"
	"Set and not empty: no colour (https://no\\-color.org). Otherwise "
	"the result line is green, errors red and warnings yellow, on a "
	"terminal only.\n"
	".TP\n.B TERM\n"
	"\\fBdumb\\fR: no colour.\n";

static const char *const files =
	".SH FILES\n"
	".TP\n.I ~/.local/share/modemflash/backups/<module>/<time>/\n"
	"The automatic backup before each flash: a restorable package with "
	"\\fImanifest.json\\fR (module identity, SHA\\-256 of each image).\n"
	".TP\n.I /usr/lib/udev/rules.d/60\\-modemflash.rules\n"
	"Gives the logged\\-in user (uaccess) and group \\fBplugdev\\fR the "
	"EDL USB device; the module's serial ports stay in group "
	"\\fBdialout\\fR.\n";

static const char *const examples =
	".SH EXAMPLES\n"
	".nf\n"
	"modemflash doctor                    # can this module be updated?\n"
	"modemflash inspect PKG \\-d 1\\-1.4     # the verdict, nothing sent\n"
	"modemflash flash PKG                 # backup, flash, verify, "
	"post\\-check\n"
	"modemflash \\-\\-json flash PKG | tail \\-n 1\n"
	"modemflash verify PKG                # does it hold PKG? (exit 6: "
	"no)\n"
	"modemflash flash \\-\\-all \\-\\-dry\\-run PKG   # the plan for "
	"every module\n"
	"modemflash restore ~/.local/share/modemflash/backups/<module>/<time>\n"
	"modemflash fota delta.bin \\-\\-port /dev/ttyUSB2\n"
	".fi\n";

static int man_main(const char *dir)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/modemflash.1", dir);
	f = fopen(path, "w");
	if (!f)
		return perror(path), 1;
	header(f, "modemflash",
	       "update Qualcomm-based cellular modules safely");
	fputs(".SH SYNOPSIS\n.B modemflash\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR "
	      "[\\fIARGS\\fR] [\\fIOPTIONS\\fR]\n"
	      ".SH DESCRIPTION\n"
	      "modemflash updates the firmware of Quectel and other "
	      "Qualcomm\\-based modules: a preflight that proves the package "
	      "fits before a byte is erased, an automatic backup, a restore "
	      "that also works from EDL, a doctor, and delta FOTA over a UART. "
	      "Global options may stand before or after the command.\n"
	      ".SH OPTIONS\n",
	      f);
	opts(f, cli_global_opts);
	fputs(".SH COMMANDS\n", f);
	for (const struct cli_cmd *c = cli_cmds; c->name; c++) {
		fputs(".SS \"", f);
		esc(f, c->name);
		fputc(' ', f);
		esc(f, c->args);
		fputs("\"\n", f);
		esc(f, c->summary);
		fputs(".\n", f);
		opts(f, c->opts);
	}
	exit_status(f);
	fputs(environment, f);
	fputs(files, f);
	fputs(examples, f);
	fputs(".SH \"SEE ALSO\"\n", f);
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		fprintf(f, "\\fBmodemflash\\-%s\\fR(1)%s\n", c->name,
			c[1].name ? "," : "");
	if (fclose(f))
		return perror(path), 1;

	for (const struct cli_cmd *c = cli_cmds; c->name; c++) {
		char name[64];

		snprintf(name, sizeof(name), "modemflash-%s", c->name);
		snprintf(path, sizeof(path), "%s/%s.1", dir, name);
		f = fopen(path, "w");
		if (!f)
			return perror(path), 1;
		header(f, name, c->summary);
		fputs(".SH SYNOPSIS\n", f);
		synopsis(f, c);
		fputs(".SH DESCRIPTION\n", f);
		esc(f, c->summary);
		fputs(". Also: \\fBmodemflash help ", f);
		esc(f, c->name);
		fputs("\\fR.\n", f);
		if (c->opts) {
			fputs(".SH OPTIONS\n", f);
			opts(f, c->opts);
		}
		fputs(".SH \"GLOBAL OPTIONS\"\n", f);
		opts(f, cli_global_opts);
		exit_status(f);
		fputs(".SH \"SEE ALSO\"\n\\fBmodemflash\\fR(1)\n", f);
		if (fclose(f))
			return perror(path), 1;
	}
	return 0;
}

static const char *choices(const char *opt)
{
	for (const struct cli_choice *c = cli_choices; c->opt; c++)
		if (!strcmp(c->opt, opt))
			return c->words;
	return NULL;
}

static void words(FILE *f, const struct cli_opt *tab)
{
	for (const struct cli_opt *o = tab; o && o->name; o++) {
		fprintf(f, " --%s", o->name);
		if (o->shortopt)
			fprintf(f, " -%c", o->shortopt);
	}
}

/* What follows an option that takes a value: the case arm's body. */
static void value_arm(FILE *f, const struct cli_opt *o)
{
	const char *w = choices(o->name);

	fprintf(f, "\t--%s", o->name);
	if (o->shortopt)
		fprintf(f, "|-%c", o->shortopt);
	fputs(")\n\t\t", f);
	if (w)
		fprintf(f, "COMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))", w);
	else if (!strcmp(o->arg, "SEL"))
		fputs("COMPREPLY=($(compgen -W \"$(_modemflash_modules)\" "
		      "-- \"$cur\"))",
		      f);
	else if (!strcmp(o->arg, "DIR"))
		fputs("COMPREPLY=($(compgen -d -- \"$cur\"))", f);
	else if (!strcmp(o->arg, "FILE") || !strcmp(o->arg, "PATH"))
		fputs("COMPREPLY=($(compgen -f -- \"$cur\"))", f);
	else
		fputs("COMPREPLY=()", f);
	fputs("\n\t\treturn ;;\n", f);
}

static bool seen_before(const struct cli_cmd *c, const struct cli_opt *o)
{
	for (const struct cli_cmd *d = cli_cmds; d < c; d++)
		for (const struct cli_opt *p = d->opts; p && p->name; p++)
			if (!strcmp(p->name, o->name))
				return true;
	return false;
}

/* "-d|--device|--log|..." : every option that takes a value, once */
static void valued(FILE *f)
{
	const char *sep = "";

	for (const struct cli_opt *o = cli_global_opts; o->name; o++) {
		if (!o->arg || !strcmp(o->name, "sysroot"))
			continue;
		fprintf(f, "%s--%s", sep, o->name);
		if (o->shortopt)
			fprintf(f, "|-%c", o->shortopt);
		sep = "|";
	}
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		for (const struct cli_opt *o = c->opts; o && o->name; o++) {
			if (!o->arg || seen_before(c, o))
				continue;
			fprintf(f, "|--%s", o->name);
			if (o->shortopt)
				fprintf(f, "|-%c", o->shortopt);
		}
}

static int bash_main(const char *out)
{
	FILE *f = fopen(out, "w");

	if (!f)
		return perror(out), 1;
	fputs("# bash completion for modemflash, generated from its command "
	      "table\n# (src/cli/table.c by modemflash-docgen): do not "
	      "edit.\n\n"
	      "_modemflash_modules()\n{\n"
	      "\t# the USB paths of the modules present, for -d\n"
	      "\tmodemflash ${_mf_sysroot:+--sysroot \"$_mf_sysroot\"} --json "
	      "list 2>/dev/null |\n"
	      "\t\tgrep -o '{\"usb_path\":\"[^\"]*\"' | cut -d'\"' -f4\n}\n\n"
	      "_modemflash()\n{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} "
	      "prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal cmd= i w _mf_sysroot=\n"
	      "\tlocal cmds=\"",
	      f);
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		fprintf(f, "%s%s", c->name, c[1].name ? " " : "");
	fputs("\"\n\tlocal globals=\"", f);
	words(f, cli_global_opts);
	fputs(" \"\n\n"
	      "\t# the command is the first word that is one; skip option "
	      "values\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tw=${COMP_WORDS[i]}\n"
	      "\t\tcase $w in\n"
	      "\t\t--sysroot) _mf_sysroot=${COMP_WORDS[i+1]}; ((i++)); "
	      "continue ;;\n"
	      "\t\t--sysroot=*) _mf_sysroot=${w#*=}; continue ;;\n"
	      "\t\t",
	      f);
	valued(f);
	fputs(") ((i++)); continue ;;\n"
	      "\t\tesac\n"
	      "\t\tif [[ -z $cmd && \" $cmds \" == *\" $w \"* ]]; then "
	      "cmd=$w; fi\n"
	      "\tdone\n\n"
	      "\tcase $prev in\n",
	      f);
	/* every option with a value, global or a command's, once */
	for (const struct cli_opt *o = cli_global_opts; o->name; o++)
		if (o->arg)
			value_arm(f, o);
	for (const struct cli_cmd *c = cli_cmds; c->name; c++) {
		for (const struct cli_opt *o = c->opts; o && o->name; o++)
			if (o->arg && !seen_before(c, o))
				value_arm(f, o);
	}
	fputs("\tesac\n\n"
	      "\tif [[ -z $cmd ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$cmds $globals\" -- \"$cur\"))\n"
	      "\t\treturn\n\tfi\n"
	      "\tcase $cmd in\n",
	      f);
	for (const struct cli_cmd *c = cli_cmds; c->name; c++) {
		fprintf(f,
			"\t%s)\n\t\tif [[ $cur == -* ]]; then\n"
			"\t\t\tCOMPREPLY=($(compgen -W \"",
			c->name);
		words(f, c->opts);
		fputs(" --help $globals\" -- \"$cur\"))\n\t\telse\n\t\t\t", f);
		if (!c->run)
			fputs("COMPREPLY=($(compgen -W \"$cmds\" -- \"$cur\"))",
			      f);
		else if (strstr(c->args, "PKG") || strstr(c->args, "DIR") ||
			 strstr(c->args, "FILE"))
			fputs("COMPREPLY=($(compgen -f -- \"$cur\"))", f);
		else
			fputs("COMPREPLY=()", f);
		fputs("\n\t\tfi ;;\n", f);
	}
	fputs("\tesac\n}\n\n"
	      "complete -o filenames -o bashdefault -F _modemflash "
	      "modemflash\n",
	      f);
	if (fclose(f))
		return perror(out), 1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "man"))
		return man_main(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "bash"))
		return bash_main(argv[2]);
	fprintf(stderr, "usage: modemflash-docgen man DIR | bash FILE\n");
	return 2;
}
