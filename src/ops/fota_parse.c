// SPDX-License-Identifier: BSD-3-Clause
/*
 * Pure parts of delta FOTA (field-data.md 4): the vendor error table, the
 * per-model FOTA path table, the UFS space margin and revision matching.
 * No I/O. The URC and reply parsers are in wire/fota_msg.c.
 */
#include "ops/fota/fota.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The DFOTA error table (EP06/EG06/EM06 DFOTA guide, field-data.md 4). */
static const struct {
	int lo, hi;
	const char *text;
} fota_errors[] = {
	{ 0, 0, "the update succeeded" },
	{ 502, 502, "the update exited unpredictably (error 502)" },
	{ 504, 505, "the module rejected the delta package as bad or corrupt" },
	{ 510, 510,
	  "the delta does not match the module's current firmware "
	  "(error 510: patch does not match source)" },
	{ 511, 511,
	  "there is not enough space on the module to apply the delta" },
	{ 520, 530, "the module failed to apply the update" },
	{ 540, 546, "the module failed to apply the update" },
	{ 601, 601, "the FTP download failed (unknown FTP error)" },
	{ 701, 701, "the HTTP(S) download failed (unknown HTTP error)" },
	{ 702, 702, "the download stalled or the network was lost" },
};

const char *fota_err_text(int code)
{
	for (size_t i = 0; i < ARRAY_SIZE(fota_errors); i++)
		if (code >= fota_errors[i].lo && code <= fota_errors[i].hi)
			return fota_errors[i].text;
	return "the module reported an unknown FOTA error code";
}

bool fota_err_is_package(int code)
{
	return code == 504 || code == 505 || code == 510;
}

/*
 * Where each model family keeps FOTA files. 9x07 Linux modules (EC2x, EG2x,
 * EG9x) use /data/ufs/, SDX55 modules /cache/ufs/ (field-data.md 4). BG96
 * takes /fota/update.zip started with AT+QFOTADL=1. For BG95/BG77 no local
 * form is confirmed: /cache/ufs/ as the simulator's profile row has it.
 */
static const struct fota_model fota_models[] = {
	{ "EC25", NULL, "/data/ufs/", NULL, true },
	{ "EG25", NULL, "/data/ufs/", NULL, true },
	{ "EC21", NULL, "/data/ufs/", NULL, false },
	{ "EC20", NULL, "/data/ufs/", NULL, false },
	{ "EG21", NULL, "/data/ufs/", NULL, false },
	{ "EG91", NULL, "/data/ufs/", NULL, false },
	{ "EG95", NULL, "/data/ufs/", NULL, false },
	{ "RM500Q", NULL, "/cache/ufs/", NULL, true },
	{ "RM502Q", NULL, "/cache/ufs/", NULL, true },
	{ "RG500Q", NULL, "/cache/ufs/", NULL, true },
	{ "RG502Q", NULL, "/cache/ufs/", NULL, true },
	{ "BG96", "EUFS:/fota/update.zip", "/fota/", "1", false },
	{ "BG95", NULL, "/cache/ufs/", NULL, false },
	{ "BG77", NULL, "/cache/ufs/", NULL, false },
};

const struct fota_model *fota_model_find(const char *model)
{
	if (!model)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(fota_models); i++) {
		size_t n = strlen(fota_models[i].prefix);

		/* "EC20" must not claim "EC200U" (an ASR module) */
		if (!strncasecmp(model, fota_models[i].prefix, n) &&
		    !isdigit((unsigned char)model[n]))
			return &fota_models[i];
	}
	return NULL;
}

uint64_t fota_space_needed(uint64_t size)
{
	/* room for the file system's own blocks: 1 % and at least 64 KiB */
	uint64_t margin = size / 100;

	if (margin < 64 * 1024)
		margin = 64 * 1024;
	return size + margin;
}
