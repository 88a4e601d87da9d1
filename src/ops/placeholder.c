// SPDX-License-Identifier: BSD-3-Clause
/* placeholder until the ops layer lands */
int mf_ops_placeholder(void);
int mf_ops_placeholder(void)
{
	return 0;
}
