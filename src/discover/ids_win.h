/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_DISCOVER_IDS_WIN_H
#define MF_DISCOVER_IDS_WIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "discover/discover.h"

/*
 * Windows discovery, the part without Win32: what SetupAPI says about each
 * present device node, as strings, turned into the same struct mf_scan the
 * sysfs walk builds on Linux (and so mapped to roles by the same device
 * table). discover/scan_win.c fills the records; everything here is pure
 * and unit-tested on Linux.
 *
 * A composite USB device (a module) is one node "USB\VID_2C7C&PID_0700\..."
 * with one child per interface, "USB\VID_2C7C&PID_0700&MI_02\...", whose
 * driver (Quectel's qcusbser) makes it a COM port. A single-function
 * device (QDLoader 9008, CP210x, CH340) is its own COM port. An FTDI chip
 * is "USB\VID_0403&PID_6001\<serial>" with an FTDIBUS child that is the COM
 * port.
 */
struct mf_win_dev {
	char instance[200]; /* device instance ID */
	char parent[200];   /* the parent's instance ID, "" unknown */
	char hwid[200];	    /* first hardware ID (has REV_xxxx) */
	char compat[200];   /* first compatible ID (Class_/SubClass_/Prot_) */
	char location[200]; /* first location path */
	char service[32];   /* driver service: qcusbser, FTDIBUS, silabser */
	char port[16];	    /* "COM7", "" when it is no COM port */
	char friendly[128]; /* "Quectel USB DM Port (COM7)" */
	char mfg[64];	    /* SPDRP_MFG */
};

/* What an instance or hardware ID says; absent fields are -1. */
struct mf_win_ids {
	int vid, pid, rev, mi;
};

/*
 * "USB\VID_2C7C&PID_0700&REV_0318&MI_02", "FTDIBUS\VID_0403+PID_6001+A1B2\0000":
 * the VID_/PID_/REV_/MI_ tokens of the first two components (separated by
 * '&' or '+'). Returns 0, or -EINVAL when VID or PID is absent or not hex.
 */
int mf_win_parse_ids(const char *id, struct mf_win_ids *out);

/* "USB\Class_ff&SubClass_ff&Prot_30" -> ff, ff, 30. -EINVAL without Class_. */
int mf_win_parse_class(const char *compat, uint8_t *cls, uint8_t *sub,
		       uint8_t *proto);

/* The enumerator of an ID: "USB", "FTDIBUS" (out "" when none). */
void mf_win_enumerator(const char *id, char *out, size_t cap);

/*
 * The device's serial number from its instance ID: the last component
 * when Windows took it from the device ("USB\VID_0403&PID_6001\A50285BI");
 * "" when Windows made one up (it then holds '&': "5&2f6a1b&0&4").
 */
void mf_win_instance_serial(const char *instance, char *out, size_t cap);

/*
 * A location path as a USB path: "PCIROOT(0)#PCI(1400)#USBROOT(0)#USB(4)
 * #USB(2)#USBMI(2)" -> the device's own "...#USB(4)#USB(2)" (the
 * interface's #USBMI(n) cut). -EINVAL when it holds no "#USB(" step.
 */
int mf_win_device_location(const char *loc, char *out, size_t cap);

/* "COM7", "com12", "\\.\COM7" (a port name, not a path). */
bool mf_win_is_com_name(const char *s);

/*
 * Build the scan from n records: USB devices become modules (by the
 * device table) or UART adapters; their interfaces and COM ports become
 * ports. Sorted like the sysfs scan. Returns 0 (records that say nothing
 * of USB are skipped).
 */
int mf_win_build_scan(const struct mf_win_dev *devs, size_t n,
		      struct mf_scan *out, const struct mf_log *log);

/*
 * The Windows "sysroot": a sysfs tree (the simulator's, under Wine) whose
 * ttys are reached as COM ports. <sysroot>/windows/com-ports lists them,
 * one "COM7 ttyUSB2" a line. Mapped ports get "COM7" as tty and dev;
 * others keep the tty name with no dev (not reachable from Windows).
 * The text is parsed here; scan_win.c reads the file.
 */
void mf_win_map_ports(struct mf_scan *s, const char *map);

#endif
