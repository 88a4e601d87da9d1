/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_EDL_LINK_H
#define MF_OPS_EDL_LINK_H

#include <stdbool.h>

#include "base/err.h"
#include "base/log.h"
#include "discover/discover.h"
#include "link/link.h"

/*
 * Which transport reaches a module in EDL (05c6:9008). The default is the
 * usb link (libusb, the kernel driver detached) when the device node is
 * accessible, else the Sahara port's tty (qcserial): libusb has no ECHO
 * race and no silent loss on reads (docs/usbvm.md, findings 1, 2),
 * and without qcserial there is no tty at all. Under a --sysroot other
 * than "/" the device is simulated and only its tty exists.
 * MODEMFLASH_EDL_LINK=tty|usb in the environment forces one (tests, and a
 * way out when one path misbehaves on a given host).
 */
enum edl_link_kind {
	EDL_LINK_AUTO,
	EDL_LINK_TTY,
	EDL_LINK_USB,
};

/* The choice for m (pure apart from the access check and environment). */
enum edl_link_kind edl_link_choose(const char *sysroot,
				   const struct mf_module *m,
				   enum edl_link_kind forced);

/* MODEMFLASH_EDL_LINK parsed; AUTO when unset or unknown. */
enum edl_link_kind edl_link_from_env(void);

/*
 * Open the Sahara/Firehose interface of m (in EDL) as chosen above; the
 * tty node may lag behind the USB device by up to wait_ms. NULL with err
 * filled ("in EDL but has no Sahara port" only when neither exists).
 */
struct link *edl_link_open(const char *sysroot, const struct mf_module *m,
			   int wait_ms, const struct mf_log *log,
			   struct mf_err *err);

#endif
