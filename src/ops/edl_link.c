// SPDX-License-Identifier: BSD-3-Clause
#include "ops/edl_link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"

enum edl_link_kind edl_link_from_env(void)
{
	const char *v = getenv("MODEMFLASH_EDL_LINK");

	if (v && !strcmp(v, "tty"))
		return EDL_LINK_TTY;
	if (v && !strcmp(v, "usb"))
		return EDL_LINK_USB;
	return EDL_LINK_AUTO;
}

/* libusb opens /dev/bus/usb/BBB/DDD: only on the real root. */
static bool usb_accessible(const char *sysroot, const struct mf_module *m)
{
	char node[64];

	if (!sysroot || strcmp(sysroot, "/") != 0)
		return false;
	if (m->usb.busnum < 1 || m->usb.devnum < 1)
		return false;
	snprintf(node, sizeof(node), "/dev/bus/usb/%03d/%03d", m->usb.busnum,
		 m->usb.devnum);
	return access(node, R_OK | W_OK) == 0;
}

enum edl_link_kind edl_link_choose(const char *sysroot,
				   const struct mf_module *m,
				   enum edl_link_kind forced)
{
	const struct mf_port *p = mf_module_port(m, MF_ROLE_SAHARA);
	bool tty = p && p->dev[0];

	if (forced != EDL_LINK_AUTO)
		return forced;
	if (usb_accessible(sysroot, m) || !tty)
		return EDL_LINK_USB;
	return EDL_LINK_TTY;
}

static struct link *open_tty(const char *dev, int wait_ms,
			     const struct mf_log *log, struct mf_err *err)
{
	int64_t until = mf_deadline(wait_ms);
	struct link *l;

	/* the tty node can lag behind the USB device by a moment */
	for (;;) {
		l = link_tty_open(dev, log, err);
		if (l || !mf_remaining_ms(until))
			break;
		mf_sleep_ms(100);
	}
	if (l)
		mf_err_clear(err);
	return l;
}

/*
 * The ttyUSB node comes a moment after the USB device (the driver binds
 * later). When libusb cannot reach the device, wait for the tty rather
 * than fail: *cur gets the module as it is then. True when it came.
 */
static bool wait_for_tty(const char *sysroot, const struct mf_module *m,
			 int wait_ms, struct mf_module *cur)
{
	int64_t until = mf_deadline(wait_ms);
	struct mf_scan *s = malloc(sizeof(*s));
	bool found = false;

	if (!s)
		return false;
	do {
		struct mf_err e = { 0 };

		if (mf_discover_scan(sysroot, s, NULL, &e) == 0) {
			for (size_t i = 0; i < s->nmodules && !found; i++) {
				const struct mf_module *x = &s->modules[i];
				const struct mf_port *p;

				if (strcmp(x->usb.path, m->usb.path) ||
				    x->mode != m->mode)
					continue;
				p = mf_module_port(x, MF_ROLE_SAHARA);
				if (p && p->dev[0]) {
					*cur = *x;
					found = true;
				}
			}
		}
		if (!found)
			mf_sleep_ms(100);
	} while (!found && mf_remaining_ms(until) > 0);
	free(s);
	return found;
}

struct link *edl_link_open(const char *sysroot, const struct mf_module *m,
			   int wait_ms, const struct mf_log *log,
			   struct mf_err *err)
{
	const struct mf_port *p = mf_module_port(m, MF_ROLE_SAHARA);
	bool tty = p && p->dev[0];
	enum edl_link_kind k = edl_link_choose(sysroot, m, edl_link_from_env());
	struct mf_module cur;
	struct link *l;

	if (k == EDL_LINK_USB && !tty && edl_link_from_env() == EDL_LINK_AUTO &&
	    !usb_accessible(sysroot, m) &&
	    wait_for_tty(sysroot, m, wait_ms, &cur)) {
		m = &cur;
		p = mf_module_port(m, MF_ROLE_SAHARA);
		tty = true;
		k = EDL_LINK_TTY;
	}

	if (k == EDL_LINK_TTY && !tty) {
		mf_err_set(err, MF_NO_DEVICE, -ENODEV,
			   "module %s is in EDL but has no Sahara tty "
			   "(MODEMFLASH_EDL_LINK=tty)",
			   m->usb.path);
		mf_err_hint(err, "load qcserial (modprobe qcserial), or unset "
				 "MODEMFLASH_EDL_LINK to use libusb");
		return NULL;
	}
	if (k == EDL_LINK_TTY)
		return open_tty(p->dev, wait_ms, log, err);
	mf_log(log, MF_LOG_INFO, "%s: EDL over libusb (interface %d)%s",
	       m->usb.path, p ? p->num : 0, tty ? ", its tty detached" : "");
	l = link_usb_open(m->usb.path, p ? p->num : 0, log, err);
	if (l || !tty || edl_link_from_env() == EDL_LINK_USB)
		return l;
	mf_log(log, MF_LOG_WARN, "%s: libusb failed (%s); using %s",
	       m->usb.path, err->msg, p->dev);
	mf_err_clear(err);
	return open_tty(p->dev, wait_ms, log, err);
}
