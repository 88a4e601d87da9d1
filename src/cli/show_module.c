// SPDX-License-Identifier: BSD-3-Clause
/*
 * A module and a UART adapter, for people and as JSON: shared by list,
 * info, doctor, usb-enable.
 */
#include <stdio.h>

#include "cli/show_module.h"

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
	/* the USB id says a family ("BG95-M3/BG77"); "model" is its old name,
	 * kept as an alias (docs/json.md): elsewhere a model is what ATI says */
	json_object_object_add(
		o, "family",
		json_object_new_string(m->id ? m->id->models
					     : "unknown Quectel device"));
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
