/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FOTA_INT_H
#define MF_OPS_FOTA_INT_H

/*
 * Shared by the FOTA room, not a public API. Calls go one way: fota.c (the
 * plan) -> fota_upload.c, fota_follow.c (the steps) -> fota_port.c (the
 * port) -> fota_events.c (what the caller hears).
 */
#include "devices/devices.h"
#include "ops/fota/fota.h"
#include "ops/mm.h"
#include "proto/at.h"
#include "wire/delta_msg.h"

#define FOTA_CMD_MS	5000
#define FOTA_ACK_MS	10000
#define FOTA_REOPEN_MS	120000
#define FOTA_MSG_URC_MS 300000
#define FOTA_TOTAL_MS	600000
/* seconds the module waits for upload data (AT+QFUPL <timeout>) */
#define FOTA_QFUPL_TIMEOUT_S 60
/* between attempts to open a port that vanished */
#define FOTA_REOPEN_POLL_MS 10
/* the AT handshake: tries of "AT", each waiting this long for OK */
#define FOTA_SYNC_TRIES 3
#define FOTA_SYNC_MS	1000

struct fota_run {
	const struct fota_opts *o;
	const struct mf_log *log; /* the caller's funnel */
	struct mf_log tap;	  /* forwards to log, records progress */
	uint64_t up_done;	  /* last "upload" progress seen */
	struct mf_err *err;
	struct mf_err scratch; /* the AT layer's own words, quoted in ours */
	struct fota_result *res;
	struct link *link;
	struct at_port at;
	int64_t deadline; /* the whole update */
	int cmd_ms, ack_ms, reopen_ms, urc_ms;
	const struct dev_fota *model; /* the module's FOTA paths, or NULL */
	char name[96];		      /* QFUPL / QFLST / QFDEL name */
	char start[300];	      /* AT+QFOTADL argument, quoted or not */
	int fd;
	uint64_t size;
	struct delta_msg_header delta;
	bool started;	       /* AT+QFOTADL sent: boot reports count */
	bool boot_pending;     /* restart counted, its boot report not seen */
	bool after_end;	       /* END,0 seen: waiting for the new image */
	bool rebooted;	       /* port gone or RDY seen after END */
	char last[128];	       /* last FOTA URC, for messages */
	struct mf_mm_hold *mm; /* ModemManager kept off, or NULL */
	struct mf_lock *lock;  /* the claim on the module or port */
	int64_t t0_ms;	       /* the run began (monotonic) */
	char stage[24];	       /* the stage running, "" none */
	int64_t stage_ms;      /* it began, since t0_ms */
};

/* Events (fota_events.c). */
void fota_emit(struct fota_run *r, enum fota_event_kind kind, const char *text,
	       const struct fota_msg_urc *urc);
/* The stage running ends (told once), a new one begins (told). */
void fota_stage(struct fota_run *r, const char *stage);
/* End the stage running, if any (ok: no error). */
void fota_stage_close(struct fota_run *r, bool ok);
/*
 * A sign of a restart: the port vanished (vanished true), or a boot report
 * ("RDY", "START", "CONTINUE"). A UART stays open across restarts, so only
 * the reports show them; on USB the report that follows a vanished port is
 * the same restart and is not counted twice.
 */
void fota_restart_seen(struct fota_run *r, const char *how, bool vanished);

/* Port handling (fota_port.c). */
int fota_port_open(struct fota_run *r, bool sync);
void fota_port_close(struct fota_run *r);
/* AT until OK, then ATE0, keeping the URC callback. */
int fota_at_sync(struct fota_run *r);
/* The port vanished: close it, wait (bounded) for it to return, bind. */
int fota_port_reopen(struct fota_run *r, bool sync);
/* The same with its own bound on the wait (cleanup after a failure). */
int fota_port_reopen_within(struct fota_run *r, bool sync, int wait_ms);

/* Stale copy, space, upload with clean abort (fota_upload.c). */
int fota_prepare_ufs(struct fota_run *r);
int fota_upload(struct fota_run *r);

/* Start, follow the URCs, confirm the revision (fota_follow.c). */
int fota_start(struct fota_run *r);
int fota_follow(struct fota_run *r);
int fota_verify(struct fota_run *r);

#endif
