// SPDX-License-Identifier: BSD-3-Clause
/*
 * NAND partition tables: the MIBIB image (partition_complete_*.mbn) and the
 * user table (partition.mbn). Layout from our decoding of the real EG25-G
 * files (docs/field-data.md, packages): little-endian u32 magics, version,
 * count, then 28-byte entries name[16] start length attr[4].
 */
#include <errno.h>
#include <string.h>

#include "base/bytes.h"
#include "pkg/image.h"

#define ENTRY 28u

static int read_table(const uint8_t *t, size_t avail, struct pkg_mibib *m,
		      struct mf_err *err)
{
	uint32_t n = get_le32(t + 12), i;
	const uint8_t *e;

	m->version = get_le32(t + 8);
	if (n > PKG_MIBIB_MAX_PARTS || 16 + (size_t)n * ENTRY > avail)
		return mf_err_set(err, MF_BAD_PACKAGE, -EBADMSG,
				  "partition table claims %u entries", n);
	for (i = 0; i < n; i++) {
		e = t + 16 + i * ENTRY;
		memcpy(m->parts[i].name, e, 16);
		m->parts[i].name[16] = 0;
		m->parts[i].start = get_le32(e + 16);
		m->parts[i].length = get_le32(e + 20);
		memcpy(m->parts[i].attr, e + 24, 4);
	}
	m->n = n;
	return 0;
}

int pkg_mibib_parse(const uint8_t *buf, size_t len, uint32_t page_size,
		    struct pkg_mibib *m, struct mf_err *err)
{
	const uint8_t *t;

	memset(m, 0, sizeof(*m));
	if (page_size < 512 || page_size > 65536 || len < 2 * (size_t)page_size)
		return mf_err_set(err, MF_BAD_PACKAGE, -EBADMSG,
				  "MIBIB image too short for %u-byte pages",
				  page_size);
	if (get_le32(buf) != PKG_MIBIB_MAGIC1 ||
	    get_le32(buf + 4) != PKG_MIBIB_MAGIC2)
		return mf_err_set(err, MF_BAD_PACKAGE, -EBADMSG,
				  "MIBIB image without its header magic");
	m->age = get_le32(buf + 12);
	t = buf + page_size;
	if (get_le32(t) != PKG_PTABLE_MAGIC1 ||
	    get_le32(t + 4) != PKG_PTABLE_MAGIC2)
		return mf_err_set(
			err, MF_BAD_PACKAGE, -EBADMSG,
			"MIBIB image without a partition table in page 1");
	if (read_table(t, page_size, m, err))
		return -EBADMSG;
	if (len >= 4 * (size_t)page_size) {
		t = buf + 3 * (size_t)page_size;
		if (get_le32(t) == PKG_TRAILER_MAGIC1 &&
		    get_le32(t + 4) == PKG_TRAILER_MAGIC2) {
			m->has_trailer = true;
			m->crc = get_le32(t + 12);
		}
	}
	return 0;
}

int pkg_usertable_parse(const uint8_t *buf, size_t len, struct pkg_mibib *m,
			struct mf_err *err)
{
	memset(m, 0, sizeof(*m));
	m->user_table = true;
	if (len < 16 || get_le32(buf) != PKG_USER_MAGIC1 ||
	    get_le32(buf + 4) != PKG_USER_MAGIC2)
		return mf_err_set(err, MF_BAD_PACKAGE, -EBADMSG,
				  "partition.mbn without the user table magic");
	return read_table(buf, len, m, err) ? -EBADMSG : 0;
}

const struct pkg_mibib_part *pkg_mibib_find(const struct pkg_mibib *m,
					    uint32_t block)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (block >= m->parts[i].start &&
		    block - m->parts[i].start < m->parts[i].length)
			return &m->parts[i];
	return NULL;
}

static void copy_str(char *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && src[i] >= 0x20 && src[i] < 0x7f; i++)
		dst[i] = (char)src[i];
	dst[i] = 0;
}

int pkg_simimg_parse(const uint8_t *buf, size_t len, struct pkg_simimg *s)
{
	memset(s, 0, sizeof(*s));
	if (len < 160 || memcmp(buf, "MFSIMIMG", 8) || get_le32(buf + 8) != 160)
		return -EBADMSG;
	s->kind = get_le32(buf + 12);
	s->msm_id = get_le32(buf + 16);
	copy_str(s->chip, buf + 24, 16);
	copy_str(s->variant, buf + 40, 16);
	copy_str(s->revision, buf + 56, 64);
	return 0;
}
