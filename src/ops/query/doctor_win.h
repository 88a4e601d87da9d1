/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_QUERY_DOCTOR_WIN_H
#define MF_OPS_QUERY_DOCTOR_WIN_H

#include <stdbool.h>

#include "discover/discover.h"
#include "ops/query/doctor.h"

/*
 * Windows: a module on USB whose DM (or, in EDL, Sahara) interface has no
 * COM port lacks its driver. Fills f (id, severity, texts) with which
 * driver to install and returns true; false when nothing is missing.
 */
bool doctor_win_driver(const struct mf_module *m, struct doctor_finding *f);

/*
 * Is port there? A COM name is asked of the port itself (a COM port is
 * no file: access() says nothing of it); a busy port is there. Other
 * paths as access(F_OK). false with errno set.
 */
bool doctor_win_port_present(const char *port);

#endif
