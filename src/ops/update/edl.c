// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "link/link.h"
#include "ops/update/edl.h"
#include "proto/diag.h"

/* The programmer is asked for this much per raw transfer; it may lower it. */
#define EDL_PAYLOAD (1024u * 1024u)

void edl_init(struct edl_session *e, const char *sysroot,
	      const struct mf_log *log, struct mf_err *err)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->sysroot, sizeof(e->sysroot), "%s", sysroot ? sysroot : "/");
	e->t.enum_ms = 30000;
	e->t.hello_ms = 8000;
	e->log = log;
	e->err = err;
}

static int diag_switch(struct edl_session *e, const struct mf_module *m)
{
	const struct mf_port *dm = mf_module_port(m, MF_ROLE_DIAG);
	struct diag_opts o;
	struct link *l;
	int rc;

	if (!dm || !dm->dev[0])
		return mf_err_set(
			e->err, MF_NO_DEVICE, -ENODEV,
			"module %s has no DM (DIAG) port to switch it to EDL",
			m->usb.path);
	l = link_tty_open(dm->dev, e->log, e->err);
	if (!l)
		return -ENODEV;
	diag_opts_default(&o);
	mf_log(e->log, MF_LOG_INFO, "%s: switching to EDL over DIAG (%s)",
	       m->usb.path, dm->dev);
	rc = diag_switch_to_edl(l, &o, e->log, e->err);
	link_close(l);
	/* the port vanishing before the echo may still mean it worked */
	if (rc == -ENODEV) {
		mf_err_clear(e->err);
		rc = 0;
	}
	return rc;
}

static int open_sahara(struct edl_session *e)
{
	struct link_edl_dev d;

	/* usb when the device is accessible, else its tty (link/link.h) */
	mf_module_edl_dev(e->sysroot, &e->mod, &d);
	e->link = link_edl_open(&d, 5000, e->log, e->err);
	return e->link ? 0 : -ENODEV;
}

int edl_enter(struct edl_session *e, const struct mf_module *m)
{
	struct mf_follow f = { 0 };
	int rc;

	if (m->mode == MF_MODE_EDL) {
		e->mod = *m;
		return open_sahara(e);
	}
	rc = diag_switch(e, m);
	if (rc)
		return rc;
	f.usbpath = m->usb.path;
	f.want = MF_MODE_EDL;
	f.timeout_ms = e->t.enum_ms;
	f.poll_ms = 100;
	rc = mf_follow(e->sysroot, &f, &e->mod, e->log, e->err);
	if (rc) {
		mf_err_hint(e->err,
			    "the module did not appear as 05c6:9008 after the "
			    "DIAG switch; "
			    "power-cycle it and run the same command again");
		return rc;
	}
	mf_log(e->log, MF_LOG_INFO, "%s: in EDL at %s", m->usb.path,
	       e->mod.usb.path);
	return open_sahara(e);
}

int edl_identify(struct edl_session *e)
{
	struct sahara_opts o;
	int rc;

	sahara_opts_default(&o);
	o.hello_timeout_ms = e->t.hello_ms;
	rc = sahara_identify(e->link, &o, &e->sid, e->log, e->err);
	if (rc == -EALREADY) {
		mf_log(e->log, MF_LOG_INFO,
		       "the programmer already runs (an earlier run got this "
		       "far)");
		e->firehose_running = true;
		return 0;
	}
	if (rc)
		return rc;
	e->identified = e->sid.cmd_mode;
	return 0;
}

int edl_firehose(struct edl_session *e, const char *programmer,
		 const char *memory)
{
	struct sahara_result res;
	struct sahara_opts o;
	int rc;

	if (!e->firehose_running) {
		sahara_opts_default(&o);
		o.hello_timeout_ms = e->t.hello_ms;
		o.image_id = 0;
		memset(&res, 0, sizeof(res));
		mf_progress(e->log, "sahara", 0, 1);
		rc = sahara_run_image(e->link, programmer, &o, &res, e->log,
				      e->err);
		if (rc)
			return rc;
		mf_progress(e->log, "sahara", 1, 1);
		e->firehose_running = true;
	}
	rc = fh_init(&e->fh, e->link, e->log, e->err);
	if (rc)
		return rc;
	e->fh_ready = true;
	rc = fh_open(&e->fh);
	if (rc)
		return rc;
	return fh_configure(&e->fh, memory, EDL_PAYLOAD);
}

void edl_close(struct edl_session *e)
{
	if (e->fh_ready)
		fh_close(&e->fh);
	e->fh_ready = false;
	link_close(e->link);
	e->link = NULL;
}
