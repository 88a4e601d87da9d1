// SPDX-License-Identifier: BSD-3-Clause
/*
 * What the flash work needs to know of each module: chip, Sahara MSM ID,
 * Firehose programmer, NAND geometry, calibration partitions, USB switch.
 * Facts: docs/field-data.md (programmers, MSM ids),
 * docs/protocols.md (NAND geometry), docs/design.md (calibration partitions).
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "discover/discover.h"

#define KIB 1024u

/* NAND modules keep calibration and IMEI in EFS2 / RAWDATA (partition_nand.xml) */
static const char *const cal_nand[] = { "EFS2", "RAWDATA", NULL };
/* SDX modules: the EFS copies and the factory backup */
static const char *const cal_sdx[] = { "efs2",	   "RAWDATA", "fsg", "modemst1",
				       "modemst2", "fsc",     NULL };

#define BG95(n)                                                                \
	{                                                                      \
		(n), "bg95", "MDM9205", 0x001070E1,                            \
			"prog_firehose_nand_mdm9x05.elf", 2 * KIB, 128 * KIB,  \
			cal_nand, true                                         \
	}
#define X07(n)                                                                 \
	{                                                                      \
		(n), "ec25", "MDM9x07", 0x000480E1,                            \
			"prog_nand_firehose_9x07.mbn", 2 * KIB, 128 * KIB,     \
			cal_nand, false                                        \
	}

static const struct mf_model models[] = {
	BG95("BG95-M3"),
	BG95("BG95-M1"),
	BG95("BG95-M2"),
	BG95("BG95-M4"),
	BG95("BG95-M5"),
	BG95("BG95-M6"),
	BG95("BG77"),
	BG95("BG600L-M3"),
	/* BG96: MDM9206 (EDL-CFG 0x9730E1); no public programmer name seen */
	{ "BG96", "bg96", "MDM9206", 0x009730E1, NULL, 2 * KIB, 128 * KIB,
	  cal_nand, false },
	/* EC25-E/-EU report MSM 0x000480E1 (TRB140-DOC); some EG25 carry
	 * 256 KiB-block NAND: the preflight checks the device's geometry */
	X07("EC25"),
	X07("EG25"),
	X07("EG91"),
	X07("EG95"),
	X07("EC21"),
	X07("EC20"),
	{ "RM500Q", "rm500q", "SDX55", 0x000E50E1, "prog_firehose_sdx55.mbn",
	  4 * KIB, 256 * KIB, cal_sdx, false },
	{ "RM520N", "rm520n", "SDX62", 0x001990E1, "prog_firehose_sdx6x.elf",
	  4 * KIB, 256 * KIB, cal_sdx, false },
};

#define NMODELS (sizeof(models) / sizeof(models[0]))

const struct mf_model *mf_model_at(size_t i)
{
	return i < NMODELS ? &models[i] : NULL;
}

/* Exact name first ("BG95-M3"), then the longest row name that prefixes
 * the ATI answer ("RM500Q-GL" -> RM500Q, "EG25-G" -> EG25). */
const struct mf_model *mf_model_find(const char *name)
{
	const struct mf_model *best = NULL;
	size_t best_len = 0;

	if (!name || !*name)
		return NULL;
	for (size_t i = 0; i < NMODELS; i++)
		if (!strcasecmp(models[i].name, name))
			return &models[i];
	for (size_t i = 0; i < NMODELS; i++) {
		size_t n = strlen(models[i].name);

		if (n > best_len && !strncasecmp(models[i].name, name, n)) {
			best = &models[i];
			best_len = n;
		}
	}
	return best;
}

const struct mf_model *mf_model_of_family(const char *family)
{
	if (!family)
		return NULL;
	for (size_t i = 0; i < NMODELS; i++)
		if (!strcmp(models[i].family, family))
			return &models[i];
	return NULL;
}

bool mf_model_is_calibration(const struct mf_model *m, const char *label)
{
	if (!m || !label)
		return false;
	/* "0:EFS2" in partition_nand.xml style */
	if (label[0] && label[1] == ':')
		label += 2;
	for (const char *const *c = m->calibration; c && *c; c++)
		if (!strcasecmp(*c, label))
			return true;
	return false;
}
