// SPDX-License-Identifier: BSD-3-Clause
/*
 * Choosing a module (-d SEL) and following one across a re-enumeration
 * (normal -> EDL on the same physical port; USB3 -> USB2 changes the bus
 * number but not the port chain).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "discover/discover.h"
#include "discover/ids_win.h"

const struct mf_port *mf_module_port(const struct mf_module *m,
				     enum mf_role role)
{
	for (size_t i = 0; i < m->usb.nports; i++)
		if (m->usb.ports[i].role == role)
			return &m->usb.ports[i];
	return NULL;
}

bool mf_module_settled(const struct mf_module *m)
{
	if (m->usb.nifaces >= 0 && m->usb.nports < (size_t)m->usb.nifaces)
		return false;
	for (size_t i = 0; i < m->usb.nports; i++) {
		const struct mf_port *p = &m->usb.ports[i];
		bool serial = p->role == MF_ROLE_DIAG ||
			      p->role == MF_ROLE_NMEA ||
			      p->role == MF_ROLE_AT || p->role == MF_ROLE_MODEM;

		if (serial && !p->dev[0])
			return false;
	}
	return true;
}

const struct mf_port *mf_adapter_port(const struct mf_adapter *a)
{
	for (size_t i = 0; i < a->usb.nports; i++)
		if (a->usb.ports[i].tty[0])
			return &a->usb.ports[i];
	return NULL;
}

const char *mf_usb_chain(const char *usbpath)
{
	const char *dash = usbpath ? strchr(usbpath, '-') : NULL;
	const char *root = usbpath ? strstr(usbpath, "#USBROOT(") : NULL;

	/* a Windows location path: the hub ports after the root hub */
	if (root && strchr(root + 1, '#'))
		return strchr(root + 1, '#') + 1;
	return dash ? dash + 1 : "";
}

/* "/dev/ttyUSB2", "ttyUSB2" or the full path under the sysroot */
static bool port_is(const struct mf_port *p, const char *port)
{
	const char *base;

	if (!p->tty[0] || !port || !*port)
		return false;
	if (!strcmp(p->dev, port) || !strcmp(p->tty, port))
		return true;
	base = strrchr(port, '/');
	return base && !strcmp(base + 1, p->tty) &&
	       !strncmp(port, "/dev/", 5) && !strchr(port + 5, '/');
}

static bool dev_has_port(const struct mf_usb_dev *d, const char *port)
{
	for (size_t i = 0; i < d->nports; i++)
		if (port_is(&d->ports[i], port))
			return true;
	return false;
}

const struct mf_adapter *mf_scan_adapter_by_port(const struct mf_scan *s,
						 const char *port)
{
	for (size_t i = 0; i < s->nadapters; i++)
		if (dev_has_port(&s->adapters[i].usb, port))
			return &s->adapters[i];
	return NULL;
}

const struct mf_module *mf_scan_module_by_port(const struct mf_scan *s,
					       const char *port)
{
	for (size_t i = 0; i < s->nmodules; i++)
		if (dev_has_port(&s->modules[i].usb, port))
			return &s->modules[i];
	return NULL;
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return i == n;
}

enum mf_sel_kind mf_select_kind(const char *sel)
{
	if (!sel || !*sel)
		return MF_SEL_NONE;
	if (all_digits(sel, 15))
		return MF_SEL_IMEI;
	if ((sel[0] == '0' && (sel[1] == 'x' || sel[1] == 'X')) &&
	    strlen(sel) > 2 &&
	    strspn(sel + 2, "0123456789abcdefABCDEF") == strlen(sel + 2))
		return MF_SEL_SERIAL;
	if (strchr(sel, '/') || !strncmp(sel, "tty", 3) ||
	    mf_win_is_com_name(sel))
		return MF_SEL_PORT;
	return MF_SEL_USB;
}

static void list_modules(const struct mf_scan *s, char *out, size_t cap)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < s->nmodules && off + 1 < cap; i++) {
		const struct mf_module *m = &s->modules[i];
		int n = snprintf(out + off, cap - off, "%s%s (%04x:%04x %s)",
				 i ? ", " : "", m->usb.path, m->usb.vid,
				 m->usb.pid, mf_mode_name(m->mode));

		if (n < 0)
			break;
		off += (size_t)n;
	}
}

static int select_only(const struct mf_scan *s, struct mf_err *err)
{
	char names[400];

	if (s->nmodules == 1)
		return 0;
	if (!s->nmodules) {
		mf_err_set(err, MF_NO_DEVICE, -ENODEV,
			   "no module found on USB (under %s)", s->sysroot);
		mf_err_hint(err,
			    "run 'modemflash doctor' (with --port PATH for "
			    "a module reachable only over a UART)");
		return -ENODEV;
	}
	list_modules(s, names, sizeof(names));
	mf_err_set(err, MF_USAGE, -E2BIG, "%zu modules found: %s", s->nmodules,
		   names);
	mf_err_hint(err, "choose one with -d USBPATH (for example -d %s)",
		    s->modules[0].usb.path);
	return -E2BIG;
}

int mf_select(const struct mf_scan *s, const char *sel, struct mf_err *err)
{
	enum mf_sel_kind kind = mf_select_kind(sel);

	switch (kind) {
	case MF_SEL_NONE:
		return select_only(s, err);
	case MF_SEL_IMEI:
	case MF_SEL_SERIAL:
		return -EAGAIN;
	case MF_SEL_USB:
		for (size_t i = 0; i < s->nmodules; i++)
			if (!strcmp(s->modules[i].usb.path, sel))
				return (int)i;
		break;
	case MF_SEL_PORT:
		for (size_t i = 0; i < s->nmodules; i++)
			if (dev_has_port(&s->modules[i].usb, sel))
				return (int)i;
		break;
	}
	mf_err_set(err, MF_NO_DEVICE, -ENODEV, "no module matches -d %s", sel);
	mf_err_hint(err, "run 'modemflash list' to see the modules and their "
			 "USB paths and ports");
	return -ENODEV;
}

static bool follow_match(const struct mf_module *m, const struct mf_follow *f)
{
	if (strcmp(mf_usb_chain(m->usb.path), mf_usb_chain(f->usbpath)))
		return false;
	if (f->want != MF_MODE_UNKNOWN && m->mode != f->want)
		return false;
	/* the instance that is leaving does not count */
	if (f->old_devnum > 0 && m->usb.busnum == f->old_busnum &&
	    m->usb.devnum == f->old_devnum)
		return false;
	return true;
}

int mf_follow(const char *sysroot, const struct mf_follow *f,
	      struct mf_module *out, const struct mf_log *log,
	      struct mf_err *err)
{
	int64_t t0 = mf_now_ms(), deadline = mf_deadline(f->timeout_ms);
	int64_t next = t0 + MF_WAIT_REPORT_MS;
	int poll = f->poll_ms > 0 ? f->poll_ms : 100;
	char what[96];
	struct mf_watch *w;
	struct mf_scan *s;
	int rc, left;

	s = malloc(sizeof(*s));
	/* watching before the first scan: no change can fall in between */
	w = mf_watch_open(sysroot);
	if (!s || !w) {
		free(s);
		mf_watch_close(w);
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	}
	for (;;) {
		rc = mf_discover_scan(sysroot, s, log, err);
		if (rc < 0)
			goto out;
		for (size_t i = 0; i < s->nmodules; i++) {
			if (follow_match(&s->modules[i], f)) {
				*out = s->modules[i];
				mf_log(log, MF_LOG_INFO,
				       "module back at %s (%04x:%04x, %s)",
				       out->usb.path, out->usb.vid,
				       out->usb.pid, mf_mode_name(out->mode));
				rc = 0;
				goto out;
			}
		}
		left = mf_remaining_ms(deadline);
		if (!left)
			break;
		if (mf_now_ms() >= next) { /* a long re-enumeration says so */
			snprintf(what, sizeof(what),
				 "the module on USB port chain %s (%s mode)",
				 mf_usb_chain(f->usbpath),
				 f->want == MF_MODE_UNKNOWN
					 ? "any"
					 : mf_mode_name(f->want));
			mf_waiting(log, what, mf_now_ms() - t0, f->timeout_ms);
			next = mf_now_ms() + MF_WAIT_REPORT_MS;
		}
		mf_watch_wait(w, left < 0 || left > poll ? poll : left);
	}
	rc = mf_err_set(err, MF_TIMEOUT, -ETIMEDOUT,
			"the module did not come back on USB port chain %s "
			"(%s mode) within %d s",
			mf_usb_chain(f->usbpath),
			f->want == MF_MODE_UNKNOWN ? "any"
						   : mf_mode_name(f->want),
			f->timeout_ms / 1000);
	mf_err_hint(err, "run 'modemflash list' and 'modemflash doctor'; check "
			 "the cable and power");
out:
	mf_watch_close(w);
	free(s);
	return rc;
}
