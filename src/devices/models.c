// SPDX-License-Identifier: BSD-3-Clause
/*
 * The model rows and the chip rows. A model row is what the host needs
 * once ATI (or a revision name) says which module it is: the revision
 * prefixes the package names use, the chip (and so the Sahara MSM ids and
 * the programmer), the NAND geometry the package XML should carry, the
 * partitions that hold calibration and IMEI, and where FOTA files go.
 * Rows with only a name and prefixes are modules whose revision names we
 * parse but whose flash facts no public source shows.
 * Facts: docs of the project (programmer names per chip, MSM ids from
 * boot logs, geometry of the published XML, FOTA paths per family).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "devices/devices.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* NAND modules keep calibration and IMEI in EFS2 / RAWDATA (partition_nand.xml) */
static const char *const cal_nand[] = { "EFS2", "RAWDATA", NULL };
/* SDX modules: the EFS copies and the factory backup */
static const char *const cal_sdx[] = { "efs2",	   "RAWDATA", "fsg", "modemst1",
				       "modemst2", "fsc",     NULL };

/*
 * FOTA: 9x07 Linux modules (EC2x, EG2x, EG9x) keep UFS files in /data/ufs/,
 * SDX55 modules in /cache/ufs/. BG96 takes /fota/update.zip started with
 * AT+QFOTADL=1. For BG95/BG77 no local form is confirmed: /cache/ufs/.
 */
#define FOTA_X07_SEEN                                                          \
	{                                                                      \
		.dir = "/data/ufs/", .verified = true                          \
	}
#define FOTA_X07                                                               \
	{                                                                      \
		.dir = "/data/ufs/"                                            \
	}
#define FOTA_SDX55                                                             \
	{                                                                      \
		.dir = "/cache/ufs/", .verified = true                         \
	}
#define FOTA_BG95                                                              \
	{                                                                      \
		.dir = "/cache/ufs/"                                           \
	}
#define FOTA_BG96                                                              \
	{                                                                      \
		.dir = "/fota/", .upload = "EUFS:/fota/update.zip",            \
		.start = "1"                                                   \
	}

#define P9X05 "prog_firehose_nand_mdm9x05.elf"
#define P9X07 "prog_nand_firehose_9x07.mbn"

// clang-format off
static const struct dev_model models[] = {
	{ .name = "BG95-M3", .family = "bg95", .revs = { "BG95M3" }, .chip = "MDM9205", .programmer = P9X05, .geometry = "p2K_b128K", .calibration = cal_nand, .has_disusb = true, .fota = FOTA_BG95 },
	{ .name = "BG95-M1", .family = "bg95", .revs = { "BG95M1" }, .chip = "MDM9205", .programmer = P9X05, .geometry = "p2K_b128K", .calibration = cal_nand, .has_disusb = true, .fota = FOTA_BG95 },
	{ .name = "BG95-M2", .family = "bg95", .revs = { "BG95M2" }, .chip = "MDM9205", .programmer = P9X05, .geometry = "p2K_b128K", .calibration = cal_nand, .has_disusb = true, .fota = FOTA_BG95 },
	{ .name = "BG95-M4", .family = "bg95", .revs = { "BG95M4" }, .chip = "MDM9205", .programmer = P9X05, .geometry = "p2K_b128K", .calibration = cal_nand, .has_disusb = true, .fota = FOTA_BG95 },
	{ .name = "BG95-M5", .family = "bg95", .revs = { "BG95M5" }, .chip = "MDM9205", .programmer = P9X05, .geometry = "p2K_b128K", .calibration = cal_nand, .has_disusb = true, .fota = FOTA_BG95 },
	{ .name = "BG95-M6", .family = "bg95", .revs = { "BG95M6" }, .chip = "MDM9205", .programmer = P9X05, .geometry = "p2K_b128K", .calibration = cal_nand, .has_disusb = true, .fota = FOTA_BG95 },
	{ .name = "BG95-M8", .family = "bg95", .revs = { "BG95M8" }, .fota = FOTA_BG95 },
	{ .name = "BG95-M9", .family = "bg95", .revs = { "BG95M9" }, .fota = FOTA_BG95 },
	{ .name = "BG77", .family = "bg95", .revs = { "BG77" }, .chip = "MDM9205", .programmer = P9X05, .geometry = "p2K_b128K", .calibration = cal_nand, .has_disusb = true, .fota = FOTA_BG95 },
	{ .name = "BG600L-M3", .family = "bg95", .revs = { "BG600L" }, .chip = "MDM9205", .programmer = P9X05, .geometry = "p2K_b128K", .calibration = cal_nand, .has_disusb = true },
	/* no public BG96 programmer name seen */
	{ .name = "BG96", .family = "bg96", .revs = { "BG96" }, .chip = "MDM9206", .geometry = "p2K_b128K", .calibration = cal_nand, .fota = FOTA_BG96 },
	/* EC25-E/-EU report MSM 0x000480E1; some EG25 carry 256 KiB-block NAND: the preflight checks the device's own geometry */
	{ .name = "EC25", .family = "ec25", .revs = { "EC25" }, .chip = "MDM9x07", .programmer = P9X07, .geometry = "p2K_b128K", .calibration = cal_nand, .fota = FOTA_X07_SEEN },
	{ .name = "EG25", .family = "ec25", .revs = { "EG25G" }, .chip = "MDM9x07", .programmer = P9X07, .geometry = "p2K_b128K", .calibration = cal_nand, .fota = FOTA_X07_SEEN },
	{ .name = "EG91", .family = "ec25", .revs = { "EG91" }, .chip = "MDM9x07", .programmer = P9X07, .geometry = "p2K_b128K", .calibration = cal_nand, .fota = FOTA_X07 },
	{ .name = "EG95", .family = "ec25", .revs = { "EG95" }, .chip = "MDM9x07", .programmer = P9X07, .geometry = "p2K_b128K", .calibration = cal_nand, .fota = FOTA_X07 },
	{ .name = "EC21", .family = "ec25", .revs = { "EC21" }, .chip = "MDM9x07", .programmer = P9X07, .geometry = "p2K_b128K", .calibration = cal_nand, .fota = FOTA_X07 },
	{ .name = "EG21-G", .family = "ec25", .revs = { "EG21G" }, .chip = "MDM9x07", .programmer = P9X07, .geometry = "p2K_b128K", .calibration = cal_nand, .fota = FOTA_X07 },
	{ .name = "EC20", .family = "ec25", .revs = { "EC20" }, .chip = "MDM9x07", .programmer = P9X07, .geometry = "p2K_b128K", .calibration = cal_nand, .fota = FOTA_X07 },
	{ .name = "RM500Q", .family = "rm500q", .revs = { "RM500Q" }, .chip = "SDX55", .programmer = "prog_firehose_sdx55.mbn", .geometry = "p4K_b256K", .calibration = cal_sdx, .fota = FOTA_SDX55 },
	{ .name = "RM502Q", .family = "rm500q", .revs = { "RM502Q" }, .fota = FOTA_SDX55 },
	{ .name = "RG500Q", .family = "rm500q", .revs = { "RG500Q" }, .fota = FOTA_SDX55 },
	{ .name = "RG502Q", .family = "rm500q", .fota = FOTA_SDX55 },
	{ .name = "RM510Q", .family = "rm500q", .revs = { "RM510Q" } },
	{ .name = "RM520N", .family = "rm520n", .revs = { "RM520N" }, .chip = "SDX62", .programmer = "prog_firehose_sdx6x.elf", .geometry = "p4K_b256K", .calibration = cal_sdx },
	{ .name = "RG501Q", .revs = { "RG501Q" } },
	{ .name = "RM551E", .revs = { "RM551E" } },
	{ .name = "RG255C", .revs = { "RG255C" } },
	{ .name = "EM05", .revs = { "EM05" } },
	{ .name = "EM06", .revs = { "EM06" } },
	{ .name = "EM12", .revs = { "EM12" } },
	{ .name = "EM20-G", .revs = { "EM20G" } },
	{ .name = "EM120K", .revs = { "EM120K" } },
	{ .name = "EM160R", .revs = { "EM160R" } },
	{ .name = "EP06", .revs = { "EP06" } },
	{ .name = "EG06", .revs = { "EG06" } },
	{ .name = "EG12", .revs = { "EG12" } },
	{ .name = "EG18", .revs = { "EG18" } },
	{ .name = "AG35", .revs = { "AG35" } },
	{ .name = "AG590E", .revs = { "AG590E" } },
};

/* Programmer file tags and Sahara MSM ids (boot logs, EDL configs). */
static const struct dev_chip chips[] = {
	{ .name = "MDM9205", .tags = { "9x05", "9205" }, .msm_ids = { 0x001070E1 } },
	{ .name = "MDM9x07", .tags = { "9x07", "9607" }, .msm_ids = { 0x000480E1, 0x000490E1, 0x0004A0E1 } },
	{ .name = "MDM9206", .tags = { "9x06", "9206" }, .msm_ids = { 0x009730E1 } },
	{ .name = "MDM9x40", .tags = { "9x40" }, .msm_ids = { 0x009500E1 } },
	{ .name = "MDM9x45", .tags = { "9x45" }, .msm_ids = { 0x009540E1 } },
	{ .name = "SDX20", .tags = { "sdx20" }, .msm_ids = { 0x0007D0E1 } },
	{ .name = "SDX24", .tags = { "sdx24" }, .msm_ids = { 0x000960E1, 0x000970E1 } },
	{ .name = "SDX55", .tags = { "sdx55" }, .msm_ids = { 0x000E50E1, 0x000CF0E1 } },
	{ .name = "SDX62", .tags = { "sdx6x", "sdx62" }, .msm_ids = { 0x001990E1 } },
	{ .name = "SDX7x", .tags = { "sdx7x" } },
	{ .name = "SDX35", .tags = { "sdx35" } },
};
// clang-format on

const struct dev_model *dev_model_at(size_t i)
{
	return i < N(models) ? &models[i] : NULL;
}

const struct dev_model *dev_model_find(const char *name)
{
	const struct dev_model *best = NULL;
	size_t best_len = 0;

	if (!name || !*name)
		return NULL;
	for (size_t i = 0; i < N(models); i++)
		if (!strcasecmp(models[i].name, name))
			return &models[i];
	for (size_t i = 0; i < N(models); i++) {
		size_t n = strlen(models[i].name);

		/* "EC20" must not claim "EC200U" (an ASR module) */
		if (n > best_len && !strncasecmp(models[i].name, name, n) &&
		    !isdigit((unsigned char)name[n])) {
			best = &models[i];
			best_len = n;
		}
	}
	return best;
}

static const struct dev_model *by_rev(const char *revision, size_t *len)
{
	const struct dev_model *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; revision && i < N(models); i++)
		for (size_t k = 0; k < DEV_MAX_REVS && models[i].revs[k]; k++) {
			size_t n = strlen(models[i].revs[k]);

			if (n > best_len &&
			    !strncmp(revision, models[i].revs[k], n)) {
				best = &models[i];
				best_len = n;
			}
		}
	*len = best_len;
	return best;
}

const struct dev_model *dev_model_by_rev(const char *revision)
{
	size_t n;

	return by_rev(revision, &n);
}

size_t dev_rev_prefix_len(const char *revision)
{
	size_t n;

	by_rev(revision, &n);
	return n;
}

const struct dev_model *dev_model_of_family(const char *family)
{
	const struct dev_model *one = NULL;

	if (!family)
		return NULL;
	for (size_t i = 0; i < N(models); i++) {
		if (!models[i].family || strcmp(models[i].family, family))
			continue;
		if (one)
			return NULL; /* several: the family names no model */
		one = &models[i];
	}
	return one;
}

const struct dev_chip *dev_family_chip(const char *family)
{
	const char *chip = NULL;

	if (!family)
		return NULL;
	for (size_t i = 0; i < N(models); i++) {
		const struct dev_model *m = &models[i];

		if (!m->family || strcmp(m->family, family) || !m->chip)
			continue;
		if (chip && strcmp(chip, m->chip))
			return NULL;
		chip = m->chip;
	}
	return dev_chip_find(chip);
}

const struct dev_chip *dev_model_chip(const struct dev_model *m)
{
	return m ? dev_chip_find(m->chip) : NULL;
}

uint32_t dev_model_msm(const struct dev_model *m)
{
	const struct dev_chip *c = dev_model_chip(m);

	return c ? c->msm_ids[0] : 0;
}

static bool in_list(const char *const *list, const char *label)
{
	for (const char *const *c = list; c && *c; c++)
		if (!strcasecmp(*c, label))
			return true;
	return false;
}

bool dev_is_calibration(const struct dev_model *m, const char *label)
{
	if (!label)
		return false;
	/* "0:EFS2" in partition_nand.xml style */
	if (label[0] && label[1] == ':')
		label += 2;
	if (m)
		return in_list(m->calibration, label);
	for (size_t i = 0; i < N(models); i++)
		if (in_list(models[i].calibration, label))
			return true;
	return false;
}

int dev_geometry_parse(const char *geo, uint32_t *page, uint32_t *block)
{
	unsigned p, b;
	int end = 0;

	if (!geo || sscanf(geo, "p%uK_b%uK%n", &p, &b, &end) != 2 || geo[end] ||
	    !p || p > 64 || !b || b > 4096 || b % p)
		return -EINVAL;
	*page = p * 1024;
	*block = b * 1024;
	return 0;
}

const struct dev_chip *dev_chip_at(size_t i)
{
	return i < N(chips) ? &chips[i] : NULL;
}

const struct dev_chip *dev_chip_find(const char *name)
{
	for (size_t i = 0; name && i < N(chips); i++)
		if (!strcmp(chips[i].name, name))
			return &chips[i];
	return NULL;
}

const struct dev_chip *dev_chip_from_file(const char *filename)
{
	const char *base = strrchr(filename, '/');
	char low[256];
	size_t i;

	base = base ? base + 1 : filename;
	for (i = 0; base[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)base[i]);
	low[i] = 0;
	for (i = 0; i < N(chips); i++)
		for (size_t k = 0; k < N(chips[i].tags) && chips[i].tags[k];
		     k++)
			if (strstr(low, chips[i].tags[k]))
				return &chips[i];
	return NULL;
}

bool dev_chip_has_msm(const struct dev_chip *c, uint32_t msm_id)
{
	for (size_t i = 0; i < N(c->msm_ids) && c->msm_ids[i]; i++)
		if (c->msm_ids[i] == msm_id)
			return true;
	return false;
}

const struct dev_chip *dev_chip_from_msm(uint32_t msm_id)
{
	for (size_t i = 0; i < N(chips); i++)
		if (dev_chip_has_msm(&chips[i], msm_id))
			return &chips[i];
	return NULL;
}
