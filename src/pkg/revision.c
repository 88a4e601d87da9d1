// SPDX-License-Identifier: BSD-3-Clause
#include <string.h>
#include <strings.h>

#include "pkg/revision.h"

/* "BG95M3LAR02A03_01.009.01.009" -> "01.009.01.009" (or the whole string). */
static const char *rev_suffix(const char *qgmr)
{
	const char *u = strrchr(qgmr, '_');

	return u ? u + 1 : qgmr;
}

bool pkg_rev_matches(const char *qgmr, const char *rev)
{
	const char *suf;
	size_t n;

	if (!qgmr || !rev || !*rev || !*qgmr)
		return false;
	if (!strcasecmp(qgmr, rev))
		return true;
	suf = rev_suffix(qgmr);
	if (!strcasecmp(suf, rev))
		return true;
	/* "01.009" names the first half of "01.009.01.009" */
	n = strlen(rev);
	return !strncasecmp(suf, rev, n) && suf[n] == '.';
}
