/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_DISCOVER_JOIN_H
#define MF_DISCOVER_JOIN_H

#include <errno.h>
#include <stdio.h>

/* "a/b" into out; -ENAMETOOLONG rather than a silently cut path. */
static inline int mf_join(char *out, size_t cap, const char *a, const char *b)
{
	int n = snprintf(out, cap, "%s/%s", a, b);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

#endif
