/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_BASE_WIN_FTW_H
#define MF_BASE_WIN_FTW_H

#include <sys/stat.h>

/* nftw(3) for Windows builds: depth-first removal walks (base/compat_win.c) */
#define FTW_F	  0
#define FTW_D	  1
#define FTW_DNR	  2
#define FTW_NS	  3
#define FTW_SL	  4
#define FTW_DP	  5
#define FTW_SLN	  6
#define FTW_PHYS  0x01
#define FTW_MOUNT 0x02
#define FTW_DEPTH 0x08

struct FTW {
	int base;
	int level;
};

int nftw(const char *dir,
	 int (*fn)(const char *, const struct stat *, int, struct FTW *),
	 int fds, int flags);

#endif
