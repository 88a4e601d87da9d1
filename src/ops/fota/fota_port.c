// SPDX-License-Identifier: BSD-3-Clause
/*
 * FOTA: the AT port (open, lose, find again), below the upload and the
 * follow-up that both use it.
 */
#include "ops/fota/fota_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"

static void urc_cb(void *ctx, const char *line)
{
	struct fota_run *r = ctx;

	/*
	 * The AT layer logged the line. The module announces a boot with
	 * "RDY"; "APP RDY" follows in the same boot.
	 */
	if (r->started && !strcmp(line, "RDY"))
		fota_restart_seen(r, "RDY", false);
	else if (r->after_end && !strcmp(line, "APP RDY"))
		r->rebooted = true;
}

static struct link *open_link(struct fota_run *r, struct mf_err *e)
{
	if (r->o->open)
		return r->o->open(r->o->port, r->log, e, r->o->open_ctx);
	return link_tty_open(r->o->port, r->log, e);
}

static void bind(struct fota_run *r)
{
	at_init(&r->at, r->link, &r->tap, &r->scratch);
	at_set_urc(&r->at, urc_cb, r);
	r->at.ack_timeout_ms = r->ack_ms;
	r->at.stop = r->o->stop;
}

/*
 * at_open's handshake (AT until OK, then ATE0) without re-binding the
 * port: at_open would drop our URC callback and what is buffered, and a
 * "RDY" read during the handshake is how a UART shows a restart.
 */
int fota_at_sync(struct fota_run *r)
{
	int rc = -ETIMEDOUT;

	mf_err_clear(&r->scratch);
	for (int i = 0; i < FOTA_SYNC_TRIES && rc < 0; i++) {
		rc = at_cmd(&r->at, "AT", FOTA_SYNC_MS, NULL);
		if (rc == -ENODEV)
			return rc;
	}
	if (rc == 0)
		rc = at_cmd(&r->at, "ATE0", r->cmd_ms, NULL);
	return rc;
}

int fota_port_open(struct fota_run *r, bool sync)
{
	int rc;

	mf_err_clear(&r->scratch);
	r->link = open_link(r, &r->scratch);
	if (!r->link) {
		mf_err_set(r->err, MF_NO_DEVICE, r->scratch.code,
			   "cannot open the AT port %s: %s", r->o->port,
			   r->scratch.msg);
		mf_err_hint(r->err, "%s",
			    r->scratch.hint[0] ? r->scratch.hint
					       : "check the path (the module's "
						 "UART, e.g. /dev/ttyS0, "
						 "or its USB AT port)");
		return r->scratch.code < 0 ? r->scratch.code : -ENODEV;
	}
	bind(r);
	if (!sync)
		return 0;
	rc = fota_at_sync(r);
	if (rc < 0) {
		mf_err_set(r->err, mf_status_from_errno(rc), rc,
			   "the module does not answer AT on %s", r->o->port);
		mf_err_hint(r->err, "%s",
			    rc != -ETIMEDOUT && r->scratch.hint[0]
				    ? r->scratch.hint
				    : "check the wiring, the baud rate "
				      "(115200), that this "
				      "is an AT port and that no other program "
				      "holds it");
	}
	return rc;
}

void fota_port_close(struct fota_run *r)
{
	link_close(r->link);
	r->link = NULL;
}

/* The port back within wait_ms; every MF_WAIT_REPORT_MS said so. */
static int wait_for_port(struct fota_run *r, int wait_ms)
{
	int64_t t0 = mf_now_ms(), dl = mf_deadline(wait_ms);
	int64_t report = t0 + MF_WAIT_REPORT_MS;
	char what[300];
	struct mf_err e;

	if (mf_remaining_ms(r->deadline) >= 0 &&
	    mf_remaining_ms(r->deadline) < mf_remaining_ms(dl))
		dl = r->deadline;
	snprintf(what, sizeof(what), "%s to come back after the restart",
		 r->o->port);
	for (;;) {
		mf_err_clear(&e);
		r->link = open_link(r, &e);
		if (r->link)
			return 0;
		if (mf_remaining_ms(dl) == 0)
			break;
		if (mf_now_ms() >= report) {
			mf_waiting(r->log, what, mf_now_ms() - t0,
				   dl < 0 ? -1 : dl - t0);
			report += MF_WAIT_REPORT_MS;
		}
		mf_sleep_ms(FOTA_REOPEN_POLL_MS);
	}
	mf_err_set(
		r->err, MF_TIMEOUT, -ETIMEDOUT,
		"%s did not come back within %d s after the module restarted",
		r->o->port, wait_ms / 1000);
	mf_err_hint(r->err, "check that the module is powered; run the same "
			    "command again to resume following the update");
	return -ETIMEDOUT;
}

int fota_port_reopen_within(struct fota_run *r, bool sync, int wait_ms)
{
	int rc;

	fota_port_close(r);
	fota_emit(r, FOTA_EV_PORT_GONE, r->o->port, NULL);
	mf_log(r->log, MF_LOG_INFO,
	       "%s vanished (the module restarts); waiting for it", r->o->port);
	rc = wait_for_port(r, wait_ms);
	if (rc < 0)
		return rc;
	if (r->started)
		fota_restart_seen(r, "port", true);
	fota_emit(r, FOTA_EV_PORT_BACK, r->o->port, NULL);
	mf_log(r->log, MF_LOG_INFO, "%s is back", r->o->port);
	bind(r);
	if (!sync)
		return 0;
	return fota_at_sync(r);
}

int fota_port_reopen(struct fota_run *r, bool sync)
{
	return fota_port_reopen_within(r, sync, r->reopen_ms);
}
