// SPDX-License-Identifier: BSD-3-Clause
/*
 * Pure parts of delta FOTA (docs/protocols.md, AT): the vendor error table, the
 * UFS space margin and revision matching (FOTA paths: the device table).
 * No I/O. The URC and reply parsers are in wire/fota_msg.c.
 */
#include "ops/fota/fota.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The DFOTA error table (EP06/EG06/EM06 DFOTA guide, docs/protocols.md, AT). */
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

uint64_t fota_space_needed(uint64_t size)
{
	/* room for the file system's own blocks: 1 % and at least 64 KiB */
	uint64_t margin = size / 100;

	if (margin < 64 * 1024)
		margin = 64 * 1024;
	return size + margin;
}
