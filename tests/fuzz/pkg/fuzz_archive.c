// SPDX-License-Identifier: BSD-3-Clause
/*
 * The archive extractor on arbitrary bytes: the input goes to a memfd,
 * is extracted into a fresh parent directory with small bounds, and the
 * parent must be empty again afterwards (nothing left, nothing outside the
 * private temp dir; a leftover aborts so libFuzzer keeps the input).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pkg/pkg.h"
#include "pkg/pkgint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void assert_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		abort();
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			abort();
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pkg_limits lim = { 16u << 20, 256, NULL };
	struct mf_err err = { 0 };
	char parent[] = "/tmp/mf-fuzz-archive-XXXXXX", path[64], *out = NULL;
	int fd = memfd_create("fuzz-archive", MFD_CLOEXEC);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	if (!mkdtemp(parent))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (pkg_extract_limited(path, parent, &lim, &out, NULL, &err) == 0) {
		if (!out || strncmp(out, parent, strlen(parent)))
			abort();
		pkg_rmtree(out);
		free(out);
	} else if (out || err.status == MF_OK) {
		abort();
	}
	assert_empty(parent);
	rmdir(parent);
	close(fd);
	return 0;
}
