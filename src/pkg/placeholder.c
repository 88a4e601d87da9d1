// SPDX-License-Identifier: BSD-3-Clause
/* placeholder until the pkg layer lands */
int mf_pkg_placeholder(void);
int mf_pkg_placeholder(void)
{
	return 0;
}
