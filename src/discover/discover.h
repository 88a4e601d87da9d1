/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_DISCOVER_DISCOVER_H
#define MF_DISCOVER_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/log.h"
#include "devices/devices.h"

/*
 * Discovery: which modules (and UART adapters) are on USB, in which mode,
 * and which tty serves which role. Everything is read below a sysroot
 * ("/" on a real machine, a simulator tree in tests): sys/bus/usb/devices,
 * dev/ and proc/. Device knowledge lives in the device table (devices/):
 * its USB rows say which interface serves which role.
 */

#define MF_MAX_IFACES 16
#define MF_PATH_MAX   512

/* One interface as found in sysfs. */
struct mf_port {
	int num; /* bInterfaceNumber */
	uint8_t cls, sub, proto;
	enum mf_role role;
	char driver[32];       /* "option", "qcserial", "" when unbound */
	char tty[32];	       /* "ttyUSB2", "" when none */
	char dev[MF_PATH_MAX]; /* "<sysroot>/dev/ttyUSB2", "" when none */
};

/* One USB device as found in sysfs. */
struct mf_usb_dev {
	char path[64]; /* "1-1.4" */
	uint16_t vid, pid, bcd;
	int busnum, devnum;
	int speed; /* Mbit/s */
	char manufacturer[64], product[64], serial[64];
	struct mf_port ports[MF_MAX_IFACES];
	size_t nports;
	int nifaces; /* bNumInterfaces, -1 when not known */
};

struct mf_module {
	struct mf_usb_dev usb;
	const struct dev_usb *id; /* NULL: a 2c7c device not in the table */
	/* the model when the USB identity names only one, else NULL: a
	 * 0x0700 device may be any BG95 or a BG77 until ATI says */
	const struct dev_model *model;
	const struct dev_chip *chip; /* the family's chip, NULL unknown */
	enum mf_mode mode;
};

struct mf_adapter {
	struct mf_usb_dev usb;
	const struct dev_adapter *id;
};

#define MF_MAX_MODULES	16
#define MF_MAX_ADAPTERS 16

struct mf_scan {
	char sysroot[MF_PATH_MAX];
	struct mf_module modules[MF_MAX_MODULES];
	size_t nmodules;
	struct mf_adapter adapters[MF_MAX_ADAPTERS];
	size_t nadapters;
};

/*
 * Walk <sysroot>/sys/bus/usb/devices. A missing directory is an empty
 * result (a machine or container without USB), not an error. Returns 0,
 * or -ENOMEM / -EIO with err filled. The scan is sorted by USB path.
 */
int mf_discover_scan(const char *sysroot, struct mf_scan *out,
		     const struct mf_log *log, struct mf_err *err);

/*
 * Add one USB device as a host's enumeration found it (the sysfs walk,
 * SetupAPI on Windows): a module by the device table, a UART adapter, or
 * nothing. mf_scan_sort() then orders the scan by USB path.
 */
void mf_scan_add(struct mf_scan *s, const struct mf_usb_dev *d,
		 const struct mf_log *log);
void mf_scan_sort(struct mf_scan *s);

/* Classify one device (used by the scan; exposed for tests). */
const struct dev_usb *mf_usb_id_match(const struct mf_usb_dev *dev);
enum mf_mode mf_usb_mode(const struct dev_usb *id,
			 const struct mf_usb_dev *dev);

/* The port of module m with role, or NULL. First one when several. */
const struct mf_port *mf_module_port(const struct mf_module *m,
				     enum mf_role role);
/*
 * Whether m's enumeration is complete: every interface bNumInterfaces
 * counts is there, and each serial one the device table gives a role
 * (DIAG, NMEA, AT, MODEM) has its tty. The kernel binds the interfaces of
 * a new device one after the other; a module seen half way has its AT
 * port but not yet its MODEM port.
 */
bool mf_module_settled(const struct mf_module *m);
/* The same for an adapter (its first tty). */
const struct mf_port *mf_adapter_port(const struct mf_adapter *a);

/*
 * The physical port chain of a USB path: "2-1.4" -> "1.4". The bus number
 * changes when a USB3 module comes back as USB2 in EDL; the chain does not.
 */
const char *mf_usb_chain(const char *usbpath);

/*
 * The physical position of a USB device, stable across re-enumeration:
 * "<host controller>+<chain>" ("0000:00:14.0+1.4"), or the chain alone
 * when the controller is unknown (discover/phys.c). Safe as a file name.
 */
void mf_usb_phys_key(const char *sysroot, const char *usbpath, char *out,
		     size_t cap);

/* Which port path (dev or tty name) belongs to an adapter/module. */
const struct mf_adapter *mf_scan_adapter_by_port(const struct mf_scan *s,
						 const char *port);
const struct mf_module *mf_scan_module_by_port(const struct mf_scan *s,
					       const char *port);

enum mf_sel_kind {
	MF_SEL_NONE,   /* no -d: the only module */
	MF_SEL_USB,    /* "1-1.4" */
	MF_SEL_PORT,   /* "/dev/ttyUSB2" or "ttyUSB2" */
	MF_SEL_IMEI,   /* 15 digits: needs an AT query (the command does it) */
	MF_SEL_SERIAL, /* "0x0cf94c64": Sahara serial (the command does it) */
};

enum mf_sel_kind mf_select_kind(const char *sel);

/*
 * Pick a module: by USB path or port path, or the only one when sel is
 * NULL. Returns the index, or -ENODEV (MF_NO_DEVICE: none / no match),
 * -E2BIG (MF_USAGE: several; the message lists them and the hint says
 * -d), -EAGAIN for IMEI and Sahara serial selectors (the caller queries
 * each module).
 */
int mf_select(const struct mf_scan *s, const char *sel, struct mf_err *err);

/*
 * A change in the device tree under sysroot (discover/watch.c): a wait
 * that ends when a USB device or a device node comes or goes, instead of
 * a fixed sleep between scans. Without any event source (no inotify,
 * Windows) a wait is a poll of at most 10 ms. mf_watch_wait() returns 1
 * on a change, 0 at the timeout (timeout_ms < 0: none), or -errno.
 */
struct mf_watch;
struct mf_watch *mf_watch_open(const char *sysroot);
bool mf_watch_has_events(const struct mf_watch *w);
int mf_watch_wait(struct mf_watch *w, int timeout_ms);
void mf_watch_close(struct mf_watch *w);

/*
 * Wait for the module that was at usbpath to come back after a
 * re-enumeration: a device on the same port chain (any bus), with mode
 * want (MF_MODE_UNKNOWN: any), that is not the old instance (old_busnum,
 * old_devnum; pass 0 to accept any). Rescans at each change of the tree
 * (mf_watch), and every poll_ms (default 100) in case a change was
 * missed; with no event source, every 10 ms. Returns 0 with
 * *out filled, -ETIMEDOUT (MF_TIMEOUT) or a scan error.
 */
struct mf_follow {
	const char *usbpath;
	enum mf_mode want;
	int old_busnum, old_devnum;
	int timeout_ms;
	int poll_ms;
};

int mf_follow(const char *sysroot, const struct mf_follow *f,
	      struct mf_module *out, const struct mf_log *log,
	      struct mf_err *err);

/*
 * Describe module m (in EDL) for link_edl_open(): bus position, Sahara
 * interface and tty, and a rescan of sysroot for a tty that comes later
 * (discover/edl.c).
 */
struct link_edl_dev;
void mf_module_edl_dev(const char *sysroot, const struct mf_module *m,
		       struct link_edl_dev *d);

/* Processes holding a device node open (read from <sysroot>/proc). */
struct mf_holder {
	pid_t pid;
	char comm[64];
};

/*
 * Scan <sysroot>/proc/<pid>/fd/ for links to dev (its name inside the
 * sysroot, its full path, or the node it resolves to). Returns the number
 * found (at most cap), 0 when none or proc is absent.
 */
int mf_port_holders(const char *sysroot, const char *dev, struct mf_holder *out,
		    size_t cap);

/*
 * May uid (with groups) read and write the node at path, by its mode
 * bits? Returns 0 yes, -EACCES no (owner/group/mode in *st_out), -ENOENT.
 * uid 0 always may (as the kernel grants it).
 */
int mf_node_access(const char *path, uid_t uid, const gid_t *groups,
		   size_t ngroups, struct stat *st_out);

/* "<sysroot>/dev/bus/usb/BBB/DDD" of a device. */
void mf_usb_node(const char *sysroot, const struct mf_usb_dev *d, char *out,
		 size_t cap);

/* Join sysroot and an absolute path ("/" + "/dev/x" = "/dev/x"). */
void mf_sysroot_path(const char *sysroot, const char *abs, char *out,
		     size_t cap);

#endif
