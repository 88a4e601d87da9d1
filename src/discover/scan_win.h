/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_DISCOVER_SCAN_WIN_H
#define MF_DISCOVER_SCAN_WIN_H

#include "discover/discover.h"

/* The machine's USB devices and COM ports through SetupAPI (Windows). */
int mf_win_scan(struct mf_scan *out, const struct mf_log *log,
		struct mf_err *err);

/* After a sysfs walk below sysroot: its ttys as COM ports
 * (<sysroot>/windows/com-ports, discover/ids_win.h). */
void mf_win_sysroot_map(const char *sysroot, struct mf_scan *s);

#endif
