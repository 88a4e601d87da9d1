// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "link/link.h"
#include "ops/at_open.h"
#include "ops/mm.h"
#include "ops/query/info.h"
#include "ops/select.h"
#include "proto/diag.h"
#include "proto/sahara.h"

/* "+QCFGEXT: \"disusb\",1" -> 1; -1 when absent or unparsable */
static int query_disusb(struct at_port *at)
{
	struct at_reply r;
	char v[32];

	if (at_cmd(at, "AT+QCFGEXT=\"disusb\"", AT_DEFAULT_TIMEOUT_MS, &r) < 0)
		return -1;
	if (at_reply_find(&r, "+QCFGEXT: \"disusb\",", v, sizeof(v)) < 0)
		return -1;
	return (v[0] == '0' || v[0] == '1') && !v[1] ? v[0] - '0' : -1;
}

static void build_id(const struct mf_module *m, struct info_report *r,
		     const struct mf_log *log)
{
	const struct mf_port *dm = mf_module_port(m, MF_ROLE_DIAG);
	struct diag_build_id b = { 0 };
	struct diag_opts o;
	struct link *l;

	if (!dm || !dm->dev[0])
		return;
	l = link_tty_open(dm->dev, log, NULL);
	if (!l)
		return;
	diag_opts_default(&o);
	if (diag_build_id(l, &o, &b, log, NULL) == 0) {
		r->have_build_id = true;
		snprintf(r->build_id, sizeof(r->build_id), "%s", b.revision);
		r->build_msm = b.msm;
	} else {
		mf_log(log, MF_LOG_WARN,
		       "DIAG build id query on %s "
		       "got no answer",
		       dm->dev);
	}
	link_close(l);
}

static int info_normal(const struct mf_module *m, struct info_report *r,
		       const struct mf_log *log, struct mf_err *err)
{
	const struct mf_port *atp = mf_module_port(m, MF_ROLE_AT);
	const struct dev_model *model;
	struct at_identity id = { 0 };
	struct at_port at;

	if (!atp || !atp->dev[0])
		atp = mf_module_port(m, MF_ROLE_MODEM);
	if (!atp || !atp->dev[0]) {
		mf_err_set(err, MF_NO_DEVICE, -ENODEV,
			   "module %s has no AT port tty", m->usb.path);
		mf_err_hint(err, "run 'modemflash doctor' for the fix");
		return -ENODEV;
	}
	if (ops_at_open(atp->dev, &at, log, err) < 0)
		return err->code;
	at_identify(&at, &id);
	model = dev_model_find(id.model);
	if (model && model->has_disusb)
		r->disusb = query_disusb(&at);
	ops_at_close(&at);

	r->normal = true;
	snprintf(r->manufacturer, sizeof(r->manufacturer), "%s",
		 id.manufacturer);
	snprintf(r->model, sizeof(r->model), "%s", id.model);
	snprintf(r->revision, sizeof(r->revision), "%s",
		 id.full_revision[0] ? id.full_revision : id.revision);
	snprintf(r->baseline, sizeof(r->baseline), "%s", id.revision);
	snprintf(r->imei, sizeof(r->imei), "%s", id.imei);
	r->chip = model ? model->chip : NULL;
	build_id(m, r, log);
	return 0;
}

static int info_edl(const char *sysroot, const struct mf_module *m,
		    struct info_report *r, const struct mf_log *log,
		    struct mf_err *err)
{
	struct sahara_identity id = { 0 };
	struct sahara_probe_opts po;
	struct link_edl_dev d;
	struct sahara_opts o;
	struct link *l;
	int rc;

	mf_module_edl_dev(sysroot, m, &d);
	l = link_edl_open(&d, 5000, log, err);
	if (!l)
		return err->code ? err->code : -EIO;
	sahara_probe_opts_default(&po);
	po.hello_ms = 1500; /* found in EDL: a HELLO would be waiting */
	rc = sahara_probe(l, &po, log, err);
	if (rc == SAHARA_PROBE_FIREHOSE) {
		/* no Sahara identity without a restart (reset frees it) */
		link_close(l);
		r->edl = true;
		r->firehose_running = true;
		return 0;
	}
	sahara_opts_default(&o);
	if (rc > 0)
		rc = sahara_identify(l, &o, &id, log, err);
	link_close(l);
	if (rc < 0)
		return rc;
	r->edl = true;
	r->cmd_mode = id.cmd_mode;
	if (!id.cmd_mode)
		return 0;
	r->have_serial = id.have_serial;
	r->serial = id.serial;
	r->have_hwid = id.have_hwid;
	r->msm_id = id.msm_id;
	sahara_hwid_str(&id, r->hwid, sizeof(r->hwid));
	if (id.pkhash_len)
		sahara_pkhash_str(&id, r->pk_hash, sizeof(r->pk_hash));
	r->sahara_version = id.version;
	return 0;
}

/*
 * ModemManager off the ports info opens: in normal mode the AT and DM
 * ports (inhibiting a modem MM drives over other ports would drop its data
 * connection for nothing), in EDL the whole device.
 */
static int hold_mm(const char *sysroot, const struct mf_module *m,
		   struct mf_mm_hold **mm, const struct mf_log *log,
		   struct mf_err *err)
{
	const struct mf_port *at = mf_module_port(m, MF_ROLE_AT);
	const struct mf_port *dm = mf_module_port(m, MF_ROLE_DIAG);
	const char *ports[3] = { NULL };
	size_t n = 0;

	if (m->mode == MF_MODE_EDL)
		return mf_mm_hold(sysroot, m, NULL, mm, log, err);
	if (!at || !at->tty[0])
		at = mf_module_port(m, MF_ROLE_MODEM);
	if (at && at->tty[0])
		ports[n++] = at->tty;
	if (dm && dm->tty[0])
		ports[n++] = dm->tty;
	return mf_mm_hold(sysroot, m, ports, mm, log, err);
}

static int info_mode(const char *sysroot, const struct mf_module *m,
		     struct info_report *r, const struct mf_log *log,
		     struct mf_err *err)
{
	if (m->mode == MF_MODE_EDL)
		return info_edl(sysroot, m, r, log, err);
	if (m->mode == MF_MODE_NORMAL || m->mode == MF_MODE_UNKNOWN)
		return info_normal(m, r, log, err);
	return mf_err_set(err, MF_FAILED, -ENOTSUP,
			  "module %s is in %s mode: no identity to read",
			  m->usb.path, mf_mode_name(m->mode));
}

int info_run(const char *sysroot, const char *sel, struct info_report *r,
	     const struct mf_log *log, struct mf_err *err)
{
	const struct mf_module *m = &r->module;
	struct mf_mm_hold *mm = NULL;
	struct mf_lock *lock;
	int rc;

	memset(r, 0, sizeof(*r));
	r->disusb = -1;
	rc = ops_find_module(sysroot, sel, &r->module, log, err);
	if (rc < 0)
		return rc;
	r->found = true;
	rc = mf_lock_module(sysroot, m->usb.path, "info", &lock, err);
	if (rc == -EBUSY && mf_lock_holder(sysroot, m->usb.path, &r->holder)) {
		mf_err_clear(err);
		r->busy = true;
		return 0;
	}
	if (rc < 0)
		return rc;
	rc = hold_mm(sysroot, m, &mm, log, err);
	if (rc >= 0)
		rc = info_mode(sysroot, m, r, log, err);
	mf_mm_release(mm);
	mf_lock_release(lock);
	return rc;
}
