// SPDX-License-Identifier: BSD-3-Clause
#include "tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* snprintf that refuses to cut a path short */
#define FMT(buf, ...)                                                          \
	do {                                                                   \
		if (snprintf((buf), sizeof(buf), __VA_ARGS__) >=               \
		    (int)sizeof(buf))                                          \
			abort();                                               \
	} while (0)

static void die(const char *what, const char *path)
{
	fprintf(stderr, "tree: %s %s: %s\n", what, path, strerror(errno));
	abort();
}

static void mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die("mkdir", path);
		*p = '/';
	}
}

char *tree_new(void)
{
	char tmpl[] = "/tmp/mf-disc-XXXXXX";

	if (!mkdtemp(tmpl))
		die("mkdtemp", tmpl);
	return strdup(tmpl);
}

void tree_rm(char *root)
{
	char cmd[600];

	FMT(cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "tree: could not remove %s\n", root);
	free(root);
}

void tree_file(const char *root, const char *rel, const char *content)
{
	char path[1024];
	FILE *f;

	FMT(path, "%s/%s", root, rel);
	mkdirs(path);
	f = fopen(path, "w");
	if (!f)
		die("open", path);
	fputs(content, f);
	fclose(f);
}

void tree_symlink(const char *root, const char *rel, const char *target)
{
	char path[1024];

	FMT(path, "%s/%s", root, rel);
	mkdirs(path);
	unlink(path);
	if (symlink(target, path) < 0)
		die("symlink", path);
}

/* hex: "%04x" style of width digits, else decimal */
static void attr(const char *root, const char *dir, const char *name, int hex,
		 unsigned v)
{
	char rel[512], val[32];

	FMT(rel, "%s/%s", dir, name);
	if (hex)
		FMT(val, "%0*x\n", hex, v);
	else
		FMT(val, "%u\n", v);
	tree_file(root, rel, val);
}

static void add_if(const char *root, const char *devdir, const char *path,
		   const struct tree_if *i)
{
	char dir[512], rel[600], ue[128];

	FMT(dir, "%s/%s:1.%d", devdir, path, i->num);
	attr(root, dir, "bInterfaceNumber", 2, (unsigned)i->num);
	attr(root, dir, "bInterfaceClass", 2, i->cls);
	attr(root, dir, "bInterfaceSubClass", 2, i->sub);
	attr(root, dir, "bInterfaceProtocol", 2, i->proto);
	FMT(ue, "DEVTYPE=usb_interface\n%s%s%s", i->driver ? "DRIVER=" : "",
	    i->driver ? i->driver : "", i->driver ? "\n" : "");
	FMT(rel, "%s/uevent", dir);
	tree_file(root, rel, ue);
	if (i->tty) {
		const char *base = strrchr(i->tty, '/');

		FMT(rel, "%s/%s/uevent", dir, i->tty);
		tree_file(root, rel, "");
		FMT(rel, "dev/%s", base ? base + 1 : i->tty);
		tree_file(root, rel, "");
	}
}

void tree_add(const char *root, const struct tree_dev *d)
{
	char devdir[256], rel[512], target[512];

	FMT(devdir, "sys/devices/pci0000:00/usb%d/%s", d->busnum, d->path);
	attr(root, devdir, "idVendor", 4, d->vid);
	attr(root, devdir, "idProduct", 4, d->pid);
	attr(root, devdir, "bcdDevice", 4, 0x0318);
	attr(root, devdir, "busnum", 0, (unsigned)d->busnum);
	attr(root, devdir, "devnum", 0, (unsigned)d->devnum);
	attr(root, devdir, "speed", 0, (unsigned)(d->speed ? d->speed : 480));
	if (d->manufacturer) {
		FMT(rel, "%s/manufacturer", devdir);
		tree_file(root, rel, d->manufacturer);
	}
	if (d->product) {
		FMT(rel, "%s/product", devdir);
		tree_file(root, rel, d->product);
	}
	if (d->serial) {
		FMT(rel, "%s/serial", devdir);
		tree_file(root, rel, d->serial);
	}
	for (int i = 0; i < d->nifs; i++)
		add_if(root, devdir, d->path, &d->ifs[i]);
	/* the bus directory holds links to devices and interfaces alike */
	FMT(rel, "sys/bus/usb/devices/%s", d->path);
	FMT(target, "%s/%s", root, devdir);
	tree_symlink(root, rel, target);
	for (int i = 0; i < d->nifs; i++) {
		FMT(rel, "sys/bus/usb/devices/%s:1.%d", d->path, d->ifs[i].num);
		FMT(target, "%s/%s/%s:1.%d", root, devdir, d->path,
		    d->ifs[i].num);
		tree_symlink(root, rel, target);
	}
}

void tree_del(const char *root, const char *path)
{
	char link[600];

	FMT(link, "%s/sys/bus/usb/devices/%s", root, path);
	unlink(link);
}
