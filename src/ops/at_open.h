/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_AT_OPEN_H
#define MF_OPS_AT_OPEN_H

#include "base/err.h"
#include "base/log.h"
#include "discover/discover.h"
#include "proto/at.h"

/*
 * The one way the commands open an AT port: a tty link bound to an
 * at_port and synchronised (at_open). FOTA keeps its own opener because
 * it binds a URC callback and must see "RDY" during the handshake.
 */

/*
 * Open dev and synchronise AT. Returns 0 or a negative errno with err
 * filled; on success close with ops_at_close.
 */
int ops_at_open(const char *dev, struct at_port *at, const struct mf_log *log,
		struct mf_err *err);

/* The same over m's AT port; "module X has no AT port" without one. */
int ops_at_open_module(const struct mf_module *m, struct at_port *at,
		       const struct mf_log *log, struct mf_err *err);

/* Close the link under at (at may have been opened or not). */
void ops_at_close(struct at_port *at);

#endif
