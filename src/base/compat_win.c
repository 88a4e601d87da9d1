// SPDX-License-Identifier: BSD-3-Clause
/*
 * POSIX calls over Win32 for the Windows build (base/compat_win.h). Kept
 * to what the host layers call; each says where it differs from POSIX.
 */
#ifdef _WIN32
#include <windows.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/win/fnmatch.h"
#include "base/win/ftw.h"
#include "base/win/sys/statvfs.h"

#undef stat
#undef fstat

static void from_crt(const struct _stat64 *c, struct mf_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = c->st_dev;
	st->st_rdev = c->st_rdev;
	st->st_ino = c->st_ino;
	st->st_mode = c->st_mode;
	st->st_nlink = c->st_nlink;
	st->st_size = c->st_size;
	st->st_atim.tv_sec = c->st_atime;
	st->st_mtim.tv_sec = c->st_mtime;
	st->st_ctim.tv_sec = c->st_ctime;
}

/*
 * st_dev and st_ino as POSIX means them, from the volume serial number
 * and the file index: the CRT gives st_ino 0 and a drive number from
 * _stat but the descriptor from _fstat, so "is the file at this path still
 * the one I hold open" (ops/lock.c) could not be asked.
 */
static void identity(HANDLE h, struct mf_stat *st)
{
	BY_HANDLE_FILE_INFORMATION bi;

	if (h == INVALID_HANDLE_VALUE || !GetFileInformationByHandle(h, &bi))
		return;
	st->st_dev = (dev_t)bi.dwVolumeSerialNumber;
	st->st_ino = (((uint64_t)bi.nFileIndexHigh << 32) | bi.nFileIndexLow);
}

int mf_stat(const char *path, struct mf_stat *st)
{
	struct _stat64 c;
	HANDLE h;

	if (_stat64(path, &c))
		return -1;
	from_crt(&c, st);
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return 0;
	h = CreateFileA(path, 0,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
	identity(h, st);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	return 0;
}

int mf_fstat(int fd, struct mf_stat *st)
{
	struct _stat64 c;

	if (_fstat64(fd, &c))
		return -1;
	from_crt(&c, st);
	if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))
		identity((HANDLE)_get_osfhandle(fd), st);
	return 0;
}

void *memrchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	while (n--)
		if (p[n] == (unsigned char)c)
			return (void *)(p + n);
	return NULL;
}

void *memmem(const void *h, size_t hn, const void *n, size_t nn)
{
	const unsigned char *p = h;

	if (!nn)
		return (void *)h;
	for (size_t i = 0; i + nn <= hn; i++)
		if (p[i] == *(const unsigned char *)n && !memcmp(p + i, n, nn))
			return (void *)(p + i);
	return NULL;
}

char *strcasestr(const char *h, const char *n)
{
	size_t nn = strlen(n);

	for (; *h; h++)
		if (!_strnicmp(h, n, nn))
			return (char *)h;
	return nn ? NULL : (char *)h;
}

ssize_t readlink(const char *path, char *buf, size_t cap)
{
	(void)path, (void)buf, (void)cap;
	errno = EINVAL;
	return -1;
}

int alphasort(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int scandir(const char *dir, struct dirent ***list,
	    int (*keep)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **))
{
	DIR *d = opendir(dir);
	struct dirent *e, **v = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		struct dirent *c;

		if (keep && !keep(e))
			continue;
		if (n == cap) {
			struct dirent **nv;

			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto fail;
			v = nv;
		}
		c = malloc(sizeof(*c));
		if (!c)
			goto fail;
		*c = *e;
		v[n++] = c;
	}
	closedir(d);
	if (cmp && n)
		qsort(v, n, sizeof(*v),
		      (int (*)(const void *, const void *))cmp);
	*list = v;
	return (int)n;
fail:
	while (n)
		free(v[--n]);
	free(v);
	closedir(d);
	errno = ENOMEM;
	return -1;
}

/* positioned I/O through the handle: the file offset stays as it was */
static ssize_t rw_at(int fd, void *buf, size_t len, off_t off, int wr)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov = { 0 };
	DWORD n = 0, want = len > 0x40000000 ? 0x40000000 : (DWORD)len;
	BOOL ok;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	ov.Offset = (DWORD)((uint64_t)off & 0xffffffffu);
	ov.OffsetHigh = (DWORD)((uint64_t)off >> 32);
	ok = wr ? WriteFile(h, buf, want, &n, &ov)
		: ReadFile(h, buf, want, &n, &ov);
	if (!ok) {
		if (!wr && GetLastError() == ERROR_HANDLE_EOF)
			return 0;
		errno = EIO;
		return -1;
	}
	return (ssize_t)n;
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	return rw_at(fd, buf, len, off, 0);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return rw_at(fd, (void *)buf, len, off, 1);
}

char *realpath(const char *path, char *resolved)
{
	char *r;
	struct mf_stat st;

	if (mf_stat(path, &st) != 0)
		return NULL; /* errno from stat: ENOENT as POSIX says */
	r = _fullpath(resolved, path, resolved ? 4096 : 0);
	if (r)
		for (char *p = r; *p; p++)
			if (*p == '\\')
				*p = '/';
	return r;
}

char *mkdtemp(char *tmpl)
{
	size_t n = strlen(tmpl);

	if (n < 6 || strcmp(tmpl + n - 6, "XXXXXX") != 0) {
		errno = EINVAL;
		return NULL;
	}
	for (int tries = 0; tries < 100; tries++) {
		static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789";
		unsigned int r = (unsigned int)GetTickCount() ^
				 (unsigned int)GetCurrentProcessId() ^
				 (unsigned int)(tries * 2654435761u);

		for (size_t i = n - 6; i < n; i++) {
			tmpl[i] = al[r % 36];
			r = r * 1103515245u + 12345u + (unsigned int)i;
		}
		if (CreateDirectoryA(tmpl, NULL))
			return tmpl;
		if (GetLastError() != ERROR_ALREADY_EXISTS) {
			errno = EACCES;
			return NULL;
		}
	}
	errno = EEXIST;
	return NULL;
}

char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = malloc(len + 1);

	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = 0;
	return d;
}

int lstat(const char *path, struct mf_stat *st)
{
	return mf_stat(path, st);
}

int fsync(int fd)
{
	return _commit(fd);
}

#undef open

int mf_win_open(const char *path, int flags, ...)
{
	va_list ap;
	HANDLE h;
	int mode, fd;

	va_start(ap, flags);
	mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	/* bytes as they are: never the CRT's CR LF text mode */
	if (!(flags & O_DIRECTORY))
		return _open(path, flags | (flags & _O_TEXT ? 0 : _O_BINARY),
			     mode);
	h = CreateFileA(path, GENERIC_READ,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		errno = GetLastError() == ERROR_ACCESS_DENIED ? EACCES : ENOENT;
		return -1;
	}
	if (!(GetFileAttributesA(path) & FILE_ATTRIBUTE_DIRECTORY)) {
		CloseHandle(h);
		errno = ENOTDIR;
		return -1;
	}
	fd = _open_osfhandle((intptr_t)h, _O_RDONLY);
	if (fd < 0) {
		CloseHandle(h);
		errno = EMFILE;
	}
	return fd;
}

/* "<the directory of dirfd>\rel" into out; -1 with errno set */
static int at_path(int dirfd, const char *rel, char *out, size_t cap)
{
	HANDLE h = (HANDLE)_get_osfhandle(dirfd);
	char dir[MAX_PATH * 2];
	const char *d = dir;
	DWORD n;
	int len;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	n = GetFinalPathNameByHandleA(h, dir, sizeof(dir),
				      FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
	if (!n || n >= sizeof(dir)) {
		errno = EBADF;
		return -1;
	}
	/* "\\?\C:\x" -> "C:\x"; a UNC path keeps its prefix */
	if (!strncmp(d, "\\\\?\\", 4) && d[4] && d[5] == ':')
		d += 4;
	len = snprintf(out, cap, "%s\\%s", d, rel);
	if (len < 0 || (size_t)len >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = out; *p; p++)
		if (*p == '/')
			*p = '\\';
	return 0;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	char full[MAX_PATH * 3];
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	if (at_path(dirfd, path, full, sizeof(full)) < 0)
		return -1;
	return mf_win_open(full, flags, mode);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	char full[MAX_PATH * 3];

	(void)mode;
	if (at_path(dirfd, path, full, sizeof(full)) < 0)
		return -1;
	return _mkdir(full);
}

int fstatat(int dirfd, const char *path, struct mf_stat *st, int flags)
{
	char full[MAX_PATH * 3];

	(void)flags; /* no symbolic links are made while extracting */
	if (at_path(dirfd, path, full, sizeof(full)) < 0)
		return -1;
	return mf_stat(full, st);
}

/* no POSIX users: group and mode checks are for Linux device nodes */
unsigned int getuid(void)
{
	return 0;
}

unsigned int geteuid(void)
{
	return 0;
}

int getgroups(int n, unsigned int *list)
{
	(void)n, (void)list;
	return 0;
}

/* '*', '?', '[...]' (with '!' or '^' and ranges), '\' escapes */
static int match(const char *p, const char *s, int flags)
{
	for (; *p; p++, s++) {
		if (*p == '*') {
			while (p[1] == '*')
				p++;
			if (!p[1])
				return 0;
			for (; *s; s++)
				if (!match(p + 1, s, flags))
					return 0;
			return FNM_NOMATCH;
		}
		if (!*s)
			return FNM_NOMATCH;
		if (*p == '?')
			continue;
		if (*p == '[') {
			const char *q = p + 1;
			int neg = *q == '!' || *q == '^', hit = 0;

			if (neg)
				q++;
			for (; *q && (*q != ']' || q == p + 1 + neg); q++) {
				if (q[1] == '-' && q[2] && q[2] != ']') {
					hit |= *s >= q[0] && *s <= q[2];
					q += 2;
				} else {
					hit |= *s == *q;
				}
			}
			if (!*q)
				return *s == '[' ? 0 : FNM_NOMATCH;
			if (hit == neg)
				return FNM_NOMATCH;
			p = q;
			continue;
		}
		if (*p == '\\' && !(flags & FNM_NOESCAPE) && p[1])
			p++;
		if (*p != *s)
			return FNM_NOMATCH;
	}
	return *s ? FNM_NOMATCH : 0;
}

int fnmatch(const char *pattern, const char *string, int flags)
{
	return match(pattern, string, flags);
}

static int walk(char *path, size_t cap, int level,
		int (*fn)(const char *, const struct mf_stat *, int,
			  struct FTW *),
		int flags)
{
	struct mf_stat st;
	struct FTW f = { 0, level };
	const char *b = strrchr(path, '/');
	int rc;

	f.base = b ? (int)(b - path + 1) : 0;
	if (mf_stat(path, &st) != 0)
		return fn(path, &st, FTW_NS, &f);
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		size_t n = strlen(path);

		if (!d)
			return fn(path, &st, FTW_DNR, &f);
		if (!(flags & FTW_DEPTH) && (rc = fn(path, &st, FTW_D, &f))) {
			closedir(d);
			return rc;
		}
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (n + 1 + strlen(e->d_name) >= cap)
				continue;
			path[n] = '/';
			strcpy(path + n + 1, e->d_name);
			rc = walk(path, cap, level + 1, fn, flags);
			path[n] = 0;
			if (rc) {
				closedir(d);
				return rc;
			}
		}
		closedir(d);
		return flags & FTW_DEPTH ? fn(path, &st, FTW_DP, &f) : 0;
	}
	return fn(path, &st, FTW_F, &f);
}

int nftw(const char *dir,
	 int (*fn)(const char *, const struct mf_stat *, int, struct FTW *),
	 int fds, int flags)
{
	char path[4096];

	(void)fds;
	if (strlen(dir) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(path, dir);
	return walk(path, sizeof(path), 0, fn, flags);
}
#endif

int statvfs(const char *path, struct statvfs *vfs)
{
	ULARGE_INTEGER avail, total, free_all;

	if (!GetDiskFreeSpaceExA(path, &avail, &total, &free_all)) {
		errno = GetLastError() == ERROR_PATH_NOT_FOUND ||
					GetLastError() == ERROR_FILE_NOT_FOUND
				? ENOENT
				: EIO;
		return -1;
	}
	memset(vfs, 0, sizeof(*vfs));
	vfs->f_bsize = vfs->f_frsize = 1;
	vfs->f_blocks = total.QuadPart;
	vfs->f_bfree = free_all.QuadPart;
	vfs->f_bavail = avail.QuadPart;
	return 0;
}

int kill(int pid, int sig)
{
	HANDLE h;
	DWORD code = 0;
	BOOL ok;

	if (sig != 0) {
		errno = EINVAL;
		return -1;
	}
	h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
	if (!h) {
		/* a process of another user is there, only not ours to open */
		errno = GetLastError() == ERROR_ACCESS_DENIED ? EPERM : ESRCH;
		return -1;
	}
	ok = GetExitCodeProcess(h, &code);
	CloseHandle(h);
	if (ok && code != STILL_ACTIVE) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}
