/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_TESTS_DISCOVER_TREE_H
#define MF_TESTS_DISCOVER_TREE_H

/*
 * Fake sysfs trees for the discovery tests, shaped like the kernel's:
 * sys/devices/.../<path> with attribute files and interface directories,
 * sys/bus/usb/devices/<name> symlinks to them, dev/ttyUSBn nodes (plain
 * files here) and proc/<pid>/{comm,fd/}.
 */
#include <stdbool.h>
#include <stdint.h>

struct tree_if {
	int num;
	uint8_t cls, sub, proto;
	const char *driver; /* NULL: unbound */
	const char *tty;    /* "ttyUSB2", "tty/ttyACM0" or NULL */
};

struct tree_dev {
	const char *path; /* "1-1.4" */
	uint16_t vid, pid;
	int busnum, devnum, speed;
	const char *manufacturer, *product, *serial;
	struct tree_if ifs[16];
	int nifs;
};

/* A fresh temporary sysroot; free with tree_rm. */
char *tree_new(void);
void tree_rm(char *root);
/* Write content to root/rel, creating directories. */
void tree_file(const char *root, const char *rel, const char *content);
void tree_symlink(const char *root, const char *rel, const char *target);
/* The device, its interfaces, the bus link and dev/ nodes. */
void tree_add(const char *root, const struct tree_dev *d);
void tree_del(const char *root, const char *path);

#endif
