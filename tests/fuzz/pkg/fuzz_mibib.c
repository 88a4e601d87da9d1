// SPDX-License-Identifier: BSD-3-Clause
/* MIBIB image, user partition table and simulator image header readers. */
#include <stdint.h>

#include "pkg/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkg_mibib m;
	struct pkg_simimg s;

	if (pkg_mibib_parse(data, size, 2048, &m, NULL) == 0)
		pkg_mibib_find(&m, 100);
	pkg_mibib_parse(data, size, 4096, &m, NULL);
	pkg_mibib_parse(data, size, 512, &m, NULL);
	pkg_usertable_parse(data, size, &m, NULL);
	pkg_simimg_parse(data, size, &s);
	return 0;
}
