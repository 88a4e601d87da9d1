/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FOTA_H
#define MF_OPS_FOTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "base/stop.h"
#include "link/link.h"
#include "wire/fota_msg.h"

/*
 * Delta FOTA over AT (docs/protocols.md, AT, "DFOTA"): read the module's
 * revision, check the delta applies to it, upload it into the module's UFS
 * with AT+QFUPL in ACK mode, start it with AT+QFOTADL, follow the
 * +QIND: "FOTA" URCs across the module's reboots, and confirm the new
 * revision with AT+QGMR. Works on any AT port: the main UART or a USB AT
 * port. Nothing here prints: text goes through struct mf_log, structured
 * events through fota_opts.on_event.
 */

/*
 * ---- pure helpers (fota_parse.c): unit-tested without a module; the
 * URC and reply parsers are wire/fota_msg.h ----
 */

/*
 * The sentence for a DFOTA error code (END, HTTPEND, FTPEND), from the
 * vendor table; never NULL ("unknown error code" for codes not listed).
 */
const char *fota_err_text(int code);
/* True when the code means the delta does not fit the module (504/505/510). */
bool fota_err_is_package(int code);

/* Revisions as the module and the delta header spell them. */
#define FOTA_REV_MAX 96

/* Bytes of a delta file read to parse its header (wire/delta_msg.h). */
#define FOTA_DELTA_HEAD_MAX 512

#define FOTA_DEFAULT_NAME "dfota_update.bin"

/* Space needed on UFS for a file of size bytes (size plus a margin). */
uint64_t fota_space_needed(uint64_t size);

/* ---- the operation (fota.c, fota_upload.c, fota_follow.c) ---- */

enum fota_event_kind {
	FOTA_EV_STAGE,	   /* text: stage name; start_ms */
	FOTA_EV_STAGE_END, /* text: stage name; start_ms, end_ms, bytes, ok */
	FOTA_EV_URC,	   /* urc, text: the raw line */
	FOTA_EV_PORT_GONE, /* text: port path (module rebooting) */
	FOTA_EV_PORT_BACK, /* text: port path */
	/*
	 * The module restarted; text: how we know ("port" vanished, or the
	 * boot report "RDY", "START", "CONTINUE" on a port that stays, such
	 * as a UART). One event per restart.
	 */
	FOTA_EV_RESTART,
};

struct fota_event {
	enum fota_event_kind kind;
	const char *text;
	const struct fota_msg_urc *urc;
	/* stages: milliseconds since the run began (monotonic); the bytes
	 * sent to the module in the stage; ended without an error */
	int64_t start_ms, end_ms;
	uint64_t bytes;
	bool ok;
};

struct fota_opts {
	const char *port;     /* AT port path (UART or USB AT port) */
	const char *file;     /* delta on the host, or NULL with url */
	const char *url;      /* http(s):// or ftp:// the module downloads */
	const char *name;     /* UFS file name, NULL: FOTA_DEFAULT_NAME */
	const char *fota_dir; /* override the device table's FOTA directory */
	bool force; /* start a delta whose header names another revision */
	int cmd_timeout_ms; /* one AT command, 0: 5000 */
	int upload_ack_ms;  /* wait for each 'A', 0: 10000 */
	int reopen_ms;	    /* port gone -> back, 0: 120000 */
	int urc_ms;	    /* silence between FOTA URCs, 0: 300000 */
	int total_ms;	    /* the whole update, 0: 600000 */
	/* how the port is opened; NULL: link_tty_open (tests pass a fake) */
	struct link *(*open)(const char *path, const struct mf_log *log,
			     struct mf_err *err, void *open_ctx);
	void *open_ctx;
	void (*on_event)(void *ctx, const struct fota_event *ev);
	void *ctx;
	/*
	 * Where the port's module is looked up (NULL: not at all): for a
	 * USB AT port, ModemManager is kept off its module for the run; a
	 * UART, which MM does not probe, belongs to no module.
	 */
	const char *sysroot;
	/*
	 * SIGINT/SIGTERM (base/stop.h), NULL: none. Safe points: before the
	 * upload, between its blocks (the partial file is deleted), before
	 * AT+QFOTADL, and at each report while the module updates itself.
	 */
	const mf_stop_flag *stop;
};

struct fota_result {
	char model[64];		     /* ATI model line */
	char from[FOTA_REV_MAX];     /* AT+QGMR before */
	char to[FOTA_REV_MAX];	     /* AT+QGMR after */
	char expected[FOTA_REV_MAX]; /* from the delta header, "" unknown */
	uint64_t bytes;		     /* uploaded */
	int fota_code;		     /* last END/HTTPEND code, -1 none */
	int reboots;		     /* restarts seen (FOTA_EV_RESTART) */
	bool resumed;		     /* "continue upgrade" seen */
};

/*
 * Run the whole update. Returns 0 when AT+QGMR shows the new revision,
 * else a negative errno with err filled (status = exit code: 3 refused,
 * 1 failed, 4 no port, 5 timed out, 6 revision not as expected).
 */
int fota_run(const struct fota_opts *opts, const struct mf_log *log,
	     struct fota_result *res, struct mf_err *err);

#endif
