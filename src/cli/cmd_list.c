// SPDX-License-Identifier: BSD-3-Clause
/*
 * list: every module and every UART adapter found under --sysroot, with
 * ports by role. Also the helpers the other discovery commands share.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd_discover.h"

struct mf_scan *cli_scan(struct cli *cli, struct mf_err *err)
{
	struct mf_scan *s = malloc(sizeof(*s));

	if (!s) {
		mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		return NULL;
	}
	if (mf_discover_scan(cli->sysroot, s, &cli->log, err) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void cli_port_path(struct cli *cli, const char *port, char *out, size_t cap)
{
	char inside[MF_PATH_MAX];

	snprintf(out, cap, "%s", port);
	if (port[0] != '/' || !strcmp(cli->sysroot, "/"))
		return;
	mf_sysroot_path(cli->sysroot, port, inside, sizeof(inside));
	/* already below the sysroot, or only there */
	if (!strncmp(port, inside, strlen(inside) - strlen(port)) &&
	    access(port, F_OK) == 0)
		return;
	if (access(inside, F_OK) == 0)
		snprintf(out, cap, "%s", inside);
}

int cli_at_open(struct cli *cli, const char *dev, struct at_port *at,
		struct mf_err *err)
{
	struct link *l = link_tty_open(dev, &cli->log, err);
	int rc;

	if (!l)
		return err->code ? err->code : -EIO;
	rc = at_open(at, l, &cli->log, err);
	if (rc < 0)
		link_close(l);
	return rc;
}

void cli_at_close(struct at_port *at)
{
	link_close(at->link);
	at->link = NULL;
}

/* -d IMEI: ask every normal-mode module with an AT port. */
static int pick_by_imei(struct cli *cli, const struct mf_scan *s,
			const char *imei, struct mf_err *err)
{
	for (size_t i = 0; i < s->nmodules; i++) {
		const struct mf_port *p =
			mf_module_port(&s->modules[i], MF_ROLE_AT);
		struct mf_err e2 = { 0 };
		struct at_port at;
		char got[32] = "";

		if (s->modules[i].mode != MF_MODE_NORMAL || !p || !p->dev[0])
			continue;
		if (cli_at_open(cli, p->dev, &at, &e2) < 0)
			continue;
		at_query_cgsn(&at, got, sizeof(got));
		cli_at_close(&at);
		if (!strcmp(got, imei))
			return (int)i;
	}
	mf_err_set(err, MF_NO_DEVICE, -ENODEV,
		   "no module answers AT+CGSN with IMEI %s", imei);
	mf_err_hint(err, "run 'modemflash info' on each module ('modemflash "
			 "list' shows them) to see their IMEIs");
	return -ENODEV;
}

int cli_pick(struct cli *cli, const struct mf_scan *s, struct mf_err *err)
{
	int rc = mf_select(s, cli->select, err);

	if (rc != -EAGAIN)
		return rc;
	if (mf_select_kind(cli->select) == MF_SEL_IMEI)
		return pick_by_imei(cli, s, cli->select, err);
	/* a Sahara serial: the EDL module, when there is only one */
	for (size_t i = 0, n = 0; i < s->nmodules; i++) {
		if (s->modules[i].mode != MF_MODE_EDL)
			continue;
		if (++n == 1)
			rc = (int)i;
		else
			rc = -E2BIG;
	}
	if (rc >= 0)
		return rc;
	mf_err_set(err, MF_NO_DEVICE, -ENODEV,
		   "-d %s (a Sahara serial) needs exactly one module in EDL",
		   cli->select);
	mf_err_hint(err, "select EDL modules by USB path: -d USBPATH "
			 "('modemflash list')");
	return -ENODEV;
}

static json_object *port_json(const struct mf_port *p)
{
	json_object *o = json_object_new_object();
	char cls[16];

	snprintf(cls, sizeof(cls), "%02x/%02x/%02x", p->cls, p->sub, p->proto);
	json_object_object_add(o, "role",
			       json_object_new_string(mf_role_name(p->role)));
	json_object_object_add(o, "interface", json_object_new_int(p->num));
	json_object_object_add(o, "class", json_object_new_string(cls));
	json_object_object_add(o, "driver",
			       p->driver[0] ? json_object_new_string(p->driver)
					    : NULL);
	json_object_object_add(
		o, "tty", p->tty[0] ? json_object_new_string(p->tty) : NULL);
	json_object_object_add(
		o, "dev", p->dev[0] ? json_object_new_string(p->dev) : NULL);
	return o;
}

static void usb_json(json_object *o, const struct mf_usb_dev *d)
{
	char id[16];

	snprintf(id, sizeof(id), "%04x:%04x", d->vid, d->pid);
	json_object_object_add(o, "usb_path", json_object_new_string(d->path));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "busnum", json_object_new_int(d->busnum));
	json_object_object_add(o, "devnum", json_object_new_int(d->devnum));
	json_object_object_add(o, "speed", json_object_new_int(d->speed));
	json_object_object_add(o, "manufacturer",
			       json_object_new_string(d->manufacturer));
	json_object_object_add(o, "product",
			       json_object_new_string(d->product));
	json_object_object_add(o, "serial", json_object_new_string(d->serial));
}

json_object *cli_module_json(const struct mf_module *m)
{
	json_object *o = json_object_new_object();
	json_object *ports = json_object_new_array();
	json_object *roles = json_object_new_object();

	usb_json(o, &m->usb);
	json_object_object_add(
		o, "model",
		json_object_new_string(m->id ? m->id->models
					     : "unknown Quectel device"));
	json_object_object_add(o, "mode",
			       json_object_new_string(mf_mode_name(m->mode)));
	json_object_object_add(
		o, "composition",
		m->id && m->id->composition
			? json_object_new_string(m->id->composition)
			: NULL);
	json_object_object_add(o, "chip",
			       m->chip ? json_object_new_string(m->chip->name)
				       : NULL);
	for (size_t i = 0; i < m->usb.nports; i++) {
		const struct mf_port *p = &m->usb.ports[i];

		json_object_array_add(ports, port_json(p));
		if (p->dev[0] && !json_object_object_get_ex(
					 roles, mf_role_name(p->role), NULL))
			json_object_object_add(roles, mf_role_name(p->role),
					       json_object_new_string(p->dev));
	}
	json_object_object_add(o, "ports", ports);
	json_object_object_add(o, "by_role", roles);
	return o;
}

json_object *cli_adapter_json(const struct mf_adapter *a)
{
	json_object *o = json_object_new_object();
	json_object *ports = json_object_new_array();

	usb_json(o, &a->usb);
	json_object_object_add(o, "name", json_object_new_string(a->id->name));
	for (size_t i = 0; i < a->usb.nports; i++)
		json_object_array_add(ports, port_json(&a->usb.ports[i]));
	json_object_object_add(o, "ports", ports);
	return o;
}

void cli_say_module(struct cli *cli, const struct mf_module *m)
{
	cli_say(cli, "%-8s %04x:%04x  %-7s %s%s%s%s", m->usb.path, m->usb.vid,
		m->usb.pid, mf_mode_name(m->mode),
		m->id ? m->id->models : "unknown Quectel device",
		m->id && m->id->composition ? " (" : "",
		m->id && m->id->composition ? m->id->composition : "",
		m->id && m->id->composition ? ")" : "");
	for (size_t i = 0; i < m->usb.nports; i++) {
		const struct mf_port *p = &m->usb.ports[i];

		cli_say(cli, "    %-8s if%-2d %s%s%s", mf_role_name(p->role),
			p->num, p->dev[0] ? p->dev : "(no tty)",
			p->driver[0] ? "  driver " : "  unbound", p->driver);
	}
}

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
	s = cli_scan(cli, &err);
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
