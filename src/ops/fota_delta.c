// SPDX-License-Identifier: BSD-3-Clause
/*
 * The header tools/mkdelta puts in front of a delta: which revision it
 * applies to and which it produces. Text lines after a magic line:
 *
 *   MFDELTA1\n from=<rev>\n to=<rev>\n [other key=value lines]\n \n <payload>
 *
 * Anything else is a delta of another origin (the vendor's): not ours to
 * judge. Untrusted input: lengths and characters are checked.
 */
#include "ops/fota.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char delta_magic[] = "MFDELTA1\n";

static bool rev_ok(const char *s, size_t n)
{
	if (!n || n >= FOTA_REV_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

/* One "key=value" line at p (n bytes, no LF). */
static int header_line(const char *p, size_t n, struct fota_delta_info *info)
{
	const char *eq = memchr(p, '=', n);
	size_t klen, vlen;
	char *dst;

	if (!eq)
		return -EBADMSG;
	klen = (size_t)(eq - p);
	vlen = n - klen - 1;
	if (klen == 4 && !memcmp(p, "from", 4))
		dst = info->from;
	else if (klen == 2 && !memcmp(p, "to", 2))
		dst = info->to;
	else
		return 0;	/* keys we do not need (profile, size) */
	if (!rev_ok(eq + 1, vlen))
		return -EBADMSG;
	memcpy(dst, eq + 1, vlen);
	dst[vlen] = '\0';
	return 0;
}

int fota_delta_parse(const uint8_t *buf, size_t len, uint64_t file_size,
		     struct fota_delta_info *info)
{
	const char *p = (const char *)buf, *end = p + len;
	size_t mlen = sizeof(delta_magic) - 1;

	memset(info, 0, sizeof(*info));
	if (len < mlen || memcmp(buf, delta_magic, mlen))
		return 0;
	p += mlen;
	for (;;) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));

		if (!lf)
			return -EBADMSG;	/* header longer than we read */
		if (lf == p)
			break;
		if (header_line(p, (size_t)(lf - p), info) < 0)
			return -EBADMSG;
		p = lf + 1;
	}
	p++;
	if (!info->from[0] || !info->to[0] || (uint64_t)(p - (const char *)buf) > file_size)
		return -EBADMSG;
	info->payload_len = file_size - (uint64_t)(p - (const char *)buf);
	info->known = true;
	return 0;
}
