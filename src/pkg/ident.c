// SPDX-License-Identifier: BSD-3-Clause
/*
 * Revision names and chips. Names come from package folders, archives and
 * AT+QGMR answers: untrusted, so parsing is strict and bounded.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "devices/devices.h"
#include "pkg/ident.h"

bool pkg_model_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == '-' || *a == ' ')
			a++;
		while (*b == '-' || *b == ' ')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (toupper((unsigned char)*a) != toupper((unsigned char)*b))
			return false;
		a++;
		b++;
	}
}

const char *pkg_variant_name(enum pkg_variant v)
{
	return v == PKG_VARIANT_QUECOPEN ? "QuecOpen" : "standard";
}

/* The revision prefixes of the device table, longest match. A name whose
 * model is not there falls back to "letters and digits up to the first
 * digit run's end" (EC25, BG96). */
static size_t model_len(const char *s)
{
	size_t n = dev_rev_prefix_len(s);

	if (n)
		return n;
	/* fallback: letters, then digits, then a trailing model letter */
	for (n = 0; isupper((unsigned char)s[n]); n++)
		;
	if (n < 2 || !isdigit((unsigned char)s[n]))
		return 0;
	while (isdigit((unsigned char)s[n]))
		n++;
	return n;
}

/* Two decimal digits after letter c at *p. */
static int two_digits(const char **p, char c, unsigned *out)
{
	const char *s = *p;

	if (s[0] != c || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[2]))
		return -EINVAL;
	*out = (unsigned)((s[1] - '0') * 10 + (s[2] - '0'));
	*p = s + 3;
	return 0;
}

/* ".bbb" groups: "01.014.01.014" or "30.006" */
static int parse_version(const char *s, struct pkg_ident *id, const char **end)
{
	unsigned n = 0, v;
	const char *p = s;

	while (n < 4) {
		if (!isdigit((unsigned char)*p) &&
		    !(n == 0 && isupper((unsigned char)*p)))
			break;
		v = 0;
		/* hex-ish lines such as A0.301: letters count as digits 10+ */
		while (isalnum((unsigned char)*p) && p - s < 20) {
			v = v * 36 +
			    (unsigned)(isdigit((unsigned char)*p)
					       ? *p - '0'
					       : toupper((unsigned char)*p) -
							 'A' + 10);
			p++;
		}
		id->ver[n++] = v;
		if (*p != '.')
			break;
		p++;
	}
	if (n != 2 && n != 4 && n != 3)
		return -EINVAL;
	if ((size_t)(p - s) >= sizeof(id->version))
		return -EINVAL;
	memcpy(id->version, s, (size_t)(p - s));
	id->version[p - s] = 0;
	id->nver = n;
	*end = p;
	return 0;
}

/* After the baseline: [_OCPU][_BETA...][_version][_OCPU|_QuecOpen...] */
static int parse_tail(const char **pp, struct pkg_ident *id)
{
	const char *p = *pp, *q;

	while (*p == '_' || *p == '-') {
		q = p++;
		if (strncasecmp(p, "OCPU", 4) == 0) {
			id->variant = PKG_VARIANT_QUECOPEN;
			p += 4;
		} else if (strncasecmp(p, "QUECOPEN", 8) == 0 ||
			   strncasecmp(p, "OPENSDK", 7) == 0) {
			id->variant = PKG_VARIANT_QUECOPEN;
			p += p[4] == 'O' || p[4] == 'o' ? 8 : 7;
		} else if (strncmp(p, "BETA", 4) == 0) {
			size_t n = 0;

			p += 4;
			if (*p == '_')
				p++;
			while (isalnum((unsigned char)p[n]) &&
			       n < sizeof(id->beta_tag) - 1)
				n++;
			memcpy(id->beta_tag, p, n);
			id->beta_tag[n] = 0;
			id->beta = true;
			p += n;
		} else if (id->nver == 0 && isdigit((unsigned char)*p)) {
			if (parse_version(p, id, &p))
				return -EINVAL;
		} else if (id->nver == 0 && isupper((unsigned char)p[0]) &&
			   isdigit((unsigned char)p[1]) && p[2] == '.') {
			if (parse_version(p, id, &p))
				return -EINVAL;
		} else {
			p = q; /* trailing words ("factory", "update") */
			break;
		}
	}
	*pp = p;
	return 0;
}

int pkg_ident_parse(const char *s, struct pkg_ident *id)
{
	const char *p = s, *r;
	size_t mlen, vlen, blen;

	memset(id, 0, sizeof(*id));
	if (strlen(s) >= sizeof(id->revision))
		return -EINVAL;
	mlen = model_len(s);
	if (!mlen || mlen >= sizeof(id->model))
		return -EINVAL;
	/* the variant letters run up to "R<dd>A<dd>" */
	for (r = s + mlen; *r && isupper((unsigned char)*r); r++)
		if (*r == 'R' && isdigit((unsigned char)r[1]) &&
		    isdigit((unsigned char)r[2]) && r[3] == 'A')
			break;
	if (*r != 'R')
		return -EINVAL;
	vlen = (size_t)(r - (s + mlen));
	if (vlen >= sizeof(id->vcode))
		return -EINVAL;
	memcpy(id->model, s, mlen);
	memcpy(id->vcode, s + mlen, vlen);
	p = r;
	if (two_digits(&p, 'R', &id->hw) || two_digits(&p, 'A', &id->rel))
		return -EINVAL;
	/* EM20GRAR01A04V01M4G: an optional V<dd> before the flash field */
	if (p[0] == 'V' && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]))
		p += 3;
	if (p[0] == 'M' && isdigit((unsigned char)p[1]) && p[2] == 'G') {
		id->flash_gbit = (unsigned)(p[1] - '0');
		p += 3;
	} else if (p[0] == 'E' && isdigit((unsigned char)p[1]) && p[2] == 'G') {
		p += 3; /* old EC20 "E2G" */
	}
	if (*p && *p != '_' && *p != '-')
		return -EINVAL;
	blen = (size_t)(p - s);
	memcpy(id->baseline, s, blen);
	/* line: baseline with the release digits blanked (R06A17 ~ R06Axx) */
	memcpy(id->line, s, blen);
	id->line[r - s + 4] = 'x';
	id->line[r - s + 5] = 'x';
	if (parse_tail(&p, id))
		return -EINVAL;
	memcpy(id->revision, s, (size_t)(p - s));
	id->revision[p - s] = 0;
	return 0;
}

int pkg_ident_find(const char *name, struct pkg_ident *id)
{
	const char *p = name;

	while (p && *p) {
		if (isupper((unsigned char)*p) && pkg_ident_parse(p, id) == 0)
			return 0;
		p = strpbrk(p, "_-/");
		if (p)
			p++;
	}
	return -EINVAL;
}

static int cmp_u(unsigned a, unsigned b)
{
	return a < b ? -1 : a > b;
}

int pkg_ident_cmp(const struct pkg_ident *a, const struct pkg_ident *b)
{
	unsigned i;
	int c;

	if ((c = cmp_u(a->hw, b->hw)) || (c = cmp_u(a->rel, b->rel)))
		return c;
	for (i = 0; i < 4; i++)
		if ((c = cmp_u(i < a->nver ? a->ver[i] : 0,
			       i < b->nver ? b->ver[i] : 0)))
			return c;
	/* a beta comes before the release it leads to */
	if (a->beta != b->beta)
		return a->beta ? -1 : 1;
	c = strcmp(a->beta_tag, b->beta_tag);
	return c < 0 ? -1 : c > 0;
}
