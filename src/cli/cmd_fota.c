// SPDX-License-Identifier: BSD-3-Clause
/*
 * modemflash fota FILE --port PATH | --url URL --port PATH
 * Delta firmware update over AT; the work is ops/fota/fota.c.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ops/fota/fota.h"

static void fota_usage_text(struct cli *cli)
{
	cli_note(
		cli,
		"Usage: %s fota FILE --port PATH [options]\n"
		"       %s fota --url URL --port PATH [options]\n"
		"  --port PATH           the module's AT port (UART or USB AT "
		"port)\n"
		"  --url URL             let the module download the delta "
		"itself\n"
		"  --force               start a delta made for another "
		"revision\n"
		"                        (the module will judge it)\n"
		"  --name NAME           file name in the module's UFS "
		"(dfota_update.bin)\n"
		"  --fota-dir DIR        the module's UFS path for AT+QFOTADL\n"
		"  --timeout SEC         the whole update (600)\n"
		"  --reopen-timeout SEC  wait for the port after a restart "
		"(120)\n"
		"  --urc-timeout SEC     silence between progress reports "
		"(300)",
		cli->prog, cli->prog);
}

/* The events' context: the CLI and the port the run is on. */
struct fota_cli {
	struct cli *cli;
	const char *port;
};

/* stage and stage_end, as flash has them, with the port for a module */
static void stage_event(struct fota_cli *fc, const struct fota_event *ev,
			json_object *f)
{
	int64_t ms = ev->end_ms - ev->start_ms;

	json_object_object_add(f, "stage", json_object_new_string(ev->text));
	json_object_object_add(f, "port", json_object_new_string(fc->port));
	json_object_object_add(f, "start_ms",
			       json_object_new_int64(ev->start_ms));
	if (ev->kind == FOTA_EV_STAGE) {
		cli_event(fc->cli, "stage", f);
		return;
	}
	json_object_object_add(f, "end_ms", json_object_new_int64(ev->end_ms));
	json_object_object_add(f, "ms", json_object_new_int64(ms));
	json_object_object_add(f, "bytes",
			       json_object_new_int64((int64_t)ev->bytes));
	json_object_object_add(
		f, "rate",
		json_object_new_int64(ms > 0 ? (int64_t)((double)ev->bytes *
							 1000.0 / (double)ms)
					     : 0));
	json_object_object_add(f, "ok", json_object_new_boolean(ev->ok));
	cli_event(fc->cli, "stage_end", f);
}

static void on_event(void *ctx, const struct fota_event *ev)
{
	struct fota_cli *fc = ctx;
	struct cli *cli = fc->cli;
	json_object *f = json_object_new_object();

	switch (ev->kind) {
	case FOTA_EV_STAGE:
	case FOTA_EV_STAGE_END:
		stage_event(fc, ev, f);
		return;
	case FOTA_EV_URC:
		json_object_object_add(f, "urc",
				       json_object_new_string(fota_msg_urc_name(
					       ev->urc->kind)));
		if (ev->urc->value >= 0)
			json_object_object_add(
				f, "value",
				json_object_new_int(ev->urc->value));
		json_object_object_add(f, "line",
				       json_object_new_string(ev->text));
		cli_event(cli, "urc", f);
		if (ev->urc->kind != FOTA_MSG_URC_UPDATING &&
		    ev->urc->kind != FOTA_MSG_URC_RESTORE && !cli->json)
			cli_note(cli, "module: %s", ev->text);
		return;
	case FOTA_EV_PORT_GONE:
	case FOTA_EV_PORT_BACK:
		json_object_object_add(
			f, "state",
			json_object_new_string(ev->kind == FOTA_EV_PORT_GONE
						       ? "gone"
						       : "back"));
		json_object_object_add(f, "path",
				       json_object_new_string(ev->text));
		cli_event(cli, "port", f);
		return;
	case FOTA_EV_RESTART:
		json_object_object_add(f, "seen",
				       json_object_new_string(ev->text));
		cli_event(cli, "restart", f);
		return;
	}
	json_object_put(f);
}

static json_object *result_json(const struct fota_result *res)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "model", json_object_new_string(res->model));
	/* the names flash uses; from/to are kept as aliases (docs/json.md) */
	json_object_object_add(o, "before", json_object_new_string(res->from));
	json_object_object_add(o, "after", json_object_new_string(res->to));
	json_object_object_add(o, "package_revision",
			       json_object_new_string(res->expected));
	json_object_object_add(o, "from", json_object_new_string(res->from));
	json_object_object_add(o, "to", json_object_new_string(res->to));
	json_object_object_add(o, "expected",
			       json_object_new_string(res->expected));
	json_object_object_add(o, "bytes",
			       json_object_new_int64((int64_t)res->bytes));
	json_object_object_add(o, "fota_error",
			       json_object_new_int(res->fota_code));
	json_object_object_add(o, "reboots", json_object_new_int(res->reboots));
	json_object_object_add(o, "resumed",
			       json_object_new_boolean(res->resumed));
	return o;
}

/* Seconds on the command line, milliseconds inside; 0 for bad input. */
static int parse_secs(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v <= 0 || v > INT_MAX / 1000)
		return 0;
	return (int)(v * 1000);
}

enum {
	OPT_PORT = 1000,
	OPT_URL,
	OPT_FORCE,
	OPT_NAME,
	OPT_DIR,
	OPT_TOTAL,
	OPT_REOPEN,
	OPT_URC
};

static int parse_opts(struct cli *cli, int argc, char **argv,
		      struct fota_opts *o)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, OPT_PORT },
		{ "url", required_argument, NULL, OPT_URL },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "fota-dir", required_argument, NULL, OPT_DIR },
		{ "timeout", required_argument, NULL, OPT_TOTAL },
		{ "reopen-timeout", required_argument, NULL, OPT_REOPEN },
		{ "urc-timeout", required_argument, NULL, OPT_URC },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, *ms;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ms = NULL;
		switch (c) {
		case OPT_PORT:
			o->port = optarg;
			break;
		case OPT_URL:
			o->url = optarg;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_NAME:
			o->name = optarg;
			break;
		case OPT_DIR:
			o->fota_dir = optarg;
			break;
		case OPT_TOTAL:
			ms = &o->total_ms;
			break;
		case OPT_REOPEN:
			ms = &o->reopen_ms;
			break;
		case OPT_URC:
			ms = &o->urc_ms;
			break;
		case 'h':
			fota_usage_text(cli);
			return -1; /* help shown: nothing else to do */
		default:
			return cli_bad_option(cli, "fota", argv);
		}
		if (ms && !(*ms = parse_secs(optarg)))
			return cli_usage(cli, "fota",
					 "bad number of seconds '%s'", optarg);
	}
	if (optind < argc)
		o->file = argv[optind++];
	if (optind < argc)
		return cli_usage(cli, "fota", "unexpected argument '%s'",
				 argv[optind]);
	if (!o->port)
		return cli_usage(cli, "fota",
				 "--port PATH is required (the "
				 "module's UART or USB AT port)");
	if (!o->file == !o->url)
		return cli_usage(cli, "fota",
				 "give either a delta FILE or --url URL");
	return 0;
}

int cmd_fota(struct cli *cli, int argc, char **argv)
{
	struct fota_opts o = { 0 };
	struct fota_cli fc = { cli, NULL };
	struct fota_result res;
	struct mf_err err = { 0 };
	int rc;

	rc = parse_opts(cli, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	fc.port = o.port;
	o.on_event = on_event;
	o.ctx = &fc;
	o.sysroot = cli->sysroot;
	o.stop = cli->stop;
	rc = fota_run(&o, &cli->log, &res, &err);
	if (rc < 0 &&
	    (err.status == MF_INTERRUPTED || err.status == MF_TERMINATED)) {
		char cont[2048];

		cli_continue_cmd(cli, NULL, cont, sizeof(cont));
		fprintf(stderr, "%s: fota: continue with: %s\n", cli->prog,
			cont);
	}
	if (rc < 0)
		return cli_fail(cli, "fota", &err);
	cli_say_ok(cli, "%s updated: %s -> %s",
		   res.model[0] ? res.model : "module", res.from, res.to);
	return cli_result(cli, "fota", result_json(&res), 0);
}
