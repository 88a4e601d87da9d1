// SPDX-License-Identifier: BSD-3-Clause
/*
 * FOTA: start the update (AT+QFOTADL), follow its +QIND: "FOTA" URCs
 * across the module's restarts, and confirm the new revision (AT+QGMR).
 */
#include "ops/fota/fota_int.h"
#include "pkg/revision.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"

/* After END,0 the module restarts into the new image; poll it this often. */
#define FOTA_VERIFY_POLL_MS 10

int fota_start(struct fota_run *r)
{
	struct at_reply rep;
	int rc;

	fota_stage(r, "start");
	r->started = true;
	mf_err_clear(&r->scratch);
	rc = at_cmdf(&r->at, r->cmd_ms, &rep, "AT+QFOTADL=%s", r->start);
	if (rc == -ENODEV) {
		/* a local delta restarts the module at once, OK may be lost */
		mf_log(r->log, MF_LOG_INFO,
		       "the module restarts to apply the delta");
		return 0;
	}
	if (rc < 0) {
		mf_err_set(r->err, mf_status_from_errno(rc), rc,
			   "the module refused to start the update "
			   "(AT+QFOTADL=%s): %s",
			   r->start, r->scratch.msg);
		mf_err_hint(r->err, "%s",
			    r->o->url ? "check the URL (at most 255 "
					"characters) and that the "
					"module has a data connection"
				      : "the firmware is unchanged; check the "
					"model's FOTA "
					"path (--fota-dir) and run the command "
					"again");
		return rc;
	}
	mf_log(r->log, MF_LOG_INFO, "update started (AT+QFOTADL=%s)", r->start);
	return 0;
}

static int fail_download(struct fota_run *r, const struct fota_msg_urc *u)
{
	mf_err_set(r->err, MF_FAILED, -EIO,
		   "the module could not download the delta: %s (%s error %d); "
		   "its firmware is unchanged",
		   fota_err_text(u->value), u->word, u->value);
	mf_err_hint(r->err, "check the URL and the module's data connection, "
			    "then run the command again");
	return -EIO;
}

static int fail_end(struct fota_run *r, int code)
{
	/* exit 1, not 3: it is the module refusing, not our preflight */
	mf_err_set(r->err, MF_FAILED, -EIO,
		   "the module refused or failed the update with error %d: %s; "
		   "it ran %s before the update",
		   code, fota_err_text(code), r->res->from);
	if (fota_err_is_package(code))
		mf_err_hint(r->err,
			    "use a delta built from %s to the revision "
			    "you want",
			    r->res->from);
	else
		mf_err_hint(r->err, "check AT+QGMR; running the same command "
				    "again retries the update");
	return -EIO;
}

/* 1: keep following, 0: finished well, < 0: failed. */
static int on_urc(struct fota_run *r, const struct fota_msg_urc *u)
{
	switch (u->kind) {
	case FOTA_MSG_URC_START:
		/* the updater reports from a fresh boot (after AT+QFOTADL) */
		fota_restart_seen(r, "START", false);
		return 1;
	case FOTA_MSG_URC_UPDATING:
		mf_progress(r->log, "update", (uint64_t)u->value, 100);
		return 1;
	case FOTA_MSG_URC_RESTORE:
		mf_progress(r->log, "restore", (uint64_t)u->value, 100);
		return 1;
	case FOTA_MSG_URC_CONTINUE:
		fota_restart_seen(r, "CONTINUE", false);
		r->res->resumed = true;
		mf_log(r->log, MF_LOG_INFO,
		       "the module resumes the interrupted update");
		return 1;
	case FOTA_MSG_URC_HTTPEND:
	case FOTA_MSG_URC_FTPEND:
		r->res->fota_code = u->value;
		return u->value ? fail_download(r, u) : 1;
	case FOTA_MSG_URC_END:
		r->res->fota_code = u->value;
		if (u->value)
			return fail_end(r, u->value);
		r->after_end = true;
		return 0;
	default:
		return 1;
	}
}

/*
 * No URC for a long time. The module may send its URCs to another port
 * (AT+QURCCFG="urcport"): if it answers and runs the target, it is done.
 */
static int on_silence(struct fota_run *r)
{
	char rev[FOTA_REV_MAX];
	int rc;

	rc = fota_at_sync(r);
	if (rc == 0)
		rc = at_query_qgmr(&r->at, rev, sizeof(rev));
	if (rc == 0 && r->res->expected[0] &&
	    pkg_rev_matches(rev, r->res->expected)) {
		mf_log(r->log, MF_LOG_WARN,
		       "no FOTA report arrived on %s but the module runs %s "
		       "(its URCs may go to another port, AT+QURCCFG)",
		       r->o->port, rev);
		r->after_end = true;
		return 0;
	}
	if (mf_remaining_ms(r->deadline) == 0)
		mf_err_set(
			r->err, MF_TIMEOUT, -ETIMEDOUT,
			"the update did not finish in time (last report: %s)",
			r->last[0] ? r->last : "none");
	else
		mf_err_set(r->err, MF_TIMEOUT, -ETIMEDOUT,
			   "no FOTA report from the module for %d s (last: %s)",
			   r->urc_ms / 1000, r->last[0] ? r->last : "none");
	mf_err_hint(r->err,
		    "the module may still be updating: wait, then check "
		    "AT+QGMR; the URCs may go to another port "
		    "(AT+QURCCFG=\"urcport\")");
	return -ETIMEDOUT;
}

static int wait_ms(const struct fota_run *r, int limit)
{
	int left = mf_remaining_ms(r->deadline);

	return left >= 0 && left < limit ? left : limit;
}

int fota_follow(struct fota_run *r)
{
	char line[AT_MSG_LINE_MAX + 1];
	struct fota_msg_urc u;
	int rc, prc;

	fota_stage(r, "update");
	for (;;) {
		if (mf_stop_requested(r->o->stop)) {
			mf_stop_err(r->o->stop, r->err, "the update");
			mf_err_hint(r->err,
				    "the module goes on updating by itself and "
				    "restarts; do not power it off; check the "
				    "result with: modemflash info");
			return -EINTR;
		}
		if (!r->link) {
			rc = fota_port_reopen(r, false);
			if (rc < 0)
				return rc;
		}
		rc = at_wait_urc(&r->at, "+QIND:", wait_ms(r, r->urc_ms), line,
				 sizeof(line));
		if (rc == -ENODEV) {
			rc = fota_port_reopen(r, false);
			if (rc < 0)
				return rc;
			continue;
		}
		if (rc == -ETIMEDOUT)
			return on_silence(r);
		if (rc < 0)
			return mf_err_set(
				r->err, MF_FAILED, rc,
				"reading %s failed while following the "
				"update",
				r->o->port);
		prc = fota_msg_urc_parse(line, &u);
		if (prc == 0)
			continue;
		/* keep the start of it for messages; truncation is fine */
		snprintf(r->last, sizeof(r->last), "%.*s",
			 (int)sizeof(r->last) - 1, line);
		fota_emit(r, FOTA_EV_URC, line, &u);
		if (prc < 0) {
			mf_log(r->log, MF_LOG_WARN, "malformed FOTA report: %s",
			       line);
			continue;
		}
		rc = on_urc(r, &u);
		if (rc <= 0)
			return rc;
	}
}

/* 1: the revision is final (match or not), 0: ask again later. */
static int judge_revision(struct fota_run *r, const char *rev)
{
	bool ok = r->res->expected[0] ? pkg_rev_matches(rev, r->res->expected)
				      : strcmp(rev, r->res->from) != 0;

	snprintf(r->res->to, sizeof(r->res->to), "%s", rev);
	if (ok)
		return 1;
	/* the old image may answer until the module restarts */
	if (!r->rebooted)
		return 0;
	return -1;
}

static int verify_once(struct fota_run *r, char *rev, size_t cap)
{
	int rc;

	if (!r->link) {
		rc = fota_port_reopen(r, false);
		if (rc < 0)
			return rc;
	}
	rc = fota_at_sync(r);
	if (rc == 0)
		rc = at_query_qgmr(&r->at, rev, cap);
	if (rc == -ENODEV) {
		fota_port_close(r);
		if (r->after_end)
			r->rebooted = true;
	}
	return rc;
}

int fota_verify(struct fota_run *r)
{
	int64_t t0 = mf_now_ms(), dl = mf_deadline(r->reopen_ms);
	int64_t report = t0 + MF_WAIT_REPORT_MS;
	char rev[FOTA_REV_MAX];
	int rc, verdict;

	fota_stage(r, "verify");
	for (;;) {
		rc = verify_once(r, rev, sizeof(rev));
		if (rc == 0) {
			verdict = judge_revision(r, rev);
			if (verdict > 0)
				break;
			if (verdict < 0 || mf_remaining_ms(dl) == 0)
				goto mismatch;
		} else if (rc != -ENODEV && rc != -ETIMEDOUT) {
			return mf_err_set(
				r->err, mf_status_from_errno(rc), rc,
				"cannot read the revision after the update: %s",
				r->scratch.msg);
		}
		if (mf_remaining_ms(dl) == 0 ||
		    mf_remaining_ms(r->deadline) == 0) {
			mf_err_set(r->err, MF_TIMEOUT, -ETIMEDOUT,
				   "the module did not answer AT+QGMR after "
				   "the update");
			mf_err_hint(r->err, "power-cycle the module and check "
					    "AT+QGMR");
			return -ETIMEDOUT;
		}
		/* a vanished port is waited for by the reopen itself */
		if (rc != -ENODEV && rc != -ETIMEDOUT)
			mf_sleep_ms(FOTA_VERIFY_POLL_MS);
		if (mf_now_ms() >= report) {
			mf_waiting(r->log,
				   "the module to answer AT+QGMR after the "
				   "update",
				   mf_now_ms() - t0, r->reopen_ms);
			report += MF_WAIT_REPORT_MS;
		}
	}
	mf_log(r->log, MF_LOG_INFO, "the module now runs %s", r->res->to);
	return 0;

mismatch:
	mf_err_set(r->err, MF_MISMATCH, -EIO,
		   "the update reported success but the module runs %s "
		   "(expected %s)",
		   r->res->to,
		   r->res->expected[0] ? r->res->expected : "a new revision");
	mf_err_hint(r->err, "check AT+QGMR after a power-cycle");
	return -EIO;
}
