/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_WIN_SYS_STATVFS_H
#define MF_WIN_SYS_STATVFS_H

/*
 * The part of POSIX statvfs() the backup's room check reads (free bytes
 * for the caller: f_bavail * f_frsize), from GetDiskFreeSpaceExA
 * (base/compat_win.c).
 */
struct statvfs {
	unsigned long f_bsize;
	unsigned long f_frsize;
	unsigned long long f_blocks;
	unsigned long long f_bfree;
	unsigned long long f_bavail;
};

int statvfs(const char *path, struct statvfs *vfs);

#endif
