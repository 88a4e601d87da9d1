// SPDX-License-Identifier: BSD-3-Clause
/*
 * doctor: why can this module not be updated? Every finding carries its
 * evidence and the exact fix, so that one run explains field report 1
 * (a UART adapter, USB switched off in the module, a restart needed).
 * usb-enable: the fix for that case.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "link/link.h"
#include "ops/at_open.h"
#include "ops/lock.h"
#include "ops/mm.h"
#include "ops/query/doctor.h"
#include "ops/select.h"
#include "proto/sahara.h"
#ifdef _WIN32
#include "ops/query/doctor_win.h"
#endif

#ifdef _WIN32
#define MF_WIN 1 /* Linux driver fixes do not apply */
#else
#define MF_WIN 0
#endif

static bool port_present(const char *path)
{
#ifdef _WIN32
	return doctor_win_port_present(path);
#else
	return access(path, F_OK) == 0;
#endif
}

/* where meson install puts the rule (meson.build: udevrulesdir) */
#ifndef MF_UDEV_RULES
#define MF_UDEV_RULES "/usr/lib/udev/rules.d/60-modemflash.rules"
#endif

/* One run: the report being filled and what the checks learnt. */
struct doctor {
	struct doctor_report *r;
	const char *sysroot;
	const struct mf_log *log;
	struct mf_scan *scan;
	const char *port;	     /* --port as given */
	char port_path[MF_PATH_MAX]; /* resolved below the sysroot */
	/* a permission finding said once per kind: ttys, the EDL USB node */
	bool denied_tty, denied_usb;
	/* what the UART said */
	bool uart_answers;
	char uart_model[32];
	int disusb;    /* -1 unknown */
	int usb_event; /* -1 unknown */
	/* what ModemManager says over D-Bus (absent: mm NULL) */
	struct mf_mm *mm;
	char mm_version[32];
	struct mf_mm_modem mmv[MF_MM_MAX_MODEMS];
	int nmm;
};

static struct doctor_finding *add(struct doctor *d, const char *id,
				  const char *sev)
{
	struct doctor_report *r = d->r;
	struct doctor_finding *f =
		&r->f[r->n < DOCTOR_MAX_FINDINGS ? r->n++
						 : DOCTOR_MAX_FINDINGS - 1];

	memset(f, 0, sizeof(*f));
	f->id = id;
	f->severity = sev;
	return f;
}

/* Findings are best effort text: a long path may be cut, never overrun. */
static void setf(char *out, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void setf(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, cap, fmt, ap);
	va_end(ap);
}

#define SET(field, ...) setf((field), sizeof(field), __VA_ARGS__)

/* Number after "<prefix>" in an AT reply, or -1. */
static int reply_int(struct at_port *at, const char *cmd, const char *prefix,
		     char *line, size_t cap)
{
	struct at_reply r;
	char v[32];

	if (at_cmd(at, cmd, AT_DEFAULT_TIMEOUT_MS, &r) < 0)
		return -1;
	if (at_reply_find(&r, prefix, v, sizeof(v)) < 0)
		return -1;
	snprintf(line, cap, "%s%s", prefix, v);
	return v[0] >= '0' && v[0] <= '9' ? atoi(v) : -1;
}

/* MM's modem object for module m, or NULL (MM absent or not managing m). */
static const struct mf_mm_modem *mm_modem_of(struct doctor *d,
					     const struct mf_module *m)
{
	int i = m && d->mm ? mf_mm_match(d->mmv, (size_t)d->nmm, d->sysroot, m)
			   : -1;

	return i < 0 ? NULL : &d->mmv[i];
}

static void check_holders(struct doctor *d, const char *dev,
			  const struct mf_module *m)
{
	const char *usbpath = m ? m->usb.path : NULL;
	struct mf_holder h[4];
	int n = mf_port_holders(d->sysroot, dev, h, 4);
	struct doctor_finding *f;

	for (int i = 0; i < n; i++) {
		bool mm = !strcmp(h[i].comm, "ModemManager");

		/* MM on the bus that manages m: check_mm() says it all */
		if (mm && mm_modem_of(d, m))
			continue;
		f = add(d, "port-busy", "error");
		SET(f->message, "%s is held open by %s (pid %d)", dev,
		    h[i].comm, (int)h[i].pid);
		SET(f->evidence, "/proc/%d/fd links to %s", (int)h[i].pid, dev);
		/* MM holds it, yet no MM on the system bus lists the module */
		if (mm)
			SET(f->fix,
			    "keep ModemManager away while flashing: sudo "
			    "mmcli --inhibit-device=$(readlink -f "
			    "/sys/bus/usb/devices/%s) (leave it running in "
			    "another "
			    "terminal), or sudo systemctl stop ModemManager",
			    usbpath ? usbpath : "USBPATH");
		else
			SET(f->fix, "close %s (kill %d) and run again",
			    h[i].comm, (int)h[i].pid);
	}
}

/* What ModemManager does with module m, asked over D-Bus. */
static void check_mm(struct doctor *d, const struct mf_module *m)
{
	const struct mf_mm_modem *v = mm_modem_of(d, m);
	char ports[256] = "";
	struct doctor_finding *f;

	if (!d->mm || m->mode != MF_MODE_NORMAL)
		return;
	if (!v) {
		f = add(d, "modemmanager-unlisted", "info");
		SET(f->message,
		    "ModemManager %s runs but does not list %s as a modem: "
		    "another program inhibits it, a udev rule tells MM to "
		    "ignore it, or MM is still probing it",
		    d->mm_version[0] ? d->mm_version : "(< 1.10)", m->usb.path);
		SET(f->evidence,
		    "%d modem(s) on org.freedesktop.ModemManager1, none on "
		    "USB %s",
		    d->nmm, m->usb.path);
		SET(f->fix, "nothing to do; mmcli -L lists what MM manages");
		return;
	}
	for (size_t i = 0; i < v->nports; i++)
		setf(ports + strlen(ports), sizeof(ports) - strlen(ports),
		     "%s%s", i ? ", " : "", v->ports[i]);
	if (!d->mm_version[0]) {
		f = add(d, "modemmanager-old", "error");
		SET(f->message,
		    "ModemManager manages %s and is older than 1.10: it cannot "
		    "be asked to leave the module alone, and it holds %s",
		    m->usb.path, ports);
		SET(f->evidence, "%s has no Version property; Device %s",
		    v->path, v->device);
		SET(f->fix, "sudo systemctl stop ModemManager for the update, "
			    "then sudo systemctl start ModemManager");
		return;
	}
	f = add(d, "modemmanager", "info");
	SET(f->message,
	    "ModemManager %s manages %s (%s %s) on %s: modemflash asks it to "
	    "leave the module alone for each run (InhibitDevice) and gives "
	    "it back at the end",
	    d->mm_version, m->usb.path, v->model, v->revision, ports);
	SET(f->evidence, "%s, Device %s, state %d", v->path, v->device,
	    v->state);
	SET(f->fix, "nothing to do; if MM refuses (polkit), run modemflash "
		    "with sudo");
}

/* Ask ModemManager once; a bus that misbehaves is noted, not fatal. */
static void open_mm(struct doctor *d)
{
	struct mf_err err = { 0 };

	if (mf_mm_open(&d->mm, &err) < 0) {
		mf_log(d->log, MF_LOG_INFO, "%s", err.msg);
		return;
	}
	if (!d->mm)
		return;
	mf_mm_version(d->mm, d->mm_version, sizeof(d->mm_version));
	d->nmm = mf_mm_modems(d->mm, d->mmv, MF_MM_MAX_MODEMS, &err);
	if (d->nmm < 0) {
		mf_log(d->log, MF_LOG_INFO, "%s", err.msg);
		d->nmm = 0;
	}
}

/*
 * One permission story (README "Permissions"): serial ports stay in the
 * kernel's group dialout; the EDL USB device (libusb) gets group plugdev
 * from the installed udev rule; on a desktop the rule's uaccess tag gives
 * the logged-in user both. Said once per kind, not once per port.
 */
static void check_access(struct doctor *d, const char *node, const char *what,
			 bool usb)
{
	gid_t groups[64];
	int ng = getgroups(64, groups);
	struct doctor_finding *f;
	struct stat st;

	if (mf_node_access(node, geteuid(), groups, ng < 0 ? 0 : (size_t)ng,
			   &st) != -EACCES)
		return;
	if (usb ? d->denied_usb : d->denied_tty)
		return;
	*(usb ? &d->denied_usb : &d->denied_tty) = true;
	f = add(d, "permission", "error");
	SET(f->message, "permission denied on %s (%s)", node, what);
	SET(f->evidence, "mode %04o, owner %d, group %d; you are uid %d",
	    (unsigned)(st.st_mode & 07777), (int)st.st_uid, (int)st.st_gid,
	    (int)geteuid());
	if (usb)
		SET(f->fix,
		    "install the udev rule " MF_UDEV_RULES
		    " (meson install does; from a source tree: sudo install "
		    "-m 644 data/60-modemflash.rules /etc/udev/rules.d/), run "
		    "sudo udevadm control --reload && sudo udevadm trigger, "
		    "then sudo usermod -aG plugdev $USER and log in again");
	else
		SET(f->fix,
		    "sudo usermod -aG dialout $USER and log in again (serial "
		    "ports belong to group dialout; on a desktop the udev "
		    "rule " MF_UDEV_RULES
		    " also gives the logged-in user access)");
}

static void check_edl_answer(struct doctor *d, const struct mf_module *m);

/*
 * Another run holds the module (ops/lock.h): say who, and probe nothing
 * (a probe of its EDL port between the switch and that run's open would
 * take the module from it). true: held.
 */
static bool check_claim(struct doctor *d, const struct mf_module *m)
{
	struct doctor_finding *f;
	struct mf_lock_who w;

	if (!mf_lock_holder(d->sysroot, m->usb.path, &w))
		return false;
	f = add(d, "in-use", "warning");
	SET(f->message, "another modemflash (pid %ld) is updating %s (%s)",
	    w.pid, w.module[0] ? w.module : m->usb.path,
	    w.command[0] ? w.command : "?");
	SET(f->evidence, "its claim on %s is held; nothing was probed",
	    m->usb.path);
	SET(f->fix, "wait until it ends, then run modemflash doctor again");
	return true;
}

static void check_module(struct doctor *d, const struct mf_module *m)
{
	const struct mf_port *p;
	struct doctor_finding *f;
	char node[MF_PATH_MAX + 32];
	bool tty = false;

	if (check_claim(d, m))
		return;

#ifdef _WIN32
	/* the ports come from vendor drivers there: say which one */
	struct doctor_finding wf;

	if (doctor_win_driver(m, &wf)) {
		f = add(d, wf.id, wf.severity);
		*f = wf;
	}
#endif
	for (size_t i = 0; i < m->usb.nports; i++)
		tty |= m->usb.ports[i].tty[0] != '\0';
	if (!MF_WIN && m->mode == MF_MODE_NORMAL && m->id && !tty &&
	    m->usb.nports) {
		f = add(d, "no-tty", "error");
		SET(f->message,
		    "%s (%04x:%04x, %s) is on USB but none of its "
		    "interfaces has a tty: the option driver does not know "
		    "this "
		    "product ID",
		    m->usb.path, m->usb.vid, m->usb.pid, m->id->models);
		SET(f->evidence, "%zu interfaces, no ttyUSB child",
		    m->usb.nports);
		SET(f->fix,
		    "sudo modprobe option && echo %04x %04x | sudo tee "
		    "/sys/bus/usb-serial/drivers/option1/new_id",
		    m->usb.vid, m->usb.pid);
	}
	if (m->mode == MF_MODE_EDL) {
		p = mf_module_port(m, MF_ROLE_SAHARA);
		if (p && !strcmp(p->driver, "qcserial")) {
			f = add(d, "qcserial-edl", "info");
			SET(f->message,
			    "qcserial is bound to the EDL device %s; "
			    "modemflash detaches it automatically when it "
			    "talks "
			    "to the device over USB",
			    m->usb.path);
			SET(f->evidence, "interface %d driver qcserial%s%s",
			    p->num, p->tty[0] ? ", " : "", p->tty);
			SET(f->fix, "nothing to do");
		}
		mf_usb_node(d->sysroot, &m->usb, node, sizeof(node));
		if (access(node, F_OK) == 0)
			check_access(d, node, "the EDL USB device", true);
	}
	if (m->mode == MF_MODE_EDL)
		check_edl_answer(d, m);
	for (size_t i = 0; i < m->usb.nports; i++) {
		p = &m->usb.ports[i];
		if (!p->dev[0] ||
		    (p->role != MF_ROLE_DIAG && p->role != MF_ROLE_AT &&
		     p->role != MF_ROLE_SAHARA))
			continue;
		check_holders(d, p->dev, m);
		check_access(d, p->dev, mf_role_name(p->role), false);
	}
}

/*
 * A module in EDL: who answers on its Sahara port (sahara_probe). A
 * programmer that an interrupted run left running answers Firehose only,
 * and every command expecting the boot ROM fails on it until it restarts;
 * a port where nothing answers needs a power-cycle. Not asked while
 * somebody holds the port: a run may be talking to the module.
 */
static void check_edl_answer(struct doctor *d, const struct mf_module *m)
{
	const struct mf_port *p = mf_module_port(m, MF_ROLE_SAHARA);
	struct sahara_probe_opts o;
	struct mf_err err = { 0 };
	struct doctor_finding *f;
	struct link_edl_dev dev;
	struct mf_holder h[1];
	struct mf_lock *lock = NULL;
	struct link *l;
	int rc;

	if (p && p->dev[0] && mf_port_holders(d->sysroot, p->dev, h, 1) > 0)
		return; /* check_holders says who */
	/* another run's module is not asked anything (ops/lock.h) */
	if (mf_lock_module(d->sysroot, m->usb.path, "doctor", &lock, &err))
		return;
	mf_module_edl_dev(d->sysroot, m, &dev);
	l = link_edl_open(&dev, 2000, d->log, &err);
	if (!l) {
		mf_lock_release(lock);
		return; /* permissions and holders say why */
	}
	sahara_probe_opts_default(&o);
	o.hello_ms = 1000;
	rc = sahara_probe(l, &o, d->log, &err);
	link_close(l);
	mf_lock_release(lock);
	if (rc == SAHARA_PROBE_FIREHOSE) {
		f = add(d, "edl-firehose", "error");
		SET(f->message,
		    "the module at %s is stuck in EDL with a Firehose "
		    "programmer running (a flash, backup or restore stopped "
		    "after the programmer upload)",
		    m->usb.path);
		SET(f->evidence,
		    "no Sahara HELLO on %s; the programmer answered <nop/>",
		    p && p->dev[0] ? p->dev : m->usb.path);
		SET(f->fix,
		    "modemflash -d %s reset (restarts it through Firehose, "
		    "no power-cycle needed), or finish the update: "
		    "modemflash -d %s flash PKG",
		    m->usb.path, m->usb.path);
	} else if (rc == -ETIMEDOUT) {
		f = add(d, "edl-silent", "error");
		SET(f->message, "the module at %s is in EDL but %s",
		    m->usb.path, "answers neither Sahara nor Firehose");
		SET(f->evidence, "%s", err.msg);
		SET(f->fix,
		    "only a power-cycle helps: power-cycle the module (or "
		    "pull the BOOT pin and power it on), then run modemflash "
		    "-d %s doctor again",
		    m->usb.path);
	}
}

static void check_edl(struct doctor *d)
{
	const struct mf_module *edl = NULL;
	struct doctor_finding *f;

	for (size_t i = 0; i < d->scan->nmodules; i++) {
		if (d->scan->modules[i].mode == MF_MODE_NORMAL)
			return;
		if (d->scan->modules[i].mode == MF_MODE_EDL && !edl)
			edl = &d->scan->modules[i];
	}
	if (!edl)
		return;
	f = add(d, "edl", "warning");
	SET(f->message,
	    "the module at %s is in emergency download mode (EDL) "
	    "and no module runs in normal mode: its firmware did not boot, or "
	    "the BOOT pin was held",
	    edl->usb.path);
	SET(f->evidence, "%04x:%04x, %zu interface(s), class %02x/%02x/%02x",
	    edl->usb.vid, edl->usb.pid, edl->usb.nports,
	    edl->usb.nports ? edl->usb.ports[0].cls : 0,
	    edl->usb.nports ? edl->usb.ports[0].sub : 0,
	    edl->usb.nports ? edl->usb.ports[0].proto : 0);
	SET(f->fix,
	    "write firmware from EDL: modemflash -d %s flash PKG, or put "
	    "a backup back with modemflash -d %s restore DIR",
	    edl->usb.path, edl->usb.path);
}

/* --port names something no AT conversation can happen on. */
static void not_a_port(struct doctor *d, const char *what)
{
	struct doctor_finding *f = add(d, "not-a-port", "error");

	SET(f->message, "%s is not a serial port: it is %s", d->port, what);
	SET(f->evidence, "%s", d->port_path);
	SET(f->fix,
	    "give the UART's device node, e.g. --port /dev/ttyUSB0 or "
	    "--port /dev/ttyS0; 'modemflash list' shows the module ports");
}

/* What the UART (or any --port) says. */
static void probe_port(struct doctor *d)
{
	struct at_identity id = { 0 };
	struct mf_err err = { 0 };
	struct at_port at;
	struct doctor_finding *f;
	char line[128] = "", ev[128] = "";

	if (ops_at_open(d->port_path, &at, d->log, &err) < 0) {
		if (err.code == -EBUSY || err.code == -EACCES)
			return; /* holders and permissions say why */
		if (err.code == -ENOTTY || err.code == -EINVAL) {
			not_a_port(d, "a character device without a serial "
				      "line (no terminal settings)");
			return;
		}
		mf_log(d->log, MF_LOG_INFO, "%s: %s", d->port, err.msg);
		return;
	}
	d->uart_answers = true;
	at_identify(&at, &id);
	snprintf(d->uart_model, sizeof(d->uart_model), "%s", id.model);
	d->disusb = reply_int(&at, "AT+QCFGEXT=\"disusb\"",
			      "+QCFGEXT: \"disusb\",", line, sizeof(line));
	d->usb_event = reply_int(&at, "AT+QCFGEXT=\"usb/event\"",
				 "+QCFGEXT: \"usb/event\",", ev, sizeof(ev));
	ops_at_close(&at);
	if (d->disusb != 1 && d->usb_event != 1)
		return;
	f = add(d, "usb-disabled", "error");
	SET(f->message,
	    "USB is switched off inside the module (AT+QCFGEXT="
	    "\"disusb\",1): it will not enumerate, even with the USB lines "
	    "wired, until USB is switched back on and the module restarts");
	SET(f->evidence, "%s%s%s%s", line, line[0] && ev[0] ? "; " : "", ev,
	    d->usb_event == 1 ? " (1 = not connected)" : "");
	SET(f->fix, "modemflash usb-enable --port %s", d->port);
}

static void check_port(struct doctor *d)
{
	const struct mf_adapter *a =
		mf_scan_adapter_by_port(d->scan, d->port_path);
	const struct mf_module *m =
		mf_scan_module_by_port(d->scan, d->port_path);
	struct doctor_finding *f;
	struct stat st;

	if (!port_present(d->port_path)) {
		f = add(d, "no-port", "error");
		SET(f->message, "%s does not exist", d->port);
		SET(f->evidence, "%s: %s", d->port_path, strerror(errno));
		SET(f->fix,
		    "check the adapter's cable; 'modemflash list' shows "
		    "the ports present");
		return;
	}
	/* a COM port (Windows) is no file to stat */
	if (!MF_WIN && stat(d->port_path, &st) == 0 && !S_ISCHR(st.st_mode)) {
		not_a_port(d, S_ISDIR(st.st_mode)   ? "a directory"
			      : S_ISREG(st.st_mode) ? "a regular file"
						    : "not a device node");
		return;
	}
	check_holders(d, d->port_path, m);
	check_access(d, d->port_path, "the port given with --port", false);
	if (a) {
		f = add(d, "uart-adapter", "warning");
		SET(f->message,
		    "%s is a %s (%04x:%04x at USB %s), not the "
		    "module's own USB: AT works there, but flashing needs the "
		    "module's USB DM port (the vendor tool's \"Confirm dynamic "
		    "com port timeout\")",
		    d->port, a->id->name, a->usb.vid, a->usb.pid, a->usb.path);
		SET(f->evidence, "%s -> %s, driver %s", d->port, a->usb.path,
		    mf_adapter_port(a) ? mf_adapter_port(a)->driver : "?");
		SET(f->fix,
		    "wire the module's USB (VBUS, D+, D-, GND) to the "
		    "host and flash over it, or update over this UART with "
		    "modemflash fota FILE --port %s",
		    d->port);
	}
	if (!m)
		probe_port(d);
}

static void check_nothing(struct doctor *d)
{
	struct doctor_finding *f;

	if (d->scan->nmodules)
		return;
	if (d->uart_answers) {
		f = add(d, "no-usb-module", "error");
		SET(f->message, "no module on USB, while %s answers on %s",
		    d->uart_model[0] ? d->uart_model : "a module", d->port);
		SET(f->evidence,
		    "no Quectel or Qualcomm device under %s/sys/bus/"
		    "usb/devices; AT answers on %s",
		    strcmp(d->sysroot, "/") ? d->sysroot : "", d->port);
		if (d->disusb == 1 || d->usb_event == 1)
			SET(f->fix,
			    "modemflash usb-enable --port %s (switches "
			    "USB on and restarts the module)",
			    d->port);
		else
			SET(f->fix,
			    "check the module's USB wiring (VBUS, D+, D-) "
			    "and the cable, then run modemflash list");
		return;
	}
	f = add(d, "nothing", "error");
	SET(f->message, "no module found: nothing on USB%s%s%s",
	    d->port ? " and nothing answers AT on " : "",
	    d->port ? d->port : "", d->port ? "" : " (no --port given)");
	SET(f->evidence,
	    "%zu adapter(s), 0 modules under %s/sys/bus/usb/devices",
	    d->scan->nadapters, strcmp(d->sysroot, "/") ? d->sysroot : "");
	SET(f->fix,
	    "check the module's power (VBAT, PWRKEY), that the BOOT "
	    "pin is not held, and the USB or UART cable; for a UART-only "
	    "board run modemflash doctor --port /dev/ttyUSBn");
}

int doctor_run(const char *sysroot, const char *port, struct doctor_report *r,
	       const struct mf_log *log, struct mf_err *err)
{
	struct doctor *d;

	memset(r, 0, sizeof(*r));
	d = calloc(1, sizeof(*d));
	if (!d)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	d->r = r;
	d->sysroot = sysroot;
	d->log = log;
	d->port = port;
	d->disusb = d->usb_event = -1;
	d->scan = ops_scan(sysroot, log, err);
	if (!d->scan) {
		free(d);
		return err->code ? err->code : -ENODEV;
	}
	open_mm(d);
	if (d->port) {
		ops_port_path(sysroot, d->port, d->port_path,
			      sizeof(d->port_path));
		check_port(d);
	}
	for (size_t i = 0; i < d->scan->nmodules; i++) {
		check_mm(d, &d->scan->modules[i]);
		check_module(d, &d->scan->modules[i]);
	}
	check_edl(d);
	check_nothing(d);
	for (size_t i = 0; i < r->n; i++)
		r->blocked |= !strcmp(r->f[i].severity, "error");
	r->scan = d->scan;
	mf_mm_close(d->mm);
	free(d);
	return 0;
}

void doctor_report_free(struct doctor_report *r)
{
	free(r->scan);
	r->scan = NULL;
}

/*
 * The first normal-mode module with its AT port, enumerated to its last
 * interface (mf_module_settled): what list and info run next must find
 * all of its ports.
 */
static int wait_module(const char *sysroot, int timeout_ms,
		       struct mf_module *out, const struct mf_log *log,
		       struct mf_err *err)
{
	int64_t t0 = mf_now_ms(), deadline = mf_deadline(timeout_ms);
	int64_t report = t0 + MF_WAIT_REPORT_MS;
	/* rescan when the tree changes (at least every 100 ms) */
	struct mf_watch *w = mf_watch_open(sysroot);
	struct mf_scan *s;
	int left;

	do {
		s = ops_scan(sysroot, log, err);
		if (!s) {
			mf_watch_close(w);
			return err->code;
		}
		for (size_t i = 0; i < s->nmodules; i++) {
			const struct mf_module *m = &s->modules[i];
			const struct mf_port *at =
				mf_module_port(m, MF_ROLE_AT);

			if (m->mode == MF_MODE_NORMAL && at && at->dev[0] &&
			    mf_module_settled(m)) {
				*out = *m;
				free(s);
				mf_watch_close(w);
				return 0;
			}
		}
		free(s);
		if (mf_now_ms() >= report) {
			mf_waiting(log,
				   "a module in normal mode with all of its "
				   "ports (USB switched on)",
				   mf_now_ms() - t0, timeout_ms);
			report += MF_WAIT_REPORT_MS;
		}
		left = mf_remaining_ms(deadline);
		if (left)
			mf_watch_wait(w, left < 0 || left > 100 ? 100 : left);
	} while (mf_remaining_ms(deadline));
	mf_watch_close(w);
	mf_err_set(err, MF_TIMEOUT, -ETIMEDOUT,
		   "USB was switched on, but no "
		   "module enumerated within %d s",
		   timeout_ms / 1000);
	mf_err_hint(err, "check the USB wiring (VBUS, D+, D-), then run "
			 "modemflash doctor --port PATH");
	return -ETIMEDOUT;
}

/*
 * usb-enable is for a UART, which ModemManager leaves alone; given a USB
 * AT port of a module MM manages, MM is kept off that port for the run.
 */
static int hold_port(const char *sysroot, const char *path,
		     struct mf_mm_hold **mm, struct mf_lock **lock,
		     const struct mf_log *log, struct mf_err *err)
{
	const struct mf_module *m;
	const char *ports[2] = { NULL };
	struct mf_scan *s = ops_scan(sysroot, log, err);
	int rc = 0;

	mf_err_clear(err);
	m = s ? mf_scan_module_by_port(s, path) : NULL;
	for (size_t i = 0; m && i < m->usb.nports; i++)
		if (m->usb.ports[i].tty[0] &&
		    !strcmp(m->usb.ports[i].dev, path))
			ports[0] = m->usb.ports[i].tty;
	if (m && !ports[0]) /* named as /dev/ttyUSBn */
		ports[0] = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	/* the claim (ops/lock.h): never in the middle of another run */
	rc = m ? mf_lock_module(sysroot, m->usb.path, "usb-enable", lock, err)
	       : mf_lock_port(sysroot, path, "usb-enable", lock, err);
	if (!rc && m)
		rc = mf_mm_hold(sysroot, m, ports, mm, log, err);
	free(s);
	return rc;
}

int usb_enable_run(const char *sysroot, const char *port, int timeout_ms,
		   struct usb_enable_report *out, const struct mf_log *log,
		   struct mf_err *err)
{
	struct mf_mm_hold *mm = NULL;
	struct mf_lock *lock = NULL;
	char path[MF_PATH_MAX];
	struct at_reply r;
	struct at_port at;
	int rc;

	memset(out, 0, sizeof(*out));
	ops_port_path(sysroot, port, path, sizeof(path));
	rc = hold_port(sysroot, path, &mm, &lock, log, err);
	if (rc < 0) {
		mf_lock_release(lock);
		return rc;
	}
	if (ops_at_open(path, &at, log, err) < 0) {
		mf_mm_release(mm);
		mf_lock_release(lock);
		return err->code ? err->code : -EIO;
	}
	rc = at_cmd(&at, "AT+QCFGEXT=\"disusb\",0", AT_DEFAULT_TIMEOUT_MS, &r);
	if (rc < 0) {
		ops_at_close(&at);
		mf_mm_release(mm);
		mf_lock_release(lock);
		mf_err_hint(
			err,
			"this module may not have AT+QCFGEXT=\"disusb\" "
			"(BG95/BG77 family); run modemflash doctor --port %s",
			port);
		return rc;
	}
	out->switched_on = true;
	/* the module may drop the port before or after OK */
	rc = at_cmd(&at, "AT+CFUN=1,1", 10000, &r);
	ops_at_close(&at);
	/* MM may take the module back now: it comes back with USB on */
	mf_mm_release(mm);
	mf_lock_release(lock);
	if (rc < 0 && rc != -ENODEV && rc != -ETIMEDOUT)
		return rc;
	mf_err_clear(err);
	return wait_module(sysroot, timeout_ms, &out->module, log, err);
}
