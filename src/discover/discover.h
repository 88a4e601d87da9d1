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

/*
 * Discovery: which modules (and UART adapters) are on USB, in which mode,
 * and which tty serves which role. Everything is read below a sysroot
 * ("/" on a real machine, a simulator tree in tests): sys/bus/usb/devices,
 * dev/ and proc/. Device knowledge lives in the tables of ids.c and
 * models.c (field-data.md 3, fixtures/real/usb/quectel-usb-identities.tsv).
 */

enum mf_role {
	MF_ROLE_NONE = 0, /* unknown interface */
	MF_ROLE_DIAG,	  /* Qualcomm DM / QCDM: DIAG, EDL switch */
	MF_ROLE_NMEA,	  /* GNSS text */
	MF_ROLE_AT,	  /* the AT command port */
	MF_ROLE_MODEM,	  /* PPP / second AT port */
	MF_ROLE_QMI,	  /* rmnet / qmi_wwan */
	MF_ROLE_NET,	  /* ECM / MBIM / RNDIS network function */
	MF_ROLE_SAHARA,	  /* EDL: the boot ROM's Sahara pipe */
	MF_ROLE_ADB,
	MF_ROLE_FASTBOOT,
	MF_ROLE_COUNT,
};

enum mf_mode {
	MF_MODE_UNKNOWN = 0,
	MF_MODE_NORMAL,	  /* firmware runs: AT, DIAG */
	MF_MODE_EDL,	  /* emergency download: Sahara */
	MF_MODE_DIAG,	  /* Qualcomm default diag composition */
	MF_MODE_DUMP,	  /* Qualcomm crash dump */
	MF_MODE_FASTBOOT, /* Android bootloader (AT+QFASTBOOT) */
};

const char *mf_role_name(enum mf_role role); /* "DIAG", "AT", ... */
const char *mf_mode_name(enum mf_mode mode); /* "normal", "edl", ... */

#define MF_IFACE_ANY  0x100 /* wildcard in a table pattern */
#define MF_MAX_LAYOUT 10

/* One interface of a table row: number, class pattern, role. */
struct mf_if_role {
	uint8_t num;
	uint16_t cls, sub, proto; /* MF_IFACE_ANY matches any */
	enum mf_role role;
};

/* One row of the USB identity table. */
struct mf_usb_id {
	uint16_t vid, pid;
	const char *models; /* "BG95 / BG77 / BG600L-M3 / BC69" */
	const char *family; /* key into the model table, or NULL */
	enum mf_mode mode;
	const char *composition; /* "usbnet modem", ... or NULL */
	struct mf_if_role layout[MF_MAX_LAYOUT];
	size_t nlayout;
	bool by_protocol;   /* roles from bInterfaceProtocol 0x30.. */
	int diag_if;	    /* DIAG interface number, -1 none */
	bool single_if_edl; /* one ff/ff/10|11 interface = Sahara */
	const char *source; /* source keys of the fact */
};

/* A USB-serial bridge: recognised as an adapter, never as a module. */
struct mf_adapter_id {
	uint16_t vid;
	uint16_t pid;	  /* 0: any product of this vendor */
	const char *name; /* "FTDI USB-UART" */
};

const struct mf_usb_id *mf_usb_id_at(size_t i); /* NULL past the end */
const struct mf_adapter_id *mf_adapter_id_find(uint16_t vid, uint16_t pid);
/* Role from bInterfaceProtocol on newer firmware (0x30 DIAG ...). */
enum mf_role mf_role_from_protocol(uint8_t cls, uint8_t sub, uint8_t proto);

/* What the flash work needs to know of a module (models.c). */
struct mf_model {
	const char *name;   /* "BG95-M3" (ATI second line) */
	const char *family; /* "bg95": matches mf_usb_id.family */
	const char *chip;   /* "MDM9205" */
	uint32_t msm_id;    /* Sahara MSM HW ID, 0 unknown */
	const char *
		programmer; /* "prog_firehose_nand_mdm9x05.elf", NULL unknown */
	uint32_t page_size; /* NAND page (= Firehose sector) */
	uint32_t block_size;		/* NAND erase block */
	const char *const *calibration; /* NULL-terminated partition labels */
	bool has_disusb; /* AT+QCFGEXT="disusb" and "usb/event" */
};

const struct mf_model *mf_model_at(size_t i);
/* By ATI model name ("BG95-M3"), case-insensitive. NULL unknown. */
const struct mf_model *mf_model_find(const char *name);
/* The first model of a USB family ("bg95"). NULL unknown. */
const struct mf_model *mf_model_of_family(const char *family);
/* True when label names a calibration partition of m (case-insensitive). */
bool mf_model_is_calibration(const struct mf_model *m, const char *label);

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
};

struct mf_module {
	struct mf_usb_dev usb;
	const struct mf_usb_id *id;   /* NULL: a 2c7c device not in the table */
	const struct mf_model *model; /* family default, NULL unknown */
	enum mf_mode mode;
};

struct mf_adapter {
	struct mf_usb_dev usb;
	const struct mf_adapter_id *id;
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

/* Classify one device (used by the scan; exposed for tests). */
const struct mf_usb_id *mf_usb_id_match(const struct mf_usb_dev *dev);
enum mf_mode mf_usb_mode(const struct mf_usb_id *id,
			 const struct mf_usb_dev *dev);

/* The port of module m with role, or NULL. First one when several. */
const struct mf_port *mf_module_port(const struct mf_module *m,
				     enum mf_role role);
/* The same for an adapter (its first tty). */
const struct mf_port *mf_adapter_port(const struct mf_adapter *a);

/*
 * The physical port chain of a USB path: "2-1.4" -> "1.4". The bus number
 * changes when a USB3 module comes back as USB2 in EDL; the chain does not.
 */
const char *mf_usb_chain(const char *usbpath);

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
 * Wait for the module that was at usbpath to come back after a
 * re-enumeration: a device on the same port chain (any bus), with mode
 * want (MF_MODE_UNKNOWN: any), that is not the old instance (old_busnum,
 * old_devnum; pass 0 to accept any). Polls every poll_ms. Returns 0 with
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
