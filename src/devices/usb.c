// SPDX-License-Identifier: BSD-3-Clause
/*
 * The USB rows: every VID/PID Quectel modules show (normal mode, each
 * composition of a PID), the Qualcomm download and diag IDs, and the UART
 * bridges we must tell apart from modules. A row names the role of each
 * interface; rows of one PID are told apart by their class patterns.
 * Sources: the public USB identity list of the tests' fixtures
 * (quectel-usb-identities.tsv) and the provenance keys noted per row.
 */
#include <stddef.h>

#include "devices/devices.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define A DEV_ANY
#define IF(n, r)                                                               \
	{                                                                      \
		.num = (n), .cls = A, .sub = A, .proto = A,                    \
		.role = MF_ROLE_##r                                            \
	}
#define IFC(n, c, s, p, r)                                                     \
	{                                                                      \
		.num = (n), .cls = (c), .sub = (s), .proto = (p),              \
		.role = MF_ROLE_##r                                            \
	}

/* The LTE Qualcomm layout (ModemManager rules, kernel option driver) */
#define QC_ROLES                                                               \
	{                                                                      \
		IF(0, DIAG), IF(1, NMEA), IF(2, AT), IF(3, MODEM), IF(4, QMI)  \
	}
/* Laptop PIDs whose DIAG is interface 3 (QFirehose's PID list) */
#define EM05_MODELS                                                            \
	"EM05-G / EM05-CN / EM05-CE / EM061K / EM060K / RM520N (Lenovo)"
#define EM05(p)                                                                \
	{                                                                      \
		.vid = 0x2c7c, .pid = (p), .models = EM05_MODELS,              \
		.mode = MF_MODE_NORMAL, .roles = { IF(3, DIAG) },              \
		.by_protocol = true                                            \
	}

// clang-format off
static const struct dev_usb usb_rows[] = {
	{ .vid = 0x2c7c, .pid = 0x0125, .models = "EC25 / EC20-R2.x / EG25-G / EM05", .family = "ec25", .mode = MF_MODE_NORMAL, .composition = "usbnet rmnet", .roles = QC_ROLES }, /* K-EG91, MM-RULES, QWWAN-Q, FWUPD-EG25 */
	{ .vid = 0x2c7c, .pid = 0x0121, .models = "EC21 / EG21-G", .family = "ec25", .mode = MF_MODE_NORMAL, .roles = QC_ROLES }, /* MM-RULES, QWWAN-Q */
	{ .vid = 0x2c7c, .pid = 0x0191, .models = "EG91", .family = "ec25", .mode = MF_MODE_NORMAL, .roles = QC_ROLES }, /* K-EG91, MM-RULES */
	{ .vid = 0x2c7c, .pid = 0x0195, .models = "EG95", .family = "ec25", .mode = MF_MODE_NORMAL, .roles = QC_ROLES }, /* K-EG91, MM-RULES */
	{ .vid = 0x2c7c, .pid = 0x0296, .models = "BG96", .family = "bg96", .mode = MF_MODE_NORMAL, .roles = QC_ROLES }, /* MM-RULES, K-OPTION, QWWAN-Q */
	/* BG95 0x0700: AT+QCFGEXT="usbnet" picks the composition; the rows differ in if3/if4 (K-BG95-0700) */
	{ .vid = 0x2c7c, .pid = 0x0700, .models = "BG95 / BG77 / BG600L-M3 / BC69", .family = "bg95", .mode = MF_MODE_NORMAL, .composition = "usbnet modem", .roles = { IF(0, DIAG), IF(1, NMEA), IF(2, AT), IFC(4, 0xff, 0xfe, 0xff, MODEM) } },
	{ .vid = 0x2c7c, .pid = 0x0700, .models = "BG95 / BG77 / BG600L-M3 / BC69", .family = "bg95", .mode = MF_MODE_NORMAL, .composition = "usbnet ecm", .roles = { IF(0, DIAG), IF(1, NMEA), IF(2, AT), IFC(3, 0x02, A, A, NET), IFC(4, 0x0a, A, A, NET) } },
	{ .vid = 0x2c7c, .pid = 0x0700, .models = "BG95 / BG77 / BG600L-M3 / BC69", .family = "bg95", .mode = MF_MODE_NORMAL, .composition = "usbnet rmnet", .roles = { IF(0, DIAG), IF(1, NMEA), IF(2, AT), IFC(3, 0xff, 0xff, 0xff, QMI) } }, /* + QWWAN-Q */
	{ .vid = 0x2c7c, .pid = 0x0203, .models = "BG95-M3", .family = "bg95", .mode = MF_MODE_NORMAL, .composition = "alternate composition", .roles = { IFC(0, 0xff, 0xff, 0x30, DIAG), IFC(1, 0xff, 0xff, 0x60, NMEA), IF(2, AT), IFC(3, 0x02, A, A, NET), IFC(4, 0x0a, A, A, NET) } }, /* K-BG95-0203 */
	{ .vid = 0x2c7c, .pid = 0x0800, .models = "RM500Q / RG500Q / RM510Q / RG510Q / RM502Q", .family = "rm500q", .mode = MF_MODE_NORMAL, .roles = QC_ROLES }, /* QFH-LOG-RM500Q, MM-RULES */
	/* roles by protocol; ff/00/00 interfaces fall back to the layout (K-OPTION) */
	{ .vid = 0x2c7c, .pid = 0x0801, .models = "RM520N-GL", .family = "rm520n", .mode = MF_MODE_NORMAL, .roles = QC_ROLES, .by_protocol = true },
	{ .vid = 0x2c7c, .pid = 0x0620, .models = "EM20-G / EM160R-GL / EG20", .mode = MF_MODE_NORMAL, .roles = { IF(0, DIAG) }, .by_protocol = true }, /* QFH-LOG-EM20, K-OPTION */
	EM05(0x030a), EM05(0x0310), EM05(0x0311), EM05(0x030d), EM05(0x0315), EM05(0x0309),
	EM05(0x0127), EM05(0x0128), EM05(0x6008), EM05(0x6009), EM05(0x0803),
	{ .vid = 0x2c7c, .pid = 0x0514, .models = "EG060K-EA", .mode = MF_MODE_NORMAL, .roles = { IF(2, DIAG) }, .by_protocol = true }, /* QFH-SRC */
	/* RM551E keeps its PID in EDL: one ff/ff/10 interface is Sahara (discovery tells) */
	{ .vid = 0x2c7c, .pid = 0x0122, .models = "RM551E-GL / RG650V", .mode = MF_MODE_NORMAL, .roles = { IF(0, DIAG) }, .by_protocol = true }, /* QFENIX-ISSUE8 */
	{ .vid = 0x05c6, .pid = 0x9008, .models = "Qualcomm EDL (QDLoader 9008)", .mode = MF_MODE_EDL, .roles = { IF(0, SAHARA) } }, /* FWUPD-EC25AU, QFH-LOG-RM500Q, TRB140-DOC */
	{ .vid = 0x05c6, .pid = 0x901f, .models = "Qualcomm SDX20 default", .mode = MF_MODE_DIAG, .roles = { IF(0, DIAG) } }, /* QFH-SRC */
	{ .vid = 0x05c6, .pid = 0x9091, .models = "Qualcomm composite", .mode = MF_MODE_DIAG, .roles = { IF(0, DIAG) } }, /* QFH-SRC */
	{ .vid = 0x05c6, .pid = 0x900e, .models = "Qualcomm diag / crash dump", .mode = MF_MODE_DUMP, .roles = { IF(0, SAHARA) } }, /* EDL-USBIDS */
	{ .vid = 0x05c6, .pid = 0x9025, .models = "Qualcomm composite (diag)", .mode = MF_MODE_DIAG, .roles = { IF(0, DIAG) } }, /* EDL-CFG, QFH-SRC */
	{ .vid = 0x05c6, .pid = 0x90b2, .models = "MDM9206/9205 HS-USB MDM Diagnostics 90B2", .mode = MF_MODE_DIAG, .roles = { IF(0, DIAG) } }, /* CAVLI-9205 */
	{ .vid = 0x3c93, .pid = 0xffff, .models = "EG060K-EA (odd VID)", .mode = MF_MODE_NORMAL, .roles = { IF(8, DIAG) }, .by_protocol = true }, /* QFH-SRC */
	{ .vid = 0x18d1, .pid = 0xd00d, .models = "EC20 / EC25 (fastboot)", .family = "ec25", .mode = MF_MODE_FASTBOOT, .roles = { IF(0, FASTBOOT) } }, /* QFORUM-EC20FW */
	/* PCIe EM120/EM160/RM520 (1eac:10xx, MHI) are not USB: not walked. */
};

/* Common bridges on carrier boards and bench cables. */
static const struct dev_adapter adapters[] = {
	{ .vid = 0x0403, .name = "FTDI USB-UART" },
	{ .vid = 0x10c4, .name = "Silicon Labs CP210x USB-UART" },
	{ .vid = 0x1a86, .name = "WCH CH34x USB-UART" },
	{ .vid = 0x067b, .name = "Prolific PL2303 USB-UART" },
};

/* bInterfaceProtocol roles of newer firmware. */
static const struct {
	uint8_t proto;
	enum mf_role role;
} proto_roles[] = {
	{ 0x30, MF_ROLE_DIAG }, { 0x40, MF_ROLE_AT }, { 0x50, MF_ROLE_QMI },
	{ 0x60, MF_ROLE_NMEA }, { 0x10, MF_ROLE_SAHARA }, { 0x11, MF_ROLE_SAHARA },
};
// clang-format on

const struct dev_usb *dev_usb_at(size_t i)
{
	return i < N(usb_rows) ? &usb_rows[i] : NULL;
}

size_t dev_usb_nroles(const struct dev_usb *u)
{
	size_t n = 0;

	while (n < DEV_MAX_ROLES && u->roles[n].role != MF_ROLE_NONE)
		n++;
	return n;
}

enum mf_role dev_usb_role(const struct dev_usb *u, int num)
{
	for (size_t i = 0; u && i < dev_usb_nroles(u); i++)
		if (u->roles[i].num == num)
			return u->roles[i].role;
	return MF_ROLE_NONE;
}

const struct dev_adapter *dev_adapter_find(uint16_t vid, uint16_t pid)
{
	for (size_t i = 0; i < N(adapters); i++) {
		const struct dev_adapter *a = &adapters[i];

		if (a->vid == vid && (!a->pid || a->pid == pid))
			return a;
	}
	return NULL;
}

enum mf_role dev_role_from_protocol(uint8_t cls, uint8_t sub, uint8_t proto)
{
	if (cls != 0xff)
		return MF_ROLE_NONE;
	for (size_t i = 0; i < N(proto_roles); i++)
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
