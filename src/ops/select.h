/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_SELECT_H
#define MF_OPS_SELECT_H

#include <stddef.h>

#include "base/err.h"
#include "base/log.h"
#include "discover/discover.h"

/*
 * Which module a command works on: the scan under --sysroot and the -d
 * selector, shared by every command.
 */

/* Scan under sysroot into a fresh allocation (free()). NULL + err. */
struct mf_scan *ops_scan(const char *sysroot, const struct mf_log *log,
			 struct mf_err *err);

/*
 * The module sel names (or the only one; sel may be NULL). IMEI selectors
 * ask each normal-mode module's AT port. Returns the index or a negative
 * errno with err filled (status: MF_NO_DEVICE, MF_USAGE).
 */
int ops_pick(const struct mf_scan *s, const char *sel, const struct mf_log *log,
	     struct mf_err *err);

/* Scan and pick in one: a copy of the module into out. 0 or -errno. */
int ops_find_module(const char *sysroot, const char *sel, struct mf_module *out,
		    const struct mf_log *log, struct mf_err *err);

/* A port path as given, or below sysroot when it exists only there. */
void ops_port_path(const char *sysroot, const char *port, char *out,
		   size_t cap);

#endif
