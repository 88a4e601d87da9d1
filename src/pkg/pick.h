/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PKG_PICK_H
#define MF_PKG_PICK_H

#include <stdbool.h>
#include <stddef.h>

/* Sorted listing of one directory (internal to src/pkg). */
#define PICK_MAX 512

struct pick_dir {
	char *names[PICK_MAX];
	size_t n;
};

int pick_list(const char *dir, struct pick_dir *pd);
void pick_free(struct pick_dir *pd);
/* NULL when none; why gets the reason when several fit. */
const char *pick_programmer(const struct pick_dir *pd, char *why, size_t cap);
/* 0, -ENOENT none, -EACCES only a _factory file and factory not asked */
int pick_rawprogram(const struct pick_dir *pd, bool factory, const char **out,
		    char *why, size_t cap);
const char *pick_patch(const struct pick_dir *pd, const char *geometry);
const char *pick_mibib(const struct pick_dir *pd, const char *geometry);

#endif
