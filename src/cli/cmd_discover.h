/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_CLI_CMD_DISCOVER_H
#define MF_CLI_CMD_DISCOVER_H

/*
 * Helpers shared by list, info, doctor and usb-enable (cmd_list.c):
 * scanning, choosing a module, rendering modules for people and JSON.
 */
#include "cli/cli.h"
#include "discover/discover.h"
#include "proto/at.h"

/* Scan under --sysroot into a fresh allocation (free()). NULL + err. */
struct mf_scan *cli_scan(struct cli *cli, struct mf_err *err);

/*
 * The module -d names (or the only one). IMEI selectors ask each
 * normal-mode module's AT port. Returns the index or a negative errno with
 * err filled (status: MF_NO_DEVICE, MF_USAGE).
 */
int cli_pick(struct cli *cli, const struct mf_scan *s, struct mf_err *err);

json_object *cli_module_json(const struct mf_module *m);
json_object *cli_adapter_json(const struct mf_adapter *a);
void cli_say_module(struct cli *cli, const struct mf_module *m);

/* A port path as given, or below --sysroot when it exists only there. */
void cli_port_path(struct cli *cli, const char *port, char *out, size_t cap);

/*
 * Open port and synchronise AT (link + at_port). Returns 0 or a negative
 * errno (err filled); on success close with cli_at_close.
 */
int cli_at_open(struct cli *cli, const char *dev, struct at_port *at,
		struct mf_err *err);
void cli_at_close(struct at_port *at);

#endif
