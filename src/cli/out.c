// SPDX-License-Identifier: BSD-3-Clause
#include "cli/cli.h"

#include <stdarg.h>
#include <string.h>

#include "base/clock.h"

__attribute__((format(printf, 2, 0))) static void vsay(FILE *f, const char *fmt,
						       va_list ap)
{
	if (!fmt) /* never; says so to GCC's -Wformat-overflow under UBSan */
		return;
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
}

void cli_say(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(cli->json ? stderr : stdout, fmt, ap);
	va_end(ap);
}

void cli_note(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->verbosity < 0)
		return;
	va_start(ap, fmt);
	vsay(stderr, fmt, ap);
	va_end(ap);
}

static void print_json_line(json_object *obj)
{
	fputs(json_object_to_json_string_ext(
		      obj,
		      JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	      stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

void cli_event(struct cli *cli, const char *name, json_object *fields)
{
	json_object *ev;

	if (!cli->json) {
		json_object_put(fields);
		return;
	}
	ev = json_object_new_object();
	json_object_object_add(ev, "event", json_object_new_string(name));
	if (fields) {
		json_object_object_foreach (fields, key, val)
			json_object_object_add(ev, key, json_object_get(val));
		json_object_put(fields);
	}
	print_json_line(ev);
	json_object_put(ev);
}

int cli_result(struct cli *cli, const char *command, json_object *result,
	       int code)
{
	json_object *obj;

	if (!cli->json) {
		json_object_put(result);
		return code;
	}
	obj = json_object_new_object();
	json_object_object_add(obj, "schema",
			       json_object_new_int(MF_JSON_SCHEMA));
	json_object_object_add(obj, "command", json_object_new_string(command));
	json_object_object_add(obj, "ok", json_object_new_boolean(code == 0));
	json_object_object_add(obj, "exit", json_object_new_int(code));
	if (result) {
		json_object_object_foreach (result, key, val)
			json_object_object_add(obj, key, json_object_get(val));
		json_object_put(result);
	}
	print_json_line(obj);
	json_object_put(obj);
	return code;
}

int cli_fail(struct cli *cli, const char *command, const struct mf_err *err)
{
	int code = err->status == MF_OK ? MF_FAILED : (int)err->status;
	json_object *res;

	if (cli->verbosity >= 0 || !cli->json) {
		fprintf(stderr, "%s: %s: %s\n", cli->prog, command,
			err->msg[0] ? err->msg : "failed");
		if (err->hint[0])
			fprintf(stderr, "hint: %s\n", err->hint);
	}
	if (cli->logf) {
		fprintf(cli->logf, "error: %s\n", err->msg);
		if (err->hint[0])
			fprintf(cli->logf, "hint: %s\n", err->hint);
	}
	res = json_object_new_object();
	json_object_object_add(res, "error", json_object_new_string(err->msg));
	json_object_object_add(res, "hint", json_object_new_string(err->hint));
	return cli_result(cli, command, res, code);
}

int cli_usage(struct cli *cli, const char *command, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", cli->prog, command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s --help'.\n", cli->prog, command);
	return MF_USAGE;
}
