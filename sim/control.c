// SPDX-License-Identifier: BSD-3-Clause
/*
 * Control socket DIR/control: a Unix stream socket, one command per line
 * (power-cycle, boot-pin on|off, unplug, plug, state), answered with "ok",
 * "error: <why>" or, for state, one JSON line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "sim/core.h"

int sim_control_open(struct sim *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t i;
	int fd;

	for (i = 0; i < SIM_MAX_CLIENTS; i++)
		s->clients[i] = -1;
	if ((size_t)snprintf(s->ctl_path, sizeof(s->ctl_path), "%s/control",
			     s->ctl_dir) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, s->ctl_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(s->ctl_path); /* a stale socket of a killed simulator */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4)) {
		int err = -errno;

		close(fd);
		s->ctl_path[0] = 0;
		return err;
	}
	s->ctl_fd = fd;
	return 0;
}

void sim_control_close(struct sim *s)
{
	size_t i;

	for (i = 0; i < SIM_MAX_CLIENTS; i++)
		if (s->clients[i] >= 0)
			close(s->clients[i]);
	if (s->ctl_fd >= 0)
		close(s->ctl_fd);
	s->ctl_fd = -1;
	if (s->ctl_path[0])
		unlink(s->ctl_path);
}

void sim_control_accept(struct sim *s)
{
	size_t i;
	int fd = accept4(s->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (i = 0; i < SIM_MAX_CLIENTS; i++) {
		if (s->clients[i] < 0) {
			s->clients[i] = fd;
			s->clen[i] = 0;
			return;
		}
	}
	dprintf(fd, "error: too many control connections\n");
	close(fd);
}

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static char *state_json(struct sim *s)
{
	json_object *o = json_object_new_object(),
		    *ports = json_object_new_array();
	json_object *roles = json_object_new_object();
	json_object *busy = json_object_new_object();
	json_object *storage = json_object_new_object();
	const struct sim_profile *pr = s->prof;
	char buf[16];
	size_t i;
	char *out;

	add_str(o, "mode", sim_mode_name(s));
	add_str(o, "revision", s->revision);
	json_object_object_add(o, "usb",
			       json_object_new_boolean(s->usb_enabled));
	for (i = 0; i < s->usb.nports; i++) {
		struct sim_port *p = s->usb.ports[i];

		if (!p || !p->link[0])
			continue;
		json_object_array_add(ports, json_object_new_string(p->link));
		if (s->mode == SIM_MODE_EDL)
			add_str(roles, "EDL", p->link);
		else if (i < pr->nifaces &&
			 !json_object_object_get_ex(roles, pr->ifaces[i].role,
						    NULL))
			add_str(roles, pr->ifaces[i].role, p->link);
	}
	json_object_object_add(o, "ports", ports);
	json_object_object_add(o, "roles", roles);
	json_object_object_add(o, "present",
			       json_object_new_boolean(s->usb.present));
	add_str(o, "usb_path", s->usb.present ? s->usb.path : NULL);
	snprintf(buf, sizeof(buf), "%04x", s->usb.vid);
	add_str(o, "vid", s->usb.present ? buf : NULL);
	snprintf(buf, sizeof(buf), "%04x", s->usb.pid);
	add_str(o, "pid", s->usb.present ? buf : NULL);
	json_object_object_add(
		o, "devnum",
		json_object_new_int(s->usb.present ? s->usb.devnum : 0));
	add_str(o, "uart", s->uart ? s->uart->link : NULL);
	json_object_object_add(o, "boot_pin",
			       json_object_new_boolean(s->boot_pin));
	json_object_object_add(o, "plugged",
			       json_object_new_boolean(s->plugged));
	json_object_object_add(
		o, "rebooting",
		json_object_new_boolean(s->rebooting || s->draining));
	add_str(o, "profile", pr->name);
	add_str(o, "imei", pr->imei);
	add_str(o, "state_dir", s->state);
	add_str(o, "fota",
		s->fota == FOTA_RUNNING	  ? "running"
		: s->fota == FOTA_PENDING ? "pending"
					  : "none");
	/* the module's own time so far (0 in fast timing), by kind */
	json_object_object_add(o, "busy_s",
			       json_object_new_double(sim_busy_total(s)));
	for (i = 0; i < SIM_BUSY_KINDS; i++)
		json_object_object_add(
			busy, sim_busy_name((enum sim_busy)i),
			json_object_new_double(s->busy_ms[i] / 1000.0));
	json_object_object_add(o, "busy", busy);
	for (i = SIM_BUSY_ERASE; i <= SIM_BUSY_PROGRAM; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(
			c, "commands",
			json_object_new_int64((int64_t)s->count_cmds[i]));
		json_object_object_add(
			c, "bytes",
			json_object_new_int64((int64_t)s->count_bytes[i]));
		json_object_object_add(storage, sim_busy_name((enum sim_busy)i),
				       c);
	}
	json_object_object_add(o, "storage", storage);
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return out;
}

static void reply(int fd, const char *text)
{
	size_t len = strlen(text), off = 0;
	ssize_t n;
	int tries = 0;

	/* answers are short; a client that does not read loses them */
	while (off < len && tries++ < 100) {
		n = send(fd, text + off, len - off, MSG_NOSIGNAL);
		if (n > 0)
			off += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			return;
		else
			usleep(1000);
	}
}

static void command(struct sim *s, int fd, char *line)
{
	char *js;

	sim_debug(s, "control: '%s'", line);
	if (!strcmp(line, "power-cycle")) {
		sim_power_off(s);
		s->plugged = true;
		sim_power_on(s);
	} else if (!strcmp(line, "boot-pin on")) {
		s->boot_pin = true;
	} else if (!strcmp(line, "boot-pin off")) {
		s->boot_pin = false;
	} else if (!strcmp(line, "unplug")) {
		s->plugged = false;
		s->draining = false;
		sim_usb_remove(s);
	} else if (!strcmp(line, "plug")) {
		if (s->plugged && s->usb.present) {
			reply(fd, "error: already plugged\n");
			return;
		}
		s->plugged = true;
		if (s->mode == SIM_MODE_NORMAL && !s->rebooting && !s->draining)
			sim_enumerate_normal(s);
		else if (s->mode == SIM_MODE_EDL && !s->rebooting)
			sim_enumerate_edl(s);
	} else if (!strcmp(line, "state")) {
		js = state_json(s);
		if (js) {
			reply(fd, js);
			reply(fd, "\n");
		}
		free(js);
		return;
	} else {
		reply(fd, "error: unknown command (power-cycle, boot-pin "
			  "on|off, unplug, plug, state)\n");
		return;
	}
	reply(fd, "ok\n");
}

void sim_control_input(struct sim *s, int i)
{
	char *nl;
	ssize_t n;
	int fd = s->clients[i];

	n = recv(fd, s->cbuf[i] + s->clen[i],
		 sizeof(s->cbuf[i]) - 1 - s->clen[i], 0);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close(fd);
		s->clients[i] = -1;
		return;
	}
	s->clen[i] += (size_t)n;
	s->cbuf[i][s->clen[i]] = 0;
	while ((nl = strchr(s->cbuf[i], '\n'))) {
		size_t used = (size_t)(nl - s->cbuf[i]) + 1;

		*nl = 0;
		if (nl > s->cbuf[i] && nl[-1] == '\r')
			nl[-1] = 0;
		command(s, fd, s->cbuf[i]);
		memmove(s->cbuf[i], s->cbuf[i] + used, s->clen[i] - used + 1);
		s->clen[i] -= used;
	}
	if (s->clen[i] >= sizeof(s->cbuf[i]) - 1) {
		reply(fd, "error: line too long\n");
		s->clen[i] = 0;
	}
}
