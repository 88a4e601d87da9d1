// SPDX-License-Identifier: BSD-3-Clause
#include "cli/cli.h"

#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

bool cli_colour_wanted(int fd)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (no && no[0])
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fd);
}

static bool takes_colour(const struct cli *cli, FILE *f)
{
	return f == stderr ? cli->colour_err : f == stdout && cli->colour_out;
}

const char *cli_sgr(const struct cli *cli, FILE *f, enum cli_colour c)
{
	if (!takes_colour(cli, f))
		return "";
	return c == CLI_RED	? "\033[31m"
	       : c == CLI_GREEN ? "\033[32m"
				: "\033[33m";
}

const char *cli_sgr_end(const struct cli *cli, FILE *f)
{
	return takes_colour(cli, f) ? "\033[0m" : "";
}

__attribute__((format(printf, 4, 0))) static void
vsay_in(struct cli *cli, FILE *f, enum cli_colour c, const char *fmt,
	va_list ap)
{
	if (!fmt)
		return;
	fputs(cli_sgr(cli, f, c), f);
	vfprintf(f, fmt, ap);
	fputs(cli_sgr_end(cli, f), f);
	fputc('\n', f);
	fflush(f);
}

void cli_say_ok(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay_in(cli, cli->json ? stderr : stdout, CLI_GREEN, fmt, ap);
	va_end(ap);
}

void cli_error_line(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay_in(cli, stderr, CLI_RED, fmt, ap);
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

/* One whole line even when several threads print (--all). */
static void print_json_line(json_object *obj)
{
	flockfile(stdout);
	fputs(json_object_to_json_string_ext(
		      obj,
		      JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	      stdout);
	fputc('\n', stdout);
	fflush(stdout);
	funlockfile(stdout);
}

/* Wall-clock seconds (UNIX time, milliseconds) for "time", printed so. */
static json_object *time_json(void)
{
	struct timespec ts;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(s, sizeof(s), "%lld.%03ld", (long long)ts.tv_sec,
		 ts.tv_nsec / 1000000);
	return json_object_new_double_s(strtod(s, NULL), s);
}

const char *cli_code_name(int code)
{
	static const char *const names[] = {
		"ok",	     "failed",	"usage",    "refused",
		"no-device", "timeout", "mismatch", "bad-package",
	};

	if (code >= 0 && code < (int)(sizeof(names) / sizeof(names[0])))
		return names[code];
	if (code == 130 || code == 143)
		return "interrupted";
	return "failed";
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
	json_object_object_add(ev, "time", time_json());
	json_object_object_add(
		ev, "elapsed_ms",
		json_object_new_int64((int64_t)(mf_now_ms() - cli->t0_ms)));
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
	if (code)
		json_object_object_add(
			obj, "code",
			json_object_new_string(cli_code_name(code)));
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
		cli_error_line(cli, "%s: %s: %s", cli->prog, command,
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
	char msg[512], hint[128];
	json_object *res;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (command && command[0])
		snprintf(hint, sizeof(hint), "Try '%s %s --help'.", cli->prog,
			 command);
	else
		snprintf(hint, sizeof(hint), "Try '%s --help'.", cli->prog);
	if (command && command[0])
		cli_error_line(cli, "%s %s: %s", cli->prog, command, msg);
	else
		cli_error_line(cli, "%s: %s", cli->prog, msg);
	fprintf(stderr, "%s\n", hint);
	res = json_object_new_object();
	json_object_object_add(res, "error", json_object_new_string(msg));
	json_object_object_add(res, "hint", json_object_new_string(hint));
	return cli_result(cli, command ? command : "", res, MF_USAGE);
}

int cli_bad_option(struct cli *cli, const char *command, char **argv)
{
	const char *w = optind > 0 ? argv[optind - 1] : "";
	int len = (int)strcspn(w, "=");

	if (!strncmp(w, "--", 2))
		return cli_usage(cli, command,
				 "option '%.*s' is unknown or needs a value",
				 len, w);
	if (optopt > 0 && optopt < 128 && isprint(optopt))
		return cli_usage(cli, command,
				 "option '-%c' is unknown or needs a value",
				 optopt);
	return cli_usage(cli, command,
			 "option '%s' is unknown or needs a value", w);
}

void cli_stage(struct cli *cli, const char *module, const char *stage,
	       long long start_ms, long long end_ms, unsigned long long bytes,
	       bool ok)
{
	long long ms = end_ms - start_ms;
	json_object *f;

	flockfile(stdout);
	snprintf(cli->module, sizeof(cli->module), "%s", module);
	funlockfile(stdout);
	/* one line per stage for a person (stderr), as each ends */
	if (end_ms >= 0 && cli->verbosity >= 0) {
		const char *on = ok ? "" : cli_sgr(cli, stderr, CLI_RED);
		const char *off = ok ? "" : cli_sgr_end(cli, stderr);
		const char *failed = ok ? "" : "  failed";

		if (bytes)
			fprintf(stderr,
				"%s: %-15s %6.1f s %9.1f MB %7.1f MB/s%s%s%s\n",
				module, stage, (double)ms / 1000.0,
				(double)bytes / 1e6,
				ms > 0 ? (double)bytes / (double)ms / 1000.0
				       : 0.0,
				on, failed, off);
		else
			fprintf(stderr, "%s: %-15s %6.1f s%s%s%s\n", module,
				stage, (double)ms / 1000.0, on, failed, off);
	}
	/* the trace's summary of the bulk data: bytes and time per stage */
	if (cli->logf && end_ms < 0)
		fprintf(cli->logf, "[%lld] stage %s start\n",
			(long long)mf_now_ms(), stage);
	else if (cli->logf)
		fprintf(cli->logf,
			"[%lld] stage %s end: %llu bytes in %lld ms%s\n",
			(long long)mf_now_ms(), stage, bytes, ms,
			ok ? "" : " (failed)");
	if (!cli->json)
		return;
	f = json_object_new_object();
	json_object_object_add(f, "stage", json_object_new_string(stage));
	json_object_object_add(f, "usb_path", json_object_new_string(module));
	json_object_object_add(f, "module", json_object_new_string(module));
	json_object_object_add(f, "start_ms", json_object_new_int64(start_ms));
	if (end_ms >= 0) {
		json_object_object_add(f, "end_ms",
				       json_object_new_int64(end_ms));
		json_object_object_add(f, "ms", json_object_new_int64(ms));
		json_object_object_add(f, "bytes",
				       json_object_new_int64((int64_t)bytes));
		json_object_object_add(
			f, "rate",
			json_object_new_int64(
				ms > 0 ? (int64_t)((double)bytes * 1000.0 /
						   (double)ms)
				       : 0));
		json_object_object_add(f, "ok", json_object_new_boolean(ok));
	}
	cli_event(cli, end_ms < 0 ? "stage" : "stage_end", f);
}

/* A word the shell takes as it is, or it in single quotes. */
static void shell_word(const char *w, char *out, size_t cap)
{
	size_t n = strlen(out);

	if (*w && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			    "XYZ0123456789_./=:,+-@%") == strlen(w)) {
		snprintf(out + n, cap - n, " %s", w);
		return;
	}
	snprintf(out + n, cap - n, " '");
	for (; *w && (n = strlen(out)) + 5 < cap; w++) {
		if (*w == '\'')
			snprintf(out + n, cap - n, "'\\''");
		else
			snprintf(out + n, cap - n, "%c", *w);
	}
	n = strlen(out);
	snprintf(out + n, cap - n, "'");
}

void cli_continue_cmd(const struct cli *cli, const char *usbpath, char *out,
		      size_t cap)
{
	bool has_d = false;

	for (int i = 1; i < cli->orig_argc; i++) {
		const char *w = cli->orig_argv[i];

		if (!strcmp(w, "--"))
			break;
		if (!strcmp(w, "-d") || !strncmp(w, "--device", 8) ||
		    (w[0] == '-' && w[1] == 'd' && w[2]))
			has_d = true;
	}
	snprintf(out, cap, "%s", cli->prog);
	if (!has_d && usbpath && *usbpath) {
		shell_word("-d", out, cap);
		shell_word(usbpath, out, cap);
	}
	for (int i = 1; i < cli->orig_argc; i++)
		shell_word(cli->orig_argv[i], out, cap);
}
