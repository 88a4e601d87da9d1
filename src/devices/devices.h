/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_DEVICES_DEVICES_H
#define MF_DEVICES_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The device table: what the host knows of each module, as data. Two
 * tables: USB rows (VID/PID, interface roles, mode, family) answer "what
 * is plugged in"; model rows (ATI name, revision prefixes, chip,
 * programmer, geometry, calibration partitions, FOTA paths) answer "what
 * is this module" once its identity is read. A small chip table maps
 * programmer file names and Sahara MSM ids to chips. No I/O, no state.
 * Adding a module is adding a USB row (when it has its own PID) and a
 * model row. The simulator keeps its own profiles (sim/profiles.c) on
 * purpose: a wrong row here must not be mirrored there.
 */

enum mf_role {
	MF_ROLE_NONE = 0, /* unknown interface; ends a row's role list */
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

#define DEV_ANY	      0x100 /* wildcard in an interface class pattern */
#define DEV_MAX_ROLES 8

/* One interface of a USB row: number, class pattern, role. */
struct dev_iface {
	uint8_t num;
	uint16_t cls, sub, proto; /* DEV_ANY matches any */
	enum mf_role role;	  /* MF_ROLE_NONE ends the list */
};

/* One USB identity (one composition of a VID/PID). */
struct dev_usb {
	uint16_t vid, pid;
	const char
		*models; /* shown by list: "BG95 / BG77 / BG600L-M3 / BC69" */
	const char *family; /* key shared with model rows, or NULL */
	enum mf_mode mode;
	const char *composition; /* "usbnet modem", ... or NULL */
	struct dev_iface roles[DEV_MAX_ROLES];
	bool by_protocol; /* roles from bInterfaceProtocol 0x30.. first */
	int diag_if;	  /* DIAG interface when nothing else names it, -1 */
};

/* A USB-serial bridge: recognised as an adapter, never as a module. */
struct dev_adapter {
	uint16_t vid;
	uint16_t pid;	  /* 0: any product of this vendor */
	const char *name; /* "FTDI USB-UART" */
};

const struct dev_usb *dev_usb_at(size_t i); /* NULL past the end */
size_t dev_usb_nroles(const struct dev_usb *u);
/* The role the row gives interface num, MF_ROLE_NONE when none. */
enum mf_role dev_usb_role(const struct dev_usb *u, int num);
const struct dev_adapter *dev_adapter_find(uint16_t vid, uint16_t pid);
/* Role from bInterfaceProtocol on newer firmware (0x30 DIAG ...). */
enum mf_role dev_role_from_protocol(uint8_t cls, uint8_t sub, uint8_t proto);

/* A Qualcomm chip: how programmer files name it, its Sahara MSM ids. */
struct dev_chip {
	const char *name;    /* "MDM9x07" */
	const char *tags[3]; /* lower-case substrings of programmer names */
	uint32_t msm_ids[4]; /* first = the usual one; 0 ends */
};

const struct dev_chip *dev_chip_at(size_t i);
const struct dev_chip *dev_chip_find(const char *name);
const struct dev_chip *dev_chip_from_file(const char *filename);
const struct dev_chip *dev_chip_from_msm(uint32_t msm_id);
bool dev_chip_has_msm(const struct dev_chip *c, uint32_t msm_id);

/* Where a model keeps its FOTA file (AT+QFUPL / AT+QFOTADL). */
struct dev_fota {
	const char *dir;    /* module path of UFS files; NULL: none known */
	const char *upload; /* QFUPL name, NULL: the caller's (default) */
	const char *start;  /* AT+QFOTADL argument verbatim, NULL: dir+name */
	bool verified;	    /* seen on real modules, not only documented */
};

#define DEV_MAX_REVS 3

/* One module as ATI names it. NULL / 0 columns are unknown. */
struct dev_model {
	const char *name;		/* ATI second line: "BG95-M3" */
	const char *family;		/* USB family key: "bg95" */
	const char *revs[DEV_MAX_REVS]; /* revision name prefixes: "BG95M3" */
	const char *chip;		/* a dev_chip name: "MDM9205" */
	const char *programmer;		/* Firehose programmer file name */
	const char *geometry; /* NAND "p2K_b128K" (the XML file tag) */
	const char *const *calibration; /* NULL-terminated labels */
	bool has_disusb; /* AT+QCFGEXT="disusb" and "usb/event" */
	struct dev_fota fota;
};

const struct dev_model *dev_model_at(size_t i);
/*
 * By ATI model name, case-insensitive: the exact row, else the longest
 * row name that prefixes it and is not followed by a digit ("EG25-G" ->
 * EG25, "RM500Q-GL" -> RM500Q, but "EC200U" is not EC20). NULL unknown.
 */
const struct dev_model *dev_model_find(const char *name);
/* By revision name ("EG25GGBR07A08M2G_30.006"): longest prefix. */
const struct dev_model *dev_model_by_rev(const char *revision);
/* Length of the longest model prefix of a revision name, 0 none. */
size_t dev_rev_prefix_len(const char *revision);
/*
 * The model a USB family stands for, only when the family has one model
 * row: a family is not its first model (0x0700 may be any BG95 or BG77).
 */
const struct dev_model *dev_model_of_family(const char *family);
/* The chip every model of the family shares, NULL when they differ. */
const struct dev_chip *dev_family_chip(const char *family);
/* The model's chip row, or NULL. */
const struct dev_chip *dev_model_chip(const struct dev_model *m);
/* The model's usual Sahara MSM id (its chip's first), 0 unknown. */
uint32_t dev_model_msm(const struct dev_model *m);
/* Is label ("0:EFS2" or "EFS2") a calibration partition of m; with m
 * NULL, of any module (a package read before the module is known)? */
bool dev_is_calibration(const struct dev_model *m, const char *label);
/* "p2K_b128K" -> bytes. 0, or -EINVAL for anything else. */
int dev_geometry_parse(const char *geo, uint32_t *page, uint32_t *block);

#endif
