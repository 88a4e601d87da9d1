// SPDX-License-Identifier: BSD-3-Clause
/*
 * list: every module and every UART adapter found under --sysroot, with
 * ports by role.
 */
#include <stdlib.h>

#include "cli/show_module.h"
#include "ops/select.h"

static void say_adapter(struct cli *cli, const struct mf_adapter *a)
{
	const struct mf_port *p = mf_adapter_port(a);

	cli_say(cli, "%-8s %04x:%04x  %s  %s", a->usb.path, a->usb.vid,
		a->usb.pid, a->id->name, p ? p->dev : "(no tty)");
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	json_object *res, *mods, *ads;
	struct mf_err err = { 0 };
	struct mf_scan *s;

	if (argc > 1)
		return cli_usage(cli, "list", "takes no arguments");
	s = ops_scan(cli->sysroot, &cli->log, &err);
	if (!s)
		return cli_fail(cli, "list", &err);
	mods = json_object_new_array();
	ads = json_object_new_array();
	if (!s->nmodules)
		cli_say(cli, "no modules found");
	for (size_t i = 0; i < s->nmodules; i++) {
		cli_say_module(cli, &s->modules[i]);
		json_object_array_add(mods, cli_module_json(&s->modules[i]));
	}
	if (s->nadapters)
		cli_say(cli, "UART adapters (not modules):");
	for (size_t i = 0; i < s->nadapters; i++) {
		say_adapter(cli, &s->adapters[i]);
		json_object_array_add(ads, cli_adapter_json(&s->adapters[i]));
	}
	free(s);
	res = json_object_new_object();
	json_object_object_add(res, "modules", mods);
	json_object_object_add(res, "adapters", ads);
	/* zero modules is an answer, not a failure: exit 0 */
	return cli_result(cli, "list", res, 0);
}
