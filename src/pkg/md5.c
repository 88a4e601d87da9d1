// SPDX-License-Identifier: BSD-3-Clause
/*
 * md5.txt (Quectel: VERSION:1.0, FILE:START, FILE:\update\x:HEX, FILE:END)
 * and quectel.md5 (md5sum: "hex  path"). Untrusted text: bounded lines
 * and entries, hex checked.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pkg/pkg.h"

#define MAX_MD5_ENTRIES 1024
#define MAX_LINE	1024

static int is_hex32(const char *s, size_t n)
{
	size_t i;

	if (n != 32)
		return 0;
	for (i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int add(struct pkg_md5 *m, const char *name, size_t nlen,
	       const char *hex)
{
	struct pkg_md5_entry *e;
	size_t i;

	if (m->n >= MAX_MD5_ENTRIES || !nlen)
		return -E2BIG;
	if (!m->entries) {
		m->entries = calloc(MAX_MD5_ENTRIES, sizeof(*m->entries));
		if (!m->entries)
			return -ENOMEM;
	}
	e = &m->entries[m->n];
	e->name = strndup(name, nlen);
	if (!e->name)
		return -ENOMEM;
	for (i = 0; i < 32; i++)
		e->hex[i] = (char)tolower((unsigned char)hex[i]);
	e->hex[32] = 0;
	m->n++;
	return 0;
}

static int parse_line(struct pkg_md5 *m, const char *l, size_t n)
{
	const char *colon;

	while (n && (l[n - 1] == '\r' || l[n - 1] == ' '))
		n--;
	if (!n || (n >= 8 && !strncmp(l, "VERSION:", 8)) ||
	    (n == 10 && !strncmp(l, "FILE:START", 10)) ||
	    (n == 8 && !strncmp(l, "FILE:END", 8)))
		return 0;
	if (n > 5 && !strncmp(l, "FILE:", 5)) {
		colon = memrchr(l, ':', n);
		if (colon - l <= 5 ||
		    !is_hex32(colon + 1, n - (size_t)(colon + 1 - l)))
			return -EINVAL;
		return add(m, l + 5, (size_t)(colon - l - 5), colon + 1);
	}
	/* md5sum: 32 hex, two spaces (or " *"), name */
	if (n > 34 && is_hex32(l, 32) && l[32] == ' ' &&
	    (l[33] == ' ' || l[33] == '*'))
		return add(m, l + 34, n - 34, l);
	return -EINVAL;
}

int pkg_md5_parse(const char *text, size_t len, struct pkg_md5 *md5,
		  struct mf_err *err)
{
	size_t off = 0, n;
	const char *nl;
	unsigned line = 0;
	int rc;

	/* a UTF-8 BOM is harmless */
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		off = 3;
	while (off < len) {
		line++;
		nl = memchr(text + off, '\n', len - off);
		n = nl ? (size_t)(nl - (text + off)) : len - off;
		if (n > MAX_LINE)
			return mf_err_set(err, MF_BAD_PACKAGE, -EINVAL,
					  "md5 list line %u too long", line);
		rc = parse_line(md5, text + off, n);
		if (rc)
			return mf_err_set(err, MF_BAD_PACKAGE, rc,
					  "md5 list line %u unreadable", line);
		off += n + 1;
	}
	return 0;
}

void pkg_md5_free(struct pkg_md5 *md5)
{
	size_t i;

	for (i = 0; i < md5->n; i++) {
		free(md5->entries[i].name);
		free(md5->entries[i].path);
	}
	free(md5->entries);
	free(md5->file);
	memset(md5, 0, sizeof(*md5));
}
