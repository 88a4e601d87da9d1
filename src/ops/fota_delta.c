// SPDX-License-Identifier: BSD-3-Clause
/*
 * The header tools/mkdelta puts in front of a delta (sim/delta.h): which
 * revision it applies to and which it produces.
 *
 *   0    8   magic "MFDELTA1"
 *   8    16  profile name, NUL padded
 *   24   64  from revision, NUL padded
 *   88   64  to revision, NUL padded
 *   152  8   payload length, little-endian
 *   160  N   payload, then 32 bytes SHA-256 of everything before
 *
 * Anything else is a delta of another origin (the vendor's): not ours to
 * judge, the module does. Untrusted input: lengths and characters checked.
 */
#include "ops/fota/fota.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "base/bytes.h"

#define DELTA_MAGIC	  "MFDELTA1"
#define DELTA_OFF_PROFILE 8
#define DELTA_OFF_FROM	  24
#define DELTA_OFF_TO	  88
#define DELTA_OFF_LEN	  152
#define DELTA_HDR	  160
#define DELTA_NAME	  16
#define DELTA_REV	  64
#define DELTA_SHA	  32

/* A NUL-padded text field: printable revision characters, then only NULs. */
static int field(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t len = 0;

	while (len < n && p[len])
		len++;
	if (!len || len >= cap)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++)
		if (!isalnum(p[i]) && !strchr("._-", p[i]))
			return -EBADMSG;
	for (size_t i = len; i < n; i++)
		if (p[i])
			return -EBADMSG;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

int fota_delta_parse(const uint8_t *buf, size_t len, uint64_t file_size,
		     struct fota_delta_info *info)
{
	char profile[DELTA_NAME + 1];
	uint64_t plen;

	memset(info, 0, sizeof(*info));
	if (len < sizeof(DELTA_MAGIC) - 1 ||
	    memcmp(buf, DELTA_MAGIC, sizeof(DELTA_MAGIC) - 1))
		return 0;
	if (len < DELTA_HDR || file_size < DELTA_HDR + DELTA_SHA)
		return -EBADMSG;
	if (field(buf + DELTA_OFF_PROFILE, DELTA_NAME, profile,
		  sizeof(profile)) ||
	    field(buf + DELTA_OFF_FROM, DELTA_REV, info->from,
		  sizeof(info->from)) ||
	    field(buf + DELTA_OFF_TO, DELTA_REV, info->to, sizeof(info->to)))
		return -EBADMSG;
	plen = get_le64(buf + DELTA_OFF_LEN);
	/* the declared payload must be exactly what the file holds */
	if (plen != file_size - DELTA_HDR - DELTA_SHA)
		return -EBADMSG;
	info->payload_len = plen;
	info->known = true;
	return 0;
}
