// SPDX-License-Identifier: BSD-3-Clause
/*
 * FOTA: the upload into the module's UFS (stale copy, free space,
 * AT+QFUPL in ACK mode, clean abort). The port is fota_port.c.
 */
#include "ops/fota/fota_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"

/* Reconnect after the link vanished mid-upload, only to delete the rest. */
#define FOTA_CLEANUP_REOPEN_MS 30000
#define FOTA_RESYNC_TRIES      3
#define FOTA_RESYNC_MS	       2000

/* "UFS:name" for QFLST unless the name already carries its storage. */
static const char *storage_of(const char *name)
{
	return strncmp(name, "EUFS:", 5) ? "UFS" : "EUFS";
}

static bool has_storage(const char *name)
{
	return strchr(name, ':') != NULL;
}

/* The whole INFO line of rep starting with prefix, copied to out. */
static int reply_line(const struct at_reply *rep, const char *prefix, char *out,
		      size_t cap)
{
	const char *p = rep->text;
	size_t n = strlen(prefix);

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len >= n && !strncmp(p, prefix, n) && len < cap) {
			memcpy(out, p, len);
			out[len] = '\0';
			return 0;
		}
		p += len;
		if (*p)
			p++;
	}
	return -ENOENT;
}

/* Size of an existing copy, 0 when there is none. */
static int stale_size(struct fota_run *r, uint64_t *size)
{
	struct at_reply rep;
	char line[160], name[128];
	int rc;

	*size = 0;
	mf_err_clear(&r->scratch);
	rc = at_cmdf(&r->at, r->cmd_ms, &rep, "AT+QFLST=\"%s%s\"",
		     has_storage(r->name) ? "" : "UFS:", r->name);
	if (rc == -EREMOTEIO)
		return 0; /* +CME ERROR: file not found */
	if (rc < 0)
		return mf_err_set(r->err, mf_status_from_errno(rc), rc,
				  "AT+QFLST failed: %s", r->scratch.msg);
	if (reply_line(&rep, "+QFLST:", line, sizeof(line)) < 0)
		return 0;
	if (fota_msg_parse_qflst(line, name, sizeof(name), size) < 0) {
		mf_log(r->log, MF_LOG_WARN, "unexpected AT+QFLST answer: %s",
		       line);
		*size = 0;
	}
	return 0;
}

static int free_space(struct fota_run *r, uint64_t *free_b, uint64_t *total_b)
{
	struct at_reply rep;
	char line[160];
	int rc;

	mf_err_clear(&r->scratch);
	rc = at_cmdf(&r->at, r->cmd_ms, &rep, "AT+QFLDS=\"%s\"",
		     storage_of(r->name));
	if (rc < 0)
		return mf_err_set(r->err, mf_status_from_errno(rc), rc,
				  "the module did not report its free space "
				  "(AT+QFLDS): %s",
				  r->scratch.msg);
	if (reply_line(&rep, "+QFLDS:", line, sizeof(line)) < 0 ||
	    fota_msg_parse_qflds(line, free_b, total_b) < 0)
		return mf_err_set(r->err, MF_FAILED, -EBADMSG,
				  "cannot read the AT+QFLDS answer \"%s\"",
				  rep.text);
	return 0;
}

static int delete_file(struct fota_run *r)
{
	mf_err_clear(&r->scratch);
	return at_cmdf(&r->at, r->cmd_ms, NULL, "AT+QFDEL=\"%s\"", r->name);
}

int fota_prepare_ufs(struct fota_run *r)
{
	uint64_t stale, free_b, total_b, need;
	int rc;

	fota_stage(r, "space");
	rc = stale_size(r, &stale);
	if (rc < 0)
		return rc;
	rc = free_space(r, &free_b, &total_b);
	if (rc < 0)
		return rc;
	need = fota_space_needed(r->size);
	if (free_b + stale < need) {
		mf_err_set(
			r->err, MF_FAILED, -ENOSPC,
			"the delta needs %llu bytes on the module's %s (%llu "
			"and a margin) but only %llu of %llu are free",
			(unsigned long long)need, storage_of(r->name),
			(unsigned long long)r->size,
			(unsigned long long)(free_b + stale),
			(unsigned long long)total_b);
		mf_err_hint(r->err,
			    "list the module's files with AT+QFLST=\"*\" "
			    "and delete unneeded ones with AT+QFDEL");
		return -ENOSPC;
	}
	if (!stale)
		return 0;
	rc = delete_file(r);
	if (rc < 0)
		return mf_err_set(
			r->err, mf_status_from_errno(rc), rc,
			"cannot delete the old copy of %s on the module: %s",
			r->name, r->scratch.msg);
	mf_log(r->log, MF_LOG_INFO, "deleted an old %s (%llu bytes)", r->name,
	       (unsigned long long)stale);
	return 0;
}

static const char *upload_failure(int rc)
{
	switch (rc) {
	case -ETIMEDOUT:
		return "the module stopped acknowledging data";
	case -ENODEV:
		return "the port vanished";
	case -EBADMSG:
		return "the module's size or checksum differs from ours";
	case -EREMOTEIO:
		return "the module refused AT+QFUPL";
	case -EIO:
		return "reading the delta failed";
	default:
		return strerror(-rc);
	}
}

/* Back to command mode and remove what arrived, so a re-run starts clean. */
static bool cleanup_partial(struct fota_run *r, int why)
{
	int rc = -EIO;

	if (why == -ENODEV) {
		rc = fota_port_reopen_within(r, true, FOTA_CLEANUP_REOPEN_MS);
	} else {
		/* at_qfupl left data mode with "+++"; make sure we are heard */
		for (int i = 0; i < FOTA_RESYNC_TRIES && rc < 0; i++) {
			mf_err_clear(&r->scratch);
			rc = at_cmd(&r->at, "AT",
				    r->cmd_ms < FOTA_RESYNC_MS ? r->cmd_ms
							       : FOTA_RESYNC_MS,
				    NULL);
			if (rc == -ENODEV)
				rc = fota_port_reopen_within(
					r, true, FOTA_CLEANUP_REOPEN_MS);
		}
	}
	if (rc < 0)
		return false;
	rc = delete_file(r);
	/* the module may have kept nothing: "not found" is clean too */
	return rc == 0 || rc == -EREMOTEIO;
}

int fota_upload(struct fota_run *r)
{
	struct at_qfupl_result up;
	char detail[MF_ERR_MSG_MAX];
	enum mf_status st;
	bool clean;
	int rc;

	fota_stage(r, "upload");
	if (lseek(r->fd, 0, SEEK_SET) < 0)
		return mf_err_set(r->err, MF_FAILED, -errno,
				  "cannot read the delta %s", r->o->file);
	r->up_done = 0;
	memset(&up, 0, sizeof(up));
	mf_err_clear(&r->scratch);
	rc = at_qfupl(&r->at, r->name, r->fd, r->size, FOTA_QFUPL_TIMEOUT_S,
		      &up);
	if (rc == 0) {
		r->res->bytes = r->size;
		mf_log(r->log, MF_LOG_INFO,
		       "uploaded %llu bytes, checksum 0x%04x matches",
		       (unsigned long long)up.size, up.checksum);
		return 0;
	}
	/*
	 * The AT layer's words, before cleanup talks again: the sizes or the
	 * module's code; a timeout or a vanished port is said already.
	 */
	if (rc == -EINTR) {
		clean = cleanup_partial(r, rc);
		mf_stop_err(r->o->stop, r->err, "the upload");
		mf_err_hint(
			r->err, "%s; run the same command again to continue",
			clean ? "the partial file was deleted, the firmware "
				"is unchanged"
			      : "the firmware is unchanged (a partial file "
				"may remain on the module: the re-run "
				"replaces it)");
		return rc;
	}
	detail[0] = '\0';
	if (rc != -ETIMEDOUT && rc != -ENODEV)
		snprintf(detail, sizeof(detail), "%s", r->scratch.msg);
	st = rc == -ETIMEDOUT ? MF_TIMEOUT
	     : rc == -EBADMSG ? MF_MISMATCH
			      : MF_FAILED;
	clean = cleanup_partial(r, rc);
	mf_err_set(r->err, st, rc,
		   "the upload of %s stopped after %llu of %llu bytes: "
		   "%s%s%s%s; %s",
		   r->o->file, (unsigned long long)r->up_done,
		   (unsigned long long)r->size, upload_failure(rc),
		   detail[0] ? " (" : "", detail, detail[0] ? ")" : "",
		   clean ? "the partial file was deleted, the firmware is "
			   "unchanged"
			 : "the partial file could not be deleted yet, the "
			   "firmware is unchanged");
	if (clean)
		mf_err_hint(r->err, "re-running the same command is safe: it "
				    "replaces any partial copy");
	else
		mf_err_hint(
			r->err,
			"the module no longer answers on %s: check the "
			"wiring or power-cycle it; then re-running the same "
			"command is safe: it replaces any partial copy",
			r->o->port);
	return rc;
}
