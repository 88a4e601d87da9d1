// SPDX-License-Identifier: BSD-3-Clause
/*
 * The physical identity of a USB position: the host controller and the
 * port chain. A module that re-enumerates (normal mode -> 9008 EDL -> normal,
 * a USB3 module coming back as USB2 on the controller's other bus) keeps
 * both, while its bus number, device number and ttys change.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover/discover.h"

#ifndef _WIN32
/* "usb3" (a root hub in a sysfs path), not "usb3-port1" or "1-1.4" */
static bool is_root_hub(const char *c, size_t n)
{
	if (n < 4 || strncmp(c, "usb", 3))
		return false;
	for (size_t i = 3; i < n; i++)
		if (c[i] < '0' || c[i] > '9')
			return false;
	return true;
}

/* The component before "usbN" in the device's real path, "" unknown. */
static void controller_of(const char *sysroot, const char *usbpath, char *out,
			  size_t cap)
{
	char rel[MF_PATH_MAX], link[MF_PATH_MAX], real[PATH_MAX];
	const char *prev = NULL, *c;
	size_t prevn = 0;

	out[0] = '\0';
	snprintf(rel, sizeof(rel), "/sys/bus/usb/devices/%s", usbpath);
	mf_sysroot_path(sysroot, rel, link, sizeof(link));
	if (!realpath(link, real))
		return;
	for (c = real; *c;) {
		const char *end;
		size_t n;

		while (*c == '/')
			c++;
		end = strchr(c, '/');
		n = end ? (size_t)(end - c) : strlen(c);
		if (is_root_hub(c, n)) {
			if (prev && prevn < cap)
				snprintf(out, cap, "%.*s", (int)prevn, prev);
			return;
		}
		prev = c;
		prevn = n;
		c += n;
	}
}
#endif

void mf_usb_phys_key(const char *sysroot, const char *usbpath, char *out,
		     size_t cap)
{
	char ctl[128] = "";
	size_t i;

#ifndef _WIN32
	controller_of(sysroot, usbpath, ctl, sizeof(ctl));
#else
	(void)sysroot;
#endif
	if (ctl[0])
		snprintf(out, cap, "%s+%s", ctl, mf_usb_chain(usbpath));
	else
		snprintf(out, cap, "%s", mf_usb_chain(usbpath));
	/* a file name: nothing that walks out of the lock folder */
	for (i = 0; out[i]; i++)
		if (out[i] == '/' || out[i] == '\\')
			out[i] = '_';
}
