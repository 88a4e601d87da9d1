// SPDX-License-Identifier: BSD-3-Clause
/*
 * File names from a package (XML filename=, md5 entries) are untrusted:
 * every one is resolved lexically and then with realpath, and must stay
 * inside the package root, with no symlink leading out.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pkg/pkg.h"

/* Collapse "." and ".." of an absolute path in place; -EPERM above "/". */
static int normalize(char *p)
{
	char *out, *s, *seg;
	size_t n;

#ifdef _WIN32
	/* "C:/pkg/..." (from realpath): the drive stays, the rest as below */
	if (p[0] && p[1] == ':')
		p += 2;
#endif
	out = s = p;
	while (*s) {
		while (*s == '/')
			s++;
		seg = s;
		while (*s && *s != '/')
			s++;
		n = (size_t)(s - seg);
		if (!n || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (out == p)
				return -EPERM;
			while (out > p && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	if (out == p)
		*out++ = '/';
	*out = 0;
	return 0;
}

static bool under(const char *path, const char *root)
{
	size_t n = strlen(root);

	return strncmp(path, root, n) == 0 && (path[n] == '/' || !path[n]);
}

int pkg_resolve(const char *root, const char *base, const char *rel, char **out)
{
	char *p, real[PATH_MAX];
	struct stat st;
	size_t i;

	*out = NULL;
	if (!rel[0] || rel[0] == '/' || rel[0] == '\\' ||
	    (rel[0] && rel[1] == ':'))
		return -EPERM;
	if (asprintf(&p, "%s/%s", base, rel) < 0)
		return -ENOMEM;
	for (i = 0; p[i]; i++)
		if (p[i] == '\\')
			p[i] = '/';
	if (normalize(p) || !under(p, root)) {
		free(p);
		return -EPERM;
	}
	*out = p;
	if (!realpath(p, real))
		return lstat(p, &st) == 0 || errno != ENOENT ? -EPERM : -ENOENT;
	if (!under(real, root) || stat(real, &st) || !S_ISREG(st.st_mode))
		return -EPERM;
	return 0;
}
