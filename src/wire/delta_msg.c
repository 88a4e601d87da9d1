// SPDX-License-Identifier: BSD-3-Clause
/*
 * The modemflash delta header (format in delta_msg.h): one codec for the
 * host (ops/fota), the simulated module and tools/mkdelta.
 */
#include "wire/delta_msg.h"

#include <errno.h>
#include <string.h>

#include "base/bytes.h"

static bool field_char(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c == '.' || c == '_' || c == '-';
}

/* A NUL-padded text field: plain characters, then only NULs. */
static int field_get(const uint8_t *p, size_t n, char *out)
{
	size_t len = 0;

	while (len < n && p[len])
		len++;
	if (!len)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++)
		if (!field_char(p[i]))
			return -EBADMSG;
	for (size_t i = len; i < n; i++)
		if (p[i])
			return -EBADMSG;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

static int field_put(uint8_t *p, size_t n, const char *s)
{
	size_t len = strlen(s);

	if (!len || len > n)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!field_char((uint8_t)s[i]))
			return -EINVAL;
	memset(p, 0, n);
	memcpy(p, s, len);
	return 0;
}

int delta_msg_frame(const uint8_t *buf, size_t len, uint64_t file_size,
		    uint64_t *payload_len)
{
	uint64_t plen;

	if (len < DELTA_MSG_MAGIC_LEN ||
	    memcmp(buf, DELTA_MSG_MAGIC, DELTA_MSG_MAGIC_LEN))
		return 0;
	if (len < DELTA_MSG_HDR || file_size < DELTA_MSG_HDR + DELTA_MSG_SHA)
		return -EBADMSG;
	plen = get_le64(buf + DELTA_MSG_OFF_LEN);
	/* the declared payload must be exactly what the file holds */
	if (plen != file_size - DELTA_MSG_HDR - DELTA_MSG_SHA)
		return -EBADMSG;
	*payload_len = plen;
	return 1;
}

int delta_msg_parse(const uint8_t *buf, size_t len, uint64_t file_size,
		    struct delta_msg_header *h)
{
	uint64_t plen;
	int rc;

	memset(h, 0, sizeof(*h));
	rc = delta_msg_frame(buf, len, file_size, &plen);
	if (rc <= 0)
		return rc;
	if (field_get(buf + DELTA_MSG_OFF_PROFILE, DELTA_MSG_NAME,
		      h->profile) ||
	    field_get(buf + DELTA_MSG_OFF_FROM, DELTA_MSG_REV, h->from) ||
	    field_get(buf + DELTA_MSG_OFF_TO, DELTA_MSG_REV, h->to)) {
		memset(h, 0, sizeof(*h));
		return -EBADMSG;
	}
	h->payload_len = plen;
	h->known = true;
	return 0;
}

int delta_msg_build(const struct delta_msg_header *h, uint8_t *out, size_t cap)
{
	if (cap < DELTA_MSG_HDR)
		return -ENOSPC;
	memset(out, 0, DELTA_MSG_HDR);
	memcpy(out, DELTA_MSG_MAGIC, DELTA_MSG_MAGIC_LEN);
	if (field_put(out + DELTA_MSG_OFF_PROFILE, DELTA_MSG_NAME,
		      h->profile) ||
	    field_put(out + DELTA_MSG_OFF_FROM, DELTA_MSG_REV, h->from) ||
	    field_put(out + DELTA_MSG_OFF_TO, DELTA_MSG_REV, h->to))
		return -EINVAL;
	put_le64(out + DELTA_MSG_OFF_LEN, h->payload_len);
	return DELTA_MSG_HDR;
}
