// SPDX-License-Identifier: BSD-3-Clause
/*
 * A small ModemManager client over sd-bus (libsystemd): is MM on the
 * system bus, which modems does it manage, and InhibitDevice for the
 * length of one run. Names and types are those of ModemManager's
 * introspection XML (org.freedesktop.ModemManager1.xml, ...Modem.xml).
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include "ops/mm.h"

#define MM_NAME	   "org.freedesktop.ModemManager1"
#define MM_PATH	   "/org/freedesktop/ModemManager1"
#define MM_IFACE   "org.freedesktop.ModemManager1"
#define MM_MODEM   "org.freedesktop.ModemManager1.Modem"
#define MM_ERR	   "org.freedesktop.ModemManager1.Error.Core."
#define OM_IFACE   "org.freedesktop.DBus.ObjectManager"
#define MAX_HOLDS  4
#define STOP_MM	   "sudo systemctl stop ModemManager"
#define INHIBIT_US (30ULL * 1000 * 1000) /* MM closes ports first */

struct mf_mm {
	sd_bus *bus;
	char held[MAX_HOLDS][MF_PATH_MAX]; /* uids inhibited by us */
	size_t nheld;
};

int mf_mm_open(struct mf_mm **out, struct mf_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	struct mf_mm *mm;
	int r, has = 0;

	*out = NULL;
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	/* no system bus at all (a container, a minimal board): no MM */
	if (sd_bus_open_system(&mm->bus) < 0) {
		free(mm);
		return 0;
	}
	r = sd_bus_call_method(mm->bus, "org.freedesktop.DBus",
			       "/org/freedesktop/DBus", "org.freedesktop.DBus",
			       "NameHasOwner", &e, &reply, "s", MM_NAME);
	if (r >= 0)
		r = sd_bus_message_read(reply, "b", &has);
	sd_bus_message_unref(reply);
	if (r < 0) {
		mf_err_set(err, MF_FAILED, r,
			   "the system bus did not say whether ModemManager "
			   "runs: %s",
			   e.message ? e.message : strerror(-r));
		mf_err_hint(err, "check the D-Bus daemon (systemctl status "
				 "dbus)");
		sd_bus_error_free(&e);
		mf_mm_close(mm);
		return r;
	}
	if (!has) {
		mf_mm_close(mm);
		return 0;
	}
	*out = mm;
	return 1;
}

int mf_mm_uninhibit(struct mf_mm *mm, const char *uid)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_call_method(mm->bus, MM_NAME, MM_PATH, MM_IFACE,
			       "InhibitDevice", &e, NULL, "sb", uid, 0);
	sd_bus_error_free(&e);
	for (size_t i = 0; i < mm->nheld; i++) {
		if (strcmp(mm->held[i], uid))
			continue;
		memmove(mm->held[i], mm->held[i + 1],
			(mm->nheld - i - 1) * sizeof(mm->held[0]));
		mm->nheld--;
		break;
	}
	return r < 0 ? r : 0;
}

void mf_mm_close(struct mf_mm *mm)
{
	if (!mm)
		return;
	/*
	 * Closing the connection alone releases our inhibitions when MM
	 * notices we left the bus; asking first makes it immediate and
	 * works even if the daemon is slow to tell MM.
	 */
	while (mm->nheld) /* each call drops the entry, answered or not */
		mf_mm_uninhibit(mm, mm->held[0]);
	sd_bus_flush_close_unref(mm->bus);
	free(mm);
}

void mf_mm_version(struct mf_mm *mm, char *out, size_t cap)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *v = NULL;

	out[0] = '\0';
	if (sd_bus_get_property_string(mm->bus, MM_NAME, MM_PATH, MM_IFACE,
				       "Version", &e, &v) >= 0)
		snprintf(out, cap, "%s", v);
	free(v);
	sd_bus_error_free(&e);
}

/* The current variant of m as a string into out; other types skipped. */
static int read_var_str(sd_bus_message *m, char *out, size_t cap)
{
	const char *s = NULL;
	int r = sd_bus_message_read(m, "v", "s", &s);

	if (r >= 0)
		snprintf(out, cap, "%s", s);
	return r;
}

static int read_ports(sd_bus_message *m, struct mf_mm_modem *mo)
{
	const char *name;
	uint32_t type;
	int r;

	r = sd_bus_message_enter_container(m, 'v', "a(su)");
	if (r < 0)
		return r;
	r = sd_bus_message_enter_container(m, 'a', "(su)");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(m, "(su)", &name, &type)) > 0)
		if (mo->nports < MF_MM_MAX_PORTS)
			snprintf(mo->ports[mo->nports++], sizeof(mo->ports[0]),
				 "%s", name);
	if (r < 0)
		return r;
	r = sd_bus_message_exit_container(m);
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	return r;
}

/* One property of the Modem interface: "{sv}" already entered. */
static int read_modem_prop(sd_bus_message *m, struct mf_mm_modem *mo)
{
	static const struct {
		const char *key;
		size_t off, cap;
	} strs[] = {
#define F(k, f)                                                                \
	{ k, offsetof(struct mf_mm_modem, f),                                  \
	  sizeof(((struct mf_mm_modem *)0)->f) }
		F("Device", device),
		F("Physdev", physdev),
		F("Manufacturer", manufacturer),
		F("Model", model),
		F("Revision", revision),
		F("Plugin", plugin),
		F("PrimaryPort", primary_port),
#undef F
	};
	const char *key, *contents;
	char type;
	int r;

	r = sd_bus_message_read(m, "s", &key);
	if (r < 0)
		return r;
	r = sd_bus_message_peek_type(m, &type, &contents);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (!strcmp(key, strs[i].key) && !strcmp(contents, "s"))
			return read_var_str(m, (char *)mo + strs[i].off,
					    strs[i].cap);
	if (!strcmp(key, "Ports") && !strcmp(contents, "a(su)"))
		return read_ports(m, mo);
	if (!strcmp(key, "State") && !strcmp(contents, "i")) {
		int32_t st;

		r = sd_bus_message_read(m, "v", "i", &st);
		mo->state = st;
		return r;
	}
	return sd_bus_message_skip(m, "v");
}

/* a{sa{sv}} of one object: keep the Modem interface, skip the rest. */
static int read_ifaces(sd_bus_message *m, struct mf_mm_modem *mo, bool *is)
{
	const char *iface;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
		r = sd_bus_message_read(m, "s", &iface);
		if (r < 0)
			return r;
		if (strcmp(iface, MM_MODEM)) {
			r = sd_bus_message_skip(m, "a{sv}");
		} else {
			*is = true;
			r = sd_bus_message_enter_container(m, 'a', "{sv}");
			while (r >= 0 && (r = sd_bus_message_enter_container(
						  m, 'e', "sv")) > 0) {
				r = read_modem_prop(m, mo);
				if (r >= 0)
					r = sd_bus_message_exit_container(m);
			}
			if (r >= 0)
				r = sd_bus_message_exit_container(m);
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

static int parse_objects(sd_bus_message *m, struct mf_mm_modem *out, size_t cap)
{
	struct mf_mm_modem mo;
	const char *path;
	size_t n = 0;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{oa{sa{sv}}}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "oa{sa{sv}}")) > 0) {
		bool is = false;

		memset(&mo, 0, sizeof(mo));
		mo.state = -1;
		r = sd_bus_message_read(m, "o", &path);
		if (r >= 0)
			r = read_ifaces(m, &mo, &is);
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
		snprintf(mo.path, sizeof(mo.path), "%s", path);
		if (is && mo.device[0] && n < cap)
			out[n++] = mo;
	}
	return r < 0 ? r : (int)n;
}

int mf_mm_modems(struct mf_mm *mm, struct mf_mm_modem *out, size_t cap,
		 struct mf_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_call_method(mm->bus, MM_NAME, MM_PATH, OM_IFACE,
			       "GetManagedObjects", &e, &reply, "");
	if (r >= 0)
		r = parse_objects(reply, out, cap);
	else
		mf_err_set(err, MF_FAILED, r,
			   "ModemManager did not list its modems: %s",
			   e.message ? e.message : strerror(-r));
	if (r < 0 && !e.name)
		mf_err_set(err, MF_FAILED, r,
			   "ModemManager's list of modems is malformed: %s",
			   strerror(-r));
	if (r < 0)
		mf_err_hint(err, "check it with mmcli -L; " STOP_MM
				 " while flashing if it misbehaves");
	sd_bus_message_unref(reply);
	sd_bus_error_free(&e);
	return r;
}

/* The sysfs path of m's USB device as MM names it ("/sys/devices/..."). */
static int usb_sysfs_path(const char *sysroot, const char *usbpath, char *out,
			  size_t cap)
{
	char link[MF_PATH_MAX + 64], root[PATH_MAX], real[PATH_MAX];
	size_t rl = 0;

	mf_sysroot_path(sysroot, "/sys/bus/usb/devices/", link, sizeof(link));
	if (strlen(link) + strlen(usbpath) + 1 > sizeof(link))
		return -ENAMETOOLONG;
	strcat(link, usbpath);
	if (!realpath(link, real))
		return -errno;
	if (sysroot && strcmp(sysroot, "/")) {
		if (!realpath(sysroot, root))
			return -errno;
		rl = strlen(root);
		if (strncmp(real, root, rl) || real[rl] != '/')
			return -EXDEV;
	}
	snprintf(out, cap, "%s", real + rl);
	return 0;
}

bool mf_mm_uses_port(const struct mf_mm_modem *v, const char *tty)
{
	for (size_t i = 0; tty && tty[0] && i < v->nports; i++)
		if (!strcmp(v->ports[i], tty))
			return true;
	return false;
}

int mf_mm_match(const struct mf_mm_modem *v, size_t n, const char *sysroot,
		const struct mf_module *m)
{
	char sys[PATH_MAX];
	bool real = !sysroot || !strcmp(sysroot, "/");
	bool have = usb_sysfs_path(sysroot, m->usb.path, sys, sizeof(sys)) == 0;

	for (size_t i = 0; i < n; i++) {
		if (have &&
		    (!strcmp(v[i].device, sys) || !strcmp(v[i].physdev, sys)))
			return (int)i;
		/*
		 * Device may be a user's ID_MM_PHYSDEV_UID and Physdev
		 * missing (MM < 1.22): the tty names still tell. Only on
		 * the real system: a simulator's ttyUSB2 is not the host's.
		 */
		for (size_t p = 0; real && p < m->usb.nports; p++)
			if (mf_mm_uses_port(&v[i], m->usb.ports[p].tty))
				return (int)i;
	}
	return -1;
}

int mf_mm_inhibit(struct mf_mm *mm, const char *uid, struct mf_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *call = NULL, *reply = NULL;
	const char *name;
	int r;

	if (mm->nheld >= MAX_HOLDS)
		return mf_err_set(err, MF_FAILED, -ENOSPC,
				  "too many ModemManager inhibitions held");
	r = sd_bus_message_new_method_call(mm->bus, &call, MM_NAME, MM_PATH,
					   MM_IFACE, "InhibitDevice");
	if (r >= 0)
		r = sd_bus_message_append(call, "sb", uid, 1);
	if (r >= 0)
		r = sd_bus_call(mm->bus, call, INHIBIT_US, &e, &reply);
	sd_bus_message_unref(call);
	sd_bus_message_unref(reply);
	if (r >= 0) {
		snprintf(mm->held[mm->nheld++], sizeof(mm->held[0]), "%s", uid);
		return 0;
	}
	name = e.name ? e.name : "";
	if (!strcmp(name, MM_ERR "InProgress")) {
		/* someone else (fwupd, mmcli) holds it: MM lets go all the same */
		r = -EALREADY;
	} else if (!strcmp(name, MM_ERR "NotFound")) {
		r = -ENOENT; /* MM dropped it meanwhile: nothing to hold */
	} else if (!strcmp(name, SD_BUS_ERROR_UNKNOWN_METHOD) ||
		   !strcmp(name, SD_BUS_ERROR_UNKNOWN_INTERFACE)) {
		mf_err_set(err, MF_FAILED, -EOPNOTSUPP,
			   "ModemManager manages this module and is older "
			   "than 1.10, so it cannot be asked to leave it "
			   "alone during the update");
		mf_err_hint(err, STOP_MM " for the update, then sudo "
					 "systemctl start ModemManager");
		r = -EOPNOTSUPP;
	} else if (!strcmp(name, MM_ERR "Unauthorized") ||
		   !strcmp(name, SD_BUS_ERROR_ACCESS_DENIED) ||
		   !strcmp(name,
			   SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED)) {
		mf_err_set(err, MF_FAILED, -EACCES,
			   "ModemManager manages this module and refused to "
			   "leave it alone for the update: %s",
			   e.message ? e.message : "not authorized");
		mf_err_hint(
			err,
			"run modemflash with sudo, or join group "
			"plugdev (modemflash's polkit rule, "
			"50-modemflash.rules, gives it "
			"org.freedesktop.ModemManager1.Control), or " STOP_MM
			" for the update");
		r = -EACCES;
	} else {
		mf_err_set(err, MF_FAILED, r < 0 ? r : -EIO,
			   "ModemManager manages this module and did not "
			   "let go of it: %s",
			   e.message ? e.message : strerror(-r));
		mf_err_hint(err, STOP_MM " for the update, then sudo "
					 "systemctl start ModemManager");
	}
	sd_bus_error_free(&e);
	return r;
}

struct mf_mm_hold {
	struct mf_mm *mm;
};

/* Does MM use one of ports (NULL: the whole module counts)? */
static bool needs(const struct mf_mm_modem *v, const char *const *ports)
{
	if (!ports)
		return true;
	for (; *ports; ports++)
		if (mf_mm_uses_port(v, *ports))
			return true;
	return false;
}

int mf_mm_hold(const char *sysroot, const struct mf_module *m,
	       const char *const *ports, struct mf_mm_hold **out,
	       const struct mf_log *log, struct mf_err *err)
{
	struct mf_mm_modem *v = NULL;
	struct mf_mm_hold *h = NULL;
	struct mf_mm *mm = NULL;
	int r, n, i;

	*out = NULL;
	r = mf_mm_open(&mm, err);
	if (r <= 0)
		return r;
	v = calloc(MF_MM_MAX_MODEMS, sizeof(*v));
	h = calloc(1, sizeof(*h));
	if (!v || !h) {
		r = mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		goto out;
	}
	n = mf_mm_modems(mm, v, MF_MM_MAX_MODEMS, err);
	if (n < 0) {
		r = n;
		goto out;
	}
	i = mf_mm_match(v, (size_t)n, sysroot, m);
	/* not MM's module, or MM leaves the port we need alone */
	if (i < 0 || !needs(&v[i], ports)) {
		r = 0;
		goto out;
	}
	r = mf_mm_inhibit(mm, v[i].device, err);
	if (r == -EALREADY || r == -ENOENT) {
		mf_log(log, MF_LOG_INFO,
		       "ModemManager leaves %s alone already (%s)", m->usb.path,
		       r == -EALREADY ? "another program inhibits it"
				      : "it dropped it");
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	mf_log(log, MF_LOG_INFO,
	       "ModemManager leaves %s alone until the end of this run "
	       "(inhibited %s)",
	       m->usb.path, v[i].device);
	h->mm = mm;
	mm = NULL;
	*out = h;
	h = NULL;
out:
	mf_mm_close(mm);
	free(h);
	free(v);
	return r;
}

void mf_mm_release(struct mf_mm_hold *h)
{
	if (!h)
		return;
	mf_mm_close(h->mm);
	free(h);
}
