// SPDX-License-Identifier: BSD-3-Clause
#include "tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "tree: could not remove %s\n", root);
	free(root);
}

void tree_file(const char *root, const char *rel, const char *content)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
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

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	mkdirs(path);
	unlink(path);
	if (symlink(target, path) < 0)
		die("symlink", path);
}

static void attr(const char *root, const char *dir, const char *name,
		 const char *fmt, unsigned v)
{
	char rel[512], val[32];

	snprintf(rel, sizeof(rel), "%s/%s", dir, name);
	snprintf(val, sizeof(val), fmt, v);
	tree_file(root, rel, val);
}

static void add_if(const char *root, const char *devdir, const char *path,
		   const struct tree_if *i)
{
	char dir[512], rel[600], ue[128];

	snprintf(dir, sizeof(dir), "%s/%s:1.%d", devdir, path, i->num);
	attr(root, dir, "bInterfaceNumber", "%02x\n", (unsigned)i->num);
	attr(root, dir, "bInterfaceClass", "%02x\n", i->cls);
	attr(root, dir, "bInterfaceSubClass", "%02x\n", i->sub);
	attr(root, dir, "bInterfaceProtocol", "%02x\n", i->proto);
	snprintf(ue, sizeof(ue), "DEVTYPE=usb_interface\n%s%s%s",
		 i->driver ? "DRIVER=" : "", i->driver ? i->driver : "",
		 i->driver ? "\n" : "");
	snprintf(rel, sizeof(rel), "%s/uevent", dir);
	tree_file(root, rel, ue);
	if (i->tty) {
		const char *base = strrchr(i->tty, '/');

		snprintf(rel, sizeof(rel), "%s/%s/uevent", dir, i->tty);
		tree_file(root, rel, "");
		snprintf(rel, sizeof(rel), "dev/%s", base ? base + 1 : i->tty);
		tree_file(root, rel, "");
	}
}

void tree_add(const char *root, const struct tree_dev *d)
{
	char devdir[256], rel[512], target[512];

	snprintf(devdir, sizeof(devdir), "sys/devices/pci0000:00/usb%d/%s",
		 d->busnum, d->path);
	attr(root, devdir, "idVendor", "%04x\n", d->vid);
	attr(root, devdir, "idProduct", "%04x\n", d->pid);
	attr(root, devdir, "bcdDevice", "%04x\n", 0x0318);
	attr(root, devdir, "busnum", "%d\n", (unsigned)d->busnum);
	attr(root, devdir, "devnum", "%d\n", (unsigned)d->devnum);
	attr(root, devdir, "speed", "%d\n", (unsigned)(d->speed ? d->speed : 480));
	if (d->manufacturer) {
		snprintf(rel, sizeof(rel), "%s/manufacturer", devdir);
		tree_file(root, rel, d->manufacturer);
	}
	if (d->product) {
		snprintf(rel, sizeof(rel), "%s/product", devdir);
		tree_file(root, rel, d->product);
	}
	if (d->serial) {
		snprintf(rel, sizeof(rel), "%s/serial", devdir);
		tree_file(root, rel, d->serial);
	}
	for (int i = 0; i < d->nifs; i++)
		add_if(root, devdir, d->path, &d->ifs[i]);
	/* the bus directory holds links to devices and interfaces alike */
	snprintf(rel, sizeof(rel), "sys/bus/usb/devices/%s", d->path);
	snprintf(target, sizeof(target), "%s/%s", root, devdir);
	tree_symlink(root, rel, target);
	for (int i = 0; i < d->nifs; i++) {
		snprintf(rel, sizeof(rel), "sys/bus/usb/devices/%s:1.%d",
			 d->path, d->ifs[i].num);
		snprintf(target, sizeof(target), "%s/%s/%s:1.%d", root, devdir,
			 d->path, d->ifs[i].num);
		tree_symlink(root, rel, target);
	}
}

void tree_del(const char *root, const char *path)
{
	char link[600];

	snprintf(link, sizeof(link), "%s/sys/bus/usb/devices/%s", root, path);
	unlink(link);
}
