/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_BASE_WIN_FNMATCH_H
#define MF_BASE_WIN_FNMATCH_H

/* fnmatch(3) for Windows builds: '*', '?' and [...] classes (base/compat_win.c) */
#define FNM_NOMATCH  1
#define FNM_NOESCAPE 0x01
#define FNM_PATHNAME 0x02
#define FNM_PERIOD   0x04

int fnmatch(const char *pattern, const char *string, int flags);

#endif
