// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "ops/at_open.h"
#include "ops/identity.h"
#include "pkg/ident.h"

/* "01.009" or "01.009.01.009": digits and dots only. Parts, or 0. */
int ident_bare_version(const char *v)
{
	int parts = 1;

	if (!(*v >= '0' && *v <= '9'))
		return 0;
	for (; *v; v++) {
		if (*v == '.')
			parts++;
		else if (!(*v >= '0' && *v <= '9'))
			return 0;
	}
	return parts;
}

void ident_rules_revision(struct mod_ident *id, const struct mf_log *log)
{
	const char *q = id->at.full_revision;
	struct pkg_ident pi;
	int parts = ident_bare_version(q);
	char joined[sizeof(id->rules_rev)];

	snprintf(id->rules_rev, sizeof(id->rules_rev), "%s", q);
	if (!id->at.revision[0] || !pkg_ident_parse(q, &pi) ||
	    (parts != 2 && parts != 4))
		return;
	/* Quectel versions repeat their pair: 01.009 is 01.009.01.009 */
	if (parts == 2)
		snprintf(joined, sizeof(joined), "%.40s_%.20s.%.20s",
			 id->at.revision, q, q);
	else
		snprintf(joined, sizeof(joined), "%.40s_%.40s", id->at.revision,
			 q);
	if (pkg_ident_parse(joined, &pi))
		return;
	snprintf(id->rules_rev, sizeof(id->rules_rev), "%s", joined);
	mf_log(log, MF_LOG_INFO,
	       "AT+QGMR answers only %s: with the baseline of ATI's Revision "
	       "line the module runs %s",
	       q, joined);
}

int ident_normal(const struct mf_module *m, struct mod_ident *id,
		 const struct mf_log *log, struct mf_err *err)
{
	struct at_port at;
	int rc;

	rc = ops_at_open_module(m, &at, log, err);
	if (!rc)
		rc = at_identify(&at, &id->at);
	ops_at_close(&at);
	if (rc)
		return rc;
	id->normal = true;
	mf_log(log, MF_LOG_INFO, "%s: %s %s, IMEI %s", m->usb.path,
	       id->at.model, id->at.full_revision, id->at.imei);
	ident_rules_revision(id, log);
	return 0;
}

void ident_to_rules(const struct mod_ident *id, const char *model_hint,
		    struct pkg_module *pm)
{
	memset(pm, 0, sizeof(*pm));
	pm->variant = -1;
	pm->model = id->normal && id->at.model[0] ? id->at.model : model_hint;
	pm->revision = id->normal && id->rules_rev[0] ? id->rules_rev
		       : id->normal && id->at.full_revision[0]
			       ? id->at.full_revision
			       : NULL;
	if (id->edl && id->sid.have_hwid)
		pm->msm_id = id->sid.msm_id;
	if (id->edl && id->sid.pkhash_len &&
	    id->sid.pkhash_len <= sizeof(pm->pk_hash)) {
		memcpy(pm->pk_hash, id->sid.pkhash, id->sid.pkhash_len);
		pm->pk_hash_len = id->sid.pkhash_len;
	}
	pm->page_size = id->page_size;
	pm->block_size = id->block_size;
}

static int read_qgmr(const struct mf_module *m, char *rev, size_t cap,
		     const struct mf_log *log, struct mf_err *err)
{
	struct at_port at;
	int rc;

	rc = ops_at_open_module(m, &at, log, err);
	if (!rc)
		rc = at_query_qgmr(&at, rev, cap);
	ops_at_close(&at);
	return rc;
}

/* Waits are cut into slices this long so that a stop is seen at once. */
#define WAIT_SLICE_MS 500

int ident_wait_normal(const char *sysroot, const char *usbpath, int timeout_ms,
		      struct mf_module *out, char *rev, size_t cap,
		      const struct mf_log *log, struct mf_err *err)
{
	return ident_wait_normal_stop(sysroot, usbpath, timeout_ms, NULL, out,
				      rev, cap, log, err);
}

int ident_wait_normal_stop(const char *sysroot, const char *usbpath,
			   int timeout_ms, const mf_stop_flag *stop,
			   struct mf_module *out, char *rev, size_t cap,
			   const struct mf_log *log, struct mf_err *err)
{
	int64_t until = mf_deadline(timeout_ms);
	/* the boot takes a while: said every MF_WAIT_REPORT_MS */
	int64_t t0 = mf_now_ms(), report = t0 + MF_WAIT_REPORT_MS;
	char what[128];
	struct mf_follow f = { 0 };
	struct mf_watch *w;
	struct mf_err tmp;
	int rc;

	f.usbpath = usbpath;
	f.want = MF_MODE_NORMAL;
	f.poll_ms = 100; /* a safety rescan: mf_follow waits for tree events */
	/* open before the first look: a port that comes later wakes the retry */
	w = mf_watch_open(sysroot);
	/* a booting module may answer AT only after a moment: retry */
	do {
		int left = mf_remaining_ms(until);

		if (mf_stop_requested(stop)) {
			mf_watch_close(w);
			return mf_stop_err(stop, err,
					   "the post-check (the module is "
					   "restarting)");
		}
		mf_err_clear(&tmp);
		f.timeout_ms = stop && left > WAIT_SLICE_MS ? WAIT_SLICE_MS
			       : left > MF_WAIT_REPORT_MS   ? MF_WAIT_REPORT_MS
							    : left;
		rc = mf_follow(sysroot, &f, out, log, &tmp);
		if (rc == -ETIMEDOUT && mf_remaining_ms(until) > 0) {
			if (mf_now_ms() >= report) {
				snprintf(what, sizeof(what),
					 "the module to come back in normal "
					 "mode at %s",
					 usbpath);
				mf_waiting(log, what, mf_now_ms() - t0,
					   timeout_ms);
				report += MF_WAIT_REPORT_MS;
			}
			continue;
		}
		if (rc)
			break;
		rc = read_qgmr(out, rev, cap, log, &tmp);
		if (!rc) {
			mf_watch_close(w);
			return 0;
		}
		/* the AT read waited for its answer already; a quick failure
		 * (the AT port not there yet) is retried when the tree
		 * changes, or after 10 ms */
		mf_watch_wait(w, 10);
	} while (mf_remaining_ms(until) > 0);
	mf_watch_close(w);
	if (rc == -ETIMEDOUT || !mf_remaining_ms(until))
		return mf_err_set(err, MF_TIMEOUT, -ETIMEDOUT,
				  "the module did not come back in normal mode "
				  "within %d s",
				  timeout_ms / 1000);
	return mf_err_set(err, tmp.status ? tmp.status : MF_FAILED, rc, "%s",
			  tmp.msg);
}

void ident_key(const struct mod_ident *id, char *out, size_t cap)
{
	if (id->normal && id->at.imei[0])
		snprintf(out, cap, "%s", id->at.imei);
	else if (id->edl && id->sid.have_serial)
		snprintf(out, cap, "serial-0x%08x", id->sid.serial);
	else
		snprintf(out, cap, "unknown");
}
