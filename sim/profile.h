/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_SIM_PROFILE_H
#define MF_SIM_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What a simulated module is: one row per profile (profiles.c). Shared by
 * modemflash-sim and tools/mkpkg, tools/mkdelta. Facts from
 * docs/field-data.md and tests/fixtures/real.
 */
struct sim_iface {
	uint8_t num;
	uint8_t cls, sub, proto;
	const char *role; /* "DIAG", "NMEA", "AT", "MODEM", "QMI" */
	bool tty;	  /* gets a ttyUSBn (option driver) */
};

struct sim_part {
	const char *name; /* "SBL", "MIBIB", "EFS2", "modem", ... */
	uint32_t start_block;
	uint32_t num_blocks;
	const char *image; /* file under update/ in a package, or NULL */
	bool calibration;  /* EFS2, RAWDATA, ...: per-module data */
};

struct sim_profile {
	const char *name;     /* "bg95-m3" */
	const char *model;    /* "BG95-M3" (second ATI line) */
	const char *baseline; /* "BG95M3LAR02A03" (AT+CGMR) */
	const char *
		default_version; /* "01.009.01.009"; AT+QGMR = baseline_version */
	const char
		*variant; /* firmware variant the hardware runs: "standard" */
	uint16_t vid, pid, bcd_device;
	const char *manufacturer, *product;
	const char *usb_path; /* sysfs name in normal mode, "1-1.4" */
	const char *
		edl_usb_path; /* where 05c6:9008 appears (USB3 -> USB2: another path) */
	int speed_mbps, edl_speed_mbps; /* 480 or 5000 */
	struct sim_iface ifaces[8];
	size_t nifaces;
	uint8_t edl_proto; /* EDL interface protocol: 0xff or 0x11 */
	const char *chip;  /* "MDM9205" */
	uint32_t msm_id;   /* 0x001070E1 */
	uint16_t oem_id, model_id;
	uint8_t pk_hash[64]; /* OEM PK hash reported in Sahara command mode */
	size_t pk_hash_len;  /* 32 (SHA-256) or 48 (SHA-384) */
	/*
	 * Signing root of the stock programmer: a file of data/testroots/
	 * ("sim-root-sha384.der"), whose hash is then pk_hash, or NULL for an
	 * unsigned programmer (MDM9x07). See data/testroots/README.md.
	 */
	const char *root;
	bool secure_boot; /* fused: PBL refuses programmers of another root */
	uint32_t serial;  /* Sahara serial */
	uint32_t sahara_version;  /* HELLO version: 2 or 3 */
	bool read64;		  /* READ_DATA_64 instead of READ_DATA */
	uint32_t page_size;	  /* NAND page = Firehose sector, bytes */
	uint32_t pages_per_block; /* 64 */
	uint32_t total_blocks;
	const struct sim_part *parts;
	size_t nparts;
	const char *programmer; /* "prog_firehose_nand_mdm9x05.elf" */
	const char *fota_dir;	/* "/cache/ufs/" (AT+QFOTADL local path) */
	const char *
		secboot_cmd; /* "AT+QSECBOOT=\"status\"" or "AT+QCFG=\"secbootstat\"" */
	const char *imei;
	uint64_t ufs_total, ufs_free; /* AT+QFLDS="UFS" */
	int reboot_ms;		      /* real timing: module restart */
	int edl_enum_ms; /* real timing: DIAG switch -> 05c6:9008 */
	/* core additions (normal mode behaviour) */
	const char
		*usb_serial; /* iSerial string, NULL when the device has none */
	const char *const
		*boot_urcs;	  /* lines after power-on, NULL-terminated */
	bool fota_percent;	  /* UPDATING printed as "7%" rather than 7 */
	bool qcfgext;		  /* AT+QCFGEXT exists (BG95 family) */
	bool fota_dir_unverified; /* fota_dir is a guess (docs/protocols.md) */
};

/* NULL when unknown. */
const struct sim_profile *sim_profile_find(const char *name);
/* Row i, NULL past the end. */
const struct sim_profile *sim_profile_at(size_t i);
/* The partition named name, NULL if absent. */
const struct sim_part *sim_profile_part(const struct sim_profile *p,
					const char *name);

#endif
