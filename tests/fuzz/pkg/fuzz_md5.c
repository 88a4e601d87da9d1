// SPDX-License-Identifier: BSD-3-Clause
/* md5.txt / quectel.md5 reader on arbitrary bytes. */
#include <stdint.h>

#include "pkg/pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkg_md5 m = { 0 };

	pkg_md5_parse((const char *)data, size, &m, NULL);
	pkg_md5_free(&m);
	return 0;
}
