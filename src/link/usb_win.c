// SPDX-License-Identifier: BSD-3-Clause
/*
 * No libusb on Windows: a module in EDL is driven through its QDLoader COM
 * port (link/com_win.c). This says so when something asks for USB.
 */
#include "link/link.h"

#include <errno.h>

struct link *link_usb_open(const char *usbpath, int ifnum,
			   const struct mf_log *log, struct mf_err *err)
{
	(void)log;
	mf_err_set(err, MF_NO_DEVICE, -ENODEV,
		   "module %s interface %d: this Windows build talks to EDL "
		   "only through the QDLoader COM port",
		   usbpath, ifnum);
	mf_err_hint(err, "install the Qualcomm/Quectel USB driver so that "
			 "\"Qualcomm HS-USB QDLoader 9008 (COMn)\" appears, "
			 "then run with -d COMn");
	return NULL;
}
