// SPDX-License-Identifier: BSD-3-Clause
/* placeholder until the discover layer lands */
int mf_discover_placeholder(void);
int mf_discover_placeholder(void)
{
	return 0;
}
