/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_CLI_SHOW_MODULE_H
#define MF_CLI_SHOW_MODULE_H

/*
 * Rendering of scanned modules and adapters (show_module.c), shared by
 * list, info, doctor and usb-enable.
 */
#include "cli/cli.h"
#include "discover/discover.h"

json_object *cli_module_json(const struct mf_module *m);
json_object *cli_adapter_json(const struct mf_adapter *a);
void cli_say_module(struct cli *cli, const struct mf_module *m);

#endif
