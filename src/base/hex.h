/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_BASE_HEX_H
#define MF_BASE_HEX_H

/* Value of one hex digit, or -1 when c is not one. */
static inline int mf_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
