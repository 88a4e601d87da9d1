// SPDX-License-Identifier: BSD-3-Clause
/*
 * Walk <sysroot>/sys/bus/usb/devices: devices ("1-1.4"), not interfaces
 * ("1-1.4:1.2") nor root hubs ("usb1"). Every value read is untrusted text:
 * parsed with bounds, a missing or odd attribute leaves a zero/empty field.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discover/discover.h"
#include "discover/join.h"
#ifdef _WIN32
#include "discover/scan_win.h"
#endif

void mf_sysroot_path(const char *sysroot, const char *abs, char *out,
		     size_t cap)
{
	size_t n = sysroot ? strlen(sysroot) : 0;

	/* "/" and "" both mean the real root: no double slash */
	while (n && sysroot[n - 1] == '/')
		n--;
	snprintf(out, cap, "%.*s%s", (int)n, n ? sysroot : "", abs);
}

/* Read a small attribute file, trailing newline removed. -errno on failure. */
static int read_attr(const char *dir, const char *name, char *out, size_t cap)
{
	char path[MF_PATH_MAX + 64];
	ssize_t n;
	int fd;

	out[0] = '\0';
	if (mf_join(path, sizeof(path), dir, name) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, out, cap - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	out[n] = '\0';
	while (n > 0 &&
	       (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' '))
		out[--n] = '\0';
	return 0;
}

static long read_num(const char *dir, const char *name, int base, long max)
{
	char buf[32], *end;
	long v;

	if (read_attr(dir, name, buf, sizeof(buf)) < 0 || !buf[0])
		return -1;
	errno = 0;
	v = strtol(buf, &end, base);
	if (errno || end == buf || v < 0 || v > max)
		return -1;
	return v;
}

/* "1.5", "12", "480", "5000" -> Mbit/s (1 for low speed). */
static int read_speed(const char *dir)
{
	char buf[16];

	if (read_attr(dir, "speed", buf, sizeof(buf)) < 0)
		return 0;
	return atoi(buf) > 0 ? atoi(buf) : (buf[0] == '1' ? 1 : 0);
}

/* DRIVER= in uevent, else the basename of the driver symlink. */
static void read_driver(const char *ifdir, char *out, size_t cap)
{
	char buf[1024], link[MF_PATH_MAX + 16], target[PATH_MAX];
	const char *p;
	ssize_t n;

	out[0] = '\0';
	if (read_attr(ifdir, "uevent", buf, sizeof(buf)) == 0) {
		p = strstr(buf, "DRIVER=");
		if (p && (p == buf || p[-1] == '\n')) {
			p += 7;
			snprintf(out, cap, "%.*s", (int)strcspn(p, "\n"), p);
			return;
		}
	}
	if (mf_join(link, sizeof(link), ifdir, "driver") < 0)
		return;
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	p = strrchr(target, '/');
	p = p ? p + 1 : target;
	if (strlen(p) < cap)
		memcpy(out, p, strlen(p) + 1);
}

static bool is_tty_name(const char *name)
{
	return !strncmp(name, "tty", 3) && name[3] && strcmp(name, "tty") != 0;
}

/* First ttyXXX child of dir, or "" */
static void find_tty_in(const char *dir, char *out, size_t cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (is_tty_name(e->d_name) && strlen(e->d_name) < cap) {
			snprintf(out, cap, "%s", e->d_name);
			break;
		}
	}
	closedir(d);
}

/* ttyUSBn directly below the interface (usb-serial), or tty/ttyACMn */
static void find_tty(const char *ifdir, char *out, size_t cap)
{
	char sub[MF_PATH_MAX + 8];

	out[0] = '\0';
	find_tty_in(ifdir, out, cap);
	if (out[0])
		return;
	if (mf_join(sub, sizeof(sub), ifdir, "tty") < 0)
		return;
	find_tty_in(sub, out, cap);
}

static void read_port(const char *sysroot, const char *ifdir, struct mf_port *p)
{
	char dev[64];
	long v;

	v = read_num(ifdir, "bInterfaceNumber", 16, 255);
	p->num = (int)v;
	v = read_num(ifdir, "bInterfaceClass", 16, 255);
	p->cls = v < 0 ? 0 : (uint8_t)v;
	v = read_num(ifdir, "bInterfaceSubClass", 16, 255);
	p->sub = v < 0 ? 0 : (uint8_t)v;
	v = read_num(ifdir, "bInterfaceProtocol", 16, 255);
	p->proto = v < 0 ? 0 : (uint8_t)v;
	read_driver(ifdir, p->driver, sizeof(p->driver));
	find_tty(ifdir, p->tty, sizeof(p->tty));
	if (p->tty[0]) {
		snprintf(dev, sizeof(dev), "/dev/%s", p->tty);
		mf_sysroot_path(sysroot, dev, p->dev, sizeof(p->dev));
	}
}

static int cmp_port(const void *a, const void *b)
{
	return ((const struct mf_port *)a)->num -
	       ((const struct mf_port *)b)->num;
}

/* Interfaces are "<path>:<config>.<n>" entries of the device directory. */
static void read_ports(const char *sysroot, const char *devdir,
		       struct mf_usb_dev *d)
{
	size_t plen = strlen(d->path);
	char ifdir[MF_PATH_MAX + 128];
	struct dirent *e;
	DIR *dir;

	dir = opendir(devdir);
	if (!dir)
		return;
	while ((e = readdir(dir)) && d->nports < MF_MAX_IFACES) {
		if (strncmp(e->d_name, d->path, plen) || e->d_name[plen] != ':')
			continue;
		if (mf_join(ifdir, sizeof(ifdir), devdir, e->d_name) < 0)
			continue;
		memset(&d->ports[d->nports], 0, sizeof(d->ports[0]));
		read_port(sysroot, ifdir, &d->ports[d->nports]);
		if (d->ports[d->nports].num >= 0)
			d->nports++;
	}
	closedir(dir);
	qsort(d->ports, d->nports, sizeof(d->ports[0]), cmp_port);
}

/* "1-1.4" yes; "1-1.4:1.0", "usb1", "." no. */
static bool is_device_name(const char *name)
{
	if (!isdigit((unsigned char)name[0]) || strchr(name, ':'))
		return false;
	return strchr(name, '-') != NULL && strlen(name) < 64;
}

static int read_device(const char *sysroot, const char *devdir,
		       const char *name, struct mf_usb_dev *d)
{
	long vid, pid, v;

	memset(d, 0, sizeof(*d));
	vid = read_num(devdir, "idVendor", 16, 0xffff);
	pid = read_num(devdir, "idProduct", 16, 0xffff);
	if (vid < 0 || pid < 0)
		return -ENOENT;
	snprintf(d->path, sizeof(d->path), "%s", name);
	d->vid = (uint16_t)vid;
	d->pid = (uint16_t)pid;
	v = read_num(devdir, "bcdDevice", 16, 0xffff);
	d->bcd = v < 0 ? 0 : (uint16_t)v;
	d->busnum = (int)read_num(devdir, "busnum", 10, 999);
	d->devnum = (int)read_num(devdir, "devnum", 10, 999);
	d->speed = read_speed(devdir);
	read_attr(devdir, "manufacturer", d->manufacturer,
		  sizeof(d->manufacturer));
	read_attr(devdir, "product", d->product, sizeof(d->product));
	read_attr(devdir, "serial", d->serial, sizeof(d->serial));
	d->nifaces = (int)read_num(devdir, "bNumInterfaces", 10, MF_MAX_IFACES);
	read_ports(sysroot, devdir, d);
	return 0;
}

static bool pattern_ok(uint16_t pat, uint8_t v)
{
	return pat == DEV_ANY || pat == v;
}

static const struct mf_port *find_if(const struct mf_usb_dev *d, int num)
{
	for (size_t i = 0; i < d->nports; i++)
		if (d->ports[i].num == num)
			return &d->ports[i];
	return NULL;
}

/*
 * How well row fits dev: -1 when a present interface contradicts the row's
 * class pattern (another composition of the same PID), else the number of
 * layout interfaces present.
 */
static int row_score(const struct dev_usb *id, const struct mf_usb_dev *d)
{
	int score = 0;

	for (size_t i = 0; i < dev_usb_nroles(id); i++) {
		const struct dev_iface *r = &id->roles[i];
		const struct mf_port *p = find_if(d, r->num);

		if (!p)
			continue;
		if (!pattern_ok(r->cls, p->cls) ||
		    !pattern_ok(r->sub, p->sub) ||
		    !pattern_ok(r->proto, p->proto))
			return -1;
		score++;
	}
	return score;
}

const struct dev_usb *mf_usb_id_match(const struct mf_usb_dev *dev)
{
	const struct dev_usb *id, *best = NULL;
	int best_score = -2;

	for (size_t i = 0; (id = dev_usb_at(i)); i++) {
		int s;

		if (id->vid != dev->vid || id->pid != dev->pid)
			continue;
		s = row_score(id, dev);
		if (s > best_score) {
			best = id;
			best_score = s;
		}
	}
	return best;
}

/* One vendor-specific interface speaking Sahara: RM551E 2c7c:0122 in EDL */
static bool single_sahara_if(const struct mf_usb_dev *d)
{
	return d->nports == 1 && d->ports[0].cls == 0xff &&
	       (d->ports[0].proto == 0x10 || d->ports[0].proto == 0x11);
}

enum mf_mode mf_usb_mode(const struct dev_usb *id, const struct mf_usb_dev *dev)
{
	if (single_sahara_if(dev))
		return MF_MODE_EDL;
	if (!id)
		return MF_MODE_UNKNOWN;
	return id->mode;
}

/* Protocol-coded roles win where the firmware sets them; the table's
 * interface numbers cover the rest (and the ff/ff/ff generation). */
static void assign_roles(struct mf_module *m)
{
	const struct dev_usb *id = m->id;

	for (size_t i = 0; i < m->usb.nports; i++) {
		struct mf_port *p = &m->usb.ports[i];
		enum mf_role r = MF_ROLE_NONE;

		if (m->mode == MF_MODE_EDL &&
		    (m->usb.nports == 1 || (id && id->vid == 0x05c6)))
			r = MF_ROLE_SAHARA;
		else if (!id || id->by_protocol)
			r = dev_role_from_protocol(p->cls, p->sub, p->proto);
		if (r == MF_ROLE_NONE)
			r = dev_usb_role(id, p->num);
		if (r == MF_ROLE_NONE && p->cls != 0xff)
			r = (p->cls == 0x02 || p->cls == 0x0a) ? MF_ROLE_NET
							       : MF_ROLE_NONE;
		p->role = r;
	}
}

void mf_scan_add(struct mf_scan *s, const struct mf_usb_dev *d,
		 const struct mf_log *log)
{
	const struct dev_adapter *aid = dev_adapter_find(d->vid, d->pid);
	const struct dev_usb *id;
	struct mf_module *m;

	if (aid) {
		if (s->nadapters < MF_MAX_ADAPTERS) {
			s->adapters[s->nadapters].usb = *d;
			s->adapters[s->nadapters++].id = aid;
		}
		return;
	}
	id = mf_usb_id_match(d);
	/* unknown Quectel PIDs are still shown, as mode "unknown" */
	if (!id && d->vid != 0x2c7c)
		return;
	if (s->nmodules >= MF_MAX_MODULES) {
		mf_log(log, MF_LOG_WARN, "more than %d modules: %s ignored",
		       MF_MAX_MODULES, d->path);
		return;
	}
	m = &s->modules[s->nmodules++];
	m->usb = *d;
	m->id = id;
	m->mode = mf_usb_mode(id, d);
	m->model = id ? dev_model_of_family(id->family) : NULL;
	m->chip = id ? dev_family_chip(id->family) : NULL;
	assign_roles(m);
}

static int cmp_module(const void *a, const void *b)
{
	return strcmp(((const struct mf_module *)a)->usb.path,
		      ((const struct mf_module *)b)->usb.path);
}

static int cmp_adapter(const void *a, const void *b)
{
	return strcmp(((const struct mf_adapter *)a)->usb.path,
		      ((const struct mf_adapter *)b)->usb.path);
}

void mf_scan_sort(struct mf_scan *s)
{
	qsort(s->modules, s->nmodules, sizeof(s->modules[0]), cmp_module);
	qsort(s->adapters, s->nadapters, sizeof(s->adapters[0]), cmp_adapter);
}

int mf_discover_scan(const char *sysroot, struct mf_scan *out,
		     const struct mf_log *log, struct mf_err *err)
{
	char base[MF_PATH_MAX], devdir[MF_PATH_MAX + 300];
	struct mf_usb_dev *d;
	struct dirent *e;
	DIR *dir;

#ifdef _WIN32
	/* the machine itself: SetupAPI (discover/scan_win.c) */
	if (!sysroot || !strcmp(sysroot, "/") || !strcmp(sysroot, "\\"))
		return mf_win_scan(out, log, err);
#endif
	memset(out, 0, sizeof(*out));
	snprintf(out->sysroot, sizeof(out->sysroot), "%s",
		 sysroot ? sysroot : "/");
	mf_sysroot_path(sysroot, "/sys/bus/usb/devices", base, sizeof(base));
	dir = opendir(base);
	if (!dir) {
		if (errno == ENOENT || errno == ENOTDIR) {
			mf_log(log, MF_LOG_TRACE, "%s: absent, no USB", base);
			return 0;
		}
		return mf_err_set(err, MF_FAILED, -errno, "cannot read %s: %s",
				  base, strerror(errno));
	}
	d = malloc(sizeof(*d));
	if (!d) {
		closedir(dir);
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	}
	while ((e = readdir(dir))) {
		if (!is_device_name(e->d_name))
			continue;
		if (mf_join(devdir, sizeof(devdir), base, e->d_name) < 0)
			continue;
		if (read_device(sysroot, devdir, e->d_name, d) < 0)
			continue;
		mf_scan_add(out, d, log);
	}
	free(d);
	closedir(dir);
	mf_scan_sort(out);
#ifdef _WIN32
	mf_win_sysroot_map(sysroot, out);
#endif
	mf_log(log, MF_LOG_TRACE, "%s: %zu module(s), %zu adapter(s)", base,
	       out->nmodules, out->nadapters);
	return 0;
}
