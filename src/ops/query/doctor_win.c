// SPDX-License-Identifier: BSD-3-Clause
/*
 * The doctor's Windows finding: which driver a module needs when its
 * interfaces are on USB but the one modemflash talks to has no COM port.
 * On Windows the ports come from vendor drivers, not from the kernel:
 * Quectel's USB driver package makes AT, DM and NMEA COM ports in normal
 * mode, and its QDLoader part "Qualcomm HS-USB QDLoader 9008 (COMn)" in
 * EDL. Device Manager shows the interface with a yellow mark meanwhile.
 */
#include <windows.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "discover/ids_win.h"
#include "ops/query/doctor_win.h"

bool doctor_win_port_present(const char *port)
{
	char dev[64];
	HANDLE h;
	DWORD e;

	if (!mf_win_is_com_name(port))
		return access(port, F_OK) == 0;
	snprintf(dev, sizeof(dev), "%s%s",
		 strncmp(port, "\\\\.\\", 4) ? "\\\\.\\" : "", port);
	h = CreateFileA(dev, 0, 0, NULL, OPEN_EXISTING, 0, NULL);
	if (h != INVALID_HANDLE_VALUE) {
		CloseHandle(h);
		return true;
	}
	e = GetLastError();
	if (e == ERROR_ACCESS_DENIED || e == ERROR_SHARING_VIOLATION)
		return true;
	errno = ENOENT;
	return false;
}

bool doctor_win_driver(const struct mf_module *m, struct doctor_finding *f)
{
	enum mf_role want =
		m->mode == MF_MODE_EDL ? MF_ROLE_SAHARA : MF_ROLE_DIAG;
	const struct mf_port *p = mf_module_port(m, want);
	const char *models = m->id ? m->id->models : "unknown model";

	if (!p || p->dev[0] ||
	    (m->mode != MF_MODE_NORMAL && m->mode != MF_MODE_EDL))
		return false;
	memset(f, 0, sizeof(*f));
	f->severity = "error";
	if (want == MF_ROLE_SAHARA) {
		f->id = "no-qdloader-driver";
		snprintf(f->message, sizeof(f->message),
			 "the module at %s is in EDL (%04x:%04x) but has no "
			 "COM port: the Qualcomm HS-USB QDLoader 9008 driver "
			 "is not installed",
			 m->usb.path, m->usb.vid, m->usb.pid);
		snprintf(f->fix, sizeof(f->fix),
			 "install the QDLoader 9008 driver (part of Quectel's "
			 "Windows USB driver package); \"Qualcomm HS-USB "
			 "QDLoader 9008 (COMn)\" then appears under Ports "
			 "(COM & LPT) and modemflash -d COMn flash PKG "
			 "continues");
	} else {
		f->id = "no-dm-driver";
		snprintf(f->message, sizeof(f->message),
			 "%s (%04x:%04x, %s) is on USB but its DM interface "
			 "(%d) has no COM port: Quectel's USB driver is not "
			 "installed (or not for this product ID)",
			 m->usb.path, m->usb.vid, m->usb.pid, models, p->num);
		snprintf(f->fix, sizeof(f->fix),
			 "install Quectel's Windows USB driver package "
			 "(Quectel_Windows_USB_Driver, from Quectel or your "
			 "distributor); \"Quectel USB DM Port (COMn)\" then "
			 "appears under Ports (COM & LPT)");
	}
	snprintf(f->evidence, sizeof(f->evidence),
		 "interface %d (%s role), class %02x/%02x/%02x, driver %s, "
		 "no COM port",
		 p->num, mf_role_name(p->role), p->cls, p->sub, p->proto,
		 p->driver[0] ? p->driver : "none");
	return true;
}
