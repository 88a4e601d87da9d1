// SPDX-License-Identifier: BSD-3-Clause
/*
 * Numbers and expressions of Qualcomm rawprogram/patch files:
 * "640", "640.", "0x280", "NUM_DISK_SECTORS-5.", "NUM_DISK_BLOCKS-1458.",
 * "CRC32(0,4096)". A trailing '.' marks decimal (ptool's convention).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pkg/xml.h"

#define MAX_NUM (1ULL << 48) /* no sector or byte count goes near this */

/* Parse a number at *p, advance; '.' suffix eaten. */
static int parse_num(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int base = 10, d, n = 0;

	while (*s == ' ')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++, n++) {
		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			break;
		v = v * (uint64_t)base + (uint64_t)d;
		if (v > MAX_NUM)
			return -ERANGE;
	}
	if (!n)
		return -EINVAL;
	if (*s == '.' && base == 10)
		s++;
	while (*s == ' ')
		s++;
	*out = v;
	*p = s;
	return 0;
}

static int parse_minus(const char *p, const char *name, struct pkg_value *v,
		       enum pkg_vkind kind)
{
	size_t n = strlen(name);

	if (strncmp(p, name, n))
		return -ENOENT;
	p += n;
	while (*p == ' ')
		p++;
	v->kind = kind;
	v->num = 0;
	if (!*p)
		return 0;
	if (*p++ != '-')
		return -EINVAL;
	if (parse_num(&p, &v->num))
		return -EINVAL;
	return *p ? -EINVAL : 0;
}

int pkg_value_parse(const char *s, struct pkg_value *v)
{
	const char *p = s;
	int rc;

	memset(v, 0, sizeof(*v));
	if (strlen(s) >= sizeof(v->text))
		return -EINVAL;
	strcpy(v->text, s);
	while (*p == ' ')
		p++;
	rc = parse_minus(p, "NUM_DISK_SECTORS", v, PKG_V_DISK_SECTORS);
	if (rc != -ENOENT)
		return rc;
	rc = parse_minus(p, "NUM_DISK_BLOCKS", v, PKG_V_DISK_BLOCKS);
	if (rc != -ENOENT)
		return rc;
	if (strncmp(p, "CRC32(", 6) == 0) {
		p += 6;
		v->kind = PKG_V_CRC32;
		if (parse_num(&p, &v->num) || *p++ != ',' ||
		    parse_num(&p, &v->len) || *p++ != ')' || *p)
			return -EINVAL;
		return 0;
	}
	v->kind = PKG_V_NUM;
	if (parse_num(&p, &v->num) || *p)
		return -EINVAL;
	return 0;
}

uint32_t pkg_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	size_t i;
	int k;

	crc = ~crc;
	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

int pkg_value_resolve(const struct pkg_value *v, uint64_t disk_sectors,
		      uint32_t pages_per_block, const uint8_t *data,
		      size_t datalen, uint64_t *out)
{
	uint64_t total;

	switch (v->kind) {
	case PKG_V_NUM:
		*out = v->num;
		return 0;
	case PKG_V_DISK_SECTORS:
	case PKG_V_DISK_BLOCKS:
		if (!disk_sectors)
			return -EINVAL;
		total = disk_sectors;
		if (v->kind == PKG_V_DISK_BLOCKS) {
			if (!pages_per_block)
				return -EINVAL;
			total /= pages_per_block;
		}
		if (v->num > total)
			return -ERANGE;
		*out = total - v->num;
		return 0;
	case PKG_V_CRC32:
		if (!data)
			return -EINVAL;
		if (v->num > datalen || v->len > datalen - v->num)
			return -ERANGE;
		*out = pkg_crc32(0, data + v->num, (size_t)v->len);
		return 0;
	}
	return -EINVAL;
}

int pkg_geometry_from_name(const char *name, struct pkg_geometry *g)
{
	const char *p;
	unsigned pk, bk;
	int n = 0;

	memset(g, 0, sizeof(*g));
	for (p = name; (p = strstr(p, "_p")); p++) {
		if (sscanf(p, "_p%uK_b%uK%n", &pk, &bk, &n) == 2 && n > 0 &&
		    pk && bk && pk <= 64 && bk <= 4096 && bk % pk == 0) {
			g->page_size = pk * 1024;
			g->block_size = bk * 1024;
			g->pages_per_block = bk / pk;
			snprintf(g->name, sizeof(g->name), "p%uK_b%uK", pk, bk);
			return 0;
		}
	}
	return -ENOENT;
}
