/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_BASE_COMPAT_WIN_H
#define MF_BASE_COMPAT_WIN_H

/*
 * The POSIX calls the host layers use that mingw-w64 lacks, over Win32.
 * Included ahead of every file of a Windows build (meson.build), so that
 * ops/, pkg/, proto/ and cli/ compile unchanged; base/win/ holds the few
 * POSIX headers mingw does not ship (fnmatch.h, ftw.h). Only what the
 * tool needs, each with the semantics its callers rely on.
 */
#ifdef _WIN32

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <direct.h>
#include <io.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC _O_NOINHERIT
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0 /* no symlinks the tool would follow on NTFS */
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY 0x200000 /* open() of a directory fails: see openat */
#endif
#ifndef O_NOCTTY
#define O_NOCTTY 0
#endif
#ifndef AT_SYMLINK_NOFOLLOW
#define AT_SYMLINK_NOFOLLOW 0x100
#endif
#ifndef S_ISLNK
#define S_ISLNK(m) 0
#endif
#ifndef ELOOP
#define ELOOP 114
#endif

#ifndef EREMOTEIO
#define EREMOTEIO 200 /* the device answered with an error: not in mingw */
#endif
#ifndef EDQUOT
#define EDQUOT 201 /* no disk quotas on Windows: never set, only compared */
#endif

/*
 * struct stat with the POSIX st_mtim the host layers read: "stat" names
 * both the struct and the call, so one macro swaps both for ours.
 */
struct mf_stat {
	dev_t st_dev, st_rdev;
	uint64_t st_ino; /* the file index: mingw's ino_t is 16 bits */
	unsigned short st_mode;
	short st_nlink;
	short st_uid, st_gid;
	int64_t st_size;
	struct timespec st_atim, st_mtim, st_ctim;
};
int mf_stat(const char *path, struct mf_stat *st);
int mf_fstat(int fd, struct mf_stat *st);
#undef stat
#undef fstat
#define stat  mf_stat
#define fstat mf_fstat

static inline struct tm *gmtime_r(const time_t *t, struct tm *tm)
{
	return gmtime_s(tm, t) ? NULL : tm;
}

static inline struct tm *localtime_r(const time_t *t, struct tm *tm)
{
	return localtime_s(tm, t) ? NULL : tm;
}

void *memrchr(const void *s, int c, size_t n);
void *memmem(const void *h, size_t hn, const void *n, size_t nn);
char *strcasestr(const char *h, const char *n);
/* no symbolic links the tool reads on Windows: always EINVAL */
ssize_t readlink(const char *path, char *buf, size_t cap);
struct dirent;
int scandir(const char *dir, struct dirent ***list,
	    int (*keep)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **));
int alphasort(const struct dirent **a, const struct dirent **b);

typedef unsigned int mf_uid_t;
typedef unsigned int mf_gid_t;
#define uid_t mf_uid_t
#define gid_t mf_gid_t

ssize_t pread(int fd, void *buf, size_t len, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t len, off_t off);
char *realpath(const char *path, char *resolved);
char *mkdtemp(char *tmpl);
char *strndup(const char *s, size_t n);
int lstat(const char *path, struct mf_stat *st);
int fsync(int fd);
/*
 * Directory file descriptors: open(dir, O_DIRECTORY) gives a CRT fd over a
 * directory handle (which also keeps the directory from being renamed
 * while it is open); the *at calls resolve the handle's path and join rel
 * (already checked by the caller: relative, no "..") onto it. "open" is
 * renamed as a whole word, so a struct member of that name is too,
 * alike in every file of the build.
 */
int mf_win_open(const char *path, int flags, ...);
#define open mf_win_open
int openat(int dirfd, const char *path, int flags, ...);
int mkdirat(int dirfd, const char *path, mode_t mode);
int fstatat(int dirfd, const char *path, struct mf_stat *st, int flags);
unsigned int getuid(void);
unsigned int geteuid(void);
int getgroups(int n, mf_gid_t *list);
/* stdio's per-stream lock (the CRT's own) */
#define flockfile   _lock_file
#define funlockfile _unlock_file
/* kill(pid, 0) alone: 0 while the process runs, else -1 with ESRCH */
int kill(int pid, int sig);

/*
 * sigaction over the CRT's signal(): Ctrl-C arrives as SIGINT (on a
 * thread of its own); the CRT resets the handler after one delivery, which
 * the tool's handlers (set a flag, stop at the next safe point) allow.
 */
typedef unsigned long mf_sigset_t;
struct sigaction {
	void (*sa_handler)(int);
	mf_sigset_t sa_mask;
	int sa_flags;
};
#ifndef SA_RESTART
#define SA_RESTART 0x10000000
#endif
static inline int sigemptyset(mf_sigset_t *set)
{
	*set = 0;
	return 0;
}
static inline int sigaddset(mf_sigset_t *set, int sig)
{
	*set |= 1ul << (sig & 31);
	return 0;
}
static inline int sigaction(int sig, const struct sigaction *sa,
			    struct sigaction *old)
{
	void (*prev)(int) = signal(sig, sa ? sa->sa_handler : SIG_DFL);

	if (old) {
		memset(old, 0, sizeof(*old));
		old->sa_handler = prev;
	}
	return prev == SIG_ERR ? -1 : 0;
}

/* POSIX mkdir takes a mode; Windows ACLs decide instead */
static inline int mf_win_mkdir(const char *path, int mode)
{
	(void)mode;
	return _mkdir(path);
}
#define mkdir(path, mode) mf_win_mkdir(path, mode)

#endif /* _WIN32 */
#endif
