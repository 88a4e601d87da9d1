// SPDX-License-Identifier: BSD-3-Clause
/*
 * Reading the simulator's tree (DIR/sys/bus/usb/devices, DIR/dev/ttyUSBn).
 * The simulator builds a device under flock(DIR/.ttylock); we take the same
 * lock so that we never see half a device, and still treat a device whose
 * tty links are missing as not settled yet (scanned again next tick).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "sim/gadget/bridge.h"

static int read_line(const char *dir, const char *name, char *buf, size_t cap)
{
	char p[BR_PATH + 64];
	size_t n;
	FILE *f;

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, name) >= sizeof(p))
		return -ENAMETOOLONG;
	f = fopen(p, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)cap, f))
		buf[0] = 0;
	fclose(f);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	return 0;
}

/* A hex attribute in [0, max]; -EINVAL for anything else. */
static int read_hex(const char *dir, const char *name, unsigned long max,
		    unsigned long *v)
{
	char buf[32], *end;
	int err = read_line(dir, name, buf, sizeof(buf));

	if (err)
		return err;
	errno = 0;
	*v = strtoul(buf, &end, 16);
	if (errno || end == buf || *v > max)
		return -EINVAL;
	return 0;
}

static int scan_iface(const char *root, const char *ifdir, const char *name,
		      struct br_iface *ifc)
{
	char link[BR_PATH + 64];
	unsigned long v[5];
	struct dirent *de;
	ssize_t n;
	DIR *d;

	memset(ifc, 0, sizeof(*ifc));
	if (read_hex(ifdir, "bInterfaceNumber", 0xff, &v[0]) ||
	    read_hex(ifdir, "bInterfaceClass", 0xff, &v[1]) ||
	    read_hex(ifdir, "bInterfaceSubClass", 0xff, &v[2]) ||
	    read_hex(ifdir, "bInterfaceProtocol", 0xff, &v[3]) ||
	    read_hex(ifdir, "bNumEndpoints", 3, &v[4]))
		return -EAGAIN;
	ifc->num = (uint8_t)v[0];
	ifc->cls = (uint8_t)v[1];
	ifc->sub = (uint8_t)v[2];
	ifc->proto = (uint8_t)v[3];
	ifc->nep = (uint8_t)v[4];
	d = opendir(ifdir);
	if (!d)
		return -EAGAIN;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "ttyUSB", 6) ||
		    strlen(de->d_name) >= sizeof(ifc->tty))
			continue;
		strcpy(ifc->tty, de->d_name);
	}
	closedir(d);
	if (!ifc->tty[0])
		return 0;
	if ((size_t)snprintf(link, sizeof(link), "%s/dev/%s", root, ifc->tty) >=
	    sizeof(link))
		return -ENAMETOOLONG;
	n = readlink(link, ifc->pty, sizeof(ifc->pty) - 1);
	if (n <= 0)
		return -EAGAIN; /* the link comes right after the directory */
	ifc->pty[n] = 0;
	(void)name;
	return 0;
}

static int cmp_iface(const void *a, const void *b)
{
	return (int)((const struct br_iface *)a)->num -
	       (int)((const struct br_iface *)b)->num;
}

static int scan_device(const struct br_opts *o, const char *devs,
		       const char *name, struct br_dev *dev)
{
	char dir[BR_PATH + 64], ifdir[BR_PATH + 300], buf[32];
	unsigned long vid, pid, bcd;
	size_t plen = strlen(name);
	struct dirent *de;
	int err = 0;
	DIR *d;

	memset(dev, 0, sizeof(*dev));
	if (plen >= sizeof(dev->path))
		return -ENAMETOOLONG;
	snprintf(dir, sizeof(dir), "%s/%s", devs, name);
	if (read_hex(dir, "idVendor", 0xffff, &vid) ||
	    read_hex(dir, "idProduct", 0xffff, &pid))
		return -EAGAIN;
	if (read_hex(dir, "bcdDevice", 0xffff, &bcd))
		bcd = 0;
	strcpy(dev->path, name);
	dev->vid = (uint16_t)vid;
	dev->pid = (uint16_t)pid;
	dev->bcd = (uint16_t)bcd;
	if (!read_line(dir, "devnum", buf, sizeof(buf)))
		dev->devnum = atoi(buf);
	read_line(dir, "manufacturer", dev->manufacturer,
		  sizeof(dev->manufacturer));
	read_line(dir, "product", dev->product, sizeof(dev->product));
	dev->has_serial =
		!read_line(dir, "serial", dev->serial, sizeof(dev->serial));
	d = opendir(devs);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && !err) {
		if (strncmp(de->d_name, name, plen) || de->d_name[plen] != ':')
			continue;
		if (dev->nifs == BR_MAX_IFACES) {
			err = -E2BIG;
			break;
		}
		if ((size_t)snprintf(ifdir, sizeof(ifdir), "%s/%s", devs,
				     de->d_name) >= sizeof(ifdir))
			continue;
		err = scan_iface(o->root, ifdir, de->d_name,
				 &dev->ifs[dev->nifs]);
		if (!err)
			dev->nifs++;
	}
	closedir(d);
	if (err)
		return err;
	if (!dev->nifs)
		return -EAGAIN;
	qsort(dev->ifs, dev->nifs, sizeof(dev->ifs[0]), cmp_iface);
	return 0;
}

/*
 * The module's device: the first one in the tree that is not the FTDI
 * UART adapter (0403:xxxx, a separate device that dummy_hcd's single
 * port cannot show next to the module).
 */
static int scan_locked(const struct br_opts *o, struct br_dev *dev)
{
	char devs[BR_PATH];
	struct dirent *de;
	int found = 0, err;
	DIR *d;

	if ((size_t)snprintf(devs, sizeof(devs), "%s/sys/bus/usb/devices",
			     o->root) >= sizeof(devs))
		return -ENAMETOOLONG;
	d = opendir(devs);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strchr(de->d_name, ':'))
			continue;
		err = scan_device(o, devs, de->d_name, dev);
		if (err == -EAGAIN) {
			found = -EAGAIN;
			continue;
		}
		if (err)
			continue;
		if (dev->vid == 0x0403)
			continue;
		found = 1;
		break;
	}
	closedir(d);
	return found;
}

int br_tree_scan(const struct br_opts *o, struct br_dev *dev)
{
	char lock[BR_PATH];
	int fd, ret;

	if ((size_t)snprintf(lock, sizeof(lock), "%s/.ttylock", o->root) >=
	    sizeof(lock))
		return -ENAMETOOLONG;
	/* never create it: the last simulator to leave removes the file */
	fd = open(lock, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_SH)) {
		close(fd);
		fd = -1;
	}
	ret = scan_locked(o, dev);
	if (fd >= 0)
		close(fd);
	return ret;
}

bool br_dev_same(const struct br_dev *a, const struct br_dev *b)
{
	size_t i;

	if (a->vid != b->vid || a->pid != b->pid || a->devnum != b->devnum ||
	    strcmp(a->path, b->path) || a->nifs != b->nifs)
		return false;
	for (i = 0; i < a->nifs; i++)
		if (memcmp(&a->ifs[i], &b->ifs[i], sizeof(a->ifs[i])))
			return false;
	return true;
}
