/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PKG_REVISION_H
#define MF_PKG_REVISION_H

#include <stdbool.h>

/*
 * Does the module's revision (AT+QGMR: "BG95M3LAR02A03_01.009.01.009")
 * name rev? The whole string, its version part ("01.009.01.009") or its
 * first half ("01.009"), case-insensitive: modules and packages spell the
 * same firmware these ways. Used by flash's post-check and by fota.
 */
bool pkg_rev_matches(const char *qgmr, const char *rev);

#endif
