// SPDX-License-Identifier: BSD-3-Clause
/* Programmer ELF/MBN reader (headers, hash segment, certificate chain). */
#include <stdint.h>

#include "pkg/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkg_prog p;
	static const uint8_t pk[48];

	if (pkg_prog_parse(data, size, &p, NULL) == 0)
		pkg_prog_root_matches(&p, pk, 48);
	return 0;
}
