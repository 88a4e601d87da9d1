// SPDX-License-Identifier: BSD-3-Clause
/*
 * The USB identity table: every row of
 * tests/fixtures/real/usb/quectel-usb-identities.tsv (docs/field-data.md), plus
 * the Qualcomm download IDs and the UART bridges we must tell apart from
 * modules. Adding a module is adding a row here.
 */
#include <stddef.h>

#include "discover/discover.h"

#define A MF_IFACE_ANY
#define IF(n, r)                                                               \
	{                                                                      \
		(n), A, A, A, MF_ROLE_##r                                      \
	}
#define IFC(n, c, s, p, r)                                                     \
	{                                                                      \
		(n), (c), (s), (p), MF_ROLE_##r                                \
	}
/* The LTE Qualcomm family layout (MM-RULES, K-EG91): if0..if4 */
#define QC_LAYOUT                                                              \
	{ IF(0, DIAG), IF(1, NMEA), IF(2, AT), IF(3, MODEM), IF(4, QMI) }, 5
/* Laptop PIDs whose DIAG is interface 3 (QFH-SRC usb_linux.c) */
#define EM05_ROW(p)                                                            \
	{                                                                      \
		0x2c7c, (p),                                                   \
			"EM05-G / EM05-CN / EM05-CE / EM061K / "               \
			"EM060K / RM520N (Lenovo)",                            \
			NULL, MF_MODE_NORMAL, NULL, { IF(3, DIAG) }, 1, true,  \
			3, false, "QFH-SRC"                                    \
	}

static const struct mf_usb_id usb_ids[] = {
	{ 0x2c7c, 0x0125, "EC25 / EC20-R2.x / EG25-G / EM05", "ec25",
	  MF_MODE_NORMAL, "usbnet rmnet", QC_LAYOUT, false, 0, false,
	  "K-EG91, MM-RULES, QWWAN-Q, FWUPD-EG25" },
	{ 0x2c7c, 0x0121, "EC21 / EG21-G", "ec25", MF_MODE_NORMAL, NULL,
	  QC_LAYOUT, false, 0, false, "MM-RULES, QWWAN-Q" },
	{ 0x2c7c, 0x0191, "EG91", "ec25", MF_MODE_NORMAL, NULL, QC_LAYOUT,
	  false, 0, false, "K-EG91, MM-RULES" },
	{ 0x2c7c, 0x0195, "EG95", "ec25", MF_MODE_NORMAL, NULL, QC_LAYOUT,
	  false, 0, false, "K-EG91, MM-RULES" },
	{ 0x2c7c, 0x0296, "BG96", "bg96", MF_MODE_NORMAL, NULL, QC_LAYOUT,
	  false, 0, false, "MM-RULES, K-OPTION, QWWAN-Q" },
	/*
	 * BG95 0x0700: AT+QCFGEXT="usbnet" picks the composition; the rows
	 * differ in if3/if4, told apart by their interface class.
	 */
	{ 0x2c7c,
	  0x0700,
	  "BG95 / BG77 / BG600L-M3 / BC69",
	  "bg95",
	  MF_MODE_NORMAL,
	  "usbnet modem",
	  { IF(0, DIAG), IF(1, NMEA), IF(2, AT),
	    IFC(4, 0xff, 0xfe, 0xff, MODEM) },
	  4,
	  false,
	  0,
	  false,
	  "K-BG95-0700" },
	{ 0x2c7c,
	  0x0700,
	  "BG95 / BG77 / BG600L-M3 / BC69",
	  "bg95",
	  MF_MODE_NORMAL,
	  "usbnet ecm",
	  { IF(0, DIAG), IF(1, NMEA), IF(2, AT), IFC(3, 0x02, A, A, NET),
	    IFC(4, 0x0a, A, A, NET) },
	  5,
	  false,
	  0,
	  false,
	  "K-BG95-0700" },
	{ 0x2c7c,
	  0x0700,
	  "BG95 / BG77 / BG600L-M3 / BC69",
	  "bg95",
	  MF_MODE_NORMAL,
	  "usbnet rmnet",
	  { IF(0, DIAG), IF(1, NMEA), IF(2, AT),
	    IFC(3, 0xff, 0xff, 0xff, QMI) },
	  4,
	  false,
	  0,
	  false,
	  "K-BG95-0700, QWWAN-Q" },
	{ 0x2c7c,
	  0x0203,
	  "BG95-M3",
	  "bg95",
	  MF_MODE_NORMAL,
	  "alternate composition",
	  { IFC(0, 0xff, 0xff, 0x30, DIAG), IFC(1, 0xff, 0xff, 0x60, NMEA),
	    IF(2, AT), IFC(3, 0x02, A, A, NET), IFC(4, 0x0a, A, A, NET) },
	  5,
	  false,
	  0,
	  false,
	  "K-BG95-0203" },
	{ 0x2c7c, 0x0800, "RM500Q / RG500Q / RM510Q / RG510Q / RM502Q",
	  "rm500q", MF_MODE_NORMAL, NULL, QC_LAYOUT, false, 0, false,
	  "QFH-LOG-RM500Q, MM-RULES" },
	/* roles by protocol; ff/00/00 interfaces fall back to the layout */
	{ 0x2c7c, 0x0801, "RM520N-GL", "rm520n", MF_MODE_NORMAL, NULL,
	  QC_LAYOUT, true, 0, false, "K-OPTION" },
	{ 0x2c7c,
	  0x0620,
	  "EM20-G / EM160R-GL / EG20",
	  NULL,
	  MF_MODE_NORMAL,
	  NULL,
	  { IF(0, DIAG) },
	  1,
	  true,
	  0,
	  false,
	  "QFH-LOG-EM20, K-OPTION" },
	EM05_ROW(0x030a),
	EM05_ROW(0x0310),
	EM05_ROW(0x0311),
	EM05_ROW(0x030d),
	EM05_ROW(0x0315),
	EM05_ROW(0x0309),
	EM05_ROW(0x0127),
	EM05_ROW(0x0128),
	EM05_ROW(0x6008),
	EM05_ROW(0x6009),
	EM05_ROW(0x0803),
	{ 0x2c7c,
	  0x0514,
	  "EG060K-EA",
	  NULL,
	  MF_MODE_NORMAL,
	  NULL,
	  { IF(2, DIAG) },
	  1,
	  true,
	  2,
	  false,
	  "QFH-SRC" },
	/* RM551E keeps its PID in EDL: one ff/ff/10 interface is Sahara */
	{ 0x2c7c,
	  0x0122,
	  "RM551E-GL / RG650V",
	  NULL,
	  MF_MODE_NORMAL,
	  NULL,
	  { IF(0, DIAG) },
	  1,
	  true,
	  0,
	  true,
	  "QFENIX-ISSUE8" },
	{ 0x05c6,
	  0x9008,
	  "Qualcomm EDL (QDLoader 9008)",
	  NULL,
	  MF_MODE_EDL,
	  NULL,
	  { IF(0, SAHARA) },
	  1,
	  false,
	  -1,
	  false,
	  "FWUPD-EC25AU, QFH-LOG-RM500Q, TRB140-DOC" },
	{ 0x05c6,
	  0x901f,
	  "Qualcomm SDX20 default",
	  NULL,
	  MF_MODE_DIAG,
	  NULL,
	  { IF(0, DIAG) },
	  1,
	  false,
	  0,
	  false,
	  "QFH-SRC" },
	{ 0x05c6,
	  0x9091,
	  "Qualcomm composite",
	  NULL,
	  MF_MODE_DIAG,
	  NULL,
	  { IF(0, DIAG) },
	  1,
	  false,
	  0,
	  false,
	  "QFH-SRC" },
	{ 0x05c6,
	  0x900e,
	  "Qualcomm diag / crash dump",
	  NULL,
	  MF_MODE_DUMP,
	  NULL,
	  { IF(0, SAHARA) },
	  1,
	  false,
	  -1,
	  false,
	  "EDL-USBIDS" },
	{ 0x05c6,
	  0x9025,
	  "Qualcomm composite (diag)",
	  NULL,
	  MF_MODE_DIAG,
	  NULL,
	  { IF(0, DIAG) },
	  1,
	  false,
	  0,
	  false,
	  "EDL-CFG, QFH-SRC" },
	{ 0x05c6,
	  0x90b2,
	  "MDM9206/9205 HS-USB MDM Diagnostics 90B2",
	  NULL,
	  MF_MODE_DIAG,
	  NULL,
	  { IF(0, DIAG) },
	  1,
	  false,
	  0,
	  false,
	  "CAVLI-9205" },
	{ 0x3c93,
	  0xffff,
	  "EG060K-EA (odd VID)",
	  NULL,
	  MF_MODE_NORMAL,
	  NULL,
	  { IF(8, DIAG) },
	  1,
	  true,
	  8,
	  false,
	  "QFH-SRC" },
	{ 0x18d1,
	  0xd00d,
	  "EC20 / EC25 (fastboot)",
	  "ec25",
	  MF_MODE_FASTBOOT,
	  NULL,
	  { IF(0, FASTBOOT) },
	  1,
	  false,
	  -1,
	  false,
	  "QFORUM-EC20FW" },
	/* PCIe EM120/EM160/RM520 (1eac:10xx, MHI) are not USB: not walked. */
};

/* Common bridges on carrier boards and bench cables. */
static const struct mf_adapter_id adapter_ids[] = {
	{ 0x0403, 0, "FTDI USB-UART" },
	{ 0x10c4, 0, "Silicon Labs CP210x USB-UART" },
	{ 0x1a86, 0, "WCH CH34x USB-UART" },
	{ 0x067b, 0, "Prolific PL2303 USB-UART" },
};

const struct mf_usb_id *mf_usb_id_at(size_t i)
{
	return i < sizeof(usb_ids) / sizeof(usb_ids[0]) ? &usb_ids[i] : NULL;
}

const struct mf_adapter_id *mf_adapter_id_find(uint16_t vid, uint16_t pid)
{
	for (size_t i = 0; i < sizeof(adapter_ids) / sizeof(adapter_ids[0]);
	     i++) {
		const struct mf_adapter_id *a = &adapter_ids[i];

		if (a->vid == vid && (!a->pid || a->pid == pid))
			return a;
	}
	return NULL;
}

/* bInterfaceProtocol roles of newer firmware (docs/field-data.md). */
static const struct {
	uint8_t proto;
	enum mf_role role;
} proto_roles[] = {
	{ 0x30, MF_ROLE_DIAG },	  { 0x40, MF_ROLE_AT },
	{ 0x50, MF_ROLE_QMI },	  { 0x60, MF_ROLE_NMEA },
	{ 0x10, MF_ROLE_SAHARA }, { 0x11, MF_ROLE_SAHARA },
};

enum mf_role mf_role_from_protocol(uint8_t cls, uint8_t sub, uint8_t proto)
{
	if (cls != 0xff)
		return MF_ROLE_NONE;
	for (size_t i = 0; i < sizeof(proto_roles) / sizeof(proto_roles[0]);
	     i++)
		if (proto_roles[i].proto == proto)
			return proto_roles[i].role;
	return MF_ROLE_NONE;
}

const char *mf_role_name(enum mf_role role)
{
	static const char *const names[MF_ROLE_COUNT] = {
		"OTHER", "DIAG", "NMEA",   "AT",  "MODEM",
		"QMI",	 "NET",	 "SAHARA", "ADB", "FASTBOOT",
	};

	return (unsigned)role < MF_ROLE_COUNT ? names[role] : "OTHER";
}

const char *mf_mode_name(enum mf_mode mode)
{
	static const char *const names[] = {
		"unknown", "normal", "edl", "diag", "dump", "fastboot",
	};

	return (unsigned)mode <= MF_MODE_FASTBOOT ? names[mode] : "unknown";
}
