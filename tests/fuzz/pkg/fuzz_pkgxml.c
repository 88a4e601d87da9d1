// SPDX-License-Identifier: BSD-3-Clause
/* rawprogram, patch and contents.xml readers on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkg/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkg_cmd *c = NULL;
	struct pkg_patch *p = NULL;
	struct pkg_value v;
	char prod[64], prog[64], s[48];
	uint64_t out;
	size_t n = 0, i;

	if (pkg_rawprogram_parse((const char *)data, size, 64, &c, &n, NULL) ==
	    0) {
		for (i = 0; i < n; i++)
			pkg_value_resolve(&c[i].start, 131072, 64, data, size,
					  &out);
		pkg_cmds_free(c, n);
	}
	if (pkg_patch_parse((const char *)data, size, &p, &n, NULL) == 0) {
		for (i = 0; i < n; i++)
			pkg_value_resolve(&p[i].value, 131072, 64, data, size,
					  &out);
		pkg_patches_free(p, n);
	}
	pkg_contents_parse((const char *)data, size, prod, sizeof(prod), prog,
			   sizeof(prog));
	if (size < sizeof(s)) {
		memcpy(s, data, size);
		s[size] = 0;
		if (pkg_value_parse(s, &v) == 0)
			pkg_value_resolve(&v, 131072, 64, data, size, &out);
	}
	return 0;
}
