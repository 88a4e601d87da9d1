// SPDX-License-Identifier: BSD-3-Clause
/*
 * The sysfs-like tree under --root that discovery reads, drawn as the kernel
 * draws it: the device lives at its physical path,
 *   DIR/sys/devices/pci0000:00/0000:00:14.0/usb<bus>/<hubs>/<path>/
 *   with its interfaces <path>:1.<n>/ (ttyUSBk/tty/ttyUSBk inside) below,
 * and DIR/sys/bus/usb/devices/<path> and <path>:1.<n> are links to them
 * (the physical path is the device's identity for udev and ModemManager);
 * driver links point into DIR/sys/bus/usb/drivers/<driver>/, which links
 * back; DIR/sys/class/tty/ttyUSBk links to the tty; and
 *   DIR/dev/ttyUSBk -> /dev/pts/N.
 * The hubs on the way are directories only (no attributes).
 * Several simulators may share one root (--usb-path): tty numbers are
 * allocated under flock(DIR/.ttylock), lowest free first, like the kernel.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/core.h"

static int path_fmt(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int path_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= cap) ? -ENAMETOOLONG : 0;
}

static int write_attr(const char *dir, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int write_attr(const char *dir, const char *name, const char *fmt, ...)
{
	char path[SIM_PATH_MAX + 64];
	va_list ap;
	FILE *f;

	if (path_fmt(path, sizeof(path), "%s/%s", dir, name))
		return -ENAMETOOLONG;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	return fclose(f) ? -EIO : 0;
}

static int mkdir_p(const char *path)
{
	char tmp[SIM_PATH_MAX];
	char *q;

	if (strlen(path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp, path);
	for (q = tmp + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = 0;
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*q = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* rm -r of a tree we made (no symlinks followed: unlink removes links) */
static void rm_rf(const char *path)
{
	char sub[SIM_PATH_MAX + 256];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (lstat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			if (path_fmt(sub, sizeof(sub), "%s/%s", path,
				     de->d_name))
				continue;
			rm_rf(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

/* The xHCI controller every simulated device hangs off */
#define PHYS_ROOT "devices/pci0000:00/0000:00:14.0"

/*
 * "devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1.4" for path "1-1.4": the
 * root hub, then one directory per hub on the way (relative to DIR/sys).
 */
static int phys_rel(const char *path, char *out, size_t cap)
{
	const char *dash = strchr(path, '-');
	size_t n;

	if (!dash || path_fmt(out, cap, PHYS_ROOT "/usb%d", atoi(path)))
		return -ENAMETOOLONG;
	for (const char *q = dash + 1;; q++) {
		if (*q != '.' && *q)
			continue;
		n = strlen(out);
		if (n + 2 + (size_t)(q - path) >= cap)
			return -ENAMETOOLONG;
		out[n] = '/';
		memcpy(out + n + 1, path, (size_t)(q - path));
		out[n + 1 + (q - path)] = 0;
		if (!*q)
			return 0;
	}
}

/* "../" once per directory of rel (a path relative to DIR/sys). */
static void ups(const char *rel, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = 0;
	for (const char *q = rel; *q; q++)
		if (*q == '/' || q == rel)
			n++;
	while (n-- && strlen(out) + 3 < cap)
		strcat(out, "../");
}

/* DIR/sys/<from_dir>/<name> -> the relative way to DIR/sys/<to> */
static void sys_link(struct sim *s, const char *from_dir, const char *name,
		     const char *to)
{
	char link[SIM_PATH_MAX + 128], tgt[SIM_PATH_MAX], up[128];

	ups(from_dir, up, sizeof(up));
	if (path_fmt(link, sizeof(link), "%s/sys/%s/%s", s->root, from_dir,
		     name) ||
	    path_fmt(tgt, sizeof(tgt), "%s%s", up, to))
		return;
	unlink(link);
	symlink(tgt, link);
}

static void sys_unlink(struct sim *s, const char *dir, const char *name)
{
	char link[SIM_PATH_MAX + 128];

	if (!path_fmt(link, sizeof(link), "%s/sys/%s/%s", s->root, dir, name))
		unlink(link);
}

static int sys_mkdir(struct sim *s, const char *rel)
{
	char p[SIM_PATH_MAX];

	if (path_fmt(p, sizeof(p), "%s/sys/%s", s->root, rel))
		return -ENAMETOOLONG;
	return mkdir_p(p);
}

/* Remove the empty directories of the tree below path, then path. */
static void rmdir_empty(const char *path)
{
	char sub[SIM_PATH_MAX + 256];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) || !S_ISDIR(st.st_mode))
		return;
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.' &&
			    (!de->d_name[1] || !strcmp(de->d_name, "..")))
				continue;
			if (!path_fmt(sub, sizeof(sub), "%s/%s", path,
				      de->d_name))
				rmdir_empty(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

int sim_tree_init(struct sim *s)
{
	char p[SIM_PATH_MAX];
	int err;

	if (path_fmt(p, sizeof(p), "%s/sys/bus/usb/devices", s->root))
		return -ENAMETOOLONG;
	err = mkdir_p(p);
	if (err)
		return err;
	if (path_fmt(p, sizeof(p), "%s/dev", s->root))
		return -ENAMETOOLONG;
	return mkdir_p(p);
}

int sim_tree_lock(struct sim *s)
{
	char p[SIM_PATH_MAX];
	struct stat a, b;
	int fd;

	if (path_fmt(p, sizeof(p), "%s/.ttylock", s->root))
		return -ENAMETOOLONG;
	for (;;) {
		fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX)) {
			close(fd);
			return -errno;
		}
		/* the last simulator to leave removes the file: retry on a stale one */
		if (!fstat(fd, &a) && !stat(p, &b) && a.st_ino == b.st_ino)
			break;
		close(fd);
	}
	s->lock_fd = fd;
	return 0;
}

void sim_tree_unlock(struct sim *s)
{
	if (s->lock_fd >= 0) {
		close(s->lock_fd);
		s->lock_fd = -1;
	}
}

/* Lowest ttyUSBn not present under DIR/dev (caller holds the lock). */
static int tty_alloc(struct sim *s, struct sim_port *p)
{
	char link[SIM_PATH_MAX];
	struct stat st;
	int k;

	for (k = 0; k < 256; k++) {
		if (path_fmt(link, sizeof(link), "%s/dev/ttyUSB%d", s->root, k))
			return -ENAMETOOLONG;
		if (!lstat(link, &st))
			continue;
		if (symlink(p->slave, link))
			continue;
		p->index = k;
		snprintf(p->name, sizeof(p->name), "ttyUSB%d", k);
		strcpy(p->link, link);
		return 0;
	}
	return -ENOSPC;
}

/* Devices on this bus already in the tree: devnum is above all of them. */
static int devnum_alloc(struct sim *s, int bus)
{
	char p[SIM_PATH_MAX + 300], buf[16];
	int best = s->last_devnum[bus & 7];
	struct dirent *de;
	DIR *d;

	if (path_fmt(p, SIM_PATH_MAX, "%s/sys/bus/usb/devices", s->root))
		return 2;
	d = opendir(p);
	if (d) {
		while ((de = readdir(d))) {
			char f[SIM_PATH_MAX + 300];
			FILE *fp;
			int b = 0, n = 0;

			if (de->d_name[0] == '.' || strchr(de->d_name, ':'))
				continue;
			if (path_fmt(f, sizeof(f), "%s/%s/busnum", p,
				     de->d_name))
				continue;
			fp = fopen(f, "re");
			if (!fp)
				continue;
			if (fgets(buf, sizeof(buf), fp))
				b = atoi(buf);
			fclose(fp);
			if (b != bus)
				continue;
			if (path_fmt(f, sizeof(f), "%s/%s/devnum", p,
				     de->d_name))
				continue;
			fp = fopen(f, "re");
			if (fp && fgets(buf, sizeof(buf), fp))
				n = atoi(buf);
			if (fp)
				fclose(fp);
			if (n > best)
				best = n;
		}
		closedir(d);
	}
	best = best < 1 ? 2 : best + 1;
	if (best > 127)
		best = 2;
	s->last_devnum[bus & 7] = best;
	return best;
}

static const char *driver_of(const struct sim_usbdev *d,
			     const struct sim_iface *ifc)
{
	if (d->vid == 0x0403)
		return "ftdi_sio";
	if (d->vid == 0x05c6)
		return "qcserial";
	if (!ifc->tty)
		return "qmi_wwan";
	return "option";
}

static int add_iface(struct sim *s, struct sim_usbdev *d, const char *phys,
		     const struct sim_iface *ifc, struct sim_port *port)
{
	char rel[SIM_PATH_MAX], dir[SIM_PATH_MAX + 8], sub[SIM_PATH_MAX + 64],
		name[48], to[SIM_PATH_MAX + 64], drvdir[64];
	const char *drv = driver_of(d, ifc);
	int err;

	snprintf(name, sizeof(name), "%s:1.%u", d->path, ifc->num);
	if (path_fmt(rel, sizeof(rel), "%s/%s", phys, name) ||
	    path_fmt(dir, sizeof(dir), "%s/sys/%s", s->root, rel))
		return -ENAMETOOLONG;
	err = mkdir_p(dir);
	if (err)
		return err;
	snprintf(d->ifdirs[d->nifdirs++], sizeof(d->ifdirs[0]), "%s", name);
	write_attr(dir, "bInterfaceNumber", "%02x\n", ifc->num);
	write_attr(dir, "bAlternateSetting", " 0\n");
	write_attr(dir, "bInterfaceClass", "%02x\n", ifc->cls);
	write_attr(dir, "bInterfaceSubClass", "%02x\n", ifc->sub);
	write_attr(dir, "bInterfaceProtocol", "%02x\n", ifc->proto);
	write_attr(dir, "bNumEndpoints", "%02x\n",
		   ifc->tty && d->vid != 0x05c6 ? 3 : 2);
	write_attr(dir, "uevent",
		   "DEVTYPE=usb_interface\nDRIVER=%s\nPRODUCT=%x/%x/%x\nTYPE=0/"
		   "0/0\n"
		   "INTERFACE=%u/%u/"
		   "%u\nMODALIAS=usb:v%04Xp%04Xd%04Xdc00dsc00dp00ic%02Xisc%"
		   "02Xip%02Xin%02X\n",
		   drv, d->vid, d->pid, d->bcd, ifc->cls, ifc->sub, ifc->proto,
		   d->vid, d->pid, d->bcd, ifc->cls, ifc->sub, ifc->proto,
		   ifc->num);
	/* driver -> bus/usb/drivers/<drv>, which links back */
	snprintf(drvdir, sizeof(drvdir), "bus/usb/drivers/%s", drv);
	sys_mkdir(s, drvdir);
	sys_link(s, rel, "driver", drvdir);
	sys_link(s, drvdir, name, rel);
	sys_link(s, "bus/usb/devices", name, rel);
	if (!port)
		return 0;
	err = tty_alloc(s, port);
	if (err)
		return err;
	if (path_fmt(sub, sizeof(sub), "%s/%s/tty/%s", dir, port->name,
		     port->name))
		return -ENAMETOOLONG;
	err = mkdir_p(sub);
	if (err)
		return err;
	write_attr(sub, "uevent", "MAJOR=188\nMINOR=%d\nDEVNAME=%s\n",
		   port->index, port->name);
	write_attr(sub, "dev", "188:%d\n", port->index);
	if (path_fmt(to, sizeof(to), "%s/%s/tty/%s", rel, port->name,
		     port->name))
		return -ENAMETOOLONG;
	sys_mkdir(s, "class/tty");
	sys_link(s, "class/tty", port->name, to);
	if (path_fmt(sub, sizeof(sub), "%s/%s", dir, port->name))
		return -ENAMETOOLONG;
	write_attr(sub, "uevent", "DRIVER=%s\n", drv);
	write_attr(sub, "port_number", "0\n");
	return 0;
}

/*
 * Create the device directory of d with its interfaces; d->ports[i] is the
 * port of interface i of ifs (NULL for interfaces without a tty).
 */
static int add_device(struct sim *s, struct sim_usbdev *d,
		      const struct sim_iface *ifs, size_t nifs)
{
	char dir[SIM_PATH_MAX + 8], phys[SIM_PATH_MAX - 16];
	const char *dash;
	size_t i;
	int err;

	d->busnum = atoi(d->path);
	d->devnum = devnum_alloc(s, d->busnum);
	d->nifdirs = 0;
	if (phys_rel(d->path, phys, sizeof(phys)) ||
	    path_fmt(dir, sizeof(dir), "%s/sys/%s", s->root, phys))
		return -ENAMETOOLONG;
	err = mkdir_p(dir);
	if (err)
		return err;
	sys_link(s, "bus/usb/devices", d->path, phys);
	sys_mkdir(s, "bus/usb/drivers/usb");
	sys_link(s, phys, "driver", "bus/usb/drivers/usb");
	sys_link(s, "bus/usb/drivers/usb", d->path, phys);
	dash = strchr(d->path, '-');
	write_attr(dir, "idVendor", "%04x\n", d->vid);
	write_attr(dir, "idProduct", "%04x\n", d->pid);
	write_attr(dir, "bcdDevice", "%04x\n", d->bcd);
	write_attr(dir, "busnum", "%d\n", d->busnum);
	write_attr(dir, "devnum", "%d\n", d->devnum);
	write_attr(dir, "devpath", "%s\n", dash ? dash + 1 : d->path);
	write_attr(dir, "dev", "189:%d\n",
		   (d->busnum - 1) * 128 + d->devnum - 1);
	write_attr(dir, "speed", "%d\n", d->speed);
	write_attr(dir, "version", d->speed >= 5000 ? " 3.20\n" : " 2.00\n");
	write_attr(dir, "bDeviceClass", "00\n");
	write_attr(dir, "bNumConfigurations", "1\n");
	write_attr(dir, "bConfigurationValue", "1\n");
	write_attr(dir, "bNumInterfaces", "%2zu\n", nifs);
	write_attr(dir, "bMaxPacketSize0", "%d\n", d->speed >= 5000 ? 9 : 64);
	write_attr(dir, "product", "%s\n", d->product);
	write_attr(dir, "manufacturer", "%s\n", d->manufacturer);
	if (d->serial)
		write_attr(dir, "serial", "%s\n", d->serial);
	write_attr(dir, "uevent",
		   "MAJOR=189\nMINOR=%d\nDEVNAME=bus/usb/%03d/"
		   "%03d\nDEVTYPE=usb_device\n"
		   "DRIVER=usb\nPRODUCT=%x/%x/%x\nTYPE=0/0/"
		   "0\nBUSNUM=%03d\nDEVNUM=%03d\n",
		   (d->busnum - 1) * 128 + d->devnum - 1, d->busnum, d->devnum,
		   d->vid, d->pid, d->bcd, d->busnum, d->devnum);
	for (i = 0; i < nifs; i++) {
		err = add_iface(s, d, phys, &ifs[i], d->ports[i]);
		if (err)
			return err;
	}
	return 0;
}

int sim_tree_add_device(struct sim *s, struct sim_usbdev *d)
{
	struct sim_iface ifs[SIM_MAX_PORTS];
	const struct sim_profile *pr = s->prof;
	size_t n, i;
	int err;

	if (d->vid == 0x05c6) {
		ifs[0] = (struct sim_iface){ 0,	    0xff, 0xff, pr->edl_proto,
					     "EDL", true };
		n = 1;
	} else if (d->vid == 0x0403) {
		ifs[0] =
			(struct sim_iface){ 0, 0xff, 0xff, 0xff, "UART", true };
		n = 1;
	} else {
		n = pr->nifaces;
		for (i = 0; i < n; i++)
			ifs[i] = pr->ifaces[i];
	}
	err = sim_tree_lock(s);
	if (err)
		return err;
	err = add_device(s, d, ifs, n);
	sim_tree_unlock(s);
	if (!err) {
		d->present = true;
		sim_debug(s, "enumerated %04x:%04x on %s (devnum %d)", d->vid,
			  d->pid, d->path, d->devnum);
	} else {
		d->present = true;
		sim_tree_remove_device(s, d);
	}
	return err;
}

void sim_tree_unlink_port(struct sim *s, struct sim_port *p)
{
	if (p->link[0])
		unlink(p->link);
	p->link[0] = 0;
}

void sim_tree_remove_device(struct sim *s, struct sim_usbdev *d)
{
	char p[SIM_PATH_MAX + 64];
	size_t i;

	if (!d->present)
		return;
	static const char *const drivers[] = {
		"usb", "option", "qcserial", "qmi_wwan", "ftdi_sio",
	};
	char phys[SIM_PATH_MAX - 16];

	sim_tree_lock(s);
	for (i = 0; i < d->nifdirs; i++) {
		sys_unlink(s, "bus/usb/devices", d->ifdirs[i]);
		for (size_t k = 0; k < sizeof(drivers) / sizeof(drivers[0]);
		     k++) {
			char dd[64];

			snprintf(dd, sizeof(dd), "bus/usb/drivers/%s",
				 drivers[k]);
			sys_unlink(s, dd, d->ifdirs[i]);
		}
	}
	sys_unlink(s, "bus/usb/devices", d->path);
	sys_unlink(s, "bus/usb/drivers/usb", d->path);
	/* the device's directory, then the hubs' that held only it */
	if (!phys_rel(d->path, phys, sizeof(phys)) &&
	    !path_fmt(p, sizeof(p), "%s/sys/%s", s->root, phys)) {
		char *slash;

		rm_rf(p);
		while ((slash = strrchr(p, '/')) &&
		       strlen(p) >
			       strlen(s->root) + sizeof("/sys/" PHYS_ROOT)) {
			*slash = 0;
			if (rmdir(p))
				break;
		}
	}
	for (i = 0; i < d->nports; i++) {
		if (!d->ports[i])
			continue;
		if (d->ports[i]->name[0])
			sys_unlink(s, "class/tty", d->ports[i]->name);
		sim_tree_unlink_port(s, d->ports[i]);
		sim_port_free(d->ports[i]);
		d->ports[i] = NULL;
	}
	sim_tree_unlock(s);
	d->nports = 0;
	d->nifdirs = 0;
	d->present = false;
	sim_debug(s, "removed %04x:%04x from %s", d->vid, d->pid, d->path);
}

int sim_tree_link_uart(struct sim *s, struct sim_port *p)
{
	char link[SIM_PATH_MAX];

	if (path_fmt(link, sizeof(link), "%s/dev/ttyS0", s->root))
		return -ENAMETOOLONG;
	if (symlink(p->slave, link))
		return -errno;
	strcpy(p->link, link);
	strcpy(p->name, "ttyS0");
	return 0;
}

/* Leave the root as we found it: remove the directories that are empty. */
void sim_tree_cleanup(struct sim *s)
{
	static const char *const dirs[] = {
		"sys/bus/usb/devices", "sys/bus/usb", "sys/bus", "sys", "dev",
	};
	char p[SIM_PATH_MAX];
	bool last = true;
	size_t i;

	if (sim_tree_lock(s))
		return;
	/* what the devices leave behind: empty directories only */
	for (i = 0; i < 3; i++) {
		static const char *const empty[] = { "sys/devices",
						     "sys/bus/usb/drivers",
						     "sys/class" };

		if (!path_fmt(p, sizeof(p), "%s/%s", s->root, empty[i]))
			rmdir_empty(p);
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!path_fmt(p, sizeof(p), "%s/%s", s->root, dirs[i]) &&
		    rmdir(p) && errno == ENOTEMPTY)
			last = false;
	if (last) {
		if (s->wrote_ready &&
		    !path_fmt(p, sizeof(p), "%s/ready", s->root))
			unlink(p);
		if (!path_fmt(p, sizeof(p), "%s/.ttylock", s->root))
			unlink(p);
	}
	sim_tree_unlock(s);
	if (s->state_private)
		rm_rf(s->state);
}
