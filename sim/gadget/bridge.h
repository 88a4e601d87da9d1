/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_SIM_GADGET_BRIDGE_H
#define MF_SIM_GADGET_BRIDGE_H

/*
 * modemflash-sim-usb: presents the device that modemflash-sim publishes
 * under --root DIR (its sysfs-like tree and pty links) on a real UDC
 * through configfs + FunctionFS, and moves bytes between each FunctionFS
 * endpoint pair and the matching pty slave. See docs/usbvm.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BR_MAX_IFACES 8
#define BR_PATH	      512
#define BR_STR	      128

struct br_iface {
	uint8_t num, cls, sub, proto;
	uint8_t nep;  /* bNumEndpoints in the tree: 2 or 3 */
	char tty[32]; /* "ttyUSB2", empty: no tty */
	char pty[64]; /* target of DIR/dev/ttyUSBn */
};

/* One snapshot of the simulated device as the tree shows it. */
struct br_dev {
	char path[32]; /* "1-1.4" */
	int devnum;
	uint16_t vid, pid, bcd;
	char manufacturer[BR_STR], product[BR_STR], serial[BR_STR];
	bool has_serial;
	struct br_iface ifs[BR_MAX_IFACES];
	size_t nifs;
};

struct br_opts {
	const char *root;     /* modemflash-sim --root */
	const char *configfs; /* /sys/kernel/config */
	const char *ffs_dir;  /* where FunctionFS instances are mounted */
	const char *udc;      /* NULL: the first of /sys/class/udc */
	const char *name;     /* gadget and function name prefix */
	int poll_ms;
	bool verbose;
};

/* tree.c: 1 and *d filled when a settled device is present, 0 none, <0 error */
int br_tree_scan(const struct br_opts *o, struct br_dev *d);
/* Same device, same enumeration (devnum), same ports? */
bool br_dev_same(const struct br_dev *a, const struct br_dev *b);

/* Descriptor blobs for one function (desc.c); return the length or <0. */
int br_desc_build(const struct br_iface *ifc, bool with_int, uint8_t *buf,
		  size_t cap);
int br_strings_build(uint8_t *buf, size_t cap);

/* gadget.c: configfs + mounts, then the pump process; teardown undoes all */
struct br_gadget {
	bool built, bound;
	int pid; /* pump process, 0 none */
	size_t nfunc;
	char udc[64];
};
int br_gadget_up(const struct br_opts *o, const struct br_dev *d,
		 struct br_gadget *g);
void br_gadget_down(const struct br_opts *o, struct br_gadget *g);

/* pump.c: runs in the child; returns only on a fatal setup error */
/*
 * The length of the first bulk IN transfer in buf[0..n): one Firehose
 * document, or the bytes up to the next one (split.c). n when no boundary.
 */
size_t br_transfer_len(const uint8_t *buf, size_t n);

int br_pump_run(const struct br_opts *o, const struct br_dev *d, int ready_fd);

void br_log(const struct br_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
