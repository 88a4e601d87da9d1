// SPDX-License-Identifier: BSD-3-Clause
/*
 * A module in EDL described for the link's transport choice (link/link.h):
 * its bus position, its Sahara interface and tty, and a fresh look for the
 * tty when the serial driver binds after the device appears.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover/discover.h"
#include "link/link.h"

static void fill_port(struct link_edl_dev *d, const struct mf_module *m)
{
	const struct mf_port *p = mf_module_port(m, MF_ROLE_SAHARA);

	d->ifnum = p ? p->num : 0;
	snprintf(d->tty, sizeof(d->tty), "%s", p ? p->dev : "");
}

/* Scan again: the same USB path, still in EDL, now with a Sahara tty. */
static bool edl_refresh(struct link_edl_dev *d)
{
	struct mf_scan *s = malloc(sizeof(*s));
	struct mf_err e = { 0 };
	bool found = false;

	if (!s)
		return false;
	if (mf_discover_scan(d->sysroot, s, NULL, &e) == 0) {
		for (size_t i = 0; i < s->nmodules && !found; i++) {
			const struct mf_module *x = &s->modules[i];
			const struct mf_port *p;

			if (strcmp(x->usb.path, d->usbpath) ||
			    x->mode != MF_MODE_EDL)
				continue;
			p = mf_module_port(x, MF_ROLE_SAHARA);
			if (p && p->dev[0]) {
				fill_port(d, x);
				found = true;
			}
		}
	}
	free(s);
	return found;
}

void mf_module_edl_dev(const char *sysroot, const struct mf_module *m,
		       struct link_edl_dev *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->sysroot, sizeof(d->sysroot), "%s", sysroot ? sysroot : "");
	snprintf(d->usbpath, sizeof(d->usbpath), "%s", m->usb.path);
	d->busnum = m->usb.busnum;
	d->devnum = m->usb.devnum;
	fill_port(d, m);
	d->refresh = m->mode == MF_MODE_EDL ? edl_refresh : NULL;
}
