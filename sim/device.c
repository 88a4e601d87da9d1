// SPDX-License-Identifier: BSD-3-Clause
/*
 * The module's life: power-on (boot ROM decision), enumeration in normal
 * and EDL mode, reboots, power-off, link drops, and the requests handlers
 * make (carried out after they return, from the loop).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/core.h"

enum sim_after {
	AFTER_REBOOT,
	AFTER_POWER_OFF,
	AFTER_EDL,
	AFTER_RESET,
};

const struct sim_profile *sim_profile(const struct sim *s)
{
	return s->prof;
}

struct sim_nand *sim_get_nand(struct sim *s)
{
	return s->nand;
}

const char *sim_state_dir(const struct sim *s)
{
	return s->state;
}

void sim_debug(const struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->verbose)
		return;
	fprintf(stderr, "modemflash-sim[%s]: ", s->prof ? s->prof->name : "-");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *sim_mode_name(const struct sim *s)
{
	switch (s->mode) {
	case SIM_MODE_NORMAL:
		return "normal";
	case SIM_MODE_EDL:
		if (s->usb.nports && s->usb.ports[0] && s->usb.ports[0]->edl)
			return sim_edl_phase(s->usb.ports[0]->edl);
		return "sahara";
	case SIM_MODE_SILENT:
		return "silent";
	default:
		return "off";
	}
}

int sim_settings_save(struct sim *s)
{
	char p[SIM_PATH_MAX + 16];
	FILE *f;

	snprintf(p, sizeof(p), "%s/settings", s->state);
	f = fopen(p, "we");
	if (!f)
		return -errno;
	fprintf(f, "disusb=%d\n", s->usb_enabled ? 0 : 1);
	return fclose(f) ? -EIO : 0;
}

/* Send a line (with CR LF around it) to the URC ports: USB AT and UART. */
void sim_broadcast_at(struct sim *s, const char *line)
{
	size_t i;

	for (i = 0; i < s->usb.nports; i++) {
		struct sim_port *p = s->usb.ports[i];

		if (p && p->urc && !p->gone && s->mode == SIM_MODE_NORMAL) {
			sim_port_puts(p, "\r\n");
			sim_port_puts(p, line);
			sim_port_puts(p, "\r\n");
		}
	}
	if (s->uart && s->mode == SIM_MODE_NORMAL) {
		sim_port_puts(s->uart, "\r\n");
		sim_port_puts(s->uart, line);
		sim_port_puts(s->uart, "\r\n");
	}
}

void sim_usb_remove(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->usb.nports; i++)
		if (s->usb.ports[i] && s->usb.ports[i] == s->drain_port)
			s->drain_port = NULL;
	sim_tree_remove_device(s, &s->usb);
}

static enum sim_role role_of(const char *role)
{
	if (!strcmp(role, "DIAG"))
		return ROLE_DIAG;
	if (!strcmp(role, "AT") || !strcmp(role, "MODEM"))
		return ROLE_AT;
	return ROLE_NONE;
}

void sim_enumerate_normal(struct sim *s)
{
	const struct sim_profile *pr = s->prof;
	struct sim_usbdev *d = &s->usb;
	size_t i;

	if (d->present || !s->plugged || !s->usb_enabled ||
	    s->mode != SIM_MODE_NORMAL)
		return;
	snprintf(d->path, sizeof(d->path), "%s", s->normal_path);
	d->vid = pr->vid;
	d->pid = pr->pid;
	d->bcd = pr->bcd_device;
	d->manufacturer = pr->manufacturer;
	d->product = pr->product;
	d->serial = pr->usb_serial;
	d->speed = pr->speed_mbps;
	d->nports = pr->nifaces;
	for (i = 0; i < pr->nifaces; i++) {
		const struct sim_iface *ifc = &pr->ifaces[i];

		d->ports[i] = NULL;
		if (!ifc->tty)
			continue;
		d->ports[i] = sim_port_new(s, role_of(ifc->role));
		if (!d->ports[i])
			continue;
		d->ports[i]->urc = !strcmp(ifc->role, "AT");
	}
	if (sim_tree_add_device(s, d))
		fprintf(stderr,
			"modemflash-sim: cannot build the device tree under "
			"%s\n",
			s->root);
}

void sim_enumerate_edl(struct sim *s)
{
	struct sim_usbdev *d = &s->usb;
	struct sim_port *p;

	if (d->present || !s->plugged || s->mode != SIM_MODE_EDL)
		return;
	snprintf(d->path, sizeof(d->path), "%s", s->edl_path);
	d->vid = 0x05c6;
	d->pid = 0x9008;
	d->bcd = 0x0000;
	d->manufacturer = "Qualcomm CDMA Technologies MSM";
	d->product = "QUSB__BULK";
	d->serial = NULL;
	d->speed = s->prof->edl_speed_mbps;
	p = sim_port_new(s, ROLE_EDL);
	d->ports[0] = p;
	d->nports = 1;
	if (p) {
		/* one Sahara packet, one Firehose document per host read */
		p->gated = true;
		p->noflow = sim_fault_value(s, "noflow") != NULL;
		/* a fresh ttyUSB, cooked: the HELLO comes back as an echo */
		if (sim_fault_once(s, "echo", NULL))
			sim_port_cooked(p);
		/*
		 * The PBL's HELLO waits in the IN endpoint until a host polls:
		 * here in the pty before its link exists, so a host that
		 * reads right after open finds it whole.
		 */
		p->edl = sim_edl_new(s, p);
		sim_edl_start(p->edl);
	}
	if (!p || sim_tree_add_device(s, d)) {
		fprintf(stderr,
			"modemflash-sim: cannot build the EDL device under "
			"%s\n",
			s->root);
		return;
	}
}

static void boot_urcs(struct sim *s)
{
	const char *const *u;

	if (s->fota != FOTA_NONE || !s->prof->boot_urcs)
		return;
	for (u = s->prof->boot_urcs; *u; u++)
		sim_broadcast_at(s, *u);
}

/*
 * A FOTA boot prints its URCs once someone listens: a real module takes
 * seconds, time enough for the host to reopen the port; in fast timing
 * there is no such time, so wait (at most FOTA_LISTEN_MS) for an opener.
 */
#define FOTA_LISTEN_MS 3000

static bool urc_listener(const struct sim *s)
{
	size_t i;

	if (s->uart && s->uart->opened)
		return true;
	for (i = 0; i < s->usb.nports; i++)
		if (s->usb.ports[i] && s->usb.ports[i]->urc &&
		    s->usb.ports[i]->opened)
			return true;
	return false;
}

static void t_fota_listen(struct sim *s, long gen)
{
	if ((unsigned)gen != s->gen || s->mode != SIM_MODE_NORMAL ||
	    s->fota != FOTA_PENDING)
		return;
	if (!urc_listener(s) && sim_now_ms() < s->drain_until) {
		sim_timer_add(s, 10, t_fota_listen, gen);
		return;
	}
	sim_fota_boot(s);
}

static void t_enum_normal(struct sim *s, long gen)
{
	if ((unsigned)gen != s->gen || s->mode != SIM_MODE_NORMAL)
		return;
	s->rebooting = false;
	sim_enumerate_normal(s);
	if (s->fota != FOTA_NONE) {
		s->drain_until = sim_now_ms() + FOTA_LISTEN_MS;
		t_fota_listen(s, gen);
	} else {
		boot_urcs(s);
	}
}

static void t_enum_edl(struct sim *s, long gen)
{
	if ((unsigned)gen != s->gen || s->mode != SIM_MODE_EDL)
		return;
	s->rebooting = false;
	sim_enumerate_edl(s);
}

void sim_power_on(struct sim *s)
{
	char rev[SIM_REV_MAX] = "";
	enum sim_boot b;

	s->gen++;
	s->cfun = 1;
	b = sim_boot_check(s, s->boot_pin, rev, sizeof(rev));
	sim_debug(s, "power on: boot %d, revision '%s'", (int)b, rev);
	switch (b) {
	case SIM_BOOT_NORMAL:
		s->mode = SIM_MODE_NORMAL;
		if (rev[0])
			snprintf(s->revision, sizeof(s->revision), "%s", rev);
		s->rebooting = true;
		sim_timer_add(
			s, sim_delay_ms(s, SIM_BUSY_BOOT, s->prof->reboot_ms),
			t_enum_normal, s->gen);
		break;
	case SIM_BOOT_EDL:
		s->mode = SIM_MODE_EDL;
		s->rebooting = true;
		sim_timer_add(
			s, sim_delay_ms(s, SIM_BUSY_ENUM, s->prof->edl_enum_ms),
			t_enum_edl, s->gen);
		break;
	default:
		s->mode = SIM_MODE_SILENT;
		break;
	}
}

void sim_power_off(struct sim *s)
{
	s->gen++;
	s->draining = false;
	sim_usb_remove(s);
	s->mode = SIM_MODE_OFF;
	s->rebooting = false;
	if (s->uart)
		sim_at_reset(&s->uart->at);
	if (s->fota == FOTA_RUNNING) {
		s->fota = FOTA_PENDING; /* resumes at the next boot */
		s->fota_resumed = true;
	}
}

/* After the drain: what the pending transition does. */
static void after_drain(struct sim *s, int next)
{
	s->draining = false;
	s->drain_port = NULL;
	switch (next) {
	case AFTER_REBOOT:
	case AFTER_RESET:
		sim_power_off(s);
		sim_power_on(s);
		break;
	case AFTER_POWER_OFF:
		sim_power_off(s);
		break;
	case AFTER_EDL:
		sim_usb_remove(s);
		s->gen++;
		s->mode = SIM_MODE_EDL;
		s->rebooting = true;
		sim_timer_add(
			s, sim_delay_ms(s, SIM_BUSY_ENUM, s->prof->edl_enum_ms),
			t_enum_edl, s->gen);
		break;
	}
}

static void t_drain(struct sim *s, long gen)
{
	if ((unsigned)gen != s->gen || !s->draining)
		return;
	/* the host may close the port without reading the last logs */
	if (s->drain_port && s->drain_port->opened &&
	    sim_port_unread(s->drain_port) && sim_now_ms() < s->drain_until) {
		sim_timer_add(s, 10, t_drain, gen);
		return;
	}
	after_drain(s, s->drain_next);
}

/*
 * Let the last answer on port reach the host, then next. Up to 5 s: a
 * loaded test machine may be slow to read, and losing the ACK would make
 * the host report a failure the real module would not cause.
 */
static void drain_then(struct sim *s, struct sim_port *port, int next)
{
	s->draining = true;
	s->drain_port = port;
	s->drain_next = next;
	s->drain_until = sim_now_ms() + 5000;
	if (s->mode == SIM_MODE_NORMAL)
		s->rebooting = true; /* no more answers on the UART meanwhile */
	sim_timer_add(s, 0, t_drain, s->gen);
}

void sim_reboot(struct sim *s, struct sim_port *from)
{
	drain_then(s, from, AFTER_REBOOT);
}

void sim_shutdown(struct sim *s, struct sim_port *from)
{
	drain_then(s, from, AFTER_POWER_OFF);
}

void sim_request(struct sim *s, enum sim_request req)
{
	switch (req) {
	case SIM_REQ_RESET:
		s->req_reset = true;
		break;
	case SIM_REQ_POWER_OFF:
		s->req_off = true;
		break;
	case SIM_REQ_EDL:
		s->req_edl = true;
		break;
	}
}

void sim_drop_link(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->usb.nports; i++)
		if (s->usb.ports[i])
			s->usb.ports[i]->gone = true;
	s->req_drop = true;
}

static struct sim_port *usb_port0(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->usb.nports; i++)
		if (s->usb.ports[i] && (s->usb.ports[i]->role == ROLE_EDL ||
					s->usb.ports[i]->role == ROLE_DIAG))
			return s->usb.ports[i];
	return NULL;
}

void sim_handle_requests(struct sim *s)
{
	if (s->req_drop) {
		s->req_drop = false;
		s->req_reset = s->req_off = s->req_edl = false;
		s->plugged = false;
		s->draining = false;
		sim_usb_remove(s);
		sim_debug(s, "link dropped");
		return;
	}
	if (s->draining)
		return;
	if (s->req_off) {
		s->req_off = s->req_reset = s->req_edl = false;
		drain_then(s, usb_port0(s), AFTER_POWER_OFF);
	} else if (s->req_reset) {
		s->req_reset = s->req_edl = false;
		drain_then(s, usb_port0(s), AFTER_RESET);
	} else if (s->req_edl) {
		s->req_edl = false;
		drain_then(s, usb_port0(s), AFTER_EDL);
	}
}
