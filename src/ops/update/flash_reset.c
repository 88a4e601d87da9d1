// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "discover/discover.h"
#include "ops/update/progcache.h"
#include "ops/update/edl.h"
#include "ops/update/flash.h"
#include "ops/lock.h"
#include "ops/mm.h"
#include "ops/at_open.h"
#include "ops/select.h"
#include "pkg/pkg.h"

static int reset_normal(const struct mf_module *m, const struct mf_log *log,
			struct mf_err *err)
{
	struct at_port at;
	int rc;

	rc = ops_at_open_module(m, &at, log, err);
	if (!rc) {
		mf_log(log, MF_LOG_INFO, "%s: AT+CFUN=1,1", m->usb.path);
		rc = at_cmd(&at, "AT+CFUN=1,1", 15000, NULL);
		/* the port may vanish before the OK: the restart began */
		if (rc == -ENODEV) {
			mf_err_clear(err);
			rc = 0;
		}
	}
	ops_at_close(&at);
	return rc;
}

/*
 * The answer to <power value="reset"/> was garbled or missing: the module
 * decides. It reset if it left the bus and came back (a new device number
 * on its port chain, in any mode) within the time of a reboot.
 */
#define RESET_SEEN_MS 20000

static int reset_seen(const char *sysroot, const struct mf_module *m, int rc,
		      const struct mf_log *log, struct mf_err *err)
{
	struct mf_follow f = { 0 };
	struct mf_module back;
	struct mf_err tmp = { 0 };
	char said[MF_ERR_MSG_MAX];

	snprintf(said, sizeof(said), "%s", err->msg);
	f.usbpath = m->usb.path;
	f.want = MF_MODE_UNKNOWN;
	f.old_busnum = m->usb.busnum;
	f.old_devnum = m->usb.devnum;
	f.timeout_ms = RESET_SEEN_MS;
	if (mf_follow(sysroot, &f, &back, log, &tmp))
		return rc; /* not seen: the error stands */
	mf_log(log, MF_LOG_WARN, "%s, but the module restarted (now %s): done",
	       said, mf_mode_name(back.mode));
	mf_err_clear(err);
	return 0;
}

static int reset_edl(const char *sysroot, const struct mf_module *m,
		     const char *programmer, const struct mf_log *log,
		     struct mf_err *err)
{
	struct edl_session e;
	char cached[1024];
	int rc;

	edl_init(&e, sysroot, log, err);
	rc = edl_enter(&e, m);
	if (!rc)
		rc = edl_identify(&e);
	if (!rc && !e.firehose_running && !programmer && e.sid.have_hwid &&
	    !progcache_find(e.sid.msm_id, cached, sizeof(cached))) {
		mf_log(log, MF_LOG_INFO, "programmer from the cache: %s",
		       cached);
		programmer = cached;
	}
	if (!rc && !e.firehose_running && !programmer) {
		/* no programmer for a Firehose reset: the boot ROM's own */
		rc = edl_reset_sahara(&e);
		edl_close(&e);
		return rc;
	}
	if (!rc)
		rc = edl_firehose(&e, programmer, "nand");
	if (!rc) {
		mf_log(log, MF_LOG_INFO, "%s: Firehose power reset",
		       m->usb.path);
		rc = fh_power(&e.fh, "reset", 1);
	}
	edl_close(&e);
	if (rc == -EBADMSG || rc == -ETIMEDOUT)
		rc = reset_seen(sysroot, m, rc, log, err);
	return rc;
}

static int reset_module(const char *sysroot, const struct mf_module *m,
			const char *package, const char *programmer,
			const struct mf_log *log, struct mf_err *err)
{
	struct pkg p = { 0 };
	int rc;

	if (m->mode == MF_MODE_NORMAL)
		return reset_normal(m, log, err);
	if (m->mode != MF_MODE_EDL)
		return mf_err_set(err, MF_FAILED, -ENOTSUP,
				  "module %s is in %s mode: no reset for it",
				  m->usb.path, mf_mode_name(m->mode));
	/* the package only lends its programmer */
	if (package && !programmer) {
		rc = pkg_open(&p, package, &(struct pkg_opts){ 0 }, log, err);
		if (rc) {
			pkg_close(&p);
			return rc;
		}
		programmer = p.programmer;
	}
	rc = reset_edl(sysroot, m, programmer, log, err);
	pkg_close(&p);
	return rc;
}

int flash_reset(const char *sysroot, const char *sel, const char *package,
		const char *programmer, struct mf_module *m,
		const struct mf_log *log, struct mf_err *err)
{
	struct mf_mm_hold *mm = NULL;
	struct mf_lock *lock;
	int rc;

	memset(m, 0, sizeof(*m));
	rc = ops_find_module(sysroot, sel, m, log, err);
	if (rc < 0) {
		m->usb.path[0] = '\0';
		return flash_lock_absent(sysroot, sel, rc, err);
	}
	/* a restart in the middle of another run's flash would break it */
	rc = mf_lock_module(sysroot, m->usb.path, "reset", &lock, err);
	if (rc)
		return rc;
	/* MM holds the AT port; it takes the module back after the restart */
	rc = mf_mm_hold(sysroot, m, NULL, &mm, log, err);
	if (!rc)
		rc = reset_module(sysroot, m, package, programmer, log, err);
	mf_mm_release(mm);
	mf_lock_release(lock);
	return rc;
}
