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
/* bytes at most to end a <program> an earlier run left: a big image */
#define EDL_FINISH_MAX (256ull << 20)

void edl_init(struct edl_session *e, const char *sysroot,
	      const struct mf_log *log, struct mf_err *err)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->sysroot, sizeof(e->sysroot), "%s", sysroot ? sysroot : "/");
	e->t.enum_ms = 30000;
	e->t.hello_ms = 8000;
	e->t.found_hello_ms = 1500;
	e->log = log;
	e->err = err;
}

/*
 * A switch whose echo never came (the DM port vanished first) may have
 * worked - a module can reboot before it answers - or the link was lost.
 * A module that took the switch is back as 05c6:9008 within seconds (about
 * 3 s measured), so that case waits this long at most, not the whole
 * enumeration deadline.
 */
#define EDL_UNCONFIRMED_MS 10000

static int diag_switch(struct edl_session *e, const struct mf_module *m,
		       bool *confirmed)
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
	*confirmed = rc == 0;
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
	bool confirmed = false;
	int rc;

	if (m->mode == MF_MODE_EDL) {
		e->mod = *m;
		return open_sahara(e);
	}
	rc = diag_switch(e, m, &confirmed);
	if (rc)
		return rc;
	f.usbpath = m->usb.path;
	f.want = MF_MODE_EDL;
	f.timeout_ms = e->t.enum_ms;
	if (!confirmed && f.timeout_ms > EDL_UNCONFIRMED_MS)
		f.timeout_ms = EDL_UNCONFIRMED_MS;
	f.poll_ms = 100; /* a safety rescan: mf_follow waits for tree events */
	rc = mf_follow(e->sysroot, &f, &e->mod, e->log, e->err);
	if (rc && !confirmed) {
		mf_err_clear(e->err);
		mf_err_set(e->err, MF_FAILED, -ENODEV,
			   "the DM port vanished during the EDL switch, before "
			   "the module confirmed it, and no 05c6:9008 appeared "
			   "within %d s: the link to the module was lost",
			   f.timeout_ms / 1000);
		mf_err_hint(e->err,
			    "nothing was written; check the cable and the "
			    "module's power (modemflash list), then run the "
			    "same command again");
		return -ENODEV;
	}
	if (rc) {
		mf_err_hint(e->err,
			    "the module did not appear as 05c6:9008 after the "
			    "DIAG switch; "
			    "power-cycle it and run the same command again");
		return rc;
	}
	mf_log(e->log, MF_LOG_INFO, "%s: in EDL at %s", m->usb.path,
	       e->mod.usb.path);
	e->switched = true;
	return open_sahara(e);
}

int edl_identify(struct edl_session *e)
{
	struct sahara_probe_opts po;
	struct sahara_opts o;
	int rc;

	sahara_probe_opts_default(&po);
	po.hello_ms = e->switched ? e->t.hello_ms : e->t.found_hello_ms;
	rc = sahara_probe(e->link, &po, e->log, e->err);
	if (rc < 0)
		return rc;
	if (rc == SAHARA_PROBE_FIREHOSE) {
		mf_log(e->log, MF_LOG_INFO,
		       "%s: carrying on with the Firehose programmer that "
		       "already runs (no Sahara identity without a restart)",
		       e->mod.usb.path);
		e->firehose_running = true;
		return 0;
	}
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

/*
 * A programmer found running that leaves <nop/> unanswered: an earlier run
 * was killed (SIGKILL, a crash) in the data phase of a <program>, and the
 * programmer takes every byte as image data until that range is full.
 * The EDL probe pads such a programmer when it hears nothing at all; one
 * that first sent what the killed run did not read (the ACK of that
 * <program>) looks alive to it. Complete the range with erased bytes and
 * start over; else only a power cycle gets the module back, and a
 * half-written module may not boot.
 */
static int edl_finish_program(struct edl_session *e)
{
	uint64_t sent = 0;
	int rc;

	mf_log(e->log, MF_LOG_WARN,
	       "%s: the programmer still waits for the data of a <program> "
	       "an earlier run did not finish: filling it with erased (0xff) "
	       "bytes (that range must be written again)",
	       e->mod.usb.path);
	mf_err_clear(e->err);
	rc = fh_finish_raw(&e->fh, EDL_FINISH_MAX, &sent);
	if (rc == -ETIMEDOUT)
		return mf_err_set(e->err, MF_TIMEOUT, rc,
				  "the Firehose programmer that already runs "
				  "answers nothing, not even after %llu bytes "
				  "that would end an interrupted <program>",
				  (unsigned long long)sent);
	if (rc)
		return rc;
	return fh_open(&e->fh);
}

int edl_firehose(struct edl_session *e, const char *programmer,
		 const char *memory)
{
	struct sahara_result res;
	struct sahara_opts o;
	bool found = e->firehose_running;
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
	if (rc == -ETIMEDOUT && found) {
		rc = edl_finish_program(e);
		found = false;
	}
	if (rc)
		return rc;
	rc = fh_configure(&e->fh, memory, EDL_PAYLOAD);
	/* the bytes the programmer sent before it went quiet (an answer
	 * the killed run did not read) made <nop/> look optional */
	if (rc == -ETIMEDOUT && found) {
		rc = edl_finish_program(e);
		if (!rc)
			rc = fh_configure(&e->fh, memory, EDL_PAYLOAD);
	}
	if (rc)
		edl_hint_rerun(e, rc);
	return rc;
}

void edl_hint_rerun(struct edl_session *e, int rc)
{
	if (rc != -ETIMEDOUT && rc != -EBADMSG && rc != -EREMOTEIO)
		return;
	mf_err_hint(e->err,
		    "the programmer is still running and this run wrote "
		    "nothing: "
		    "run the same command again (it carries on with that "
		    "programmer), or restart the module with modemflash -d "
		    "%s reset",
		    e->mod.usb.path);
}

int edl_reset_sahara(struct edl_session *e)
{
	mf_log(e->log, MF_LOG_INFO,
	       "%s: no programmer at hand: restarting it from the boot ROM "
	       "(Sahara RESET)",
	       e->mod.usb.path);
	return sahara_reset(e->link, 5000, e->log, e->err);
}

void edl_close(struct edl_session *e)
{
	if (e->fh_ready)
		fh_close(&e->fh);
	e->fh_ready = false;
	link_close(e->link);
	e->link = NULL;
}
