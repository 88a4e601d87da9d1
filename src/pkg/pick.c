// SPDX-License-Identifier: BSD-3-Clause
/*
 * Deterministic choice of the programmer and the XML files: directory
 * entries sorted, patterns in priority, the reason recorded when several
 * files fit (QFirehose takes the first readdir entry, which differs between
 * machines).
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkg/pick.h"

static const char *const prog_patterns[] = {
	"prog_nand_firehose_*.mbn",
	"prog_emmc_firehose_*.mbn",
	"prog_firehose_*.mbn",
	"prog_firehose_*.elf",
	"prog_firehose_nand_*.elf",
	"firehose-prog*.mbn",
	"prog_*.mbn",
	"xbl_s_devprg_ns_*.melf",
};

static int only_files(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int pick_list(const char *dir, struct pick_dir *pd)
{
	struct dirent **ents;
	int n, i;

	memset(pd, 0, sizeof(*pd));
	n = scandir(dir, &ents, only_files, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		if (pd->n < PICK_MAX)
			pd->names[pd->n++] = strdup(ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return 0;
}

void pick_free(struct pick_dir *pd)
{
	size_t i;

	for (i = 0; i < pd->n; i++)
		free(pd->names[i]);
	pd->n = 0;
}

/* First sorted name matching pat; *count = how many match. */
static const char *first_match(const struct pick_dir *pd, const char *pat,
			       bool (*keep)(const char *), size_t *count)
{
	const char *first = NULL;
	size_t i;

	*count = 0;
	for (i = 0; i < pd->n; i++) {
		if (fnmatch(pat, pd->names[i], 0) ||
		    (keep && !keep(pd->names[i])))
			continue;
		if (!first)
			first = pd->names[i];
		(*count)++;
	}
	return first;
}

const char *pick_programmer(const struct pick_dir *pd, char *why, size_t cap)
{
	const char *f;
	size_t i, count;

	why[0] = 0;
	for (i = 0; i < sizeof(prog_patterns) / sizeof(prog_patterns[0]); i++) {
		f = first_match(pd, prog_patterns[i], NULL, &count);
		if (!f)
			continue;
		if (count > 1)
			snprintf(why, cap,
				 "%zu files match %s; took %s, the first in "
				 "sorted order",
				 count, prog_patterns[i], f);
		return f;
	}
	return NULL;
}

static bool is_factory(const char *n)
{
	return strstr(n, "_factory") != NULL;
}

static bool is_update(const char *n)
{
	return strstr(n, "_update") != NULL;
}

static bool is_plain(const char *n)
{
	return !is_factory(n) && !is_update(n) && !strstr(n, "secboot");
}

static const char *first_of(const struct pick_dir *pd,
			    bool (*keep)(const char *), char *why, size_t cap)
{
	static const char *const pats[] = { "rawprogram*.xml",
					    "firehose-rawprogram*.xml" };
	const char *f;
	size_t i, count;

	for (i = 0; i < 2; i++) {
		f = first_match(pd, pats[i], keep, &count);
		if (f && count > 1)
			snprintf(why, cap,
				 "%zu rawprogram files of this kind; took %s, "
				 "the first in sorted order",
				 count, f);
		if (f)
			return f;
	}
	return NULL;
}

int pick_rawprogram(const struct pick_dir *pd, bool factory, const char **out,
		    char *why, size_t cap)
{
	size_t count;

	why[0] = 0;
	if (factory) {
		*out = first_of(pd, is_factory, why, cap);
		return *out ? 0 : -ENOENT;
	}
	*out = first_of(pd, is_update, why, cap);
	if (!*out)
		*out = first_of(pd, is_plain, why, cap);
	if (*out)
		return 0;
	/* only a _factory file: never taken unless asked */
	return first_match(pd, "*rawprogram*_factory*.xml", NULL, &count)
		       ? -EACCES
		       : -ENOENT;
}

const char *pick_patch(const struct pick_dir *pd, const char *geometry)
{
	char pat[64];
	size_t count;
	const char *f = NULL;

	if (geometry && geometry[0]) {
		snprintf(pat, sizeof(pat), "patch*%s*.xml", geometry);
		f = first_match(pd, pat, NULL, &count);
	}
	if (!f)
		f = first_match(pd, "patch*.xml", NULL, &count);
	return f;
}

const char *pick_mibib(const struct pick_dir *pd, const char *geometry)
{
	char pat[64];
	size_t count;
	const char *f = NULL;

	if (geometry && geometry[0]) {
		snprintf(pat, sizeof(pat), "*partition_complete_%s*.mbn",
			 geometry);
		f = first_match(pd, pat, NULL, &count);
	}
	if (!f)
		f = first_match(pd, "*partition_complete*.mbn", NULL, &count);
	return f;
}
