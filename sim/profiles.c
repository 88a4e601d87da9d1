// SPDX-License-Identifier: BSD-3-Clause
/*
 * The simulated modules, one const row each. Facts from
 * docs/field-data.md, docs/protocols.md and
 * tests/fixtures/real; what no public source shows (BG95/BG96/RM500Q
 * partition layouts, BG95 FOTA directory) is invented but consistent and
 * marked as such.
 */
#include <string.h>

#include "sim/profile.h"

#define PK_SIM384                                                              \
	0xa7, 0x39, 0xef, 0x79, 0xba, 0x18, 0x78, 0xba, 0xd8, 0x33, 0x9d,      \
		0x11, 0x5d, 0x2b, 0x7f, 0x60, 0x09, 0x6c, 0x73, 0x8d, 0xcc,    \
		0x32, 0x01, 0x40, 0x0d, 0x4d, 0x5c, 0x41, 0xec, 0x9e, 0xe6,    \
		0x70, 0x4b, 0x3c, 0x09, 0xf8, 0xbc, 0x37, 0x4e, 0x26, 0x52,    \
		0x9a, 0x3c, 0xfc, 0xeb, 0xfa, 0xda, 0x99
/* Qualcomm default "old" root of MDM9x07 (never compared: unsigned programmer) */
#define PK_QC_OLD                                                              \
	0xcc, 0x31, 0x53, 0xa8, 0x02, 0x93, 0x93, 0x9b, 0x90, 0xd0, 0x2d,      \
		0x3b, 0xf8, 0xb2, 0x3e, 0x02, 0x92, 0xe4, 0x52, 0xfe, 0xf6,    \
		0x62, 0xc7, 0x49, 0x98, 0x42, 0x1a, 0xda, 0xd4, 0x2a, 0x38,    \
		0x0f
#define PK_SIM256                                                              \
	0x69, 0xec, 0x0e, 0x0f, 0x0f, 0x32, 0xfe, 0x8f, 0xad, 0xae, 0xa5,      \
		0x41, 0x00, 0x24, 0x3a, 0x06, 0x15, 0xa1, 0xb4, 0x23, 0x38,    \
		0xbb, 0xe4, 0x7f, 0x09, 0x6f, 0x3a, 0xbe, 0x07, 0x63, 0x32,    \
		0x16

/*
 * MDM9x07 (EC25/EG25-G), 2 KiB pages, 64 pages per block: the sector map
 * of the EG25-G rawprogram (docs/field-data.md, packages) divided by 64, the
 * gaps filled from partition_nand.xml (EFS2 17408 KB, sys_rev 5120 KB, RAWDATA
 * 1280 KB, cust_info 2048 KB, misc 640 KB, sec 512 KB, each with its padding).
 */
static const struct sim_part parts_9x07[] = {
	{ "SBL", 0, 10, "sbl1.mbn", false },
	{ "MIBIB", 10, 10, "firehose/partition_complete_p2K_b128K.mbn", false },
	{ "EFS2", 20, 136, NULL, true },
	{ "sys_rev", 156, 40, NULL, false },
	{ "RAWDATA", 196, 10, NULL, true },
	{ "TZ", 206, 12, "tz.mbn", false },
	{ "RPM", 218, 9, "rpm.mbn", false },
	{ "cust_info", 227, 16, NULL, false },
	{ "aboot", 243, 12, "appsboot.mbn", false },
	{ "boot", 255, 62, "mdm9607-boot.img", false },
	{ "recovery", 317, 62, "mdm9607-boot.img", false },
	{ "modem", 379, 428, "NON-HLOS.ubi", false },
	{ "misc", 807, 5, NULL, false },
	{ "recoveryfs", 812, 162, "mdm9607-recovery.ubi", false },
	{ "usr_data", 974, 480, "usrdata.ubi", false },
	{ "sec", 1454, 4, NULL, false },
	{ "system", 1458, 590, "mdm9607-sysfs.ubi", false },
};

/* EC25-E: 4 Gbit NAND (512 MiB) with the same map, system to the end. */
static const struct sim_part parts_ec25[] = {
	{ "SBL", 0, 10, "sbl1.mbn", false },
	{ "MIBIB", 10, 10, "firehose/partition_complete_p2K_b128K.mbn", false },
	{ "EFS2", 20, 136, NULL, true },
	{ "sys_rev", 156, 40, NULL, false },
	{ "RAWDATA", 196, 10, NULL, true },
	{ "TZ", 206, 12, "tz.mbn", false },
	{ "RPM", 218, 9, "rpm.mbn", false },
	{ "cust_info", 227, 16, NULL, false },
	{ "aboot", 243, 12, "appsboot.mbn", false },
	{ "boot", 255, 62, "mdm9607-boot.img", false },
	{ "recovery", 317, 62, "mdm9607-boot.img", false },
	{ "modem", 379, 428, "NON-HLOS.ubi", false },
	{ "misc", 807, 5, NULL, false },
	{ "recoveryfs", 812, 162, "mdm9607-recovery.ubi", false },
	{ "usr_data", 974, 480, "usrdata.ubi", false },
	{ "sec", 1454, 4, NULL, false },
	{ "system", 1458, 2638, "mdm9607-sysfs.ubi", false },
};

/* MDM9205 (BG95): invented, p2K_b128K, 2048 blocks [unverified]. */
static const struct sim_part parts_9205[] = {
	{ "SBL", 0, 10, "sbl1.mbn", false },
	{ "MIBIB", 10, 10, "firehose/partition_complete_p2K_b128K.mbn", false },
	{ "EFS2", 20, 100, NULL, true },
	{ "sys_rev", 120, 40, NULL, false },
	{ "RAWDATA", 160, 10, NULL, true },
	{ "TZ", 170, 10, "tz.mbn", false },
	{ "RPM", 180, 6, "rpm.mbn", false },
	{ "aboot", 186, 10, "appsboot.mbn", false },
	{ "boot", 196, 60, "mdm9205-boot.img", false },
	{ "recovery", 256, 60, "mdm9205-boot.img", false },
	{ "modem", 316, 540, "NON-HLOS.ubi", false },
	{ "recoveryfs", 856, 140, "mdm9205-recovery.ubi", false },
	{ "usr_data", 996, 400, "usrdata.ubi", false },
	{ "system", 1396, 652, "mdm9205-sysfs.ubi", false },
};

/*
 * The BG95 layout with a modem partition of 8200 blocks (1025 MiB): not a
 * real module, only room for the 1 GiB streaming benchmark (make bench).
 */
static const struct sim_part parts_9205_big[] = {
	{ "SBL", 0, 10, "sbl1.mbn", false },
	{ "MIBIB", 10, 10, "firehose/partition_complete_p2K_b128K.mbn", false },
	{ "EFS2", 20, 100, NULL, true },
	{ "sys_rev", 120, 40, NULL, false },
	{ "RAWDATA", 160, 10, NULL, true },
	{ "TZ", 170, 10, "tz.mbn", false },
	{ "RPM", 180, 6, "rpm.mbn", false },
	{ "aboot", 186, 10, "appsboot.mbn", false },
	{ "boot", 196, 60, "mdm9205-boot.img", false },
	{ "recovery", 256, 60, "mdm9205-boot.img", false },
	{ "modem", 316, 8200, "NON-HLOS.ubi", false },
	{ "recoveryfs", 8516, 140, "mdm9205-recovery.ubi", false },
	{ "usr_data", 8656, 400, "usrdata.ubi", false },
	{ "system", 9056, 652, "mdm9205-sysfs.ubi", false },
};

/* MDM9206 (BG96): invented like the BG95 one [unverified]. */
static const struct sim_part parts_9206[] = {
	{ "SBL", 0, 10, "sbl1.mbn", false },
	{ "MIBIB", 10, 10, "firehose/partition_complete_p2K_b128K.mbn", false },
	{ "EFS2", 20, 100, NULL, true },
	{ "sys_rev", 120, 40, NULL, false },
	{ "RAWDATA", 160, 10, NULL, true },
	{ "TZ", 170, 10, "tz.mbn", false },
	{ "RPM", 180, 6, "rpm.mbn", false },
	{ "aboot", 186, 10, "appsboot.mbn", false },
	{ "boot", 196, 60, "mdm9206-boot.img", false },
	{ "recovery", 256, 60, "mdm9206-boot.img", false },
	{ "modem", 316, 540, "NON-HLOS.ubi", false },
	{ "recoveryfs", 856, 140, "mdm9206-recovery.ubi", false },
	{ "usr_data", 996, 400, "usrdata.ubi", false },
	{ "system", 1396, 652, "mdm9206-sysfs.ubi", false },
};

/* SDX55 (RM500Q): p4K_b256K, 2048 blocks = 512 MiB, invented [unverified]. */
static const struct sim_part parts_sdx55[] = {
	{ "SBL", 0, 6, "sbl1.mbn", false },
	{ "MIBIB", 6, 6, "firehose/partition_complete_p4K_b256K.mbn", false },
	{ "EFS2", 12, 44, NULL, true },
	{ "sys_rev", 56, 20, NULL, false },
	{ "RAWDATA", 76, 10, NULL, true },
	{ "TZ", 86, 8, "tz.mbn", false },
	{ "RPM", 94, 4, "aop.mbn", false },
	{ "aboot", 98, 4, "abl.elf", false },
	{ "boot", 102, 60, "sdxprairie-boot.img", false },
	{ "recovery", 162, 60, "sdxprairie-boot.img", false },
	{ "modem", 222, 400, "NON-HLOS.ubi", false },
	{ "recoveryfs", 622, 200, "sdxprairie-recoveryfs.ubi", false },
	{ "usr_data", 822, 300, "usrdata.ubi", false },
	{ "system", 1122, 926, "sdxprairie-sysfs.ubi", false },
};

#define NPARTS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const urcs_bg95[] = { "RDY", "APP RDY", NULL };
static const char *const urcs_lte[] = {
	"RDY",	    "+CPIN: READY",    "+QUSIM: 1",
	"+CFUN: 1", "+QIND: SMS DONE", "+QIND: PB DONE",
	NULL,
};

/* BG95 0x0700 in usbnet "modem": DIAG, NMEA, AT (modem), second modem on if4 */
#define BG95_IFACES                                                            \
	{                                                                      \
		{ 0, 0xff, 0xff, 0xff, "DIAG", true },                         \
			{ 1, 0xff, 0xff, 0xff, "NMEA", true },                 \
			{ 2, 0xff, 0xff, 0xff, "AT", true },                   \
			{ 4, 0xff, 0xfe, 0xff, "MODEM", true },                \
	}
/* Cat-1/4 Qualcomm family: DIAG, NMEA, AT, MODEM, QMI */
#define LTE_IFACES(dproto)                                                     \
	{                                                                      \
		{ 0, 0xff, 0xff, dproto, "DIAG", true },                       \
			{ 1, 0xff, 0x00, 0x00, "NMEA", true },                 \
			{ 2, 0xff, 0x00, 0x00, "AT", true },                   \
			{ 3, 0xff, 0x00, 0x00, "MODEM", true },                \
			{ 4, 0xff, 0xff, 0xff, "QMI", false },                 \
	}

static const struct sim_profile profiles[] = {
	{
		.name = "bg95-m3",
		.model = "BG95-M3",
		.baseline = "BG95M3LAR02A03",
		.default_version = "01.009.01.009",
		.variant = "standard",
		.vid = 0x2c7c,
		.pid = 0x0700,
		.bcd_device = 0x0000,
		.manufacturer = "Quectel, Incorporated",
		.product = "Quectel LPWA Module",
		.usb_path = "1-1.4",
		.edl_usb_path = "1-1.4",
		.speed_mbps = 480,
		.edl_speed_mbps = 480,
		.ifaces = BG95_IFACES,
		.nifaces = 4,
		.edl_proto = 0xff,
		.chip = "MDM9205",
		.msm_id = 0x001070E1,
		.pk_hash = { PK_SIM384 },
		.pk_hash_len = 48,
		.root = "sim-root-sha384.der",
		.secure_boot = false,
		.serial = 0x1b95a301,
		.sahara_version = 2,
		.read64 = false,
		.page_size = 2048,
		.pages_per_block = 64,
		.total_blocks = 2048,
		.parts = parts_9205,
		.nparts = NPARTS(parts_9205),
		.programmer = "prog_firehose_nand_mdm9x05.elf",
		.fota_dir = "/cache/ufs/",
		.fota_dir_unverified = true,
		.secboot_cmd = "AT+QSECBOOT=\"status\"",
		.imei = "866349045000013",
		.ufs_total = 1048576,
		.ufs_free = 983040,
		.reboot_ms = 20000,
		.edl_enum_ms = 3000,
		.boot_urcs = urcs_bg95,
		.fota_percent = true,
		.qcfgext = true,
	},
	{
		.name = "bg95-m6",
		.model = "BG95-M6",
		.baseline = "BG95M6LAR02A02",
		.default_version = "01.200.01.200",
		.variant = "standard",
		.vid = 0x2c7c,
		.pid = 0x0700,
		.bcd_device = 0x0000,
		.manufacturer = "Quectel, Incorporated",
		.product = "Quectel LPWA Module",
		.usb_path = "1-1.4",
		.edl_usb_path = "1-1.4",
		.speed_mbps = 480,
		.edl_speed_mbps = 480,
		.ifaces = BG95_IFACES,
		.nifaces = 4,
		.edl_proto = 0xff,
		.chip = "MDM9205",
		.msm_id = 0x001070E1,
		.pk_hash = { PK_SIM384 },
		.pk_hash_len = 48,
		.root = "sim-root-sha384.der",
		.secure_boot = false,
		.serial = 0x1b95a602,
		.sahara_version = 2,
		.read64 = false,
		.page_size = 2048,
		.pages_per_block = 64,
		.total_blocks = 2048,
		.parts = parts_9205,
		.nparts = NPARTS(parts_9205),
		.programmer = "prog_firehose_nand_mdm9x05.elf",
		.fota_dir = "/cache/ufs/",
		.fota_dir_unverified = true,
		.secboot_cmd = "AT+QSECBOOT=\"status\"",
		.imei = "866349045000021",
		.ufs_total = 1048576,
		.ufs_free = 983040,
		.reboot_ms = 20000,
		.edl_enum_ms = 3000,
		.boot_urcs = urcs_bg95,
		.fota_percent = true,
		.qcfgext = true,
	},
	{
		.name = "bg96",
		.model = "BG96",
		.baseline = "BG96MAR02A07M1G",
		.default_version = "01.016.01.016",
		.variant = "standard",
		.vid = 0x2c7c,
		.pid = 0x0296,
		.bcd_device = 0x0000,
		.manufacturer = "Quectel",
		.product = "Qualcomm CDMA Technologies MSM",
		.usb_path = "1-1.4",
		.edl_usb_path = "1-1.4",
		.speed_mbps = 480,
		.edl_speed_mbps = 480,
		.ifaces = LTE_IFACES(0xff),
		.nifaces = 5,
		.edl_proto = 0xff,
		.chip = "MDM9206",
		.msm_id = 0x009730E1,
		.pk_hash = { PK_QC_OLD },
		.pk_hash_len = 32,
		.root = NULL,
		.secure_boot = false,
		.serial = 0x0b960703,
		.sahara_version = 2,
		.read64 = false,
		.page_size = 2048,
		.pages_per_block = 64,
		.total_blocks = 2048,
		.parts = parts_9206,
		.nparts = NPARTS(parts_9206),
		.programmer = "prog_nand_firehose_9x06.mbn",
		.fota_dir = "/fota/",
		.secboot_cmd = "AT+QCFG=\"secbootstat\"",
		.imei = "866349045000039",
		.ufs_total = 14483456,
		.ufs_free = 12940736,
		.reboot_ms = 20000,
		.edl_enum_ms = 3000,
		.boot_urcs = urcs_lte,
		.fota_percent = false,
	},
	{
		.name = "ec25",
		.model = "EC25",
		.baseline = "EC25EFAR06A01M4G",
		.default_version = "01.001.01.001",
		.variant = "standard",
		.vid = 0x2c7c,
		.pid = 0x0125,
		.bcd_device = 0x0318,
		.manufacturer = "Quectel",
		.product = "EC25-E",
		.usb_path = "1-1.4",
		.edl_usb_path = "1-1.4",
		.speed_mbps = 480,
		.edl_speed_mbps = 480,
		.ifaces = LTE_IFACES(0xff),
		.nifaces = 5,
		.edl_proto = 0xff,
		.chip = "MDM9207",
		.msm_id = 0x000480E1,
		.pk_hash = { PK_QC_OLD },
		.pk_hash_len = 32,
		.root = NULL,
		.secure_boot = false,
		.serial = 0x0ec25a04,
		.sahara_version = 2,
		.read64 = false,
		.page_size = 2048,
		.pages_per_block = 64,
		.total_blocks = 4096,
		.parts = parts_ec25,
		.nparts = NPARTS(parts_ec25),
		.programmer = "prog_nand_firehose_9x07.mbn",
		.fota_dir = "/data/ufs/",
		.secboot_cmd = "AT+QCFG=\"secbootstat\"",
		.imei = "866349045000047",
		.ufs_total = 14483456,
		.ufs_free = 12940736,
		.reboot_ms = 20000,
		.edl_enum_ms = 3000,
		.boot_urcs = urcs_lte,
		.fota_percent = false,
	},
	{
		.name = "eg25-g",
		.model = "EG25-G",
		.baseline = "EG25GGBR07A08M2G",
		.default_version = "30.006.30.006",
		.variant = "standard",
		.vid = 0x2c7c,
		.pid = 0x0125,
		.bcd_device = 0x0318,
		.manufacturer = "Quectel",
		.product = "EG25-G",
		.usb_path = "1-1.4",
		.edl_usb_path = "1-1.4",
		.speed_mbps = 480,
		.edl_speed_mbps = 480,
		.ifaces = LTE_IFACES(0xff),
		.nifaces = 5,
		.edl_proto = 0xff,
		.chip = "MDM9207",
		.msm_id = 0x000480E1,
		.pk_hash = { PK_QC_OLD },
		.pk_hash_len = 32,
		.root = NULL,
		.secure_boot = false,
		.serial = 0x0e925a05,
		.sahara_version = 2,
		.read64 = false,
		.page_size = 2048,
		.pages_per_block = 64,
		.total_blocks = 2048,
		.parts = parts_9x07,
		.nparts = NPARTS(parts_9x07),
		.programmer = "prog_nand_firehose_9x07.mbn",
		.fota_dir = "/data/ufs/",
		.secboot_cmd = "AT+QCFG=\"secbootstat\"",
		.imei = "866349045000054",
		.ufs_total = 14483456,
		.ufs_free = 12940736,
		.reboot_ms = 20000,
		.edl_enum_ms = 3000,
		.boot_urcs = urcs_lte,
		.fota_percent = false,
	},
	/* EG21-G: 2c7c:0121 (the EC21 PID), the EG25-G hardware (MDM9x07,
	 * 2 KiB pages); the revision line is invented in the EG25-G pattern. */
	{
		.name = "eg21-g",
		.model = "EG21-G",
		.baseline = "EG21GGBR07A08M2G",
		.default_version = "01.001.01.001",
		.variant = "standard",
		.vid = 0x2c7c,
		.pid = 0x0121,
		.bcd_device = 0x0318,
		.manufacturer = "Quectel",
		.product = "EG21-G",
		.usb_path = "1-1.4",
		.edl_usb_path = "1-1.4",
		.speed_mbps = 480,
		.edl_speed_mbps = 480,
		.ifaces = LTE_IFACES(0xff),
		.nifaces = 5,
		.edl_proto = 0xff,
		.chip = "MDM9207",
		.msm_id = 0x000480E1,
		.pk_hash = { PK_QC_OLD },
		.pk_hash_len = 32,
		.root = NULL,
		.secure_boot = false,
		.serial = 0x0e921a06,
		.sahara_version = 2,
		.read64 = false,
		.page_size = 2048,
		.pages_per_block = 64,
		.total_blocks = 2048,
		.parts = parts_9x07,
		.nparts = NPARTS(parts_9x07),
		.programmer = "prog_nand_firehose_9x07.mbn",
		.fota_dir = "/data/ufs/",
		.secboot_cmd = "AT+QCFG=\"secbootstat\"",
		.imei = "866349045000062",
		.ufs_total = 14483456,
		.ufs_free = 12940736,
		.reboot_ms = 20000,
		.edl_enum_ms = 3000,
		.boot_urcs = urcs_lte,
		.fota_percent = false,
	},
	{
		.name = "rm500q",
		.model = "RM500Q-GL",
		.baseline = "RM500QGLAAR01A01M4G",
		.default_version = "01.001.01.001",
		.variant = "standard",
		.vid = 0x2c7c,
		.pid = 0x0800,
		.bcd_device = 0x0414,
		.manufacturer = "Quectel",
		.product = "RM500Q-GL",
		.usb_path = "2-1.4",
		.edl_usb_path = "1-1.4",
		.speed_mbps = 5000,
		.edl_speed_mbps = 480,
		.ifaces = LTE_IFACES(0x30),
		.nifaces = 5,
		.edl_proto = 0x11,
		.chip = "SDX55",
		.msm_id = 0x000E50E1,
		.pk_hash = { PK_SIM256 },
		.pk_hash_len = 32,
		.root = "sim-root-sha256.der",
		.secure_boot = true,
		.serial = 0x0cf94c64,
		.sahara_version = 3,
		.read64 = true,
		.page_size = 4096,
		.pages_per_block = 64,
		.total_blocks = 2048,
		.parts = parts_sdx55,
		.nparts = NPARTS(parts_sdx55),
		.programmer = "prog_firehose_sdx55.mbn",
		.fota_dir = "/cache/ufs/",
		.secboot_cmd = "AT+QCFG=\"secbootstat\"",
		.imei = "866349045000062",
		.ufs_total = 67108864,
		.ufs_free = 62914560,
		.reboot_ms = 25000,
		.edl_enum_ms = 3000,
		.boot_urcs = urcs_lte,
		.fota_percent = false,
	},
	{
		.name = "bg95-m3-big",
		.model = "BG95-M3",
		.baseline = "BG95M3LAR02A03",
		.default_version = "01.009.01.009",
		.variant = "standard",
		.vid = 0x2c7c,
		.pid = 0x0700,
		.bcd_device = 0x0000,
		.manufacturer = "Quectel, Incorporated",
		.product = "Quectel LPWA Module",
		.usb_path = "1-1.5",
		.edl_usb_path = "1-1.5",
		.speed_mbps = 480,
		.edl_speed_mbps = 480,
		.ifaces = BG95_IFACES,
		.nifaces = 4,
		.edl_proto = 0xff,
		.chip = "MDM9205",
		.msm_id = 0x001070E1,
		.pk_hash = { PK_SIM384 },
		.pk_hash_len = 48,
		.root = "sim-root-sha384.der",
		.secure_boot = false,
		.serial = 0x1b95a301,
		.sahara_version = 2,
		.read64 = false,
		.page_size = 2048,
		.pages_per_block = 64,
		.total_blocks = 9728,
		.parts = parts_9205_big,
		.nparts = NPARTS(parts_9205_big),
		.programmer = "prog_firehose_nand_mdm9x05.elf",
		.fota_dir = "/cache/ufs/",
		.fota_dir_unverified = true,
		.secboot_cmd = "AT+QSECBOOT=\"status\"",
		.imei = "866349045000013",
		.ufs_total = 1048576,
		.ufs_free = 983040,
		.reboot_ms = 20000,
		.edl_enum_ms = 3000,
		.boot_urcs = urcs_bg95,
		.fota_percent = true,
		.qcfgext = true,
	},
};

const struct sim_profile *sim_profile_at(size_t i)
{
	if (i >= sizeof(profiles) / sizeof(profiles[0]))
		return NULL;
	return &profiles[i];
}

const struct sim_profile *sim_profile_find(const char *name)
{
	const struct sim_profile *p;
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; (p = sim_profile_at(i)); i++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

const struct sim_part *sim_profile_part(const struct sim_profile *p,
					const char *name)
{
	size_t i;

	if (!p || !name)
		return NULL;
	for (i = 0; i < p->nparts; i++)
		if (!strcmp(p->parts[i].name, name))
			return &p->parts[i];
	return NULL;
}
