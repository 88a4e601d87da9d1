/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_LINK_EDL_H
#define MF_LINK_EDL_H

#include <stdbool.h>

#include "base/err.h"
#include "base/log.h"
#include "link/link.h"

/*
 * Which transport reaches a module in EDL (05c6:9008). The default is the
 * usb link (libusb, the kernel driver detached) when the device node is
 * accessible, else the Sahara port's tty (qcserial): libusb has no ECHO
 * race and no silent loss on reads (docs/usbvm.md), and without qcserial
 * there is no tty at all. Under a sysroot other than "/" the device is
 * simulated and only its tty exists. MODEMFLASH_EDL_LINK=tty|usb in the
 * environment forces one (tests, and a way out when one path misbehaves
 * on a given host).
 */
enum link_edl_kind {
	LINK_EDL_AUTO,
	LINK_EDL_TTY,
	LINK_EDL_USB,
};

#define LINK_EDL_PATH_MAX 512

/*
 * A device in EDL as the link sees it (filled by discovery,
 * mf_module_edl_dev()): where it is on the bus, its Sahara interface and
 * that interface's tty node if one is bound.
 */
struct link_edl_dev {
	char sysroot[LINK_EDL_PATH_MAX]; /* "/": a real host */
	char usbpath[64];		 /* "1-1.4" */
	int busnum, devnum;		 /* /dev/bus/usb/BBB/DDD, 0 unknown */
	int ifnum;			 /* the Sahara interface */
	char tty[LINK_EDL_PATH_MAX];	 /* its tty node, "" none (yet) */
	/*
	 * Look again for the tty (the serial driver binds a moment after the
	 * device appears): update tty and ifnum, true when the tty is there.
	 * NULL: never wait for it.
	 */
	bool (*refresh)(struct link_edl_dev *d);
};

/* The choice for d (pure apart from the device node's access check). */
enum link_edl_kind link_edl_choose(const struct link_edl_dev *d,
				   enum link_edl_kind forced);

/* MODEMFLASH_EDL_LINK parsed; AUTO when unset or unknown. */
enum link_edl_kind link_edl_from_env(void);

/*
 * Open the Sahara/Firehose interface of d as chosen above (the
 * environment's choice first). When libusb cannot reach a device that has
 * no tty yet, wait up to wait_ms for its tty (d->refresh); the tty node may
 * also lag behind the USB device by up to wait_ms. libusb failing on a
 * device with a tty falls back to the tty unless usb was forced. NULL with
 * err filled.
 */
struct link *link_edl_open(struct link_edl_dev *d, int wait_ms,
			   const struct mf_log *log, struct mf_err *err);

#endif
