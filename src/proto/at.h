/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PROTO_AT_H
#define MF_PROTO_AT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "base/stop.h"
#include "link/link.h"
#include "wire/at_msg.h"

/*
 * Host side of the AT conversation (docs/protocols.md, AT) over a link.
 *
 * The port copes with a module that echoes (echo is recognised until ATE0
 * takes effect), that chatters URCs in between (handed to the URC callback,
 * never mistaken for an answer) and with one that stays silent (every wait
 * has a deadline and ends in -ETIMEDOUT).
 */
#define AT_REPLY_MAX	      2048 /* INFO text of one command, bytes */
#define AT_DEFAULT_TIMEOUT_MS 3000

typedef void (*at_urc_fn)(void *ctx, const char *line);

struct at_port {
	struct link *link;
	struct at_msg_reader rd;
	uint8_t rx[512]; /* bytes read but not yet fed to the reader */
	size_t rx_off, rx_len;
	at_urc_fn urc; /* may be NULL: URCs are only logged */
	void *urc_ctx;
	int guard_ms;	    /* silence around "+++" (1000; tests shrink it) */
	int ack_timeout_ms; /* QFUPL: wait per 'A' (default 5000) */
	const mf_stop_flag *stop; /* QFUPL ends between blocks (-EINTR) */
	const struct mf_log *log;
	struct mf_err *err;
};

enum at_result {
	AT_RES_NONE = 0,
	AT_RES_OK,
	AT_RES_ERROR,
	AT_RES_CME_ERROR,
	AT_RES_CMS_ERROR,
	AT_RES_NO_CARRIER,
	AT_RES_CONNECT,
};

/* The answer to one command. */
struct at_reply {
	enum at_result result;
	int code;		 /* +CME/+CMS ERROR number, else -1 */
	unsigned nlines;	 /* INFO lines collected */
	char text[AT_REPLY_MAX]; /* INFO lines joined by '\n' (no trailing) */
};

/*
 * Bind a port to link (not owned) and synchronise: "AT" until OK (a few
 * tries, the first answer may be lost in boot chatter), then ATE0.
 * Returns 0, -ETIMEDOUT (the port never answered: hint names the likely
 * causes), -ENODEV.
 */
int at_open(struct at_port *p, struct link *l, const struct mf_log *log,
	    struct mf_err *err);

/* Bind without talking to the module (for a port known to be in sync). */
void at_init(struct at_port *p, struct link *l, const struct mf_log *log,
	     struct mf_err *err);

/* Install the URC callback (line without CR/LF). */
void at_set_urc(struct at_port *p, at_urc_fn fn, void *ctx);

/*
 * Send cmd (without CR) and collect INFO lines until the final result.
 * out may be NULL. Returns
 *   0           OK (or CONNECT, see at_cmd_connect),
 *   -EREMOTEIO  ERROR / +CME ERROR / +CMS ERROR / NO CARRIER (out->result,
 *               out->code tell which; err names the command and the code),
 *   -ETIMEDOUT  no final result within timeout_ms,
 *   -ENODEV     the port vanished (e.g. after AT+CFUN=1,1).
 * Every MF_WAIT_REPORT_MS of the wait still running is said on the log
 * (mf_waiting: "the answer to CMD on PORT"), as is every at_wait_urc.
 */
int at_cmd(struct at_port *p, const char *cmd, int timeout_ms,
	   struct at_reply *out);

/*
 * Collect the INFO lines and final result of a command already sent (or
 * of a data phase that ends in a result, as AT+QFUPL). Same returns as
 * at_cmd; out is required.
 */
int at_cmd_finish(struct at_port *p, const char *cmd, int timeout_ms,
		  struct at_reply *out);

/* printf-style at_cmd. */
int at_cmdf(struct at_port *p, int timeout_ms, struct at_reply *out,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Wait for a URC whose text starts with prefix ("+QIND: \"FOTA\""); other
 * URCs still go to the callback. The line is copied to out.
 * Returns 0, -ETIMEDOUT, -ENODEV.
 */
int at_wait_urc(struct at_port *p, const char *prefix, int timeout_ms,
		char *out, size_t cap);

/*
 * First INFO line of reply that starts with prefix (e.g. "+CGSN: " or ""),
 * with the prefix removed, copied to out. Returns 0 or -ENOENT.
 */
int at_reply_find(const struct at_reply *r, const char *prefix, char *out,
		  size_t cap);

/* Identity in normal mode (docs/design.md, step 2); "" if unknown. */
struct at_identity {
	char manufacturer[32];	/* ATI line 1: "Quectel" */
	char model[32];		/* ATI line 2: "BG95-M3" */
	char revision[64];	/* ATI "Revision: " -> "BG95M3LAR02A03" */
	char full_revision[96]; /* AT+QGMR -> "BG95M3LAR02A03_01.204.01.204" */
	char imei[32];		/* AT+CGSN (or AT+GSN) */
};

/*
 * ATI, AT+QGMR, AT+CGSN. A module that answers AT+QGMR with ERROR (old
 * EC20) gets full_revision = revision. Returns 0 when at least ATI worked.
 */
int at_identify(struct at_port *p, struct at_identity *id);

/* Each query on its own; out gets the value. 0 / negative errno. */
int at_query_qgmr(struct at_port *p, char *out, size_t cap);
int at_query_cgsn(struct at_port *p, char *out, size_t cap);

/*
 * Upload a file into the module's UFS with AT+QFUPL="name",size,timeout_s,1
 * (ACK mode: wait for one 'A' per 1024 bytes before the next KiB),
 * reading size bytes of fd from its current position. On success the
 * module's "+QFUPL: <size>,<checksum>" is compared with our own size and
 * XOR checksum (-EBADMSG on a mismatch). On any failure after CONNECT,
 * "+++" is sent to leave data mode. Progress as stage "upload".
 * Returns 0, -EREMOTEIO (refused, e.g. +CME ERROR: 407 file exists),
 * -ETIMEDOUT, -ENODEV, -EBADMSG, -EIO (file read).
 */
struct at_qfupl_result {
	uint64_t size;	   /* the module's count */
	uint16_t checksum; /* the module's checksum */
};
int at_qfupl(struct at_port *p, const char *name, int fd, uint64_t size,
	     int timeout_s, struct at_qfupl_result *res);

/* Leave data mode: guard_ms silence, "+++", guard_ms; waits for OK briefly. */
int at_data_abort(struct at_port *p);

#endif
